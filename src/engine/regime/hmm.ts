/**
 * Gaussian hidden Markov model with diagonal emissions, fitted by Baum–Welch exactly as
 * contract C specifies: variance floor, deterministic rank-based initialisation, scaled
 * forward–backward, mass-thresholded M-step, absolute-tolerance stop rule, relabelling by
 * ascending first-feature mean, then one final E pass for loglik / filtered / smoothed / Viterbi.
 *
 * Layout: observations X are row-major T×D; probability matrices are row-major T×K;
 * transmat is K×K with A[i·K + j] = P(s_t = j | s_{t−1} = i).
 *
 * Only `filtered` probabilities (and `filterForward`, which reproduces them bit for bit with
 * fixed parameters) are causal; `smoothed` and `viterbi` use the whole sample.
 *
 * Beyond the contract: `lengths` fits one model to several independent sequences (pooled
 * expected counts, as hmmlearn), `init` warm-starts from given parameters, `accelerate` runs
 * over-relaxed EM. K = 4 (every regime model's default) takes the unrolled kernels of
 * hmm-k4.ts, which repeat the generic loops' arithmetic in the same order (same bits).
 */
import { expNonPositive } from '../core/stats';
import { backwardK4, C_MIN, emissionK4D2, emissionK4D3, forwardK4, momentsK4D2, momentsK4D3 } from './hmm-k4';

export interface HmmParams {
  states: number;
  dims: number;
  /** π, length K */
  startprob: Float64Array;
  /** A, K×K row-major */
  transmat: Float64Array;
  /** μ, K×D row-major */
  means: Float64Array;
  /** σ², K×D row-major */
  variances: Float64Array;
}

export interface HmmFitOptions {
  /** K, default 4 */
  states?: number;
  /** absolute loglik improvement that stops the loop, default 1e-4 */
  tol?: number;
  /** maximum number of M-steps, default 1000 */
  maxIter?: number;
  /**
   * Starting parameters instead of the deterministic rank-based initialisation (a warm start,
   * e.g. from the previous fit of an expanding window). Variances are floored as at init.
   */
  init?: HmmParams;
  /**
   * Lengths of independent sequences concatenated in X (as hmmlearn's `lengths`), summing to T;
   * default one sequence. Forward–backward runs per sequence, expected counts are pooled and
   * π is the mean of the sequences' first-row posteriors.
   */
  lengths?: ArrayLike<number>;
  /**
   * Over-relaxed EM (see `OverRelaxation`): fewer E-steps to the stop rule, same fixed points,
   * log-likelihood still non-decreasing. Off by default: contract C's fit is plain Baum–Welch
   * (its iteration count is part of the contract); the causal refits use it.
   */
  accelerate?: boolean;
}

export interface HmmFit {
  params: HmmParams;
  /** loglik of the final E pass (relabelled parameters) */
  loglik: number;
  /** number of M-steps performed */
  iterations: number;
  converged: boolean;
  /** loglik of every Baum–Welch E-step, in order (length iterations + 1) */
  trace: Float64Array;
  /** P(s_t | x_0..x_t), T×K */
  filtered: Float64Array;
  /** P(s_t | x_0..x_{T−1}), T×K */
  smoothed: Float64Array;
  /** most likely state path (log-space max-product, ties → lowest state) */
  viterbi: Int32Array;
  /** expected state durations 1/(1 − A_ii) in rows (Infinity for an absorbing state) */
  durations: Float64Array;
  /** per-feature variance floor 1e-6·Var(X[:, d]) */
  varianceFloor: Float64Array;
  rows: number;
}

const LN_2PI = Math.log(2 * Math.PI);
const MASS_MIN = 1e-10;
const FLOOR_RATIO = 1e-6;

function checkParams(p: HmmParams): void {
  const { states: K, dims: D } = p;
  if (!(K >= 1 && D >= 1)) throw new Error(`HMM parameters: states and dims must be ≥ 1 (got ${K}, ${D})`);
  if (p.startprob.length !== K || p.transmat.length !== K * K || p.means.length !== K * D || p.variances.length !== K * D) {
    throw new Error('HMM parameters: array sizes do not match states/dims');
  }
}

/** Per-state constants of the log-density: −½ Σ_d ln(2πσ²) and 1/σ². */
class EmissionCache {
  readonly cst: Float64Array;
  readonly inv: Float64Array;
  constructor(readonly p: HmmParams) {
    const { states: K, dims: D } = p;
    this.cst = new Float64Array(K);
    this.inv = new Float64Array(K * D);
    this.refresh();
  }

  refresh(): void {
    const { states: K, dims: D, variances } = this.p;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        const v = variances[k * D + d];
        s += LN_2PI + Math.log(v);
        this.inv[k * D + d] = 1 / v;
      }
      this.cst[k] = -0.5 * s;
    }
  }

  /**
   * Scaled emissions of one row: out[o+k] = exp(log b_k(x) − m) with m = max_k log b_k(x);
   * returns m. The emission pass of the fit repeats this arithmetic inline, in the same order.
   */
  scaledRow(X: ArrayLike<number>, xOff: number, out: Float64Array, o: number): number {
    const { states: K, dims: D, means } = this.p;
    const { cst, inv } = this;
    let mx = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let s = 0;
      const kd = k * D;
      for (let d = 0; d < D; d++) {
        const z = X[xOff + d] - means[kd + d];
        s += z * z * inv[kd + d];
      }
      const lp = cst[k] - 0.5 * s;
      out[o + k] = lp;
      if (lp > mx) mx = lp;
    }
    for (let k = 0; k < K; k++) out[o + k] = expNonPositive(out[o + k] - mx);
    return mx;
  }

  /** Unscaled log-densities log b_k(x) of one row (for Viterbi). */
  logRow(X: ArrayLike<number>, xOff: number, out: Float64Array, o: number): void {
    const { states: K, dims: D, means } = this.p;
    const { cst, inv } = this;
    for (let k = 0; k < K; k++) {
      let s = 0;
      const kd = k * D;
      for (let d = 0; d < D; d++) {
        const z = X[xOff + d] - means[kd + d];
        s += z * z * inv[kd + d];
      }
      out[o + k] = cst[k] - 0.5 * s;
    }
  }
}

