import type { Bars } from './datasets';
import {
  arr,
  bool,
  isoDate,
  json,
  type Json,
  literal,
  nullable,
  num,
  obj,
  optional,
  record,
  type Schema,
  SchemaError,
  str,
} from './schema';

/**
 * Payloads served by the optional Node proxy (`src/proxy/`, `npm run proxy`). Every
 * response is either `{ ok: true, data, meta }` or `{ ok: false, error }`; the app turns a
 * success into an `Envelope` (meta.cache === 'stale' → mode cached, with the warnings).
 */

export const PROXY_VERSION = '0.1.0';

export const PROXY_UPSTREAMS = ['yahoo', 'stooq', 'kalshi'] as const;
export type ProxyUpstream = (typeof PROXY_UPSTREAMS)[number];

/** `x-cache` header and `meta.cache`: stale = served from disk because the upstream failed. */
export const PROXY_CACHE_STATES = ['hit', 'miss', 'stale'] as const;
export type ProxyCacheState = (typeof PROXY_CACHE_STATES)[number];

export const PROXY_ERROR_CODES = [
  'invalid_param',
  'not_found',
  'method_not_allowed',
  'origin_not_allowed',
  'host_not_allowed',
  'payload_too_large',
  'uri_too_long',
  'rate_limited',
  'upstream_timeout',
  'upstream_rate_limited',
  'upstream_html',
  'upstream_bad_json',
  'upstream_bad_csv',
  'upstream_bad_shape',
  'upstream_not_found',
  'upstream_error',
  'upstream_status',
  'upstream_unreachable',
  'upstream_too_large',
  'upstream_redirect_refused',
  'internal',
] as const;
export type ProxyErrorCode = (typeof PROXY_ERROR_CODES)[number];

export interface ProxyErrorInfo {
  code: ProxyErrorCode;
  message: string;
  /** Upstream involved, null for errors of the request itself. */
  upstream: ProxyUpstream | null;
  /** HTTP status the upstream answered with, when it answered. */
  status?: number;
  /** Seconds to wait before retrying (rate limits). */
  retryAfter?: number;
  /** Query/path parameter at fault (invalid_param). */
  param?: string;
}

export interface ProxyErrorBody {
  ok: false;
  error: ProxyErrorInfo;
}

export interface ProxyMeta {
  source: ProxyUpstream;
  /** When the upstream answered (ISO); older than now for hits and stale copies. */
  fetchedAt: string;
  cache: ProxyCacheState;
  /** Age of the data in seconds when served. */
  ageSeconds: number;
  /** Data caveats (nulls in price columns, truncated pagination, stale copy with the failure). */
  warnings: string[];
}

export interface ProxyOk<T> {
  ok: true;
  data: T;
  meta: ProxyMeta;
}

export type ProxyResponse<T> = ProxyOk<T> | ProxyErrorBody;

export interface ProxyHealth {
  ok: true;
  version: string;
  /** Upstream name → configured base URL. */
  upstreams: Record<string, string>;
  /** Whether Kalshi requests are signed with a configured key (the key itself is never exposed). */
  kalshiAuth: boolean;
  cache: { entries: number; bytes: number };
}

// ---------------------------------------------------------------------------------------
// Bars

export const YAHOO_INTERVALS = ['1m', '2m', '5m', '15m', '30m', '60m', '90m', '1h', '1d', '5d', '1wk', '1mo', '3mo'] as const;
export type YahooInterval = (typeof YAHOO_INTERVALS)[number];
export const YAHOO_RANGES = ['1d', '5d', '1mo', '3mo', '6mo', '1y', '2y', '5y', '10y', 'ytd', 'max'] as const;
export type YahooRange = (typeof YAHOO_RANGES)[number];

/** Intervals whose bars are labelled by calendar date (`YYYY-MM-DD`) rather than an instant. */
export const DATE_LABELLED_INTERVALS: readonly YahooInterval[] = ['1d', '5d', '1wk', '1mo', '3mo'];
export function isDateLabelled(interval: YahooInterval): boolean {
  return DATE_LABELLED_INTERVALS.includes(interval);
}

export const PROXY_BAR_COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'adj_close', 'volume'] as const;
export type ProxyBarValueColumn = Exclude<(typeof PROXY_BAR_COLUMNS)[number], 'ts'>;
export const PROXY_BAR_VALUE_COLUMNS: readonly ProxyBarValueColumn[] = ['open', 'high', 'low', 'close', 'adj_close', 'volume'];

/**
 * Columnar bars as the proxy serves them, ascending as the upstream sent them. `ts` is an
 * exchange-local calendar date `YYYY-MM-DD` for date-labelled intervals and a UTC instant
 * `YYYY-MM-DDTHH:MM:SSZ` otherwise. Missing upstream values are null (never filled in);
 * `nullCounts` counts them per column and the response warnings name them.
 */
