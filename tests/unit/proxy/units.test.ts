import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ProxyBars, proxyBarsSchema, proxyBarsToBars, SchemaError } from '../../../src/engine/contracts';
import { ProxyError } from '../../../src/proxy/errors';
import { toMarket } from '../../../src/proxy/kalshi';
import { createLogger, isSecretName, redactUrl } from '../../../src/proxy/log';
import { Query } from '../../../src/proxy/params';
import { TokenBucket } from '../../../src/proxy/rate-limit';
import { stooqSymbol } from '../../../src/proxy/stooq';
import { looksLikeHtml, parseRetryAfter, UpstreamClient, upstreamUrl } from '../../../src/proxy/upstream';
import { normaliseYahooChart } from '../../../src/proxy/yahoo';

const caught = (f: () => unknown): ProxyError => {
  try {
    f();
  } catch (e) {
    if (e instanceof ProxyError) return e;
    throw e;
  }
  throw new Error('expected a ProxyError');
};

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it('reads delta-seconds and HTTP dates, clamped to 1..3600', () => {
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter(' 0 ', now)).toBe(1);
    expect(parseRetryAfter('999999', now)).toBe(3600);
    expect(parseRetryAfter('Thu, 01 Jan 2026 12:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Thu, 01 Jan 2026 11:00:00 GMT', now)).toBe(1);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});

describe('looksLikeHtml', () => {
  it('detects HTML by content type or by its first bytes', () => {
    expect(looksLikeHtml('text/html; charset=utf-8', '')).toBe(true);
    expect(looksLikeHtml('application/json', '\n  <!DOCTYPE html><html>')).toBe(true);
    expect(looksLikeHtml('text/plain', '<HTML><body>captcha')).toBe(true);
    expect(looksLikeHtml('application/json', '{"a":"<html>"}')).toBe(false);
    expect(looksLikeHtml('text/csv', 'Date,Open\n')).toBe(false);
  });
});

describe('redaction', () => {
  it('classifies credential-like parameter names', () => {
    for (const n of ['token', 'access_token', 'apikey', 'api_key', 'API-KEY', 'key', 'signature', 'Authorization', 'cookie', 'secret', 'password', 'session'])
      expect(isSecretName(n), n).toBe(true);
    for (const n of ['ticker', 'interval', 'range', 'period1', 'cursor', 'limit', 'series_ticker', 'event_ticker', 'status', 'depth'])
      expect(isSecretName(n), n).toBe(false);
  });

  it('redacts only secret-named values and keeps the rest verbatim', () => {
    expect(redactUrl('/v1/bars/yahoo?ticker=SPY&token=abc&api%5Fkey=def&range=1y')).toBe('/v1/bars/yahoo?ticker=SPY&token=[redacted]&api%5Fkey=[redacted]&range=1y');
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/x?%E0%A4%A=1')).toBe('/x?%E0%A4%A=[redacted]');
  });

  it('property: a secret value never survives redaction', () => {
    fc.assert(
      fc.property(fc.constantFrom('token', 'apikey', 'key', 'signature', 'auth'), fc.stringMatching(/^[A-Za-z0-9]{6,30}$/), (name, value) => {
        return redactUrl(`/v1/bars/yahoo?ticker=ZZ&${name}=${value}`) === `/v1/bars/yahoo?ticker=ZZ&${name}=[redacted]`;
      }),
    );
  });

  it('logger drops secret-named fields and scrubs configured secret values', () => {
    const lines: string[] = [];
    const log = createLogger((l) => lines.push(l), () => 0, () => ['KEYID-123456']);
    log.info('x', { authorization: 'Bearer abc', note: 'uses KEYID-123456', route: 'r' });
    const o = JSON.parse(lines[0]);
    expect(o).toMatchObject({ ts: '1970-01-01T00:00:00.000Z', level: 'info', msg: 'x', authorization: '[redacted]', note: 'uses [redacted]', route: 'r' });
  });
});

