/**
 * Sharpe-ratio inference.
 * - Probabilistic Sharpe ratio (Bailey & López de Prado 2012): with SR the per-period
 *   (non-annualised) Sharpe of n returns, γ3 their skewness and γ4 their (raw, non-excess)
 *   kurtosis, PSR(SR*) = Φ((SR − SR*)·√(n − 1) / √(1 − γ3·SR + (γ4 − 1)/4·SR²)).
 * - Deflated Sharpe ratio (Bailey & López de Prado 2014): PSR against the expected maximum
 *   Sharpe of N independent trials whose Sharpe estimates have variance V:
 *   SR0 = √V·((1 − γ)·Φ⁻¹(1 − 1/N) + γ·Φ⁻¹(1 − 1/(N·e))), γ = Euler–Mascheroni; DSR = PSR(SR0).
 * - The spec's variant (§3.5) with the asymptotic E[max] and the estimator's own standard error.
 * - Lo (2002) significance of a per-trade Sharpe (spec §3.2) and the one-sample t-test.
 * Moments here are the population (biased) ones the papers use: γ3 = m3/m2^1.5, γ4 = m4/m2².
 */
import { EULER_GAMMA, normCdf, normalQuantile, studentTCdf } from './distributions';

export interface ReturnMoments {
  n: number;
  mean: number;
  /** sample std, ddof 1 */
  std: number;
  /** m3/m2^1.5 */
  skew: number;
  /** m4/m2² (3 for a normal) */
  kurtosis: number;
}

export function returnMoments(x: ArrayLike<number>): ReturnMoments {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i];
  const mean = s / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  const std = n > 1 ? Math.sqrt(m2 / (n - 1)) : Number.NaN;
  m2 /= n;
  m3 /= n;
  m4 /= n;
  return {
    n,
    mean,
    std,
    skew: m2 > 0 ? m3 / m2 ** 1.5 : Number.NaN,
    kurtosis: m2 > 0 ? m4 / (m2 * m2) : Number.NaN,
  };
}

/** Per-period Sharpe mean(r − rf)/std(r, ddof 1); NaN when std = 0 or n < 2. */
export function sharpeRatio(x: ArrayLike<number>, rfPerPeriod = 0): number {
  const m = returnMoments(x);
  if (!(m.std > 0)) return Number.NaN;
  return (m.mean - rfPerPeriod) / m.std;
}

export interface PsrInput {
  /** observed per-period Sharpe */
  sharpe: number;
  /** benchmark per-period Sharpe SR* */
  benchmark?: number;
  n: number;
  skew: number;
  /** raw kurtosis (3 = normal) */
  kurtosis: number;
}

/** PSR(SR*); NaN when the variance term is not positive or n < 2. */
export function probabilisticSharpe(x: PsrInput): number {
  const sr = x.sharpe;
  const v = 1 - x.skew * sr + ((x.kurtosis - 1) / 4) * sr * sr;
  if (!(v > 0) || x.n < 2) return Number.NaN;
  return normCdf(((sr - (x.benchmark ?? 0)) * Math.sqrt(x.n - 1)) / Math.sqrt(v));
}

/** Expected maximum of N standard-normal-like Sharpe estimates scaled by √V (0 for N = 1). */
export function expectedMaxSharpe(nTrials: number, trialsVariance: number): number {
  if (!(nTrials >= 1) || !(trialsVariance >= 0)) return Number.NaN;
  if (nTrials === 1) return 0;
  const z = (1 - EULER_GAMMA) * normalQuantile(1 - 1 / nTrials) + EULER_GAMMA * normalQuantile(1 - 1 / (nTrials * Math.E));
  return Math.sqrt(trialsVariance) * z;
}

export interface DsrInput extends Omit<PsrInput, 'benchmark'> {
  nTrials: number;
  /** variance of the per-period Sharpe estimates across the trials */
  trialsVariance: number;
}

export interface DeflatedSharpe {
  /** probability that the true Sharpe exceeds SR0 */
  dsr: number;
  /** expected maximum per-period Sharpe under the null (SR0) */
  sr0: number;
  /** the PSR z-statistic */
  z: number;
}

export function deflatedSharpe(x: DsrInput): DeflatedSharpe {
  const sr0 = expectedMaxSharpe(x.nTrials, x.trialsVariance);
  const sr = x.sharpe;
  const v = 1 - x.skew * sr + ((x.kurtosis - 1) / 4) * sr * sr;
  const z = v > 0 && x.n >= 2 ? ((sr - sr0) * Math.sqrt(x.n - 1)) / Math.sqrt(v) : Number.NaN;
  return { dsr: Number.isNaN(z) ? Number.NaN : normCdf(z), sr0, z };
}

