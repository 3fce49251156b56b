/**
 * The browser wiring of the workers: Worker construction (Vite bundles each entry from its
 * `new URL(..., import.meta.url)`) and comlink connections. Only code here touches comlink.
 * (No explicit proxy release: workers are only dropped by terminate(), which frees everything.)
 */
import * as Comlink from 'comlink';
import type { DataConnection } from './data-client';
import type { ComputeConnection, WorkerLike } from './pool';
import type { ComputeWorkerApi, DataWorkerApi, ShardAttempt, ShardLender } from './protocol';
import { transferablesOf } from './transferables';

export function createComputeWorker(): Worker {
  return new Worker(new URL('./compute.worker.ts', import.meta.url), { type: 'module', name: 'qe-compute' });
}

export function createDataWorker(): Worker {
  return new Worker(new URL('./data.worker.ts', import.meta.url), { type: 'module', name: 'qe-data' });
}

export function connectCompute(worker: WorkerLike): ComputeConnection {
  const remote = Comlink.wrap<ComputeWorkerApi>(worker as unknown as Worker);
  return {
    run: (record, onProgress, lender) =>
      remote.run(
        record.id,
        record.type,
        record.manifest.params,
        record.manifest,
        Comlink.proxy(onProgress),
        lender ? Comlink.proxy(transferringLender(lender)) : undefined,
      ),
    runShard: (runId, task, input) => remote.runShard(runId, task, input),
    cancel: (jobId) => remote.cancel(jobId),
  };
}

/** The main thread only relays lent shards' outputs: their buffers move on, never copied. */
function transferringLender(lender: ShardLender): ShardLender {
  return {
    capacity: () => lender.capacity(),
    idle: () => lender.idle(),
    tryRun: async (task, input): Promise<ShardAttempt> => {
      const attempt = await lender.tryRun(task, input);
      return Comlink.transfer(attempt, transferablesOf(attempt));
    },
    cancelAll: () => lender.cancelAll(),
  };
}

export function connectData(worker: WorkerLike): DataConnection {
  const remote = Comlink.wrap<DataWorkerApi>(worker as unknown as Worker);
  return {
    watchState: (cb) => remote.watchState(Comlink.proxy(cb)),
    sql: (q) => remote.sql(q),
    loadDataset: (id) => remote.loadDataset(id),
    runJob: (record, files, onProgress) => {
      // Files (Blobs) are cloned as handles, not copied; raw buffers are transferred.
      const buffers = files.flatMap((f) => (f.bytes ? [f.bytes] : []));
      return remote.runJob(
        record.id,
        record.type,
        record.manifest.params,
        record.manifest,
        Comlink.transfer(files, buffers),
        Comlink.proxy(onProgress),
      );
    },
    cancelJob: (jobId) => remote.cancelJob(jobId),
    resampleDataset: (id, to) => remote.resampleDataset(id, to),
    exportDataset: (id, format, resampleTo) => remote.exportDataset(id, format, resampleTo),
  };
}
