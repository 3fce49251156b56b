import type {
  Json,
  KalshiCandles,
  KalshiCandlestick,
  KalshiEvent,
  KalshiLevel,
  KalshiMarket,
  KalshiOhlc,
  KalshiOrderbook,
  KalshiPage,
  KalshiSeries,
} from '../engine/contracts';
import { isoInstant } from './bars';
import type { CacheKind } from './config';
import { invalidParam } from './errors';
import {
  asArray,
  asObject,
  badShape,
  expectOk,
  isObject,
  type JsonObject,
  optBool,
  optNum,
  optStr,
  parseJson,
  reqStr,
} from './json';
import { CURSOR_RE, KALSHI_TICKER_RE, pathParam, Query } from './params';
import type { Fetcher, Plan, PlanContext, PlanResult } from './plan';
import { upstreamUrl } from './upstream';

const K = 'kalshi' as const;
const MAX_TS = 4_102_444_800;
const TICKER_WHAT = 'a Kalshi ticker of 1–64 characters from A–Z a–z 0–9 . _ -';
const CATEGORY_RE = /^[A-Za-z0-9 &,_-]{1,64}$/;
const TICKER_LIST_RE = /^[A-Za-z0-9._-]{1,64}(,[A-Za-z0-9._-]{1,64}){0,99}$/;
export const CANDLE_PERIODS = [1, 60, 1440] as const;
/** Kalshi answers at most this many candles per request. */
const MAX_CANDLES = 5000;

// ---------------------------------------------------------------------------------------
// Normalisers: upstream object → typed shape (+ raw). Errors name the field path.

/** Price in cents: the integer field, else its `<name>_dollars` fixed-point string × 100. */
function cents(o: JsonObject, k: string, path: string): number | null {
  const c = optNum(K, o, k, path);
  if (c !== null) return c;
  const d = optStr(K, o, `${k}_dollars`, path);
  if (d === null) return null;
  const v = Number(d);
  if (!Number.isFinite(v)) throw badShape(K, `${path}.${k}_dollars`, 'a decimal string');
  return Math.round(v * 10_000) / 100;
}

function optIso(o: JsonObject, k: string, path: string): string | null {
  const v = optStr(K, o, k, path);
  if (v === null || v === '') return null;
  if (Number.isNaN(Date.parse(v))) throw badShape(K, `${path}.${k}`, 'an ISO timestamp');
  return v;
}

export function toSeries(v: Json, path: string): KalshiSeries {
  const o = asObject(K, v, path);
  const tags = o.tags === undefined || o.tags === null ? [] : asArray(K, o.tags, `${path}.tags`);
  return {
    ticker: reqStr(K, o, 'ticker', path),
    title: optStr(K, o, 'title', path),
    category: optStr(K, o, 'category', path),
    frequency: optStr(K, o, 'frequency', path),
    tags: tags.map((t, i) => {
      if (typeof t !== 'string') throw badShape(K, `${path}.tags[${i}]`, 'a string');
      return t;
    }),
    raw: o,
  };
}

export function toEvent(v: Json, path: string): KalshiEvent {
  const o = asObject(K, v, path);
  return {
    event_ticker: reqStr(K, o, 'event_ticker', path),
    series_ticker: optStr(K, o, 'series_ticker', path),
    title: optStr(K, o, 'title', path),
    sub_title: optStr(K, o, 'sub_title', path),
    category: optStr(K, o, 'category', path),
    mutually_exclusive: optBool(K, o, 'mutually_exclusive', path),
    strike_date: optIso(o, 'strike_date', path),
    raw: o,
  };
}

