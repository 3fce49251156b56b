import { describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR, type JobRecord } from '../../../src/engine/contracts';
import { getArtifact, latestArtifact, listArtifacts, putArtifact } from '../../../src/storage/artifacts';
import { StorageQuotaError } from '../../../src/storage/errors';
import { deleteJob, getJob, listJobs, markInterruptedJobs, saveJob } from '../../../src/storage/jobs';
import { freshDb, quotaAfter } from './helpers';

function job(id: string, createdAt: string, status: JobRecord['status'] = 'succeeded'): JobRecord {
  return {
    id,
    type: 'selftest',
    status,
    createdAt,
    progress: status === 'succeeded' ? 1 : 0,
    stage: status,
    manifest: { id: `m-${id}`, jobType: 'selftest', inputs: [], params: { seconds: 1 }, engineVersion: '0.1.0', seed: 7 },
  };
}

describe('jobs store', () => {
  it('saves, reads back, lists newest first with a limit, deletes', async () => {
    const db = await freshDb();
    for (let i = 0; i < 60; i++) {
      await saveJob(db, job(`j${i}`, new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString()));
    }
    expect(await getJob(db, 'j5')).toEqual(job('j5', '2024-01-01T00:05:00.000Z'));
    const list = await listJobs(db);
    expect(list).toHaveLength(50);
    expect(list[0].id).toBe('j59');
    expect(list[49].id).toBe('j10');
    expect((await listJobs(db, 3)).map((j) => j.id)).toEqual(['j59', 'j58', 'j57']);
    await deleteJob(db, 'j59');
    expect(await getJob(db, 'j59')).toBeUndefined();
    db.close();
  });

  it('refuses records that break the contract', async () => {
    const db = await freshDb();
    await expect(saveJob(db, { ...job('bad', '2024-01-01T00:00:00Z'), progress: 2 })).rejects.toThrow(
      'job bad.progress: expected number ≤ 1, got 2',
    );
    db.close();
  });

  it('marks queued and running jobs as interrupted at start-up and leaves finished ones alone', async () => {
    const db = await freshDb();
    await saveJob(db, job('run', '2024-01-01T00:00:00Z', 'running'));
    await saveJob(db, job('q', '2024-01-01T00:01:00Z', 'queued'));
    await saveJob(db, job('ok', '2024-01-01T00:02:00Z', 'succeeded'));
    await saveJob(db, { ...job('bad', '2024-01-01T00:03:00Z', 'failed'), error: 'boom' });
    const now = Date.UTC(2024, 0, 2);
    expect(await markInterruptedJobs(db, now)).toBe(2);
    for (const id of ['run', 'q']) {
      const r = await getJob(db, id);
      expect(r?.status).toBe('failed');
      expect(r?.error).toBe(INTERRUPTED_ERROR);
      expect(r?.completedAt).toBe('2024-01-02T00:00:00.000Z');
    }
    expect((await getJob(db, 'ok'))?.status).toBe('succeeded');
    expect((await getJob(db, 'bad'))?.error).toBe('boom');
    expect(await markInterruptedJobs(db, now)).toBe(0);
    db.close();
  });

  it('leaves jobs that another open tab still owns', async () => {
    const db = await freshDb();
    await saveJob(db, job('mine', '2024-01-01T00:00:00Z', 'running'));
    await saveJob(db, job('theirs', '2024-01-01T00:01:00Z', 'running'));
    expect(await markInterruptedJobs(db, 0, (id) => id === 'theirs')).toBe(1);
    expect((await getJob(db, 'mine'))?.status).toBe('failed');
    expect((await getJob(db, 'theirs'))?.status).toBe('running');
    db.close();
  });
});

describe('artifacts', () => {
  it('stores versioned results and resolves the latest of a prefix', async () => {
    const db = await freshDb();
    await putArtifact(db, 'selftest/a', { mflops: 1 }, '2024-01-01T00:00:00Z', { jobId: 'a' });
    await putArtifact(db, 'selftest/b', { mflops: 2 }, '2024-01-03T00:00:00Z', { jobId: 'b' });
    await putArtifact(db, 'selftest/c', { mflops: 3 }, '2024-01-02T00:00:00Z');
    await putArtifact(db, 'selftesting/z', { mflops: 9 }, '2025-01-01T00:00:00Z');
    expect((await latestArtifact(db, 'selftest/'))?.key).toBe('selftest/b');
    expect((await listArtifacts(db, 'selftest/')).map((a) => a.key)).toEqual(['selftest/a', 'selftest/b', 'selftest/c']);
    expect(await getArtifact(db, 'selftest/a')).toEqual({ key: 'selftest/a', createdAt: '2024-01-01T00:00:00Z', jobId: 'a', value: { mflops: 1 } });
    expect(await latestArtifact(db, 'backtest/')).toBeUndefined();
    db.close();
  });

  it('a failed artifact write keeps the previous value', async () => {
    const db = await freshDb();
    await putArtifact(db, 'model/v1', { w: [1, 2] }, '2024-01-01T00:00:00Z');
    await expect(putArtifact(quotaAfter(db, 'artifacts', 0), 'model/v1', { w: [3] }, '2024-01-02T00:00:00Z')).rejects.toBeInstanceOf(
      StorageQuotaError,
    );
    expect((await getArtifact(db, 'model/v1'))?.value).toEqual({ w: [1, 2] });
    db.close();
  });
});
