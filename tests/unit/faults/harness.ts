/**
 * Fault-injection helpers: an IndexedDB shim that refuses the Nth put with the browser's
 * QuotaExceededError (at the IDB level, so every connection — main thread and in-process
 * workers — sees it), and a backend wired to the real worker hosts in process.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { JobEvent } from '../../../src/engine/contracts';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import type { Backend } from '../../../src/workers/api';
import { createBackend } from '../../../src/workers/backend';
import type { DataConnection } from '../../../src/workers/data-client';
import { DataHost } from '../../../src/workers/data-host';
import type { WorkerLike } from '../../../src/workers/pool';
import { FakeWorker, inProcessCompute, setImmediateYield } from '../workers/harness';

interface QuotaArm {
  /** object store whose puts count; undefined = every store */
  store?: string;
  /** puts allowed before the refusal */
  okPuts: number;
  puts: number;
  refused: number;
}

let arm: QuotaArm | null = null;
const proto = (globalThis as unknown as { IDBObjectStore: { prototype: { put: (...a: unknown[]) => unknown; name: string } } }).IDBObjectStore.prototype;
const originalPut = proto.put;
proto.put = function (this: { name: string }, ...args: unknown[]) {
  const a = arm;
  if (a && (a.store === undefined || a.store === this.name)) {
    a.puts++;
    if (a.puts > a.okPuts) {
      a.refused++;
      // What Chromium raises when the origin is over its quota.
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    }
  }
  return originalPut.apply(this, args);
};

/** From now on, the put after `okPuts` successful ones (to `store`, or any) is refused. */
export function armQuota(okPuts: number, store?: string): QuotaArm {
  arm = { store, okPuts, puts: 0, refused: 0 };
  return arm;
}

export function disarmQuota(): void {
  arm = null;
}

/** The real DataHost in process, including the job surface (imports run here). */
function inProcessDataHost(db: () => Promise<QeDb>) {
  return (w: WorkerLike): DataConnection => {
    const host = new DataHost({
      db,
      openDuck: () => Promise.reject(new Error('no DuckDB under Node')),
      logger: new LogBus().logger('worker.data'),
      now: () => performance.now(),
      yieldFn: setImmediateYield,
    });
    const running = new Set<string>();
    (w as FakeWorker).onTerminate.push(() => {
      for (const id of running) host.cancelJob(id);
    });
    return {
      watchState: async (cb) => host.watchState(cb),
      sql: (q) => host.sql(q),
      loadDataset: (id) => host.loadDataset(id),
      runJob: (record, files, onProgress) => {
        running.add(record.id);
        return host.runJob(record.id, record.type, record.manifest.params, record.manifest, files, onProgress).finally(() => running.delete(record.id));
      },
      cancelJob: async (id) => host.cancelJob(id),
      resampleDataset: (id, to) => host.resampleDataset(id, to),
      exportDataset: (id, f, to) => host.exportDataset(id, f, to),
    };
  };
}

/** A backend ("a tab") over `factory` with an in-process compute pool and data worker. */
export function makeTab(factory = new IDBFactory(), over: Partial<Parameters<typeof createBackend>[0]> = {}): { backend: Backend; factory: IDBFactory; workers: FakeWorker[] } {
  const workerDb = () => openQeDb(factory);
  const workers: FakeWorker[] = [];
  const backend = createBackend({
    idbFactory: factory,
    poolSize: 2,
    createComputeWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    connectCompute: inProcessCompute(workerDb),
    createDataWorker: () => new FakeWorker(),
    connectData: inProcessDataHost(workerDb),
    storageManager: { estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => false },
    locks: null,
    ...over,
  });
  return { backend, factory, workers };
}

export function collect(backend: Backend) {
  const events: JobEvent[] = [];
  backend.onJobEvent((e) => events.push(e));
  const waitDone = (id: string, timeoutMs = 20_000) =>
    new Promise<void>((resolve, reject) => {
      const t0 = Date.now();
      const check = () => {
        if (events.some((e) => e.event === 'done' && e.jobId === id)) resolve();
        else if (Date.now() - t0 > timeoutMs) reject(new Error(`job ${id} did not finish within ${timeoutMs} ms`));
        else setTimeout(check, 5);
      };
      check();
    });
  return { events, waitDone };
}

/** A minimal in-memory Web Locks stand-in shared by several "tabs" (same origin). */
export function sharedLocks() {
  const held = new Set<string>();
  return {
    held,
    request: async (name: string, cb: () => Promise<void>) => {
      held.add(name);
      try {
        await cb();
      } finally {
        held.delete(name);
      }
    },
    query: async () => ({ held: [...held].map((name) => ({ name })) }),
  };
}
