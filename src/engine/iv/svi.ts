/**
 * Raw SVI total implied variance per expiry (core contract D.4; Gatheral 2004):
 *   w(k) = a + b·(ρ(k − m) + √((k − m)² + s²)),  k = ln(K/F),  σ_imp(k) = √(w(k)/T).
 * `s` is SVI's σ (named s here so it is never confused with a volatility).
 */

export interface SviParams {
  a: number;
  b: number;
  rho: number;
  m: number;
  s: number;
}

/** Validity reasons in contract order. */
export const SVI_REASONS = ['b<0', '|rho|>=1', 'sigma<=0', 'min_total_variance<0', 'wing_slope>2'] as const;
export type SviReason = (typeof SVI_REASONS)[number];

export function sviTotalVariance(p: SviParams, k: number): number {
  const x = k - p.m;
  return p.a + p.b * (p.rho * x + Math.sqrt(x * x + p.s * p.s));
}

/** √(w/T); NaN when w < 0, T ≤ 0 or the result is not finite. */
export function sviImpliedVol(p: SviParams, k: number, T: number): number {
  const w = sviTotalVariance(p, k);
  if (!(w >= 0) || !(T > 0)) return Number.NaN;
  const v = Math.sqrt(w / T);
  return Number.isFinite(v) ? v : Number.NaN;
}

/** Minimum of w over k: a + b·s·√(1 − ρ²) (attained when b ≥ 0, |ρ| < 1, s > 0). */
export function sviMinTotalVariance(p: SviParams): number {
  return p.a + p.b * p.s * Math.sqrt(1 - p.rho * p.rho);
}

/**
 * Contract validity reasons, in order; empty means valid. The first three are written so
 * that a NaN parameter also fails them; the last two are plain comparisons (with |ρ| > 1 the
 * minimum is undefined and `|rho|>=1` already says why).
 */
export function sviValidity(p: SviParams): SviReason[] {
  const out: SviReason[] = [];
  if (!(p.b >= 0)) out.push('b<0');
  if (!(Math.abs(p.rho) < 1)) out.push('|rho|>=1');
  if (!(p.s > 0)) out.push('sigma<=0');
  if (sviMinTotalVariance(p) < 0) out.push('min_total_variance<0');
  if (p.b * (1 + Math.abs(p.rho)) > 2) out.push('wing_slope>2');
  return out;
}

/** w, w' and w'' at k, written to out[0..2]. */
export function sviDerivatives(p: SviParams, k: number, out: Float64Array): Float64Array {
  const x = k - p.m;
  const r = Math.sqrt(x * x + p.s * p.s);
  out[0] = p.a + p.b * (p.rho * x + r);
  out[1] = p.b * (p.rho + x / r);
  out[2] = (p.b * p.s * p.s) / (r * r * r);
  return out;
}

const deriv = new Float64Array(3);

/**
 * Gatheral's butterfly function g(k) = (1 − k w'/(2w))² − (w'²/4)(1/w + 1/4) + w''/2; the
 * implied risk-neutral density is non-negative iff g ≥ 0 (and w > 0).
 */
export function sviDensityG(p: SviParams, k: number): number {
  sviDerivatives(p, k, deriv);
  const w = deriv[0];
  const w1 = deriv[1];
  const w2 = deriv[2];
  const t = 1 - (k * w1) / (2 * w);
  return t * t - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2;
}

export interface ButterflyReport {
  /** smallest g over the grid (−∞ if w ≤ 0 somewhere) */
  minG: number;
  /** k where the minimum is attained */
  argMin: number;
  /** grid points with g < 0 or w ≤ 0 */
  violations: number;
  ok: boolean;
}

/** Butterfly (density) check of one slice over a k grid. */
export function sviButterflyCheck(p: SviParams, kGrid: ArrayLike<number>): ButterflyReport {
  let minG = Number.POSITIVE_INFINITY;
  let argMin = Number.NaN;
  let violations = 0;
  for (let i = 0; i < kGrid.length; i++) {
    const k = kGrid[i];
    const w = sviTotalVariance(p, k);
    const g = w > 0 ? sviDensityG(p, k) : Number.NEGATIVE_INFINITY;
    if (g < 0 || Number.isNaN(g)) violations++;
    if (g < minG || Number.isNaN(g)) {
      minG = Number.isNaN(g) ? Number.NEGATIVE_INFINITY : g;
      argMin = k;
    }
  }
  return { minG, argMin, violations, ok: violations === 0 };
}

/** Evenly spaced grid from lo to hi with n points (n ≥ 2), endpoints exact. */
export function linspace(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1);
  return out;
}

/** w over a k grid (typed, no allocation when out is given). */
export function sviTotalVarianceGrid(p: SviParams, k: ArrayLike<number>, out?: Float64Array): Float64Array {
  const res = out ?? new Float64Array(k.length);
  const { a, b, rho, m, s } = p;
  const s2 = s * s;
  for (let i = 0; i < k.length; i++) {
    const x = k[i] - m;
    res[i] = a + b * (rho * x + Math.sqrt(x * x + s2));
  }
  return res;
}

export interface SviSurfaceGridOptions {
  rate: number;
  dividend?: number;
  /**
   * How one parameter set spans expiries. 'total' (default): the parameters give total
   * variance w(k) at every expiry, so σ = √(w/T). 'annualized': they give variance per
   * year, so w(k, T) = T·svi(k) and σ = √svi(k).
   */
  scaling?: 'total' | 'annualized';
}

/**
 * Implied vols of one SVI parameter set on a (expiry × moneyness) grid, moneyness = K/S.
 * Row-major Float64Array [expiry][strike]; NaN where w < 0. This is the slider path of the
 * IV page (35 × 25 points): one log and one sqrt per point.
 */
export function sviSurfaceGrid(
  p: SviParams,
  moneyness: ArrayLike<number>,
  expiries: ArrayLike<number>,
  opts: SviSurfaceGridOptions,
  out?: Float64Array,
): Float64Array {
  const nk = moneyness.length;
  const nt = expiries.length;
  const res = out ?? new Float64Array(nk * nt);
  const q = opts.dividend ?? 0;
  const annual = opts.scaling === 'annualized';
  const { a, b, rho, m, s } = p;
  const s2 = s * s;
  for (let i = 0; i < nt; i++) {
    const T = expiries[i];
    // k = ln(K/F) = ln(K/S) − (r − q)T
    const shift = (opts.rate - q) * T;
    const scale = annual ? 1 : 1 / T;
    for (let j = 0; j < nk; j++) {
      const x = Math.log(moneyness[j]) - shift - m;
      const w = a + b * (rho * x + Math.sqrt(x * x + s2));
      const v = w >= 0 && T > 0 ? Math.sqrt(w * scale) : Number.NaN;
      res[i * nk + j] = Number.isFinite(v) ? v : Number.NaN;
    }
  }
  return res;
}
