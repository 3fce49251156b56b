import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_UPSTREAMS, defaultConfig, validateConfig, validateUpstreamBase } from '../../../src/proxy/config';
import { ProxyError } from '../../../src/proxy/errors';
import { planRequest } from '../../../src/proxy/routes';
import { upstreamUrl } from '../../../src/proxy/upstream';
import { errorOf, FakeUpstream, rawRequest, startTestProxy, type TestProxy } from './helpers';

/**
 * The proxy must never become an open relay: every target it fetches is derived from a fixed
 * route table and a validated upstream base. These tests attack that boundary from each side
 * (configuration, client parameters, upstream redirects, raw HTTP) and check the resource
 * bounds and log hygiene.
 */

let fake: FakeUpstream;
let other: FakeUpstream;
const proxies: TestProxy[] = [];

beforeAll(async () => {
  fake = await new FakeUpstream().start();
  other = await new FakeUpstream().start();
});

afterAll(async () => {
  for (const p of proxies) await p.close();
  await fake?.close();
  await other?.close();
});

async function proxy(over: Parameters<typeof startTestProxy>[1] = {}): Promise<TestProxy> {
  const p = await startTestProxy(fake, over);
  proxies.push(p);
  return p;
}

describe('upstream bases: only public https DNS names', () => {
  // Every way of writing an address that is not a public DNS name. WHATWG URL parsing turns
  // decimal, hex and octal IPv4 forms into dotted quads, which must then be refused as IPs.
  const refused = [
    'https://10.0.0.1',
    'https://172.16.5.4',
    'https://192.168.1.1',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1',
    'https://8.8.8.8',
    'https://2130706433',
    'https://0x7f000001',
    'https://0177.0.0.1',
    'https://017700000001',
    'https://127.1',
    'https://0',
    'https://[::1]',
    'https://[::ffff:127.0.0.1]',
    'https://[::ffff:a00:1]',
    'https://[fd00::1]',
    'https://[fe80::1]',
    'https://[2001:db8::1]',
    'https://localhost',
    'https://api.localhost',
    'https://intranet',
    'https://build.internal',
    'https://printer.local',
    'http://query1.finance.yahoo.com',
    'file:///etc/passwd',
    'ftp://stooq.com',
    'data:text/plain,hello',
    'javascript:alert(1)',
    'gopher://stooq.com:70/',
    'https://user:pw@stooq.com',
    'https://stooq.com?x=1',
    'https://stooq.com/#frag',
    'not a url',
  ];

  it.each(refused)('refuses %s', (raw) => {
    expect(() => validateUpstreamBase('yahoo', raw, false)).toThrow(/upstream yahoo/);
  });

  it('in test mode admits plain-http loopback only — never private ranges or other schemes', () => {
    expect(validateUpstreamBase('yahoo', 'http://127.0.0.1:9', true)).toBe('http://127.0.0.1:9');
    for (const raw of ['http://10.0.0.1', 'http://192.168.1.1:80', 'http://169.254.169.254', 'http://[fd00::1]', 'file:///etc/passwd', 'http://example.com']) {
      expect(() => validateUpstreamBase('yahoo', raw, true), raw).toThrow(/upstream yahoo/);
    }
    // Test mode is not reachable from the command line or environment.
    expect(defaultConfig().allowLoopbackUpstreams).toBe(false);
  });

  it('refuses a whole config with one unsafe upstream', () => {
    expect(() => validateConfig({ ...defaultConfig(), upstreams: { ...DEFAULT_UPSTREAMS, kalshi: 'https://0x0a000001/trade-api/v2' } })).toThrow(/IP-literal/);
  });
});