describe('TokenBucket', () => {
  it('starts full, refills at the rate, caps at the burst and bounds waits', () => {
    const clock = { t: 0 };
    const b = new TokenBucket({ ratePerSec: 2, burst: 3 }, () => clock.t);
    expect([b.reserve(), b.reserve(), b.reserve()].every((r) => r.ok && r.waitMs === 0)).toBe(true);
    expect(b.reserve()).toEqual({ ok: false, retryAfterMs: 500 });
    expect(b.reserve(500)).toEqual({ ok: true, waitMs: 500 });
    // That reservation borrowed the next token: the following one waits a full period more.
    expect(b.reserve(0)).toEqual({ ok: false, retryAfterMs: 1000 });
    clock.t += 10_000;
    expect(b.available()).toBe(3);
    expect(() => new TokenBucket({ ratePerSec: 0, burst: 1 }, () => 0)).toThrow(/ratePerSec/);
  });

  it('property: over any schedule, granted tokens never exceed burst + rate × elapsed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 60 }), (gaps) => {
        const clock = { t: 0 };
        const b = new TokenBucket({ ratePerSec: 5, burst: 4 }, () => clock.t);
        let granted = 0;
        for (const g of gaps) {
          clock.t += g;
          if (b.reserve(0).ok) granted++;
        }
        return granted <= 4 + (5 * clock.t) / 1000 + 1e-9;
      }),
    );
  });
});

describe('stooqSymbol', () => {
  it('maps tickers to Stooq symbols', () => {
    expect(stooqSymbol('AAPL')).toBe('aapl.us');
    expect(stooqSymbol('BRK-B')).toBe('brk-b.us');
    expect(stooqSymbol('BRK.B')).toBe('brk-b.us');
    expect(stooqSymbol('VOD.UK')).toBe('vod.uk');
    expect(stooqSymbol('^SPX')).toBe('^spx');
    expect(caught(() => stooqSymbol('EURUSD=X')).param).toBe('ticker');
  });
});

describe('Query', () => {
  it('accepts only listed names once, validates, and never echoes values', () => {
    const q = new Query(new URLSearchParams('a=1&b=x&f=true'), ['a', 'b', 'f', 'c']);
    expect(q.int('a', 0, 5)).toBe(1);
    expect(q.match('b', /^x$/, 'x')).toBe('x');
    expect(q.flag('f')).toBe(true);
    expect(q.int('c', 0, 5)).toBeUndefined();
    const unknown = caught(() => new Query(new URLSearchParams('zz=topsecretvalue'), ['a']));
    expect(unknown).toMatchObject({ code: 'invalid_param', param: 'zz', httpStatus: 400 });
    expect(unknown.message).not.toContain('topsecretvalue');
    expect(caught(() => new Query(new URLSearchParams('a=1&a=2'), ['a'])).message).toContain('more than once');
    expect(caught(() => new Query(new URLSearchParams(`a=${'9'.repeat(600)}`), ['a'])).message).toContain('512');
    expect(caught(() => new Query(new URLSearchParams('a=2.5'), ['a']).int('a', 0, 5)).message).toContain('integer');
    expect(caught(() => new Query(new URLSearchParams('a=6'), ['a']).int('a', 0, 5)).message).toContain('between 0 and 5');
    expect(caught(() => new Query(new URLSearchParams('d=2023-02-29'), ['d']).date('d')).message).toContain('calendar date');
    expect(new Query(new URLSearchParams('d=2024-02-29'), ['d']).date('d')).toBe('2024-02-29');
  });
});

describe('upstreamUrl and the base guard', () => {
  it('sorts the query (stable cache keys) and drops undefined values', () => {
    expect(upstreamUrl('https://h.test/p', '/x', { b: '2', a: '1', c: undefined }).toString()).toBe('https://h.test/p/x?a=1&b=2');
    expect(() => upstreamUrl('https://h.test', 'x')).toThrow(/start with/);
  });

  it('refuses to fetch anything outside the configured base (defence in depth)', async () => {
    let calls = 0;
    const buckets = { yahoo: new TokenBucket({ ratePerSec: 1, burst: 9 }, () => 0), stooq: new TokenBucket({ ratePerSec: 1, burst: 9 }, () => 0), kalshi: new TokenBucket({ ratePerSec: 1, burst: 9 }, () => 0) };
    const client = new UpstreamClient({
      bases: { yahoo: 'https://y.test', stooq: 'https://s.test', kalshi: 'https://k.test/trade-api/v2' },
      timeoutMs: 1000,
      maxBytes: 1000,
      maxRedirects: 3,
      buckets,
      maxWaitMs: 0,
      cooldownSec: 30,
      now: () => 0,
      fetchImpl: (async () => {
        calls++;
        return new Response('{}');
      }) as typeof fetch,
    });
    for (const [u, url] of [
      ['yahoo', 'https://evil.test/v8/finance/chart/A'],
      ['kalshi', 'https://k.test/other/markets'],
      ['kalshi', 'https://k.test/trade-api/v2x/markets'],
      ['stooq', 'http://s.test/q/d/l/'],
    ] as const) {
      await expect(client.get(u, new URL(url), 'application/json')).rejects.toMatchObject({ code: 'internal' });
    }
    expect(calls).toBe(0);
    await expect(client.get('kalshi', new URL('https://k.test/trade-api/v2/markets'), 'application/json')).resolves.toMatchObject({ status: 200 });
    expect(calls).toBe(1);
  });
});

