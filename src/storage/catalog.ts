/**
 * Dataset catalog reads and deletes. Deliberately free of Arrow imports: the main thread
 * lists and deletes datasets without pulling the codec into its bundle.
 */
import { type DatasetMeta, datasetMetaSchema } from '../engine/contracts';
import type { QeDb } from './db';
import { writeTransaction } from './errors';

export class DatasetNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`dataset "${id}" is not in the local store (it may have been deleted); load or import it again`);
    this.name = 'DatasetNotFoundError';
  }
}

export async function getDatasetMeta(db: QeDb, id: string): Promise<DatasetMeta | undefined> {
  const raw = await db.get('catalog', id);
  return raw === undefined ? undefined : datasetMetaSchema(raw, `catalog[${id}]`);
}

/** All catalog entries, sorted by ticker then timeframe (the catalog key order). */
export async function listDatasets(db: QeDb): Promise<DatasetMeta[]> {
  const all = await db.getAll('catalog');
  return all.map((m) => datasetMetaSchema(m, `catalog[${m.id}]`));
}

/** Removes a dataset's blob and catalog entry together. Deleting a missing dataset is an error. */
export async function deleteDataset(db: QeDb, id: string): Promise<void> {
  await writeTransaction(db, ['datasets', 'catalog'], `deletion of dataset ${id}`, async (tx) => {
    const existing = await tx.objectStore('catalog').get(id);
    if (existing === undefined) throw new DatasetNotFoundError(id);
    await Promise.all([tx.objectStore('datasets').delete(id), tx.objectStore('catalog').delete(id)]);
  });
}
