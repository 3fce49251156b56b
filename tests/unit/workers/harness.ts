/**
 * In-process stand-ins for the browser workers: the real ComputeHost / DataHost run on the
 * test thread behind a fake Worker that can be made to crash.
 */
import 'fake-indexeddb/auto';
import type { QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { ComputeHost } from '../../../src/workers/compute-host';
import type { DataConnection } from '../../../src/workers/data-client';
import { DataHost, type DuckConnection } from '../../../src/workers/data-host';
import type { ComputeConnection, WorkerLike } from '../../../src/workers/pool';
import { forwardedLog, type ShardLender } from '../../../src/workers/protocol';

export class FakeWorker implements WorkerLike {
  static created: FakeWorker[] = [];
  terminated = false;
  private listeners = new Map<string, Array<(ev: Event) => void>>();
  constructor() {
    FakeWorker.created.push(this);
  }
  onTerminate: Array<() => void> = [];
  terminate(): void {
    this.terminated = true;
    for (const f of this.onTerminate) f();
  }
  addEventListener(type: string, l: (ev: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), l]);
  }
  /** Simulates an uncaught error inside the worker. */
  crash(message: string): void {
    for (const l of this.listeners.get('error') ?? []) l({ message } as unknown as Event);
  }
  /** Simulates a postMessage from the worker to the main thread. */
  post(data: unknown): void {
    for (const l of this.listeners.get('message') ?? []) l({ data } as unknown as Event);
  }
}

export const setImmediateYield = () => new Promise<void>((r) => setImmediate(r));

/** A ComputeHost per fake worker, whose log records go through the worker's message channel. */
export function inProcessCompute(db: () => Promise<QeDb>) {
  return (w: WorkerLike): ComputeConnection => {
    const bus = new LogBus();
    bus.forwardTo((e) => (w as FakeWorker).post(forwardedLog(e)));
    const host = new ComputeHost({
      db,
      now: () => Date.now(),
      monotonic: () => performance.now(),
      yieldFn: setImmediateYield,
      logger: bus.logger('worker.compute'),
    });
    // A terminated real worker stops dead; the in-process stand-in stops at its next checkpoint.
    const active = new Set<string>();
    (w as FakeWorker).onTerminate.push(() => {
      for (const id of active) host.cancel(id);
    });
    return {
      run: (record, onProgress, lender) => {
        active.add(record.id);
        return host
          .run(record.id, record.type, record.manifest.params, record.manifest, onProgress, lender && clonedLender(lender))
          .finally(() => active.delete(record.id));
      },
      // Inputs and outputs cross a thread boundary in the app: clone them here as well, so a
      // shard that returns something uncloneable fails in tests too.
      runShard: (runId, task, input) => {
        active.add(runId);
        return host
          .runShard(runId, task, structuredClone(input))
          .then((out) => structuredClone(out))
          .finally(() => active.delete(runId));
      },
      cancel: async (id) => host.cancel(id),
    };
  };
}

function clonedLender(lender: ShardLender): ShardLender {
  return {
    capacity: () => lender.capacity(),
    idle: () => lender.idle(),
    tryRun: (task, input) => lender.tryRun(task, structuredClone(input)),
    cancelAll: () => lender.cancelAll(),
  };
}

export function inProcessData(db: () => Promise<QeDb>, openDuck: () => Promise<DuckConnection>) {
  return (_w: WorkerLike): DataConnection => {
    const host = new DataHost({ db, openDuck, logger: new LogBus().logger('worker.data'), now: () => performance.now() });
    return {
      watchState: async (cb) => host.watchState(cb),
      sql: (q) => host.sql(q),
      loadDataset: (id) => host.loadDataset(id),
    };
  };
}
