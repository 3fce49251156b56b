/**
 * Point-in-time regime probabilities for backtests and models (contract C "Use"): parameters
 * are refitted on an expanding window of observations ≤ t at a fixed frequency, and row t gets
 * the *filtered* (forward-only) probability of the most recent fit made at or before t. So
 * nothing at t depends on data after t: truncating the bars after t leaves every output ≤ t
 * bit-identical (property-tested).
 *
 * Schedule, in observation rows (rows where every feature is finite), 0-based: the first fit
 * uses rows 0..m−1 (m = minObservations, default 252) and is made at row m−1; then one every
 * `refitEvery` rows (default 63, a quarter): at rows m−1, m−1+f, m−1+2f, … Each fit's
 * forward pass runs from row 0 (the filter state at t depends on the whole history ≤ t) and
 * fills the rows from its fit row up to the next fit row. Rows before the first fit are NaN.
 *
 * HMM refits are warm-started: the first fit is contract C's stand-alone fit (deterministic
 * initialisation); each later one starts Baum–Welch from the previous fit's parameters
 * (`warmStartParams`), which were fitted on fewer rows — still causal — and runs over-relaxed
 * EM (`accelerate`), which reaches the same stop rule in well under half the E-steps.
 * The HMM fit's own final forward pass already holds the filter state of rows 0..i (bit-identical
 * to the online filter), so the filter resumes from row i instead of re-running from row 0.
 * Raw state indices may permute between refits; each fit's canonical mapping (§3.3, from that
 * fit's own training rows) makes the canonical probabilities comparable across fits.
 *
 * The rule-based detector has no fitted parameters and is causal as it stands (online labels).
 * The consensus combines the causal HMM, jump and rule outputs row by row.
 */
import type { Bars } from '../contracts';
import { computeFeatures } from '../features/registry';
import { type BarSeries, barSeries } from './analysis';
import {
  type ConsensusComponent,
  type ConsensusComponentName,
  canonicalArgmax,
  combineConsensus,
  normalisedEntropy,
} from './consensus';
import { DEFAULT_REGIME_FEATURES, type RegimeMethod } from './detect';
import { fitGaussianHmm, HmmFilter, type HmmFitOptions, type HmmParams } from './hmm';
import { fitJumpModel, JumpFilter, type JumpModelOptions } from './jump';
import { R } from './labels';
import { canonicalProbs, mapStatesToRegimes, oneHot, stateProfiles } from './mapping';
import { buildObservations, type Observations } from './observations';
import { detectRuleRegimes } from './rules';

export interface CausalRegimeOptions {
  method: RegimeMethod;
  features?: readonly string[];
  states?: number;
  penalty?: number;
  restarts?: number;
  minDuration?: number;
  weights?: Partial<Record<ConsensusComponentName, number>>;
  benchmark?: Bars | null;
  /** observations before the first fit, default 252 */
  minObservations?: number;
  /** observations between refits, default 63 */
  refitEvery?: number;
}

export interface CausalRegimes {
  method: RegimeMethod;
  features: string[];
  /** one row per bar */
  ts: Float64Array;
  /** canonical probabilities, bars×4 (NaN where unavailable) */
  probs: Float64Array;
  /** argmax regime (consensus: the consensus regime), −1 where unavailable */
  regime: Int32Array;
  confidence: Float64Array;
  uncertainty: Float64Array;
  /** bar rows at which the fitted components were refitted */
  refitRows: Int32Array;
}

export const DEFAULT_MIN_OBSERVATIONS = 252;
export const DEFAULT_REFIT_EVERY = 63;

/** Observation rows (0-based) at which a refit happens, for T observations. */
export function refitSchedule(T: number, minObservations: number, refitEvery: number): Int32Array {
  if (!(Number.isInteger(minObservations) && minObservations >= 2)) {
    throw new Error(`causal regimes: minObservations must be an integer ≥ 2, got ${minObservations}`);
  }
  if (!(Number.isInteger(refitEvery) && refitEvery >= 1)) {
    throw new Error(`causal regimes: refitEvery must be an integer ≥ 1, got ${refitEvery}`);
  }
  const out: number[] = [];
  for (let i = minObservations - 1; i < T; i += refitEvery) out.push(i);
  return Int32Array.from(out);
}

