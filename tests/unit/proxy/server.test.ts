import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  kalshiCandlesSchema,
  kalshiEventSchema,
  kalshiMarketSchema,
  kalshiOrderbookSchema,
  kalshiPageSchema,
  kalshiSeriesSchema,
  proxyBarsSchema,
  proxyErrorBodySchema,
  proxyHealthSchema,
  proxyOkSchema,
  type ProxyBars,
} from '../../../src/engine/contracts';
import { errorOf, FakeUpstream, MARKETS_CURSOR_P2, MARKETS_CURSOR_P3, rawRequest, startTestProxy, type TestProxy } from './helpers';

const HOUR = 3_600_000;
let fake: FakeUpstream;
let other: FakeUpstream;
let tp: TestProxy;

beforeAll(async () => {
  fake = await new FakeUpstream().start();
  other = await new FakeUpstream().start();
  fake.redirectTarget = other.origin;
  tp = await startTestProxy(fake, { kalshiMaxPages: 2 });
});

afterAll(async () => {
  await tp?.close();
  await fake?.close();
  await other?.close();
});

const bars = (body: Record<string, unknown>): ProxyBars => proxyOkSchema(proxyBarsSchema)(body).data;

describe('health', () => {
  it('reports version, upstream names and cache size', async () => {
    const r = await tp.get('/health');
    expect(r.status).toBe(200);
    const h = proxyHealthSchema(r.body);
    expect(h.version).toBe('0.1.0');
    expect(Object.keys(h.upstreams).sort()).toEqual(['kalshi', 'stooq', 'yahoo']);
    expect(h.upstreams.kalshi).toBe(`${fake.origin}/trade-api/v2`);
    expect(h.kalshiAuth).toBe(false);
    expect(h.cache.entries).toBeGreaterThanOrEqual(0);
  });
});

