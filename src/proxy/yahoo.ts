import {
  isDateLabelled,
  type ProxyBarValueColumn,
  YAHOO_INTERVALS,
  YAHOO_RANGES,
  type YahooInterval,
} from '../engine/contracts';
import { assembleBars, type BarColumns, isoInstant, isoLocalDate } from './bars';
import { invalidParam, ProxyError } from './errors';
import { asArray, asObject, badShape, expectOk, isObject, optNum, optStr, parseJson, tryParse } from './json';
import { Query, TICKER_RE } from './params';
import type { Plan, PlanContext, PlanResult } from './plan';
import { type UpstreamResponse, upstreamUrl } from './upstream';

/** Latest accepted epoch second (2100-01-01): keeps period bounds sane. */
const MAX_EPOCH_SEC = 4_102_444_800;

/** `GET /v1/bars/yahoo?ticker=&interval=&range=|period1=&period2=` → Yahoo v8 chart. */
export function planYahooBars(params: URLSearchParams, ctx: PlanContext): Plan {
  const q = new Query(params, ['ticker', 'interval', 'range', 'period1', 'period2']);
  const ticker = q.requireMatch('ticker', TICKER_RE, 'a ticker of 1–20 characters from A–Z a–z 0–9 . ^ = _ -');
  const interval = q.oneOf('interval', YAHOO_INTERVALS) ?? '1d';
  const range = q.oneOf('range', YAHOO_RANGES);
  const period1 = q.int('period1', 0, MAX_EPOCH_SEC);
  const period2 = q.int('period2', 0, MAX_EPOCH_SEC);
  if (range !== undefined && (period1 !== undefined || period2 !== undefined)) {
    throw invalidParam('range', 'give either range or period1/period2, not both');
  }
  if ((period1 === undefined) !== (period2 === undefined)) {
    throw invalidParam(period1 === undefined ? 'period1' : 'period2', 'period1 and period2 go together');
  }
  if (period1 !== undefined && period2 !== undefined && period1 >= period2) {
    throw invalidParam('period2', 'must be after period1');
  }
  const query: Record<string, string | undefined> = {
    interval,
    includeAdjustedClose: 'true',
    includePrePost: 'false',
  };
  if (period1 !== undefined && period2 !== undefined) {
    query.period1 = String(period1);
    query.period2 = String(period2);
  } else {
    query.range = range ?? '1y';
  }
  const url = upstreamUrl(ctx.base('yahoo'), `/v8/finance/chart/${encodeURIComponent(ticker)}`, query);
  return {
    route: 'bars.yahoo',
    upstream: 'yahoo',
    kind: isDateLabelled(interval) ? 'bars_daily' : 'bars_intraday',
    cacheKey: url.toString(),
    run: async (client) => normaliseYahooChart(await client.get('yahoo', url, 'application/json'), ticker, interval),
  };
}

/**
 * Yahoo v8 chart JSON → ProxyBars. Date-labelled intervals take the exchange-local date
 * (timestamp + `meta.gmtoffset`: Yahoo stamps daily bars at the session open, which for
 * Asian exchanges is the previous UTC day). Nulls stay null and are counted.
 */
