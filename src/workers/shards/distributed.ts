/**
 * parallelMap across the pool: this worker runs shards itself (the "local lane") while
 * "remote lanes" ask the pool to lend idle workers, one shard per lend. A pool of one, or a
 * pool whose other workers are all busy, simply runs everything here; a remote lane that is
 * refused gives its shard back and stops, and is recruited again after the next local shard.
 *
 * - Outputs keep input order (each lands in its slot).
 * - Cancel: the job's flag stops the local lane; the pool cancels lent shards of the job
 *   itself, and on any failure the lanes ask it to (`cancelAll`) before the error is thrown.
 * - A helper that crashes mid-shard: that shard reruns here (and only here — a shard that
 *   kills its worker must not take down the whole pool one worker at a time). If it crashes
 *   this worker too, the job fails with that crash.
 */
import { checkpoint, type JobContext } from '../../engine/core/context';
import type { ParallelMapOptions } from '../handlers/types';
import type { ShardLender } from '../protocol';
import { type ShardEnv, shardFor } from './index';

export function distributedParallelMap(ctx: JobContext, env: ShardEnv, lender: ShardLender) {
  return async <I, O>(task: string, inputs: readonly I[], opts?: ParallelMapOptions): Promise<O[]> => {
    const fn = await shardFor(task);
    const n = inputs.length;
    const out: O[] = new Array(n);
    if (n === 0) return out;
    const capacity = n > 1 ? Math.min(n - 1, Math.max(0, Math.floor(await lender.capacity()))) : 0;

    let next = 0;
    const givenBack: number[] = [];
    const localOnly: number[] = [];
    let done = 0;
    let failure: { error: unknown } | null = null;
    let remoteLanes = 0;
    let inFlightLocal = 0;
    const lanes: Promise<void>[] = [];
    let waiting: Array<() => void> = [];

    const notify = () => {
      const w = waiting;
      waiting = [];
      for (const f of w) f();
    };
    const changed = () =>
      new Promise<void>((resolve) => {
        waiting.push(resolve);
      });
    const takeShared = (): number | undefined => givenBack.shift() ?? (next < n ? next++ : undefined);
    const takeLocal = (): number | undefined => localOnly.shift() ?? takeShared();
    const stopped = () => failure !== null || ctx.signal.cancelled;
    const finished = () => {
      done++;
      opts?.onShardDone?.(done, n);
    };
    const fail = (error: unknown) => {
      if (failure) return;
      failure = { error };
      if (remoteLanes > 0) {
        Promise.resolve()
          .then(() => lender.cancelAll())
          .catch((e: unknown) => env.log.warning(`could not cancel the remaining "${task}" shards`, { error: e }));
      }
      notify();
    };

    const remoteLane = async (first: number): Promise<void> => {
      let i: number | undefined = first;
      try {
        while (i !== undefined) {
          if ((await lender.idle()) <= 0) {
            givenBack.push(i);
            return;
          }
          const attempt = await lender.tryRun(task, inputs[i]);
          if (!attempt.ok) {
            if (attempt.reason === 'crashed') {
              env.log.warning(`a helper worker crashed running "${task}" shard ${i + 1}/${n} (${attempt.detail ?? 'no detail'}); rerunning it here`);
              localOnly.push(i);
            } else givenBack.push(i);
            return;
          }
          out[i] = attempt.output as O;
          finished();
          i = stopped() ? undefined : takeShared();
        }
      } catch (e) {
        fail(e);
      } finally {
        remoteLanes--;
        notify();
      }
    };

    const recruit = () => {
      while (!stopped() && remoteLanes < capacity) {
        const i = takeShared();
        if (i === undefined) return;
        remoteLanes++;
        lanes.push(remoteLane(i));
      }
    };

    const localLane = async (): Promise<void> => {
      try {
        for (;;) {
          await checkpoint(ctx);
          if (failure) return;
          const i = takeLocal();
          if (i === undefined) {
            if (remoteLanes === 0 && inFlightLocal === 0) return;
            await changed();
            continue;
          }
          inFlightLocal++;
          try {
            out[i] = (await fn(inputs[i], ctx, env)) as O;
          } finally {
            inFlightLocal--;
          }
          finished();
          recruit();
          notify();
        }
      } catch (e) {
        fail(e);
      }
    };

    recruit();
    const local = Math.max(1, Math.min(n, Math.floor(opts?.localConcurrency ?? 1)));
    await Promise.all(Array.from({ length: local }, localLane));
    await Promise.all(lanes);
    if (failure) throw (failure as { error: unknown }).error;
    if (done !== n) throw new Error(`parallelMap "${task}": ${done} of ${n} shards finished (scheduler bug)`);
    return out;
  };
}