describe('yahoo bars', () => {
  it('normalises daily chart JSON: exchange dates, nulls kept and counted', async () => {
    const r = await tp.get('/v1/bars/yahoo?ticker=SPY&interval=1d');
    expect(r.status).toBe(200);
    expect(r.headers.get('x-cache')).toBe('miss');
    const b = bars(r.body);
    expect(b.ts).toEqual(['2011-02-23', '2011-02-24', '2011-02-25', '2011-02-28', '2011-03-01', '2011-03-02', '2011-03-03', '2011-03-04']);
    expect(b.rows).toBe(8);
    expect(b.open[0]).toBe(131.75);
    expect(b.high[1]).toBe(131.44);
    expect(b.low[3]).toBe(132.38);
    expect(b.close[7]).toBe(132.47);
    expect(b.volume[0]).toBe(227610100);
    // The upstream's nulls stay null: nothing is forward-filled or interpolated.
    expect(b.open[2]).toBeNull();
    expect(b.close[2]).toBeNull();
    expect(b.adj_close[2]).toBeNull();
    expect(b.volume[5]).toBeNull();
    expect(b.adj_close[0]).toBeCloseTo(110.214, 6);
    expect(b.nullCounts).toEqual({ open: 1, high: 0, low: 0, close: 1, adj_close: 1, volume: 1 });
    expect(b.timezone).toBe('America/New_York');
    expect(b.currency).toBe('USD');
    const warnings = (r.body.meta as { warnings: string[] }).warnings;
    expect(warnings).toHaveLength(4);
    expect(warnings).toContain('yahoo SPY 1d: close has 1 null value from the upstream (first at 2011-02-25); left as null');
    expect(warnings.some((w) => w.startsWith('yahoo SPY 1d: volume has 1 null value') && w.includes('2011-03-02'))).toBe(true);
    const meta = (r.body as { meta: { source: string; cache: string; ageSeconds: number; fetchedAt: string } }).meta;
    expect(meta).toMatchObject({ source: 'yahoo', cache: 'miss', ageSeconds: 0, fetchedAt: new Date(tp.clock.t).toISOString() });
    const sent = fake.requests.filter((q) => q.url.startsWith('/v8/finance/chart/SPY'));
    const u = new URL(sent[sent.length - 1].url, fake.origin);
    expect(Object.fromEntries(u.searchParams)).toEqual({ includeAdjustedClose: 'true', includePrePost: 'false', interval: '1d', range: '1y' });
  });

  it('labels daily bars with the exchange-local date (Tokyo bars stamped on the previous UTC day)', async () => {
    const b = bars((await tp.get('/v1/bars/yahoo?ticker=7203.T&range=5d')).body);
    expect(b.ts).toEqual(['2024-01-04', '2024-01-05', '2024-01-09']);
    expect(b.close).toEqual([2738.5, 2765, 2781]);
    expect(b.timezone).toBe('Asia/Tokyo');
  });

  it('labels intraday bars with UTC instants and passes period1/period2', async () => {
    const r = await tp.get('/v1/bars/yahoo?ticker=AAPL&interval=1h&period1=1444600000&period2=1444700000');
    expect(r.status).toBe(200);
    const b = bars(r.body);
    expect(b.ts).toEqual(['2015-10-12T13:30:00Z', '2015-10-12T14:00:00Z', '2015-10-12T15:00:00Z', '2015-10-12T16:00:00Z', '2015-10-12T17:00:00Z']);
    expect(b.open[0]).toBe(28.18);
    expect(b.high[4]).toBeNull();
    expect(b.adj_close).toEqual([null, null, null, null, null]);
    // Intraday charts have no adjusted close by format: only the real gap is a warning.
    expect((r.body.meta as { warnings: string[] }).warnings).toEqual([
      'yahoo AAPL 1h: high has 1 null value from the upstream (first at 2015-10-12T17:00:00Z); left as null',
    ]);
    const u = new URL(fake.requests.filter((q) => q.url.startsWith('/v8/finance/chart/AAPL')).pop()?.url ?? '', fake.origin);
    expect(u.searchParams.get('period1')).toBe('1444600000');
    expect(u.searchParams.get('period2')).toBe('1444700000');
    expect(u.searchParams.has('range')).toBe(false);
  });

  it('maps chart.error "Not Found" to 404 and other chart errors to 502, with the description', async () => {
    const nf = await tp.get('/v1/bars/yahoo?ticker=NOPE');
    expect(nf.status).toBe(404);
    expect(errorOf(nf.body)).toMatchObject({ code: 'upstream_not_found', upstream: 'yahoo', status: 404 });
    expect(errorOf(nf.body).message).toContain('No data found, symbol may be delisted');
    const er = await tp.get('/v1/bars/yahoo?ticker=ERR&interval=1m&range=max');
    expect(er.status).toBe(502);
    expect(errorOf(er.body)).toMatchObject({ code: 'upstream_error', upstream: 'yahoo', status: 422 });
    expect(errorOf(er.body).message).toContain('Only 8 days worth of 1m granularity');
    proxyErrorBodySchema(er.body);
  });

  it('rejects a chart whose arrays disagree with the timestamps (bad shape, field named)', async () => {
    const r = await tp.get('/v1/bars/yahoo?ticker=SHAPE');
    expect(r.status).toBe(502);
    expect(errorOf(r.body).code).toBe('upstream_bad_shape');
    expect(errorOf(r.body).message).toContain('indicators.quote[0].open');
  });
});