/**
 * Emissions of one row rescaled by the largest log-density among the states the forward
 * recursion can reach (those with (prev·A)_j > 0, or π_j > 0 on the first row); unreachable
 * states get 0. Returns m_reach − m_all, the change of the row's log scale.
 *
 * Why: the usual scaling by the largest log-density over *all* states underflows every
 * reachable state to exactly 0 when an outlier is ~745 nats likelier under a state that the
 * transition matrix makes unreachable (an exact zero in A, which Baum–Welch produces for a
 * state never left towards). The forward probabilities are then 0/0 although the model gives
 * the row a positive likelihood. Scaling by the reachable maximum is exact: the reachable
 * argmax gets 1, so the normaliser is ≥ its (positive) predicted probability. It only runs
 * when the ordinary scaling failed, so every other row keeps its bits.
 */
function rescaleReachable(
  p: HmmParams,
  em: EmissionCache,
  X: ArrayLike<number>,
  xOff: number,
  prev: Float64Array | null,
  prevOff: number,
  b: Float64Array,
  bOff: number,
): number {
  const K = p.states;
  const A = p.transmat;
  em.logRow(X, xOff, b, bOff);
  let mAll = Number.NEGATIVE_INFINITY;
  let mReach = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < K; j++) {
    let s = 0;
    if (prev === null) s = p.startprob[j];
    else for (let i = 0; i < K; i++) s += prev[prevOff + i] * A[i * K + j];
    const lp = b[bOff + j];
    if (lp > mAll) mAll = lp;
    if (s > 0 && lp > mReach) mReach = lp;
  }
  if (!(mReach > Number.NEGATIVE_INFINITY)) return 0; // no finite reachable density: the caller reports the row
  for (let j = 0; j < K; j++) {
    let s = 0;
    if (prev === null) s = p.startprob[j];
    else for (let i = 0; i < K; i++) s += prev[prevOff + i] * A[i * K + j];
    b[bOff + j] = s > 0 ? expNonPositive(b[bOff + j] - mReach) : 0;
  }
  return mReach - mAll;
}

/**
 * One scaled forward step: alpha[o..o+K) ∝ (prev·A) ⊙ b, or π ⊙ b when prev is null.
 * Returns the normaliser c_t; when it is not positive and finite, alpha is left unnormalised
 * and the caller rescales the row (rescaleReachable) and steps again. The fit's forward pass
 * repeats this arithmetic inline, in the same order, so online filtering reproduces the fit's
 * filtered probabilities bit for bit.
 */
function forwardStep(
  p: HmmParams,
  prev: Float64Array | null,
  prevOff: number,
  b: Float64Array,
  bOff: number,
  alpha: Float64Array,
  o: number,
): number {
  const K = p.states;
  const A = p.transmat;
  let c = 0;
  if (prev === null) {
    for (let k = 0; k < K; k++) {
      const a = p.startprob[k] * b[bOff + k];
      alpha[o + k] = a;
      c += a;
    }
  } else {
    for (let j = 0; j < K; j++) {
      let s = 0;
      for (let i = 0; i < K; i++) s += prev[prevOff + i] * A[i * K + j];
      const a = s * b[bOff + j];
      alpha[o + j] = a;
      c += a;
    }
  }
  if (!(c >= C_MIN && c < Number.POSITIVE_INFINITY)) return c;
  const inv = 1 / c;
  for (let k = 0; k < K; k++) alpha[o + k] *= inv;
  return c;
}

/** A forward row whose likelihood cannot be represented even after rescaling. */
export class HmmUnderflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HmmUnderflowError';
  }
}

function checkNormaliser(c: number, row: number): void {
  if (!(c >= C_MIN && c < Number.POSITIVE_INFINITY)) {
    const where = row >= 0 ? `row ${row}` : 'an observation';
    throw new HmmUnderflowError(`HMM forward pass: ${where} has zero likelihood under every reachable state (normaliser ${c})`);
  }
}

/** Start/end rows of the sequences of `lengths` (one sequence of T rows when absent). */
function sequenceBounds(T: number, lengths: ArrayLike<number> | undefined): { starts: Int32Array; ends: Int32Array } {
  if (lengths === undefined) return { starts: Int32Array.of(0), ends: Int32Array.of(T) };
  const n = lengths.length;
  if (n === 0) throw new Error('HMM lengths: need at least one sequence');
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  let at = 0;
  for (let q = 0; q < n; q++) {
    const len = lengths[q];
    if (!(Number.isInteger(len) && len >= 1)) throw new Error(`HMM lengths: sequence ${q} has length ${len}; lengths must be integers ≥ 1`);
    starts[q] = at;
    at += len;
    ends[q] = at;
  }
  if (at !== T) throw new Error(`HMM lengths: the ${n} sequence lengths sum to ${at}, but X has ${T} rows`);
  return { starts, ends };
}

/**
 * Buffers of one fit, allocated once: scaled emissions B, α̂, β̂/γ (T×K), normalisers c (T),
 * and the sufficient statistics the backward pass accumulates for the M-step.
 */
class Workspace {
  readonly B: Float64Array;
  readonly alpha: Float64Array;
  readonly gamma: Float64Array;
  readonly c: Float64Array;
  readonly xiAcc: Float64Array;
  readonly w: Float64Array;
  /** Σ_t γ_tk */
  readonly mass: Float64Array;
  /** Σ_t γ_tk (x_td − m_kd) and Σ_t γ_tk (x_td − m_kd)², m = the means of the E-step's θ */
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  /** Σ of the log-scale changes of rows the forward pass had to rescue (see rescueRow) */
  logShift = 0;
  /** independent sequences: rows [starts[q], ends[q]) */
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  constructor(
    readonly T: number,
    readonly K: number,
    readonly D: number,
    lengths?: ArrayLike<number>,
  ) {
    const bounds = sequenceBounds(T, lengths);
    this.starts = bounds.starts;
    this.ends = bounds.ends;
    this.B = new Float64Array(T * K);
    this.alpha = new Float64Array(T * K);
    this.gamma = new Float64Array(T * K);
    this.c = new Float64Array(T);
    this.xiAcc = new Float64Array(K * K);
    this.w = new Float64Array(K);
    this.mass = new Float64Array(K);
    this.s1 = new Float64Array(K * D);
    this.s2 = new Float64Array(K * D);
  }
}