export function toMarket(v: Json, path: string): KalshiMarket {
  const o = asObject(K, v, path);
  return {
    ticker: reqStr(K, o, 'ticker', path),
    event_ticker: reqStr(K, o, 'event_ticker', path),
    market_type: optStr(K, o, 'market_type', path),
    title: optStr(K, o, 'title', path),
    subtitle: optStr(K, o, 'subtitle', path),
    status: optStr(K, o, 'status', path),
    open_time: optIso(o, 'open_time', path),
    close_time: optIso(o, 'close_time', path),
    expiration_time: optIso(o, 'expiration_time', path),
    yes_bid: cents(o, 'yes_bid', path),
    yes_ask: cents(o, 'yes_ask', path),
    no_bid: cents(o, 'no_bid', path),
    no_ask: cents(o, 'no_ask', path),
    last_price: cents(o, 'last_price', path),
    volume: optNum(K, o, 'volume', path),
    volume_24h: optNum(K, o, 'volume_24h', path),
    open_interest: optNum(K, o, 'open_interest', path),
    liquidity: cents(o, 'liquidity', path),
    floor_strike: optNum(K, o, 'floor_strike', path),
    cap_strike: optNum(K, o, 'cap_strike', path),
    strike_type: optStr(K, o, 'strike_type', path),
    result: optStr(K, o, 'result', path),
    raw: o,
  };
}

function levels(o: JsonObject, side: 'yes' | 'no', path: string): KalshiLevel[] {
  const cents = o[side];
  const dollars = o[`${side}_dollars`];
  const useDollars = (cents === undefined || cents === null) && Array.isArray(dollars);
  const list = useDollars ? dollars : cents;
  if (list === undefined || list === null) return [];
  const p = `${path}.${useDollars ? `${side}_dollars` : side}`;
  return asArray(K, list, p).map((lvl, i) => {
    const pair = asArray(K, lvl, `${p}[${i}]`);
    if (pair.length !== 2) throw badShape(K, `${p}[${i}]`, '[price, quantity]');
    const price = useDollars && typeof pair[0] === 'string' ? Math.round(Number(pair[0]) * 10_000) / 100 : pair[0];
    const qty = pair[1];
    if (typeof price !== 'number' || !Number.isFinite(price)) throw badShape(K, `${p}[${i}][0]`, 'a price');
    if (typeof qty !== 'number' || !Number.isFinite(qty)) throw badShape(K, `${p}[${i}][1]`, 'a quantity');
    return [price, qty];
  });
}

export function toOrderbook(body: Json, ticker: string): KalshiOrderbook {
  const root = asObject(K, body, '(root)');
  const ob = asObject(K, root.orderbook, 'orderbook');
  return { ticker, yes: levels(ob, 'yes', 'orderbook'), no: levels(ob, 'no', 'orderbook') };
}

function ohlc(v: Json | undefined, path: string): KalshiOhlc | null {
  if (v === undefined || v === null) return null;
  const o = asObject(K, v, path);
  return { open: cents(o, 'open', path), high: cents(o, 'high', path), low: cents(o, 'low', path), close: cents(o, 'close', path) };
}

export function toCandlestick(v: Json, path: string): KalshiCandlestick {
  const o = asObject(K, v, path);
  const end = optNum(K, o, 'end_period_ts', path);
  if (end === null || !Number.isInteger(end) || end < 0) throw badShape(K, `${path}.end_period_ts`, 'an epoch second');
  const price = ohlc(o.price, `${path}.price`);
  const po = isObject(o.price) ? o.price : null;
  return {
    end_period: isoInstant(end),
    end_period_ts: end,
    yes_bid: ohlc(o.yes_bid, `${path}.yes_bid`),
    yes_ask: ohlc(o.yes_ask, `${path}.yes_ask`),
    price: price && po ? { ...price, mean: cents(po, 'mean', `${path}.price`), previous: cents(po, 'previous', `${path}.price`) } : null,
    volume: optNum(K, o, 'volume', path),
    open_interest: optNum(K, o, 'open_interest', path),
  };
}

// ---------------------------------------------------------------------------------------
// Plans

interface ListSpec<T> {
  route: string;
  kind: CacheKind;
  path: string;
  /** Key of the item array in the upstream body. */
  itemsKey: string;
  convert: (v: Json, path: string) => T;
  query: Record<string, string | undefined>;
  all: boolean;
}