describe('client-controlled parts of the upstream URL', () => {
  const ctx = { base: (u: 'yahoo' | 'stooq' | 'kalshi') => DEFAULT_UPSTREAMS[u], kalshiMaxPages: 2, now: () => 0 };
  const plan = (path: string) => {
    const u = new URL(path, 'http://proxy.invalid');
    return planRequest(u.pathname, u.searchParams, ctx);
  };

  it('refuses dot-segment tickers that would move the request to another upstream path', () => {
    // Before the fix `ticker=..` became /v8/finance/chart/.. → /v8/finance/ on Yahoo.
    for (const p of [
      '/v1/bars/yahoo?ticker=..',
      '/v1/bars/yahoo?ticker=.',
      '/v1/bars/stooq?ticker=..',
      '/v1/kalshi/markets/../orderbook',
      '/v1/kalshi/markets/%2E%2E/orderbook',
      '/v1/kalshi/markets/%2e/orderbook',
      '/v1/kalshi/series/%2E%2E/markets/X/candlesticks?start_ts=1&end_ts=2&period_interval=60',
    ]) {
      expect(() => plan(p), p).toThrow(/ticker|no such route/);
    }
  });

  it('every plan that is accepted fetches under its configured base', () => {
    for (const p of [
      '/v1/bars/yahoo?ticker=^GSPC',
      '/v1/bars/yahoo?ticker=.A.',
      '/v1/bars/stooq?ticker=BRK-B',
      '/v1/kalshi/markets/KX-1.5/orderbook',
      '/v1/kalshi/series/KX/markets/KX-1/candlesticks?start_ts=1&end_ts=3600&period_interval=60',
    ]) {
      const pl = plan(p);
      const key = new URL(pl.cacheKey.split('#')[0]);
      const base = new URL(DEFAULT_UPSTREAMS[pl.upstream]);
      expect(key.origin, p).toBe(base.origin);
      expect(key.pathname.startsWith(base.pathname.replace(/\/$/, '')), p).toBe(true);
    }
  });

  it('property: any request path and query either is refused (ProxyError) or fetches under its base', () => {
    // Pieces an attacker would combine: separators, encodings of them, schemes, hosts, dot-segments.
    const piece = fc.constantFrom(
      'v1', 'bars', 'yahoo', 'stooq', 'kalshi', 'markets', 'series', 'events', 'orderbook', 'candlesticks', 'SPY', 'KX-1',
      '..', '.', '%2e%2e', '%2E', '%2f', '%5c', '\\', '@', 'evil.example', 'http:', 'file:', '127.0.0.1', '[::1]', '%40', '%0d%0a', '%00', '',
    );
    const param = fc.tuple(
      fc.constantFrom('ticker', 'interval', 'range', 'cursor', 'limit', 'url', 'host', 'start', 'end', 'series_ticker', 'all', 'depth'),
      fc.oneof(piece, fc.string({ maxLength: 30 })),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 7 }), fc.array(param, { maxLength: 4 }), (segs, params) => {
        const qs = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        let u: URL;
        try {
          u = new URL(`/${segs.join('/')}${qs ? `?${qs}` : ''}`, 'http://proxy.invalid');
        } catch {
          return; // the server answers not_found for an unparseable URL, before any routing
        }
        let pl: ReturnType<typeof plan>;
        try {
          pl = planRequest(u.pathname, u.searchParams, ctx);
        } catch (e) {
          if (e instanceof ProxyError) return;
          throw e;
        }
        const key = new URL(pl.cacheKey.split('#')[0]);
        const base = new URL(DEFAULT_UPSTREAMS[pl.upstream]);
        expect(key.origin).toBe(base.origin);
        expect(key.pathname.startsWith(`${base.pathname.replace(/\/$/, '')}/`)).toBe(true);
        expect(key.pathname).not.toMatch(/\/\.\.?(\/|$)|%2e%2e/i);
      }),
      { numRuns: 5_000, seed: 11 },
    );
  });

  it('upstreamUrl refuses a path that URL normalisation would rewrite', () => {
    expect(() => upstreamUrl('https://stooq.com', '/q/../admin')).toThrow(/normalisation/);
    expect(() => upstreamUrl('https://stooq.com', '/q/%2e%2e/admin')).toThrow(/normalisation/);
    expect(upstreamUrl('https://stooq.com', '/q/d/l/', { s: 'a b' }).toString()).toBe('https://stooq.com/q/d/l/?s=a+b');
  });
});

