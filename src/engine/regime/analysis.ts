/**
 * One entry point for every regime method over one ticker's clean daily bars, returning the
 * same shape: causal (filtered/online) probabilities, display-only two-sided paths, canonical
 * regimes with confidence, transition matrix, expected durations and per-state statistics.
 *
 * "Causal" here means: given the fitted parameters, the value at row t uses rows ≤ t only.
 * Parameters fitted on the whole sample are themselves in-sample (contract C "Use"); for
 * point-in-time probabilities over history use `causalRegimes` (expanding refits).
 */
import type { Bars } from '../contracts';
import { computeFeatures } from '../features/registry';
import {
  type ConsensusComponent,
  type ConsensusComponentName,
  type ConsensusResult,
  canonicalArgmax,
  combineConsensus,
  normalisedEntropy,
} from './consensus';
import { DEFAULT_REGIME_FEATURES, detectHmmRegimes, type HmmRegimes, type RegimeMethod } from './detect';
import { fitJumpModel, type JumpFit } from './jump';
import { R } from './labels';
import { canonicalProbs, mapStatesToRegimes, oneHot, stateProfiles } from './mapping';
import { buildObservations } from './observations';
import { applyPooledHmm, type PooledHmm, standardisedObservations } from './pooled';
import {
  argmaxRows,
  durationsFromTransmat,
  empiricalTransmat,
  type StateStats,
  stateStatistics,
} from './paths';
import { detectRuleRegimes, natr14Percent, type RuleRegimes } from './rules';

export interface RegimeOptions {
  method: RegimeMethod;
  /** observation features for HMM / jump / consensus (default contract C's [logret_1, vol_20]) */
  features?: readonly string[];
  /** HMM states (default 4); the jump model uses min(states, 4) */
  states?: number;
  /** jump penalty λ (default 3·D) */
  penalty?: number;
  /** jump-model restarts (default 3) */
  restarts?: number;
  /** rules: minimum run length (default 3) */
  minDuration?: number;
  /** consensus weights (default hmm 0.5, rules 0.3, jump 0.2) */
  weights?: Partial<Record<ConsensusComponentName, number>>;
  /** clean benchmark frame, for features that need one */
  benchmark?: Bars | null;
}

/** A method's output on the canonical regimes (rows aligned with the analysis rows). */
export interface CanonicalView {
  /** T×4 */
  probs: Float64Array;
  regime: Int32Array;
  confidence: Float64Array;
}

export interface RegimeAnalysis {
  method: RegimeMethod;
  /** observation features ([] for rules) */
  features: string[];
  /** K: columns of `filtered` (raw model states; 4 canonical regimes for rules/consensus) */
  states: number;
  /** bar rows the analysis covers, ascending */
  rows: Int32Array;
  /** their timestamps */
  ts: Float64Array;
  /** causal probabilities over the K states, T×K */
  filtered: Float64Array;
  /** two-sided HMM posteriors (display only), else null */
  smoothed: Float64Array | null;
  /** display path: Viterbi (HMM), whole-sample DP path (jump), two-sided min-duration (rules), consensus regime */
  path: Int32Array;
  /** causal path: argmax filtered (HMM), online states (jump, rules), consensus regime */
  causalPath: Int32Array;
  /** canonical regime of each of the K states */
  stateRegimes: Int32Array;
  /** causal canonical probabilities, regime and confidence */
  canonical: CanonicalView;
  /** normalised entropy of the canonical probabilities per row */
  uncertainty: Float64Array;
  /** K×K */
  transmat: Float64Array;
  /** fitted (HMM) or estimated from the causal path */
  transmatSource: 'fitted' | 'empirical';
  /** expected stay per visit, 1/(1 − A_ii), in rows */
  durations: Float64Array;
  /** per-state statistics over the causal path (returns: simple close-to-close) */
  stats: StateStats;
  hmm?: HmmRegimes;
  jump?: JumpFit;
  rules?: RuleRegimes;
  /** consensus output and the (canonical, row-aligned) component inputs it combined */
  consensus?: ConsensusResult & { components: ConsensusComponent[] };
}

/** Simple returns and NATR_14 (%) of every bar (inputs of state profiles and statistics). */
export interface BarSeries {
  ret: Float64Array;
  natr: Float64Array;
}

export function barSeries(bars: Bars): BarSeries {
  return { ret: computeFeatures(['ret_1'], bars).columns[0], natr: natr14Percent(bars) };
}

function pick(x: Float64Array, rows: Int32Array): Float64Array {
  return Float64Array.from(rows, (i) => x[i]);
}

function pickRows(x: Float64Array, rows: Int32Array, K: number): Float64Array {
  const out = new Float64Array(rows.length * K);
  for (let i = 0; i < rows.length; i++) out.set(x.subarray(rows[i] * K, rows[i] * K + K), i * K);
  return out;
}

