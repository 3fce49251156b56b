/**
 * Pre-binned return distribution for the risk page: equal-width bins over [min, max]
 * (numpy.histogram conventions: every bin is [lo, hi) except the last, which is closed;
 * a constant series gets the range [v − 0.5, v + 0.5]), densities, a normal overlay with
 * the sample moments, and the moments themselves.
 */
import { excessKurtosis, mean, skewness, std } from './moments';
import { normalPdf } from './normal';

export interface ReturnDistribution {
  n: number;
  /** bins + 1 ascending edges */
  edges: Float64Array;
  counts: Int32Array;
  /** count/(n·width): integrates to 1 */
  density: Float64Array;
  /** normal density with the sample mean and std at each bin centre (NaN if std is 0/undefined) */
  normalDensity: Float64Array;
  mean: number;
  /** sample std, ddof 1 */
  std: number;
  /** pandas bias-corrected skewness */
  skew: number;
  /** pandas bias-corrected excess kurtosis */
  kurtosis: number;
  min: number;
  max: number;
}

export function returnDistribution(returns: Float64Array, bins = 50): ReturnDistribution {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError(`bins must be a positive integer (got ${bins})`);
  const n = returns.length;
  if (n === 0) throw new RangeError('returnDistribution needs at least one return');
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = returns[i];
    if (!Number.isFinite(v)) throw new RangeError(`returns[${i}] is not finite (${v})`);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const min = lo;
  const max = hi;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  const width = (hi - lo) / bins;
  for (let b = 0; b <= bins; b++) edges[b] = lo + b * width;
  edges[bins] = hi;
  const counts = new Int32Array(bins);
  for (let i = 0; i < n; i++) {
    const v = returns[i];
    let b = Math.floor((v - lo) / width);
    // Guard the rounding at edges so each value lands in the bin whose [lo, hi) holds it.
    if (b >= bins) b = bins - 1;
    else if (b > 0 && v < edges[b]) b--;
    else if (b < bins - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  const mu = mean(returns);
  const sd = std(returns, 1);
  const density = new Float64Array(bins);
  const normalDensity = new Float64Array(bins);
  for (let b = 0; b < bins; b++) {
    const w = edges[b + 1] - edges[b];
    density[b] = counts[b] / (n * w);
    const c = 0.5 * (edges[b] + edges[b + 1]);
    normalDensity[b] = sd > 0 ? normalPdf((c - mu) / sd) / sd : Number.NaN;
  }
  return {
    n,
    edges,
    counts,
    density,
    normalDensity,
    mean: mu,
    std: sd,
    skew: skewness(returns),
    kurtosis: excessKurtosis(returns),
    min,
    max,
  };
}
