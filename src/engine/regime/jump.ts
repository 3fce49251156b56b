/**
 * Statistical jump model (engine-research §3.4): K centroids on standardised features and a
 * state path minimising
 *
 *   Σ_t ‖z_t − μ_{s_t}‖² + λ · Σ_{t≥1} 1[s_t ≠ s_{t−1}]
 *
 * by coordinate descent: a dynamic programme (Viterbi with a switching cost λ) finds the best
 * path for fixed centroids, then each centroid becomes the mean of its rows.
 *
 * Port decisions (the Python `jumpmodels` package is not portable; §10):
 * - K = min(states, 4) as in the original detector.
 * - Standardisation uses the fit sample's column means and population std (ddof 0, like
 *   sklearn's StandardScaler); a constant column gets scale 1 so it contributes nothing.
 * - Initialisation: k-means++ (D² sampling) then 20 Lloyd iterations, from a `Prng` seeded by
 *   a hash of the observations and the options; `restarts` (default 3) seeded restarts, the
 *   lowest objective wins (ties → first). An empty cluster is re-seeded at the row farthest
 *   from its centroid (the legacy model used an unseeded random row).
 * - Discrete labels plus soft probabilities as §3.4 specifies for the port: a softmax with
 *   the §3.4 temperature τ = median of all squared row–centroid distances of the fit sample.
 *   The online probabilities apply it to the forward DP costs, p_k ∝ exp(−(V_t(k) − min V_t)/τ),
 *   so the most probable state is always the online state; with λ = 0 this is exactly the
 *   spec's distance softmax p_k ∝ exp(−d²_k/τ).
 *
 * Causality: `path` is the whole-sample optimum (its state at t depends on rows after t:
 * display only). `online` / `probs` come from the forward half of the DP alone — the state at
 * t is the last state of the best path over rows 0..t — so they use rows ≤ t only, given the
 * model's parameters.
 */
import { checksumColumns, seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import { expNonPositive } from '../core/stats';

/** The original detector never uses more than four jump-model states. */
export const JUMP_MAX_STATES = 4;
/**
 * Default λ per feature column (λ = 3·D), in units of squared standardised distance. The
 * spec's CV grid (0.005–0.15) and config value (0.02) are far below one row's typical
 * distance on standardised features, so they barely penalise switching: on SPY 2006–2025 with
 * [logret_1, vol_20] λ = 0.02 flips state ~78 times a year (k-means labels). Squared distances
 * grow with the number of features, so the default scales with D; λ = 6 for two features
 * gives ~4–5 changes a year there, the config's "expected changes per year" of 4
 * (tests/unit/regime/jump.test.ts checks the range).
 */
export const DEFAULT_JUMP_PENALTY_PER_FEATURE = 3;

/** The default λ for D feature columns. */
export function defaultJumpPenalty(D: number): number {
  return DEFAULT_JUMP_PENALTY_PER_FEATURE * D;
}

export interface JumpModelOptions {
  /** requested number of states; the model uses min(states, 4). Default 4 */
  states?: number;
  /** switching cost λ ≥ 0, default defaultJumpPenalty(D) = 3·D */
  penalty?: number;
  /** seeded restarts, default 3 */
  restarts?: number;
  /** coordinate-descent iterations per restart, default 50 */
  maxIter?: number;
  /** stop when the objective improves by less than tol·max(1, |objective|), default 1e-6 */
  tol?: number;
  /** mixed into the seed (e.g. a dataset id) */
  seedKey?: string;
}

export interface JumpModel {
  states: number;
  dims: number;
  penalty: number;
  /** column means of the fit sample */
  center: Float64Array;
  /** column population stds of the fit sample (1 for a constant column) */
  scale: Float64Array;
  /** centroids in standardised units, K×D row-major, ordered by ascending first column */
  centroids: Float64Array;
  /** softmax temperature τ (median squared distance over the fit sample) */
  temperature: number;
}

export interface JumpFit {
  model: JumpModel;
  /** objective of the returned (best) restart at its final path */
  objective: number;
  /** coordinate-descent iterations of the best restart */
  iterations: number;
  converged: boolean;
  /** objective of every restart, in restart order */
  restartObjectives: Float64Array;
  /** objective after every iteration of the best restart (non-increasing unless a cluster was re-seeded) */
  trace: Float64Array;
  /** whole-sample optimal path for the fitted centroids (uses future rows: display only) */
  path: Int32Array;
  /** causal online states (forward DP) with the fitted model */
  online: Int32Array;
  /** causal online probabilities, T×K */
  probs: Float64Array;
  /** centroids in the observations' own units, K×D */
  centroidsRaw: Float64Array;
  seed: number;
  rows: number;
}

const KMEANS_ITERS = 20;

function checkObservations(X: Float64Array, T: number, D: number): void {
  if (!(Number.isInteger(T) && Number.isInteger(D) && T >= 0 && D >= 1) || X.length !== T * D) {
    throw new Error(`jump model: expected a ${T}×${D} observation matrix, got ${X.length} values`);
  }
  for (let i = 0; i < X.length; i++) {
    const v = X[i];
    if (v - v !== 0) throw new Error(`jump model: non-finite observation at row ${Math.floor(i / D)}, column ${i % D}`);
  }
}

/** Column means and population stds (two-pass). */
export function standardiser(X: Float64Array, T: number, D: number): { center: Float64Array; scale: Float64Array } {
  const center = new Float64Array(D);
  const scale = new Float64Array(D);
  for (let d = 0; d < D; d++) {
    let m = 0;
    for (let t = 0; t < T; t++) m += X[t * D + d];
    m /= T;
    let s = 0;
    for (let t = 0; t < T; t++) {
      const z = X[t * D + d] - m;
      s += z * z;
    }
    const sd = Math.sqrt(s / T);
    center[d] = m;
    scale[d] = sd > 0 ? sd : 1;
  }
  return { center, scale };
}

function standardise(X: Float64Array, T: number, D: number, center: Float64Array, scale: Float64Array): Float64Array {
  const Z = new Float64Array(T * D);
  for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) Z[t * D + d] = (X[t * D + d] - center[d]) / scale[d];
  return Z;
}

