// Fault: a compute worker throws (uncaught error) or is terminated while other jobs run.
// Its job fails with the error, the pool replaces the worker, the other job finishes, and
// later jobs run on the replacement.
import { afterEach, describe, expect, it } from 'vitest';
import { FakeWorker } from '../workers/harness';
import { collect, makeTab } from './harness';

afterEach(() => {
  FakeWorker.created = [];
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker faults with two jobs in flight', () => {
  it('an uncaught error in one worker fails only its job; the other succeeds; the pool is whole again', async () => {
    const tab = makeTab();
    await tab.backend.boot();
    const { events, waitDone } = collect(tab.backend);
    const doomed = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 60 } });
    const survivor = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.8 } });
    await sleep(150);
    expect(tab.backend.workerStatus()).toMatchObject({ poolSize: 2, busy: 2, restarts: 0 });
    // The first submitted job took the first idle worker.
    tab.workers[0].crash('TypeError: Cannot read properties of undefined (reading "close")');
    await waitDone(doomed.id);
    expect(await tab.backend.getJob(doomed.id)).toMatchObject({
      status: 'failed',
      error: 'compute worker crashed: TypeError: Cannot read properties of undefined (reading "close")',
    });
    expect(tab.workers[0].terminated).toBe(true);
    expect(tab.workers).toHaveLength(3); // the replacement
    await waitDone(survivor.id);
    expect(await tab.backend.getJob(survivor.id)).toMatchObject({ status: 'succeeded', resultKey: `selftest/${survivor.id}` });
    expect(events.some((e) => e.event === 'failed' && e.jobId === survivor.id)).toBe(false);
    expect(tab.backend.workerStatus()).toMatchObject({ poolSize: 2, busy: 0, restarts: 1 });

    // Two more jobs at once: both workers (one of them the replacement) serve them.
    const a = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.2, k: 'a' } });
    const b = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.2, k: 'b' } });
    await Promise.all([waitDone(a.id), waitDone(b.id)]);
    expect((await tab.backend.getJob(a.id))?.status).toBe('succeeded');
    expect((await tab.backend.getJob(b.id))?.status).toBe('succeeded');
  });

  it('a job whose handler throws fails with the message while a concurrent job continues', async () => {
    const tab = makeTab();
    await tab.backend.boot();
    const { waitDone } = collect(tab.backend);
    const long = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.8 } });
    const bad = await tab.backend.submitJob({ type: 'features', params: { datasetIds: ['NOPE|1d'] } });
    await waitDone(bad.id);
    const failed = await tab.backend.getJob(bad.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(/NOPE\|1d/);
    await waitDone(long.id);
    expect((await tab.backend.getJob(long.id))?.status).toBe('succeeded');
    expect(tab.backend.workerStatus().restarts).toBe(0); // a thrown error is not a crash
  });

  it('cancelling a long job frees its worker for the next job; the other job is unaffected', async () => {
    const tab = makeTab();
    await tab.backend.boot();
    const { waitDone } = collect(tab.backend);
    const stuck = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 60 } });
    const other = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 1 } });
    await sleep(100);
    await tab.backend.cancelJob(stuck.id);
    await waitDone(stuck.id);
    expect((await tab.backend.getJob(stuck.id))?.status).toBe('cancelled');
    await waitDone(other.id);
    expect((await tab.backend.getJob(other.id))?.status).toBe('succeeded');
    const next = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.1, after: true } });
    await waitDone(next.id);
    expect((await tab.backend.getJob(next.id))?.status).toBe('succeeded');
  });
});
