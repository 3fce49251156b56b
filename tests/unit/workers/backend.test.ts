import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR, type JobEvent, type JobRecord } from '../../../src/engine/contracts';
import { openQeDb } from '../../../src/storage/db';
import { saveJob } from '../../../src/storage/jobs';
import type { Backend } from '../../../src/workers/api';
import { createBackend, DemoModeOffError } from '../../../src/workers/backend';
import { FakeWorker, inProcessCompute, inProcessData } from './harness';

function make(factory = new IDBFactory(), extra: Parameters<typeof createBackend>[0] = {}) {
  const workerDb = () => openQeDb(factory);
  const backend = createBackend({
    idbFactory: factory,
    poolSize: 2,
    createComputeWorker: () => new FakeWorker(),
    connectCompute: inProcessCompute(workerDb),
    createDataWorker: () => new FakeWorker(),
    connectData: inProcessData(workerDb, () => Promise.reject(new Error('no DuckDB under Node'))),
    storageManager: { estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => false },
    ...extra,
  });
  return { backend, factory };
}

function collect(backend: Backend) {
  const events: JobEvent[] = [];
  backend.onJobEvent((e) => events.push(e));
  const waitDone = (id: string) =>
    new Promise<void>((resolve) => {
      const check = () => (events.some((e) => e.event === 'done' && e.jobId === id) ? resolve() : setTimeout(check, 10));
      check();
    });
  return { events, waitDone };
}

afterEach(() => {
  FakeWorker.created = [];
});

describe('createBackend', () => {
  it('boot is idempotent and marks jobs left running by a closed page as interrupted', async () => {
    const factory = new IDBFactory();
    const db = await openQeDb(factory);
    const stale: JobRecord = {
      id: 'old',
      type: 'selftest',
      status: 'running',
      createdAt: '2024-01-01T00:00:00Z',
      progress: 0.3,
      stage: 'Chunk 3',
      manifest: { id: 'm', jobType: 'selftest', inputs: [], params: {}, engineVersion: '0', seed: 1 },
    };
    await saveJob(db, stale);
    db.close();
    const { backend } = make(factory);
    const [a, b] = await Promise.all([backend.boot(), backend.boot()]);
    expect(a).toBe(b);
    expect(a.interruptedJobs).toBe(1);
    expect(a.settings.onboarded).toBe(false);
    expect(await backend.boot()).toBe(a);
    expect(FakeWorker.created).toHaveLength(2); // the compute pool; the data worker starts on first use
    const old = await backend.getJob('old');
    expect(old).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    expect(backend.workerStatus()).toEqual({ poolSize: 2, busy: 0, restarts: 0, dataWorker: 'idle' });
  });

  it('runs a self-test job end to end through runner, pool and worker host', async () => {
    const { backend } = make();
    await backend.boot();
    const { events, waitDone } = collect(backend);
    const rec = await backend.submitJob({ type: 'selftest', params: { seconds: 0.3 } });
    expect(rec.status).toBe('queued');
    await waitDone(rec.id);
    const mine = events.filter((e) => ('record' in e ? e.record.id : e.jobId) === rec.id).map((e) => e.event);
    expect(mine[0]).toBe('status');
    expect(mine.indexOf('started')).toBeGreaterThan(0);
    expect(mine.slice(-2)).toEqual(['completed', 'done']);
    const done = await backend.getJob(rec.id);
    expect(done).toMatchObject({ status: 'succeeded', progress: 1, resultKey: `selftest/${rec.id}` });
    const art = await backend.getArtifact(`selftest/${rec.id}`);
    expect((art!.value as { mflops: number }).mflops).toBeGreaterThan(0);
    expect((await backend.latestArtifact('selftest/'))?.key).toBe(`selftest/${rec.id}`);
    expect((await backend.listJobs()).map((j) => j.id)).toEqual([rec.id]);
    // worker logs arrive on the main-thread bus
    expect(backend.recentLogs().some((e) => e.logger === 'worker.compute.selftest' && e.jobId === rec.id)).toBe(true);
  });

  it('runs at most jobConcurrency jobs at once on a larger pool (the rest of the pool serves shards)', async () => {
    const { backend } = make(new IDBFactory(), { jobConcurrency: 1 });
    await backend.boot();
    const { waitDone } = collect(backend);
    const a = await backend.submitJob({ type: 'selftest', params: { seconds: 0.2 } });
    const b = await backend.submitJob({ type: 'selftest', params: { seconds: 0.2 } });
    await Promise.all([waitDone(a.id), waitDone(b.id)]);
    const [ra, rb] = [await backend.getJob(a.id), await backend.getJob(b.id)];
    expect(ra?.status).toBe('succeeded');
    expect(rb?.status).toBe('succeeded');
    expect(Date.parse(rb!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(ra!.completedAt!));
    expect(backend.workerStatus().poolSize).toBe(2);
  });

  it('cancels a running job cooperatively', async () => {
    const { backend } = make();
    await backend.boot();
    const { events, waitDone } = collect(backend);
    const rec = await backend.submitJob({ type: 'selftest', params: { seconds: 60 } });
    await new Promise((r) => setTimeout(r, 150));
    const t0 = Date.now();
    await backend.cancelJob(rec.id);
    await waitDone(rec.id);
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(events.some((e) => e.event === 'cancelled' && e.jobId === rec.id)).toBe(true);
    expect((await backend.getJob(rec.id))?.status).toBe('cancelled');
    expect(await backend.getArtifact(`selftest/${rec.id}`)).toBeUndefined();
  });

  it('loads demo data only in demo mode, then serves it as DEMO with provenance', async () => {
    const { backend } = make();
    await backend.boot();
    await expect(backend.submitJob({ type: 'data_load', params: { source: 'demo' } })).rejects.toBeInstanceOf(DemoModeOffError);
    await backend.updateSettings({ demoMode: true });
    let changed = 0;
    backend.onDatasetsChanged(() => changed++);
    const { waitDone } = collect(backend);
    const rec = await backend.submitJob({ type: 'data_load', params: { source: 'demo' } });
    await waitDone(rec.id);
    const job = await backend.getJob(rec.id);
    expect(job?.status, job?.error).toBe('succeeded');
    expect(changed).toBe(1);
    const list = await backend.listDatasets();
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((m) => m.origin === 'demo')).toBe(true);
    const first = list[0];
    const env = await backend.loadBars(first.id);
    expect(env.meta.mode).toBe('demo');
    expect(env.meta.source).toBe(first.source);
    expect(env.meta.asOf).toBe(first.last);
    expect(env.meta.warnings.join(' ')).toContain('Synthetic demo data');
    expect(env.data.bars.close.length).toBe(first.rows);
    expect(backend.workerStatus().dataWorker).toBe('idle');
    // SQL needs DuckDB, which cannot start under Node: the failure is reported, not hidden
    await expect(backend.sql('select 42')).rejects.toThrow('no DuckDB under Node');
    expect(backend.workerStatus().dataWorker).toBe('error');
    expect(backend.workerStatus().dataWorkerError).toBe('DuckDB failed to start: no DuckDB under Node');
    await backend.deleteDataset(first.id);
    expect(changed).toBe(2);
    expect((await backend.listDatasets()).some((m) => m.id === first.id)).toBe(false);
  });

  it('fails unsupported sources with a clear message and an ERROR log carrying the job trace id', async () => {
    const { backend } = make();
    await backend.boot();
    const { events, waitDone } = collect(backend);
    const rec = await backend.submitJob({ type: 'data_load', params: { source: 'yahoo' } });
    await waitDone(rec.id);
    const failed = events.find((e) => e.event === 'failed' && e.jobId === rec.id);
    expect(failed).toMatchObject({ error: expect.stringContaining('source "yahoo" is not supported yet') });
    const err = backend.recentLogs().find((e) => e.level === 'ERROR' && e.logger === 'jobs' && e.jobId === rec.id);
    expect(err?.traceId).toBe(rec.traceId);
    await expect(backend.submitJob({ type: 'nope' as 'selftest', params: {} })).rejects.toThrow('unknown job type "nope"');
  });

  it('a crashing worker fails its job, is replaced, and the status reports the restart', async () => {
    const { backend } = make(new IDBFactory(), { poolSize: 1 });
    await backend.boot();
    const statuses: number[] = [];
    backend.onWorkerStatus((s) => statuses.push(s.restarts));
    const { waitDone } = collect(backend);
    const rec = await backend.submitJob({ type: 'selftest', params: { seconds: 60 } });
    await new Promise((r) => setTimeout(r, 100));
    FakeWorker.created[0].crash('RangeError: Maximum call stack size exceeded');
    await waitDone(rec.id);
    expect(await backend.getJob(rec.id)).toMatchObject({
      status: 'failed',
      error: 'compute worker crashed: RangeError: Maximum call stack size exceeded',
    });
    expect(backend.workerStatus()).toMatchObject({ poolSize: 1, restarts: 1 });
    expect(statuses).toContain(1);
  });

  it('reports storage estimate and refuses to delete unfinished jobs', async () => {
    const { backend } = make();
    await backend.boot();
    expect(await backend.storageEstimate()).toEqual({ usage: 10, quota: 100, persisted: false });
    const rec = await backend.submitJob({ type: 'selftest', params: { seconds: 60 } });
    await expect(backend.deleteJob(rec.id)).rejects.toThrow('still queued or running');
    const { waitDone } = collect(backend);
    await backend.cancelJob(rec.id);
    await waitDone(rec.id);
    await backend.deleteJob(rec.id);
    expect(await backend.getJob(rec.id)).toBeUndefined();
  });
});

