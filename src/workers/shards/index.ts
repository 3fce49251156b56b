/**
 * Shard tasks: pure-ish units of a job that can run on any compute worker (one ticker's
 * features, one slice of a parameter sweep, one CV fold …). A handler fans them out with
 * `env.parallelMap(task, inputs)`; the pool runs them on idle workers and on the calling
 * worker itself, so a pool of one never deadlocks. Inputs and outputs must be structured-
 * cloneable (typed arrays welcome). Loaded on first use, like the job handlers.
 */
import type { JobContext } from '../../engine/core/context';
import type { Logger } from '../../storage/log/bus';
import type { QeDb } from '../../storage/db';

/** What a shard may use: storage (read-mostly), the clock and a logger — no job record. */
export interface ShardEnv {
  db(): Promise<QeDb>;
  now(): number;
  monotonic(): number;
  log: Logger;
}

export type ShardFn = (input: unknown, ctx: JobContext, env: ShardEnv) => Promise<unknown>;

/** Task name → shard module. Owners add one line each. */
export const SHARD_LOADERS: Record<string, () => Promise<ShardFn>> = {
  sweep_chunk: () => import('./sweep-chunk').then((m) => m.sweepChunkShard),
  autopilot_candidate: () => import('./autopilot-candidate').then((m) => m.autopilotCandidateShard),
  autopilot_validation: () => import('./autopilot-candidate').then((m) => m.autopilotValidationShard),
  train_inputs: () => import('./train-inputs').then((m) => m.trainInputsShard),
  features_ticker: () => import('./features-ticker').then((m) => m.featuresTickerShard),
  regime_ticker: () => import('./regime-ticker').then((m) => m.regimeTickerShard),
  kalshi_view: () => import('../kalshi/view-shard').then((m) => m.kalshiViewShard),
};

export class UnknownShardTaskError extends Error {
  constructor(task: string) {
    super(`no shard task "${task}" (known: ${Object.keys(SHARD_LOADERS).join(', ') || 'none'})`);
    this.name = 'UnknownShardTaskError';
  }
}

export async function shardFor(task: string): Promise<ShardFn> {
  const load = SHARD_LOADERS[task];
  if (!load) throw new UnknownShardTaskError(task);
  return load();
}