/**
 * E-step, first half: scaled emissions and the forward recursion. Returns
 * loglik = Σ_t ln c_t + Σ_t (row scaling of b). Each pass is a separate function with one hot
 * loop so the JIT optimises it with complete type feedback.
 */
function forwardLoglik(p: HmmParams, em: EmissionCache, X: Float64Array, ws: Workspace): number {
  em.refresh();
  const scaling = emissionPass(p, em, X, ws);
  ws.logShift = 0;
  const { starts, ends } = ws;
  let ll = 0;
  for (let q = 0; q < starts.length; q++) {
    const s = starts[q];
    ll +=
      ws.K === 4
        ? forwardK4(p.transmat, p.startprob, ws.B, ws.alpha, ws.c, s, ends[q], (t) => rescueRow(p, em, X, ws, t, t === s))
        : forwardRecursion(p, em, X, ws, s, ends[q]);
  }
  return ll + scaling + ws.logShift;
}

/**
 * The E-step's second half (after forwardLoglik): β̂ and γ, plus Σξ and the M-step moment sums
 * when an M-step follows.
 */
function backwardStats(p: HmmParams, X: Float64Array, ws: Workspace, forMStep: boolean): void {
  ws.xiAcc.fill(0);
  const { starts, ends } = ws;
  for (let q = 0; q < starts.length; q++) {
    if (ws.K === 4) backwardK4(p.transmat, ws.B, ws.alpha, ws.c, ws.gamma, ws.xiAcc, starts[q], ends[q]);
    else backwardPass(p, ws, starts[q], ends[q]);
  }
  if (!forMStep) return;
  ws.mass.fill(0);
  ws.s1.fill(0);
  ws.s2.fill(0);
  momentPass(p.means, X, ws);
  // Σ_t ξ_t(i, j) = A_ij · Σ_t α̂_t(i) b_j(x_{t+1}) β̂_{t+1}(j) / c_{t+1}
  const A = p.transmat;
  const xi = ws.xiAcc;
  for (let q = 0; q < xi.length; q++) xi[q] *= A[q];
}

/**
 * B[t, k] = exp(log b_k(x_t) − max_k log b_k(x_t)) (as EmissionCache.scaledRow); returns Σ_t max.
 * D = 2 and D = 3 (the usual regime inputs) have unrolled loops; their sums are formed in the
 * same order as the generic loop, so every path gives the same bits.
 */
function emissionPass(p: HmmParams, em: EmissionCache, X: Float64Array, ws: Workspace): number {
  if (ws.K === 4 && ws.D === 3) return emissionK4D3(p.means, em.cst, em.inv, X, ws.B, ws.T);
  if (ws.K === 4 && ws.D === 2) return emissionK4D2(p.means, em.cst, em.inv, X, ws.B, ws.T);
  if (ws.D === 2) return emissionRows2(p.means, em, X, ws);
  if (ws.D === 3) return emissionRows3(p.means, em, X, ws);
  return emissionRowsN(p.means, em, X, ws);
}

function emissionRowsN(means: Float64Array, em: EmissionCache, X: Float64Array, ws: Workspace): number {
  const { T, K, D, B } = ws;
  const { cst, inv } = em;
  let total = 0;
  for (let t = 0; t < T; t++) {
    const o = t * K;
    const xo = t * D;
    let mx = Number.NEGATIVE_INFINITY;
    let am = 0;
    for (let k = 0; k < K; k++) {
      let s = 0;
      const kd = k * D;
      for (let d = 0; d < D; d++) {
        const z = X[xo + d] - means[kd + d];
        s += z * z * inv[kd + d];
      }
      const lp = cst[k] - 0.5 * s;
      B[o + k] = lp;
      if (lp > mx) {
        mx = lp;
        am = k;
      }
    }
    // exp(0) = 1 exactly, so skipping the maximum's exp changes no bits.
    for (let k = 0; k < K; k++) B[o + k] = k === am ? 1 : expNonPositive(B[o + k] - mx);
    total += mx;
  }
  return total;
}

function emissionRows2(means: Float64Array, em: EmissionCache, X: Float64Array, ws: Workspace): number {
  const { T, K, B } = ws;
  const { cst, inv } = em;
  let total = 0;
  for (let t = 0, o = 0, xo = 0; t < T; t++, o += K, xo += 2) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    let mx = Number.NEGATIVE_INFINITY;
    let am = 0;
    for (let k = 0, kd = 0; k < K; k++, kd += 2) {
      const z0 = x0 - means[kd];
      const z1 = x1 - means[kd + 1];
      const lp = cst[k] - 0.5 * (z0 * z0 * inv[kd] + z1 * z1 * inv[kd + 1]);
      B[o + k] = lp;
      if (lp > mx) {
        mx = lp;
        am = k;
      }
    }
    for (let k = 0; k < K; k++) B[o + k] = k === am ? 1 : expNonPositive(B[o + k] - mx);
    total += mx;
  }
  return total;
}

function emissionRows3(means: Float64Array, em: EmissionCache, X: Float64Array, ws: Workspace): number {
  const { T, K, B } = ws;
  const { cst, inv } = em;
  let total = 0;
  for (let t = 0, o = 0, xo = 0; t < T; t++, o += K, xo += 3) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    const x2 = X[xo + 2];
    let mx = Number.NEGATIVE_INFINITY;
    let am = 0;
    for (let k = 0, kd = 0; k < K; k++, kd += 3) {
      const z0 = x0 - means[kd];
      const z1 = x1 - means[kd + 1];
      const z2 = x2 - means[kd + 2];
      const lp = cst[k] - 0.5 * (z0 * z0 * inv[kd] + z1 * z1 * inv[kd + 1] + z2 * z2 * inv[kd + 2]);
      B[o + k] = lp;
      if (lp > mx) {
        mx = lp;
        am = k;
      }
    }
    for (let k = 0; k < K; k++) B[o + k] = k === am ? 1 : expNonPositive(B[o + k] - mx);
    total += mx;
  }
  return total;
}

