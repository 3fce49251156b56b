/**
 * What the compute worker exposes, without the worker plumbing: runs handlers with a
 * worker JobContext and keeps the per-job cancel flags. Runs in Node for tests.
 */
import type { JobManifest, Json } from '../engine/contracts';
import type { QeDb } from '../storage/db';
import type { Logger } from '../storage/log/bus';
import { handlerFor } from './handlers';
import type { ComputeWorkerApi, JobResult } from './protocol';
import { localParallelMap } from './shards/local';
import { createWorkerContext } from './worker-context';

export interface ComputeHostDeps {
  db(): Promise<QeDb>;
  now(): number;
  monotonic(): number;
  yieldFn(): Promise<void>;
  logger: Logger;
}

export class ComputeHost implements ComputeWorkerApi {
  private readonly cancelled = new Set<string>();
  private readonly running = new Set<string>();

  constructor(private readonly deps: ComputeHostDeps) {}

  async run(
    jobId: string,
    type: string,
    params: { [k: string]: Json },
    manifest: JobManifest,
    onProgress: (fraction: number, stage: string) => void,
  ): Promise<JobResult> {
    const handler = await handlerFor(type);
    const log = this.deps.logger.child(type);
    const ctx = createWorkerContext({
      isCancelled: () => this.cancelled.has(jobId),
      report: (f, s) => {
        // The callback is a comlink proxy; a failed post must not kill the job.
        Promise.resolve(onProgress(f, s)).catch((e: unknown) => log.warning('progress report failed', { jobId, error: e }));
      },
      yieldFn: this.deps.yieldFn,
      now: this.deps.monotonic,
    });
    this.running.add(jobId);
    try {
      const shardEnv = { db: this.deps.db, now: this.deps.now, monotonic: this.deps.monotonic, log };
      return await handler(params, ctx, {
        ...shardEnv,
        jobId,
        manifest,
        parallelMap: localParallelMap(ctx, shardEnv),
      });
    } catch (e) {
      if (!(e instanceof Error && e.name === 'CancelledError')) {
        log.error(`job ${jobId} failed in the worker: ${e instanceof Error ? e.message : String(e)}`, { jobId, error: e });
      }
      throw e;
    } finally {
      ctx.dispose();
      this.running.delete(jobId);
      this.cancelled.delete(jobId);
    }
  }

  cancel(jobId: string): void {
    // A cancel for a job not (yet) running here is kept only while it runs; ignore others.
    if (this.running.has(jobId)) this.cancelled.add(jobId);
  }
}
