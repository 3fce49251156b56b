import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, request as httpRequest, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProxyConfig } from '../../../src/proxy/config';
import { type RunningProxy, startProxy } from '../../../src/proxy/server';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/proxy', import.meta.url));
/** Cursors the recorded markets pages hand out (page 1 → page 2 → page 3). */
export const MARKETS_CURSOR_P2 = 'CgwI2Y_ruQYQ0MmVbhIRS1hDUElZT1ktMjROT1YtQjIuNjU';
export const MARKETS_CURSOR_P3 = 'CgwI2Y_ruQYQ0MmVbhIRS1hDUElZT1ktMjROT1YtQjIuODU';
export const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/** Behaviour switch per path key (tests flip these to make an endpoint fail). */
export type Mode = 'ok' | '500' | 'html' | 'badjson' | 'slow' | '429';

/**
 * A fake upstream on 127.0.0.1 that answers like Yahoo, Stooq and Kalshi from the recorded-
 * format fixtures, plus misbehaving endpoints. Every request is recorded.
 */
export class FakeUpstream {
  readonly requests: Recorded[] = [];
  readonly modes = new Map<string, Mode>();
  /** Where REDIR sends the proxy (another host:port). */
  redirectTarget = '';
  private server: Server | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      this.route(req.url ?? '/', res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    const s = this.server;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  /** Requests whose path starts with `prefix`. */
  count(prefix: string): number {
    return this.requests.filter((r) => r.url.startsWith(prefix)).length;
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  /** Answers one request; returns whatever the reply helper returned (unused). */
  private route(rawUrl: string, res: ServerResponse): unknown {
    const url = new URL(rawUrl, this.origin);
    const p = url.pathname;
    const json = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
      res.end(body);
    };
    const mode = this.modes.get(p) ?? 'ok';
    if (mode === '500') return json(500, '{"finance":{"result":null,"error":{"code":"Internal","description":"backend down"}}}');
    if (mode === 'html') return void res.writeHead(503, { 'content-type': 'text/html' }).end(fixture('interstitial.html'));
    if (mode === 'badjson') return json(200, '{"chart":{"result":[{"meta":');
    if (mode === '429') return json(429, '{"error":"too many"}', { 'retry-after': '7' });
    if (mode === 'slow') return this.later(1500, () => json(200, fixture('yahoo-spy-1d.json')));

    const chart = /^\/v8\/finance\/chart\/([^/]+)$/.exec(p);
    if (chart) {
      const t = decodeURIComponent(chart[1]);
      switch (t) {
        case 'SPY':
        case 'FLAKY':
        case 'FLAKY2':
        case 'CACHEME':
          return json(200, fixture('yahoo-spy-1d.json'));
        case '7203.T':
          return json(200, fixture('yahoo-7203T-1d.json'));
        case 'AAPL':
          return json(200, fixture('yahoo-aapl-1h.json'));
        case 'NOPE':
          return json(404, fixture('yahoo-notfound.json'));
        case 'ERR':
          return json(422, fixture('yahoo-error.json'));
        case 'HTML':
          return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(fixture('interstitial.html'));
        case 'HTMLSNIFF':
          return json(200, fixture('interstitial.html'));
        case 'BADJSON':
          return json(200, '{"chart":{"result":[{"meta":{"currency":"USD"},"timestamp":[1,2,');
        case 'SLOW':
          return this.later(1500, () => json(200, fixture('yahoo-spy-1d.json')));
        case 'LIMIT':
          return json(429, '{"finance":{"error":{"code":"Too Many Requests"}}}', { 'retry-after': '7' });
        case 'REDIR':
          res.writeHead(302, { location: `${this.redirectTarget}/v8/finance/chart/SPY?interval=1d` });
          return void res.end();
        case 'SAMEREDIR':
          res.writeHead(301, { location: '/v8/finance/chart/SPY?interval=1d&range=1y' });
          return void res.end();
        case 'LOOP':
          res.writeHead(302, { location: p });
          return void res.end();
        case 'BIG': {
          // 1 MB in 64 KB chunks without a content-length: the cap must trip while streaming.
          res.writeHead(200, { 'content-type': 'application/json' });
          const chunk = `[${'1,'.repeat(32 * 1024 - 2)}1]`;
          let sent = 0;
          const pump = (): void => {
            while (sent < 16) {
              sent++;
              if (!res.write(chunk)) {
                res.once('drain', pump);
                return;
              }
            }
            res.end();
          };
          res.on('error', () => undefined);
          return pump();
        }
        case 'BIGCL':
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(1024 * 1024) });
          return void res.end('{}');
        case 'SHAPE':
          return json(200, '{"chart":{"result":[{"meta":{},"timestamp":[1298471400,1298557800],"indicators":{"quote":[{"open":[1],"high":[1,2],"low":[1,2],"close":[1,2],"volume":[1,2]}]}}],"error":null}}');
        default:
          return json(404, fixture('yahoo-notfound.json'));
      }
    }

