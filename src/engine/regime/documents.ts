/**
 * JSON documents of `qe regime --method jump|rules|consensus` — the analogues of contract C's
 * HMM document (matrices as row arrays; NaN/±inf print as null). Row-aligned arrays follow
 * `dates`. Causal series: `online`/`probabilities` (jump), `online`/`confidence`/
 * `probabilities` (rules), everything per row of the consensus; `path` (jump) and `smoothed`
 * (rules) use future rows and are for display only.
 */
import { isoDay } from '../core/time';
import type { RegimeAnalysis } from './analysis';
import { CANONICAL_REGIMES, R } from './labels';

function rows(a: ArrayLike<number>, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += cols) out.push(Array.from({ length: cols }, (_, j) => a[i + j]));
  return out;
}

function common(a: RegimeAnalysis) {
  return {
    regimes: [...CANONICAL_REGIMES],
    dates: Array.from(a.ts, isoDay),
    stateRegimes: Array.from(a.stateRegimes),
    transmat: rows(a.transmat, a.states),
    transmatSource: a.transmatSource,
    durations: Array.from(a.durations),
    stats: {
      count: Array.from(a.stats.count),
      share: Array.from(a.stats.share),
      meanReturn: Array.from(a.stats.meanReturn),
      vol: Array.from(a.stats.vol),
      meanDuration: Array.from(a.stats.meanDuration),
    },
  };
}

export function jumpRegimeDocument(a: RegimeAnalysis) {
  const j = a.jump;
  if (a.method !== 'jump' || !j) throw new Error('jumpRegimeDocument: not a jump-model analysis');
  const D = j.model.dims;
  return {
    method: 'jump' as const,
    features: a.features,
    states: j.model.states,
    penalty: j.model.penalty,
    objective: j.objective,
    iterations: j.iterations,
    converged: j.converged,
    restarts: j.restartObjectives.length,
    restartObjectives: Array.from(j.restartObjectives),
    temperature: j.model.temperature,
    center: Array.from(j.model.center),
    scale: Array.from(j.model.scale),
    centroids: rows(j.model.centroids, D),
    centroidsRaw: rows(j.centroidsRaw, D),
    ...common(a),
    online: Array.from(j.online),
    probabilities: rows(j.probs, j.model.states),
    canonical: rows(a.canonical.probs, R),
    path: Array.from(j.path),
  };
}

export function rulesRegimeDocument(a: RegimeAnalysis) {
  const r = a.rules;
  if (a.method !== 'rules' || !r) throw new Error('rulesRegimeDocument: not a rule-based analysis');
  const at = (x: ArrayLike<number>) => Array.from(a.rows, (i) => x[i]);
  return {
    method: 'rules' as const,
    states: R,
    minDuration: r.minDuration,
    ...common(a),
    raw: at(r.raw),
    rawConfidence: at(r.rawConfidence),
    online: Array.from(a.causalPath),
    confidence: Array.from(a.canonical.confidence),
    probabilities: rows(a.filtered, R),
    smoothed: Array.from(a.path),
    inputs: {
      hurst_100: at(r.inputs.hurst),
      adx_14: at(r.inputs.adx),
      natr_14_pct: at(r.inputs.natr),
      sma_slope_50_5: at(r.inputs.slope),
      natr_q80_252: at(r.inputs.natrQ80),
      natr_z_252: at(r.inputs.natrZ),
    },
  };
}

export function consensusRegimeDocument(a: RegimeAnalysis) {
  const c = a.consensus;
  if (a.method !== 'consensus' || !c) throw new Error('consensusRegimeDocument: not a consensus analysis');
  const components: Record<string, { weight: number; regime: number[]; confidence: number[] }> = {};
  for (const comp of c.components) {
    components[comp.name] = {
      weight: c.weights[comp.name],
      regime: Array.from(comp.regime),
      confidence: Array.from(comp.confidence),
    };
  }
  return {
    method: 'consensus' as const,
    features: a.features,
    states: R,
    weights: c.weights,
    ...common(a),
    probabilities: rows(c.probs, R),
    regime: Array.from(c.regime),
    confidence: Array.from(c.confidence),
    uncertainty: Array.from(c.uncertainty),
    agreement: Array.from(c.agreement),
    fallback: Array.from(c.fallback),
    components,
  };
}