describe('normalisers', () => {
  const res = (text: string, status = 200) => ({ status, contentType: 'application/json', text, url: 'https://y.test' });

  it('yahoo: a chart without timestamps is an empty series with a warning', () => {
    const out = normaliseYahooChart(res('{"chart":{"result":[{"meta":{"gmtoffset":0},"indicators":{"quote":[{}]}}],"error":null}}'), 'X', '1d');
    expect((out.data as ProxyBars).rows).toBe(0);
    expect(out.warnings).toEqual(['yahoo X 1d: no bars in the requested range']);
  });

  it('yahoo: non-numeric prices are a bad shape naming the cell', () => {
    const e = caught(() =>
      normaliseYahooChart(res('{"chart":{"result":[{"meta":{"gmtoffset":0},"timestamp":[0],"indicators":{"quote":[{"open":["1"],"high":[1],"low":[1],"close":[1],"volume":[1]}]}}]}}'), 'X', '1d'),
    );
    expect(e.code).toBe('upstream_bad_shape');
    expect(e.message).toContain('quote[0].open[0]');
  });

  it('yahoo: a missing adjclose series on daily bars is named in a warning', () => {
    const out = normaliseYahooChart(
      res('{"chart":{"result":[{"meta":{},"timestamp":[86400],"indicators":{"quote":[{"open":[1],"high":[2],"low":[0.5],"close":[1.5],"volume":[10]}]}}]}}'),
      'X',
      '1d',
    );
    const b = out.data as ProxyBars;
    expect(b.ts).toEqual(['1970-01-02']);
    expect(b.adj_close).toEqual([null]);
    expect(out.warnings).toEqual(['yahoo X 1d: adj_close is null in every row (yahoo sent no adjclose series)', 'yahoo X 1d: no gmtoffset in meta; bar dates taken in UTC']);
  });

  it('kalshi: a market without a ticker or with a mistyped price is a bad shape naming the field', () => {
    expect(caught(() => toMarket({ event_ticker: 'E' }, 'markets[0]')).message).toContain('markets[0].ticker');
    expect(caught(() => toMarket({ ticker: 'T', event_ticker: 'E', yes_bid: '12' }, 'markets[3]')).message).toContain('markets[3].yes_bid');
    expect(toMarket({ ticker: 'T', event_ticker: 'E', yes_bid_dollars: '0.1234' }, 'm').yes_bid).toBe(12.34);
  });
});

describe('ProxyBars contract', () => {
  const sample: ProxyBars = {
    ticker: 'X',
    source: 'yahoo',
    interval: '1d',
    timezone: null,
    currency: null,
    rows: 2,
    ts: ['2024-01-02', '2024-01-03'],
    open: [1, null],
    high: [2, 3],
    low: [0.5, 1],
    close: [1.5, 2],
    adj_close: [null, null],
    volume: [10, 20],
    nullCounts: { open: 1, high: 0, low: 0, close: 0, adj_close: 2, volume: 0 },
  };

  it('validates column lengths against rows', () => {
    expect(proxyBarsSchema(sample)).toEqual(sample);
    expect(() => proxyBarsSchema({ ...sample, close: [1] })).toThrow(SchemaError);
    expect(() => proxyBarsSchema({ ...sample, close: [1] })).toThrow(/close/);
  });

  it('converts to engine Bars: epoch ms at 00:00 UTC for dates, null → NaN', () => {
    const b = proxyBarsToBars(sample);
    expect(Array.from(b.ts)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(Number.isNaN(b.open[1])).toBe(true);
    expect(b.close[1]).toBe(2);
    expect(proxyBarsToBars({ ...sample, ts: ['2024-01-02T14:30:00Z', '2024-01-02T15:30:00Z'] }).ts[1]).toBe(Date.UTC(2024, 0, 2, 15, 30));
  });
});