function uncertaintyOf(P: Float64Array, T: number): Float64Array {
  const u = new Float64Array(T);
  for (let t = 0; t < T; t++) u[t] = Number.isNaN(P[t * R]) ? Number.NaN : normalisedEntropy(P, t * R);
  return u;
}

/** Canonical view of raw-state probabilities given state profiles' weights. */
export function canonicalFromStates(
  probs: Float64Array,
  profileWeights: Float64Array,
  T: number,
  K: number,
  ret: Float64Array,
  natr: Float64Array,
): { stateRegimes: Int32Array; view: CanonicalView } {
  const stateRegimes = mapStatesToRegimes(stateProfiles(profileWeights, T, K, ret, natr));
  const P = canonicalProbs(probs, T, K, stateRegimes);
  const { regime, confidence } = canonicalArgmax(P, T);
  return { stateRegimes, view: { probs: P, regime, confidence } };
}

function observationFeatures(opts: RegimeOptions): string[] {
  const features = [...(opts.features ?? DEFAULT_REGIME_FEATURES)];
  if (features.length === 0) throw new Error('regimes: need at least one feature');
  return features;
}

function analyseHmm(bars: Bars, opts: RegimeOptions, series: BarSeries): RegimeAnalysis {
  const features = observationFeatures(opts);
  return hmmAnalysis(detectHmmRegimes(bars, { features, states: opts.states, benchmark: opts.benchmark }), series);
}

/**
 * One ticker under a universe model's shared parameters (see `pooled.ts`): its standardised
 * observations, one forward–backward pass and Viterbi, then the same analysis as its own fit.
 */
export function analysePooledHmm(bars: Bars, model: PooledHmm, benchmark: Bars | null = null): RegimeAnalysis {
  const obs = standardisedObservations(bars, model.features, benchmark);
  const fit = applyPooledHmm(model, obs);
  const ts = Float64Array.from(obs.kept, (i) => bars.ts[i]);
  return hmmAnalysis({ features: [...model.features], fit, kept: obs.kept, ts }, barSeries(bars));
}

function hmmAnalysis(hmm: HmmRegimes, series: BarSeries): RegimeAnalysis {
  const { fit, kept, features } = hmm;
  const T = kept.length;
  const K = fit.params.states;
  const ret = pick(series.ret, kept);
  const { stateRegimes, view } = canonicalFromStates(fit.filtered, fit.smoothed, T, K, ret, pick(series.natr, kept));
  const causalPath = argmaxRows(fit.filtered, T, K);
  return {
    method: 'hmm',
    features,
    states: K,
    rows: kept,
    ts: hmm.ts,
    filtered: fit.filtered,
    smoothed: fit.smoothed,
    path: fit.viterbi,
    causalPath,
    stateRegimes,
    canonical: view,
    uncertainty: uncertaintyOf(view.probs, T),
    transmat: fit.params.transmat,
    transmatSource: 'fitted',
    durations: fit.durations,
    stats: stateStatistics(causalPath, K, ret),
    hmm,
  };
}

interface JumpRun {
  fit: JumpFit;
  rows: Int32Array;
  features: string[];
}

function fitJumpOnBars(bars: Bars, opts: RegimeOptions): JumpRun {
  const features = observationFeatures(opts);
  const m = computeFeatures(features, bars, opts.benchmark ?? null);
  const obs = buildObservations(m.columns);
  const K = Math.min(opts.states ?? 4, 4);
  if (obs.T < K) {
    throw new Error(`regimes: only ${obs.T} rows have every feature (${features.join(', ')}) finite; need at least ${K}`);
  }
  const fit = fitJumpModel(obs.X, obs.T, obs.D, { states: opts.states, penalty: opts.penalty, restarts: opts.restarts });
  return { fit, rows: obs.kept, features };
}

function analyseJump(bars: Bars, opts: RegimeOptions, series: BarSeries): RegimeAnalysis {
  const { fit, rows, features } = fitJumpOnBars(bars, opts);
  const T = rows.length;
  const K = fit.model.states;
  const ret = pick(series.ret, rows);
  const { stateRegimes, view } = canonicalFromStates(fit.probs, oneHot(fit.path, K), T, K, ret, pick(series.natr, rows));
  const transmat = empiricalTransmat(fit.online, K);
  return {
    method: 'jump',
    features,
    states: K,
    rows,
    ts: pick(bars.ts, rows),
    filtered: fit.probs,
    smoothed: null,
    path: fit.path,
    causalPath: fit.online,
    stateRegimes,
    canonical: view,
    uncertainty: uncertaintyOf(view.probs, T),
    transmat,
    transmatSource: 'empirical',
    durations: durationsFromTransmat(transmat, K),
    stats: stateStatistics(fit.online, K, ret),
    jump: fit,
  };
}