/** Squared distances of every row to every centroid, T×K. */
function distances(Z: Float64Array, T: number, D: number, C: Float64Array, K: number, out: Float64Array): void {
  for (let t = 0; t < T; t++) {
    const zo = t * D;
    for (let k = 0; k < K; k++) {
      const co = k * D;
      let s = 0;
      for (let d = 0; d < D; d++) {
        const z = Z[zo + d] - C[co + d];
        s += z * z;
      }
      out[t * K + k] = s;
    }
  }
}

/**
 * Best path for fixed losses L (T×K) and switching cost λ: forward DP
 * V_t(k) = L_t(k) + min(V_{t−1}(k), min_j V_{t−1}(j) + λ), staying wins ties and the
 * lowest index wins other ties; then back-tracking. Returns the path's objective.
 */
export function jumpDpPath(L: Float64Array, T: number, K: number, penalty: number, path: Int32Array): number {
  if (T === 0) return 0;
  const from = new Int32Array(T * K);
  let V = new Float64Array(K);
  let next = new Float64Array(K);
  let mn0 = L[0];
  for (let k = 1; k < K; k++) if (L[k] < mn0) mn0 = L[k];
  // Same arithmetic as JumpFilter, step for step, so online states equal prefix optima bit for bit.
  for (let k = 0; k < K; k++) V[k] = L[k] - mn0;
  for (let t = 1; t < T; t++) {
    let m = V[0];
    let arg = 0;
    for (let k = 1; k < K; k++) {
      if (V[k] < m) {
        m = V[k];
        arg = k;
      }
    }
    const jump = m + penalty;
    const o = t * K;
    let mn = Number.POSITIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      const stay = V[k];
      let v: number;
      if (stay <= jump) {
        v = L[o + k] + stay;
        from[o + k] = k;
      } else {
        v = L[o + k] + jump;
        from[o + k] = arg;
      }
      next[k] = v;
      if (v < mn) mn = v;
    }
    // Keep the costs small: subtracting the minimum changes no decision.
    for (let k = 0; k < K; k++) next[k] -= mn;
    const tmp = V;
    V = next;
    next = tmp;
  }
  let s = 0;
  for (let k = 1; k < K; k++) if (V[k] < V[s]) s = k;
  path[T - 1] = s;
  for (let t = T - 1; t > 0; t--) {
    s = from[t * K + s];
    path[t - 1] = s;
  }
  return pathObjective(L, path, T, K, penalty);
}