describe('cross-tab job ownership', () => {
  /** A minimal in-memory Web Locks implementation shared by two "tabs". */
  function sharedLocks() {
    const held = new Set<string>();
    return {
      held,
      request: async (name: string, cb: () => Promise<void>) => {
        held.add(name);
        try {
          await cb();
        } finally {
          held.delete(name);
        }
      },
      query: async () => ({ held: [...held].map((name) => ({ name })) }),
    };
  }

  it('a second tab does not mark the first tab’s running job as interrupted', async () => {
    const factory = new IDBFactory();
    const locks = sharedLocks();
    const { backend: tabA } = make(factory, { locks });
    await tabA.boot();
    const rec = await tabA.submitJob({ type: 'selftest', params: { seconds: 60 } });
    await new Promise((r) => setTimeout(r, 50));
    expect(locks.held.has(`qe-job:${rec.id}`)).toBe(true);
    const { backend: tabB } = make(factory, { locks });
    expect((await tabB.boot()).interruptedJobs).toBe(0);
    expect((await tabB.getJob(rec.id))?.status).toBe('running');
    const { waitDone } = collect(tabA);
    await tabA.cancelJob(rec.id);
    await waitDone(rec.id);
    expect(locks.held.size).toBe(0);
    // once the owning tab is gone (lock released) a leftover unfinished record is interrupted
    const db = await openQeDb(factory);
    await saveJob(db, { ...(await tabA.getJob(rec.id))!, id: 'orphan', status: 'running' });
    const { backend: tabC } = make(factory, { locks });
    expect((await tabC.boot()).interruptedJobs).toBe(1);
  });
});
