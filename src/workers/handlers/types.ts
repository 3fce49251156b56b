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
}

export type JobHandler = (params: { [k: string]: Json }, ctx: JobContext, env: HandlerEnv) => Promise<JobResult>;
