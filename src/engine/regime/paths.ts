/**
 * Statistics of a state path (one state index per row, −1 where a row has no state):
 * empirical transition matrix, expected durations, per-state return statistics and run
 * lengths. Used for every method whose transition matrix is not a fitted parameter.
 */

const SQRT_252 = Math.sqrt(252);

/** Most probable state of each row of a T×K probability matrix (ties → lowest index; a row with a NaN → −1). */
export function argmaxRows(P: Float64Array, T: number, K: number): Int32Array {
  if (P.length !== T * K) throw new Error(`argmaxRows: expected ${T}×${K} values, got ${P.length}`);
  const out = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const o = t * K;
    let arg = -1;
    let best = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      const v = P[o + k];
      if (Number.isNaN(v)) {
        arg = -1;
        break;
      }
      if (v > best) {
        best = v;
        arg = k;
      }
    }
    out[t] = arg;
  }
  return out;
}

function checkPath(path: Int32Array, K: number): void {
  for (let t = 0; t < path.length; t++) {
    const s = path[t];
    if (s < -1 || s >= K) throw new Error(`state path: row ${t} has state ${s}, outside −1..${K - 1}`);
  }
}

/** Counts of consecutive pairs (s_{t−1} = i, s_t = j) over rows where both have a state; K×K row-major. */
export function transitionCounts(path: Int32Array, K: number): Float64Array {
  checkPath(path, K);
  const c = new Float64Array(K * K);
  for (let t = 1; t < path.length; t++) {
    const i = path[t - 1];
    const j = path[t];
    if (i >= 0 && j >= 0) c[i * K + j]++;
  }
  return c;
}

/**
 * Maximum-likelihood transition matrix of a path: counts normalised per row. A state never
 * left from (no outgoing pair) has an unknown row: NaN, not a guess.
 */
export function empiricalTransmat(path: Int32Array, K: number): Float64Array {
  const c = transitionCounts(path, K);
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += c[i * K + j];
    for (let j = 0; j < K; j++) c[i * K + j] = s > 0 ? c[i * K + j] / s : Number.NaN;
  }
  return c;
}

/** Expected stay per visit, 1/(1 − A_ii), in rows (Infinity when A_ii = 1, NaN for an unknown row). */
export function durationsFromTransmat(A: Float64Array, K: number): Float64Array {
  if (A.length !== K * K) throw new Error(`durations: expected a ${K}×${K} matrix, got ${A.length} values`);
  const out = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const stay = A[k * K + k];
    out[k] = Number.isNaN(stay) ? Number.NaN : stay >= 1 ? Number.POSITIVE_INFINITY : 1 / (1 - stay);
  }
  return out;
}

/** Per-state statistics of a path (all arrays have length K). */
export interface StateStats {
  /** rows in the state */
  count: Float64Array;
  /** count / rows with any state */
  share: Float64Array;
  /** mean of the finite returns at the state's rows (NaN when none) */
  meanReturn: Float64Array;
  /** annualised volatility: sample std (ddof 1) of those returns · √252 (NaN with < 2) */
  vol: Float64Array;
  /** number of maximal runs of the state (a row without a state ends a run) */
  runs: Float64Array;
  /**
   * mean run length in rows. The first and last runs are censored by the sample edges and
   * still counted as observed, so short samples understate long regimes.
   */
  meanDuration: Float64Array;
}

export function stateStatistics(path: Int32Array, K: number, returns: Float64Array): StateStats {
  checkPath(path, K);
  if (returns.length !== path.length) {
    throw new Error(`state statistics: ${returns.length} returns for a path of ${path.length} rows`);
  }
  const count = new Float64Array(K);
  const runs = new Float64Array(K);
  const n = new Float64Array(K);
  const sum = new Float64Array(K);
  let total = 0;
  for (let t = 0; t < path.length; t++) {
    const s = path[t];
    if (s < 0) continue;
    total++;
    count[s]++;
    if (t === 0 || path[t - 1] !== s) runs[s]++;
    const r = returns[t];
    if (r - r === 0) {
      n[s]++;
      sum[s] += r;
    }
  }
  const meanReturn = new Float64Array(K);
  for (let k = 0; k < K; k++) meanReturn[k] = n[k] > 0 ? sum[k] / n[k] : Number.NaN;
  // Second pass around the state mean: no cancellation of digits.
  const ss = new Float64Array(K);
  for (let t = 0; t < path.length; t++) {
    const s = path[t];
    const r = returns[t];
    if (s >= 0 && r - r === 0) {
      const z = r - meanReturn[s];
      ss[s] += z * z;
    }
  }
  const vol = new Float64Array(K);
  const share = new Float64Array(K);
  const meanDuration = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    vol[k] = n[k] > 1 ? Math.sqrt(ss[k] / (n[k] - 1)) * SQRT_252 : Number.NaN;
    share[k] = total > 0 ? count[k] / total : Number.NaN;
    meanDuration[k] = runs[k] > 0 ? count[k] / runs[k] : Number.NaN;
  }
  return { count, share, meanReturn, vol, runs, meanDuration };
}