describe('stooq bars', () => {
  it('normalises the daily CSV; empty cells become counted nulls; adj_close is absent', async () => {
    const r = await tp.get('/v1/bars/stooq?ticker=AAPL&start=2026-02-01&end=2026-02-28');
    expect(r.status).toBe(200);
    const b = bars(r.body);
    expect(b.source).toBe('stooq');
    expect(b.ts).toEqual(['2026-02-12', '2026-02-13', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']);
    expect(b.open[0]).toBe(275.59);
    expect(b.close[5]).toBe(264.58);
    expect(b.volume[3]).toBeNull();
    expect(b.volume[4]).toBe(14766272);
    expect(b.nullCounts).toEqual({ open: 0, high: 0, low: 0, close: 0, adj_close: 6, volume: 1 });
    const warnings = (r.body.meta as { warnings: string[] }).warnings;
    expect(warnings.some((w) => w.includes('adj_close is null in every row'))).toBe(true);
    expect(warnings.some((w) => w.includes('volume has 1 null value') && w.includes('2026-02-18'))).toBe(true);
    const u = new URL(fake.requests.filter((q) => q.url.startsWith('/q/d/l/')).pop()?.url ?? '', fake.origin);
    expect(Object.fromEntries(u.searchParams)).toEqual({ d1: '20260201', d2: '20260228', i: 'd', s: 'aapl.us' });
  });

  it('handles an index without a volume column', async () => {
    const b = bars((await tp.get('/v1/bars/stooq?ticker=%5ESPX')).body);
    expect(b.ts).toEqual(['2026-02-19', '2026-02-20']);
    expect(b.volume).toEqual([null, null]);
    expect(b.close).toEqual([6866.0, 6890.2]);
  });

  it('maps "No data", the daily hit limit and a malformed row', async () => {
    const nd = await tp.get('/v1/bars/stooq?ticker=NONE');
    expect(nd.status).toBe(404);
    expect(errorOf(nd.body)).toMatchObject({ code: 'upstream_not_found', upstream: 'stooq' });
    const lim = await tp.get('/v1/bars/stooq?ticker=LIM');
    expect(lim.status).toBe(429);
    expect(errorOf(lim.body).code).toBe('upstream_rate_limited');
    // T0 is 15:00 UTC: nine hours to the daily reset at midnight UTC.
    expect(errorOf(lim.body).retryAfter).toBe(9 * 3600);
    expect(lim.headers.get('retry-after')).toBe(String(9 * 3600));
    const bad = await tp.get('/v1/bars/stooq?ticker=BAD');
    expect(bad.status).toBe(502);
    expect(errorOf(bad.body).code).toBe('upstream_bad_csv');
    expect(errorOf(bad.body).message).toContain('line 3: low "abc" is not a number');
  });
});

describe('kalshi', () => {
  it('serves series with typed fields and the raw object', async () => {
    const r = await tp.get('/v1/kalshi/series?category=Economics');
    expect(r.status).toBe(200);
    const page = proxyOkSchema(kalshiPageSchema(kalshiSeriesSchema))(r.body).data;
    expect(page.items.map((s) => s.ticker)).toEqual(['KXCPIYOY', 'KXFED']);
    expect(page.items[0].tags).toEqual(['Inflation', 'CPI']);
    expect(page.items[1].tags).toEqual([]);
    expect(page.items[0].raw.settlement_sources).toEqual([{ name: 'Bureau of Labor Statistics', url: 'https://www.bls.gov/cpi/' }]);
    expect(page).toMatchObject({ cursor: null, pages: 1, truncated: false });
  });

  it('returns one markets page with its cursor, and the next page on request', async () => {
    const p1 = proxyOkSchema(kalshiPageSchema(kalshiMarketSchema))((await tp.get('/v1/kalshi/markets?event_ticker=KXCPIYOY-24NOV&limit=2')).body).data;
    expect(p1.items.map((m) => m.ticker)).toEqual(['KXCPIYOY-24NOV-B2.55', 'KXCPIYOY-24NOV-B2.65']);
    expect(p1.cursor).toBe(MARKETS_CURSOR_P2);
    expect(p1.items[1]).toMatchObject({ yes_bid: 31, yes_ask: 33, no_bid: 67, no_ask: 69, floor_strike: 2.6, cap_strike: 2.7, strike_type: 'between' });
    expect(p1.items[1].floor_strike).toBeCloseTo(2.6, 12);
    const p3 = proxyOkSchema(kalshiPageSchema(kalshiMarketSchema))((await tp.get(`/v1/kalshi/markets?cursor=${MARKETS_CURSOR_P3}`)).body).data;
    // The newer fixed-point dollar fields are converted to cents.
    expect(p3.items[0]).toMatchObject({ ticker: 'KXCPIYOY-24NOV-T2.95', yes_bid: 3, yes_ask: 5, no_bid: 95, no_ask: 97, last_price: 4, floor_strike: 2.95 });
    expect(p3.cursor).toBeNull();
    const sent = fake.requests.filter((q) => q.url.startsWith('/trade-api/v2/markets?'));
    expect(new URL(sent[0].url, fake.origin).searchParams.get('limit')).toBe('2');
    expect(new URL(sent[0].url, fake.origin).searchParams.get('event_ticker')).toBe('KXCPIYOY-24NOV');
  });

  it('follows cursors with all=1 and stops at the page bound with a warning', async () => {
    const ev = await tp.get('/v1/kalshi/events?series_ticker=KXCPIYOY&all=1');
    const evPage = proxyOkSchema(kalshiPageSchema(kalshiEventSchema))(ev.body).data;
    expect(evPage.items.map((e) => e.event_ticker)).toEqual(['KXCPIYOY-24NOV', 'KXCPIYOY-24OCT', 'KXCPIYOY-24SEP']);
    expect(evPage).toMatchObject({ pages: 2, cursor: null, truncated: false });
    expect(evPage.items[0]).toMatchObject({ series_ticker: 'KXCPIYOY', mutually_exclusive: true, strike_date: '2024-12-11T13:30:00Z' });

    const marketLists = () => fake.requests.filter((q) => new URL(q.url, fake.origin).pathname === '/trade-api/v2/markets').length;
    const before = marketLists();
    const mk = await tp.get('/v1/kalshi/markets?all=1');
    const mkPage = proxyOkSchema(kalshiPageSchema(kalshiMarketSchema))(mk.body).data;
    expect(marketLists() - before).toBe(2);
    expect(mkPage.items).toHaveLength(4);
    expect(mkPage).toMatchObject({ pages: 2, cursor: MARKETS_CURSOR_P3, truncated: true });
    expect((mk.body.meta as { warnings: string[] }).warnings[0]).toContain('stopped after 2 pages');
  });

  it('serves an orderbook (null side → empty) and maps an unknown market to 404', async () => {
    const r = await tp.get('/v1/kalshi/markets/KXCPIYOY-24NOV-B2.65/orderbook?depth=10');
    const ob = proxyOkSchema(kalshiOrderbookSchema)(r.body).data;
    expect(ob).toEqual({ ticker: 'KXCPIYOY-24NOV-B2.65', yes: [[29, 1200], [30, 800], [31, 150]], no: [] });
    const nf = await tp.get('/v1/kalshi/markets/KXNOPE-1/orderbook');
    expect(nf.status).toBe(404);
    expect(errorOf(nf.body)).toMatchObject({ code: 'upstream_not_found', upstream: 'kalshi', status: 404 });
    expect(errorOf(nf.body).message).toContain('market not found');
  });

  it('serves candlesticks with ISO period ends and nulls kept', async () => {
    const r = await tp.get('/v1/kalshi/series/KXCPIYOY/markets/KXCPIYOY-24NOV-B2.65/candlesticks?start_ts=1731762000&end_ts=1731769200&period_interval=60');
    const c = proxyOkSchema(kalshiCandlesSchema)(r.body).data;
    expect(c.candlesticks).toHaveLength(2);
    expect(c.candlesticks[0]).toMatchObject({ end_period: '2024-11-16T14:00:00Z', end_period_ts: 1731765600, volume: 220, open_interest: 5100 });
    expect(c.candlesticks[0].price).toEqual({ open: 29, high: 32, low: 28, close: 31, mean: 30, previous: 28 });
    expect(c.candlesticks[1].price).toEqual({ open: null, high: null, low: null, close: null, mean: null, previous: 31 });
    expect(c.candlesticks[0].yes_bid).toEqual({ open: 28, high: 31, low: 27, close: 30 });
  });
});

describe('disk cache', () => {
  it('misses, hits without calling the upstream, and expires after the daily TTL (6 h)', async () => {
    const path = '/v1/bars/yahoo?ticker=CACHEME&range=5y';
    const n0 = fake.count('/v8/finance/chart/CACHEME');
    const first = await tp.get(path);
    expect(first.headers.get('x-cache')).toBe('miss');
    tp.clock.t += 6 * HOUR - 1000;
    const second = await tp.get(path);
    expect(second.headers.get('x-cache')).toBe('hit');
    expect((second.body.meta as { cache: string; ageSeconds: number }).cache).toBe('hit');
    expect((second.body.meta as { ageSeconds: number }).ageSeconds).toBe(6 * 3600 - 1);
    expect(second.body.data).toEqual(first.body.data);
    expect(fake.count('/v8/finance/chart/CACHEME')).toBe(n0 + 1);
    tp.clock.t += 1000;
    const third = await tp.get(path);
    expect(third.headers.get('x-cache')).toBe('miss');
    expect(fake.count('/v8/finance/chart/CACHEME')).toBe(n0 + 2);
  });

  it('shares one upstream exchange among identical concurrent requests', async () => {
    const n0 = fake.count('/v8/finance/chart/CACHEME');
    const rs = await Promise.all([1, 2, 3].map(() => tp.get('/v1/bars/yahoo?ticker=CACHEME&range=10y')));
    expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(fake.count('/v8/finance/chart/CACHEME') - n0).toBe(1);
    expect(rs[1].body.data).toEqual(rs[0].body.data);
  });

  it('uses the short Kalshi markets TTL (30 s)', async () => {
    const path = '/v1/kalshi/markets?series_ticker=KXCPIYOY';
    expect((await tp.get(path)).headers.get('x-cache')).toBe('miss');
    tp.clock.t += 29_000;
    expect((await tp.get(path)).headers.get('x-cache')).toBe('hit');
    tp.clock.t += 1_000;
    expect((await tp.get(path)).headers.get('x-cache')).toBe('miss');
  });

  it('serves a stale copy labelled stale with the failure when the upstream fails', async () => {
    const path = '/v1/bars/yahoo?ticker=FLAKY';
    fake.modes.delete('/v8/finance/chart/FLAKY');
    const fresh = await tp.get(path);
    expect(fresh.headers.get('x-cache')).toBe('miss');
    tp.clock.t += 7 * HOUR;
    for (const [mode, code] of [
      ['500', 'upstream_status'],
      ['html', 'upstream_html'],
      ['badjson', 'upstream_bad_json'],
    ] as const) {
      fake.modes.set('/v8/finance/chart/FLAKY', mode);
      const r = await tp.get(path);
      expect(r.status).toBe(200);
      expect(r.headers.get('x-cache')).toBe('stale');
      const meta = r.body.meta as { cache: string; warnings: string[]; ageSeconds: number };
      expect(meta.cache).toBe('stale');
      expect(meta.ageSeconds).toBe(7 * 3600);
      expect(meta.warnings[meta.warnings.length - 1]).toContain(`because the upstream failed: ${code}`);
      expect(r.body.data).toEqual(fresh.body.data);
    }
    fake.modes.delete('/v8/finance/chart/FLAKY');
  });

  it('returns the error when there is no cached copy', async () => {
    fake.modes.set('/v8/finance/chart/FLAKY2', '500');
    const r = await tp.get('/v1/bars/yahoo?ticker=FLAKY2');
    expect(r.status).toBe(502);
    expect(r.headers.get('x-cache')).toBe('miss');
    expect(errorOf(r.body)).toMatchObject({ code: 'upstream_status', upstream: 'yahoo', status: 500 });
    expect(errorOf(r.body).message).toContain('backend down');
  });

  it('does not serve stale data for a definitive not-found', async () => {
    const r = await tp.get('/v1/bars/yahoo?ticker=NOPE');
    expect(r.status).toBe(404);
  });
});

describe('upstream failures', () => {
  it('maps an HTML interstitial (by content type and by sniffing) to 502 upstream_html', async () => {
    for (const t of ['HTML', 'HTMLSNIFF']) {
      const r = await tp.get(`/v1/bars/yahoo?ticker=${t}`);
      expect(r.status).toBe(502);
      expect(errorOf(r.body)).toMatchObject({ code: 'upstream_html', upstream: 'yahoo', status: 200 });
    }
  });

  it('maps malformed JSON to 502 upstream_bad_json', async () => {
    const r = await tp.get('/v1/bars/yahoo?ticker=BADJSON');
    expect(r.status).toBe(502);
    expect(errorOf(r.body).code).toBe('upstream_bad_json');
  });

  it('aborts bodies over the cap, streamed or declared', async () => {
    for (const t of ['BIG', 'BIGCL']) {
      const r = await tp.get(`/v1/bars/yahoo?ticker=${t}`);
      expect(r.status).toBe(502);
      expect(errorOf(r.body)).toMatchObject({ code: 'upstream_too_large', upstream: 'yahoo' });
      expect(errorOf(r.body).message).toContain(String(64 * 1024));
    }
  });

  it('refuses a redirect to another host and never contacts it', async () => {
    const r = await tp.get('/v1/bars/yahoo?ticker=REDIR');
    expect(r.status).toBe(502);
    expect(errorOf(r.body)).toMatchObject({ code: 'upstream_redirect_refused', upstream: 'yahoo', status: 302 });
    expect(other.requests).toHaveLength(0);
  });

  it('follows a same-host redirect, and bounds redirect loops', async () => {
    const ok = await tp.get('/v1/bars/yahoo?ticker=SAMEREDIR');
    expect(ok.status).toBe(200);
    expect(bars(ok.body).rows).toBe(8);
    const n0 = fake.count('/v8/finance/chart/LOOP');
    const loop = await tp.get('/v1/bars/yahoo?ticker=LOOP');
    expect(loop.status).toBe(502);
    expect(errorOf(loop.body).code).toBe('upstream_redirect_refused');
    expect(errorOf(loop.body).message).toContain('more than 3');
    expect(fake.count('/v8/finance/chart/LOOP') - n0).toBe(4);
  });
});

describe('refusals', () => {
  it('404s anything outside the route table', async () => {
    for (const p of ['/', '/v1', '/v1/bars', '/v1/bars/google?ticker=A', '/v1/kalshi/portfolio/balance', '/v8/finance/chart/SPY', '/http://example.com/', '/v1/bars/yahoo/../../etc/passwd']) {
      const r = await tp.get(p);
      expect(r.status, p).toBe(404);
      expect(errorOf(r.body).code).toBe('not_found');
    }
  });

  it('400s bad parameters and names the parameter', async () => {
    const cases: [string, string][] = [
      ['/v1/bars/yahoo', 'ticker'],
      ['/v1/bars/yahoo?ticker=AA%20PL', 'ticker'],
      ['/v1/bars/yahoo?ticker=A%0D%0AX-Evil:1', 'ticker'],
      ['/v1/bars/yahoo?ticker=ABCDEFGHIJKLMNOPQRSTU', 'ticker'],
      ['/v1/bars/yahoo?ticker=..%2F..%2Fx', 'ticker'],
      ['/v1/bars/yahoo?ticker=SPY&interval=7m', 'interval'],
      ['/v1/bars/yahoo?ticker=SPY&range=2w', 'range'],
      ['/v1/bars/yahoo?ticker=SPY&range=1y&period1=1&period2=2', 'range'],
      ['/v1/bars/yahoo?ticker=SPY&period1=10', 'period2'],
      ['/v1/bars/yahoo?ticker=SPY&period1=20&period2=10', 'period2'],
      ['/v1/bars/yahoo?ticker=SPY&period1=1e9&period2=2e9', 'period1'],
      ['/v1/bars/yahoo?ticker=SPY&url=http://evil', 'url'],
      ['/v1/bars/yahoo?ticker=SPY&ticker=AAPL', 'ticker'],
      ['/v1/bars/stooq?ticker=EURUSD=X', 'ticker'],
      ['/v1/bars/stooq?ticker=AAPL&start=2024-02-30', 'start'],
      ['/v1/bars/stooq?ticker=AAPL&start=2024-03-01&end=2024-02-01', 'end'],
      ['/v1/kalshi/markets?limit=0', 'limit'],
      ['/v1/kalshi/markets?limit=1001', 'limit'],
      ['/v1/kalshi/markets?status=active', 'status'],
      ['/v1/kalshi/markets?cursor=%3Cscript%3E', 'cursor'],
      ['/v1/kalshi/markets?all=yes', 'all'],
      ['/v1/kalshi/events?limit=201', 'limit'],
      ['/v1/kalshi/markets/..%2F..%2Fportfolio/orderbook', 'ticker'],
      ['/v1/kalshi/markets/X/orderbook?depth=101', 'depth'],
      ['/v1/kalshi/series/KX/markets/KX-1/candlesticks?end_ts=2&period_interval=60', 'start_ts'],
      ['/v1/kalshi/series/KX/markets/KX-1/candlesticks?start_ts=1&end_ts=2&period_interval=5', 'period_interval'],
      ['/v1/kalshi/series/KX/markets/KX-1/candlesticks?start_ts=0&end_ts=400000000&period_interval=1', 'end_ts'],
    ];
    for (const [p, param] of cases) {
      const r = await tp.get(p);
      expect(r.status, p).toBe(400);
      expect(errorOf(r.body), p).toMatchObject({ code: 'invalid_param', param, upstream: null });
    }
  });

  it('allows only GET and OPTIONS', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'HEAD']) {
      const r = await rawRequest(tp.proxy.port, { method, path: '/v1/bars/yahoo?ticker=SPY', headers: { host: '127.0.0.1' } });
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe('GET, OPTIONS');
    }
  });

  it('refuses a GET with a body and a non-loopback Host header', async () => {
    const body = await rawRequest(tp.proxy.port, { path: '/health', headers: { host: '127.0.0.1', 'content-length': '5' }, body: 'hello' });
    expect(body.status).toBe(413);
    const rebinding = await rawRequest(tp.proxy.port, { path: '/health', headers: { host: 'attacker.example:8787' } });
    expect(rebinding.status).toBe(403);
    expect(JSON.parse(rebinding.text).error.code).toBe('host_not_allowed');
  });

  it('sends CORS headers only to allowed origins and refuses the others', async () => {
    const ok = await tp.get('/health', { origin: 'http://localhost:5173' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(ok.headers.get('access-control-expose-headers')).toContain('x-cache');
    const evil = await tp.get('/v1/bars/yahoo?ticker=SPY', { origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    expect(errorOf(evil.body).code).toBe('origin_not_allowed');
    const pre = await rawRequest(tp.proxy.port, {
      method: 'OPTIONS',
      path: '/v1/bars/yahoo?ticker=SPY',
      headers: { host: '127.0.0.1', origin: 'http://127.0.0.1:4173', 'access-control-request-method': 'GET', 'access-control-request-private-network': 'true' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('http://127.0.0.1:4173');
    expect(pre.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
    expect(pre.headers['access-control-allow-private-network']).toBe('true');
    const badPre = await rawRequest(tp.proxy.port, { method: 'OPTIONS', path: '/health', headers: { host: '127.0.0.1', origin: 'http://localhost:9999' } });
    expect(badPre.status).toBe(403);
    expect(badPre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('passes no client header upstream', async () => {
    const marker = `marker-${Date.now()}`;
    const n0 = fake.requests.length;
    await tp.get('/v1/kalshi/series?category=Politics', {
      authorization: `Bearer ${marker}`,
      cookie: `session=${marker}`,
      'x-forwarded-for': '10.0.0.1',
      'x-forwarded-host': 'evil.example',
      'user-agent': marker,
    });
    const sent = fake.requests.slice(n0);
    expect(sent).toHaveLength(1);
    const h = sent[0].headers;
    expect(h.authorization).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(h['x-forwarded-for']).toBeUndefined();
    expect(h['x-forwarded-host']).toBeUndefined();
    expect(JSON.stringify(h)).not.toContain(marker);
    expect(h['user-agent']).toBe('quant-engine-proxy/0.1.0');
  });
});

describe('logs', () => {
  it('writes one JSON line per request with route, status, ms, cache and upstream status', async () => {
    const n0 = tp.logs.length;
    await tp.get('/v1/bars/yahoo?ticker=7203.T&range=1mo');
    const lines = tp.logs.slice(n0).map((l) => JSON.parse(l) as Record<string, unknown>);
    const req = lines.find((l) => l.msg === 'request');
    expect(req).toMatchObject({ level: 'info', method: 'GET', route: 'bars.yahoo', status: 200, cache: 'miss', upstream: 'yahoo', upstreamStatus: 200 });
    expect(typeof req?.ms).toBe('number');
    expect(req?.path).toBe('/v1/bars/yahoo?ticker=7203.T&range=1mo');
  });

  it('never writes secrets from the query into logs or responses', async () => {
    const secrets = ['SUPERSECRET-1', 'SUPERSECRET-2', 'SUPERSECRET-3', 'SUPERSECRET-4'];
    const n0 = tp.logs.length;
    const r = await tp.get(`/v1/bars/yahoo?ticker=SPY&token=${secrets[0]}&apikey=${secrets[1]}&signature=${secrets[2]}`, {
      authorization: `Bearer ${secrets[3]}`,
    });
    expect(r.status).toBe(400);
    const text = tp.logs.slice(n0).join('\n');
    expect(text).toContain('[redacted]');
    for (const s of secrets) {
      expect(text).not.toContain(s);
      expect(JSON.stringify(r.body)).not.toContain(s);
    }
  });

  it('logs failures with the error code at warn/error level', async () => {
    const n0 = tp.logs.length;
    await tp.get('/v1/bars/yahoo?ticker=BADJSON');
    const req = tp.logs
      .slice(n0)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === 'request');
    expect(req).toMatchObject({ level: 'error', status: 502, error: 'upstream_bad_json', upstream: 'yahoo', upstreamStatus: 200 });
  });
});
