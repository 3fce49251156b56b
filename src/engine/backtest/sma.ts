/**
 * Simple moving averages from one prefix sum, shared by the rule signals and the parameter
 * sweep so that both take the same entry decisions bit for bit. cs[0] = 0,
 * cs[k+1] = cs[k] + x[k] (sequential float64 additions, the order numpy's `cumsum` uses);
 * SMA_n(t) = (cs[t+1] − cs[t+1−n]) / n for t ≥ n − 1, NaN before. The difference of two
 * prefix sums carries an absolute error of a few ulps of cs (≈ 1e-10 on 20 years of prices
 * around 500), i.e. ≲ 1e-12 relative on the average — ample for a crossover rule, whose only
 * sensitivity is to exact ties.
 */

/** Prefix sums of a fully present series (length n + 1). */
export function prefixSums(x: Float64Array): Float64Array {
  const cs = new Float64Array(x.length + 1);
  let s = 0;
  for (let k = 0; k < x.length; k++) {
    s += x[k];
    cs[k + 1] = s;
  }
  return cs;
}

/** SMA_n of the series whose prefix sums are `cs`, written into `out` (length cs.length − 1). */
export function smaFromPrefix(cs: Float64Array, n: number, out: Float64Array, outOffset = 0): void {
  const len = cs.length - 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`SMA window must be a positive integer (got ${n})`);
  const end = Math.min(n - 1, len);
  for (let t = 0; t < end; t++) out[outOffset + t] = Number.NaN;
  for (let t = n - 1; t < len; t++) out[outOffset + t] = (cs[t + 1] - cs[t + 1 - n]) / n;
}