/**
 * Row t of the forward pass when its ordinary scaling underflowed (normaliser 0): rescales the
 * row's emissions in B (rescaleReachable, the change added to ws.logShift) and recomputes α̂_t
 * unnormalised, as forwardStep does; returns the new normaliser. Kept out of forwardRecursion
 * so its hot loop stays as small as before.
 */
function rescueRow(p: HmmParams, em: EmissionCache, X: Float64Array, ws: Workspace, t: number, first: boolean): number {
  const { K, D, B, alpha } = ws;
  const o = t * K;
  const prev = first ? null : alpha;
  ws.logShift += rescaleReachable(p, em, X, t * D, prev, o - K, B, o);
  const A = p.transmat;
  let c = 0;
  for (let j = 0; j < K; j++) {
    let s = 0;
    if (prev === null) s = p.startprob[j];
    else for (let i = 0; i < K; i++) s += alpha[o - K + i] * A[i * K + j];
    const a = prev === null ? p.startprob[j] * B[o + j] : s * B[o + j];
    alpha[o + j] = a;
    c += a;
  }
  checkNormaliser(c, t);
  return c;
}

/**
 * α̂ and c of the sequence in rows [s, e) (as forwardStep, row by row); returns Σ_t ln c_t
 * (rescued rows: see rescueRow). K = 4 uses forwardK4 instead, with the same arithmetic.
 */
function forwardRecursion(p: HmmParams, em: EmissionCache, X: Float64Array, ws: Workspace, s: number, e: number): number {
  const { K, B, alpha, c } = ws;
  const { transmat: A, startprob } = p;
  const o0 = s * K;
  let c0 = 0;
  for (let k = 0; k < K; k++) {
    const a = startprob[k] * B[o0 + k];
    alpha[o0 + k] = a;
    c0 += a;
  }
  if (!(c0 >= C_MIN && c0 < Number.POSITIVE_INFINITY)) c0 = rescueRow(p, em, X, ws, s, true);
  const i0 = 1 / c0;
  for (let k = 0; k < K; k++) alpha[o0 + k] *= i0;
  c[s] = c0;
  let ll = Math.log(c0);
  for (let t = s + 1; t < e; t++) {
    const o = t * K;
    const prev = o - K;
    let ct = 0;
    for (let j = 0; j < K; j++) {
      let s = 0;
      for (let i = 0; i < K; i++) s += alpha[prev + i] * A[i * K + j];
      const a = s * B[o + j];
      alpha[o + j] = a;
      ct += a;
    }
    if (!(ct >= C_MIN && ct < Number.POSITIVE_INFINITY)) ct = rescueRow(p, em, X, ws, t, false);
    const ic = 1 / ct;
    for (let k = 0; k < K; k++) alpha[o + k] *= ic;
    c[t] = ct;
    ll += Math.log(ct);
  }
  // Nothing but the return may follow the hot loop (see the note at the end of backwardPass).
  return ll;
}

/**
 * Walks the sequence in rows [s, e) backwards. At step t (> s) it forms β̂_{t−1} and ξ_{t−1}
 * from row t; then row t of the β̂ buffer is overwritten with γ_t (its β̂ is no longer needed).
 * K = 4 uses backwardK4 instead, with the same arithmetic.
 */
function backwardPass(p: HmmParams, ws: Workspace, s: number, e: number): void {
  const { K, B, alpha, gamma: beta, c, xiAcc, w } = ws;
  const A = p.transmat;
  const last = (e - 1) * K;
  for (let k = 0; k < K; k++) beta[last + k] = 1;
  for (let t = e - 1; t >= s; t--) {
    const n = t * K;
    if (t > s) {
      const invC = 1 / c[t];
      for (let j = 0; j < K; j++) w[j] = B[n + j] * beta[n + j] * invC;
      const o = n - K;
      for (let i = 0; i < K; i++) {
        let s = 0;
        const ai = alpha[o + i];
        const row = i * K;
        for (let j = 0; j < K; j++) {
          s += A[row + j] * w[j];
          xiAcc[row + j] += ai * w[j];
        }
        beta[o + i] = s;
      }
    }
    let g = 0;
    for (let k = 0; k < K; k++) {
      const v = alpha[n + k] * beta[n + k];
      beta[n + k] = v;
      g += v;
    }
    const ig = 1 / g;
    for (let k = 0; k < K; k++) beta[n + k] *= ig;
  }
  // Nothing may follow the hot loop: V8 re-enters its cached OSR code on later calls and
  // deoptimises at any statement after the loop that had no type feedback when it compiled.
}

/**
 * M-step sums from γ: mass_k = Σγ, s1 = Σγ(x − m), s2 = Σγ(x − m)² about the current means m,
 * from which the M-step gets μ = m + s1/mass and σ² = s2/mass − (s1/mass)² (= Σγ(x − μ)²/mass).
 */
function momentPass(means: Float64Array, X: Float64Array, ws: Workspace): void {
  if (ws.K === 4 && ws.D === 3) momentsK4D3(means, X, ws.gamma, ws.T, ws.mass, ws.s1, ws.s2);
  else if (ws.K === 4 && ws.D === 2) momentsK4D2(means, X, ws.gamma, ws.T, ws.mass, ws.s1, ws.s2);
  else if (ws.D === 2) momentRows2(means, X, ws);
  else if (ws.D === 3) momentRows3(means, X, ws);
  else momentRowsN(means, X, ws);
}

function momentRowsN(means: Float64Array, X: Float64Array, ws: Workspace): void {
  const { T, K, D, gamma, mass, s1, s2 } = ws;
  for (let t = 0; t < T; t++) {
    const go = t * K;
    const xo = t * D;
    for (let k = 0; k < K; k++) {
      const g = gamma[go + k];
      mass[k] += g;
      const kd = k * D;
      for (let d = 0; d < D; d++) {
        const z = X[xo + d] - means[kd + d];
        const gz = g * z;
        s1[kd + d] += gz;
        s2[kd + d] += gz * z;
      }
    }
  }
}

