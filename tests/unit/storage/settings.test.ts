import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../src/engine/contracts';
import {
  getSettings,
  requestPersistence,
  StorageApiUnavailableError,
  storageEstimate,
  updateSettings,
} from '../../../src/storage/settings';
import { freshDb } from './helpers';

describe('settings', () => {
  it('returns the defaults before anything is stored', async () => {
    const db = await freshDb();
    expect(await getSettings(db)).toEqual(DEFAULT_SETTINGS);
    db.close();
  });

  it('merges patches and persists them', async () => {
    const db = await freshDb();
    await updateSettings(db, { demoMode: true });
    const s = await updateSettings(db, { proxyUrl: 'http://127.0.0.1:8787', horizon: 20 });
    expect(s).toEqual({ ...DEFAULT_SETTINGS, demoMode: true, proxyUrl: 'http://127.0.0.1:8787', horizon: 20 });
    expect(await getSettings(db)).toEqual(s);
    db.close();
  });

  it('rejects an invalid patch, naming the field, and keeps the stored settings', async () => {
    const db = await freshDb();
    await updateSettings(db, { demoMode: true });
    await expect(updateSettings(db, { horizon: 0 })).rejects.toThrow('settings.horizon: expected number ≥ 1, got 0');
    await expect(updateSettings(db, { logLevel: 'LOUD' as never })).rejects.toThrow('settings.logLevel');
    expect((await getSettings(db)).demoMode).toBe(true);
    expect((await getSettings(db)).horizon).toBe(DEFAULT_SETTINGS.horizon);
    db.close();
  });

  it('fills fields added after the record was written with their defaults', async () => {
    const db = await freshDb();
    await db.put('settings', { key: 'settings', value: { demoMode: true, onboarded: true } });
    expect(await getSettings(db)).toEqual({ ...DEFAULT_SETTINGS, demoMode: true, onboarded: true });
    db.close();
  });
});

describe('storage estimate and persistence', () => {
  it('reports usage, quota and persisted state', async () => {
    const est = await storageEstimate({
      estimate: async () => ({ usage: 1234, quota: 10_000 }),
      persisted: async () => true,
    });
    expect(est).toEqual({ usage: 1234, quota: 10_000, persisted: true });
  });

  it('requests persistence only when not yet persisted', async () => {
    let asked = 0;
    const granted = await requestPersistence({
      persisted: async () => false,
      persist: async () => {
        asked++;
        return true;
      },
    });
    expect(granted).toBe(true);
    expect(asked).toBe(1);
  });

  it('fails clearly when the API is missing', async () => {
    await expect(storageEstimate({})).rejects.toBeInstanceOf(StorageApiUnavailableError);
    await expect(requestPersistence({})).rejects.toThrow(/navigator\.storage\.persist .*secure context/);
  });
});
