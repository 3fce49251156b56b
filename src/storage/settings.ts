/**
 * User settings (one validated record in the `settings` store) and the browser's storage
 * estimate / persistence APIs.
 */
import { DEFAULT_SETTINGS, type Json, type Settings, SchemaError, settingsSchema } from '../engine/contracts';
import type { QeDb } from './db';
import { writeTransaction } from './errors';

const SETTINGS_KEY = 'settings';

/**
 * The stored settings merged over the defaults (fields added in later versions get their
 * default). A stored record that no longer validates is reported, not silently replaced.
 */
export async function getSettings(db: QeDb): Promise<Settings> {
  const rec = await db.get('settings', SETTINGS_KEY);
  if (rec === undefined) return { ...DEFAULT_SETTINGS };
  const stored = rec.value;
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new SchemaError('settings', 'object', stored);
  }
  return settingsSchema({ ...DEFAULT_SETTINGS, ...stored }, 'settings');
}

/** Validates the merged result before writing; an invalid patch throws and stores nothing. */
export async function updateSettings(db: QeDb, patch: Partial<Settings>): Promise<Settings> {
  return writeTransaction(db, ['settings'], 'settings', async (tx) => {
    const store = tx.objectStore('settings');
    const rec = await store.get(SETTINGS_KEY);
    const current =
      rec && typeof rec.value === 'object' && rec.value !== null && !Array.isArray(rec.value) ? rec.value : {};
    const next = settingsSchema({ ...DEFAULT_SETTINGS, ...current, ...stripUndefined(patch) }, 'settings');
    await store.put({ key: SETTINGS_KEY, value: next as unknown as Json });
    return next;
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

export class StorageApiUnavailableError extends Error {
  constructor(api: string) {
    super(
      `This browser does not offer navigator.storage.${api} (it needs a secure context: https or localhost), so storage use cannot be ${api === 'estimate' ? 'measured' : 'made persistent'}.`,
    );
    this.name = 'StorageApiUnavailableError';
  }
}

export interface StorageEstimateInfo {
  usage: number;
  quota: number;
  persisted: boolean;
}

/** Minimal view of `navigator.storage` so tests can pass a fake. */
export interface StorageManagerLike {
  estimate?: () => Promise<{ usage?: number; quota?: number }>;
  persist?: () => Promise<boolean>;
  persisted?: () => Promise<boolean>;
}

function defaultManager(): StorageManagerLike | undefined {
  return typeof navigator === 'undefined' ? undefined : (navigator.storage as StorageManagerLike | undefined);
}

export async function storageEstimate(manager = defaultManager()): Promise<StorageEstimateInfo> {
  if (!manager?.estimate) throw new StorageApiUnavailableError('estimate');
  const [est, persisted] = await Promise.all([
    manager.estimate(),
    manager.persisted ? manager.persisted() : Promise.resolve(false),
  ]);
  return { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted };
}

/** Asks for persistent storage; resolves to whether the origin is now persisted. */
export async function requestPersistence(manager = defaultManager()): Promise<boolean> {
  if (!manager?.persist) throw new StorageApiUnavailableError('persist');
  if (manager.persisted && (await manager.persisted())) return true;
  return manager.persist();
}
