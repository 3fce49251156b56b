/**
 * Bounded quasi-Newton minimiser: projected L-BFGS. Variables at a bound whose gradient
 * pushes outward are held fixed; the two-loop recursion gives the direction on the free
 * variables; a backtracking Armijo search runs along the projected path P(x + αd). The
 * gradient is user-supplied or central finite differences (one-sided at a bound).
 */
import type { Objective } from './differential-evolution';

export interface LbfgsbOptions {
  maxIterations?: number;
  /** curvature pairs kept (default 6) */
  memory?: number;
  /** stop when the projected gradient's max-norm ≤ pgtol (default 1e-10) */
  pgtol?: number;
  /** stop when the relative decrease of f over an iteration ≤ ftol (default 1e-13) */
  ftol?: number;
  /** relative finite-difference step (default 1e-6) */
  fdStep?: number;
  /** analytic gradient: writes ∂f/∂x into g and returns f(x) */
  gradient?: (x: Float64Array, g: Float64Array) => number;
}

export interface LbfgsbResult {
  x: Float64Array;
  fx: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

function project(x: Float64Array, lo: ArrayLike<number>, hi: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i] < lo[i]) x[i] = lo[i];
    else if (x[i] > hi[i]) x[i] = hi[i];
  }
}

export function lbfgsb(
  f: Objective,
  x0: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  opts: LbfgsbOptions = {},
): LbfgsbResult {
  const n = x0.length;
  const maxIter = opts.maxIterations ?? 200;
  const mem = opts.memory ?? 6;
  const pgtol = opts.pgtol ?? 1e-10;
  const ftol = opts.ftol ?? 1e-13;
  const h = opts.fdStep ?? 1e-6;
  let evaluations = 0;
  const evalF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const probe = new Float64Array(n);
  const grad = (x: Float64Array, g: Float64Array, fx: number): number => {
    if (opts.gradient) {
      evaluations++;
      return opts.gradient(x, g);
    }
    for (let i = 0; i < n; i++) {
      const step = h * Math.max(1, Math.abs(x[i]));
      probe.set(x);
      const up = Math.min(upper[i], x[i] + step);
      const dn = Math.max(lower[i], x[i] - step);
      let fu = fx;
      let fd = fx;
      if (up > x[i]) {
        probe[i] = up;
        fu = evalF(probe);
      }
      if (dn < x[i]) {
        probe[i] = dn;
        fd = evalF(probe);
      }
      const span = up - dn;
      g[i] = span > 0 && Number.isFinite(fu) && Number.isFinite(fd) ? (fu - fd) / span : 0;
    }
    return fx;
  };

  const x = Float64Array.from(x0);
  project(x, lower, upper);
  let fx = evalF(x);
  const g = new Float64Array(n);
  grad(x, g, fx);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const RHO: number[] = [];
  const d = new Float64Array(n);
  const xn = new Float64Array(n);
  const gn = new Float64Array(n);
  const alpha = new Float64Array(mem);
  const free = new Uint8Array(n);
  let iterations = 0;
  let converged = false;
  let smallSteps = 0;

  for (let it = 0; it < maxIter; it++) {
    iterations = it + 1;
    // Projected gradient norm and the free set.
    let pg = 0;
    for (let i = 0; i < n; i++) {
      const atLo = x[i] <= lower[i] && g[i] > 0;
      const atHi = x[i] >= upper[i] && g[i] < 0;
      free[i] = atLo || atHi ? 0 : 1;
      if (free[i]) pg = Math.max(pg, Math.abs(g[i]));
    }
    if (pg <= pgtol) {
      converged = true;
      break;
    }
    // Two-loop recursion on the free components.
    for (let i = 0; i < n; i++) d[i] = free[i] ? -g[i] : 0;
    const k = S.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < n; i++) if (free[i]) a += S[j][i] * d[i];
      a *= RHO[j];
      alpha[j] = a;
      for (let i = 0; i < n; i++) if (free[i]) d[i] -= a * Y[j][i];
    }
    if (k > 0) {
      let sy = 0;
      let yy = 0;
      for (let i = 0; i < n; i++) {
        sy += S[k - 1][i] * Y[k - 1][i];
        yy += Y[k - 1][i] * Y[k - 1][i];
      }
      const gamma = yy > 0 ? sy / yy : 1;
      for (let i = 0; i < n; i++) d[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < n; i++) if (free[i]) b += Y[j][i] * d[i];
      b *= RHO[j];
      for (let i = 0; i < n; i++) if (free[i]) d[i] += S[j][i] * (alpha[j] - b);
    }
    let dg = 0;
    for (let i = 0; i < n; i++) dg += d[i] * g[i];
    if (!(dg < 0)) {
      // Not a descent direction: drop the memory and use steepest descent.
      S.length = 0;
      Y.length = 0;
      RHO.length = 0;
      dg = 0;
      for (let i = 0; i < n; i++) {
        d[i] = free[i] ? -g[i] : 0;
        dg -= d[i] * d[i];
      }
    }
    // First iteration: keep the trial step within ~10 % of the box.
    let step = 1;
    if (k === 0) {
      let dmax = 0;
      let span = 0;
      for (let i = 0; i < n; i++) {
        dmax = Math.max(dmax, Math.abs(d[i]));
        span = Math.max(span, upper[i] - lower[i]);
      }
      if (dmax > 0 && Number.isFinite(span)) step = Math.min(1, (0.1 * span) / dmax);
    }
    let fnew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let ls = 0; ls < 40; ls++) {
      for (let i = 0; i < n; i++) xn[i] = x[i] + step * d[i];
      project(xn, lower, upper);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += g[i] * (xn[i] - x[i]);
      fnew = evalF(xn);
      if (fnew <= fx + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      if (S.length === 0) break; // steepest descent failed too: at a (numerical) minimum
      S.length = 0;
      Y.length = 0;
      RHO.length = 0;
      continue;
    }
    grad(xn, gn, fnew);
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let ss = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xn[i] - x[i];
      y[i] = gn[i] - g[i];
      sy += s[i] * y[i];
      ss += s[i] * s[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-12 * Math.sqrt(ss * yy)) {
      if (S.length === mem) {
        S.shift();
        Y.shift();
        RHO.shift();
      }
      S.push(s);
      Y.push(y);
      RHO.push(1 / sy);
    }
    const rel = (fx - fnew) / Math.max(Math.abs(fx), Math.abs(fnew), 1e-300);
    x.set(xn);
    g.set(gn);
    fx = fnew;
    if (rel <= ftol) {
      smallSteps++;
      if (smallSteps >= 2) {
        converged = true;
        break;
      }
    } else {
      smallSteps = 0;
    }
  }
  return { x, fx, iterations, evaluations, converged };
}
