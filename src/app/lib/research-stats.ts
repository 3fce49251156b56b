/**
 * Display statistics of stored feature columns: histogram binning, moments, variance ranking
 * and a pairwise-complete correlation matrix. Single passes over typed arrays, NaN-aware
 * (NaN = missing), inputs never mutated. Sized for one ticker's columns (a few thousand rows ×
 * ≤ 30 columns), which keeps the correlation matrix well under a frame on the main thread.
 */

export const MIN_BINS = 30;
export const MAX_BINS = 50;

/** Rice rule (2·n^⅓) clamped to [30, 50]: enough bins to show shape, few enough to read. */
export function binCount(n: number): number {
  if (!(n > 0)) return MIN_BINS;
  return Math.min(MAX_BINS, Math.max(MIN_BINS, Math.ceil(2 * Math.cbrt(n))));
}

export interface Histogram {
  /** bins + 1 ascending edges; bin i covers [edges[i], edges[i+1]) and the last bin includes its upper edge */
  edges: Float64Array;
  counts: Int32Array;
  /** finite values counted */
  n: number;
  /** NaN / ±Infinity values left out */
  missing: number;
  min: number;
  max: number;
}

/**
 * Equal-width histogram over [min, max] of the finite values. A constant series gets one unit
 * of width centred on its value (so it still draws). No finite values → all-zero counts over [0, 1].
 */
export function histogram(values: ArrayLike<number>, bins?: number): Histogram {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const k = Math.max(1, Math.floor(bins ?? binCount(n)));
  const missing = values.length - n;
  const edges = new Float64Array(k + 1);
  const counts = new Int32Array(k);
  if (n === 0) {
    for (let i = 0; i <= k; i++) edges[i] = i / k;
    return { edges, counts, n, missing, min: Number.NaN, max: Number.NaN };
  }
  let lo = min;
  let hi = max;
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const w = (hi - lo) / k;
  for (let i = 0; i <= k; i++) edges[i] = lo + w * i;
  edges[k] = hi;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let b = Math.floor((v - lo) / w);
    if (b >= k) b = k - 1;
    else if (b < 0) b = 0;
    // Floating-point edges: keep the invariant edges[b] <= v < edges[b+1].
    while (b > 0 && v < edges[b]) b--;
    while (b < k - 1 && v >= edges[b + 1]) b++;
    counts[b]++;
  }
  return { edges, counts, n, missing, min, max };
}

export interface Moments {
  n: number;
  mean: number;
  /** sample standard deviation (n − 1) */
  std: number;
  /** adjusted Fisher–Pearson skewness G1 (pandas `skew`), NaN below 3 values or for zero variance */
  skew: number;
}

/** Mean, sample std and sample skewness of the finite values (two passes, no allocation). */
export function moments(values: ArrayLike<number>): Moments {
  let n = 0;
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      n++;
      sum += v;
    }
  }
  if (n === 0) return { n, mean: Number.NaN, std: Number.NaN, skew: Number.NaN };
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN;
  let skew = Number.NaN;
  if (n > 2 && m2 > 0) {
    const b2 = m2 / n;
    const g1 = m3 / n / b2 ** 1.5;
    skew = (Math.sqrt(n * (n - 1)) / (n - 2)) * g1;
  }
  return { n, mean, std, skew };
}

/** Sample variance of the finite values (NaN below two). */
export function variance(values: ArrayLike<number>): number {
  const m = moments(values);
  return m.std * m.std;
}

/**
 * Indices of the `k` columns with the largest sample variance, largest first; columns without
 * a variance (fewer than two values) come last; ties keep column order.
 */
export function topByVariance(columns: readonly ArrayLike<number>[], k: number): number[] {
  const v = columns.map((c) => variance(c));
  const order = columns.map((_, i) => i);
  order.sort((a, b) => {
    const va = Number.isNaN(v[a]) ? Number.NEGATIVE_INFINITY : v[a];
    const vb = Number.isNaN(v[b]) ? Number.NEGATIVE_INFINITY : v[b];
    return vb - va || a - b;
  });
  return order.slice(0, Math.max(0, k));
}

/**
 * Pearson correlations, k×k row-major, each pair over the rows where both are finite
 * (pairwise-complete, like pandas `DataFrame.corr`). NaN where fewer than 3 shared rows or a
 * zero variance; the diagonal is 1 for a column with variance, else NaN.
 */
export function correlationMatrix(columns: readonly ArrayLike<number>[]): Float64Array {
  const k = columns.length;
  const out = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    const x = columns[a];
    for (let b = a; b < k; b++) {
      const y = columns[b];
      const T = Math.min(x.length, y.length);
      // Shifted sums (by the first shared pair) keep the one-pass formula accurate for offset data.
      let n = 0;
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      let ox = Number.NaN;
      let oy = Number.NaN;
      for (let t = 0; t < T; t++) {
        const xv = x[t];
        const yv = y[t];
        if (!Number.isFinite(xv) || !Number.isFinite(yv)) continue;
        if (n === 0) {
          ox = xv;
          oy = yv;
        }
        const dx = xv - ox;
        const dy = yv - oy;
        n++;
        sx += dx;
        sy += dy;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      }
      let r = Number.NaN;
      if (n >= 3) {
        const vx = sxx - (sx * sx) / n;
        const vy = syy - (sy * sy) / n;
        const cxy = sxy - (sx * sy) / n;
        if (vx > 0 && vy > 0) r = Math.max(-1, Math.min(1, cxy / Math.sqrt(vx * vy)));
      }
      if (a === b && !Number.isNaN(r)) r = 1;
      out[a * k + b] = r;
      out[b * k + a] = r;
    }
  }
  return out;
}