/** One fit of the walk-forward loop, as walkForward needs it. */
interface WalkFit {
  K: number;
  /** n×K weights profiling the training rows' states (n = rows of the fit) */
  profile: Float64Array;
  /**
   * Raw filtered state probabilities of observation rows [from, end) ((end − from)×K), from a
   * filter over rows 0..end−1 with this fit's parameters; `from` is the fit's last row.
   */
  filterRows(X: Float64Array, from: number, end: number): Float64Array;
}

interface Fitted {
  /** canonical probabilities per bar (NaN outside fitted rows) */
  probs: Float64Array;
  refitRows: Int32Array;
}

/**
 * Shared walk-forward loop: for each scheduled fit, fit on observation rows 0..i, map states to
 * regimes from the training rows, then run the forward filter from row 0 and keep rows i..next−1.
 */
function walkForward(
  obs: Observations,
  nBars: number,
  series: BarSeries,
  minObservations: number,
  refitEvery: number,
  fitOn: (X: Float64Array, T: number, D: number) => WalkFit,
): Fitted {
  const { X, T, D, kept } = obs;
  const probs = new Float64Array(nBars * R).fill(Number.NaN);
  const schedule = refitSchedule(T, minObservations, refitEvery);
  const ret = Float64Array.from(kept, (i) => series.ret[i]);
  const natr = Float64Array.from(kept, (i) => series.natr[i]);
  for (let j = 0; j < schedule.length; j++) {
    const i = schedule[j];
    const end = j + 1 < schedule.length ? schedule[j + 1] : T;
    const n = i + 1;
    const f = fitOn(X.subarray(0, n * D), n, D);
    const K = f.K;
    const raw = f.filterRows(X, i, end);
    const stateRegimes = mapStatesToRegimes(stateProfiles(f.profile, n, K, ret.subarray(0, n), natr.subarray(0, n)));
    const span = end - i;
    const P = canonicalProbs(raw, span, K, stateRegimes);
    for (let t = 0; t < span; t++) probs.set(P.subarray(t * R, t * R + R), kept[i + t] * R);
  }
  return { probs, refitRows: Int32Array.from(schedule, (i) => kept[i]) };
}

function observationsOf(bars: Bars, features: readonly string[], benchmark: Bars | null | undefined): Observations {
  return buildObservations(computeFeatures(features, bars, benchmark ?? null).columns);
}

type Resolved = CausalRegimeOptions & { minObservations: number; refitEvery: number };

/**
 * Starting parameters for the next refit from the previous fit's: the same model with a small
 * uniform share (WARM_MIX) blended into π and each row of A. Why: Baum–Welch never revives an
 * exact zero, and a fit on fewer rows often has zero (underflowed) transitions or start
 * probabilities; inherited unchanged they would forbid, forever, a transition the new rows
 * may show. The blend keeps every entry positive at a negligible cost in iterations.
 */
export function warmStartParams(prev: HmmParams): HmmParams {
  const K = prev.states;
  const u = WARM_MIX / K;
  const blend = (v: number) => (1 - WARM_MIX) * v + u;
  return {
    states: K,
    dims: prev.dims,
    startprob: prev.startprob.map(blend),
    transmat: prev.transmat.map(blend),
    means: prev.means.slice(),
    variances: prev.variances.slice(),
  };
}

/** Share of a uniform distribution blended into π and A when warm-starting a refit. */
export const WARM_MIX = 1e-3;

/**
 * Fit options of an HMM refit: the first (prev = null) is contract C's stand-alone fit; later
 * ones start from the previous fit and use over-relaxed EM (same stop rule, fewer E-steps).
 */
export function refitOptions(K: number, prev: HmmParams | null): HmmFitOptions {
  return prev ? { states: K, init: warmStartParams(prev), accelerate: true } : { states: K };
}

function causalHmm(bars: Bars, obs: Observations, series: BarSeries, o: Resolved): Fitted {
  const K = o.states ?? 4;
  let prev: HmmParams | null = null;
  return walkForward(obs, bars.ts.length, series, o.minObservations, o.refitEvery, (X, T, D) => {
    const fit = fitGaussianHmm(X, T, D, refitOptions(K, prev));
    prev = fit.params;
    return {
      K,
      profile: fit.smoothed,
      filterRows: (Xall, from, end) => {
        // Row `from` is the fit's last row: its filtered probabilities are the fit's own.
        const raw = new Float64Array((end - from) * K);
        raw.set(fit.filtered.subarray(from * K, (from + 1) * K), 0);
        const f = new HmmFilter(fit.params);
        f.resume(fit.filtered, from * K);
        for (let t = from + 1; t < end; t++) f.update(Xall, t * D, raw, (t - from) * K);
        return raw;
      },
    };
  });
}