describe('redirects from the upstream', () => {
  // REDIR answers 302 → `${redirectTarget}/v8/finance/chart/SPY?interval=1d`.
  const targets = (): string[] => [
    other.origin,
    `http://localhost:${fake.port}`,
    `http://[::1]:${fake.port}`,
    `http://0x7f000002:${fake.port}`,
    'http://169.254.169.254',
    'http://10.0.0.1',
    'file://',
    'https://evil.example',
  ];

  it('refuses every redirect that leaves the upstream origin, and contacts nothing else', async () => {
    const tp = await proxy();
    for (const t of targets()) {
      fake.redirectTarget = t;
      const before = other.requests.length;
      const r = await tp.get('/v1/bars/yahoo?ticker=REDIR');
      expect(r.status, t).toBe(502);
      expect(errorOf(r.body).code, t).toBe('upstream_redirect_refused');
      expect(other.requests.length, t).toBe(before);
      tp.clock.t += 7 * 3_600_000; // past the TTL: each target is a fresh miss
    }
  });
});

describe('raw HTTP attacks', () => {
  /** Sends bytes on a fresh socket and returns what came back before close. */
  function rawSocket(port: number, payload: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => s.end(payload));
      const chunks: Buffer[] = [];
      s.on('data', (c: Buffer) => chunks.push(c));
      s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
      s.on('error', reject);
      s.setTimeout(5_000, () => s.destroy(new Error('raw socket timed out')));
    });
  }

  it('refuses CR/LF header injection in parameters and path segments without contacting the upstream', async () => {
    const tp = await proxy();
    const before = fake.requests.length;
    const paths = [
      '/v1/bars/yahoo?ticker=SPY%0D%0AX-Injected:%201',
      '/v1/bars/yahoo?ticker=SPY%0AHost:%20evil.example',
      '/v1/bars/stooq?ticker=AAPL%0D%0A%0D%0AGET%20/',
      '/v1/kalshi/markets?cursor=abc%0D%0AAuthorization:%20x',
      '/v1/kalshi/markets/KX%0D%0AX:1/orderbook',
      '/v1/bars/yahoo?ticker=SPY&interval=1d%0D%0AX:1',
    ];
    for (const p of paths) {
      const r = await tp.get(p);
      expect(r.status, p).toBe(400);
      expect(errorOf(r.body).code, p).toBe('invalid_param');
    }
    // Raw CR/LF (not percent-encoded) never reaches routing: the HTTP parser rejects it.
    const raw = await rawSocket(tp.proxy.port, 'GET /v1/bars/yahoo?ticker=SPY\rX-Evil: 1 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    const splitHeader = await rawSocket(tp.proxy.port, 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\rb\r\n\r\n');
    expect(splitHeader).toMatch(/^HTTP\/1\.1 400/);
    expect(fake.requests.length).toBe(before);
  });

  it('bounds request size: long URLs (414), huge headers (431) and bodies (413)', async () => {
    const tp = await proxy();
    const long = await tp.get(`/v1/bars/yahoo?ticker=SPY&range=${'1'.repeat(3000)}`);
    expect(long.status).toBe(414);
    expect(errorOf(long.body).code).toBe('uri_too_long');
    const headers = await rawRequest(tp.proxy.port, { path: '/health', headers: { host: '127.0.0.1', 'x-pad': 'a'.repeat(20_000) } });
    expect(headers.status).toBe(431);
    const chunked = await rawRequest(tp.proxy.port, { path: '/health', headers: { host: '127.0.0.1', 'transfer-encoding': 'chunked' }, body: 'abc' });
    expect(chunked.status).toBe(413);
  });

  it('bounds response size from the upstream (streamed and declared)', async () => {
    const tp = await proxy({ maxUpstreamBytes: 64 * 1024 });
    for (const t of ['BIG', 'BIGCL']) {
      const r = await tp.get(`/v1/bars/yahoo?ticker=${t}`);
      expect(r.status, t).toBe(502);
      expect(errorOf(r.body).code, t).toBe('upstream_too_large');
    }
  });
});