function analyseRules(bars: Bars, opts: RegimeOptions, series: BarSeries): RegimeAnalysis {
  const rules = detectRuleRegimes(bars, { minDuration: opts.minDuration });
  const n = bars.ts.length;
  const rows = new Int32Array(Math.max(0, n - rules.warmup)).map((_, i) => rules.warmup + i);
  const T = rows.length;
  const probs = pickRows(rules.probs, rows, R);
  const causalPath = rows.map((i) => rules.online[i]);
  const ret = pick(series.ret, rows);
  const transmat = empiricalTransmat(causalPath, R);
  return {
    method: 'rules',
    features: [],
    states: R,
    rows,
    ts: pick(bars.ts, rows),
    filtered: probs,
    smoothed: null,
    path: rows.map((i) => rules.smoothed[i]),
    causalPath,
    stateRegimes: Int32Array.from({ length: R }, (_, k) => k),
    canonical: { probs, regime: causalPath, confidence: pick(rules.onlineConfidence, rows) },
    uncertainty: uncertaintyOf(probs, T),
    transmat,
    transmatSource: 'empirical',
    durations: durationsFromTransmat(transmat, R),
    stats: stateStatistics(causalPath, R, ret),
    rules,
  };
}

function analyseConsensus(bars: Bars, opts: RegimeOptions, series: BarSeries): RegimeAnalysis {
  const hmm = analyseHmm(bars, opts, series);
  const jump = analyseJump(bars, opts, series);
  const rules = analyseRules(bars, opts, series);
  // Both fitted methods use the same observation rows; the rules cover every bar after their warm-up.
  const rows = hmm.rows;
  const T = rows.length;
  const rulesAt = new Int32Array(bars.ts.length).fill(-1);
  rules.rows.forEach((bar, i) => {
    rulesAt[bar] = i;
  });
  const rp = new Float64Array(T * R).fill(Number.NaN);
  const rr = new Int32Array(T).fill(-1);
  const rc = new Float64Array(T).fill(Number.NaN);
  for (let t = 0; t < T; t++) {
    const i = rulesAt[rows[t]];
    if (i < 0) continue;
    rp.set(rules.canonical.probs.subarray(i * R, i * R + R), t * R);
    rr[t] = rules.canonical.regime[i];
    rc[t] = rules.canonical.confidence[i];
  }
  const components: ConsensusComponent[] = [
    { name: 'hmm', ...hmm.canonical },
    { name: 'rules', probs: rp, regime: rr, confidence: rc },
    { name: 'jump', ...jump.canonical },
  ];
  const c = combineConsensus(components, T, opts.weights);
  const ret = pick(series.ret, rows);
  const transmat = empiricalTransmat(c.regime, R);
  return {
    method: 'consensus',
    features: hmm.features,
    states: R,
    rows,
    ts: hmm.ts,
    filtered: c.probs,
    smoothed: null,
    path: c.regime,
    causalPath: c.regime,
    stateRegimes: Int32Array.from({ length: R }, (_, k) => k),
    canonical: { probs: c.probs, regime: c.regime, confidence: c.confidence },
    uncertainty: c.uncertainty,
    transmat,
    transmatSource: 'empirical',
    durations: durationsFromTransmat(transmat, R),
    stats: stateStatistics(c.regime, R, ret),
    hmm: hmm.hmm,
    jump: jump.jump,
    rules: rules.rules,
    consensus: { ...c, components },
  };
}

/** Runs one regime method over clean daily bars. */
export function analyseRegimes(bars: Bars, opts: RegimeOptions): RegimeAnalysis {
  const series = barSeries(bars);
  switch (opts.method) {
    case 'hmm':
      return analyseHmm(bars, opts, series);
    case 'jump':
      return analyseJump(bars, opts, series);
    case 'rules':
      return analyseRules(bars, opts, series);
    case 'consensus':
      return analyseConsensus(bars, opts, series);
  }
}

/** The latest row's regime: what a dashboard shows as "current". */
export interface CurrentRegime {
  /** index into the analysis rows (−1 when there are none) */
  index: number;
  ts: number;
  regime: number;
  /** raw state (HMM/jump) or the regime again */
  state: number;
  /** canonical probabilities (4) */
  probs: number[];
  confidence: number;
  uncertainty: number;
}

export function currentRegime(a: RegimeAnalysis): CurrentRegime | null {
  const T = a.rows.length;
  if (T === 0) return null;
  const t = T - 1;
  return {
    index: t,
    ts: a.ts[t],
    regime: a.canonical.regime[t],
    state: a.causalPath[t],
    probs: Array.from(a.canonical.probs.subarray(t * R, t * R + R)),
    confidence: a.canonical.confidence[t],
    uncertainty: a.uncertainty[t],
  };
}
