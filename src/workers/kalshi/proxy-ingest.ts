/**
 * Kalshi public data through the optional proxy (its /v1/kalshi routes): the markets of an
 * event or series (cursor pages followed by the proxy with all=1), the event list for release
 * times, and hourly candlesticks per contract as the quote history, plus each contract's
 * current top of book. Kalshi's markets are our contracts; a Kalshi event is our market.
 * Requests go one at a time; a 429 is waited out once when its retry-after is short (the
 * proxy's own token bucket guards the upstream), otherwise every failure becomes a
 * ProxyFetchError with a specific message.
 */
import {
  type KalshiCandles,
  type KalshiEvent,
  type KalshiMarket,
  type KalshiPage,
  kalshiCandlesSchema,
  kalshiEventSchema,
  kalshiMarketSchema,
  kalshiPageSchema,
  type ProxyOk,
  proxyResponseSchema,
  type Schema,
  SchemaError,
} from '../../engine/contracts';
import { type JobContext, NULL_CONTEXT, checkpoint } from '../../engine/core/context';
import { KALSHI_TICKER_PATTERN } from './tickers';
import type { EventContract, EventMarket, MarketQuotes } from '../../engine/kalshi/types';
import { DEFAULT_FETCH_TIMEOUT_MS, describeProxyError, ProxyFetchError, proxyGet } from '../../storage/sources/proxy-fetch';
import type { KalshiBatch } from '../../storage/kalshi';

export interface KalshiFetchRequest {
  proxyUrl: string;
  /** an event ticker (e.g. KXCPIYOY-24NOV) or a series ticker (e.g. KXCPIYOY) */
  eventTicker?: string;
  seriesTicker?: string;
  /** our event type (CPI, FOMC, …); derived from the series ticker when absent */
  eventType?: string;
  /** days of hourly candlesticks before now per contract (0 = current quotes only) */
  historyDays?: number;
  timeoutMs?: number;
  appOrigin?: string;
  fetchImpl?: typeof fetch;
  /** longest retry-after (s) waited out once on a 429 */
  maxRetryWaitSeconds?: number;
  sleep?: (ms: number) => Promise<void>;
  now: () => number;
}

export interface KalshiFetchResult {
  batch: KalshiBatch;
  source: string;
  fetchedAt: string;
  requests: number;
  warnings: string[];
}

const TYPE_BY_SERIES: [RegExp, string][] = [
  [/CPI/i, 'CPI'],
  [/FED|FOMC/i, 'FOMC'],
  [/PAYROLL|NFP/i, 'NFP'],
  [/U3|UNEMP|JOBLESS/i, 'UNEMPLOYMENT'],
  [/GDP/i, 'GDP'],
];

export function eventTypeOfSeries(series: string): string {
  for (const [re, t] of TYPE_BY_SERIES) if (re.test(series)) return t;
  return series.toUpperCase();
}

