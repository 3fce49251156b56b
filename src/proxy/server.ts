import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  PROXY_UPSTREAMS,
  PROXY_VERSION,
  type ProxyCacheState,
  type ProxyHealth,
  type ProxyOk,
  type ProxyUpstream,
} from '../engine/contracts';
import { DiskCache } from './cache';
import { DEFAULT_TTL_MS, defaultConfig, isLoopbackHost, type ProxyConfig, validateConfig } from './config';
import { ProxyError } from './errors';
import { kalshiSigner } from './kalshi-auth';
import { createLogger, type LogSink, redactUrl } from './log';
import type { Fetcher, Plan, PlanContext, PlanResult } from './plan';
import { KeyedBuckets, TokenBucket } from './rate-limit';
import { planRequest } from './routes';
import { UpstreamClient, type UpstreamResponse } from './upstream';

export interface ProxyDeps {
  /** Clock for cache ages, TTLs and rate limits (tests inject one). */
  now?: () => number;
  /** Where JSON log lines go (default stdout). */
  log?: LogSink;
  fetchImpl?: typeof fetch;
}

export interface RunningProxy {
  server: Server;
  /** e.g. http://127.0.0.1:8787 */
  url: string;
  port: number;
  config: ProxyConfig;
  cache: DiskCache;
  close(): Promise<void>;
}

const MAX_URL_LENGTH = 2048;

/**
 * Starts the proxy: validates the config (refusing unsafe upstreams), opens the disk cache
 * and listens on loopback. Resolves once listening.
 */
