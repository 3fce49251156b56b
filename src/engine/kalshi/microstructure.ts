/**
 * Microstructure features of a market over the 4 hours up to an as-of time (events
 * microstructure.py): update rate, quote staleness per contract (median, p95), relative
 * spread (median, population std), the share of contracts that traded, and a tail-liquidity
 * score. Causal: only quotes with as-of − 4h < ts ≤ as-of are read.
 */
import { finiteMedian } from './quality';
import { HOUR_MS, type MarketQuotes } from './types';
import { quantile } from './walkforward';

export const MICRO_FEATURES = [
  'micro_updates_per_hour',
  'micro_staleness_median_s',
  'micro_staleness_p95_s',
  'micro_spread_median',
  'micro_spread_std',
  'micro_active_fraction',
  'micro_tail_liquidity',
] as const;

export const MICRO_WINDOW_MS = 4 * HOUR_MS;

/** Values in MICRO_FEATURES order (NaN where undefined). `nContracts` = the market's contract count. */
export function microstructureFeatures(q: MarketQuotes, nContracts: number, asof: number, windowMs = MICRO_WINDOW_MS): Float64Array {
  const from = asof - windowMs;
  let updates = 0;
  const spreads: number[] = [];
  const lastTs = new Float64Array(q.contractIds.length).fill(Number.NaN);
  const active = new Uint8Array(q.contractIds.length);
  for (let i = 0; i < q.ts.length; i++) {
    const t = q.ts[i];
    if (!(t <= asof)) continue;
    const c = q.contract[i];
    if (!(t <= lastTs[c])) lastTs[c] = t;
    if (t <= from) continue;
    updates++;
    const mid = Number.isFinite(q.mid[i]) ? q.mid[i] : (q.bid[i] + q.ask[i]) / 2;
    const s = (q.ask[i] - q.bid[i]) / mid;
    if (Number.isFinite(s) && mid > 0) spreads.push(s);
    if (q.volume[i] > 0) active[c] = 1;
  }
  const stale: number[] = [];
  for (let c = 0; c < lastTs.length; c++) if (Number.isFinite(lastTs[c])) stale.push((asof - lastTs[c]) / 1000);
  stale.sort((a, b) => a - b);
  const perHour = updates / (windowMs / HOUR_MS);
  let spreadStd = Number.NaN;
  if (spreads.length > 0) {
    const m = spreads.reduce((a, b) => a + b, 0) / spreads.length;
    spreadStd = Math.sqrt(spreads.reduce((a, b) => a + (b - m) ** 2, 0) / spreads.length);
  }
  let nActive = 0;
  for (const a of active) nActive += a;
  const activeFraction = nContracts > 0 ? nActive / nContracts : Number.NaN;
  return Float64Array.from([
    perHour,
    finiteMedian(stale),
    quantile(stale, 0.95),
    finiteMedian(spreads),
    spreadStd,
    activeFraction,
    Math.min(1, Math.max(0, Math.tanh(perHour / 10) * activeFraction)),
  ]);
}
