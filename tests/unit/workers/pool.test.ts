import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../src/engine/contracts';
import { LogBus } from '../../../src/storage/log/bus';
import { defaultJobConcurrency, defaultPoolSize, PoolBrokenError, WorkerPool, type ComputeConnection } from '../../../src/workers/pool';
import { forwardedLog } from '../../../src/workers/protocol';
import { FakeWorker } from './harness';

function rec(id: string): JobRecord {
  return {
    id,
    type: 'selftest',
    status: 'running',
    createdAt: '2024-01-01T00:00:00Z',
    progress: 0,
    stage: '',
    manifest: { id: 'm', jobType: 'selftest', inputs: [], params: {}, engineVersion: '0', seed: 1 },
  };
}

/** Connections whose runs the test finishes by hand. */
function harness(size: number, extra: Partial<ConstructorParameters<typeof WorkerPool>[0]> = {}) {
  const workers: FakeWorker[] = [];
  const runs: Array<{ worker: FakeWorker; jobId: string; resolve: (v: { resultKey?: string }) => void; reject: (e: unknown) => void }> = [];
  const cancels: string[] = [];
  const pool = new WorkerPool({
    size,
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    connect: (w): ComputeConnection => ({
      run: (record) =>
        new Promise((resolve, reject) => runs.push({ worker: w as FakeWorker, jobId: record.id, resolve, reject })),
      cancel: async (id) => void cancels.push(id),
    }),
    ...extra,
  });
  return { pool, workers, runs, cancels };
}

describe('defaultPoolSize / defaultJobConcurrency', () => {
  it('gives every core a worker (1–4); jobs leave one core for the UI (1–2 at once)', () => {
    expect(defaultPoolSize(undefined)).toBe(2);
    expect(defaultPoolSize(1)).toBe(1);
    expect(defaultPoolSize(2)).toBe(2);
    expect(defaultPoolSize(4)).toBe(4);
    expect(defaultPoolSize(16)).toBe(4);
    expect(defaultJobConcurrency(undefined)).toBe(1);
    expect(defaultJobConcurrency(1)).toBe(1);
    expect(defaultJobConcurrency(2)).toBe(1);
    expect(defaultJobConcurrency(3)).toBe(2);
    expect(defaultJobConcurrency(16)).toBe(2);
  });
});

describe('WorkerPool', () => {
  it('gives each job its own idle worker and queues the rest', async () => {
    const { pool, workers, runs } = harness(2);
    const statuses: string[] = [];
    pool.subscribe((s) => statuses.push(`${s.busy}/${s.size}`));
    const p1 = pool.run(rec('a'), () => undefined);
    pool.run(rec('b'), () => undefined);
    pool.run(rec('c'), () => undefined);
    expect(runs.map((r) => r.jobId)).toEqual(['a', 'b']);
    expect(runs[0].worker).not.toBe(runs[1].worker);
    expect(pool.status()).toEqual({ size: 2, busy: 2, restarts: 0 });
    runs[0].resolve({ resultKey: 'k' });
    await expect(p1).resolves.toEqual({ resultKey: 'k' });
    expect(runs.map((r) => r.jobId)).toEqual(['a', 'b', 'c']);
    expect(runs[2].worker).toBe(workers[0]);
    expect(statuses).toContain('2/2');
  });

  it('a crash fails the running job with the error, replaces the worker and counts a restart', async () => {
    const { pool, workers, runs } = harness(1);
    const job = pool.run(rec('a'), () => undefined);
    workers[0].crash('RangeError: out of memory');
    await expect(job).rejects.toThrow('compute worker crashed: RangeError: out of memory');
    expect(workers[0].terminated).toBe(true);
    expect(workers).toHaveLength(2);
    expect(pool.status()).toEqual({ size: 1, busy: 0, restarts: 1 });
    // the replacement takes new work; a late answer from the dead worker changes nothing
    const next = pool.run(rec('b'), () => undefined);
    expect(runs[1].worker).toBe(workers[1]);
    runs[0].resolve({});
    runs[1].resolve({ resultKey: 'ok' });
    await expect(next).resolves.toEqual({ resultKey: 'ok' });
  });

  it('terminate kills the job’s worker, rejects it as cancelled, and replaces the worker', async () => {
    const { pool, workers } = harness(1);
    const job = pool.run(rec('stuck'), () => undefined);
    pool.terminate('stuck');
    const err = await job.catch((e: unknown) => e);
    expect((err as Error).name).toBe('CancelledError');
    expect(workers[0].terminated).toBe(true);
    expect(pool.status()).toEqual({ size: 1, busy: 0, restarts: 0 });
  });

  it('forwards cancel to the worker running the job', async () => {
    const { pool, cancels } = harness(1);
    pool.run(rec('a'), () => undefined);
    await pool.cancel('a');
    expect(cancels).toEqual(['a']);
  });

  it('stops replacing a worker that keeps crashing and fails further work clearly', async () => {
    let t = 0;
    const { pool, workers } = harness(1, { maxCrashes: 3, crashWindowMs: 10_000, now: () => t });
    for (let i = 0; i < 4; i++) {
      t += 100;
      workers.at(-1)!.crash('SyntaxError: Unexpected token');
    }
    expect(pool.status().size).toBe(0);
    expect(pool.status().restarts).toBe(4);
    await expect(pool.run(rec('x'), () => undefined)).rejects.toBeInstanceOf(PoolBrokenError);
  });

  it('passes worker log messages to the log handler', () => {
    const bus = new LogBus();
    const { workers } = harness(1, {
      onWorkerLog: (d) => {
        const e = d as { kind: string; entry: Parameters<LogBus['ingest']>[0] };
        if (e.kind === 'qe-log') bus.ingest(e.entry);
      },
    });
    workers[0].post(forwardedLog({ ts: 1, level: 'INFO', logger: 'worker.compute', message: 'hi' }));
    expect(bus.recent()).toEqual([{ ts: 1, level: 'INFO', logger: 'worker.compute', message: 'hi' }]);
  });
});