function momentRows2(means: Float64Array, X: Float64Array, ws: Workspace): void {
  const { T, K, gamma, mass, s1, s2 } = ws;
  for (let t = 0, go = 0, xo = 0; t < T; t++, go += K, xo += 2) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    for (let k = 0, kd = 0; k < K; k++, kd += 2) {
      const g = gamma[go + k];
      mass[k] += g;
      const z0 = x0 - means[kd];
      const z1 = x1 - means[kd + 1];
      const g0 = g * z0;
      const g1 = g * z1;
      s1[kd] += g0;
      s1[kd + 1] += g1;
      s2[kd] += g0 * z0;
      s2[kd + 1] += g1 * z1;
    }
  }
}

function momentRows3(means: Float64Array, X: Float64Array, ws: Workspace): void {
  const { T, K, gamma, mass, s1, s2 } = ws;
  for (let t = 0, go = 0, xo = 0; t < T; t++, go += K, xo += 3) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    const x2 = X[xo + 2];
    for (let k = 0, kd = 0; k < K; k++, kd += 3) {
      const g = gamma[go + k];
      mass[k] += g;
      const z0 = x0 - means[kd];
      const z1 = x1 - means[kd + 1];
      const z2 = x2 - means[kd + 2];
      const g0 = g * z0;
      const g1 = g * z1;
      const g2 = g * z2;
      s1[kd] += g0;
      s1[kd + 1] += g1;
      s1[kd + 2] += g2;
      s2[kd] += g0 * z0;
      s2[kd + 1] += g1 * z1;
      s2[kd + 2] += g2 * z2;
    }
  }
}

/** Contract-C M-step from the E-step's γ, ξ and moment sums; updates p in place. */
function mStep(p: HmmParams, ws: Workspace, floor: Float64Array): void {
  const { K, D, gamma, xiAcc, mass, s1, s2, starts } = ws;
  const { startprob, transmat, means, variances } = p;
  // π = mean of the sequences' first-row posteriors (γ_0 itself for one sequence: x/1 = x).
  const nSeq = starts.length;
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let q = 0; q < nSeq; q++) s += gamma[starts[q] * K + k];
    startprob[k] = s / nSeq;
  }
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += xiAcc[i * K + j];
    if (s > MASS_MIN) for (let j = 0; j < K; j++) transmat[i * K + j] = xiAcc[i * K + j] / s;
  }
  for (let k = 0; k < K; k++) {
    const m = mass[k];
    if (!(m > MASS_MIN)) continue;
    for (let d = 0; d < D; d++) {
      const q = k * D + d;
      const shift = s1[q] / m;
      means[q] += shift;
      const v = s2[q] / m - shift * shift;
      variances[q] = Math.max(v, floor[d]);
    }
  }
}

/** Population variance of each column of X (two-pass), times the floor ratio. */
export function varianceFloor(X: Float64Array, T: number, D: number): Float64Array {
  const floor = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += X[t * D + d];
    m /= T;
    let s = 0;
    for (let t = 0; t < T; t++) {
      const z = X[t * D + d] - m;
      s += z * z;
    }
    floor[d] = (FLOOR_RATIO * s) / T;
  }
  return floor;
}

/**
 * Group g_t = ⌊ρ_t·K/T⌋ of each row, ρ_t its rank in the stable ascending order of X[:, 0]
 * (equal values keep time order). Only the K−1 group boundaries matter: ρ ≥ r exactly when
 * x > v (v the value of rank r) or x = v and at least r − #{values < v} earlier rows equal v.
 * So a native numeric sort of the values replaces an index sort with a comparator (several
 * times slower). Equal values include −0 and +0, as the comparator treated them.
 */
function rankGroups(X: Float64Array, T: number, D: number, K: number): Int32Array {
  const sorted = new Float64Array(T);
  for (let t = 0; t < T; t++) sorted[t] = X[t * D];
  sorted.sort();
  const thr = new Float64Array(K);
  const need = new Int32Array(K);
  const seen = new Int32Array(K);
  for (let g = 1; g < K; g++) {
    const r = Math.ceil((g * T) / K);
    const v = sorted[r];
    let lo = 0;
    let hi = r;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    thr[g] = v;
    need[g] = r - lo;
  }
  const group = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    const x = X[t * D];
    let grp = 0;
    for (let g = 1; g < K; g++) {
      if (x > thr[g]) grp++;
      else if (x === thr[g]) {
        if (seen[g] >= need[g]) grp++;
        seen[g]++;
      }
    }
    group[t] = grp;
  }
  return group;
}

/**
 * Deterministic initialisation: rank rows by X[:,0] (stable), group g = ⌊ρK/T⌋, per-group mean
 * and floored population variance; π uniform; A_ii = 0.9, A_ij = 0.1/(K−1).
 */
export function initialParams(X: Float64Array, T: number, D: number, K: number, floor: Float64Array): HmmParams {
  const group = rankGroups(X, T, D, K);
  const count = new Float64Array(K);
  const means = new Float64Array(K * D);
  const variances = new Float64Array(K * D);
  for (let t = 0; t < T; t++) {
    const g = group[t];
    count[g]++;
    for (let d = 0; d < D; d++) means[g * D + d] += X[t * D + d];
  }
  for (let k = 0; k < K; k++) for (let d = 0; d < D; d++) means[k * D + d] /= count[k];
  for (let t = 0; t < T; t++) {
    const g = group[t];
    for (let d = 0; d < D; d++) {
      const z = X[t * D + d] - means[g * D + d];
      variances[g * D + d] += z * z;
    }
  }
  for (let k = 0; k < K; k++) {
    for (let d = 0; d < D; d++) {
      const v = variances[k * D + d] / count[k];
      variances[k * D + d] = Math.max(v, floor[d]);
    }
  }
  const startprob = new Float64Array(K).fill(1 / K);
  const transmat = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) transmat[i * K + j] = i === j ? 0.9 : 0.1 / (K - 1);
  return { states: K, dims: D, startprob, transmat, means, variances };
}

