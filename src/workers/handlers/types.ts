import type { JobManifest, Json } from '../../engine/contracts';
import type { JobContext } from '../../engine/core/context';
import type { QeDb } from '../../storage/db';
import type { Logger } from '../../storage/log/bus';
import type { JobResult } from '../protocol';

/** What a handler may use besides its params and context: storage, the clock, a logger. */
export interface HandlerEnv {
  jobId: string;
  manifest: JobManifest;
  /** the worker's connection to the durable store (opened on first use) */
  db(): Promise<QeDb>;
  /** wall clock in epoch ms (for timestamps) */
  now(): number;
  /** monotonic ms (for measuring durations) */
  monotonic(): number;
  log: Logger;
  /**
   * Runs shard `task` (see ../shards) over `inputs` — on idle pool workers and on this one —
   * and resolves with the outputs in input order. Cancelling the job stops outstanding shards.
   * Without idle workers it simply runs them here one by one.
   */
  parallelMap<I, O>(task: string, inputs: readonly I[], opts?: ParallelMapOptions): Promise<O[]>;
}

export interface ParallelMapOptions {
  /** called after each finished shard (for progress) */
  onShardDone?: (done: number, total: number) => void;
  /**
   * Shards in flight on the calling worker at once (default 1). 2 suits shards that mostly
   * wait on IndexedDB: one computes while the other's read or write is in flight.
   */
  localConcurrency?: number;
}

export type JobHandler = (params: { [k: string]: Json }, ctx: JobContext, env: HandlerEnv) => Promise<JobResult>;
