import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DB_VERSION, MIGRATIONS, type Migration, openQeDb, StorageUnavailableError } from '../../../src/storage/db';

describe('openQeDb', () => {
  it('creates every store and index of the current schema', async () => {
    const db = await openQeDb(new IDBFactory());
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([
      'artifacts',
      'catalog',
      'datasets',
      'eventOutcomes',
      'jobs',
      'kalshiContracts',
      'kalshiMarkets',
      'kalshiQuotes',
      'kalshiUploads',
      'logs',
      'optionChainUploads',
      'optionChains',
      'registry',
      'settings',
    ]);
    const tx = db.transaction(['jobs', 'logs', 'catalog'], 'readonly');
    expect([...tx.objectStore('jobs').indexNames].sort()).toEqual(['createdAt', 'status']);
    expect([...tx.objectStore('logs').indexNames]).toEqual(['ts']);
    expect(tx.objectStore('logs').autoIncrement).toBe(true);
    expect(tx.objectStore('catalog').keyPath).toBe('id');
    db.close();
  });

  it('upgrades an existing database by running only the newer migrations, keeping data', async () => {
    const factory = new IDBFactory();
    const v1 = await openQeDb({ factory });
    await v1.put('settings', { key: 'x', value: 1 });
    v1.close();
    const ran: number[] = [];
    const v2: Migration = (db, tx) => {
      ran.push(2);
      tx.objectStore('catalog').createIndex('ticker' as never, 'ticker');
      db.createObjectStore('paper' as never);
    };
    const upgraded = await openQeDb({ factory, migrations: [...MIGRATIONS, v2] });
    expect(ran).toEqual([2]);
    expect(upgraded.version).toBe(DB_VERSION + 1);
    expect([...upgraded.objectStoreNames]).toContain('paper');
    expect(await upgraded.get('settings', 'x')).toEqual({ key: 'x', value: 1 });
    upgraded.close();
  });

  it('explains a database newer than the app', async () => {
    const factory = new IDBFactory();
    const newer = await openQeDb({ factory, migrations: [...MIGRATIONS, () => undefined] });
    newer.close();
    const err = await openQeDb({ factory }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageUnavailableError);
    expect((err as Error).message).toMatch(/newer .* than this app version/);
  });

  it('closes itself when another tab upgrades the schema', async () => {
    const factory = new IDBFactory();
    let notified = 0;
    await openQeDb({ factory, onVersionChange: () => notified++ });
    const upgraded = await openQeDb({ factory, migrations: [...MIGRATIONS, () => undefined] });
    expect(notified).toBe(1);
    upgraded.close();
  });
});