describe('per-client rate limit', () => {
  it('limits each client address separately (127.0.0.1 exhausted, 127.0.0.2 still served)', async () => {
    const tp = await proxy({ clientRate: { ratePerSec: 0.1, burst: 2 } });
    const from = (localAddress: string) =>
      new Promise<number>((resolve, reject) => {
        import('node:http')
          .then(({ request }) => {
            const req = request({ host: '127.0.0.1', port: tp.proxy.port, path: '/v1/kalshi/series', localAddress, headers: { host: '127.0.0.1' } }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            });
            req.on('error', reject);
            req.end();
          })
          .catch(reject);
      });
    expect([await from('127.0.0.1'), await from('127.0.0.1'), await from('127.0.0.1')]).toEqual([200, 200, 429]);
    expect([await from('127.0.0.2'), await from('127.0.0.2'), await from('127.0.0.2')]).toEqual([200, 200, 429]);
  });
});

describe('log hygiene', () => {
  it('never logs credentials from query parameters (also percent-encoded names) or auth headers, on any outcome', async () => {
    const tp = await proxy();
    const secret = (i: number) => `S3CR3T-${i}-${'x'.repeat(8)}`;
    const n0 = tp.logs.length;
    const bodies: string[] = [];
    const requests: [string, Record<string, string>][] = [
      [`/v1/bars/yahoo?ticker=SPY&api%5Fkey=${secret(1)}`, {}],
      [`/v1/bars/yahoo?ticker=SPY&access_token=${secret(2)}`, { authorization: `Basic ${secret(3)}` }],
      ['/v1/bars/yahoo?ticker=SPY', { authorization: `Bearer ${secret(4)}`, cookie: `session=${secret(5)}`, 'x-api-key': secret(6) }],
      [`/v1/bars/yahoo?ticker=BADJSON&password=${secret(7)}`, {}],
      ['/v1/bars/yahoo?ticker=NOPE', { 'proxy-authorization': `Basic ${secret(8)}` }],
      [`/v1/kalshi/markets?cursor=abc&KALSHI-ACCESS-KEY=${secret(9)}`, {}],
      [`/nowhere?sessionid=${secret(10)}`, {}],
      // Names that do not look like credentials but are not route parameters either.
      [`/v1/bars/yahoo?ticker=SPY&pass=${secret(11)}`, {}],
      [`/v1/bars/stooq?ticker=AAPL&pwd=${secret(12)}&sig=${secret(13)}`, {}],
      [`/v1/kalshi/series?x=${secret(14)}`, {}],
      [`/v1/kalshi/series?${secret(15)}`, {}],
    ];
    for (const [p, h] of requests) bodies.push(JSON.stringify((await tp.get(p, h)).body));
    const logText = tp.logs.slice(n0).join('\n');
    expect(tp.logs.length - n0).toBeGreaterThanOrEqual(requests.length);
    // Route parameters stay readable in the log (it remains useful).
    expect(logText).toContain('ticker=SPY');
    for (let i = 1; i <= 15; i++) {
      expect(logText, `secret ${i} in logs`).not.toContain(secret(i));
      // (A bare unknown name, #15, is echoed back to the client that sent it — "unknown
      // parameter X" — but never logged.)
      if (i < 15) for (const b of bodies) expect(b, `secret ${i} in a response`).not.toContain(secret(i));
    }
    // No client header is passed upstream either.
    for (const r of fake.requests) {
      expect(JSON.stringify(r.headers)).not.toMatch(/S3CR3T/);
    }
  });
});

