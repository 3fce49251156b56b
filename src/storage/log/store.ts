/** The persisted log store: batched appends, retention pruning and queries. */
import { LOG_RETENTION, type LogEntry, type LogLevel } from '../../engine/contracts';
import type { QeDb } from '../db';
import { writeTransaction } from '../errors';
import type { LogSink } from './bus';

export async function appendLogs(db: QeDb, entries: readonly LogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await writeTransaction(db, ['logs'], `${entries.length} log records`, async (tx) => {
    const store = tx.objectStore('logs');
    for (const e of entries) await store.add({ ...e });
  });
}

/**
 * The persisted store as a bus sink. Each batch is followed by a retention pass (age measured
 * from the batch's newest record), so the cap holds between the start-up and hourly prunes
 * even during a burst of records — the count check is one index count when nothing is due.
 */
export function dbLogSink(db: QeDb, retention: Retention = LOG_RETENTION): LogSink {
  return {
    write: async (entries) => {
      if (entries.length === 0) return;
      await appendLogs(db, entries);
      let newest = 0;
      for (const e of entries) if (e.ts > newest) newest = e.ts;
      await pruneLogs(db, newest, retention);
    },
  };
}

export interface Retention {
  maxEntries: number;
  maxAgeMs: number;
}

/**
 * Deletes records older than `maxAgeMs` and then the oldest beyond `maxEntries`
 * (whichever limit is smaller wins). Returns how many were deleted.
 */
export async function pruneLogs(
  db: QeDb,
  now: number,
  retention: Retention = LOG_RETENTION,
): Promise<number> {
  return writeTransaction(db, ['logs'], 'log retention', async (tx) => {
    const store = tx.objectStore('logs');
    let deleted = 0;
    const cutoff = now - retention.maxAgeMs;
    let old = await store.index('ts').openCursor(IDBKeyRange.upperBound(cutoff, true));
    while (old) {
      await old.delete();
      deleted++;
      old = await old.continue();
    }
    let excess = (await store.count()) - retention.maxEntries;
    if (excess > 0) {
      // Oldest by insertion order (the auto-increment key), which is also time order.
      let cursor = await store.openCursor();
      while (cursor && excess > 0) {
        await cursor.delete();
        deleted++;
        excess--;
        cursor = await cursor.continue();
      }
    }
    return deleted;
  });
}

export interface LogQuery {
  /** newest records first, at most this many (default 1000) */
  limit?: number;
  sinceTs?: number;
  untilTs?: number;
  levels?: readonly LogLevel[];
  jobId?: string;
  traceId?: string;
}

export async function queryLogs(db: QeDb, q: LogQuery = {}): Promise<LogEntry[]> {
  const limit = q.limit ?? 1000;
  const range =
    q.sinceTs !== undefined || q.untilTs !== undefined
      ? IDBKeyRange.bound(q.sinceTs ?? 0, q.untilTs ?? Number.MAX_SAFE_INTEGER)
      : null;
  const out: LogEntry[] = [];
  let cursor = await db.transaction('logs').store.index('ts').openCursor(range, 'prev');
  while (cursor && out.length < limit) {
    const { seq: _seq, ...e } = cursor.value;
    if (
      (!q.levels || q.levels.includes(e.level)) &&
      (!q.jobId || e.jobId === q.jobId) &&
      (!q.traceId || e.traceId === q.traceId)
    ) {
      out.push(e);
    }
    cursor = await cursor.continue();
  }
  return out;
}

export async function countLogs(db: QeDb): Promise<number> {
  return db.count('logs');
}

export async function clearLogs(db: QeDb): Promise<void> {
  await writeTransaction(db, ['logs'], 'log deletion', async (tx) => {
    await tx.objectStore('logs').clear();
  });
}
