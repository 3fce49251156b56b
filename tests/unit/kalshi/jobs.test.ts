import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Json } from '../../../src/engine/contracts';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { readKalshiRecords } from '../../../src/storage/kalshi';
import { LogBus } from '../../../src/storage/log/bus';
import { updateSettings } from '../../../src/storage/settings';
import { ComputeHost } from '../../../src/workers/compute-host';
import { createKalshiOps } from '../../../src/workers/kalshi/backend-ops';
import { buildManifest } from '../../../src/workers/manifest';
import { FakeUpstream, startTestProxy, type TestProxy } from '../proxy/helpers';
import { setImmediateYield } from '../workers/harness';

const NOW = Date.parse('2025-04-01T00:00:00.000Z');
const fixture = (n: string) => readFileSync(new URL(`../../fixtures/kalshi/${n}`, import.meta.url), 'utf8');

async function setup() {
  const db = await openQeDb(new IDBFactory());
  const host = new ComputeHost({ db: async () => db, now: () => NOW, monotonic: () => performance.now(), yieldFn: setImmediateYield, logger: new LogBus().logger('test') });
  const ops = createKalshiOps({ ready: async () => db, now: () => NOW });
  let n = 0;
  const run = (type: 'kalshi_import' | 'kalshi_fetch', params: { [k: string]: Json }) => host.run(`job-${++n}`, type, params, buildManifest({ type, params }), () => undefined);
  return { db, host, ops, run };
}

async function stageFixtures(ops: ReturnType<typeof createKalshiOps>) {
  const out = [];
  for (const name of ['quotes.csv', 'outcomes.csv', 'markets.csv']) out.push(await ops.stageKalshiFile({ name, text: fixture(name) }));
  return out;
}

async function counts(db: QeDb) {
  const r = await readKalshiRecords(db);
  return { markets: r.markets.length, contracts: r.contracts.length, quotes: r.quotes.reduce((s, q) => s + q.ts.length, 0), outcomes: r.outcomes.length };
}

describe('kalshi_import job', () => {
  it('imports markets, quotes and outcomes files atomically and computes the views (mode live)', async () => {
    const { db, ops, run } = await setup();
    const staged = await stageFixtures(ops);
    expect(staged.map((s) => s.kind)).toEqual(['quotes', 'outcomes', 'markets']);
    const res = await run('kalshi_import', { source: 'files', uploads: staged });
    expect(res.resultKey).toMatch(/^kalshi\/import\//);
    expect(await counts(db)).toEqual({ markets: 2, contracts: 9, quotes: 225, outcomes: 3 });
    expect(await ops.listKalshiEventTypes()).toEqual([
      { event_type: 'CPI', markets: 1, events: 1, origins: ['file'] },
      { event_type: 'FOMC', markets: 1, events: 1, origins: ['file'] },
    ]);
    const env = await ops.getKalshiView('CPI');
    expect(env?.meta.mode).toBe('live');
    const v = env?.data.view;
    expect(v?.current?.market_id).toBe('KXCPIYOY-25JAN');
    expect(v?.current?.buckets.reduce((s, b) => s + b.probability, 0)).toBeCloseTo(1, 12);
    expect(v?.events[0]).toMatchObject({ event_id: 'CPI-2025-01', realized_value: 3 });
    expect(v?.walkforward.reason).toMatch(/at least 60 events/);
    // an outcome keeps its own source next to the import's provenance
    const stored = await readKalshiRecords(db);
    expect(stored.outcomes.find((o) => o.asof_ts === Date.parse('2025-03-12T12:30:00Z'))).toMatchObject({ source: 'BLS revision', importedFrom: 'quotes.csv, outcomes.csv, markets.csv', origin: 'file' });
    // staged files are removed after the import
    expect(await db.count('kalshiUploads')).toBe(0);
  });

  it('a bad file stores nothing and leaves earlier records untouched', async () => {
    const { db, ops, run } = await setup();
    await run('kalshi_import', { source: 'files', uploads: await stageFixtures(ops) });
    const before = await counts(db);
    const bad = await ops.stageKalshiFile({ name: 'more-quotes.csv', text: 'contract_id,ts,bid,ask\nKXFED-25MAR-T0,2025-03-18T17:00:00Z,90,92\nNOPE-1,2025-03-18T17:00:00Z,1,2\n' });
    await expect(run('kalshi_import', { source: 'files', uploads: [bad] })).rejects.toThrow(/more-quotes\.csv, row 2, field "contract_id": contract "NOPE-1"/);
    expect(await counts(db)).toEqual(before);
  });

  it('refuses the demo set outside demo mode; in demo mode it is stored and badged demo', async () => {
    const { db, ops, run } = await setup();
    await expect(run('kalshi_import', { source: 'demo' })).rejects.toThrow(/only in Demo Mode/);
    expect((await counts(db)).markets).toBe(0);
    await updateSettings(db, { demoMode: true });
    await run('kalshi_import', { source: 'demo' });
    const types = await ops.listKalshiEventTypes();
    expect(types.map((t) => t.event_type)).toEqual(['CPI', 'FOMC', 'GDP']);
    const cpi = await ops.getKalshiView('CPI');
    expect(cpi?.meta.mode).toBe('demo');
    expect(cpi?.data.view.walkforward.folds.length).toBeGreaterThan(0);
    // a real file imported next to demo data of the same type is still shown as demo
    await run('kalshi_import', { source: 'files', uploads: await stageFixtures(ops) });
    expect((await ops.getKalshiView('CPI'))?.meta.mode).toBe('demo');
    await ops.clearKalshiData();
    expect((await counts(db)).markets).toBe(0);
  }, 30_000);

  it('unrecognised files are refused when staged', async () => {
    const { ops } = await setup();
    await expect(ops.stageKalshiFile({ name: 'bars.csv', text: 'date,open,high,low,close\n2024-01-02,1,2,0.5,1.5\n' })).rejects.toThrow(/not recognised as a Kalshi markets file/);
  });
});

describe('kalshi_fetch job (proxy → fake upstream)', () => {
  let fake: FakeUpstream;
  let proxy: TestProxy;
  beforeAll(async () => {
    fake = await new FakeUpstream().start();
    proxy = await startTestProxy(fake);
  });
  afterAll(async () => {
    await proxy?.close();
    await fake?.close();
  });

  it('needs a proxy URL in Settings, then stores the event as cached data with views', async () => {
    const { db, ops, run } = await setup();
    await expect(run('kalshi_fetch', { eventTicker: 'KXCPIYOY-24NOV' })).rejects.toThrow(/No proxy is configured/);
    await updateSettings(db, { proxyUrl: proxy.proxy.url });
    await run('kalshi_fetch', { eventTicker: 'KXCPIYOY-24NOV', historyDays: 1 });
    const r = await readKalshiRecords(db);
    expect(r.markets.map((m) => [m.market_id, m.origin])).toEqual([['KXCPIYOY-24NOV', 'proxy']]);
    expect(r.contracts).toHaveLength(5);
    const env = await ops.getKalshiView('CPI');
    expect(env?.meta.mode).toBe('cached');
    expect(env?.meta.source).toMatch(/proxy: Kalshi via proxy/);
    expect(env?.data.view.current?.snapshot.kind).toBe('bin');
  });
});