export async function startProxy(overrides: Partial<ProxyConfig> = {}, deps: ProxyDeps = {}): Promise<RunningProxy> {
  const config = validateConfig({ ...defaultConfig(), ...overrides });
  const now = deps.now ?? Date.now;
  const sink = deps.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const secretValues = config.kalshiAuth ? [config.kalshiAuth.keyId] : [];
  const log = createLogger(sink, now, () => secretValues);

  const cache = new DiskCache({ dir: config.cacheDir, maxBytes: config.cacheMaxBytes, maxEntries: config.cacheMaxEntries, now, log });
  await cache.init();

  const buckets = {} as Record<ProxyUpstream, TokenBucket>;
  for (const u of PROXY_UPSTREAMS) buckets[u] = new TokenBucket(config.upstreamRate[u], now);
  const client = new UpstreamClient({
    bases: config.upstreams,
    timeoutMs: config.upstreamTimeoutMs,
    maxBytes: config.maxUpstreamBytes,
    maxRedirects: config.maxRedirects,
    buckets,
    maxWaitMs: config.upstreamMaxWaitMs,
    cooldownSec: config.upstreamCooldownSec,
    now,
    signers: config.kalshiAuth ? { kalshi: kalshiSigner(config.kalshiAuth.keyId, config.kalshiAuth.privateKeyPem, now) } : {},
    fetchImpl: deps.fetchImpl,
  });
  const clients = new KeyedBuckets(config.clientRate, now);
  const ttl = { ...DEFAULT_TTL_MS, ...config.ttlMs };
  const inflight = new Map<string, Promise<Fetched>>();
  const planCtx: PlanContext = { base: (u) => config.upstreams[u], kalshiMaxPages: config.kalshiMaxPages, now };

  const handler = new RequestHandler(config, { now, log, cache, client, clients, ttl, inflight, planCtx });
  const server = createServer({ maxHeaderSize: 16 * 1024 }, (req, res) => {
    handler.handle(req, res).catch((e: unknown) => {
      log.error('unhandled request failure', { error: e instanceof Error ? e.message : String(e) });
      if (!res.headersSent) sendJson(res, 500, new ProxyError('internal', 'internal proxy error').toBody(), {});
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${hostForUrl}:${port}`;
  log.info('listening', { url, upstreams: config.upstreams, cacheDir: config.cacheDir, kalshiSigning: config.kalshiAuth !== null });
  return {
    server,
    url,
    port,
    config,
    cache,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

interface HandlerDeps {
  now: () => number;
  log: ReturnType<typeof createLogger>;
  cache: DiskCache;
  client: UpstreamClient;
  clients: KeyedBuckets;
  ttl: Record<string, number>;
  inflight: Map<string, Promise<Fetched>>;
  planCtx: PlanContext;
}

/** What one request did, for its log line. */
interface Outcome {
  route: string;
  status: number;
  cache?: ProxyCacheState;
  upstream?: ProxyUpstream;
  upstreamStatus?: number;
  error?: string;
}

class RequestHandler {
  private readonly origins: Set<string>;

  constructor(
    private readonly config: ProxyConfig,
    private readonly d: HandlerDeps,
  ) {
    this.origins = new Set(config.origins);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const rawUrl = req.url ?? '/';
    const outcome = await this.dispatch(req, res, rawUrl);
    const fields: Record<string, unknown> = {
      method: req.method,
      route: outcome.route,
      path: redactUrl(rawUrl.slice(0, 512)),
      status: outcome.status,
      ms: Math.round((performance.now() - t0) * 10) / 10,
    };
    if (outcome.cache) fields.cache = outcome.cache;
    if (outcome.upstream) fields.upstream = outcome.upstream;
    if (outcome.upstreamStatus !== undefined) fields.upstreamStatus = outcome.upstreamStatus;
    if (outcome.error) fields.error = outcome.error;
    const level = outcome.status >= 500 ? 'error' : outcome.status >= 400 ? 'warn' : 'info';
    this.d.log[level]('request', fields);
  }

  private corsHeaders(req: IncomingMessage): Record<string, string> | null {
    const origin = req.headers.origin;
    if (origin === undefined) return {};
    if (!this.origins.has(origin)) return null;
    return {
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'x-cache, retry-after',
    };
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, rawUrl: string): Promise<Outcome> {
    const fail = (e: ProxyError, route: string, headers: Record<string, string> = {}): Outcome => {
      const h = { ...headers };
      if (e.retryAfter !== undefined) h['retry-after'] = String(e.retryAfter);
      sendJson(res, e.httpStatus, e.toBody(), h);
      return { route, status: e.httpStatus, error: e.code, upstream: e.upstream ?? undefined, upstreamStatus: e.status };
    };

    // DNS-rebinding guard: a browser page must address us by a loopback name.
    const host = hostName(req.headers.host);
    if (host === null || !isLoopbackHost(host)) {
      return fail(new ProxyError('host_not_allowed', 'requests must address the proxy by a loopback host name'), '-');
    }
    const cors = this.corsHeaders(req);
    if (cors === null) {
      return fail(new ProxyError('origin_not_allowed', 'this origin is not allowed to use the proxy (see --origin)'), '-');
    }
    if (req.method === 'OPTIONS') {
      const h: Record<string, string> = { ...cors, 'access-control-allow-methods': 'GET, OPTIONS', 'access-control-max-age': '600' };
      if (req.headers.origin !== undefined && req.headers['access-control-request-private-network'] === 'true') {
        h['access-control-allow-private-network'] = 'true';
      }
      res.writeHead(204, { ...h, vary: 'Origin' });
      res.end();
      return { route: 'preflight', status: 204 };
    }
    if (req.method !== 'GET') {
      return fail(new ProxyError('method_not_allowed', `method ${req.method} not allowed; only GET and OPTIONS`), '-', { ...cors, allow: 'GET, OPTIONS' });
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > 0 || req.headers['transfer-encoding'] !== undefined) {
      res.setHeader('connection', 'close');
      return fail(new ProxyError('payload_too_large', 'GET requests must not carry a body'), '-', cors);
    }
    if (rawUrl.length > MAX_URL_LENGTH) return fail(new ProxyError('uri_too_long', `request URL longer than ${MAX_URL_LENGTH} characters`), '-', cors);

    let url: URL;
    try {
      url = new URL(rawUrl, 'http://proxy.invalid');
    } catch {
      return fail(new ProxyError('not_found', 'unparseable request URL'), '-', cors);
    }
    if (url.pathname === '/health') {
      if ([...url.searchParams.keys()].length > 0) return fail(new ProxyError('invalid_param', 'health takes no parameters'), 'health', cors);
      const body: ProxyHealth = {
        ok: true,
        version: PROXY_VERSION,
        upstreams: { ...this.config.upstreams },
        kalshiAuth: this.config.kalshiAuth !== null,
        cache: this.d.cache.stats(),
      };
      sendJson(res, 200, body, cors);
      return { route: 'health', status: 200 };
    }

    const client = this.d.clients.reserve(req.socket.remoteAddress ?? 'unknown');
    if (!client.ok) {
      const retryAfter = Math.max(1, Math.ceil(client.retryAfterMs / 1000));
      return fail(new ProxyError('rate_limited', `too many requests from this client; retry in ${retryAfter} s`, { retryAfter }), '-', cors);
    }

    let plan: Plan;
    try {
      plan = planRequest(url.pathname, url.searchParams, this.d.planCtx);
    } catch (e) {
      if (e instanceof ProxyError) return fail(e, '-', cors);
      throw e;
    }
    return this.serve(plan, res, cors, fail);
  }

  private async serve(
    plan: Plan,
    res: ServerResponse,
    cors: Record<string, string>,
    fail: (e: ProxyError, route: string, headers?: Record<string, string>) => Outcome,
  ): Promise<Outcome> {
    const { now, cache, log } = this.d;
    const ttl = this.d.ttl[plan.kind];
    // Looked up before the cache read: an exchange finishing meanwhile has already stored
    // its result (it leaves the map only after the write), so no window refetches.
    const joinable = this.d.inflight.get(plan.cacheKey);
    const entry = await cache.get<PlanResult>(plan.cacheKey);
    const base = { route: plan.route, upstream: plan.upstream };
    if (entry && now() - entry.storedAt < ttl) {
      sendJson(res, 200, okBody(plan, entry.value, entry.storedAt, 'hit', now(), []), { ...cors, 'x-cache': 'hit' });
      return { ...base, status: 200, cache: 'hit' };
    }
    const seen: { status?: number } = {};
    let fetched: Fetched;
    try {
      fetched = await (joinable ?? this.fetchShared(plan, seen));
    } catch (err) {
      const e = err instanceof ProxyError ? err : internalError(err, log);
      if (e.staleEligible && entry) {
        const age = Math.max(0, Math.round((now() - entry.storedAt) / 1000));
        const warning = `served a cached copy from ${new Date(entry.storedAt).toISOString()} (age ${age} s) because the upstream failed: ${e.code} — ${e.message}`;
        sendJson(res, 200, okBody(plan, entry.value, entry.storedAt, 'stale', now(), [warning]), { ...cors, 'x-cache': 'stale' });
        return { ...base, status: 200, cache: 'stale', upstreamStatus: e.status, error: e.code };
      }
      const out = fail(e, plan.route, { ...cors, 'x-cache': 'miss' });
      return { ...out, cache: 'miss', upstreamStatus: e.status ?? seen.status };
    }
    sendJson(res, 200, okBody(plan, fetched.result, fetched.storedAt, 'miss', now(), []), { ...cors, 'x-cache': 'miss' });
    return { ...base, status: 200, cache: 'miss', upstreamStatus: seen.status };
  }

  /**
   * Runs a plan and stores its result, sharing one upstream exchange among identical
   * concurrent requests (they all await the same promise).
   */
  private fetchShared(plan: Plan, seen: { status?: number }): Promise<Fetched> {
    const running = this.d.inflight.get(plan.cacheKey);
    if (running) return running;
    const { cache, log, now } = this.d;
    const fetcher: Fetcher = {
      get: async (upstream, url, accept): Promise<UpstreamResponse> => {
        const r = await this.d.client.get(upstream, url, accept);
        seen.status = r.status;
        return r;
      },
    };
    const p = (async (): Promise<Fetched> => {
      const result = await plan.run(fetcher);
      const storedAt = now();
      try {
        await cache.put(plan.cacheKey, plan.kind, result, storedAt);
      } catch (e) {
        log.warn('cache write failed', { route: plan.route, error: (e as NodeJS.ErrnoException).code ?? String(e) });
      }
      return { result, storedAt };
    })().finally(() => this.d.inflight.delete(plan.cacheKey));
    this.d.inflight.set(plan.cacheKey, p);
    return p;
  }
}

/** A plan's result and when the upstream delivered it. */
interface Fetched {
  result: PlanResult;
  storedAt: number;
}

function okBody(plan: Plan, result: PlanResult, storedAt: number, cache: ProxyCacheState, nowMs: number, extra: string[]): ProxyOk<unknown> {
  return {
    ok: true,
    data: result.data,
    meta: {
      source: plan.upstream,
      fetchedAt: new Date(storedAt).toISOString(),
      cache,
      ageSeconds: Math.max(0, Math.round((nowMs - storedAt) / 1000)),
      warnings: [...result.warnings, ...extra],
    },
  };
}

function internalError(err: unknown, log: ReturnType<typeof createLogger>): ProxyError {
  log.error('internal error', { error: err instanceof Error ? err.message : String(err) });
  return new ProxyError('internal', 'internal proxy error (see the proxy log)');
}

/** Host name of a Host header (`127.0.0.1:8787`, `[::1]:8787`, `localhost`); null if absent or malformed. */
function hostName(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.exec(header);
  if (!m) return null;
  return m[1].replace(/^\[|\]$/g, '');
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    vary: 'Origin',
  });
  res.end(text);
}