/** States reordered by ascending μ_k0 (stable): new state r is old state perm[r]. */
/** States in ascending order of their first-feature mean (ties by index). */
function firstMeanOrder(p: HmmParams): number[] {
  const D = p.dims;
  return Array.from({ length: p.states }, (_, k) => k).sort((a, b) => p.means[a * D] - p.means[b * D] || a - b);
}

export function relabelByFirstMean(p: HmmParams): HmmParams {
  const { states: K, dims: D } = p;
  const perm = firstMeanOrder(p);
  const out: HmmParams = {
    states: K,
    dims: D,
    startprob: new Float64Array(K),
    transmat: new Float64Array(K * K),
    means: new Float64Array(K * D),
    variances: new Float64Array(K * D),
  };
  for (let r = 0; r < K; r++) {
    const k = perm[r];
    out.startprob[r] = p.startprob[k];
    for (let s = 0; s < K; s++) out.transmat[r * K + s] = p.transmat[k * K + perm[s]];
    for (let d = 0; d < D; d++) {
      out.means[r * D + d] = p.means[k * D + d];
      out.variances[r * D + d] = p.variances[k * D + d];
    }
  }
  return out;
}

/** Expected time spent in each state per visit: 1/(1 − A_ii). */
export function expectedDurations(p: HmmParams): Float64Array {
  const K = p.states;
  const out = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    const stay = p.transmat[k * K + k];
    out[k] = stay >= 1 ? Number.POSITIVE_INFINITY : 1 / (1 - stay);
  }
  return out;
}

function checkObservations(X: Float64Array, T: number, D: number): void {
  if (!(Number.isInteger(T) && Number.isInteger(D) && T >= 0 && D >= 1) || X.length !== T * D) {
    throw new Error(`HMM observations: expected a ${T}×${D} matrix, got ${X.length} values`);
  }
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    if (v - v !== 0) throw new Error(`HMM observations: non-finite value at row ${Math.floor(i / D)}, column ${i % D}`);
  }
}

/** Fits the contract-C Gaussian HMM to finite observations X (T×D row-major). */
export function fitGaussianHmm(X: Float64Array, T: number, D: number, options: HmmFitOptions = {}): HmmFit {
  const init = options.init;
  const K = options.states ?? init?.states ?? 4;
  const tol = options.tol ?? 1e-4;
  const maxIter = options.maxIter ?? 1000;
  if (!(Number.isInteger(K) && K >= 2)) throw new Error(`HMM: states must be an integer ≥ 2, got ${K}`);
  if (!(Number.isInteger(maxIter) && maxIter >= 0)) throw new Error(`HMM: maxIter must be a non-negative integer`);
  checkObservations(X, T, D);
  if (T < K) throw new Error(`HMM: need at least as many rows as states (${T} rows, ${K} states)`);
  const floor = varianceFloor(X, T, D);
  for (let d = 0; d < D; d++) {
    if (!(floor[d] > 0)) throw new Error(`HMM: feature column ${d} is constant over all ${T} rows`);
  }
  let params = init ? startingParams(init, K, D, floor) : initialParams(X, T, D, K, floor);
  const ws = new Workspace(T, K, D, options.lengths);
  let em = new EmissionCache(params);
  const relax = options.accelerate ? new OverRelaxation(params) : null;
  const trace: number[] = [];
  let prev = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (;;) {
    let L = relax?.pending ? trialLoglik(params, em, X, ws) : forwardLoglik(params, em, X, ws);
    if (relax?.pending && !relax.settle(L - prev >= tol, params)) L = forwardLoglik(params, em, X, ws);
    trace.push(L);
    if (n > 0 && L - prev < tol) break;
    if (n === maxIter) break;
    // The backward half is only needed when an M-step follows.
    backwardStats(params, X, ws, true);
    relax?.save(params);
    mStep(params, ws, floor);
    relax?.extrapolate(params, floor);
    prev = L;
    n++;
  }
  // The workspace holds the forward pass of the final parameters; only a relabelling (a state
  // permutation) needs it again. Applying fixed parameters (maxIter 0) thus costs one pass.
  let loglik = trace[trace.length - 1];
  if (firstMeanOrder(params).some((k, r) => k !== r)) {
    params = relabelByFirstMean(params);
    em = new EmissionCache(params);
    loglik = forwardLoglik(params, em, X, ws);
  }
  backwardStats(params, X, ws, false);
  return {
    params,
    loglik,
    iterations: n,
    converged: n < maxIter,
    trace: Float64Array.from(trace),
    filtered: ws.alpha,
    smoothed: ws.gamma,
    viterbi: sequenceViterbi(params, X, ws),
    durations: expectedDurations(params),
    varianceFloor: floor,
    rows: T,
  };
}

/**
 * The E-step's loglik at an over-relaxed trial point, or NaN when the trial makes a row's
 * likelihood unrepresentable (then the trial is rejected, not the fit).
 */
function trialLoglik(p: HmmParams, em: EmissionCache, X: Float64Array, ws: Workspace): number {
  try {
    return forwardLoglik(p, em, X, ws);
  } catch (e) {
    if (e instanceof HmmUnderflowError) return Number.NaN;
    throw e;
  }
}

/**
 * Over-relaxed EM (Salakhutdinov & Roweis, ICML 2003): after the M-step maps θ to θ_em, try
 * θ + η(θ_em − θ) with η > 1, growing η while such steps pay off. Near a slow EM tail (each
 * step improving the loglik by a near-constant fraction of the last) this cuts the number of
 * E-steps, which dominate the cost. A trial is kept only if it improves the loglik by at least
 * the stop tolerance; otherwise θ_em is restored (one extra E-step) and η drops back to 1. So
 * the stop rule is only ever met by a plain EM step, the loglik never decreases, and every
 * kept point is a valid model: trials with a negative probability are not made, variances are
 * floored.
 */
class OverRelaxation {
  private eta = 1;
  /** a trial point is in params, awaiting its E-step */
  pending = false;
  private readonly base: HmmParams;
  private readonly em: HmmParams;

