/**
 * Return attribution (spec §4.9) on aligned daily series (the caller joins them on date):
 * portfolio p, benchmark b, optional factor return columns F_1..F_k.
 *
 * `decomposeReturns`: total = Π(1 + p) − 1, benchmark total B = Π(1 + b) − 1, active =
 * total − B; β = cov(p, b)/var(b) (ddof 1; 1.0 with < 5 rows); market contribution = β·B;
 * factor loadings γ by OLS with intercept of (p − β·b) on the factors (needs ≥ max(10, k + 2)
 * rows, else none); factor contribution = Σ γ_f·(Π(1 + F_f) − 1); residual alpha =
 * total − market − factor contribution.
 * Deliberate difference from the spec, which regresses the active return (p − b) on the
 * factors and takes residual = active − β·B − factors: that subtracts the benchmark twice
 * (β·B is already the benchmark's share of the total), so its pieces add up to neither the
 * total nor the active return. Here market + factor + residual = total exactly.
 */

export interface Attribution {
  n: number;
  totalReturn: number;
  benchmarkReturn: number;
  activeReturn: number;
  beta: number;
  marketContribution: number;
  factorLoadings: number[];
  factorContribution: number;
  residualAlpha: number;
}

function compound(x: ArrayLike<number>): number {
  let e = 1;
  for (let i = 0; i < x.length; i++) e *= 1 + x[i];
  return e - 1;
}

function meanOf(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s / (to - from);
}

/** cov(x, y)/var(y) over [from, to), ddof 1 (NaN when var = 0). */
export function betaOf(x: ArrayLike<number>, y: ArrayLike<number>, from = 0, to = x.length): number {
  const mx = meanOf(x, from, to);
  const my = meanOf(y, from, to);
  let c = 0;
  let v = 0;
  for (let i = from; i < to; i++) {
    c += (x[i] - mx) * (y[i] - my);
    v += (y[i] - my) ** 2;
  }
  return v > 0 ? c / v : Number.NaN;
}

/**
 * OLS y ~ 1 + X (X: columns) over rows [from, to) by the normal equations with partial
 * pivoting; returns [intercept, coefficients…] or null when the system is singular.
 */
export function ols(y: ArrayLike<number>, X: readonly ArrayLike<number>[], from = 0, to = y.length): number[] | null {
  const p = X.length + 1;
  const A = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  const row = new Float64Array(p);
  for (let t = from; t < to; t++) {
    row[0] = 1;
    for (let j = 0; j < X.length; j++) row[j + 1] = X[j][t];
    for (let a = 0; a < p; a++) {
      rhs[a] += row[a] * y[t];
      for (let b = 0; b < p; b++) A[a * p + b] += row[a] * row[b];
    }
  }
  return solve(A, rhs, p);
}

function solve(A: Float64Array, b: Float64Array, p: number): number[] | null {
  const M = A.slice();
  const v = b.slice();
  let scale = 0;
  for (let i = 0; i < p * p; i++) scale = Math.max(scale, Math.abs(M[i]));
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(M[r * p + c]) > Math.abs(M[piv * p + c])) piv = r;
    if (!(Math.abs(M[piv * p + c]) > 1e-13 * scale)) return null;
    if (piv !== c) {
      for (let k = 0; k < p; k++) {
        const t = M[c * p + k];
        M[c * p + k] = M[piv * p + k];
        M[piv * p + k] = t;
      }
      const t = v[c];
      v[c] = v[piv];
      v[piv] = t;
    }
    for (let r = c + 1; r < p; r++) {
      const f = M[r * p + c] / M[c * p + c];
      for (let k = c; k < p; k++) M[r * p + k] -= f * M[c * p + k];
      v[r] -= f * v[c];
    }
  }
  const x = new Array<number>(p).fill(0);
  for (let r = p - 1; r >= 0; r--) {
    let s = v[r];
    for (let k = r + 1; k < p; k++) s -= M[r * p + k] * x[k];
    x[r] = s / M[r * p + r];
  }
  return x;
}

function checkAligned(p: ArrayLike<number>, b: ArrayLike<number>, factors: readonly ArrayLike<number>[]): void {
  if (p.length !== b.length) throw new RangeError(`portfolio has ${p.length} rows, benchmark ${b.length}`);
  factors.forEach((f, j) => {
    if (f.length !== p.length) throw new RangeError(`factor ${j} has ${f.length} rows, portfolio ${p.length}`);
  });
}

