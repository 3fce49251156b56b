/**
 * parallelMap across the pool: real ComputeHosts behind fake workers (harness), a test job
 * type that fans out, and a shard task that sleeps in small checkpointed steps so lanes
 * genuinely interleave on the event loop.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Json } from '../../../src/engine/contracts';
import { checkpoint, type JobContext } from '../../../src/engine/core/context';
import type { JobRecord } from '../../../src/engine/contracts';
import { HANDLER_LOADERS } from '../../../src/workers/handlers';
import type { JobHandler } from '../../../src/workers/handlers/types';
import { type ComputeConnection, WorkerPool } from '../../../src/workers/pool';
import { SHARD_LOADERS, type ShardFn } from '../../../src/workers/shards';
import { FakeWorker, inProcessCompute } from './harness';

interface SleepInput {
  i: number;
  ms: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A helper crash planned by a test: the worker lent shard `i` crashes once that shard runs. */
let crashPlan: { i: number; worker: FakeWorker; fired: boolean } | null = null;

/** Shard bookkeeping of the current test. */
const live = { running: 0, max: 0, started: [] as number[], finished: [] as number[] };
const sleepShard: ShardFn = async (input, ctx: JobContext) => {
  const { i, ms } = input as SleepInput;
  live.started.push(i);
  if (crashPlan && crashPlan.i === i && !crashPlan.fired) {
    // the helper dies while this shard is under way
    crashPlan.fired = true;
    const w = crashPlan.worker;
    setImmediate(() => w.crash('RangeError: Array buffer allocation failed'));
  }
  live.running++;
  live.max = Math.max(live.max, live.running);
  try {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      await checkpoint(ctx);
      await sleep(Math.min(4, ms));
    }
    live.finished.push(i);
    // a typed array in the output: it must survive the trip through the pool
    return { i, square: Float64Array.of(i * i) };
  } finally {
    live.running--;
  }
};

const results = new Map<string, Array<{ i: number; square: Float64Array }>>();
const shardProgress = new Map<string, Array<[number, number]>>();
const fanout: JobHandler = async (params, _ctx, env) => {
  const n = params.n as number;
  const ms = params.ms as number;
  const inputs: SleepInput[] = Array.from({ length: n }, (_, i) => ({ i, ms: ms + ((i * 7) % 5) * 3 }));
  const ticks: Array<[number, number]> = [];
  shardProgress.set(env.jobId, ticks);
  const out = await env.parallelMap<SleepInput, { i: number; square: Float64Array }>('test.sleep', inputs, {
    onShardDone: (d, t) => ticks.push([d, t]),
  });
  results.set(env.jobId, out);
  return { resultKey: `fanout/${env.jobId}` };
};
const quick: JobHandler = async () => ({ resultKey: 'quick' });

SHARD_LOADERS['test.sleep'] = async () => sleepShard;
(HANDLER_LOADERS as unknown as Record<string, () => Promise<JobHandler>>).test_fanout = async () => fanout;
(HANDLER_LOADERS as unknown as Record<string, () => Promise<JobHandler>>).test_quick = async () => quick;

function rec(id: string, type: string, params: { [k: string]: Json }): JobRecord {
  return {
    id,
    type,
    status: 'running',
    createdAt: '2024-01-01T00:00:00Z',
    progress: 0,
    stage: '',
    manifest: { id: `m-${id}`, jobType: type, inputs: [], params, engineVersion: '0', seed: 1 },
  };
}

/** A pool of in-process hosts; `shardRuns` records which worker ran each lent shard. */
function pool(size: number, hooks: { beforeShard?: (w: FakeWorker, input: SleepInput) => void } = {}) {
  const workers: FakeWorker[] = [];
  const shardRuns: Array<{ worker: number; i: number }> = [];
  /** shard inputs handed to the pool (each one a structured clone to the main thread in the app) */
  const tryRuns: number[] = [];
  const connectHost = inProcessCompute(() => Promise.reject(new Error('no database in these tests')));
  const p = new WorkerPool({
    size,
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    connect: (w): ComputeConnection => {
      const c = connectHost(w);
      return {
        ...c,
        run: (record, onProgress, lender) =>
          c.run(
            record,
            onProgress,
            lender && {
              ...lender,
              capacity: () => lender.capacity(),
              idle: () => lender.idle(),
              cancelAll: () => lender.cancelAll(),
              tryRun: (task, input) => {
                tryRuns.push((input as SleepInput).i);
                return lender.tryRun(task, input);
              },
            },
          ),
        runShard: (runId, task, input) => {
          shardRuns.push({ worker: workers.indexOf(w as FakeWorker), i: (input as SleepInput).i });
          hooks.beforeShard?.(w as FakeWorker, input as SleepInput);
          return c.runShard!(runId, task, input);
        },
      };
    },
  });
  return { pool: p, workers, shardRuns, tryRuns };
}

