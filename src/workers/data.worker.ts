/// <reference lib="webworker" />
/**
 * Data worker: owns DuckDB-WASM (loaded on the first query from locally served, precached
 * bundles — never a CDN) and decodes stored datasets off the main thread. Decoded columns
 * go back as transferables.
 */
import * as duckdb from '@duckdb/duckdb-wasm';
import ehWasm from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import mvpWasm from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import ehWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import mvpWorker from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import * as Comlink from 'comlink';
import type { DataWorkerState } from './api';
import { openQeDb, type QeDb } from '../storage/db';
import { logBus } from '../storage/log';
import { DataHost, type DuckConnection } from './data-host';
import { type DataWorkerApi, forwardedLog } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

logBus.configure({ level: 'DEBUG' });
logBus.forwardTo((entry) => self.postMessage(forwardedLog(entry)));
const log = logBus.logger('worker.data');

/** Bundle URLs resolved against this worker's location (Vite emits hashed asset paths). */
function localBundles(): duckdb.DuckDBBundles {
  const abs = (u: string) => new URL(u, self.location.href).href;
  return {
    mvp: { mainModule: abs(mvpWasm), mainWorker: abs(mvpWorker) },
    eh: { mainModule: abs(ehWasm), mainWorker: abs(ehWorker) },
  };
}

async function openDuck(): Promise<DuckConnection> {
  const bundle = await duckdb.selectBundle(localBundles());
  if (!bundle.mainWorker) throw new Error('no DuckDB worker script in the selected bundle');
  log.info(`starting DuckDB (${bundle.mainModule.includes('-eh') ? 'eh' : 'mvp'} bundle)`);
  const worker = new Worker(bundle.mainWorker);
  const db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(bundle.mainModule, bundle.pthreadWorker);
  const conn = await db.connect();
  return {
    query: (sql) => conn.query(sql),
    insertArrowFromIPCStream: (bytes, options) => conn.insertArrowFromIPCStream(bytes, options),
  };
}

let db: Promise<QeDb> | null = null;
const host = new DataHost({
  db: () => {
    if (!db) {
      db = openQeDb();
      db.catch(() => {
        db = null;
      });
    }
    return db;
  },
  openDuck,
  logger: log,
  now: () => performance.now(),
});

const api: DataWorkerApi = {
  watchState: (cb: (state: DataWorkerState, error?: string) => void) => host.watchState(cb),
  sql: (query) => host.sql(query),
  async loadDataset(id) {
    const result = await host.loadDataset(id);
    const b = result.bars;
    return Comlink.transfer(result, [b.ts.buffer, b.open.buffer, b.high.buffer, b.low.buffer, b.close.buffer, b.volume.buffer]);
  },
  runJob: (jobId, type, params, manifest, files, onProgress) => host.runJob(jobId, type, params, manifest, files, onProgress),
  cancelJob: (jobId) => host.cancelJob(jobId),
  async resampleDataset(id, to) {
    const result = await host.resampleDataset(id, to);
    const b = result.bars;
    return Comlink.transfer(result, [b.ts.buffer, b.open.buffer, b.high.buffer, b.low.buffer, b.close.buffer, b.volume.buffer]);
  },
  async exportDataset(id, format, resampleTo) {
    const file = await host.exportDataset(id, format, resampleTo);
    return Comlink.transfer(file, [file.bytes]);
  },
};

Comlink.expose(api);