  constructor(p: HmmParams) {
    this.base = copyParams(p);
    this.em = copyParams(p);
  }

  /** Remembers θ before the M-step. */
  save(p: HmmParams): void {
    setParams(this.base, p);
  }

  /**
   * p holds θ_em: replaces it with the over-relaxed trial when η > 1. Probabilities and
   * variances are extrapolated geometrically (x0·(x/x0)^η, each probability row renormalised),
   * which keeps them positive — a linear step would leave the simplex as soon as an entry
   * heads for 0, which is where EM is slowest; means linearly. Zeros stay zero.
   */
  extrapolate(p: HmmParams, floor: Float64Array): void {
    if (this.eta === 1) {
      this.eta = RELAX_GROWTH;
      return;
    }
    setParams(this.em, p);
    const eta = this.eta;
    const b = this.base;
    const K = p.states;
    const D = p.dims;
    let ok = geometricRow(p.startprob, b.startprob, 0, K, eta);
    for (let i = 0; i < K; i++) ok = geometricRow(p.transmat, b.transmat, i * K, K, eta) && ok;
    for (let q = 0; q < p.means.length; q++) p.means[q] = b.means[q] + eta * (p.means[q] - b.means[q]);
    for (let q = 0; q < p.variances.length; q++) {
      const v0 = b.variances[q];
      p.variances[q] = Math.max(v0 * Math.exp(eta * Math.log(p.variances[q] / v0)), floor[q % D]);
    }
    for (let q = 0; q < p.means.length && ok; q++) ok = Number.isFinite(p.means[q]) && p.variances[q] < Number.POSITIVE_INFINITY;
    if (ok) {
      this.pending = true;
      return;
    }
    // An overflowing step (a ratio far from 1 raised to η): keep the plain EM step.
    setParams(p, this.em);
    this.eta = 1;
  }

  /**
   * After the trial's E-step: keeps it (returns true) when it gained at least the tolerance,
   * else restores θ_em into p (returns false: the caller redoes the E-step).
   */
  settle(gained: boolean, p: HmmParams): boolean {
    this.pending = false;
    if (gained) {
      this.eta = Math.min(this.eta * RELAX_GROWTH, RELAX_MAX);
      return true;
    }
    setParams(p, this.em);
    this.eta = 1;
    return false;
  }
}

/**
 * x[o..o+n) ← x0·(x/x0)^η renormalised to sum 1 (entries where either is 0 become 0); false
 * when the row overflowed (then x is left partly written: the caller restores it).
 */
function geometricRow(x: Float64Array, x0: Float64Array, o: number, n: number, eta: number): boolean {
  let s = 0;
  for (let i = o; i < o + n; i++) {
    const a = x0[i];
    const v = a > 0 && x[i] > 0 ? a * Math.exp(eta * Math.log(x[i] / a)) : 0;
    x[i] = v;
    s += v;
  }
  if (!(s > 0 && s < Number.POSITIVE_INFINITY)) return false;
  for (let i = o; i < o + n; i++) x[i] /= s;
  return true;
}

const RELAX_GROWTH = 2;
const RELAX_MAX = 16;

function copyParams(p: HmmParams): HmmParams {
  return {
    states: p.states,
    dims: p.dims,
    startprob: p.startprob.slice(),
    transmat: p.transmat.slice(),
    means: p.means.slice(),
    variances: p.variances.slice(),
  };
}

function setParams(to: HmmParams, from: HmmParams): void {
  to.startprob.set(from.startprob);
  to.transmat.set(from.transmat);
  to.means.set(from.means);
  to.variances.set(from.variances);
}

/**
 * A copy of caller-supplied starting parameters with the variances floored (as the
 * deterministic init is); rejects sizes that do not match and values that are not a model.
 */
function startingParams(init: HmmParams, K: number, D: number, floor: Float64Array): HmmParams {
  checkParams(init);
  if (init.states !== K || init.dims !== D) {
    throw new Error(`HMM init: parameters have ${init.states} states × ${init.dims} dims, the fit needs ${K} × ${D}`);
  }
  const bad = (name: string, a: Float64Array, ok: (v: number) => boolean) => {
    for (let i = 0; i < a.length; i++) if (!ok(a[i])) throw new Error(`HMM init: ${name}[${i}] = ${a[i]} is not valid`);
  };
  bad('startprob', init.startprob, (v) => v >= 0 && v <= 1);
  bad('transmat', init.transmat, (v) => v >= 0 && v <= 1);
  bad('means', init.means, Number.isFinite);
  bad('variances', init.variances, (v) => v > 0 && v < Number.POSITIVE_INFINITY);
  const variances = init.variances.slice();
  for (let q = 0; q < variances.length; q++) variances[q] = Math.max(variances[q], floor[q % D]);
  return {
    states: K,
    dims: D,
    startprob: init.startprob.slice(),
    transmat: init.transmat.slice(),
    means: init.means.slice(),
    variances,
  };
}

/** Viterbi path of each sequence of the workspace, concatenated. */
function sequenceViterbi(params: HmmParams, X: Float64Array, ws: Workspace): Int32Array {
  const { starts, ends, D } = ws;
  if (starts.length === 1) return viterbiPath(params, X, ws.T);
  const out = new Int32Array(ws.T);
  for (let q = 0; q < starts.length; q++) {
    const s = starts[q];
    const e = ends[q];
    out.set(viterbiPath(params, X.subarray(s * D, e * D), e - s), s);
  }
  return out;
}

/** Log-likelihood of X under fixed parameters (scaled forward pass). */
export function logLikelihood(params: HmmParams, X: Float64Array, T: number): number {
  checkParams(params);
  checkObservations(X, T, params.dims);
  if (T === 0) return 0;
  const ws = new Workspace(T, params.states, params.dims);
  return forwardLoglik(params, new EmissionCache(params), X, ws);
}

/**
 * Log-space Viterbi (max-product). Every argmax tie — at each step and at the end — goes to
 * the lowest state index.
 */
