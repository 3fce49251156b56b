import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ProxyUpstream } from '../engine/contracts';
import type { BucketSpec } from './rate-limit';

/** What the proxy does and talks to. Everything is explicit so tests can point it at loopback. */
export interface ProxyConfig {
  /** Interface to bind: loopback only. */
  host: string;
  /** 0 = any free port. */
  port: number;
  /** App origins that get CORS headers; requests from any other Origin are refused. */
  origins: string[];
  cacheDir: string;
  /** Upstream base URLs (scheme + host [+ path prefix]); nothing else is ever fetched. */
  upstreams: Record<ProxyUpstream, string>;
  upstreamTimeoutMs: number;
  /** Upstream response bodies beyond this many (decoded) bytes are aborted. */
  maxUpstreamBytes: number;
  /** Same-origin redirects followed at most this many times. */
  maxRedirects: number;
  cacheMaxBytes: number;
  cacheMaxEntries: number;
  /** Per-client request bucket. */
  clientRate: BucketSpec;
  /** Per-upstream fetch buckets. */
  upstreamRate: Record<ProxyUpstream, BucketSpec>;
  /** How long a request may wait for an upstream token before it gets a 429. */
  upstreamMaxWaitMs: number;
  /** Cool-down after an upstream 429 that carried no usable retry-after. */
  upstreamCooldownSec: number;
  /** Page bound for Kalshi `all=1`. */
  kalshiMaxPages: number;
  /** Optional Kalshi API key (id + RSA private key PEM) for signed requests. */
  kalshiAuth: { keyId: string; privateKeyPem: string } | null;
  /** TTL overrides per cache kind (ms). */
  ttlMs: Partial<Record<CacheKind, number>>;
  /**
   * TEST ONLY: lets upstream base URLs be plain-http loopback addresses (a fake upstream on
   * 127.0.0.1). Never settable from the command line or the environment.
   */
  allowLoopbackUpstreams: boolean;
}

export const CACHE_KINDS = [
  'bars_daily',
  'bars_intraday',
  'kalshi_series',
  'kalshi_events',
  'kalshi_markets',
  'kalshi_orderbook',
  'kalshi_candles',
] as const;
export type CacheKind = (typeof CACHE_KINDS)[number];

const MIN = 60_000;
export const DEFAULT_TTL_MS: Record<CacheKind, number> = {
  bars_daily: 6 * 60 * MIN,
  bars_intraday: 5 * MIN,
  kalshi_series: 24 * 60 * MIN,
  kalshi_events: 5 * MIN,
  kalshi_markets: 30_000,
  kalshi_orderbook: 5_000,
  kalshi_candles: MIN,
};

export const DEFAULT_UPSTREAMS: Record<ProxyUpstream, string> = {
  yahoo: 'https://query1.finance.yahoo.com',
  stooq: 'https://stooq.com',
  kalshi: 'https://api.elections.kalshi.com/trade-api/v2',
};

export const DEFAULT_ORIGINS = ['http://127.0.0.1:4173', 'http://localhost:4173', 'http://localhost:5173'];

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'quant-engine', 'proxy');
}

