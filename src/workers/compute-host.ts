/**
 * What the compute worker exposes, without the worker plumbing: runs handlers with a
 * worker JobContext and keeps the per-job cancel flags. Runs in Node for tests.
 */
import type { JobManifest, Json } from '../engine/contracts';
import { checkpoint } from '../engine/core/context';
import type { QeDb } from '../storage/db';
import type { Logger } from '../storage/log/bus';
import { handlerFor } from './handlers';
import type { ComputeWorkerApi, JobResult, ShardLender } from './protocol';
import { distributedParallelMap } from './shards/distributed';
import { type ShardEnv, shardFor } from './shards/index';
import { localParallelMap } from './shards/local';
import { createWorkerContext } from './worker-context';

export interface ComputeHostDeps {
  db(): Promise<QeDb>;
  now(): number;
  monotonic(): number;
  yieldFn(): Promise<void>;
  logger: Logger;
  /** marks a shard's output for transfer on its way out of the worker (comlink in the app) */
  transferOut?: <T>(value: T) => T;
  /** spacing of progress reports (default 100 ms); tests that act on a given report use 0 */
  progressIntervalMs?: number;
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
    lender?: ShardLender,
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
      ...(this.deps.progressIntervalMs !== undefined ? { minIntervalMs: this.deps.progressIntervalMs } : {}),
    });
    this.running.add(jobId);
    try {
      const shardEnv = this.shardEnv(log);
      return await handler(params, ctx, {
        ...shardEnv,
        jobId,
        manifest,
        parallelMap: lender ? distributedParallelMap(ctx, shardEnv, lender) : localParallelMap(ctx, shardEnv),
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

  /** One shard of another worker's job, lent to this worker by the pool; cancelled by `runId`. */
  async runShard(runId: string, task: string, input: unknown): Promise<unknown> {
    // Registered before the module loads, so a cancel that arrives meanwhile is kept.
    this.running.add(runId);
    const fn = await shardFor(task).catch((e: unknown) => {
      this.running.delete(runId);
      this.cancelled.delete(runId);
      throw e;
    });
    const log = this.deps.logger.child(`shard.${task}`);
    const ctx = createWorkerContext({
      isCancelled: () => this.cancelled.has(runId),
      // Shards report through the caller's onShardDone; their own progress stays here.
      report: () => undefined,
      yieldFn: this.deps.yieldFn,
      now: this.deps.monotonic,
    });
    try {
      await checkpoint(ctx);
      const out = await fn(input, ctx, this.shardEnv(log));
      return this.deps.transferOut ? this.deps.transferOut(out) : out;
    } finally {
      ctx.dispose();
      this.running.delete(runId);
      this.cancelled.delete(runId);
    }
  }

  private shardEnv(log: Logger): ShardEnv {
    return { db: this.deps.db, now: this.deps.now, monotonic: this.deps.monotonic, log };
  }

  cancel(jobId: string): void {
    // A cancel for a job not (yet) running here is kept only while it runs; ignore others.
    if (this.running.has(jobId)) this.cancelled.add(jobId);
  }
}
