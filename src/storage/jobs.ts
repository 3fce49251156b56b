/** Job history in IndexedDB: one record per job, validated on the way in and out. */
import { INTERRUPTED_ERROR, type JobRecord, jobRecordSchema } from '../engine/contracts';
import type { QeDb } from './db';
import { writeTransaction } from './errors';

export const DEFAULT_JOB_LIST_LIMIT = 50;

export async function saveJob(db: QeDb, record: JobRecord): Promise<void> {
  const valid = jobRecordSchema(record, `job ${record.id}`);
  await writeTransaction(db, ['jobs'], `job ${record.id}`, async (tx) => {
    await tx.objectStore('jobs').put(valid);
  });
}

export async function getJob(db: QeDb, id: string): Promise<JobRecord | undefined> {
  const raw = await db.get('jobs', id);
  return raw === undefined ? undefined : jobRecordSchema(raw, `job ${id}`);
}

/** Newest first (by createdAt, then id for equal times), at most `limit`. */
export async function listJobs(db: QeDb, limit = DEFAULT_JOB_LIST_LIMIT): Promise<JobRecord[]> {
  const out: JobRecord[] = [];
  let cursor = await db.transaction('jobs').store.index('createdAt').openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    out.push(jobRecordSchema(cursor.value, `job ${cursor.primaryKey}`));
    cursor = await cursor.continue();
  }
  return out;
}

export async function deleteJob(db: QeDb, id: string): Promise<void> {
  await writeTransaction(db, ['jobs'], `deletion of job ${id}`, async (tx) => {
    await tx.objectStore('jobs').delete(id);
  });
}

/**
 * At start-up no job of this page can be running: any record still `queued` or `running`
 * belongs to a page that closed — unless `isAlive` says another open tab still owns it. They
 * become `failed` ("interrupted (page closed)"), never resumed.
 */
export async function markInterruptedJobs(
  db: QeDb,
  now: number,
  isAlive: (jobId: string) => boolean = () => false,
): Promise<number> {
  const completedAt = new Date(now).toISOString();
  return writeTransaction(db, ['jobs'], 'interrupted job records', async (tx) => {
    const byStatus = tx.objectStore('jobs').index('status');
    const unfinished = [...(await byStatus.getAll('running')), ...(await byStatus.getAll('queued'))];
    const stale = unfinished.filter((r) => !isAlive(r.id));
    for (const rec of stale) {
      await tx.objectStore('jobs').put({ ...rec, status: 'failed', error: INTERRUPTED_ERROR, completedAt });
    }
    return stale.length;
  });
}
