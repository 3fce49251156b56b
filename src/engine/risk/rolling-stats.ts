/**
 * Trailing-window risk statistics (pandas `rolling(w, min_periods=w)`): the value at row t
 * uses rows t−w+1..t only, NaN before a full window. Each window is recomputed two-pass
 * (O(n·w)), which is exact, needs no drift control and makes every value independent of
 * later rows — appending data never changes an earlier value.
 */
import { newPairMoments, pairMoments } from './moments';

const SQRT_252 = Math.sqrt(252);

function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < 2) {
    throw new RangeError(`window must be an integer ≥ 2 (got ${window})`);
  }
}

/** Window sample standard deviation (ddof 1). */
export function rollingStd(x: Float64Array, window: number): Float64Array {
  checkWindow(window);
  const n = x.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const m = newPairMoments();
  for (let t = window - 1; t < n; t++) {
    pairMoments(x, x, t - window + 1, t + 1, m);
    out[t] = Math.sqrt(m.sxx / (window - 1));
  }
  return out;
}

/** Annualised rolling volatility: rolling std(r, ddof 1)·√252. */
export function rollingVolatility(returns: Float64Array, window: number): Float64Array {
  const s = rollingStd(returns, window);
  for (let t = 0; t < s.length; t++) s[t] *= SQRT_252;
  return s;
}

/**
 * Annualised rolling Sharpe: mean(e)/std(e, ddof 1)·√252 over the window with
 * e = r − rfAnnual/252; NaN where the window std is 0.
 */
export function rollingSharpe(returns: Float64Array, window: number, rfAnnual = 0): Float64Array {
  checkWindow(window);
  const n = returns.length;
  const rf = rfAnnual / 252;
  const e = new Float64Array(n);
  for (let t = 0; t < n; t++) e[t] = returns[t] - rf;
  const out = new Float64Array(n).fill(Number.NaN);
  const m = newPairMoments();
  for (let t = window - 1; t < n; t++) {
    pairMoments(e, e, t - window + 1, t + 1, m);
    const sd = Math.sqrt(m.sxx / (window - 1));
    out[t] = sd === 0 ? Number.NaN : (m.meanX / sd) * SQRT_252;
  }
  return out;
}

/** Rolling Pearson correlation of two aligned columns; NaN where either window is constant. */
export function rollingCorrelation(x: Float64Array, y: Float64Array, window: number): Float64Array {
  checkWindow(window);
  if (x.length !== y.length) throw new RangeError(`column lengths differ (${x.length} vs ${y.length})`);
  const n = x.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const m = newPairMoments();
  for (let t = window - 1; t < n; t++) {
    pairMoments(x, y, t - window + 1, t + 1, m);
    const den = Math.sqrt(m.sxx) * Math.sqrt(m.syy);
    if (den !== 0) out[t] = m.sxy / den;
  }
  return out;
}

/** Rolling OLS of y on x (with intercept) plus correlation, per trailing window. */
export interface RollingRegression {
  /** cov(y, x)/var(x); NaN if var(x) = 0 */
  beta: Float64Array;
  /** 252·(mean(y) − beta·mean(x)), the annualised intercept */
  alphaAnn: Float64Array;
  /** Pearson(y, x) */
  correlation: Float64Array;
}

export function rollingRegression(y: Float64Array, x: Float64Array, window: number): RollingRegression {
  checkWindow(window);
  if (x.length !== y.length) throw new RangeError(`column lengths differ (${y.length} vs ${x.length})`);
  const n = y.length;
  const beta = new Float64Array(n).fill(Number.NaN);
  const alphaAnn = new Float64Array(n).fill(Number.NaN);
  const correlation = new Float64Array(n).fill(Number.NaN);
  const m = newPairMoments();
  for (let t = window - 1; t < n; t++) {
    // pairMoments(y, x): X side is the strategy, Y side the benchmark.
    pairMoments(y, x, t - window + 1, t + 1, m);
    if (m.syy !== 0) {
      const b = m.sxy / m.syy;
      beta[t] = b;
      alphaAnn[t] = 252 * (m.meanX - b * m.meanY);
    }
    const den = Math.sqrt(m.sxx) * Math.sqrt(m.syy);
    if (den !== 0) correlation[t] = m.sxy / den;
  }
  return { beta, alphaAnn, correlation };
}
