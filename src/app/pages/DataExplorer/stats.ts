/** Stat cards of one bar series (pure; the page passes the bars it shows). */
import type { Bars, QualityStatus, Timeframe } from '../../../engine/contracts';

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;

export interface SeriesStatsView {
  last: number;
  lastTs: number;
  /** change of the last close vs the previous session's close */
  change: number;
  changePct: number;
  high52: number;
  low52: number;
  /** mean daily volume over the last 20 sessions */
  avgVolume20: number;
  sessions: number;
}

/** Session key of a bar: the UTC date for daily bars, the New York date for intraday ones. */
function sessionKey(ts: number, daily: boolean): number {
  if (daily) return Math.floor(ts / DAY_MS);
  // New York is UTC−5/−4: a 4-hour shift keeps every regular-hours bar on its session date
  return Math.floor((ts - 4 * 3_600_000) / DAY_MS);
}

export function seriesStatsView(bars: Bars, timeframe: Timeframe): SeriesStatsView | null {
  const n = bars.ts.length;
  if (n === 0) return null;
  const daily = timeframe === '1d';
  // per-session close and volume (last close, summed volume)
  const closes: number[] = [];
  const volumes: number[] = [];
  let key = Number.NaN;
  for (let i = 0; i < n; i++) {
    const k = sessionKey(bars.ts[i], daily);
    if (k !== key) {
      key = k;
      closes.push(bars.close[i]);
      volumes.push(Number.isNaN(bars.volume[i]) ? 0 : bars.volume[i]);
    } else {
      closes[closes.length - 1] = bars.close[i];
      volumes[volumes.length - 1] += Number.isNaN(bars.volume[i]) ? 0 : bars.volume[i];
    }
  }
  const last = bars.close[n - 1];
  const prev = closes.length >= 2 ? closes[closes.length - 2] : Number.NaN;
  const lastTs = bars.ts[n - 1];
  let high52 = Number.NEGATIVE_INFINITY;
  let low52 = Number.POSITIVE_INFINITY;
  for (let i = n - 1; i >= 0 && bars.ts[i] > lastTs - YEAR_MS; i--) {
    const h = Number.isNaN(bars.high[i]) ? bars.close[i] : bars.high[i];
    const l = Number.isNaN(bars.low[i]) ? bars.close[i] : bars.low[i];
    if (h > high52) high52 = h;
    if (l < low52) low52 = l;
  }
  const tail = volumes.slice(-20);
  const avgVolume20 = tail.length === 20 ? tail.reduce((a, b) => a + b, 0) / 20 : Number.NaN;
  return {
    last,
    lastTs,
    change: last - prev,
    changePct: prev > 0 ? (last - prev) / prev : Number.NaN,
    high52: Number.isFinite(high52) ? high52 : Number.NaN,
    low52: Number.isFinite(low52) ? low52 : Number.NaN,
    avgVolume20,
    sessions: closes.length,
  };
}

/** K/M/B volume text. */
export function compactVolume(v: number): string {
  if (!Number.isFinite(v)) return '—';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}K`;
  return String(Math.round(v));
}

/** The spec's quality wording: GOOD (pass), FAIR (warnings), POOR (fail). */
export function qualityWord(q: QualityStatus): string {
  switch (q) {
    case 'pass':
      return 'GOOD';
    case 'warn':
      return 'FAIR';
    case 'fail':
      return 'POOR';
    case 'unchecked':
      return 'UNCHECKED';
  }
}
