/// <reference lib="webworker" />
/**
 * Compute worker: runs job handlers off the main thread. Exposes ComputeWorkerApi via comlink;
 * its log records are forwarded to the main thread's bus.
 */
import * as Comlink from 'comlink';
import { openQeDb, type QeDb } from '../storage/db';
import { logBus } from '../storage/log';
import { ComputeHost } from './compute-host';
import { forwardedLog } from './protocol';
import { transferablesOf } from './transferables';
import { createMacrotaskYield, timeSlicedYield } from './worker-context';

declare const self: DedicatedWorkerGlobalScope;

logBus.configure({ level: 'DEBUG' });
logBus.forwardTo((entry) => self.postMessage(forwardedLog(entry)));

let db: Promise<QeDb> | null = null;
const host = new ComputeHost({
  db: () => {
    if (!db) {
      db = openQeDb();
      // A failed open is retried by the next job rather than cached forever.
      db.catch(() => {
        db = null;
      });
    }
    return db;
  },
  now: () => Date.now(),
  monotonic: () => performance.now(),
  yieldFn: timeSlicedYield(createMacrotaskYield(), () => performance.now()),
  logger: logBus.logger('worker.compute'),
  // Shard outputs (feature columns, …) move to the caller instead of being copied.
  transferOut: (v) => (typeof v === 'object' && v !== null ? Comlink.transfer(v, transferablesOf(v)) : v),
});

Comlink.expose(host);