export interface ProxyBars {
  ticker: string;
  source: 'yahoo' | 'stooq';
  interval: YahooInterval;
  /** IANA zone of the exchange when the upstream says so. */
  timezone: string | null;
  currency: string | null;
  rows: number;
  ts: string[];
  open: (number | null)[];
  high: (number | null)[];
  low: (number | null)[];
  close: (number | null)[];
  adj_close: (number | null)[];
  volume: (number | null)[];
  nullCounts: Record<ProxyBarValueColumn, number>;
}

const nullableNums = arr(nullable(num()));

const proxyBarsShape = obj({
  ticker: str(),
  source: literal('yahoo', 'stooq'),
  interval: literal(...YAHOO_INTERVALS),
  timezone: nullable(str()),
  currency: nullable(str()),
  rows: num({ int: true, min: 0 }),
  ts: arr(isoDate()),
  open: nullableNums,
  high: nullableNums,
  low: nullableNums,
  close: nullableNums,
  adj_close: nullableNums,
  volume: nullableNums,
  nullCounts: obj({
    open: num({ int: true, min: 0 }),
    high: num({ int: true, min: 0 }),
    low: num({ int: true, min: 0 }),
    close: num({ int: true, min: 0 }),
    adj_close: num({ int: true, min: 0 }),
    volume: num({ int: true, min: 0 }),
  }),
});

/** Validates ProxyBars including that every column has `rows` entries. */
export const proxyBarsSchema: Schema<ProxyBars> = refine(proxyBarsShape as Schema<ProxyBars>, 'proxy bars', (b, p) => {
  for (const c of ['ts', ...PROXY_BAR_VALUE_COLUMNS] as const) {
    if (b[c].length !== b.rows) throw new SchemaError(`${p ? `${p}.` : ''}${c}`, `${b.rows} entries`, b[c]);
  }
});

