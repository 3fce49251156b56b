// Fault: the browser's storage quota runs out during an import or a result write. The job
// must fail with the clear StorageQuotaError message, and the catalog, earlier datasets and
// earlier results must be exactly as before (the IDB-level shim refuses the Nth put).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openQeDb } from '../../../src/storage/db';
import { loadDatasetBytes } from '../../../src/storage/datasets';
import { REAL } from '../import/helpers';
import { FakeWorker } from '../workers/harness';
import { armQuota, collect, disarmQuota, makeTab } from './harness';

const blob = (rel: string) => new Blob([readFileSync(`${REAL}${rel}`)]);
const FULL = /^Browser storage is full: could not save .+; earlier data is unchanged\. Free space by deleting datasets or old job results, or request persistent storage in Settings\.$/;

afterEach(() => {
  disarmQuota();
  FakeWorker.created = [];
});

async function snapshot(tab: ReturnType<typeof makeTab>) {
  const db = await openQeDb(tab.factory);
  const list = await tab.backend.listDatasets();
  const bytes = new Map<string, string>();
  for (const m of list) bytes.set(m.id, Buffer.from((await loadDatasetBytes(db, m.id)).bytes).toString('base64'));
  const artifacts = await db.getAllKeys('artifacts');
  db.close();
  return { catalog: JSON.stringify(list), bytes, artifacts };
}

describe('quota exceeded during an import job', () => {
  it.each([
    ['the first dataset blob', 0, 'datasets'],
    ['the second dataset blob', 1, 'datasets'],
    ['the catalog entry', 0, 'catalog'],
    ['the quality report', 0, 'artifacts'],
  ] as const)('refusing %s fails the job clearly; catalog and earlier datasets intact; a retry with space succeeds', async (_what, okPuts, store) => {
    const tab = makeTab();
    await tab.backend.boot();
    const { waitDone } = collect(tab.backend);
    const first = await tab.backend.importFiles([{ blob: blob('daily/csv/AAPL.csv'), name: 'AAPL.csv' }]);
    await waitDone(first.id);
    expect((await tab.backend.getJob(first.id))?.status).toBe('succeeded');
    const before = await snapshot(tab);

    // Re-import AAPL (a replacement) together with a new ticker while the quota is exhausted.
    const shim = armQuota(okPuts, store);
    const rec = await tab.backend.importFiles([
      { blob: blob('daily/csv/MSFT.csv'), name: 'MSFT.csv' },
      { blob: new Blob([`${readFileSync(`${REAL}daily/csv/AAPL.csv`, 'utf8').trim()}\n`]), name: 'AAPL.csv' },
    ]);
    await waitDone(rec.id);
    disarmQuota();
    expect(shim.refused).toBeGreaterThan(0);
    const failed = await tab.backend.getJob(rec.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toMatch(FULL);
    expect(failed?.error).toContain('2 imported datasets');
    const after = await snapshot(tab);
    expect(after.catalog).toBe(before.catalog);
    expect(after.bytes).toEqual(before.bytes);
    expect(after.artifacts).toEqual(before.artifacts); // no import/<job> result either

    const retry = await tab.backend.importFiles([{ blob: blob('daily/csv/MSFT.csv'), name: 'MSFT.csv' }]);
    await waitDone(retry.id);
    expect((await tab.backend.getJob(retry.id))?.status).toBe('succeeded');
    expect((await tab.backend.listDatasets()).map((m) => m.id)).toEqual(['AAPL|1d', 'MSFT|1d']);
  });
});

describe('quota exceeded during a result write', () => {
  it('a job whose result cannot be stored fails clearly; the previous result stays the latest', async () => {
    const tab = makeTab();
    await tab.backend.boot();
    const { waitDone } = collect(tab.backend);
    const ok = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.2 } });
    await waitDone(ok.id);
    const previous = await tab.backend.latestArtifact('selftest/');
    expect(previous?.key).toBe(`selftest/${ok.id}`);

    const shim = armQuota(0, 'artifacts');
    const rec = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.2, again: true } });
    await waitDone(rec.id);
    disarmQuota();
    expect(shim.refused).toBe(1);
    const failed = await tab.backend.getJob(rec.id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed?.error).toMatch(FULL);
    expect(failed?.resultKey).toBeUndefined();
    expect(await tab.backend.getArtifact(`selftest/${rec.id}`)).toBeUndefined();
    expect(await tab.backend.latestArtifact('selftest/')).toEqual(previous);
    // The worker survived: the next job runs.
    const next = await tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.1, third: true } });
    await waitDone(next.id);
    expect((await tab.backend.getJob(next.id))?.status).toBe('succeeded');
  });

  it('a job record that cannot be saved is refused at submit, and nothing runs', async () => {
    const tab = makeTab();
    await tab.backend.boot();
    armQuota(0, 'jobs');
    await expect(tab.backend.submitJob({ type: 'selftest', params: { seconds: 0.1 } })).rejects.toThrow(FULL);
    disarmQuota();
    expect(await tab.backend.listJobs()).toEqual([]);
  });
});
