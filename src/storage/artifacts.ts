/**
 * Versioned job results. Keys are "<kind>/<name>…", e.g. "selftest/<jobId>"; the latest of a
 * kind is the one written last (createdAt, then key).
 */
import type { Json } from '../engine/contracts';
import type { ArtifactRecord, QeDb } from './db';
import { writeTransaction } from './errors';

export interface ArtifactMeta {
  jobId?: string;
  manifestId?: string;
}

/** Writes one artifact in its own transaction (a failed write leaves any previous value). */
export async function putArtifact(
  db: QeDb,
  key: string,
  value: Json,
  createdAt: string,
  meta: ArtifactMeta = {},
): Promise<ArtifactRecord> {
  if (!key) throw new Error('artifact key must be non-empty');
  const rec: ArtifactRecord = { key, createdAt, value, ...meta };
  await writeTransaction(db, ['artifacts'], `result ${key}`, async (tx) => {
    await tx.objectStore('artifacts').put(rec);
  }, 'relaxed');
  return rec;
}

export async function getArtifact(db: QeDb, key: string): Promise<ArtifactRecord | undefined> {
  return db.get('artifacts', key);
}

/** Keys sharing `prefix` (a key range scan, not a full-store scan). */
function prefixRange(prefix: string): IDBKeyRange {
  return IDBKeyRange.bound(prefix, `${prefix}\uffff`, false, false);
}

export async function listArtifacts(db: QeDb, prefix: string): Promise<ArtifactRecord[]> {
  return db.getAll('artifacts', prefixRange(prefix));
}

export async function latestArtifact(db: QeDb, prefix: string): Promise<ArtifactRecord | undefined> {
  let best: ArtifactRecord | undefined;
  for (const rec of await listArtifacts(db, prefix)) {
    if (!best || rec.createdAt > best.createdAt || (rec.createdAt === best.createdAt && rec.key > best.key)) best = rec;
  }
  return best;
}

export async function deleteArtifact(db: QeDb, key: string): Promise<void> {
  await writeTransaction(db, ['artifacts'], `deletion of result ${key}`, async (tx) => {
    await tx.objectStore('artifacts').delete(key);
  });
}
