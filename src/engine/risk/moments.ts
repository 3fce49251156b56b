/**
 * Numerically careful moments over a slice [from, to) of a column: compensated (Neumaier)
 * sums and corrected two-pass variance/covariance. A slice whose values are all identical
 * has variance exactly 0 (its true value), so "std = 0 → null" rules fire on constant input
 * instead of dividing by a rounding residue.
 */

type Col = ArrayLike<number>;

/** Σ x over [from, to) with Neumaier compensation (error independent of n). */
export function sum(x: Col, from = 0, to = x.length): number {
  let s = 0;
  let c = 0;
  for (let i = from; i < to; i++) {
    const v = x[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

/** Arithmetic mean; NaN for an empty slice. */
export function mean(x: Col, from = 0, to = x.length): number {
  const n = to - from;
  if (n <= 0) return Number.NaN;
  const m = sum(x, from, to) / n;
  // One correction pass: the mean of the residuals, which is ~0 but not exactly.
  let r = 0;
  for (let i = from; i < to; i++) r += x[i] - m;
  return m + r / n;
}

function isConstant(x: Col, from: number, to: number): boolean {
  const first = x[from];
  for (let i = from + 1; i < to; i++) if (x[i] !== first) return false;
  return true;
}

/** Sample variance with `ddof` (default 1); NaN when n − ddof ≤ 0; exactly 0 if constant. */
export function variance(x: Col, ddof = 1, from = 0, to = x.length): number {
  const n = to - from;
  if (n - ddof <= 0) return Number.NaN;
  if (isConstant(x, from, to)) return 0;
  const m = mean(x, from, to);
  let ss = 0;
  let sd = 0;
  for (let i = from; i < to; i++) {
    const d = x[i] - m;
    ss += d * d;
    sd += d;
  }
  // Corrected two-pass (Chan, Golub & LeVeque): removes the residual error of m.
  const v = (ss - (sd * sd) / n) / (n - ddof);
  return Math.max(v, 0);
}

/** Sample standard deviation (ddof default 1). */
export function std(x: Col, ddof = 1, from = 0, to = x.length): number {
  return Math.sqrt(variance(x, ddof, from, to));
}

/** Sample covariance of two aligned slices (same [from, to)), ddof default 1. */
export function covariance(x: Col, y: Col, ddof = 1, from = 0, to = x.length): number {
  const n = to - from;
  if (n - ddof <= 0) return Number.NaN;
  const cx = isConstant(x, from, to);
  const cy = isConstant(y, from, to);
  if (cx || cy) return 0;
  const mx = mean(x, from, to);
  const my = mean(y, from, to);
  let sxy = 0;
  let sx = 0;
  let sy = 0;
  for (let i = from; i < to; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sx += dx;
    sy += dy;
  }
  return (sxy - (sx * sy) / n) / (n - ddof);
}

/** Second-order window statistics of (x, y) from one two-pass sweep. */
export interface PairMoments {
  n: number;
  meanX: number;
  meanY: number;
  /** Σ(x − x̄)², Σ(y − ȳ)², Σ(x − x̄)(y − ȳ) — corrected, exactly 0 for constant input */
  sxx: number;
  syy: number;
  sxy: number;
}

/** Two-pass co-moments of aligned slices; out is reused to avoid allocation in loops. */
export function pairMoments(x: Col, y: Col, from: number, to: number, out: PairMoments): PairMoments {
  const n = to - from;
  out.n = n;
  if (n <= 0) {
    out.meanX = out.meanY = out.sxx = out.syy = out.sxy = Number.NaN;
    return out;
  }
  // Plain sums are enough for a window mean here: the corrected second pass absorbs
  // the mean's rounding error to first order.
  let ax = 0;
  let ay = 0;
  let constX = true;
  let constY = true;
  const x0 = x[from];
  const y0 = y[from];
  for (let i = from; i < to; i++) {
    const a = x[i];
    const b = y[i];
    ax += a;
    ay += b;
    if (a !== x0) constX = false;
    if (b !== y0) constY = false;
  }
  const mx = constX ? x0 : ax / n;
  const my = constY ? y0 : ay / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let sx = 0;
  let sy = 0;
  for (let i = from; i < to; i++) {
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
    sx += dx;
    sy += dy;
  }
  out.meanX = mx + sx / n;
  out.meanY = my + sy / n;
  out.sxx = constX ? 0 : Math.max(0, sxx - (sx * sx) / n);
  out.syy = constY ? 0 : Math.max(0, syy - (sy * sy) / n);
  out.sxy = constX || constY ? 0 : sxy - (sx * sy) / n;
  return out;
}

export function newPairMoments(): PairMoments {
  return { n: 0, meanX: Number.NaN, meanY: Number.NaN, sxx: Number.NaN, syy: Number.NaN, sxy: Number.NaN };
}

/** Pearson correlation of aligned slices; NaN if either side has zero variance. */
export function pearson(x: Col, y: Col, from = 0, to = x.length): number {
  const m = pairMoments(x, y, from, to, newPairMoments());
  if (m.n < 2) return Number.NaN;
  const den = Math.sqrt(m.sxx) * Math.sqrt(m.syy);
  return den === 0 ? Number.NaN : m.sxy / den;
}

/** Central sums S2, S3, S4 about the mean (two-pass). */
function centralSums(x: Col, from: number, to: number): { n: number; s2: number; s3: number; s4: number } {
  const n = to - from;
  if (isConstant(x, from, to)) return { n, s2: 0, s3: 0, s4: 0 };
  const m = mean(x, from, to);
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = from; i < to; i++) {
    const d = x[i] - m;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  return { n, s2, s3, s4 };
}

/**
 * pandas' bias-corrected skewness: √(n(n−1))/(n−2) · m3/m2^1.5 with m_k = S_k/n.
 * NaN for n < 3 or S2 = 0.
 */
export function skewness(x: Col, from = 0, to = x.length): number {
  const { n, s2, s3 } = centralSums(x, from, to);
  if (n < 3 || s2 === 0) return Number.NaN;
  const m2 = s2 / n;
  const m3 = s3 / n;
  return ((Math.sqrt(n * (n - 1)) / (n - 2)) * m3) / m2 ** 1.5;
}

/**
 * pandas' bias-corrected excess kurtosis:
 * (n+1)n(n−1)/((n−2)(n−3)) · S4/S2² − 3(n−1)²/((n−2)(n−3)). NaN for n < 4 or S2 = 0.
 */
export function excessKurtosis(x: Col, from = 0, to = x.length): number {
  const { n, s2, s4 } = centralSums(x, from, to);
  if (n < 4 || s2 === 0) return Number.NaN;
  const d = (n - 2) * (n - 3);
  return (((n + 1) * n * (n - 1)) / d) * (s4 / (s2 * s2)) - (3 * (n - 1) * (n - 1)) / d;
}
