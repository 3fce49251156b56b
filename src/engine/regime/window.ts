/**
 * Trailing-window statistics with pandas' `min_periods` semantics (missing values skipped,
 * NaN until `minPeriods` present values are in the window), as the rule-based detector needs
 * them (§3.5: 252-row windows, min_periods 60). The core rolling primitives require full
 * windows, so these live here.
 */

function checkWindow(n: number, minPeriods: number): void {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`window must be an integer ≥ 1, got ${n}`);
  if (!(Number.isInteger(minPeriods) && minPeriods >= 1 && minPeriods <= n)) {
    throw new Error(`minPeriods must be an integer in 1..${n}, got ${minPeriods}`);
  }
}

/** Index of the first element ≥ v in the ascending prefix s[0..len). */
function lowerBound(s: Float64Array, len: number, v: number): number {
  let lo = 0;
  let hi = len;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `x.rolling(n, min_periods).quantile(q)` with linear interpolation between order statistics
 * (pandas/numpy default): position q·(m−1) among the m present values of the window.
 * A sorted copy of the window is kept up to date by binary-search insert/delete: O(n) per row.
 */
export function rollingQuantile(x: Float64Array, n: number, minPeriods: number, q: number): Float64Array {
  checkWindow(n, minPeriods);
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile must be in [0, 1], got ${q}`);
  const out = new Float64Array(x.length);
  const sorted = new Float64Array(n);
  let m = 0;
  for (let t = 0; t < x.length; t++) {
    // Drop the row leaving the window before inserting the new one: the buffer holds n values.
    if (t >= n) {
      const old = x[t - n];
      if (old - old === 0) {
        const at = lowerBound(sorted, m, old);
        sorted.copyWithin(at, at + 1, m);
        m--;
      }
    }
    const v = x[t];
    if (v - v === 0) {
      const at = lowerBound(sorted, m, v);
      sorted.copyWithin(at + 1, at, m);
      sorted[at] = v;
      m++;
    }
    if (m < minPeriods) {
      out[t] = Number.NaN;
      continue;
    }
    const pos = q * (m - 1);
    const lo = Math.floor(pos);
    const frac = pos - lo;
    out[t] = frac === 0 ? sorted[lo] : sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
  }
  return out;
}

/**
 * `x.rolling(n, min_periods).mean()` and `.std()` (ddof 1) over the present values, each
 * window evaluated two-pass (exact enough for z-scores; O(n) per row).
 */
export function rollingMeanStdMinPeriods(
  x: Float64Array,
  n: number,
  minPeriods: number,
): { mean: Float64Array; std: Float64Array } {
  checkWindow(n, minPeriods);
  const mean = new Float64Array(x.length);
  const std = new Float64Array(x.length);
  for (let t = 0; t < x.length; t++) {
    const from = Math.max(0, t - n + 1);
    let c = 0;
    let s = 0;
    for (let i = from; i <= t; i++) {
      const v = x[i];
      if (v - v === 0) {
        c++;
        s += v;
      }
    }
    if (c < minPeriods) {
      mean[t] = Number.NaN;
      std[t] = Number.NaN;
      continue;
    }
    const m = s / c;
    let ss = 0;
    for (let i = from; i <= t; i++) {
      const v = x[i];
      if (v - v === 0) ss += (v - m) * (v - m);
    }
    mean[t] = m;
    std[t] = c > 1 ? Math.sqrt(ss / (c - 1)) : Number.NaN;
  }
  return { mean, std };
}
