/**
 * Bar timeframe of intraday data: the median spacing between consecutive clean bars of the
 * same ticker and session date (overnight gaps never count), over all tickers of the file,
 * mapped to the nearest standard timeframe on a log scale (so 2 min → 1m, 3 min → 5m,
 * 45 min → 1h). Data with at most one bar per session is effectively daily → '1d'.
 * A daily file is always '1d' (decided by the caller).
 */
import { TIMEFRAME_MINUTES, type Timeframe } from '../contracts/datasets';
import { MINUTE_MS } from './calendar';

const INTRADAY: readonly Timeframe[] = ['1m', '5m', '15m', '30m', '1h', '4h'];

export interface SessionSeries {
  ts: Float64Array;
  sessionDays: Int32Array;
}

/** Median of within-session spacings in minutes, NaN when there is none. */
export function medianSessionSpacingMinutes(series: readonly SessionSeries[]): number {
  // Spacings repeat heavily (a handful of distinct values), so count them instead of sorting all.
  const counts = new Map<number, number>();
  let total = 0;
  for (const { ts, sessionDays } of series) {
    for (let i = 1; i < ts.length; i++) {
      if (sessionDays[i] !== sessionDays[i - 1]) continue;
      const d = ts[i] - ts[i - 1];
      counts.set(d, (counts.get(d) ?? 0) + 1);
      total++;
    }
  }
  if (total === 0) return Number.NaN;
  const keys = [...counts.keys()].sort((a, b) => a - b);
  const lo = Math.floor((total - 1) / 2);
  const hi = Math.floor(total / 2);
  let seen = 0;
  let vlo = Number.NaN;
  let vhi = Number.NaN;
  for (const k of keys) {
    const c = counts.get(k)!;
    if (Number.isNaN(vlo) && seen + c > lo) vlo = k;
    if (seen + c > hi) {
      vhi = k;
      break;
    }
    seen += c;
  }
  return (vlo + vhi) / 2 / MINUTE_MS;
}

/** Nearest standard intraday timeframe (log scale) to a spacing in minutes. */
export function nearestTimeframe(minutes: number): Timeframe {
  let best: Timeframe = INTRADAY[0];
  let bestDist = Number.POSITIVE_INFINITY;
  for (const tf of INTRADAY) {
    const d = Math.abs(Math.log(minutes / TIMEFRAME_MINUTES[tf]));
    if (d < bestDist) {
      bestDist = d;
      best = tf;
    }
  }
  return best;
}

export function detectTimeframe(series: readonly SessionSeries[]): Timeframe {
  const med = medianSessionSpacingMinutes(series);
  if (!(med > 0)) return '1d';
  return nearestTimeframe(med);
}
