// The data worker host's Parquet paths — import job and export — run without DuckDB (whose
// parquet extension is downloaded on first use, so it fails offline): the host is given a DuckDB
// loader that fails, and Parquet still imports and exports. Round trips keep checksums.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { parquetReadObjects } from 'hyparquet';
import { beforeAll, describe, expect, it } from 'vitest';
import type { JobManifest } from '../../../src/engine/contracts';
import { importCsvText } from '../../../src/engine/data/normalize';
import { getArtifact } from '../../../src/storage/artifacts';
import { loadDataset } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { barsToParquet } from '../../../src/storage/parquet';
import type { ImportResultInfo } from '../../../src/storage/sources/import-types';
import { DataHost } from '../../../src/workers/data-host';
import { resampleDataset } from '../../../src/workers/dataset-export';
import { IMPORT_MEASURES } from '../../../src/workers/handlers/import';
import { setImmediateYield } from '../workers/harness';
import { bitsEqual, readReal, realFile } from './helpers';

let db: QeDb;
let host: DataHost;
let duckStarts = 0;
const manifest: JobManifest = { id: 'm', jobType: 'import_files', inputs: [], params: {}, engineVersion: 't', seed: 1 };

beforeAll(async () => {
  db = await openQeDb(new IDBFactory());
  host = new DataHost({
    db: async () => db,
    openDuck: async () => {
      duckStarts++;
      throw new Error('offline: DuckDB-WASM cannot be loaded in this test');
    },
    logger: new LogBus().logger('worker.data'),
    now: () => performance.now(),
    yieldFn: setImmediateYield,
    wallNow: () => Date.UTC(2026, 2, 1),
  });
});

function job(name: string, bytes: ArrayBuffer) {
  const files = [{ name, path: name, size: bytes.byteLength, lastModified: 0, bytes }];
  const params = { uploadId: 'u', mode: 'files', files: files.map(({ bytes: _b, ...ref }) => ref) };
  return { files, params };
}

async function importJob(jobId: string, name: string, bytes: ArrayBuffer): Promise<ImportResultInfo> {
  const { files, params } = job(name, bytes);
  const progress: number[] = [];
  const res = await host.runJob(jobId, 'import_files', params, manifest, files, (f) => progress.push(f));
  expect(res).toEqual({ resultKey: `import/${jobId}` });
  expect(progress[progress.length - 1]).toBe(1);
  return (await getArtifact(db, `import/${jobId}`))?.value as unknown as ImportResultInfo;
}

describe('DataHost: Parquet without DuckDB', () => {
  it('an import job reads a Parquet file (written by the qe import writer from MSFT.csv) to the CSV bars and measures its phases', async () => {
    const direct = importCsvText(readReal('daily/csv/MSFT.csv'), { file: 'MSFT.csv' }).tickers[0].bars;
    const info = await importJob('j1', 'MSFT_1d.parquet', barsToParquet('MSFT', direct, 'daily'));
    expect(info.files).toEqual([{ path: 'MSFT_1d.parquet', format: 'parquet', rows: direct.ts.length, tickers: ['MSFT'], timeframe: '1d', sidecar: null }]);
    const stored = await loadDataset(db, 'MSFT|1d');
    expect(stored.meta.source).toBe('MSFT_1d.parquet');
    expect(bitsEqual(stored.bars, direct)).toBe(true);
    const measures = (performance.getEntriesByType('measure') as PerformanceMeasure[]).filter(
      (m) => (m.detail as { jobId?: string } | null)?.jobId === 'j1',
    );
    expect(measures.map((m) => m.name)).toEqual([IMPORT_MEASURES.parseQuality, IMPORT_MEASURES.store]);
    expect(measures[0].detail).toMatchObject({ files: 1, datasets: 1, rows: direct.ts.length, bytes: stored.meta.bytes });
    expect(measures.every((m) => m.duration > 0)).toBe(true);
    expect(duckStarts).toBe(0);
  });

  it('exports Parquet that an independent reader sees as dates + raw numbers, and that imports back to the same checksum', async () => {
    const before = await loadDataset(db, 'MSFT|1d');
    const out = await host.exportDataset('MSFT|1d', 'parquet');
    expect(out.mime).toBe('application/vnd.apache.parquet');
    expect(out.rows).toBe(before.meta.rows);
    const rows = await parquetReadObjects({ file: out.bytes });
    const src = readReal('daily/csv/MSFT.csv').trim().split('\n');
    expect(rows.length).toBe(src.length - 1);
    for (const i of [0, 1, 2500, rows.length - 1]) {
      const [, d, o, h, l, c, v] = src[i + 1].split(',');
      expect(rows[i].ticker).toBe('MSFT');
      expect((rows[i].date as Date).toISOString()).toBe(`${d}T00:00:00.000Z`);
      expect([rows[i].open, rows[i].high, rows[i].low, rows[i].close, rows[i].volume]).toEqual([o, h, l, c, v].map(Number));
    }
    const info = await importJob('j2', 'data-explorer_MSFT-1d.parquet', out.bytes);
    expect(info.datasets).toEqual([expect.objectContaining({ id: 'MSFT|1d', replaced: true, checksum: before.meta.checksum })]);
    expect(duckStarts).toBe(0);
  });

  it('a resampled intraday export (AAPL 1h → 4h) round-trips to the derived bars', async () => {
    await importJob('j3', 'bars_1hour_SPY_AAPL_JPM.parquet', realFile('intraday/bars_1hour_SPY_AAPL_JPM.parquet').bytes as ArrayBuffer);
    const h1 = await loadDataset(db, 'AAPL|1h');
    const derived = resampleDataset(h1.meta, h1.bars, '4h').bars;
    const out = await host.exportDataset('AAPL|1h', 'parquet', '4h');
    expect(out.rows).toBe(derived.ts.length);
    await importJob('j4', 'AAPL_4h.parquet', out.bytes);
    expect(bitsEqual((await loadDataset(db, 'AAPL|4h')).bars, derived)).toBe(true);
    expect(duckStarts).toBe(0);
  });
});
