/**
 * OHLCV aggregation of a visible bar range to the chart's pixel width: consecutive bars are
 * grouped into equal-count buckets (never more buckets than `maxBuckets`) and each bucket
 * becomes one candle — first open, max high, min low, last close, summed volume — stamped with
 * its first bar's time. Missing values are skipped (a bucket whose field has no value is NaN).
 * A 100k-bar series therefore always draws a few hundred candles, and zooming in re-aggregates
 * the smaller range down to one candle per bar. Inputs are never mutated.
 */
import type { Bars } from '../../../engine/contracts';

export interface CandleBuckets {
  /** bucket start time, epoch ms */
  x: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  /** bars per bucket (1 = no aggregation) */
  per: number;
  /** index of each bucket's first bar */
  first: Int32Array;
}

/** Bars [from, to) → at most `maxBuckets` candles. */
export function aggregateCandles(bars: Bars, from: number, to: number, maxBuckets: number): CandleBuckets {
  const lo = Math.max(0, Math.min(from, bars.ts.length));
  const hi = Math.max(lo, Math.min(to, bars.ts.length));
  const n = hi - lo;
  const per = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(maxBuckets))));
  const m = Math.ceil(n / per);
  const out: CandleBuckets = {
    x: new Float64Array(m),
    open: new Float64Array(m),
    high: new Float64Array(m),
    low: new Float64Array(m),
    close: new Float64Array(m),
    volume: new Float64Array(m),
    per,
    first: new Int32Array(m),
  };
  for (let b = 0; b < m; b++) {
    const s = lo + b * per;
    const e = Math.min(hi, s + per);
    let o = Number.NaN;
    let h = Number.NaN;
    let l = Number.NaN;
    let c = Number.NaN;
    let v = Number.NaN;
    for (let i = s; i < e; i++) {
      const oi = bars.open[i];
      const hi_ = bars.high[i];
      const li = bars.low[i];
      const ci = bars.close[i];
      const vi = bars.volume[i];
      if (Number.isNaN(o) && !Number.isNaN(oi)) o = oi;
      if (!Number.isNaN(hi_) && !(hi_ <= h)) h = hi_;
      if (!Number.isNaN(li) && !(li >= l)) l = li;
      if (!Number.isNaN(ci)) c = ci;
      if (!Number.isNaN(vi)) v = Number.isNaN(v) ? vi : v + vi;
    }
    out.x[b] = bars.ts[s];
    out.open[b] = o;
    out.high[b] = h;
    out.low[b] = l;
    out.close[b] = c;
    out.volume[b] = v;
    out.first[b] = s;
  }
  return out;
}

/** First index with ts ≥ t (binary search over ascending ts). */
export function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Price and volume extents of buckets (NaN-skipping); null when nothing is finite. */
export function extents(b: CandleBuckets): { low: number; high: number; maxVolume: number } | null {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  let maxVolume = 0;
  for (let i = 0; i < b.x.length; i++) {
    const l = Number.isNaN(b.low[i]) ? Math.min(b.open[i], b.close[i]) : b.low[i];
    const h = Number.isNaN(b.high[i]) ? Math.max(b.open[i], b.close[i]) : b.high[i];
    if (l < low) low = l;
    if (h > high) high = h;
    if (b.volume[i] > maxVolume) maxVolume = b.volume[i];
  }
  if (!Number.isFinite(low) || !Number.isFinite(high)) return null;
  return { low, high, maxVolume };
}
