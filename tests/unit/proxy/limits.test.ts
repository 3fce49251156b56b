import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadPort, errorOf, FakeUpstream, startTestProxy, type TestProxy } from './helpers';

let fake: FakeUpstream;
const proxies: TestProxy[] = [];

beforeAll(async () => {
  fake = await new FakeUpstream().start();
});

afterAll(async () => {
  for (const p of proxies) await p.close();
  await fake?.close();
});

async function proxy(over: Parameters<typeof startTestProxy>[1]): Promise<TestProxy> {
  const p = await startTestProxy(fake, over);
  proxies.push(p);
  return p;
}

describe('client rate limit', () => {
  it('answers 429 with retry-after once the client bucket is empty, and recovers as it refills', async () => {
    const tp = await proxy({ clientRate: { ratePerSec: 0.5, burst: 3 } });
    for (let i = 0; i < 3; i++) expect((await tp.get('/v1/kalshi/series')).status).toBe(200);
    const limited = await tp.get('/v1/kalshi/series');
    expect(limited.status).toBe(429);
    expect(errorOf(limited.body)).toMatchObject({ code: 'rate_limited', upstream: null, retryAfter: 2 });
    expect(limited.headers.get('retry-after')).toBe('2');
    // Health stays reachable so the app can tell "busy" from "down".
    expect((await tp.get('/health')).status).toBe(200);
    tp.clock.t += 2_000;
    expect((await tp.get('/v1/kalshi/series')).status).toBe(200);
    expect((await tp.get('/v1/kalshi/series')).status).toBe(429);
  });
});

describe('upstream rate limit', () => {
  it('spends upstream tokens only on misses and 429s when the upstream bucket is empty', async () => {
    const tp = await proxy({
      upstreamRate: { yahoo: { ratePerSec: 1, burst: 10 }, stooq: { ratePerSec: 1, burst: 10 }, kalshi: { ratePerSec: 1, burst: 2 } },
      upstreamMaxWaitMs: 0,
    });
    const n0 = fake.count('/trade-api/v2/');
    expect((await tp.get('/v1/kalshi/series?category=A')).status).toBe(200);
    expect((await tp.get('/v1/kalshi/series?category=A')).headers.get('x-cache')).toBe('hit');
    expect((await tp.get('/v1/kalshi/series?category=B')).status).toBe(200);
    const r = await tp.get('/v1/kalshi/series?category=C');
    expect(r.status).toBe(429);
    expect(errorOf(r.body)).toMatchObject({ code: 'rate_limited', upstream: 'kalshi', retryAfter: 1 });
    expect(fake.count('/trade-api/v2/') - n0).toBe(2);
    // Other upstreams have their own buckets.
    expect((await tp.get('/v1/bars/stooq?ticker=AAPL')).status).toBe(200);
  });

  it('waits briefly for an upstream token instead of failing when the wait is within bounds', async () => {
    // Real clock here: the proxy sleeps for the token.
    const tp = await proxy({
      upstreamRate: { yahoo: { ratePerSec: 1, burst: 10 }, stooq: { ratePerSec: 1, burst: 10 }, kalshi: { ratePerSec: 20, burst: 1 } },
      upstreamMaxWaitMs: 500,
    });
    tp.clock.t = Date.now();
    const realClock = setInterval(() => {
      tp.clock.t = Date.now();
    }, 5);
    try {
      const t0 = Date.now();
      const [a, b] = await Promise.all([tp.get('/v1/kalshi/series?category=W1'), tp.get('/v1/kalshi/series?category=W2')]);
      expect(a.status).toBe(200);
      expect(b.status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(40);
    } finally {
      clearInterval(realClock);
    }
  });

  it('maps an upstream 429 to upstream_rate_limited and backs off for its retry-after', async () => {
    const tp = await proxy({});
    const r = await tp.get('/v1/bars/yahoo?ticker=LIMIT');
    expect(r.status).toBe(429);
    expect(errorOf(r.body)).toMatchObject({ code: 'upstream_rate_limited', upstream: 'yahoo', status: 429, retryAfter: 7 });
    expect(r.headers.get('retry-after')).toBe('7');
    // During the cool-down nothing is sent to that upstream.
    const n0 = fake.count('/v8/finance/chart/');
    tp.clock.t += 3_000;
    const during = await tp.get('/v1/bars/yahoo?ticker=SPY');
    expect(during.status).toBe(429);
    expect(errorOf(during.body)).toMatchObject({ code: 'upstream_rate_limited', retryAfter: 4 });
    expect(fake.count('/v8/finance/chart/')).toBe(n0);
    tp.clock.t += 4_000;
    expect((await tp.get('/v1/bars/yahoo?ticker=SPY')).status).toBe(200);
    expect(fake.count('/v8/finance/chart/')).toBe(n0 + 1);
  });
});

describe('timeouts and unreachable upstreams', () => {
  it('answers 504 upstream_timeout when the upstream is slower than the timeout', async () => {
    const tp = await proxy({ upstreamTimeoutMs: 250 });
    const t0 = Date.now();
    const r = await tp.get('/v1/bars/yahoo?ticker=SLOW');
    expect(r.status).toBe(504);
    expect(errorOf(r.body)).toMatchObject({ code: 'upstream_timeout', upstream: 'yahoo' });
    expect(errorOf(r.body).message).toContain('250 ms');
    expect(Date.now() - t0).toBeLessThan(1400);
  });

  it('serves the stale copy when a cached request later times out', async () => {
    const tp = await proxy({ upstreamTimeoutMs: 250 });
    fake.modes.delete('/v8/finance/chart/FLAKY');
    expect((await tp.get('/v1/bars/yahoo?ticker=FLAKY&range=2y')).headers.get('x-cache')).toBe('miss');
    tp.clock.t += 7 * 3_600_000;
    fake.modes.set('/v8/finance/chart/FLAKY', 'slow');
    try {
      const r = await tp.get('/v1/bars/yahoo?ticker=FLAKY&range=2y');
      expect(r.status).toBe(200);
      expect(r.headers.get('x-cache')).toBe('stale');
      expect((r.body.meta as { warnings: string[] }).warnings.pop()).toContain('upstream_timeout');
    } finally {
      fake.modes.delete('/v8/finance/chart/FLAKY');
    }
  });

  it('answers 502 upstream_unreachable when the connection is refused', async () => {
    const port = await deadPort();
    const tp = await proxy({ upstreams: { yahoo: `http://127.0.0.1:${port}`, stooq: `http://127.0.0.1:${port}`, kalshi: `http://127.0.0.1:${port}/trade-api/v2` } });
    const r = await tp.get('/v1/kalshi/markets');
    expect(r.status).toBe(502);
    expect(errorOf(r.body)).toMatchObject({ code: 'upstream_unreachable', upstream: 'kalshi' });
    expect(errorOf(r.body).message).toContain('ECONNREFUSED');
  });
});
