import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JobEvent, JobRecord } from '../../../src/engine/contracts';
import { canonicalJson, seedFromString, sha256Hex } from '../../../src/engine/core/hash';
import { QueueFullError } from '../../../src/workers/api';
import { type JobExecutor, JobNotFoundError, JobRunner } from '../../../src/workers/job-runner';
import { buildManifest } from '../../../src/workers/manifest';

class Deferred<T> {
  resolve!: (v: T) => void;
  reject!: (e: unknown) => void;
  promise = new Promise<T>((res, rej) => {
    this.resolve = res;
    this.reject = rej;
  });
}

class FakeExecutor implements JobExecutor {
  runs = new Map<string, { record: JobRecord; done: Deferred<{ resultKey?: string }>; progress: (f: number, s: string) => void }>();
  cancels: string[] = [];
  terminates: string[] = [];
  /** when true, cancel() makes the job reject with CancelledError */
  cooperative = true;
  run(record: JobRecord, onProgress: (f: number, s: string) => void) {
    const done = new Deferred<{ resultKey?: string }>();
    this.runs.set(record.id, { record, done, progress: onProgress });
    return done.promise;
  }
  cancel(id: string) {
    this.cancels.push(id);
    if (this.cooperative) {
      const e = new Error('cancelled');
      e.name = 'CancelledError';
      this.runs.get(id)?.done.reject(e);
    }
  }
  terminate(id: string) {
    this.terminates.push(id);
    this.runs.get(id)?.done.reject(new Error('worker terminated'));
  }
}

class MemoryStore {
  saves: JobRecord[] = [];
  data = new Map<string, JobRecord>();
  async save(r: JobRecord) {
    this.saves.push(structuredClone(r));
    this.data.set(r.id, structuredClone(r));
  }
  async get(id: string) {
    return this.data.get(id);
  }
}

function setup(opts: { concurrency?: number; queueCap?: number } = {}) {
  const executor = new FakeExecutor();
  const store = new MemoryStore();
  let n = 0;
  const runner = new JobRunner({
    executor,
    store,
    now: () => Date.now(),
    newId: () => `job${++n}`,
    newTraceId: () => `trace${n}`,
    concurrency: opts.concurrency ?? 1,
    queueCap: opts.queueCap,
  });
  const events: JobEvent[] = [];
  runner.subscribe((e) => events.push(e));
  const describeEvents = (id: string) =>
    events
      .filter((e) => ('record' in e ? e.record.id : e.jobId) === id)
      .map((e) => (e.event === 'status' ? `status:${e.record.status}` : e.event === 'progress' ? `progress:${e.progress}` : e.event));
  return { executor, store, runner, events, describeEvents };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.UTC(2024, 4, 1, 12, 0, 0));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('manifest', () => {
  it('derives seed and id from canonical inputs and params', () => {
    const m = buildManifest({ type: 'selftest', params: { b: 2, a: 1 }, inputs: [{ key: 'SPY|1d', checksum: 'abc' }] }, '9.9.9');
    const seed = seedFromString(canonicalJson({ inputs: [{ key: 'SPY|1d', checksum: 'abc' }], params: { a: 1, b: 2 } }));
    expect(m.seed).toBe(seed);
    expect(m.id).toBe(
      sha256Hex(canonicalJson({ jobType: 'selftest', inputs: [{ key: 'SPY|1d', checksum: 'abc' }], params: { a: 1, b: 2 }, engineVersion: '9.9.9', seed })),
    );
    expect(buildManifest({ type: 'selftest', params: { a: 1, b: 2 }, inputs: [{ key: 'SPY|1d', checksum: 'abc' }] }, '9.9.9')).toEqual(m);
    expect(buildManifest({ type: 'selftest', params: { a: 1, b: 3 } }, '9.9.9').id).not.toBe(m.id);
  });

  it('rejects params that are not JSON', () => {
    expect(() => buildManifest({ type: 'x', params: { a: Number.NaN } })).toThrow('params.a: expected finite number');
  });
});

