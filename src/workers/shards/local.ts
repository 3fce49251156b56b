/**
 * parallelMap without other workers: runs each shard on this worker, in order, checking for
 * cancellation between shards. The pool's distributed version falls back to this when it has
 * no idle worker, and tests and the CLI use it directly.
 */
import { checkpoint, type JobContext } from '../../engine/core/context';
import type { ParallelMapOptions } from '../handlers/types';
import { type ShardEnv, shardFor } from './index';

export function localParallelMap(ctx: JobContext, env: ShardEnv) {
  return async <I, O>(task: string, inputs: readonly I[], opts?: ParallelMapOptions): Promise<O[]> => {
    const fn = await shardFor(task);
    const out: O[] = new Array(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      await checkpoint(ctx);
      out[i] = (await fn(inputs[i], ctx, env)) as O;
      opts?.onShardDone?.(i + 1, inputs.length);
    }
    return out;
  };
}
