/**
 * Opt-in back-adjustment of suspected stock splits in unadjusted daily bars, so a backtest
 * does not book a 4:1 split as a −75 % day. A row t is suspect when |C_t/C_{t−1} − 1| > 0.4
 * (contract A's `suspected_splits` rule). The level change is measured robustly as
 * k = median(C over the ≤ 5 bars before t) / median(C over t and the ≤ 4 bars after), which
 * is insensitive to the split day's own move (a one-day ratio cannot tell a 5:1 split on a
 * +12 % day from a 4:1 split). k is snapped to the nearest customary ratio R in
 * {2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 100} (or 1/R for a reverse split) if
 * within 15 % (|ln(k/R)| < ln 1.15); otherwise the move is treated as genuine and left alone.
 * Prices before t are divided by R and volumes multiplied by R. Every decision is returned so
 * callers report it; the input is not modified. This is data cleaning applied before a
 * backtest (like any split adjustment it uses the later-announced ratio), never inside one.
 */
import type { Bars } from '../contracts';
import { isoDay } from '../core/time';

export interface SplitAdjustment {
  /** ISO date of the first bar on the new basis */
  date: string;
  /** shares after / shares before (2 = 2-for-1; 0.125 = 1-for-8) */
  ratio: number;
  /** close-to-close return before adjustment */
  rawReturn: number;
}

export interface AdjustedBars {
  bars: Bars;
  adjustments: SplitAdjustment[];
  /** suspect rows judged to be genuine moves */
  ignored: Array<{ date: string; rawReturn: number }>;
}

export function adjustSuspectedSplits(b: Bars, threshold = 0.4): AdjustedBars {
  const n = b.ts.length;
  const out: Bars = {
    ts: b.ts.slice(),
    open: b.open.slice(),
    high: b.high.slice(),
    low: b.low.slice(),
    close: b.close.slice(),
    volume: b.volume.slice(),
  };
  const adjustments: SplitAdjustment[] = [];
  const ignored: Array<{ date: string; rawReturn: number }> = [];
  // walk backwards so each factor applies to the already-adjusted earlier history
  const factor = new Float64Array(n).fill(1);
  const found: Array<{ t: number; ratio: number; ret: number }> = [];
  for (let t = 1; t < n; t++) {
    const ret = b.close[t] / b.close[t - 1] - 1;
    if (!(Math.abs(ret) > threshold)) continue;
    const k = median(b.close, Math.max(0, t - 5), t) / median(b.close, t, Math.min(n, t + 5));
    const ratio = snapRatio(k);
    if (ratio === 0) ignored.push({ date: isoDay(b.ts[t]), rawReturn: ret });
    else found.push({ t, ratio, ret });
  }
  let f = 1;
  let next = found.length - 1;
  for (let t = n - 1; t >= 0; t--) {
    while (next >= 0 && found[next].t > t) {
      f *= found[next].ratio;
      next--;
    }
    factor[t] = f;
  }
  for (let t = 0; t < n; t++) {
    const r = factor[t];
    if (r === 1) continue;
    out.open[t] /= r;
    out.high[t] /= r;
    out.low[t] /= r;
    out.close[t] /= r;
    out.volume[t] *= r;
  }
  for (const s of found) adjustments.push({ date: isoDay(b.ts[s.t]), ratio: s.ratio, rawReturn: s.ret });
  return { bars: out, adjustments, ignored };
}

const RATIOS = [2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 100];
const TOLERANCE = Math.log(1.15);

/** Nearest customary split ratio (or its reciprocal) within 15 %, else 0. */
function snapRatio(k: number): number {
  if (!(k > 0) || !Number.isFinite(k)) return 0;
  const lk = Math.log(k);
  let best = 0;
  let err = TOLERANCE;
  for (const r of RATIOS) {
    for (const cand of [r, 1 / r]) {
      const e = Math.abs(lk - Math.log(cand));
      if (e < err) {
        err = e;
        best = cand;
      }
    }
  }
  return best;
}

function median(x: Float64Array, from: number, to: number): number {
  const s = Array.from(x.subarray(from, to)).sort((a, b) => a - b);
  const m = s.length;
  return m % 2 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}