/**
 * DSR of a return series selected among `nTrials` (their per-period Sharpes' variance given,
 * e.g. from a sweep; defaults to the estimator variance (1 + SR²/2)/(n − 1) of this series).
 */
export function deflatedSharpeOfReturns(returns: ArrayLike<number>, nTrials: number, trialsVariance?: number): DeflatedSharpe & ReturnMoments & { sharpe: number } {
  const m = returnMoments(returns);
  const sharpe = m.std > 0 ? m.mean / m.std : Number.NaN;
  const v = trialsVariance ?? (1 + 0.5 * sharpe * sharpe) / Math.max(1, m.n - 1);
  return { ...m, sharpe, ...deflatedSharpe({ sharpe, n: m.n, skew: m.skew, kurtosis: m.kurtosis, nTrials, trialsVariance: v }) };
}

export interface SpecDsr {
  pValue: number;
  significant: boolean;
  /** z × annFactor; NaN when invalid */
  deflated: number;
  /** E[max]·SE·annFactor */
  expectedMax: number;
  valid: boolean;
}

/**
 * Spec §3.5 `deflated_sharpe_ratio(observed_SR_annual, N, n, skew, kurt(raw), ann_factor)`:
 * E[max] = √(2 ln N)·(1 − γ/(2 ln N)) (0 for N = 1); sr = observed/annFactor;
 * SE = √((1 + ½sr² − skew·sr + (kurt − 3)/4·sr²)/max(1, n − 1)); z = (sr − E[max]·SE)/SE;
 * p = 1 − Φ(z). n < 10 → p = 1; observed ≤ 0 → p = 1 and invalid.
 */
export function specDeflatedSharpe(
  observedAnnual: number,
  nTrials: number,
  nReturns: number,
  skew: number,
  kurtosis: number,
  annFactor: number,
): SpecDsr {
  if (nReturns < 10) return { pValue: 1, significant: false, deflated: Number.NaN, expectedMax: Number.NaN, valid: false };
  if (!(observedAnnual > 0)) return { pValue: 1, significant: false, deflated: Number.NaN, expectedMax: Number.NaN, valid: false };
  const lnN = Math.log(nTrials);
  const eMax = nTrials <= 1 ? 0 : Math.sqrt(2 * lnN) * (1 - EULER_GAMMA / (2 * lnN));
  const sr = observedAnnual / annFactor;
  const se = Math.sqrt((1 + 0.5 * sr * sr - skew * sr + ((kurtosis - 3) / 4) * sr * sr) / Math.max(1, nReturns - 1));
  const z = (sr - eMax * se) / se;
  const p = 1 - normCdf(z);
  return { pValue: p, significant: p < 0.05, deflated: z * annFactor, expectedMax: eMax * se * annFactor, valid: Number.isFinite(z) };
}

export interface TTest {
  t: number;
  df: number;
  /** one-sided p for mean > 0 */
  pValue: number;
}

/** One-sample t-test of mean > 0: t = mean/(s/√n), p = 1 − F_t(t; n − 1). */
export function meanTTest(x: ArrayLike<number>): TTest {
  const m = returnMoments(x);
  if (m.n < 2 || !(m.std > 0)) return { t: Number.NaN, df: m.n - 1, pValue: Number.NaN };
  const t = m.mean / (m.std / Math.sqrt(m.n));
  return { t, df: m.n - 1, pValue: 1 - studentTCdf(t, m.n - 1) };
}

export interface LoTest {
  sharpe: number;
  se: number;
  pValue: number;
}

/**
 * Spec §3.2 (Lo 2002): SR = mean(r − rf·h/252)/std(r, ddof 0);
 * SE = √((1 + SR²/2 − skew·SR + (exkurt/4)·SR²)/n) with biased skew/excess kurtosis;
 * p = 1 − Φ(SR/SE).
 */
export function loSharpeTest(x: ArrayLike<number>, rfAnnual = 0, holdingDays = 1): LoTest {
  const m = returnMoments(x);
  const sd0 = m.n > 0 ? m.std * Math.sqrt((m.n - 1) / m.n) : Number.NaN;
  if (m.n < 2 || !(sd0 > 0)) return { sharpe: Number.NaN, se: Number.NaN, pValue: Number.NaN };
  const sr = (m.mean - (rfAnnual * holdingDays) / 252) / sd0;
  const ex = m.kurtosis - 3;
  const se = Math.sqrt((1 + (sr * sr) / 2 - m.skew * sr + (ex / 4) * sr * sr) / m.n);
  return { sharpe: sr, se, pValue: 1 - normCdf(sr / se) };
}