export function defaultConfig(env: NodeJS.ProcessEnv = process.env): ProxyConfig {
  return {
    host: '127.0.0.1',
    port: 8787,
    origins: [...DEFAULT_ORIGINS],
    cacheDir: defaultCacheDir(env),
    upstreams: { ...DEFAULT_UPSTREAMS },
    upstreamTimeoutMs: 10_000,
    maxUpstreamBytes: 20 * 1024 * 1024,
    maxRedirects: 3,
    cacheMaxBytes: 256 * 1024 * 1024,
    cacheMaxEntries: 5_000,
    // 20/s sustained (1,200/min) covers a browser importing a universe through the proxy;
    // cache hits are cheap, and misses are bounded separately per upstream below.
    clientRate: { ratePerSec: 20, burst: 60 },
    // Kalshi's public tier allows ~10 req/s; Yahoo and Stooq publish no limit and block
    // bursts, so stay well below.
    upstreamRate: {
      kalshi: { ratePerSec: 10, burst: 10 },
      yahoo: { ratePerSec: 2, burst: 4 },
      stooq: { ratePerSec: 1, burst: 2 },
    },
    upstreamMaxWaitMs: 2_000,
    upstreamCooldownSec: 30,
    kalshiMaxPages: 20,
    kalshiAuth: null,
    ttlMs: {},
    allowLoopbackUpstreams: false,
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_HOSTS.has(h) || h.endsWith('.localhost') || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Checks one upstream base URL and returns it normalised (no trailing slash). Production
 * rules: https only, a DNS host name (no IP literal, no localhost, no single-label intranet
 * name), no credentials, query or fragment. `allowLoopback` (tests) additionally admits
 * http/https on loopback addresses — and nothing else.
 */
export function validateUpstreamBase(name: string, raw: string, allowLoopback: boolean): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`upstream ${name}: "${raw}" is not a URL`);
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = isLoopbackHost(host);
  if (u.protocol !== 'https:' && !(allowLoopback && loopback && u.protocol === 'http:')) {
    throw new ConfigError(`upstream ${name}: scheme ${u.protocol} not allowed (https only)`);
  }
  if (u.username || u.password) throw new ConfigError(`upstream ${name}: credentials in the URL are not allowed`);
  if (u.search || u.hash) throw new ConfigError(`upstream ${name}: base URL must not carry a query or fragment`);
  if (!(allowLoopback && loopback)) {
    if (loopback) throw new ConfigError(`upstream ${name}: loopback host ${host} not allowed`);
    if (isIP(host) !== 0) throw new ConfigError(`upstream ${name}: IP-literal host ${host} not allowed (use a DNS name)`);
    if (!host.includes('.') || /\.(local|internal|lan|home|corp|intranet)$/i.test(host)) {
      throw new ConfigError(`upstream ${name}: host ${host} looks private (not a public DNS name)`);
    }
  }
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
}

/** Validates a whole config; returns a copy with normalised upstream URLs. */
export function validateConfig(cfg: ProxyConfig): ProxyConfig {
  if (!isLoopbackHost(cfg.host)) {
    throw new ConfigError(`host ${cfg.host}: the proxy only listens on loopback (127.0.0.1, ::1, localhost)`);
  }
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) throw new ConfigError(`port ${cfg.port} out of range`);
  for (const o of cfg.origins) {
    let u: URL;
    try {
      u = new URL(o);
    } catch {
      throw new ConfigError(`origin "${o}" is not a URL`);
    }
    if (u.origin !== o) throw new ConfigError(`origin "${o}" must be scheme://host[:port] with nothing after`);
  }
  const positive: [string, number][] = [
    ['upstreamTimeoutMs', cfg.upstreamTimeoutMs],
    ['maxUpstreamBytes', cfg.maxUpstreamBytes],
    ['cacheMaxBytes', cfg.cacheMaxBytes],
    ['cacheMaxEntries', cfg.cacheMaxEntries],
    ['kalshiMaxPages', cfg.kalshiMaxPages],
    ['upstreamCooldownSec', cfg.upstreamCooldownSec],
  ];
  for (const [k, v] of positive) if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(`${k} must be > 0 (got ${v})`);
  if (!(Number.isInteger(cfg.maxRedirects) && cfg.maxRedirects >= 0 && cfg.maxRedirects <= 10)) {
    throw new ConfigError(`maxRedirects must be 0..10 (got ${cfg.maxRedirects})`);
  }
  const upstreams = { ...cfg.upstreams };
  for (const name of Object.keys(upstreams) as ProxyUpstream[]) {
    upstreams[name] = validateUpstreamBase(name, upstreams[name], cfg.allowLoopbackUpstreams);
  }
  return { ...cfg, upstreams };
}

export interface CliOptions {
  config: ProxyConfig;
  help: boolean;
  /** Kalshi key id and the path of its PEM file, when signing is configured. */
  kalshiKey: { keyId: string; file: string } | null;
}