    if (p === '/q/d/l/') {
      const s = url.searchParams.get('s');
      if (s === 'aapl.us') return void res.writeHead(200, { 'content-type': 'text/csv' }).end(fixture('stooq-aapl.csv'));
      if (s === '^spx') return void res.writeHead(200, { 'content-type': 'text/csv' }).end(fixture('stooq-spx.csv'));
      if (s === 'lim.us') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('Exceeded the daily hits limit');
      if (s === 'bad.us') return void res.writeHead(200, { 'content-type': 'text/csv' }).end('Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,100\n2024-01-03,1,2,abc,1.5,100\n');
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('No data');
    }

    if (p === '/trade-api/v2/series') return json(200, fixture('kalshi-series.json'));
    if (p === '/trade-api/v2/events') {
      const c = url.searchParams.get('cursor');
      return json(200, fixture(c ? 'kalshi-events-p2.json' : 'kalshi-events-p1.json'));
    }
    if (p === '/trade-api/v2/markets') {
      const c = url.searchParams.get('cursor');
      const page = c === null ? 1 : c === MARKETS_CURSOR_P2 ? 2 : c === MARKETS_CURSOR_P3 ? 3 : 0;
      if (page === 0) return json(400, '{"error":{"code":"bad_request","message":"invalid cursor"}}');
      return json(200, fixture(`kalshi-markets-p${page}.json`));
    }
    const ob = /^\/trade-api\/v2\/markets\/([^/]+)\/orderbook$/.exec(p);
    if (ob) {
      if (ob[1] === 'KXCPIYOY-24NOV-B2.65') return json(200, fixture('kalshi-orderbook.json'));
      return json(404, '{"error":{"code":"not_found","message":"market not found","service":"exchange"}}');
    }
    if (/^\/trade-api\/v2\/series\/[^/]+\/markets\/[^/]+\/candlesticks$/.test(p)) return json(200, fixture('kalshi-candlesticks.json'));
    return json(404, '{"error":{"code":"not_found","message":"no route"}}');
  }
}

export interface TestProxy {
  proxy: RunningProxy;
  logs: string[];
  clock: { t: number };
  cacheDir: string;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

export const T0 = Date.UTC(2026, 0, 5, 15, 0, 0);

/** Starts a proxy on 127.0.0.1:0 pointed at `fake`, with a frozen injectable clock and captured logs. */
export async function startTestProxy(fake: FakeUpstream, over: Partial<ProxyConfig> = {}): Promise<TestProxy> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'qe-proxy-test-'));
  const logs: string[] = [];
  const clock = { t: T0 };
  const proxy = await startProxy(
    {
      port: 0,
      cacheDir,
      allowLoopbackUpstreams: true,
      upstreams: { yahoo: fake.origin, stooq: fake.origin, kalshi: `${fake.origin}/trade-api/v2` },
      upstreamTimeoutMs: 5_000,
      maxUpstreamBytes: 64 * 1024,
      clientRate: { ratePerSec: 1, burst: 10_000 },
      upstreamRate: { yahoo: { ratePerSec: 1, burst: 10_000 }, stooq: { ratePerSec: 1, burst: 10_000 }, kalshi: { ratePerSec: 1, burst: 10_000 } },
      upstreamMaxWaitMs: 0,
      ...over,
    },
    { now: () => clock.t, log: (l) => logs.push(l) },
  );
  return {
    proxy,
    logs,
    clock,
    cacheDir,
    async get(path, headers = {}) {
      const r = await fetch(proxy.url + path, { headers });
      return { status: r.status, headers: r.headers, body: (await r.json()) as Record<string, unknown> };
    },
    async close() {
      await proxy.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

/** Raw HTTP request (lets tests set Host, send bodies and use any method). */
export function rawRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A port with nothing listening (bound then released). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

export function errorOf(body: Record<string, unknown>): { code: string; message: string; upstream: string | null; status?: number; retryAfter?: number; param?: string } {
  expectOkFalse(body);
  return body.error as { code: string; message: string; upstream: string | null; status?: number; retryAfter?: number; param?: string };
}

function expectOkFalse(body: Record<string, unknown>): void {
  if (body.ok !== false) throw new Error(`expected an error body, got ${JSON.stringify(body).slice(0, 300)}`);
}
