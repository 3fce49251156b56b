/**
 * Shard of a `sweep` job: one contiguous range of (fast, slow) combinations over the job's
 * dense closes. Every shard prepares the same SMAs (cheap next to the combinations) so no
 * large prepared matrix has to cross worker boundaries.
 */
import { prepareSweep, type SweepChunk, sweepChunk } from '../../engine/backtest/sweep';
import type { ShardFn } from './index';

export interface SweepShardInput {
  closes: Float64Array[];
  fast: Int32Array;
  slow: Int32Array;
  from: number;
  to: number;
  lag: number;
  costBps: number;
  pboBlocks: number;
}

export const sweepChunkShard: ShardFn = async (input) => {
  const s = input as SweepShardInput;
  const grid = { fast: s.fast, slow: s.slow };
  const prepared = prepareSweep(s.closes, grid);
  const out: SweepChunk = sweepChunk(prepared, grid, s.from, s.to, { lag: s.lag, costBps: s.costBps, pboBlocks: s.pboBlocks });
  return out;
};