/** Σ_t L_t(s_t) + λ·#switches. */
export function pathObjective(L: Float64Array, path: Int32Array, T: number, K: number, penalty: number): number {
  let obj = 0;
  for (let t = 0; t < T; t++) {
    obj += L[t * K + path[t]];
    if (t > 0 && path[t] !== path[t - 1]) obj += penalty;
  }
  return obj;
}

/**
 * Centroids = means of their rows. An empty cluster is moved onto the row farthest from its
 * current centroid (deterministic). Returns the number of re-seeded clusters.
 */
function updateCentroids(
  Z: Float64Array,
  T: number,
  D: number,
  path: Int32Array,
  C: Float64Array,
  K: number,
  L: Float64Array,
): number {
  const count = new Float64Array(K);
  const sum = new Float64Array(K * D);
  for (let t = 0; t < T; t++) {
    const k = path[t];
    count[k]++;
    for (let d = 0; d < D; d++) sum[k * D + d] += Z[t * D + d];
  }
  let reseeded = 0;
  const taken = new Uint8Array(T);
  for (let k = 0; k < K; k++) {
    if (count[k] > 0) {
      for (let d = 0; d < D; d++) C[k * D + d] = sum[k * D + d] / count[k];
      continue;
    }
    // Farthest row from its own centroid (L holds the losses of the current centroids).
    let far = -1;
    let best = -1;
    for (let t = 0; t < T; t++) {
      const v = L[t * K + path[t]];
      if (!taken[t] && v > best) {
        best = v;
        far = t;
      }
    }
    if (far < 0) far = 0;
    taken[far] = 1;
    for (let d = 0; d < D; d++) C[k * D + d] = Z[far * D + d];
    reseeded++;
  }
  return reseeded;
}

/** k-means++ seeding (first centroid uniform, then D² sampling) followed by Lloyd iterations. */
function kmeansInit(Z: Float64Array, T: number, D: number, K: number, prng: Prng): Float64Array {
  const C = new Float64Array(K * D);
  const first = prng.int(T);
  for (let d = 0; d < D; d++) C[d] = Z[first * D + d];
  const best = new Float64Array(T).fill(Number.POSITIVE_INFINITY);
  for (let k = 1; k < K; k++) {
    let total = 0;
    for (let t = 0; t < T; t++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        const z = Z[t * D + d] - C[(k - 1) * D + d];
        s += z * z;
      }
      if (s < best[t]) best[t] = s;
      total += best[t];
    }
    let pick = T - 1;
    if (total > 0) {
      const u = prng.next() * total;
      let acc = 0;
      for (let t = 0; t < T; t++) {
        acc += best[t];
        if (u < acc) {
          pick = t;
          break;
        }
      }
    } else {
      pick = prng.int(T);
    }
    for (let d = 0; d < D; d++) C[k * D + d] = Z[pick * D + d];
  }
  const L = new Float64Array(T * K);
  const assign = new Int32Array(T);
  for (let it = 0; it < KMEANS_ITERS; it++) {
    distances(Z, T, D, C, K, L);
    let changed = it === 0;
    for (let t = 0; t < T; t++) {
      let a = 0;
      for (let k = 1; k < K; k++) if (L[t * K + k] < L[t * K + a]) a = k;
      if (a !== assign[t]) changed = true;
      assign[t] = a;
    }
    if (!changed) break;
    updateCentroids(Z, T, D, assign, C, K, L);
  }
  return C;
}

interface RestartResult {
  C: Float64Array;
  path: Int32Array;
  objective: number;
  iterations: number;
  converged: boolean;
  trace: number[];
}