/** Converts served bars to the engine's columnar `Bars` (epoch ms UTC; null → NaN). */
export function proxyBarsToBars(b: ProxyBars): Bars {
  const n = b.rows;
  const out: Bars = {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const t = Date.parse(b.ts[i]);
    if (Number.isNaN(t)) throw new Error(`proxy bars ${b.ticker}: ts[${i}] "${b.ts[i]}" is not a date`);
    out.ts[i] = t;
    out.open[i] = b.open[i] ?? Number.NaN;
    out.high[i] = b.high[i] ?? Number.NaN;
    out.low[i] = b.low[i] ?? Number.NaN;
    out.close[i] = b.close[i] ?? Number.NaN;
    out.volume[i] = b.volume[i] ?? Number.NaN;
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Kalshi (public trade API v2). Field names follow the upstream; prices are in cents (0–100).
// `raw` keeps the upstream object so nothing is lost (spec: raw_market_json).

export interface KalshiSeries {
  ticker: string;
  title: string | null;
  category: string | null;
  frequency: string | null;
  tags: string[];
  raw: Record<string, Json>;
}

export interface KalshiEvent {
  event_ticker: string;
  series_ticker: string | null;
  title: string | null;
  sub_title: string | null;
  category: string | null;
  mutually_exclusive: boolean | null;
  strike_date: string | null;
  raw: Record<string, Json>;
}

export interface KalshiMarket {
  ticker: string;
  event_ticker: string;
  market_type: string | null;
  title: string | null;
  subtitle: string | null;
  status: string | null;
  open_time: string | null;
  close_time: string | null;
  expiration_time: string | null;
  yes_bid: number | null;
  yes_ask: number | null;
  no_bid: number | null;
  no_ask: number | null;
  last_price: number | null;
  volume: number | null;
  volume_24h: number | null;
  open_interest: number | null;
  liquidity: number | null;
  floor_strike: number | null;
  cap_strike: number | null;
  strike_type: string | null;
  result: string | null;
  raw: Record<string, Json>;
}

/** One price level: [price in cents, contracts]. */
export type KalshiLevel = [number, number];

export interface KalshiOrderbook {
  ticker: string;
  yes: KalshiLevel[];
  no: KalshiLevel[];
}

export interface KalshiOhlc {
  open: number | null;
  high: number | null;
  low: number | null;
  close: number | null;
}

export interface KalshiCandlestick {
  /** End of the period (ISO UTC). */
  end_period: string;
  end_period_ts: number;
  yes_bid: KalshiOhlc | null;
  yes_ask: KalshiOhlc | null;
  price: (KalshiOhlc & { mean: number | null; previous: number | null }) | null;
  volume: number | null;
  open_interest: number | null;
}

export interface KalshiCandles {
  series_ticker: string;
  ticker: string;
  period_interval: number;
  candlesticks: KalshiCandlestick[];
}

/** A page (or, with `all=1`, several pages joined) of a cursor-paginated Kalshi list. */
export interface KalshiPage<T> {
  items: T[];
  /** Cursor for the next page; null when the listing is exhausted. */
  cursor: string | null;
  pages: number;
  /** true when `all=1` stopped at the page bound with more pages left. */
  truncated: boolean;
}

const nstr = nullable(str());
const nnum = nullable(num());
const rawObj = record(json());

export const kalshiSeriesSchema: Schema<KalshiSeries> = obj({
  ticker: str(),
  title: nstr,
  category: nstr,
  frequency: nstr,
  tags: arr(str()),
  raw: rawObj,
});

export const kalshiEventSchema: Schema<KalshiEvent> = obj({
  event_ticker: str(),
  series_ticker: nstr,
  title: nstr,
  sub_title: nstr,
  category: nstr,
  mutually_exclusive: nullable(bool()),
  strike_date: nullable(isoDate()),
  raw: rawObj,
});

export const kalshiMarketSchema: Schema<KalshiMarket> = obj({
  ticker: str(),
  event_ticker: str(),
  market_type: nstr,
  title: nstr,
  subtitle: nstr,
  status: nstr,
  open_time: nullable(isoDate()),
  close_time: nullable(isoDate()),
  expiration_time: nullable(isoDate()),
  yes_bid: nnum,
  yes_ask: nnum,
  no_bid: nnum,
  no_ask: nnum,
  last_price: nnum,
  volume: nnum,
  volume_24h: nnum,
  open_interest: nnum,
  liquidity: nnum,
  floor_strike: nnum,
  cap_strike: nnum,
  strike_type: nstr,
  result: nstr,
  raw: rawObj,
});

const levelSchema: Schema<KalshiLevel> = refine(arr(num()) as unknown as Schema<KalshiLevel>, 'price level', (v, p) => {
  if (v.length !== 2) throw new SchemaError(p, '[price, quantity]', v);
});

export const kalshiOrderbookSchema: Schema<KalshiOrderbook> = obj({
  ticker: str(),
  yes: arr(levelSchema),
  no: arr(levelSchema),
});

const ohlcShape = { open: nnum, high: nnum, low: nnum, close: nnum };

export const kalshiCandlestickSchema: Schema<KalshiCandlestick> = obj({
  end_period: isoDate(),
  end_period_ts: num({ int: true, min: 0 }),
  yes_bid: nullable(obj(ohlcShape)),
  yes_ask: nullable(obj(ohlcShape)),
  price: nullable(obj({ ...ohlcShape, mean: nnum, previous: nnum })),
  volume: nnum,
  open_interest: nnum,
}) as Schema<KalshiCandlestick>;

export const kalshiCandlesSchema: Schema<KalshiCandles> = obj({
  series_ticker: str(),
  ticker: str(),
  period_interval: num({ int: true, min: 1 }),
  candlesticks: arr(kalshiCandlestickSchema),
});

export function kalshiPageSchema<T>(item: Schema<T>): Schema<KalshiPage<T>> {
  return obj({ items: arr(item), cursor: nstr, pages: num({ int: true, min: 0 }), truncated: bool() }) as Schema<KalshiPage<T>>;
}

// ---------------------------------------------------------------------------------------
// Envelopes

export const proxyMetaSchema: Schema<ProxyMeta> = obj({
  source: literal(...PROXY_UPSTREAMS),
  fetchedAt: isoDate(),
  cache: literal(...PROXY_CACHE_STATES),
  ageSeconds: num({ min: 0 }),
  warnings: arr(str()),
});

export const proxyErrorBodySchema: Schema<ProxyErrorBody> = obj({
  ok: literal(false),
  error: obj({
    code: literal(...PROXY_ERROR_CODES),
    message: str(),
    upstream: nullable(literal(...PROXY_UPSTREAMS)),
    status: optional(num({ int: true })),
    retryAfter: optional(num({ min: 0 })),
    param: optional(str()),
  }),
}) as Schema<ProxyErrorBody>;

export function proxyOkSchema<T>(data: Schema<T>): Schema<ProxyOk<T>> {
  return obj({ ok: literal(true), data, meta: proxyMetaSchema }) as Schema<ProxyOk<T>>;
}

/** Validates either a success carrying `data` or an error body. */
export function proxyResponseSchema<T>(data: Schema<T>): Schema<ProxyResponse<T>> {
  const okSchema = proxyOkSchema(data);
  const fn = ((v: unknown, p = '') => {
    if (typeof v === 'object' && v !== null && (v as { ok?: unknown }).ok === false) return proxyErrorBodySchema(v, p);
    return okSchema(v, p);
  }) as Schema<ProxyResponse<T>>;
  Object.defineProperty(fn, 'kind', { value: 'proxy response' });
  return fn;
}

export const proxyHealthSchema: Schema<ProxyHealth> = obj({
  ok: literal(true),
  version: str(),
  upstreams: record(str()),
  kalshiAuth: bool(),
  cache: obj({ entries: num({ int: true, min: 0 }), bytes: num({ int: true, min: 0 }) }),
});

/** Adds a whole-value check after an inner schema. */
function refine<T>(inner: Schema<T>, kind: string, check: (value: T, path: string) => void): Schema<T> {
  const fn = ((v: unknown, p = '') => {
    const value = inner(v, p);
    check(value, p);
    return value;
  }) as Schema<T>;
  Object.defineProperty(fn, 'kind', { value: kind });
  return fn;
}