function base(proxyUrl: string): string {
  let u: URL;
  try {
    u = new URL(proxyUrl);
  } catch {
    throw new ProxyFetchError('invalid_request', `proxy URL "${proxyUrl}" is not a URL; set it in Settings (e.g. http://127.0.0.1:8787)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ProxyFetchError('invalid_request', `proxy URL must start with http:// or https:// (got ${u.protocol})`);
  return proxyUrl.replace(/\/+$/, '');
}

async function getJson<T>(url: string, schema: Schema<T>, req: KalshiFetchRequest, what: string): Promise<ProxyOk<T>> {
  const { res, text } = await proxyGet(url, req, `${what} within ${(req.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS) / 1000} s (timeout). Is it running, and is Kalshi slow?`);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw new ProxyFetchError('not_proxy', `The server at ${req.proxyUrl} answered ${what} with something that is not JSON (HTTP ${res.status}; ${e instanceof Error ? e.message : String(e)}) — is it the Quant Engine proxy (npm run proxy)?`);
  }
  let parsed: ReturnType<ReturnType<typeof proxyResponseSchema<T>>>;
  try {
    parsed = proxyResponseSchema(schema)(body, 'response');
  } catch (e) {
    if (e instanceof SchemaError) throw new ProxyFetchError('bad_response', `The proxy's answer to ${what} does not match the Kalshi contract (${e.message}); is the proxy the same version as the app?`);
    throw e;
  }
  if (!parsed.ok) {
    const ra = Number(res.headers.get('retry-after'));
    throw describeProxyError(parsed, res.status, Number.isFinite(ra) && ra > 0 ? ra : undefined, {
      proxyUrl: req.proxyUrl,
      provider: 'yahoo',
      ticker: what,
      timeframe: '1d',
      appOrigin: req.appOrigin,
    });
  }
  return parsed;
}

/** One request, waiting out a short rate limit once. */
async function getWithRetry<T>(url: string, schema: Schema<T>, req: KalshiFetchRequest, what: string, ctx: JobContext): Promise<ProxyOk<T>> {
  try {
    return await getJson(url, schema, req, what);
  } catch (e) {
    const maxWait = req.maxRetryWaitSeconds ?? 10;
    if (!(e instanceof ProxyFetchError) || e.kind !== 'rate_limited' || e.retryAfter === undefined || e.retryAfter > maxWait) throw e;
    ctx.progress(0.05, `Rate limited: waiting ${e.retryAfter} s before retrying ${what}`);
    await (req.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(e.retryAfter * 1000);
    await checkpoint(ctx);
    return getJson(url, schema, req, what);
  }
}

function isoMs(s: string | null): number {
  return s ? Date.parse(s) : Number.NaN;
}

const BELOW = new Set(['less', 'less_or_equal']);
const ABOVE = new Set(['greater', 'greater_or_equal']);

/** Kalshi markets of one event → our market and its contracts. */
export function eventToMarket(eventTicker: string, ms: readonly KalshiMarket[], ev: KalshiEvent | undefined, eventType: string): { market: EventMarket; contracts: EventContract[] } {
  const first = ms[0];
  const rules = typeof first.raw.rules_primary === 'string' ? first.raw.rules_primary : '';
  const expected = typeof first.raw.expected_expiration_time === 'string' ? first.raw.expected_expiration_time : null;
  const binMarket = ms.some((m) => m.strike_type === 'between');
  const market: EventMarket = {
    market_id: eventTicker,
    event_id: eventTicker,
    event_type: eventType,
    title: ev?.title ?? first.title ?? '',
    subtitle: ev?.sub_title ?? '',
    rules_text: rules,
    open_ts: isoMs(first.open_time),
    close_ts: isoMs(first.close_time),
    settle_ts: isoMs(expected ?? first.expiration_time),
    release_ts: isoMs(ev?.strike_date ?? expected),
    status: first.status ?? '',
  };
  const contracts = ms.map((m): EventContract => {
    const st = m.strike_type ?? '';
    const floor = m.floor_strike ?? Number.NaN;
    const cap = m.cap_strike ?? Number.NaN;
    const c: EventContract = { contract_id: m.ticker, market_id: eventTicker, bin_low: Number.NaN, bin_high: Number.NaN, threshold_value: Number.NaN, payout_structure: 'binary', direction: '', subtitle: m.subtitle ?? '', status: m.status ?? '' };
    if (binMarket) {
      // Open-ended edge bins of a bin ladder: "less than cap" and "greater than floor".
      if (st === 'between') {
        c.bin_low = floor;
        c.bin_high = cap;
      } else if (BELOW.has(st)) c.bin_high = cap;
      else if (ABOVE.has(st)) c.bin_low = floor;
    } else if (ABOVE.has(st)) {
      c.threshold_value = floor;
      c.direction = st;
    } else if (BELOW.has(st)) {
      c.threshold_value = cap;
      c.direction = st;
    }
    return c;
  });
  return { market, contracts };
}

interface QuoteAcc {
  ids: string[];
  rows: { c: number; ts: number; bid: number; ask: number; last: number; volume: number; oi: number }[];
}

function toQuotes(marketId: string, acc: QuoteAcc): MarketQuotes {
  const order = acc.ids.map((_, i) => i).sort((a, b) => (acc.ids[a] < acc.ids[b] ? -1 : 1));
  const rank = new Int32Array(acc.ids.length);
  order.forEach((i, r) => {
    rank[i] = r;
  });
  const rows = [...acc.rows].sort((a, b) => rank[a.c] - rank[b.c] || a.ts - b.ts);
  const dedup: typeof rows = [];
  for (const r of rows) {
    const p = dedup[dedup.length - 1];
    if (p && p.c === r.c && p.ts === r.ts) dedup[dedup.length - 1] = r;
    else dedup.push(r);
  }
  const f = (g: (r: (typeof rows)[number]) => number) => Float64Array.from(dedup, g);
  return {
    market_id: marketId,
    contractIds: order.map((i) => acc.ids[i]),
    contract: Int32Array.from(dedup, (r) => rank[r.c]),
    ts: f((r) => r.ts),
    bid: f((r) => r.bid),
    ask: f((r) => r.ask),
    mid: f((r) => (Number.isFinite(r.bid) && Number.isFinite(r.ask) ? (r.bid + r.ask) / 2 : Number.NaN)),
    last: f((r) => r.last),
    volume: f((r) => r.volume),
    oi: f((r) => r.oi),
  };
}

const n = (v: number | null | undefined) => (v === null || v === undefined ? Number.NaN : v);

export async function fetchKalshiThroughProxy(req: KalshiFetchRequest, ctx: JobContext = NULL_CONTEXT): Promise<KalshiFetchResult> {
  const root = base(req.proxyUrl);
  const ev = req.eventTicker?.trim();
  const series = req.seriesTicker?.trim() || (ev ? ev.split('-')[0] : '');
  if (!ev && !series) throw new ProxyFetchError('invalid_request', 'give an event ticker (e.g. KXCPIYOY-24NOV) or a series ticker (e.g. KXCPIYOY)');
  for (const [label, t] of [['event ticker', ev], ['series ticker', series]] as const) {
    if (t && !KALSHI_TICKER_PATTERN.test(t)) throw new ProxyFetchError('invalid_request', `"${t}" is not a Kalshi ${label} (1–64 characters from A–Z a–z 0–9 . _ -)`);
  }
  const eventType = (req.eventType?.trim().toUpperCase() || eventTypeOfSeries(series)) ?? '';
  const warnings: string[] = [];
  let requests = 0;

  ctx.progress(0.02, 'Listing events');
  const evQuery = new URLSearchParams({ series_ticker: series, all: '1' });
  const events = await getWithRetry(`${root}/v1/kalshi/events?${evQuery}`, kalshiPageSchema(kalshiEventSchema), req, `events of series ${series}`, ctx);
  requests++;
  warnings.push(...events.meta.warnings);
  await checkpoint(ctx);

  ctx.progress(0.1, 'Listing markets');
  const mQuery = new URLSearchParams(ev ? { event_ticker: ev, all: '1' } : { series_ticker: series, all: '1' });
  const page: ProxyOk<KalshiPage<KalshiMarket>> = await getWithRetry(`${root}/v1/kalshi/markets?${mQuery}`, kalshiPageSchema(kalshiMarketSchema), req, `markets of ${ev ?? series}`, ctx);
  requests++;
  warnings.push(...page.meta.warnings);
  if (page.data.truncated) warnings.push(`Kalshi market list for ${ev ?? series} was cut at the proxy's page bound: some contracts are missing`);
  if (page.data.items.length === 0) throw new ProxyFetchError('upstream_not_found', `Kalshi lists no markets for ${ev ? `event ${ev}` : `series ${series}`}`);
  await checkpoint(ctx);

  const byEvent = new Map<string, KalshiMarket[]>();
  for (const m of page.data.items) byEvent.set(m.event_ticker, [...(byEvent.get(m.event_ticker) ?? []), m]);
  const evInfo = new Map(events.data.items.map((e) => [e.event_ticker, e] as const));
  const fetchedAt = page.meta.fetchedAt;
  const fetchedMs = Date.parse(fetchedAt);
  const historyDays = req.historyDays ?? 7;
  const batch: { markets: EventMarket[]; contracts: EventContract[]; quotes: MarketQuotes[]; outcomes: [] } = { markets: [], contracts: [], quotes: [], outcomes: [] };
  const total = page.data.items.length;
  let done = 0;
  for (const [evTicker, ms] of byEvent) {
    const { market, contracts } = eventToMarket(evTicker, ms, evInfo.get(evTicker), eventType);
    batch.markets.push(market);
    batch.contracts.push(...contracts);
    const acc: QuoteAcc = { ids: ms.map((m) => m.ticker), rows: [] };
    for (let c = 0; c < ms.length; c++) {
      const m = ms[c];
      // The current top of book, stamped with the proxy's fetch time.
      if (m.yes_bid !== null || m.yes_ask !== null || m.last_price !== null) {
        acc.rows.push({ c, ts: fetchedMs, bid: n(m.yes_bid), ask: n(m.yes_ask), last: n(m.last_price), volume: n(m.volume), oi: n(m.open_interest) });
      }
      if (historyDays > 0) {
        const endS = Math.floor(Math.min(fetchedMs, req.now()) / 1000);
        const startS = endS - Math.round(historyDays * 86_400);
        const q = new URLSearchParams({ start_ts: String(startS), end_ts: String(endS), period_interval: '60' });
        const seriesOf = evInfo.get(evTicker)?.series_ticker ?? series;
        const candles: ProxyOk<KalshiCandles> = await getWithRetry(
          `${root}/v1/kalshi/series/${encodeURIComponent(seriesOf)}/markets/${encodeURIComponent(m.ticker)}/candlesticks?${q}`,
          kalshiCandlesSchema,
          req,
          `candlesticks of ${m.ticker}`,
          ctx,
        );
        requests++;
        for (const k of candles.data.candlesticks) {
          acc.rows.push({ c, ts: k.end_period_ts * 1000, bid: n(k.yes_bid?.close), ask: n(k.yes_ask?.close), last: n(k.price?.close), volume: n(k.volume), oi: n(k.open_interest) });
        }
      }
      done++;
      ctx.progress(0.15 + (0.8 * done) / total, `${m.ticker}: ${done} of ${total} contracts`);
      await checkpoint(ctx);
    }
    const priced = acc.rows.filter((r) => Number.isFinite(r.bid) || Number.isFinite(r.ask) || Number.isFinite(r.last));
    if (priced.length === 0) warnings.push(`${evTicker}: Kalshi returned no prices for any contract`);
    acc.rows = priced;
    batch.quotes.push(toQuotes(evTicker, acc));
  }
  const cache = page.meta.cache === 'hit' ? 'proxy cache hit' : page.meta.cache === 'stale' ? 'STALE proxy copy' : 'fresh';
  return { batch, source: `Kalshi via proxy ${root} (${ev ? `event ${ev}` : `series ${series}`}; fetched ${fetchedAt}, ${cache})`, fetchedAt, requests, warnings };
}