export const USAGE = `npm run proxy -- [options]

Optional local proxy that fetches Yahoo/Stooq daily bars and Kalshi public market data for
the Quant Engine app (which cannot call those APIs from the browser). Listens on loopback.

Options (environment variable in brackets):
  --port N             port to listen on, default 8787 [QE_PROXY_PORT]
  --host H             loopback interface: 127.0.0.1 (default), ::1 or localhost [QE_PROXY_HOST]
  --origin LIST        comma-separated app origins allowed by CORS [QE_PROXY_ORIGINS]
                       default ${DEFAULT_ORIGINS.join(',')}
  --cache-dir DIR      disk cache directory, default ~/.cache/quant-engine/proxy [QE_PROXY_CACHE_DIR]
  --cache-max-mb N     disk cache size bound in MB, default 256 [QE_PROXY_CACHE_MAX_MB]
  --timeout-ms N       upstream timeout, default 10000 [QE_PROXY_TIMEOUT_MS]
  --yahoo-base URL     default ${DEFAULT_UPSTREAMS.yahoo} [QE_PROXY_YAHOO_BASE]
  --stooq-base URL     default ${DEFAULT_UPSTREAMS.stooq} [QE_PROXY_STOOQ_BASE]
  --kalshi-base URL    default ${DEFAULT_UPSTREAMS.kalshi} [QE_PROXY_KALSHI_BASE]
  --kalshi-key-id ID   optional Kalshi API key id for signed requests [KALSHI_API_KEY_ID]
  --kalshi-key-file F  PEM file of the matching RSA private key [KALSHI_PRIVATE_KEY_PATH]
  --help               this text`;

const FLAGS: Record<string, string> = {
  port: 'QE_PROXY_PORT',
  host: 'QE_PROXY_HOST',
  origin: 'QE_PROXY_ORIGINS',
  'cache-dir': 'QE_PROXY_CACHE_DIR',
  'cache-max-mb': 'QE_PROXY_CACHE_MAX_MB',
  'timeout-ms': 'QE_PROXY_TIMEOUT_MS',
  'yahoo-base': 'QE_PROXY_YAHOO_BASE',
  'stooq-base': 'QE_PROXY_STOOQ_BASE',
  'kalshi-base': 'QE_PROXY_KALSHI_BASE',
  'kalshi-key-id': 'KALSHI_API_KEY_ID',
  'kalshi-key-file': 'KALSHI_PRIVATE_KEY_PATH',
};

function intOption(name: string, v: string, min: number, max: number): number {
  if (!/^\d+$/.test(v)) throw new ConfigError(`--${name} must be an integer (got "${v}")`);
  const n = Number(v);
  if (n < min || n > max) throw new ConfigError(`--${name} must be in ${min}..${max} (got ${n})`);
  return n;
}

/**
 * Parses command-line flags over environment variables over defaults. The key file is
 * returned as a path; main reads it (so this stays free of file I/O).
 */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  const values: Record<string, string> = {};
  for (const [flag, envName] of Object.entries(FLAGS)) {
    const v = env[envName];
    if (v !== undefined && v !== '') values[flag] = v;
  }
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      help = true;
      continue;
    }
    if (!a.startsWith('--')) throw new ConfigError(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (!(name in FLAGS)) throw new ConfigError(`unknown option --${name}`);
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined) throw new ConfigError(`--${name} needs a value`);
    values[name] = v;
  }
  const cfg = defaultConfig(env);
  if (values.port !== undefined) cfg.port = intOption('port', values.port, 0, 65535);
  if (values.host !== undefined) cfg.host = values.host;
  if (values.origin !== undefined) {
    cfg.origins = values.origin
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  if (values['cache-dir'] !== undefined) cfg.cacheDir = values['cache-dir'];
  if (values['cache-max-mb'] !== undefined) cfg.cacheMaxBytes = intOption('cache-max-mb', values['cache-max-mb'], 1, 1 << 20) * 1024 * 1024;
  if (values['timeout-ms'] !== undefined) cfg.upstreamTimeoutMs = intOption('timeout-ms', values['timeout-ms'], 100, 120_000);
  if (values['yahoo-base'] !== undefined) cfg.upstreams.yahoo = values['yahoo-base'];
  if (values['stooq-base'] !== undefined) cfg.upstreams.stooq = values['stooq-base'];
  if (values['kalshi-base'] !== undefined) cfg.upstreams.kalshi = values['kalshi-base'];
  const keyId = values['kalshi-key-id'] ?? null;
  const keyFile = values['kalshi-key-file'] ?? null;
  if ((keyId === null) !== (keyFile === null)) {
    throw new ConfigError('Kalshi signing needs both --kalshi-key-id and --kalshi-key-file (or neither)');
  }
  return { config: cfg, help, kalshiKey: keyId !== null && keyFile !== null ? { keyId, file: keyFile } : null };
}