describe('load on loopback', () => {
  it('holds 1,000 requests/min with production limits: no errors, one upstream fetch per key within its TTL', async () => {
    const d = defaultConfig();
    // Production client and upstream limits; a simulated clock advancing 60 ms per request
    // makes the rate exactly 1,000/min for the limiters while the test runs at full speed.
    const tp = await proxy({ clientRate: d.clientRate, upstreamRate: d.upstreamRate, upstreamMaxWaitMs: d.upstreamMaxWaitMs });
    const keys = [
      '/v1/bars/yahoo?ticker=SPY',
      '/v1/bars/yahoo?ticker=SPY&range=5y',
      '/v1/bars/yahoo?ticker=7203.T',
      '/v1/bars/yahoo?ticker=CACHEME',
      '/v1/bars/stooq?ticker=AAPL',
      '/v1/bars/stooq?ticker=^SPX',
      '/v1/kalshi/series',
      '/v1/kalshi/series?category=Economics',
      '/v1/kalshi/markets/KXCPIYOY-24NOV-B2.65/orderbook',
    ];
    const upstreamBefore = fake.requests.length;
    const N = 1_000;
    const CONCURRENCY = 8;
    const statuses = new Map<number, number>();
    const cacheStates = new Map<string, number>();
    const latencies = new Float64Array(N);
    let next = 0;
    const t0 = performance.now();
    const worker = async () => {
      for (;;) {
        const i = next++;
        if (i >= N) return;
        tp.clock.t += 60; // 1,000 per simulated minute
        const s = performance.now();
        const r = await fetch(tp.proxy.url + keys[i % keys.length]);
        await r.arrayBuffer();
        latencies[i] = performance.now() - s;
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        const c = r.headers.get('x-cache') ?? 'none';
        cacheStates.set(c, (cacheStates.get(c) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const wallMs = performance.now() - t0;
    const upstreamFetches = fake.requests.length - upstreamBefore;
    const sorted = Float64Array.from(latencies).sort();
    const figures = {
      requests: N,
      concurrency: CONCURRENCY,
      simulatedMinutes: (N * 60) / 60_000,
      wallMs: Math.round(wallMs),
      realRequestsPerSec: Math.round((N / wallMs) * 1000),
      p50Ms: Math.round(sorted[N >> 1] * 10) / 10,
      p95Ms: Math.round(sorted[Math.floor(N * 0.95)] * 10) / 10,
      p99Ms: Math.round(sorted[Math.floor(N * 0.99)] * 10) / 10,
      statuses: Object.fromEntries(statuses),
      cache: Object.fromEntries(cacheStates),
      upstreamFetches,
    };
    console.log(`[proxy load] ${JSON.stringify(figures)}`);
    expect(statuses.get(200)).toBe(N);
    // Daily bars (6 h TTL) and series (24 h) are fetched once each in the simulated minute;
    // The orderbook (5 s TTL) is asked for every 9 × 60 ms = 540 ms, so it is refetched every
    // ceil(5000 / 540) = 10 requests = 5.4 s: 60 / 5.4 ≈ 11 fetches. At most 12 (one per 5 s);
    // fewer when slow fetches finish (and are stamped) later on the simulated clock.
    const orderbookFetches = fake.requests.slice(upstreamBefore).filter((r) => r.url.includes('/orderbook')).length;
    expect(upstreamFetches - orderbookFetches).toBe(keys.length - 1);
    expect(orderbookFetches).toBeGreaterThanOrEqual(8);
    expect(orderbookFetches).toBeLessThanOrEqual(12);
    expect((cacheStates.get('hit') ?? 0) + (cacheStates.get('miss') ?? 0)).toBe(N);
    // Requests that joined an in-flight exchange are misses too, but share its one fetch.
    expect(cacheStates.get('miss')).toBeGreaterThanOrEqual(upstreamFetches);
    expect(cacheStates.get('miss')).toBeLessThanOrEqual(upstreamFetches * CONCURRENCY);
    expect(wallMs).toBeLessThan(30_000);
  }, 40_000);
});