export function viterbiPath(params: HmmParams, X: Float64Array, T: number): Int32Array {
  checkParams(params);
  const K = params.states;
  const path = new Int32Array(T);
  if (T === 0) return path;
  const back = new Int32Array(T * K);
  const delta = viterbiForward(params, X, T, back);
  let arg = 0;
  for (let k = 1; k < K; k++) if (delta[k] > delta[arg]) arg = k;
  path[T - 1] = arg;
  for (let t = T - 1; t > 0; t--) {
    arg = back[t * K + arg];
    path[t - 1] = arg;
  }
  return path;
}

/** Max-product recursion; fills back-pointers and returns the final δ row. */
function viterbiForward(params: HmmParams, X: Float64Array, T: number, back: Int32Array): Float64Array {
  const { states: K, dims: D } = params;
  const em = new EmissionCache(params);
  const logA = params.transmat.map(Math.log);
  let delta = new Float64Array(K);
  let next = new Float64Array(K);
  const lb = new Float64Array(K);
  em.logRow(X, 0, lb, 0);
  for (let k = 0; k < K; k++) delta[k] = Math.log(params.startprob[k]) + lb[k];
  for (let t = 1; t < T; t++) {
    em.logRow(X, t * D, lb, 0);
    for (let j = 0; j < K; j++) {
      let best = delta[0] + logA[j];
      let arg = 0;
      for (let i = 1; i < K; i++) {
        const v = delta[i] + logA[i * K + j];
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      next[j] = best + lb[j];
      back[t * K + j] = arg;
    }
    const tmp = delta;
    delta = next;
    next = tmp;
  }
  return delta;
}

/**
 * Online forward filter with fixed parameters: each `update` consumes one observation row and
 * returns P(s_t | x_0..x_t). A row with a non-finite value is skipped (NaN output, state
 * unchanged), matching how a fit drops such rows.
 */
export class HmmFilter {
  private readonly em: EmissionCache;
  private readonly b: Float64Array;
  private state: Float64Array;
  private nextState: Float64Array;
  private started = false;
  /** running log-likelihood of the rows consumed so far */
  loglik = 0;

  constructor(readonly params: HmmParams) {
    checkParams(params);
    // Private copy: later edits of the caller's arrays must not change the filter.
    this.params = {
      states: params.states,
      dims: params.dims,
      startprob: params.startprob.slice(),
      transmat: params.transmat.slice(),
      means: params.means.slice(),
      variances: params.variances.slice(),
    };
    this.em = new EmissionCache(this.params);
    this.b = new Float64Array(params.states);
    this.state = new Float64Array(params.states);
    this.nextState = new Float64Array(params.states);
  }

  /**
   * Continues from a known filter state instead of the start: `probs[offset..offset+K)` =
   * P(s_t | x_0..x_t) of the last row already consumed — e.g. a fit's last filtered row,
   * which the fit computed with the same arithmetic, so the following updates give the bits a
   * filter run from row 0 would. `loglik` then counts only the rows consumed afterwards.
   */
  resume(probs: ArrayLike<number>, offset: number): void {
    const K = this.params.states;
    for (let k = 0; k < K; k++) {
      const v = probs[offset + k];
      // ≤ 1 up to rounding: a normalised row can hold 1 + 1 ulp
      if (!(v >= 0 && v <= 1 + 1e-9)) throw new Error(`HmmFilter.resume: state probability ${k} is ${v}`);
      this.state[k] = v;
    }
    this.started = true;
    this.loglik = 0;
  }

  /** Consumes row x[offset..offset+D) and writes the filtered probabilities into out[outOffset..). */
  update(x: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    const { states: K, dims: D } = this.params;
    for (let d = 0; d < D; d++) {
      const v = x[offset + d];
      if (v - v !== 0) {
        for (let k = 0; k < K; k++) out[outOffset + k] = Number.NaN;
        return;
      }
    }
    let mx = this.em.scaledRow(x, offset, this.b, 0);
    const prev = this.started ? this.state : null;
    let c = forwardStep(this.params, prev, 0, this.b, 0, this.nextState, 0);
    if (!(c >= C_MIN && c < Number.POSITIVE_INFINITY)) {
      mx += rescaleReachable(this.params, this.em, x, offset, prev, 0, this.b, 0);
      c = forwardStep(this.params, prev, 0, this.b, 0, this.nextState, 0);
      checkNormaliser(c, -1);
    }
    this.loglik += Math.log(c) + mx;
    const tmp = this.state;
    this.state = this.nextState;
    this.nextState = tmp;
    this.started = true;
    for (let k = 0; k < K; k++) out[outOffset + k] = this.state[k];
  }
}

/** Filtered probabilities of every row of X (T×D) with fixed parameters; T×K, NaN rows where X has a non-finite value. */
export function filterForward(params: HmmParams, X: Float64Array, T: number): Float64Array {
  if (X.length !== T * params.dims) throw new Error(`filterForward: expected ${T}×${params.dims} values, got ${X.length}`);
  const f = new HmmFilter(params);
  const out = new Float64Array(T * params.states);
  for (let t = 0; t < T; t++) f.update(X, t * params.dims, out, t * params.states);
  return out;
}

/**
 * Filtered probabilities P(s_t | x_0..x_t) (T×K) of observations X (T×D) under fixed
 * parameters — e.g. one ticker under a model pooled over many (`lengths` in the fit). Rows with
 * a non-finite value are skipped (NaN output), as in filterForward, whose bits it returns; when
 * every value is finite it runs the fit's batch passes (emission pass, then the forward
 * recursion), several times faster than the row-by-row filter.
 */
export function filterHmm(params: HmmParams, X: Float64Array, T: number, D: number): Float64Array {
  if (D !== params.dims) throw new Error(`filterHmm: the model has ${params.dims} features, X has ${D}`);
  checkParams(params);
  if (X.length !== T * D) throw new Error(`filterHmm: expected ${T}×${D} values, got ${X.length}`);
  let finite = T > 0;
  for (let i = 0; i < X.length && finite; i++) finite = X[i] - X[i] === 0;
  if (!finite) return filterForward(params, X, T);
  const ws = new Workspace(T, params.states, D);
  forwardLoglik(params, new EmissionCache(params), X, ws);
  return ws.alpha;
}
