import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot } from '../../../src/engine/kalshi/snapshot';
import { ProxyFetchError } from '../../../src/storage/sources/proxy-fetch';
import { fetchKalshiThroughProxy } from '../../../src/workers/kalshi/proxy-ingest';
import { FakeUpstream, startTestProxy, T0, type TestProxy } from '../proxy/helpers';

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

describe('Kalshi through the proxy (fake upstream)', () => {
  it('follows market cursor pages, maps the event to a bin market and stores candle + top-of-book quotes', async () => {
    const before = fake.count('/trade-api/v2/markets');
    const r = await fetchKalshiThroughProxy({ proxyUrl: proxy.proxy.url, eventTicker: 'KXCPIYOY-24NOV', historyDays: 2, now: () => T0 });
    // three upstream pages behind one proxy request
    expect(fake.count('/trade-api/v2/markets') - before).toBe(3);
    const { markets, contracts, quotes } = r.batch;
    expect(markets).toHaveLength(1);
    expect(markets[0]).toMatchObject({ market_id: 'KXCPIYOY-24NOV', event_id: 'KXCPIYOY-24NOV', event_type: 'CPI', title: 'CPI year-over-year in Nov 2024?' });
    expect(markets[0].release_ts).toBe(Date.parse('2024-12-11T13:30:00Z'));
    expect(contracts.map((c) => [c.contract_id, c.bin_low, c.bin_high])).toEqual([
      ['KXCPIYOY-24NOV-B2.55', 2.5, 2.6],
      ['KXCPIYOY-24NOV-B2.65', 2.6, 2.7],
      ['KXCPIYOY-24NOV-B2.75', 2.7, 2.8],
      ['KXCPIYOY-24NOV-B2.85', 2.8, 2.9],
      ['KXCPIYOY-24NOV-T2.95', 2.95, Number.NaN],
    ]);
    const q = quotes[0];
    // 2 candlesticks per contract + the current quote each
    expect(q.ts.length).toBe(5 * 3);
    expect(r.requests).toBe(2 + 5);
    // page 3's prices come as dollar strings and are served in cents
    const t295 = q.contractIds.indexOf('KXCPIYOY-24NOV-T2.95');
    const rows = Array.from(q.contract).flatMap((c, i) => (c === t295 && q.ts[i] === Date.parse(r.fetchedAt) ? [i] : []));
    expect([q.bid[rows[0]], q.ask[rows[0]]]).toEqual([3, 5]);
    const snap = buildSnapshot(markets[0], contracts, q, Date.parse(r.fetchedAt));
    expect(snap.kind).toBe('bin');
    expect(snap.live_contracts).toBe(5);
    expect(snap.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(r.source).toMatch(/Kalshi via proxy .*event KXCPIYOY-24NOV/);
  });

  // Each test uses its own series ticker: the proxy caches event lists for 5 minutes.
  it('maps an upstream 429 to a rate-limit error with its retry-after', async () => {
    fake.modes.set('/trade-api/v2/events', '429');
    try {
      const err = await fetchKalshiThroughProxy({ proxyUrl: proxy.proxy.url, seriesTicker: 'KXCPIRL', historyDays: 0, now: () => T0, maxRetryWaitSeconds: 0 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ProxyFetchError);
      expect((err as ProxyFetchError).kind).toBe('rate_limited');
      expect((err as ProxyFetchError).message).toMatch(/Kalshi rate-limited.*retry after 7 s/);
    } finally {
      fake.modes.delete('/trade-api/v2/events');
    }
  });

  it('waits out a short rate limit once, then succeeds', async () => {
    fake.modes.set('/trade-api/v2/events', '429');
    const waits: number[] = [];
    const r = await fetchKalshiThroughProxy({
      proxyUrl: proxy.proxy.url,
      eventTicker: 'KXCPIYOY-24NOV',
      // a series the proxy has not cached yet, so the 429 reaches us
      seriesTicker: 'KXCPIWAIT',
      historyDays: 0,
      now: () => T0,
      sleep: async (ms) => {
        waits.push(ms);
        // the proxy also backs off for retry-after: let its (frozen) clock pass that time
        proxy.clock.t += ms + 1000;
        fake.modes.delete('/trade-api/v2/events');
      },
    });
    expect(waits).toEqual([7000]);
    expect(r.batch.contracts).toHaveLength(5);
  });

  it('maps a proxy timeout and an unreachable proxy to clear errors', async () => {
    const slow = await fetchKalshiThroughProxy({
      proxyUrl: proxy.proxy.url,
      eventTicker: 'KXCPIYOY-24NOV',
      now: () => T0,
      timeoutMs: 20,
      fetchImpl: (_url, init) => new Promise((_res, rej) => init?.signal?.addEventListener('abort', () => rej(new Error('aborted')))),
    }).catch((e: unknown) => e);
    expect((slow as ProxyFetchError).kind).toBe('timeout');
    expect((slow as Error).message).toMatch(/did not answer events of series KXCPIYOY within 0.02 s/);
    const down = await fetchKalshiThroughProxy({ proxyUrl: 'http://127.0.0.1:9', eventTicker: 'KXCPIYOY-24NOV', now: () => T0 }).catch((e: unknown) => e);
    expect((down as ProxyFetchError).kind).toBe('unreachable');
    const bad = await fetchKalshiThroughProxy({ proxyUrl: proxy.proxy.url, eventTicker: '../x', now: () => T0 }).catch((e: unknown) => e);
    expect((bad as ProxyFetchError).kind).toBe('invalid_request');
  });
});
