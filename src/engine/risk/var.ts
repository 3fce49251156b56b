/**
 * Value at risk and expected shortfall of a return series, reported as RETURNS (a loss is
 * negative: VaR95 = −0.02 means a 5% chance of losing 2% or more in one period).
 * Historical: numpy's linear-interpolation percentile; ES = mean of returns ≤ VaR.
 * Parametric normal: μ + σ·z with z = Φ⁻¹(1 − level) (exact quantile; the original used
 * the rounded −1.645/−2.326) and ES = μ − σ·φ(z)/(1 − level). Cornish–Fisher adjusts z
 * for sample skew S and excess kurtosis K (pandas bias-corrected).
 */
import { excessKurtosis, mean, skewness, std } from './moments';
import { normalPdf, normalQuantile } from './normal';

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) throw new RangeError(`confidence level must be in (0, 1) (got ${level})`);
}

/** Ascending copy without mutating the input. */
export function sortedCopy(x: ArrayLike<number>): Float64Array {
  return Float64Array.from(x).sort();
}

/** numpy.percentile(x, 100·q) with linear interpolation, on an ascending column. */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  const f = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  return f === 0 ? a : a + f * (b - a);
}

export interface TailRisk {
  level: number;
  var: number;
  es: number;
}

/** Historical VaR and ES at `level` (e.g. 0.95). */
export function historicalVar(returns: ArrayLike<number>, level: number, sorted = sortedCopy(returns)): TailRisk {
  checkLevel(level);
  const v = quantileSorted(sorted, 1 - level);
  let s = 0;
  let k = 0;
  for (let i = 0; i < sorted.length && sorted[i] <= v; i++) {
    s += sorted[i];
    k++;
  }
  return { level, var: v, es: k === 0 ? Number.NaN : s / k };
}

/** Normal VaR and ES at `level` from the sample mean and std (ddof 1). */
export function parametricVar(returns: ArrayLike<number>, level: number): TailRisk {
  checkLevel(level);
  const mu = mean(returns);
  const sigma = std(returns, 1);
  const z = normalQuantile(1 - level);
  return { level, var: mu + sigma * z, es: mu - (sigma * normalPdf(z)) / (1 - level) };
}

/** Cornish–Fisher VaR: μ + σ·z_cf, z_cf = z + (z²−1)S/6 + (z³−3z)K/24 − (2z³−5z)S²/36. */
export function cornishFisherVar(returns: ArrayLike<number>, level: number): number {
  checkLevel(level);
  const mu = mean(returns);
  const sigma = std(returns, 1);
  const s = skewness(returns);
  const k = excessKurtosis(returns);
  const z = normalQuantile(1 - level);
  const zcf = z + ((z * z - 1) * s) / 6 + ((z * z * z - 3 * z) * k) / 24 - ((2 * z * z * z - 5 * z) * s * s) / 36;
  return mu + sigma * zcf;
}

/** abs(P95/P5); NaN if P5 = 0. */
export function tailRatio(sorted: Float64Array): number {
  const p5 = quantileSorted(sorted, 0.05);
  const p95 = quantileSorted(sorted, 0.95);
  return p5 === 0 ? Number.NaN : Math.abs(p95 / p5);
}