/** Fetches one page, or with `all` follows cursors up to the page bound. */
function planList<T>(spec: ListSpec<T>, ctx: PlanContext): Plan {
  const base = ctx.base(K);
  const first = upstreamUrl(base, spec.path, spec.query);
  const maxPages = ctx.kalshiMaxPages;
  return {
    route: spec.route,
    upstream: K,
    kind: spec.kind,
    cacheKey: spec.all ? `${first.toString()}#all:${maxPages}` : first.toString(),
    run: async (client: Fetcher): Promise<PlanResult> => {
      const items: T[] = [];
      const seen = new Set<string>();
      const warnings: string[] = [];
      let cursor: string | null = spec.query.cursor ?? null;
      let pages = 0;
      let url = first;
      for (;;) {
        const res = await client.get(K, url, 'application/json');
        expectOk(K, res);
        const body = parseJson(K, res);
        const root = asObject(K, body, '(root)');
        const list = asArray(K, root[spec.itemsKey], spec.itemsKey);
        const pageNo = pages + 1;
        for (let i = 0; i < list.length; i++) items.push(spec.convert(list[i], `page${pageNo}.${spec.itemsKey}[${i}]`));
        pages++;
        const next = optStr(K, root, 'cursor', '(root)');
        cursor = next === null || next === '' ? null : next;
        if (!spec.all || cursor === null) break;
        if (seen.has(cursor)) {
          warnings.push(`kalshi ${spec.path}: cursor repeated after ${pages} pages; stopped`);
          cursor = null;
          break;
        }
        seen.add(cursor);
        if (pages >= maxPages) {
          warnings.push(`kalshi ${spec.path}: stopped after ${maxPages} pages with more remaining (use the returned cursor to continue)`);
          break;
        }
        url = upstreamUrl(base, spec.path, { ...spec.query, cursor });
      }
      const data: KalshiPage<T> = { items, cursor, pages, truncated: spec.all && cursor !== null };
      return { data, warnings };
    },
  };
}

function pageQuery(q: Query, maxLimit: number): { cursor?: string; limit?: string; all: boolean } {
  const cursor = q.match('cursor', CURSOR_RE, 'an opaque Kalshi cursor');
  const limit = q.int('limit', 1, maxLimit);
  return { cursor, limit: limit === undefined ? undefined : String(limit), all: q.flag('all') };
}

export function planKalshiSeries(params: URLSearchParams, ctx: PlanContext): Plan {
  const q = new Query(params, ['category', 'cursor', 'limit', 'all']);
  const category = q.match('category', CATEGORY_RE, 'a category name (letters, digits, spaces, & , _ -)');
  const { all, ...page } = pageQuery(q, 1000);
  return planList({ route: 'kalshi.series', kind: 'kalshi_series', path: '/series', itemsKey: 'series', convert: toSeries, query: { category, ...page }, all }, ctx);
}

export function planKalshiEvents(params: URLSearchParams, ctx: PlanContext): Plan {
  const q = new Query(params, ['series_ticker', 'status', 'cursor', 'limit', 'all']);
  const series_ticker = q.match('series_ticker', KALSHI_TICKER_RE, TICKER_WHAT);
  const status = q.oneOf('status', ['open', 'closed', 'settled'] as const);
  const { all, ...page } = pageQuery(q, 200);
  return planList({ route: 'kalshi.events', kind: 'kalshi_events', path: '/events', itemsKey: 'events', convert: toEvent, query: { series_ticker, status, ...page }, all }, ctx);
}