function causalJump(bars: Bars, obs: Observations, series: BarSeries, o: Resolved): Fitted {
  const jo: JumpModelOptions = { states: o.states, penalty: o.penalty, restarts: o.restarts };
  return walkForward(obs, bars.ts.length, series, o.minObservations, o.refitEvery, (X, T, D) => {
    const fit = fitJumpModel(X.slice(), T, D, jo);
    const K = fit.model.states;
    return {
      K,
      profile: oneHot(fit.path, K),
      filterRows: (Xall, from, end) => {
        const f = new JumpFilter(fit.model);
        const raw = new Float64Array(end * K);
        for (let t = 0; t < end; t++) f.update(Xall, t * D, raw, t * K);
        return raw.subarray(from * K, end * K);
      },
    };
  });
}

function finish(
  method: RegimeMethod,
  features: string[],
  bars: Bars,
  probs: Float64Array,
  refitRows: Int32Array,
  regimeOverride?: { regime: Int32Array; confidence: Float64Array; uncertainty: Float64Array },
): CausalRegimes {
  const n = bars.ts.length;
  const am = canonicalArgmax(probs, n);
  const uncertainty = new Float64Array(n);
  for (let t = 0; t < n; t++) uncertainty[t] = Number.isNaN(probs[t * R]) ? Number.NaN : normalisedEntropy(probs, t * R);
  return {
    method,
    features,
    ts: bars.ts.slice(),
    probs,
    regime: regimeOverride?.regime ?? am.regime,
    confidence: regimeOverride?.confidence ?? am.confidence,
    uncertainty: regimeOverride?.uncertainty ?? uncertainty,
    refitRows,
  };
}

/** Point-in-time canonical regime probabilities for every bar (see the module comment). */
export function causalRegimes(bars: Bars, opts: CausalRegimeOptions): CausalRegimes {
  const o = {
    ...opts,
    minObservations: opts.minObservations ?? DEFAULT_MIN_OBSERVATIONS,
    refitEvery: opts.refitEvery ?? DEFAULT_REFIT_EVERY,
  };
  const series = barSeries(bars);
  const n = bars.ts.length;
  if (o.method === 'rules') {
    const rules = detectRuleRegimes(bars, { minDuration: o.minDuration });
    return finish('rules', [], bars, rules.probs, new Int32Array(0), {
      regime: rules.online,
      confidence: rules.onlineConfidence,
      uncertainty: new Float64Array(n).map((_, t) => (rules.online[t] < 0 ? Number.NaN : 0)),
    });
  }
  const features = [...(o.features ?? DEFAULT_REGIME_FEATURES)];
  if (features.length === 0) throw new Error('causal regimes: need at least one feature');
  const obs = observationsOf(bars, features, o.benchmark);
  if (o.method === 'hmm') {
    const h = causalHmm(bars, obs, series, o);
    return finish('hmm', features, bars, h.probs, h.refitRows);
  }
  if (o.method === 'jump') {
    const j = causalJump(bars, obs, series, o);
    return finish('jump', features, bars, j.probs, j.refitRows);
  }
  const h = causalHmm(bars, obs, series, o);
  const j = causalJump(bars, obs, series, o);
  const rules = detectRuleRegimes(bars, { minDuration: o.minDuration });
  const comp = (name: ConsensusComponentName, probs: Float64Array): ConsensusComponent => ({ name, probs, ...canonicalArgmax(probs, n) });
  const c = combineConsensus(
    [
      comp('hmm', h.probs),
      { name: 'rules', probs: rules.probs, regime: rules.online, confidence: rules.onlineConfidence },
      comp('jump', j.probs),
    ],
    n,
    o.weights,
  );
  // The consensus needs the fitted components: rows before their first fit stay empty.
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(h.probs[t * R]) && Number.isNaN(j.probs[t * R])) {
      c.regime[t] = -1;
      c.confidence[t] = Number.NaN;
      c.uncertainty[t] = Number.NaN;
      c.probs.fill(Number.NaN, t * R, t * R + R);
    }
  }
  return finish('consensus', features, bars, c.probs, h.refitRows, {
    regime: c.regime,
    confidence: c.confidence,
    uncertainty: c.uncertainty,
  });
}
