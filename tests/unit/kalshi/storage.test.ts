import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, openQeDb } from '../../../src/storage/db';
import { type KalshiBatch, putKalshiBatch, readKalshiRecords } from '../../../src/storage/kalshi';
import { binContracts, market, quotesAt, T0 } from './helpers';

const PROV = { origin: 'file' as const, importedFrom: 'test.csv', storedAt: '2025-01-01T00:00:00.000Z' };

describe('Kalshi storage (schema v3)', () => {
  it('upgrades a v2 database to v3, keeping earlier data and adding the Kalshi stores', async () => {
    const factory = new IDBFactory();
    const v2 = await openQeDb({ factory, migrations: MIGRATIONS.slice(0, 2) });
    await v2.put('settings', { key: 'x', value: 1 });
    v2.close();
    const v3 = await openQeDb({ factory });
    expect(v3.version).toBe(3);
    for (const s of ['kalshiMarkets', 'kalshiContracts', 'kalshiQuotes', 'eventOutcomes', 'kalshiUploads']) expect([...v3.objectStoreNames]).toContain(s);
    expect(await v3.get('settings', 'x')).toEqual({ key: 'x', value: 1 });
    const tx = v3.transaction(['kalshiContracts', 'eventOutcomes'], 'readonly');
    expect([...tx.objectStore('kalshiContracts').indexNames]).toEqual(['market_id']);
    expect(tx.objectStore('eventOutcomes').keyPath).toEqual(['event_id', 'asof_ts']);
    v3.close();
  });

  it('merges quotes of a re-import (new rows win) and keeps NaN bounds and typed columns', async () => {
    const db = await openQeDb(new IDBFactory());
    const cs = binContracts([
      [Number.NaN, 2],
      [2, Number.NaN],
    ]);
    const batch = (mids: number[], ts: number): KalshiBatch => ({ markets: [market()], contracts: cs, quotes: [quotesAt(cs, mids, ts)], outcomes: [] });
    await putKalshiBatch(db, batch([40, 60], T0), PROV);
    const s = await putKalshiBatch(db, batch([30, 70], T0 + 60_000), PROV);
    expect(s.mergedMarkets).toEqual(['M1']);
    await putKalshiBatch(db, batch([35, 65], T0 + 60_000), PROV);
    const r = await readKalshiRecords(db);
    expect(Number.isNaN(r.contracts[0].bin_low)).toBe(true);
    const q = r.quotes[0];
    expect(q.ts).toBeInstanceOf(Float64Array);
    expect(Array.from(q.mid)).toEqual([40, 35, 60, 65]);
    expect(q.origin).toBe('file');
  });
});
