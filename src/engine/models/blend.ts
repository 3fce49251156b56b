/**
 * Member blend weights (spec §4.1): the weights in [0, 1] summing to 1 that minimise the
 * squared error of the blended out-of-fold predictions. With a handful of members the
 * constrained least-squares problem is solved exactly by trying every support set: solve
 * the equality-constrained problem on the set (KKT system) and keep the best feasible one.
 */
import { solveLinear } from '../core/linalg';

export interface BlendResult {
  weights: Float64Array;
  /** mean squared error of the blend on the rows used (NaN when falling back) */
  mse: number;
  /** rows with every member's prediction and the outcome finite */
  rows: number;
  fallback: string | null;
}

export const MIN_BLEND_ROWS = 20;

export function blendWeights(preds: readonly Float64Array[], y: Float64Array): BlendResult {
  const M = preds.length;
  if (M === 0) throw new Error('blendWeights: no members');
  const equal = () => new Float64Array(M).fill(1 / M);
  const rows: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (!Number.isFinite(y[i])) continue;
    let ok = true;
    for (const p of preds) if (!Number.isFinite(p[i])) ok = false;
    if (ok) rows.push(i);
  }
  if (M === 1) return { weights: Float64Array.of(1), mse: Number.NaN, rows: rows.length, fallback: null };
  if (rows.length < MIN_BLEND_ROWS) {
    return { weights: equal(), mse: Number.NaN, rows: rows.length, fallback: `${rows.length} out-of-fold rows (< ${MIN_BLEND_ROWS}): equal weights` };
  }
  const G = new Float64Array(M * M);
  const c = new Float64Array(M);
  let yy = 0;
  for (const i of rows) {
    yy += y[i] * y[i];
    for (let a = 0; a < M; a++) {
      c[a] += preds[a][i] * y[i];
      for (let b = 0; b <= a; b++) G[a * M + b] += preds[a][i] * preds[b][i];
    }
  }
  for (let a = 0; a < M; a++) for (let b = 0; b < a; b++) G[b * M + a] = G[a * M + b];
  let best: Float64Array | null = null;
  let bestObj = Number.POSITIVE_INFINITY;
  for (let mask = 1; mask < 1 << M; mask++) {
    const S: number[] = [];
    for (let a = 0; a < M; a++) if (mask & (1 << a)) S.push(a);
    const k = S.length;
    // [2G_S 1; 1ᵀ 0] [w; λ] = [2c_S; 1]
    const A = new Float64Array((k + 1) * (k + 1));
    const rhs = new Float64Array(k + 1);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) A[i * (k + 1) + j] = 2 * G[S[i] * M + S[j]];
      A[i * (k + 1) + k] = 1;
      A[k * (k + 1) + i] = 1;
      rhs[i] = 2 * c[S[i]];
    }
    rhs[k] = 1;
    const sol = solveLinear(A, rhs, k + 1);
    if (!sol) continue;
    const w = new Float64Array(M);
    let feasible = true;
    for (let i = 0; i < k; i++) {
      if (sol[i] < -1e-12) feasible = false;
      w[S[i]] = Math.max(0, sol[i]);
    }
    if (!feasible) continue;
    let obj = yy;
    for (let a = 0; a < M; a++) {
      obj -= 2 * w[a] * c[a];
      for (let b = 0; b < M; b++) obj += w[a] * G[a * M + b] * w[b];
    }
    if (best === null || obj < bestObj - 1e-15 * Math.abs(bestObj)) {
      bestObj = obj;
      best = w;
    }
  }
  if (!best) return { weights: equal(), mse: Number.NaN, rows: rows.length, fallback: 'no feasible blend (collinear members): equal weights' };
  let s = 0;
  for (const v of best) s += v;
  for (let a = 0; a < M; a++) best[a] /= s;
  return { weights: best, mse: Math.max(0, bestObj) / rows.length, rows: rows.length, fallback: null };
}
