/**
 * Regime detection over one ticker's clean daily bars: features (registry) → observation
 * matrix (non-finite rows dropped) → Gaussian HMM (contract C) → a JSON-ready document.
 */
import type { Bars } from '../contracts';
import { isoDay } from '../core/time';
import { computeFeatures } from '../features/registry';
import { fitGaussianHmm, type HmmFit } from './hmm';
import { buildObservations } from './observations';

export const REGIME_METHODS = ['hmm', 'jump', 'rules', 'consensus'] as const;
export type RegimeMethod = (typeof REGIME_METHODS)[number];

export const DEFAULT_REGIME_FEATURES: readonly string[] = ['logret_1', 'vol_20'];

export interface HmmRegimeOptions {
  /** feature names from the registry, default [logret_1, vol_20] */
  features?: readonly string[];
  /** K, default 4 */
  states?: number;
  /** clean benchmark frame, for features that need one (beta_60) */
  benchmark?: Bars | null;
}

export interface HmmRegimes {
  features: string[];
  fit: HmmFit;
  /** rows of `bars` the model used (all features finite) */
  kept: Int32Array;
  /** timestamps of the kept rows */
  ts: Float64Array;
}

export function detectHmmRegimes(bars: Bars, opts: HmmRegimeOptions = {}): HmmRegimes {
  const features = [...(opts.features ?? DEFAULT_REGIME_FEATURES)];
  if (features.length === 0) throw new Error('regimes: need at least one feature');
  const m = computeFeatures(features, bars, opts.benchmark ?? null);
  const obs = buildObservations(m.columns);
  const K = opts.states ?? 4;
  if (obs.T < K) {
    throw new Error(`regimes: only ${obs.T} rows have every feature (${features.join(', ')}) finite; need at least ${K}`);
  }
  const fit = fitGaussianHmm(obs.X, obs.T, obs.D, { states: K });
  const ts = Float64Array.from(obs.kept, (i) => bars.ts[i]);
  return { features, fit, kept: obs.kept, ts };
}

/** Contract-C output document of `qe regime` (matrices as row arrays). */
export interface HmmRegimeDocument {
  method: 'hmm';
  features: string[];
  states: number;
  covariance: 'diagonal';
  loglik: number;
  iterations: number;
  converged: boolean;
  startprob: number[];
  transmat: number[][];
  means: number[][];
  variances: number[][];
  dates: string[];
  filtered: number[][];
  smoothed: number[][];
  viterbi: number[];
}

function rows(a: Float64Array, cols: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += cols) out.push(Array.from(a.subarray(i, i + cols)));
  return out;
}

export function hmmRegimeDocument(r: HmmRegimes): HmmRegimeDocument {
  const { params: p } = r.fit;
  const K = p.states;
  return {
    method: 'hmm',
    features: r.features,
    states: K,
    covariance: 'diagonal',
    loglik: r.fit.loglik,
    iterations: r.fit.iterations,
    converged: r.fit.converged,
    startprob: Array.from(p.startprob),
    transmat: rows(p.transmat, K),
    means: rows(p.means, p.dims),
    variances: rows(p.variances, p.dims),
    dates: Array.from(r.ts, isoDay),
    filtered: rows(r.fit.filtered, K),
    smoothed: rows(r.fit.smoothed, K),
    viterbi: Array.from(r.fit.viterbi),
  };
}
