/**
 * The aligned price matrix every backtest runs on: one row per date of the union calendar,
 * one column per ticker, row-major (`k = t·cols + i`). A ticker without a bar on a date has
 * NaN in all five fields there ("not trading"). Daily bars only: dates are epoch days.
 */
import type { Bars } from '../contracts';
import { DAY_MS } from '../core/time';
import { isoFromDay } from '../risk/dates';

export interface PriceMatrix {
  tickers: readonly string[];
  /** epoch days (UTC), strictly ascending */
  days: Int32Array;
  rows: number;
  cols: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** Bad backtest input; `field` names what was wrong (a ticker, a parameter, a row). */
export class BacktestInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
    this.name = 'BacktestInputError';
  }
}

export interface TickerSeries {
  ticker: string;
  bars: Bars;
}

/**
 * Aligns daily bars of several tickers on the union of their dates. Each ticker's bars must
 * be ascending by day without duplicates, and every bar must have positive open/high/low/
 * close and a non-negative volume (the clean frame C of contract A) — a bar that is only
 * partly present is an error, never silently patched.
 */
export function alignBars(series: readonly TickerSeries[]): PriceMatrix {
  if (series.length === 0) throw new BacktestInputError('no tickers to backtest', 'tickers');
  const seen = new Set<string>();
  const dayCols: Int32Array[] = [];
  let total = 0;
  for (const s of series) {
    if (seen.has(s.ticker)) throw new BacktestInputError(`ticker ${s.ticker} appears twice`, s.ticker);
    seen.add(s.ticker);
    const d = barDays(s);
    dayCols.push(d);
    total += d.length;
  }
  const all = new Int32Array(total);
  let k = 0;
  for (const d of dayCols) {
    all.set(d, k);
    k += d.length;
  }
  all.sort();
  let rows = 0;
  for (let j = 0; j < total; j++) if (j === 0 || all[j] !== all[j - 1]) all[rows++] = all[j];
  if (rows === 0) throw new BacktestInputError('the tickers have no bars', 'bars');
  const days = all.slice(0, rows);
  const cols = series.length;
  const size = rows * cols;
  const m: PriceMatrix = {
    tickers: series.map((s) => s.ticker),
    days,
    rows,
    cols,
    open: new Float64Array(size).fill(Number.NaN),
    high: new Float64Array(size).fill(Number.NaN),
    low: new Float64Array(size).fill(Number.NaN),
    close: new Float64Array(size).fill(Number.NaN),
    volume: new Float64Array(size).fill(Number.NaN),
  };
  series.forEach((s, i) => {
    const d = dayCols[i];
    const b = s.bars;
    let t = 0;
    for (let j = 0; j < d.length; j++) {
      while (days[t] !== d[j]) t++;
      const at = t * cols + i;
      m.open[at] = b.open[j];
      m.high[at] = b.high[j];
      m.low[at] = b.low[j];
      m.close[at] = b.close[j];
      m.volume[at] = b.volume[j];
    }
  });
  return m;
}

function barDays(s: TickerSeries): Int32Array {
  const b = s.bars;
  const n = b.ts.length;
  for (const f of ['open', 'high', 'low', 'close', 'volume'] as const) {
    if (b[f].length !== n) throw new BacktestInputError(`${s.ticker}: ${f} has ${b[f].length} rows, ts has ${n}`, s.ticker);
  }
  const d = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const ts = b.ts[j];
    if (!Number.isFinite(ts)) throw new BacktestInputError(`${s.ticker}: bar ${j} has no timestamp`, s.ticker);
    d[j] = Math.floor(ts / DAY_MS);
    if (j > 0 && d[j] <= d[j - 1]) {
      throw new BacktestInputError(
        `${s.ticker}: bar ${j} (${isoFromDay(d[j])}) is not after the previous bar (${isoFromDay(d[j - 1])}); daily bars must be ascending and unique`,
        s.ticker,
      );
    }
    const o = b.open[j];
    const h = b.high[j];
    const l = b.low[j];
    const c = b.close[j];
    const v = b.volume[j];
    if (!(o > 0 && h > 0 && l > 0 && c > 0 && v >= 0) || !Number.isFinite(h) || !Number.isFinite(v)) {
      throw new BacktestInputError(
        `${s.ticker} ${isoFromDay(d[j])}: bar needs positive open/high/low/close and volume ≥ 0 (got o=${o} h=${h} l=${l} c=${c} v=${v})`,
        s.ticker,
      );
    }
  }
  return d;
}

/** One ticker's column of a row-major field. */
export function column(m: PriceMatrix, field: Float64Array, i: number): Float64Array {
  const out = new Float64Array(m.rows);
  for (let t = 0; t < m.rows; t++) out[t] = field[t * m.cols + i];
  return out;
}

/** Index of a ticker in the matrix, or a BacktestInputError naming it. */
export function tickerIndex(m: PriceMatrix, ticker: string): number {
  const i = m.tickers.indexOf(ticker);
  if (i < 0) throw new BacktestInputError(`ticker ${ticker} is not in the price data`, ticker);
  return i;
}

/** A copy of the matrix (fields are fresh arrays), e.g. to perturb prices in a test. */
export function cloneMatrix(m: PriceMatrix): PriceMatrix {
  return {
    tickers: [...m.tickers],
    days: m.days.slice(),
    rows: m.rows,
    cols: m.cols,
    open: m.open.slice(),
    high: m.high.slice(),
    low: m.low.slice(),
    close: m.close.slice(),
    volume: m.volume.slice(),
  };
}
