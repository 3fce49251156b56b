/**
 * Box-bounded Levenberg–Marquardt for small least-squares problems (n ≤ ~10 parameters):
 * forward-difference Jacobian, Marquardt scaling diag(JᵀJ), steps projected onto the box.
 */

export type Residuals = (x: Float64Array, out: Float64Array) => void;

export interface LmOptions {
  maxIterations?: number;
  /** stop when the relative cost decrease of an accepted step ≤ ftol (default 1e-12) */
  ftol?: number;
  /** stop when every relative parameter change ≤ xtol (default 1e-12) */
  xtol?: number;
  /** relative Jacobian step (default 1e-7) */
  fdStep?: number;
  /** initial damping (default 1e-3) */
  lambda?: number;
}

export interface LmResult {
  x: Float64Array;
  /** ½Σr² at x */
  cost: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

function halfSumSq(r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < r.length; i++) s += r[i] * r[i];
  return Number.isFinite(s) ? 0.5 * s : Number.POSITIVE_INFINITY;
}

/** Solves A x = b for symmetric positive definite A (n×n row-major) by Cholesky; false if not SPD. */
function choleskySolve(A: Float64Array, b: Float64Array, x: Float64Array, n: number): boolean {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return false;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return true;
}

export function levenbergMarquardt(
  residuals: Residuals,
  m: number,
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  opts: LmOptions = {},
): LmResult {
  const n = x0.length;
  const maxIter = opts.maxIterations ?? 100;
  const ftol = opts.ftol ?? 1e-12;
  const xtol = opts.xtol ?? 1e-12;
  const h = opts.fdStep ?? 1e-7;
  let lambda = opts.lambda ?? 1e-3;
  const x = Float64Array.from(x0);
  for (let i = 0; i < n; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x[i]));
  const r = new Float64Array(m);
  const rt = new Float64Array(m);
  const J = new Float64Array(m * n);
  const JtJ = new Float64Array(n * n);
  const Jtr = new Float64Array(n);
  const A = new Float64Array(n * n);
  const delta = new Float64Array(n);
  const xt = new Float64Array(n);
  let evaluations = 1;
  residuals(x, r);
  let cost = halfSumSq(r);
  let iterations = 0;
  let converged = false;
  for (let it = 0; it < maxIter && Number.isFinite(cost); it++) {
    iterations = it + 1;
    // Forward-difference Jacobian, stepping inward at an upper bound.
    for (let j = 0; j < n; j++) {
      xt.set(x);
      let step = h * Math.max(1, Math.abs(x[j]));
      if (x[j] + step > upper[j]) step = -step;
      xt[j] = x[j] + step;
      residuals(xt, rt);
      evaluations++;
      for (let i = 0; i < m; i++) J[i * n + j] = (rt[i] - r[i]) / step;
    }
    JtJ.fill(0);
    Jtr.fill(0);
    for (let i = 0; i < m; i++) {
      const ri = r[i];
      for (let a = 0; a < n; a++) {
        const ja = J[i * n + a];
        Jtr[a] += ja * ri;
        for (let b = 0; b <= a; b++) JtJ[a * n + b] += ja * J[i * n + b];
      }
    }
    for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) JtJ[b * n + a] = JtJ[a * n + b];
    let improved = false;
    for (let tries = 0; tries < 12; tries++) {
      A.set(JtJ);
      for (let a = 0; a < n; a++) A[a * n + a] += lambda * Math.max(JtJ[a * n + a], 1e-12);
      for (let a = 0; a < n; a++) Jtr[a] = -Jtr[a];
      const ok = choleskySolve(A, Jtr, delta, n);
      for (let a = 0; a < n; a++) Jtr[a] = -Jtr[a];
      if (!ok) {
        lambda *= 10;
        continue;
      }
      let maxRel = 0;
      for (let a = 0; a < n; a++) {
        xt[a] = Math.min(upper[a], Math.max(lower[a], x[a] + delta[a]));
        maxRel = Math.max(maxRel, Math.abs(xt[a] - x[a]) / Math.max(1e-12, Math.abs(x[a])));
      }
      residuals(xt, rt);
      evaluations++;
      const ct = halfSumSq(rt);
      if (ct < cost) {
        const rel = (cost - ct) / Math.max(cost, 1e-300);
        x.set(xt);
        r.set(rt);
        cost = ct;
        lambda = Math.max(lambda / 3, 1e-12);
        improved = true;
        if (rel <= ftol || maxRel <= xtol) converged = true;
        break;
      }
      lambda *= 4;
      if (maxRel <= xtol) break;
    }
    if (!improved) {
      converged = true; // no descent left at any damping: a (numerical) minimum
      break;
    }
    if (converged) break;
  }
  return { x, cost, iterations, evaluations, converged };
}