afterEach(() => {
  crashPlan = null;
  live.running = 0;
  live.max = 0;
  live.started = [];
  live.finished = [];
});

describe('distributed parallelMap', () => {
  it('returns outputs in input order, typed arrays intact, with one progress tick per shard', async () => {
    const { pool: p, shardRuns } = pool(3);
    await p.run(rec('order', 'test_fanout', { n: 20, ms: 3 }), () => undefined);
    const out = results.get('order')!;
    expect(out.map((o) => o.i)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(out.map((o) => o.square[0])).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
    expect(out[5].square).toBeInstanceOf(Float64Array);
    expect(shardProgress.get('order')).toEqual(Array.from({ length: 20 }, (_, k) => [k + 1, 20]));
    // the helpers did part of the work, the caller the rest
    expect(shardRuns.length).toBeGreaterThan(0);
    expect(shardRuns.length).toBeLessThan(20);
    expect(p.status()).toEqual({ size: 3, busy: 0, restarts: 0 });
  });

  it('hands no shard input to the pool while every worker is busy', async () => {
    const { pool: p, shardRuns, tryRuns } = pool(2);
    // two fan-out jobs at once: each worker runs its own job, none is ever idle
    await Promise.all([
      p.run(rec('busy-a', 'test_fanout', { n: 8, ms: 3 }), () => undefined),
      p.run(rec('busy-b', 'test_fanout', { n: 8, ms: 3 }), () => undefined),
    ]);
    expect(results.get('busy-a')!.map((o) => o.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results.get('busy-b')!.map((o) => o.i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(shardRuns).toEqual([]);
    expect(tryRuns).toEqual([]);
  });

  it('a pool of one runs every shard on the calling worker', async () => {
    const { pool: p, shardRuns } = pool(1);
    await p.run(rec('solo', 'test_fanout', { n: 6, ms: 2 }), () => undefined);
    expect(results.get('solo')!.map((o) => o.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(shardRuns).toEqual([]);
    expect(live.max).toBe(1);
  });

  it('a pool of four runs four shards at once, counts lent workers as busy, and is faster than serial', async () => {
    const { pool: p, shardRuns } = pool(4);
    const busy: number[] = [];
    p.subscribe((s) => busy.push(s.busy));
    const t0 = performance.now();
    await p.run(rec('four', 'test_fanout', { n: 16, ms: 30 }), () => undefined);
    const took = performance.now() - t0;
    expect(live.max).toBe(4);
    expect(Math.max(...busy)).toBe(4);
    expect(p.status().busy).toBe(0);
    expect(new Set(shardRuns.map((r) => r.worker)).size).toBe(3);
    // 16 shards of ≥ 30 ms: serial ≥ 480 ms; four lanes need about a quarter of that
    expect(took).toBeLessThan(16 * 30 * 0.6);
    expect(results.get('four')!.map((o) => o.i)).toEqual(Array.from({ length: 16 }, (_, i) => i));
  });

  it('cancelling the job stops its shards everywhere and frees every worker', async () => {
    const { pool: p } = pool(3);
    const job = p.run(rec('cx', 'test_fanout', { n: 12, ms: 400 }), () => undefined);
    await sleep(60);
    expect(p.status().busy).toBe(3);
    expect(live.running).toBe(3);
    await p.cancel('cx');
    const err = await job.catch((e: unknown) => e);
    expect((err as Error).name).toBe('CancelledError');
    expect(live.running).toBe(0);
    expect(live.finished).toEqual([]);
    expect(live.started.length).toBe(3); // nothing started after the cancel
    expect(p.status()).toEqual({ size: 3, busy: 0, restarts: 0 });
  });

  it('terminating the job kills its worker and the workers lent to it, and replaces them all', async () => {
    const { pool: p, workers } = pool(3);
    const job = p.run(rec('stuck', 'test_fanout', { n: 9, ms: 400 }), () => undefined);
    await sleep(40);
    expect(p.status().busy).toBe(3);
    p.terminate('stuck');
    expect((await job.catch((e: unknown) => e) as Error).name).toBe('CancelledError');
    expect(workers.slice(0, 3).every((w) => w.terminated)).toBe(true);
    expect(workers).toHaveLength(6);
    expect(p.status()).toEqual({ size: 3, busy: 0, restarts: 0 });
  });

  it('a helper that crashes mid-shard: the shard reruns on the caller, the worker is replaced', async () => {
    let crashed = -1;
    const { pool: p, workers } = pool(2, {
      beforeShard: (w, input) => {
        if (crashed < 0) {
          crashed = input.i;
          crashPlan = { i: input.i, worker: w, fired: false };
        }
      },
    });
    await p.run(rec('crash', 'test_fanout', { n: 6, ms: 20 }), () => undefined);
    expect(crashed).toBeGreaterThanOrEqual(0);
    expect(results.get('crash')!.map((o) => o.square[0])).toEqual([0, 1, 4, 9, 16, 25]);
    // the crashed shard started twice (the dead helper, then the caller) and finished once
    expect(live.started.filter((i) => i === crashed)).toHaveLength(2);
    expect(live.finished.filter((i) => i === crashed)).toHaveLength(1);
    expect(workers).toHaveLength(3);
    expect(workers[1].terminated).toBe(true);
    expect(p.status()).toEqual({ size: 2, busy: 0, restarts: 1 });
  });

  it('localConcurrency 2 keeps two shards in flight on a pool of one, in order', async () => {
    const lc: JobHandler = async (_p, _c, env) => {
      const out = await env.parallelMap<SleepInput, { i: number }>(
        'test.sleep',
        Array.from({ length: 7 }, (_, i) => ({ i, ms: 15 })),
        { localConcurrency: 2 },
      );
      results.set(env.jobId, out as Array<{ i: number; square: Float64Array }>);
      return {};
    };
    (HANDLER_LOADERS as unknown as Record<string, () => Promise<JobHandler>>).test_lc = async () => lc;
    const { pool: p, shardRuns } = pool(1);
    await p.run(rec('lc', 'test_lc', {}), () => undefined);
    expect(live.max).toBe(2);
    expect(shardRuns).toEqual([]);
    expect(results.get('lc')!.map((o) => o.i)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('a shard that throws fails the job with its error', async () => {
    SHARD_LOADERS['test.boom'] = async () => async (input) => {
      if ((input as number) === 3) throw new Error('shard 3: column "close" missing');
      return input;
    };
    const boom: JobHandler = async (_p, _c, env) => {
      await env.parallelMap('test.boom', [0, 1, 2, 3, 4, 5]);
      return {};
    };
    (HANDLER_LOADERS as unknown as Record<string, () => Promise<JobHandler>>).test_boom = async () => boom;
    const { pool: p } = pool(2);
    await expect(p.run(rec('boom', 'test_boom', {}), () => undefined)).rejects.toThrow('shard 3: column "close" missing');
    expect(p.status().busy).toBe(0);
  });

  it('a job submitted while shards run gets the next free worker; lending stops while it waits', async () => {
    const { pool: p, shardRuns } = pool(2);
    const a = p.run(rec('a', 'test_fanout', { n: 10, ms: 40 }), () => undefined);
    await sleep(20);
    expect(p.status().busy).toBe(2); // caller + one lent helper
    const lentBefore = shardRuns.length;
    let bDoneAt = 0;
    const b = p.run(rec('b', 'test_quick', {}), () => undefined).then((r) => {
      bDoneAt = performance.now();
      return r;
    });
    await b;
    let aDoneAt = 0;
    await a.then(() => {
      aDoneAt = performance.now();
    });
    expect(bDoneAt).toBeGreaterThan(0);
    expect(bDoneAt).toBeLessThan(aDoneAt); // B did not wait for A's whole fan-out
    // the helper returned after its shard; B took it, then lending resumed
    expect(shardRuns.length).toBeGreaterThan(lentBefore);
    expect(results.get('a')!.map((o) => o.i)).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });
});