describe('JobRunner', () => {
  it('runs a job through queued → running → succeeded, persisting and emitting each step in order', async () => {
    const { executor, store, runner, describeEvents } = setup();
    const rec = await runner.submit({ type: 'selftest', params: { seconds: 1 } });
    expect(rec.status).toBe('queued');
    expect(rec.manifest).toEqual(buildManifest({ type: 'selftest', params: { seconds: 1 } }));
    expect(store.saves[0].status).toBe('queued');
    await flush();
    const run = executor.runs.get('job1')!;
    expect(run.record.status).toBe('running');
    run.progress(0.5, 'half');
    run.done.resolve({ resultKey: 'selftest/job1' });
    await flush();
    await runner.settled();
    expect(describeEvents('job1')).toEqual([
      'status:queued',
      'status:running',
      'started',
      'progress:0.5',
      'status:succeeded',
      'completed',
      'done',
    ]);
    expect(store.saves.map((s) => s.status)).toEqual(['queued', 'running', 'running', 'succeeded']);
    const final = store.data.get('job1')!;
    expect(final).toMatchObject({ status: 'succeeded', progress: 1, resultKey: 'selftest/job1', traceId: 'trace1' });
    expect(final.startedAt).toBe('2024-05-01T12:00:00.000Z');
    expect(final.completedAt).toBe('2024-05-01T12:00:00.000Z');
  });

  it('a thrown error ends the job failed with its message', async () => {
    const { executor, store, runner, describeEvents, events } = setup();
    await runner.submit({ type: 'data_load', params: { source: 'x' } });
    await flush();
    executor.runs.get('job1')!.done.reject(new Error('source "x" is not supported yet'));
    await flush();
    await runner.settled();
    expect(describeEvents('job1').slice(-3)).toEqual(['status:failed', 'failed', 'done']);
    expect(events.find((e) => e.event === 'failed')).toEqual({ event: 'failed', jobId: 'job1', error: 'source "x" is not supported yet' });
    expect(store.data.get('job1')).toMatchObject({ status: 'failed', error: 'source "x" is not supported yet' });
  });

  it('runs at most `concurrency` jobs and starts the next when one ends', async () => {
    const { executor, runner } = setup({ concurrency: 2 });
    for (let i = 0; i < 4; i++) await runner.submit({ type: 'selftest', params: { i } });
    await flush();
    expect([...executor.runs.keys()]).toEqual(['job1', 'job2']);
    expect(runner.runningCount()).toBe(2);
    executor.runs.get('job2')!.done.resolve({});
    await flush();
    expect([...executor.runs.keys()]).toEqual(['job1', 'job2', 'job3']);
    expect(runner.activeJobs().map((j) => `${j.id}:${j.status}`)).toEqual(['job1:running', 'job3:running', 'job4:queued']);
  });

  it('rejects a submission when 20 jobs are unfinished, and accepts again after one ends', async () => {
    const { executor, runner, store } = setup({ concurrency: 1 });
    for (let i = 0; i < 20; i++) await runner.submit({ type: 'selftest', params: { i } });
    const err = await runner.submit({ type: 'selftest', params: { i: 20 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueueFullError);
    expect((err as Error).message).toBe('Job queue full (20 pending) — wait for a job to finish or cancel one, then try again.');
    expect(store.data.size).toBe(20);
    await flush();
    executor.runs.get('job1')!.done.resolve({});
    await flush();
    await expect(runner.submit({ type: 'selftest', params: { i: 21 } })).resolves.toMatchObject({ status: 'queued' });
  });

  it('concurrent submissions cannot overshoot the cap', async () => {
    const { runner } = setup({ queueCap: 3 });
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => runner.submit({ type: 'selftest', params: { i } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(2);
  });

  it('cancels a queued job at once without running it', async () => {
    const { executor, runner, store, describeEvents } = setup();
    await runner.submit({ type: 'selftest', params: { a: 1 } });
    await runner.submit({ type: 'selftest', params: { a: 2 } });
    await flush();
    await runner.cancel('job2');
    await runner.settled();
    expect(describeEvents('job2')).toEqual(['status:queued', 'status:cancelled', 'cancelled', 'done']);
    expect(store.data.get('job2')).toMatchObject({ status: 'cancelled', completedAt: '2024-05-01T12:00:00.000Z' });
    expect(store.data.get('job2')?.startedAt).toBeUndefined();
    executor.runs.get('job1')!.done.resolve({});
    await flush();
    expect(executor.runs.has('job2')).toBe(false);
  });

  it('cancels a running job cooperatively (CancelledError) without terminating it', async () => {
    const { executor, runner, store, describeEvents } = setup();
    await runner.submit({ type: 'selftest', params: {} });
    await flush();
    await runner.cancel('job1');
    await flush();
    await vi.advanceTimersByTimeAsync(5000);
    await runner.settled();
    expect(executor.cancels).toEqual(['job1']);
    expect(executor.terminates).toEqual([]);
    expect(describeEvents('job1')).toEqual(['status:queued', 'status:running', 'started', 'status:running', 'status:cancelled', 'cancelled', 'done']);
    expect(store.data.get('job1')).toMatchObject({ status: 'cancelled' });
    expect(store.data.get('job1')?.error).toBeUndefined();
  });

  it('terminates an unresponsive job 3 s after cancel and marks it cancelled', async () => {
    const { executor, runner, store, describeEvents } = setup();
    executor.cooperative = false;
    await runner.submit({ type: 'selftest', params: {} });
    await runner.submit({ type: 'selftest', params: { next: true } });
    await flush();
    await runner.cancel('job1');
    await vi.advanceTimersByTimeAsync(2999);
    expect(executor.terminates).toEqual([]);
    expect(store.data.get('job1')?.status).toBe('running');
    await vi.advanceTimersByTimeAsync(1);
    await runner.settled();
    expect(executor.terminates).toEqual(['job1']);
    expect(store.data.get('job1')).toMatchObject({ status: 'cancelled', completedAt: '2024-05-01T12:00:03.000Z' });
    expect(describeEvents('job1').slice(-3)).toEqual(['status:cancelled', 'cancelled', 'done']);
    // the terminated run's late rejection changes nothing; the queue moves on
    expect(executor.runs.has('job2')).toBe(true);
  });

  it('never moves a finished job backwards (late progress and results are ignored)', async () => {
    const { executor, runner, store, describeEvents } = setup();
    executor.cooperative = false;
    await runner.submit({ type: 'selftest', params: {} });
    await flush();
    const run = executor.runs.get('job1')!;
    await runner.cancel('job1');
    await vi.advanceTimersByTimeAsync(3000);
    run.progress(0.9, 'late');
    run.done.resolve({ resultKey: 'late' });
    await flush();
    await runner.settled();
    expect(store.data.get('job1')).toMatchObject({ status: 'cancelled' });
    expect(store.data.get('job1')?.resultKey).toBeUndefined();
    expect(describeEvents('job1').filter((e) => e === 'done')).toHaveLength(1);
  });

  it('throttles progress to at most 4 per second, always delivering the latest value', async () => {
    const { executor, runner, store, events } = setup();
    await runner.submit({ type: 'selftest', params: {} });
    await flush();
    const run = executor.runs.get('job1')!;
    // 100 updates over 2 s (every 20 ms)
    for (let i = 1; i <= 100; i++) {
      run.progress(i / 100, `step ${i}`);
      await vi.advanceTimersByTimeAsync(20);
    }
    await vi.advanceTimersByTimeAsync(300);
    await runner.settled();
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(8);
    expect(progress.length).toBeLessThanOrEqual(9);
    expect(progress.at(-1)).toEqual({ event: 'progress', jobId: 'job1', progress: 1, stage: 'step 100' });
    const progressSaves = store.saves.filter((s) => s.status === 'running' && s.progress > 0);
    expect(progressSaves.length).toBe(progress.length);
    expect(store.data.get('job1')?.progress).toBe(1);
  });

  it('cancel of an unknown job is an error; of a finished job a no-op', async () => {
    const { executor, runner } = setup();
    await expect(runner.cancel('nope')).rejects.toBeInstanceOf(JobNotFoundError);
    await runner.submit({ type: 'selftest', params: {} });
    await flush();
    executor.runs.get('job1')!.done.resolve({});
    await flush();
    await expect(runner.cancel('job1')).resolves.toBeUndefined();
    expect(executor.cancels).toEqual([]);
  });

  it('a store that refuses the queued record rejects the submission and runs nothing', async () => {
    const { executor, runner, store } = setup();
    store.save = async () => {
      throw new Error('Browser storage is full');
    };
    await expect(runner.submit({ type: 'selftest', params: {} })).rejects.toThrow('Browser storage is full');
    await flush();
    expect(executor.runs.size).toBe(0);
    expect(runner.activeJobs()).toEqual([]);
  });
});
