// DataHost against the real DuckDB-WASM engine (its Node build), over fake-indexeddb.
import 'fake-indexeddb/auto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { beforeAll, describe, expect, it } from 'vitest';
import { deleteDataset, putDataset } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { DataHost, type DuckConnection } from '../../../src/workers/data-host';
import type { TableLike } from '../../../src/workers/sql-result';
import { input, makeBars, realSpyBars, sameBits } from '../storage/helpers';

interface BlockingConn {
  query(sql: string): TableLike;
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create?: boolean }): void;
}

const require = createRequire(import.meta.url);

async function nodeDuck(): Promise<DuckConnection> {
  const duckdb = require('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
  const dist = path.dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-eh.wasm'));
  const db = await duckdb.createDuckDB(
    {
      mvp: { mainModule: path.join(dist, 'duckdb-mvp.wasm'), mainWorker: '' },
      eh: { mainModule: path.join(dist, 'duckdb-eh.wasm'), mainWorker: '' },
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await db.instantiate();
  const conn = db.connect() as BlockingConn;
  return {
    query: async (sql) => conn.query(sql),
    insertArrowFromIPCStream: async (bytes, options) => conn.insertArrowFromIPCStream(bytes, options),
  };
}

let db: QeDb;
let host: DataHost;
const states: string[] = [];
let duckStarts = 0;

beforeAll(async () => {
  db = await openQeDb(new IDBFactory());
  host = new DataHost({
    db: async () => db,
    openDuck: () => {
      duckStarts++;
      return nodeDuck();
    },
    logger: new LogBus().logger('worker.data'),
    now: () => performance.now(),
  });
  host.watchState((s, e) => states.push(e ? `${s}:${e}` : s));
}, 60_000);

describe('DataHost with DuckDB', () => {
  it('starts DuckDB on the first query only, reporting loading → ready', async () => {
    expect(states).toEqual(['idle']);
    expect(await host.sql('select 42 as answer')).toEqual({ columns: ['answer'], rows: [[42]], truncated: false });
    await host.sql('select 1');
    expect(states).toEqual(['idle', 'loading', 'ready']);
    expect(duckStarts).toBe(1);
  });

  it('mirrors stored datasets into a `bars` view with the same numbers', async () => {
    const spy = realSpyBars();
    await putDataset(db, input('SPY', spy));
    await putDataset(db, input('QQQ', makeBars(10), { timeframe: '1h' }));
    let jsSum = 0;
    for (const v of spy.close) jsSum += v;
    const r = await host.sql(
      "select ticker, timeframe, count(*) as n, sum(close) as s, min(time) as first from bars group by 1, 2 order by 1, 2",
    );
    expect(r.columns).toEqual(['ticker', 'timeframe', 'n', 's', 'first']);
    expect(r.rows[0].slice(0, 3)).toEqual(['QQQ', '1h', 10]);
    expect(r.rows[1].slice(0, 3)).toEqual(['SPY', '1d', 3487]);
    expect(r.rows[1][3] as number).toBeCloseTo(jsSum, 6);
    expect(r.rows[1][4]).toBe('2011-02-23T00:00:00.000Z');
    const cat = await host.sql('select id, origin, rows from datasets order by id');
    expect(cat.rows).toEqual([
      ['QQQ|1h', 'file', 10],
      ['SPY|1d', 'file', 3487],
    ]);
  });

  it('follows replacements and deletions', async () => {
    await putDataset(db, input('QQQ', makeBars(25, undefined, 7), { timeframe: '1h' }));
    await deleteDataset(db, 'SPY|1d');
    const r = await host.sql('select ticker, count(*) from bars group by 1');
    expect(r.rows).toEqual([['QQQ', 25]]);
    await expect(host.sql('select * from "bars_SPY_7c_1d"')).rejects.toThrow(/SQL failed: .*bars_SPY_7c_1d/);
  });

  it('reports SQL errors with the query and keeps working afterwards', async () => {
    const err = await host.sql('select nope from bars').catch((e: unknown) => e);
    expect((err as Error).name).toBe('SqlError');
    expect((err as Error).message).toContain('(query: select nope from bars)');
    expect((await host.sql('select 2 as two')).rows).toEqual([[2]]);
  });

  it('decodes datasets bit for bit', async () => {
    const bars = makeBars(25, undefined, 7);
    const { meta, bars: got } = await host.loadDataset('QQQ|1h');
    expect(meta.rows).toBe(25);
    expect(sameBits(got.close, bars.close)).toBe(true);
  });
});
