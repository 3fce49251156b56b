/**
 * Raw model states → the four canonical regimes, from each state's mean simple return and
 * mean NATR_14 (%) over the rows it explains (weights: posteriors or a path's one-hot).
 *
 * Rule (the original's "legacy" mapping, engine-research §3.3): the state with the highest
 * NATR → High Volatility (3); of the others, the highest mean return → Trending Bull (0), the
 * lowest → Trending Bear (1); every remaining state → Mean Reverting (2). Ties go to the lower
 * state index. With K = 2 the states are High Volatility and Trending Bull; with K = 3 no state
 * is Mean Reverting. Probabilities of states sharing a regime are summed.
 *
 * Why not the spec's primary `map_raw_states_to_regimes_stable` (greedy nearest reference,
 * 1000·|Δret| + |ΔNATR|, references NATR 12/14/10/25 %): daily NATR never comes near those
 * references (SPY's median is ~1 %), so it degenerates into a NATR ranking in which the
 * visiting order (3, 1, 0, 2) labels the second most volatile state "bear" whatever its
 * return; rescaling the references to the sample does not help — on SPY 2006–2025 with the jump
 * model it labels the calm majority state (74 % of days, +4 bp/day) Trending Bear and a
 * crash-day state Trending Bull. The ranking rule gives those Mean Reverting and Trending
 * Bear. When no row has a NATR (no high/low data) the states' return volatility ranks them.
 */
import { HIGH_VOLATILITY, MEAN_REVERTING, R, TRENDING_BEAR, TRENDING_BULL } from './labels';

export interface StateProfile {
  /** weighted mean simple return per state */
  meanReturn: Float64Array;
  /** weighted mean NATR_14 (%) per state (NaN when the state's rows have none) */
  meanNatr: Float64Array;
  /** weighted std of simple returns per state (the fallback volatility measure) */
  retStd: Float64Array;
}

/**
 * Profiles of K states from weights W (T×K: posteriors, or one-hot of a path; rows with a NaN
 * weight are skipped), returns and NATR at the same T rows; missing values skipped per column.
 */
export function stateProfiles(W: Float64Array, T: number, K: number, ret: Float64Array, natr: Float64Array): StateProfile {
  if (W.length !== T * K || ret.length !== T || natr.length !== T) {
    throw new Error(`state profiles: expected ${T}×${K} weights and ${T} returns/NATR, got ${W.length}, ${ret.length}, ${natr.length}`);
  }
  const wr = new Float64Array(K);
  const sr = new Float64Array(K);
  const wn = new Float64Array(K);
  const sn = new Float64Array(K);
  for (let t = 0; t < T; t++) {
    const r = ret[t];
    const n = natr[t];
    const rOk = r - r === 0;
    const nOk = n - n === 0;
    for (let k = 0; k < K; k++) {
      const w = W[t * K + k];
      if (!(w > 0)) continue;
      if (rOk) {
        wr[k] += w;
        sr[k] += w * r;
      }
      if (nOk) {
        wn[k] += w;
        sn[k] += w * n;
      }
    }
  }
  const meanReturn = new Float64Array(K);
  const meanNatr = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    meanReturn[k] = wr[k] > 0 ? sr[k] / wr[k] : Number.NaN;
    meanNatr[k] = wn[k] > 0 ? sn[k] / wn[k] : Number.NaN;
  }
  const ss = new Float64Array(K);
  for (let t = 0; t < T; t++) {
    const r = ret[t];
    if (r - r !== 0) continue;
    for (let k = 0; k < K; k++) {
      const w = W[t * K + k];
      if (w > 0) ss[k] += w * (r - meanReturn[k]) * (r - meanReturn[k]);
    }
  }
  const retStd = new Float64Array(K);
  for (let k = 0; k < K; k++) retStd[k] = wr[k] > 0 ? Math.sqrt(ss[k] / wr[k]) : Number.NaN;
  return { meanReturn, meanNatr, retStd };
}

/** One-hot weights (T×K) of a state path (−1 rows → NaN). */
export function oneHot(path: Int32Array, K: number): Float64Array {
  const W = new Float64Array(path.length * K);
  for (let t = 0; t < path.length; t++) {
    if (path[t] < 0) for (let k = 0; k < K; k++) W[t * K + k] = Number.NaN;
    else W[t * K + path[t]] = 1;
  }
  return W;
}

/** Index of the best state among `free` by `better(a, b)`; NaN scores lose. */
function pickBest(values: Float64Array, free: Uint8Array, higher: boolean): number {
  let best = -1;
  for (let k = 0; k < values.length; k++) {
    if (!free[k]) continue;
    if (best < 0) {
      best = k;
      continue;
    }
    const v = values[k];
    const b = values[best];
    if (Number.isNaN(b) ? !Number.isNaN(v) : higher ? v > b : v < b) best = k;
  }
  return best;
}

/** Canonical regime of each raw state (length K ≥ 2). */
export function mapStatesToRegimes(p: StateProfile): Int32Array {
  const K = p.meanReturn.length;
  if (K < 2) throw new Error(`regime mapping: need at least 2 states, got ${K}`);
  const map = new Int32Array(K).fill(MEAN_REVERTING);
  const free = new Uint8Array(K).fill(1);
  const vol = p.meanNatr.some((v) => v - v === 0) ? p.meanNatr : p.retStd;
  const hv = pickBest(vol, free, true);
  map[hv] = HIGH_VOLATILITY;
  free[hv] = 0;
  const bull = pickBest(p.meanReturn, free, true);
  map[bull] = TRENDING_BULL;
  free[bull] = 0;
  if (K >= 3) {
    const bear = pickBest(p.meanReturn, free, false);
    map[bear] = TRENDING_BEAR;
  }
  return map;
}

/**
 * Canonical probabilities T×4: probabilities of states sharing a regime are summed and the row
 * renormalised (an all-zero row becomes 0.25 each). A row with a NaN stays NaN.
 */
export function canonicalProbs(P: Float64Array, T: number, K: number, map: Int32Array): Float64Array {
  if (P.length !== T * K || map.length !== K) throw new Error(`canonical probabilities: expected ${T}×${K} and a map of ${K}`);
  const out = new Float64Array(T * R);
  for (let t = 0; t < T; t++) {
    let s = 0;
    let bad = false;
    for (let k = 0; k < K; k++) {
      const v = P[t * K + k];
      if (Number.isNaN(v)) bad = true;
      out[t * R + map[k]] += v;
    }
    for (let r = 0; r < R; r++) s += out[t * R + r];
    for (let r = 0; r < R; r++) out[t * R + r] = bad ? Number.NaN : s > 0 ? out[t * R + r] / s : 1 / R;
  }
  return out;
}