export function normaliseYahooChart(res: UpstreamResponse, ticker: string, interval: YahooInterval): PlanResult {
  // Yahoo reports most failures as chart.error in a JSON body (often with a 4xx status):
  // prefer its description; other failing statuses are mapped generically.
  const body = res.status >= 400 ? tryParse(res.text) : parseJson('yahoo', res);
  const chartError = isObject(body) && isObject(body.chart) && isObject(body.chart.error) ? body.chart.error : null;
  if (chartError) {
    const code = typeof chartError.code === 'string' ? chartError.code : 'error';
    const desc = typeof chartError.description === 'string' ? chartError.description.slice(0, 200) : 'no description';
    if (res.status === 404 || /not ?found/i.test(code)) {
      throw new ProxyError('upstream_not_found', `yahoo: ${desc}`, { upstream: 'yahoo', status: res.status });
    }
    throw new ProxyError('upstream_error', `yahoo: ${code}: ${desc}`, { upstream: 'yahoo', status: res.status });
  }
  expectOk('yahoo', res);
  const chart = asObject('yahoo', isObject(body) ? body.chart : undefined, 'chart');
  const results = asArray('yahoo', chart.result, 'chart.result');
  if (results.length === 0) throw badShape('yahoo', 'chart.result', 'a non-empty array');
  const result = asObject('yahoo', results[0], 'chart.result[0]');
  const meta = isObject(result.meta) ? result.meta : {};
  const gmtoffset = optNum('yahoo', meta, 'gmtoffset', 'chart.result[0].meta');
  const offset = gmtoffset ?? 0;
  const timezone = optStr('yahoo', meta, 'exchangeTimezoneName', 'chart.result[0].meta');
  const currency = optStr('yahoo', meta, 'currency', 'chart.result[0].meta');

  const stamps = result.timestamp === undefined || result.timestamp === null ? [] : asArray('yahoo', result.timestamp, 'chart.result[0].timestamp');
  const n = stamps.length;
  const dateLabelled = isDateLabelled(interval);
  const ts = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const t = stamps[i];
    if (typeof t !== 'number' || !Number.isInteger(t)) throw badShape('yahoo', `chart.result[0].timestamp[${i}]`, 'an integer epoch second');
    ts[i] = dateLabelled ? isoLocalDate(t, offset) : isoInstant(t);
  }

  const absent: Partial<Record<ProxyBarValueColumn, string | null>> = {};
  if (n === 0) {
    const empty: BarColumns = { open: [], high: [], low: [], close: [], adj_close: [], volume: [] };
    return assembleBars({ ticker, source: 'yahoo', interval, timezone, currency, ts, columns: empty, absent });
  }
  const indicators = asObject('yahoo', result.indicators, 'chart.result[0].indicators');
  const qp = 'chart.result[0].indicators.quote[0]';
  const quote = asObject('yahoo', asArray('yahoo', indicators.quote, 'chart.result[0].indicators.quote')[0], qp);
  const adjList = Array.isArray(indicators.adjclose) ? indicators.adjclose : [];
  const adj = adjList.length > 0 && isObject(adjList[0]) ? adjList[0].adjclose : undefined;

  const column = (v: unknown, path: string): (number | null)[] => {
    const a = asArray('yahoo', v, path);
    if (a.length !== n) throw badShape('yahoo', path, `an array of ${n} values (one per timestamp), got ${a.length}`);
    const out = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      if (x === null) out[i] = null;
      else if (typeof x === 'number' && Number.isFinite(x)) out[i] = x;
      else throw badShape('yahoo', `${path}[${i}]`, 'a number or null');
    }
    return out;
  };
  let adjClose: (number | null)[];
  if (adj === undefined || adj === null) {
    adjClose = new Array<number | null>(n).fill(null);
    // Intraday charts never carry adjclose: null there is the format, not a data gap.
    absent.adj_close = dateLabelled ? 'yahoo sent no adjclose series' : null;
  } else {
    adjClose = column(adj, 'chart.result[0].indicators.adjclose[0].adjclose');
  }
  const columns: BarColumns = {
    open: column(quote.open, `${qp}.open`),
    high: column(quote.high, `${qp}.high`),
    low: column(quote.low, `${qp}.low`),
    close: column(quote.close, `${qp}.close`),
    adj_close: adjClose,
    volume: column(quote.volume, `${qp}.volume`),
  };
  const out = assembleBars({ ticker, source: 'yahoo', interval, timezone, currency, ts, columns, absent });
  if (dateLabelled && gmtoffset === null) out.warnings.push(`yahoo ${ticker} ${interval}: no gmtoffset in meta; bar dates taken in UTC`);
  return out;
}