export function planKalshiMarkets(params: URLSearchParams, ctx: PlanContext): Plan {
  const q = new Query(params, ['event_ticker', 'series_ticker', 'status', 'tickers', 'min_close_ts', 'max_close_ts', 'cursor', 'limit', 'all']);
  const event_ticker = q.match('event_ticker', KALSHI_TICKER_RE, TICKER_WHAT);
  const series_ticker = q.match('series_ticker', KALSHI_TICKER_RE, TICKER_WHAT);
  const status = q.oneOf('status', ['unopened', 'open', 'closed', 'settled'] as const);
  const tickers = q.match('tickers', TICKER_LIST_RE, 'a comma-separated list of up to 100 Kalshi tickers');
  const minClose = q.int('min_close_ts', 0, MAX_TS);
  const maxClose = q.int('max_close_ts', 0, MAX_TS);
  if (minClose !== undefined && maxClose !== undefined && minClose > maxClose) throw invalidParam('max_close_ts', 'must not be before min_close_ts');
  const { all, ...page } = pageQuery(q, 1000);
  return planList(
    {
      route: 'kalshi.markets',
      kind: 'kalshi_markets',
      path: '/markets',
      itemsKey: 'markets',
      convert: toMarket,
      query: {
        event_ticker,
        series_ticker,
        status,
        tickers,
        min_close_ts: minClose === undefined ? undefined : String(minClose),
        max_close_ts: maxClose === undefined ? undefined : String(maxClose),
        ...page,
      },
      all,
    },
    ctx,
  );
}

export function planKalshiOrderbook(rawTicker: string, params: URLSearchParams, ctx: PlanContext): Plan {
  const ticker = pathParam('ticker', rawTicker, KALSHI_TICKER_RE, TICKER_WHAT);
  const q = new Query(params, ['depth']);
  const depth = q.int('depth', 0, 100);
  const url = upstreamUrl(ctx.base(K), `/markets/${encodeURIComponent(ticker)}/orderbook`, {
    depth: depth === undefined ? undefined : String(depth),
  });
  return {
    route: 'kalshi.orderbook',
    upstream: K,
    kind: 'kalshi_orderbook',
    cacheKey: url.toString(),
    run: async (client) => {
      const res = await client.get(K, url, 'application/json');
      expectOk(K, res);
      const body = parseJson(K, res);
      return { data: toOrderbook(body, ticker), warnings: [] };
    },
  };
}

export function planKalshiCandles(rawSeries: string, rawTicker: string, params: URLSearchParams, ctx: PlanContext): Plan {
  const series = pathParam('series_ticker', rawSeries, KALSHI_TICKER_RE, TICKER_WHAT);
  const ticker = pathParam('ticker', rawTicker, KALSHI_TICKER_RE, TICKER_WHAT);
  const q = new Query(params, ['start_ts', 'end_ts', 'period_interval']);
  const start = q.requireInt('start_ts', 0, MAX_TS);
  const end = q.requireInt('end_ts', 0, MAX_TS);
  const period = q.requireInt('period_interval', 1, 1440);
  if (!(CANDLE_PERIODS as readonly number[]).includes(period)) throw invalidParam('period_interval', `must be one of ${CANDLE_PERIODS.join(', ')} (minutes)`);
  if (end <= start) throw invalidParam('end_ts', 'must be after start_ts');
  if ((end - start) / (period * 60) > MAX_CANDLES) throw invalidParam('end_ts', `range spans more than ${MAX_CANDLES} candles of ${period} min`);
  const url = upstreamUrl(ctx.base(K), `/series/${encodeURIComponent(series)}/markets/${encodeURIComponent(ticker)}/candlesticks`, {
    start_ts: String(start),
    end_ts: String(end),
    period_interval: String(period),
  });
  return {
    route: 'kalshi.candlesticks',
    upstream: K,
    kind: 'kalshi_candles',
    cacheKey: url.toString(),
    run: async (client) => {
      const res = await client.get(K, url, 'application/json');
      expectOk(K, res);
      const body = parseJson(K, res);
      const root = asObject(K, body, '(root)');
      const list = asArray(K, root.candlesticks, 'candlesticks');
      const data: KalshiCandles = {
        series_ticker: series,
        ticker,
        period_interval: period,
        candlesticks: list.map((c, i) => toCandlestick(c, `candlesticks[${i}]`)),
      };
      return { data, warnings: [] };
    },
  };
}
