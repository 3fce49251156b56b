import type { ProxyBarValueColumn } from '../engine/contracts';
import { assembleBars, type BarColumns } from './bars';
import { invalidParam, ProxyError } from './errors';
import { expectOk } from './json';
import { DATE_RE, Query, TICKER_RE } from './params';
import type { Plan, PlanContext, PlanResult } from './plan';
import { type UpstreamResponse, upstreamUrl } from './upstream';

/** Stooq market suffixes kept as given (`vod.uk`); anything else is a US ticker (`aapl.us`). */
const STOOQ_MARKETS = ['us', 'uk', 'de', 'jp', 'hk', 'pl', 'hu', 'fr', 'ch', 'it', 'es', 'nl', 'be', 'ca', 'au'];

/** Yahoo/plain ticker → Stooq symbol: `AAPL`→`aapl.us`, `BRK-B`/`BRK.B`→`brk-b.us`, `^SPX`→`^spx`. */
export function stooqSymbol(ticker: string): string {
  const t = ticker.toLowerCase();
  if (t.includes('=')) throw invalidParam('ticker', 'Stooq symbols cannot contain "="');
  if (t.startsWith('^')) return t;
  const dot = t.lastIndexOf('.');
  if (dot > 0 && STOOQ_MARKETS.includes(t.slice(dot + 1))) return t;
  return `${t.replace(/\./g, '-')}.us`;
}

/** `GET /v1/bars/stooq?ticker=&start=&end=` → Stooq daily CSV. */
export function planStooqBars(params: URLSearchParams, ctx: PlanContext): Plan {
  const q = new Query(params, ['ticker', 'start', 'end']);
  const ticker = q.requireMatch('ticker', TICKER_RE, 'a ticker of 1–20 characters from A–Z a–z 0–9 . ^ = _ -');
  const start = q.date('start');
  const end = q.date('end');
  if (start !== undefined && end !== undefined && start > end) throw invalidParam('end', 'must not be before start');
  const symbol = stooqSymbol(ticker);
  const url = upstreamUrl(ctx.base('stooq'), '/q/d/l/', {
    s: symbol,
    i: 'd',
    d1: start?.replace(/-/g, ''),
    d2: end?.replace(/-/g, ''),
  });
  return {
    route: 'bars.stooq',
    upstream: 'stooq',
    kind: 'bars_daily',
    cacheKey: url.toString(),
    run: async (client) => normaliseStooqCsv(await client.get('stooq', url, 'text/csv'), ticker, symbol, ctx.now()),
  };
}

function badCsv(message: string, status: number): ProxyError {
  return new ProxyError('upstream_bad_csv', `stooq CSV: ${message}`, { upstream: 'stooq', status });
}

/**
 * Stooq daily CSV (`Date,Open,High,Low,Close,Volume`) → ProxyBars. Empty cells become null
 * (counted); anything else unparseable is an error naming the line. Stooq has no separate
 * adjusted close (its prices are split-adjusted), so adj_close is null with a warning.
 */
export function normaliseStooqCsv(res: UpstreamResponse, ticker: string, symbol: string, nowMs: number): PlanResult {
  expectOk('stooq', res);
  const text = res.text.replace(/^\uFEFF/, '').trim();
  if (/^no data/i.test(text) || text === '') {
    throw new ProxyError('upstream_not_found', `stooq has no data for ${symbol}`, { upstream: 'stooq', status: res.status });
  }
  if (/exceeded the daily hits limit/i.test(text)) {
    const midnight = Math.floor(nowMs / 86_400_000 + 1) * 86_400_000;
    throw new ProxyError('upstream_rate_limited', 'stooq daily request limit exceeded', {
      upstream: 'stooq',
      status: res.status,
      retryAfter: Math.max(1, Math.ceil((midnight - nowMs) / 1000)),
    });
  }
  const lines = text.split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const col = (name: string, required: boolean): number => {
    const i = header.indexOf(name);
    if (i < 0 && required) throw badCsv(`header "${lines[0].slice(0, 80)}" lacks column ${name}`, res.status);
    return i;
  };
  const iDate = col('date', true);
  const idx = { open: col('open', true), high: col('high', true), low: col('low', true), close: col('close', true), volume: col('volume', false) };
  const ts: string[] = [];
  const columns: BarColumns = { open: [], high: [], low: [], close: [], adj_close: [], volume: [] };
  for (let li = 1; li < lines.length; li++) {
    const line = lines[li].trim();
    if (line === '') continue;
    const cells = line.split(',');
    if (cells.length !== header.length) throw badCsv(`line ${li + 1} has ${cells.length} fields, header has ${header.length}`, res.status);
    const date = cells[iDate].trim();
    if (!DATE_RE.test(date)) throw badCsv(`line ${li + 1}: date "${date.slice(0, 20)}" is not YYYY-MM-DD`, res.status);
    ts.push(date);
    for (const name of ['open', 'high', 'low', 'close', 'volume'] as const) {
      const i = idx[name];
      if (i < 0) {
        columns[name].push(null);
        continue;
      }
      const cell = cells[i].trim();
      if (cell === '') {
        columns[name].push(null);
        continue;
      }
      const v = Number(cell);
      if (!Number.isFinite(v)) throw badCsv(`line ${li + 1}: ${name} "${cell.slice(0, 20)}" is not a number`, res.status);
      columns[name].push(v);
    }
    columns.adj_close.push(null);
  }
  const absent: Partial<Record<ProxyBarValueColumn, string | null>> = { adj_close: 'stooq has no separate adjusted close; its prices are split-adjusted' };
  if (idx.volume < 0) absent.volume = 'stooq sent no volume column';
  return assembleBars({ ticker, source: 'stooq', interval: '1d', timezone: null, currency: null, ts, columns, absent });
}