function descend(
  Z: Float64Array,
  T: number,
  D: number,
  K: number,
  C: Float64Array,
  penalty: number,
  maxIter: number,
  tol: number,
): RestartResult {
  const L = new Float64Array(T * K);
  const path = new Int32Array(T);
  const trace: number[] = [];
  let prev = Number.POSITIVE_INFINITY;
  let iterations = 0;
  let converged = false;
  distances(Z, T, D, C, K, L);
  while (iterations < maxIter) {
    jumpDpPath(L, T, K, penalty, path);
    const reseeded = updateCentroids(Z, T, D, path, C, K, L);
    distances(Z, T, D, C, K, L);
    const obj = pathObjective(L, path, T, K, penalty);
    iterations++;
    trace.push(obj);
    if (reseeded === 0 && prev - obj <= tol * Math.max(1, Math.abs(obj))) {
      converged = true;
      break;
    }
    prev = obj;
  }
  // The reported path is the optimum for the final centroids (L already holds their losses).
  const objective = jumpDpPath(L, T, K, penalty, path);
  return { C, path, objective, iterations, converged, trace };
}

/** States reordered by ascending first raw centroid coordinate (stable): new r = old perm[r]. */
function relabel(C: Float64Array, K: number, D: number): Int32Array {
  const perm = Array.from({ length: K }, (_, k) => k).sort((a, b) => C[a * D] - C[b * D] || a - b);
  return Int32Array.from(perm);
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const n = s.length;
  if (n === 0) return Number.NaN;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

function optionsOf(o: JumpModelOptions, D: number) {
  const requested = o.states ?? 4;
  if (!(Number.isInteger(requested) && requested >= 2)) throw new Error(`jump model: states must be an integer ≥ 2, got ${requested}`);
  const penalty = o.penalty ?? defaultJumpPenalty(D);
  if (!(penalty >= 0 && Number.isFinite(penalty))) throw new Error(`jump model: penalty must be a finite number ≥ 0, got ${penalty}`);
  const restarts = o.restarts ?? 3;
  if (!(Number.isInteger(restarts) && restarts >= 1)) throw new Error(`jump model: restarts must be an integer ≥ 1, got ${restarts}`);
  const maxIter = o.maxIter ?? 50;
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new Error(`jump model: maxIter must be an integer ≥ 1, got ${maxIter}`);
  const tol = o.tol ?? 1e-6;
  return { K: Math.min(requested, JUMP_MAX_STATES), penalty, restarts, maxIter, tol, D, seedKey: o.seedKey ?? '' };
}

/** Fits the jump model to finite observations X (T×D row-major, raw units). */
export function fitJumpModel(X: Float64Array, T: number, D: number, options: JumpModelOptions = {}): JumpFit {
  const o = optionsOf(options, D);
  checkObservations(X, T, D);
  const K = o.K;
  if (T < K) throw new Error(`jump model: need at least as many rows as states (${T} rows, ${K} states)`);
  const { center, scale } = standardiser(X, T, D);
  const Z = standardise(X, T, D, center, scale);
  const seed = seedFromString(
    `jump|K=${K}|lambda=${o.penalty}|restarts=${o.restarts}|${o.seedKey}|${checksumColumns({ X })}`,
  );
  const restartObjectives = new Float64Array(o.restarts);
  let best: RestartResult | null = null;
  for (let r = 0; r < o.restarts; r++) {
    const prng = new Prng(seedFromString(`${seed}:${r}`));
    const res = descend(Z, T, D, K, kmeansInit(Z, T, D, K, prng), o.penalty, o.maxIter, o.tol);
    restartObjectives[r] = res.objective;
    if (!best || res.objective < best.objective) best = res;
  }
  const b = best!;
  const perm = relabel(b.C, K, D);
  const inv = new Int32Array(K);
  for (let r = 0; r < K; r++) inv[perm[r]] = r;
  const centroids = new Float64Array(K * D);
  const centroidsRaw = new Float64Array(K * D);
  for (let r = 0; r < K; r++) {
    for (let d = 0; d < D; d++) {
      centroids[r * D + d] = b.C[perm[r] * D + d];
      centroidsRaw[r * D + d] = center[d] + scale[d] * centroids[r * D + d];
    }
  }
  const path = b.path.map((s) => inv[s]);
  const L = new Float64Array(T * K);
  distances(Z, T, D, centroids, K, L);
  const tau = median(L);
  const model: JumpModel = {
    states: K,
    dims: D,
    penalty: o.penalty,
    center,
    scale,
    centroids,
    temperature: tau > 0 ? tau : 1,
  };
  const { states: online, probs } = jumpOnline(model, X, T);
  return {
    model,
    objective: b.objective,
    iterations: b.iterations,
    converged: b.converged,
    restartObjectives,
    trace: Float64Array.from(b.trace),
    path,
    online,
    probs,
    centroidsRaw,
    seed,
    rows: T,
  };
}

/**
 * Online (causal) inference with a fixed model: each `update` consumes one raw observation row
 * and returns the state at t (−1 and NaN probabilities for a row with a non-finite value,
 * which leaves the filter unchanged, as a fit drops such rows).
 */
export class JumpFilter {
  private readonly model: JumpModel;
  private readonly V: Float64Array;
  private readonly loss: Float64Array;
  private started = false;
  private last = -1;

  constructor(model: JumpModel) {
    const K = model.states;
    const D = model.dims;
    if (model.centroids.length !== K * D || model.center.length !== D || model.scale.length !== D) {
      throw new Error(`jump filter: model arrays do not match ${K} states × ${D} features`);
    }
    if (!(model.temperature > 0)) throw new Error(`jump filter: temperature must be > 0, got ${model.temperature}`);
    // Private copy: later edits of the caller's arrays must not change the filter.
    this.model = {
      ...model,
      center: model.center.slice(),
      scale: model.scale.slice(),
      centroids: model.centroids.slice(),
    };
    this.V = new Float64Array(K);
    this.loss = new Float64Array(K);
  }

  update(x: ArrayLike<number>, offset: number, probs: Float64Array, probsOffset: number): number {
    const { states: K, dims: D, center, scale, centroids: C, penalty, temperature } = this.model;
    for (let d = 0; d < D; d++) {
      const v = x[offset + d];
      if (v - v !== 0) {
        for (let k = 0; k < K; k++) probs[probsOffset + k] = Number.NaN;
        return -1;
      }
    }
    const V = this.V;
    const loss = this.loss;
    for (let k = 0; k < K; k++) {
      let s = 0;
      for (let d = 0; d < D; d++) {
        const z = (x[offset + d] - center[d]) / scale[d] - C[k * D + d];
        s += z * z;
      }
      loss[k] = s;
    }
    if (!this.started) {
      for (let k = 0; k < K; k++) V[k] = loss[k];
      this.started = true;
    } else {
      let m = V[0];
      for (let k = 1; k < K; k++) if (V[k] < m) m = V[k];
      const jump = m + penalty;
      for (let k = 0; k < K; k++) V[k] = loss[k] + Math.min(V[k], jump);
    }
    let mn = Number.POSITIVE_INFINITY;
    for (let k = 0; k < K; k++) if (V[k] < mn) mn = V[k];
    for (let k = 0; k < K; k++) V[k] -= mn;
    // Argmin; on a tie the current state is kept (no switch without evidence), else lowest index.
    let s = this.last >= 0 && V[this.last] === 0 ? this.last : -1;
    if (s < 0) for (let k = 0; k < K && s < 0; k++) if (V[k] === 0) s = k;
    this.last = s;
    let z = 0;
    for (let k = 0; k < K; k++) {
      const p = expNonPositive(-V[k] / temperature);
      probs[probsOffset + k] = p;
      z += p;
    }
    for (let k = 0; k < K; k++) probs[probsOffset + k] /= z;
    return s;
  }
}

/** Online states and probabilities of every row of X (T×D) with a fixed model. */
export function jumpOnline(model: JumpModel, X: Float64Array, T: number): { states: Int32Array; probs: Float64Array } {
  if (X.length !== T * model.dims) throw new Error(`jump online: expected ${T}×${model.dims} values, got ${X.length}`);
  const f = new JumpFilter(model);
  const states = new Int32Array(T);
  const probs = new Float64Array(T * model.states);
  for (let t = 0; t < T; t++) states[t] = f.update(X, t * model.dims, probs, t * model.states);
  return { states, probs };
}

/** Whole-sample best path of X under a fixed model (uses future rows: display only). */
export function jumpPath(model: JumpModel, X: Float64Array, T: number): { path: Int32Array; objective: number } {
  checkObservations(X, T, model.dims);
  const { states: K, dims: D } = model;
  const Z = standardise(X, T, D, model.center, model.scale);
  const L = new Float64Array(T * K);
  distances(Z, T, D, model.centroids, K, L);
  const path = new Int32Array(T);
  const objective = jumpDpPath(L, T, K, model.penalty, path);
  return { path, objective };
}