export function decomposeReturns(p: Float64Array, b: Float64Array, factors: readonly Float64Array[] = []): Attribution {
  checkAligned(p, b, factors);
  const n = p.length;
  const total = compound(p);
  const bench = compound(b);
  let beta = n < 5 ? 1 : betaOf(p, b);
  if (!Number.isFinite(beta)) beta = 1;
  const market = beta * bench;
  let loadings: number[] = [];
  let factorContribution = 0;
  if (factors.length > 0 && n >= Math.max(10, factors.length + 2)) {
    const resid = new Float64Array(n);
    for (let t = 0; t < n; t++) resid[t] = p[t] - beta * b[t];
    const coef = ols(resid, factors);
    if (coef) {
      loadings = coef.slice(1);
      loadings.forEach((g, j) => {
        factorContribution += g * compound(factors[j]);
      });
    }
  }
  return {
    n,
    totalReturn: total,
    benchmarkReturn: bench,
    activeReturn: total - bench,
    beta,
    marketContribution: market,
    factorLoadings: loadings,
    factorContribution,
    residualAlpha: total - market - factorContribution,
  };
}

export interface RollingAttribution {
  /** NaN before the first full window */
  beta: Float64Array;
  market: Float64Array;
  factor: Float64Array;
  alpha: Float64Array;
}

/**
 * Spec `compute_rolling_attribution`: at each row t ≥ window − 1, OLS of p on [1, b, F] over
 * rows t−window+1..t, and day t's return split into market = β_t·b_t, factor = Σ γ_t·F_t and
 * alpha = p_t − market − factor.
 */
export function rollingAttribution(p: Float64Array, b: Float64Array, factors: readonly Float64Array[] = [], window = 60): RollingAttribution {
  checkAligned(p, b, factors);
  if (!Number.isInteger(window) || window < factors.length + 3) {
    throw new RangeError(`window must be an integer ≥ ${factors.length + 3} (got ${window})`);
  }
  const n = p.length;
  const out: RollingAttribution = {
    beta: new Float64Array(n).fill(Number.NaN),
    market: new Float64Array(n).fill(Number.NaN),
    factor: new Float64Array(n).fill(Number.NaN),
    alpha: new Float64Array(n).fill(Number.NaN),
  };
  const X = [b, ...factors];
  for (let t = window - 1; t < n; t++) {
    const coef = ols(p, X, t - window + 1, t + 1);
    if (!coef) continue;
    const m = coef[1] * b[t];
    let f = 0;
    for (let j = 0; j < factors.length; j++) f += coef[j + 2] * factors[j][t];
    out.beta[t] = coef[1];
    out.market[t] = m;
    out.factor[t] = f;
    out.alpha[t] = p[t] - m - f;
  }
  return out;
}

export interface AttributionReport extends Attribution {
  years: number;
  annualisedReturn: number;
  annualisedBenchmark: number;
  /** annualised portfolio − annualised benchmark */
  annualisedActive: number;
  trackingError: number;
  informationRatio: number;
  sharpe: number;
  benchmarkSharpe: number;
}

function cagr(total: number, years: number): number {
  return 1 + total <= 0 ? -1 : (1 + total) ** (1 / years) - 1;
}

function annVol(x: ArrayLike<number>): number {
  const m = meanOf(x);
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) ** 2;
  return Math.sqrt(v / (x.length - 1)) * Math.sqrt(252);
}

/** Spec `compute_attribution_report`: the decomposition plus annualised figures (no rf). */
export function attributionReport(p: Float64Array, b: Float64Array, factors: readonly Float64Array[] = []): AttributionReport {
  const d = decomposeReturns(p, b, factors);
  const years = d.n / 252;
  const ap = cagr(d.totalReturn, years);
  const ab = cagr(d.benchmarkReturn, years);
  const active = new Float64Array(d.n);
  for (let t = 0; t < d.n; t++) active[t] = p[t] - b[t];
  const te = annVol(active);
  const vp = annVol(p);
  const vb = annVol(b);
  return {
    ...d,
    years,
    annualisedReturn: ap,
    annualisedBenchmark: ab,
    annualisedActive: ap - ab,
    trackingError: te,
    informationRatio: te > 0 ? (ap - ab) / te : Number.NaN,
    sharpe: vp > 0 ? ap / vp : Number.NaN,
    benchmarkSharpe: vb > 0 ? ab / vb : Number.NaN,
  };
}
