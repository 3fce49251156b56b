// The data worker host with the real DuckDB-WASM Node build. Its parquet extension is fetched
// from the network on first use (not bundled), which cannot happen here, so the test connection
// stands in for exactly that step: `LOAD parquet` is answered locally and the Parquet format in
// the SQL is swapped for CSV. Everything else — registered file buffers, the SQL the host
// writes, DuckDB's Arrow result types (DATE, DOUBLE, BIGINT) through the importer, COPY …
// TO a virtual file — runs for real.
import 'fake-indexeddb/auto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobManifest } from '../../../src/engine/contracts';
import { importCsvText } from '../../../src/engine/data/normalize';
import { listDatasets, loadDataset } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { DataHost, type DuckConnection } from '../../../src/workers/data-host';
import type { TableLike } from '../../../src/workers/sql-result';
import { setImmediateYield } from '../workers/harness';
import { bitsEqual, readReal } from './helpers';

const require = createRequire(import.meta.url);

interface Blocking {
  query(sql: string): TableLike;
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create?: boolean }): void;
}

const sqlLog: string[] = [];
let loadFails = false;

interface BlockingDb {
  connect(): Blocking;
  registerFileBuffer(name: string, bytes: Uint8Array): void;
  copyFileToBuffer(name: string): Uint8Array;
  dropFile(name: string): void;
}

/** One DuckDB instance for the file (instantiating the WASM takes seconds). */
let instance: Promise<BlockingDb> | null = null;
function duckInstance(): Promise<BlockingDb> {
  instance ??= (async () => {
    const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
    const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
    const d = await duckdb.createDuckDB(
      { mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: '' }, eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: '' } },
      new duckdb.VoidLogger(),
      duckdb.NODE_RUNTIME,
    );
    await d.instantiate();
    return d as BlockingDb;
  })();
  return instance;
}

async function nodeDuck(): Promise<DuckConnection> {
  const db = await duckInstance();
  const conn = db.connect();
  return {
    query: async (sql) => {
      sqlLog.push(sql);
      if (sql === 'LOAD parquet') {
        if (loadFails) throw new Error('Failed to download extension "parquet" (NetworkError)');
        return conn.query('SELECT 1');
      }
      return conn.query(sql.replace('read_parquet(', 'read_csv_auto(').replace('(FORMAT PARQUET)', '(FORMAT CSV, HEADER)'));
    },
    insertArrowFromIPCStream: async (bytes, options) => conn.insertArrowFromIPCStream(bytes, options),
    registerFileBuffer: async (name, bytes) => db.registerFileBuffer(name, bytes),
    copyFileToBuffer: async (name) => db.copyFileToBuffer(name),
    dropFile: async (name) => {
      db.dropFile(name);
    },
  };
}

let db: QeDb;
let host: DataHost;
const manifest: JobManifest = { id: 'm', jobType: 'import_files', inputs: [], params: {}, engineVersion: 't', seed: 1 };

beforeAll(async () => {
  await duckInstance();
  db = await openQeDb(new IDBFactory());
  host = new DataHost({
    db: async () => db,
    openDuck: nodeDuck,
    logger: new LogBus().logger('worker.data'),
    now: () => performance.now(),
    yieldFn: setImmediateYield,
    wallNow: () => Date.UTC(2026, 2, 1),
  });
}, 60_000);

function job(name: string, bytes: Uint8Array) {
  const files = [{ name, path: name, size: bytes.byteLength, lastModified: 0, bytes: bytes.slice().buffer }];
  const params = { uploadId: 'u', mode: 'files', files: files.map(({ bytes: _b, ...ref }) => ref) };
  return { files, params };
}

describe('DataHost + DuckDB: Parquet import and export path', () => {
  it('reads a registered file with the SQL of the Parquet path and imports it to the same bars as the CSV', async () => {
    const csv = readReal('daily/csv/MSFT.csv').replace(/^ticker,date,/, 'ticker,Date,');
    const { files, params } = job('MSFT_1d.parquet', new TextEncoder().encode(csv));
    const progress: number[] = [];
    const res = await host.runJob('j1', 'import_files', params, manifest, files, (f) => progress.push(f));
    expect(res).toEqual({ resultKey: 'import/j1' });
    expect(sqlLog).toContain('LOAD parquet');
    expect(sqlLog).toContain("SELECT * FROM read_parquet('qe_import_1.parquet')");
    const direct = importCsvText(readReal('daily/csv/MSFT.csv'), { file: 'MSFT.csv' }).tickers[0].bars;
    const stored = await loadDataset(db, 'MSFT|1d');
    expect(stored.meta.source).toBe('MSFT_1d.parquet');
    expect(bitsEqual(stored.bars, direct)).toBe(true);
    expect(progress[progress.length - 1]).toBe(1);
  }, 30_000);

  it('exports Parquet through COPY … TO a virtual file (dates, raw numbers, ascending)', async () => {
    const out = await host.exportDataset('MSFT|1d', 'parquet');
    const copy = sqlLog.find((s) => s.startsWith('COPY'));
    expect(copy).toMatch(/^COPY \(SELECT 'MSFT' AS ticker, CAST\(epoch_ms\(ts::BIGINT\) AS DATE\) AS date, open, high, low, close, volume FROM "qe_export_\d+" ORDER BY ts\) TO 'qe_export_\d+\.parquet' \(FORMAT PARQUET\)$/);
    const lines = new TextDecoder().decode(out.bytes).trim().split('\n');
    const src = readReal('daily/csv/MSFT.csv').trim().split('\n');
    expect(lines[0]).toBe('ticker,date,open,high,low,close,volume');
    expect(lines.length).toBe(src.length);
    const [t, d, o, h, l, c, v] = lines[1].split(',');
    const [, d0, o0, h0, l0, c0, v0] = src[1].split(',');
    expect([t, d]).toEqual(['MSFT', d0]);
    expect([o, h, l, c, v].map(Number)).toEqual([o0, h0, l0, c0, v0].map(Number));
    expect(out.rows).toBe(src.length - 1);
  }, 30_000);

  it('when DuckDB cannot load its parquet extension the import fails with that reason and stores nothing', async () => {
    loadFails = true;
    const host2 = new DataHost({ db: async () => db, openDuck: nodeDuck, logger: new LogBus().logger('w'), now: () => performance.now(), yieldFn: setImmediateYield });
    const before = await listDatasets(db);
    const { files, params } = job('SPY_1d.parquet', new TextEncoder().encode('date,close\n2024-01-02,1\n'));
    const err = await host2.runJob('j2', 'import_files', params, manifest, files, () => undefined).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^SPY_1d\.parquet: could not be read \(ParquetUnavailableError: Parquet support is unavailable: DuckDB-WASM loads its parquet extension from extensions\.duckdb\.org on first use, and that failed \(Failed to download extension "parquet" \(NetworkError\)\)\. Are you offline\? Import CSV or Arrow IPC/,
    );
    expect(await listDatasets(db)).toEqual(before);
    loadFails = false;
  }, 30_000);
});
