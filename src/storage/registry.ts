/**
 * Model / strategy registry documents (one JSON document per key, e.g. "models/ensemble",
 * "strategies"). Owners map these raw documents to view models in their own adapters.
 */
import type { Json } from '../engine/contracts';
import type { QeDb, RegistryDoc } from './db';
import { writeTransaction } from './errors';

export async function getRegistryDoc(db: QeDb, key: string): Promise<RegistryDoc | undefined> {
  return db.get('registry', key);
}

export async function putRegistryDoc(db: QeDb, key: string, value: Json, updatedAt: string): Promise<RegistryDoc> {
  if (!key) throw new Error('registry key must be non-empty');
  const doc: RegistryDoc = { key, updatedAt, value };
  await writeTransaction(db, ['registry'], `registry document ${key}`, async (tx) => {
    await tx.objectStore('registry').put(doc);
  });
  return doc;
}

/**
 * Read-modify-write in one transaction: `update` receives the current value (undefined if
 * none) and returns the next one, so concurrent writers (two workers) cannot lose updates.
 */
export async function updateRegistryDoc(
  db: QeDb,
  key: string,
  update: (current: Json | undefined) => Json,
  updatedAt: string,
): Promise<RegistryDoc> {
  return writeTransaction(db, ['registry'], `registry document ${key}`, async (tx) => {
    const store = tx.objectStore('registry');
    const current = await store.get(key);
    const doc: RegistryDoc = { key, updatedAt, value: update(current?.value) };
    await store.put(doc);
    return doc;
  });
}

export async function listRegistryDocs(db: QeDb, prefix = ''): Promise<RegistryDoc[]> {
  return db.getAll('registry', prefix ? IDBKeyRange.bound(prefix, `${prefix}\uffff`) : undefined);
}
