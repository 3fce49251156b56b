/**
 * Event walk-forward (engine-trading §6.5): expanding train window over events sorted by
 * release, test blocks of 20, train restricted to events released at least the purge window
 * before the first test release, alpha chosen on an inner 80/20 split with a one-event gap,
 * ridge (models/ridge.ts) on all feature columns with NaN → 0.
 * Ridge here is the shared implementation (standardised inputs, unpenalised intercept)
 * rather than the source's raw pinv without intercept — one ridge in the codebase.
 */
import { fitRidge } from '../models/ridge';
import { DAY_MS, purgeDays } from './types';
import { pearson } from '../models/metrics';

/** Pearson correlation (the models' metric; non-finite pairs are skipped). */
export { pearson };

export interface EventTable {
  event_id: string[];
  event_type: string[];
  release_ts: Float64Array;
  names: string[];
  /** one column per name, aligned with event_id */
  columns: Float64Array[];
  label: Float64Array;
}

export interface WalkForwardConfig {
  trainMinEvents: number;
  testEventsPerFold: number;
  step: number;
  /** default purge when the test events have no known type */
  purgeWindowMs: number;
  embargoEvents: number;
  alphas: readonly number[];
  /** feature_sets × models × label_windows × markets for n_trials_total (hyperparams = alphas) */
  trialGrid: number;
}

export const WALKFORWARD_DEFAULTS: Readonly<WalkForwardConfig> = {
  trainMinEvents: 40,
  testEventsPerFold: 20,
  step: 20,
  purgeWindowMs: 7 * DAY_MS,
  embargoEvents: 0,
  alphas: [0.1, 1, 10],
  trialGrid: 1,
};

export interface WalkForwardFold {
  fold: number;
  train_events: number;
  test_events: number;
  test_start_ts: number;
  /** latest release among training events (always ≤ test_start_ts − purge_ms) */
  train_end_ts: number;
  purge_ms: number;
  alpha: number;
  is_corr: number;
  oos_corr: number;
  oos_mse: number;
  hit_rate: number;
  mean_return: number;
  std_return: number;
  worst_loss: number;
  surprise_hit_rate: number;
  train_ids: string[];
  test_ids: string[];
  predictions: number[];
}

export interface WalkForwardResult {
  folds: WalkForwardFold[];
  wf_oos_corr: number;
  wf_positive_fold_fraction: number;
  wf_is_oos_gap: number;
  worst_event_loss: number;
  hit_rate: number;
  sharpe: number;
  n_trials_total: number;
  n_events: number;
  skipped: string[];
}

function select(cols: readonly Float64Array[], rows: readonly number[]): Float64Array[] {
  return cols.map((c) =>
    Float64Array.from(rows, (r) => {
      const v = c[r];
      return Number.isFinite(v) ? v : 0;
    }),
  );
}

function fitPredict(cols: readonly Float64Array[], label: Float64Array, train: number[], test: number[], alpha: number): Float64Array {
  const model = fitRidge(select(cols, train), Float64Array.from(train, (r) => label[r]), { alpha });
  return model.predict(select(cols, test));
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Purge window for a test block: max purge days over its event types, else the default. */
export function purgeFor(types: readonly string[], defaultMs: number): number {
  const known = types.filter((t) => t !== '');
  if (known.length === 0) return defaultMs;
  return Math.max(...known.map((t) => purgeDays(t))) * DAY_MS;
}

export function eventWalkForward(table: EventTable, config: Partial<WalkForwardConfig> = {}): WalkForwardResult {
  const cfg = { ...WALKFORWARD_DEFAULTS, ...config };
  const n = table.event_id.length;
  // Only labelled events take part; order by release (ties by id for determinism).
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => Number.isFinite(table.label[i]) && Number.isFinite(table.release_ts[i]))
    .sort((a, b) => table.release_ts[a] - table.release_ts[b] || (table.event_id[a] < table.event_id[b] ? -1 : 1));
  const m = order.length;
  const folds: WalkForwardFold[] = [];
  const skipped: string[] = [];
  const minTrain = Math.max(10, Math.floor(cfg.trainMinEvents / 2));
  let nTrials = 0;
  const allReturns: number[] = [];
  let hits = 0;
  let directional = 0;
  for (let start = cfg.trainMinEvents; start + cfg.testEventsPerFold <= m; start += cfg.step) {
    const test = order.slice(start, start + cfg.testEventsPerFold);
    const testStart = table.release_ts[test[0]];
    const purgeMs = purgeFor(test.map((r) => table.event_type[r]), cfg.purgeWindowMs);
    let train = order.slice(0, start).filter((r) => table.release_ts[r] <= testStart - purgeMs);
    if (cfg.embargoEvents > 0) train = train.slice(0, Math.max(0, train.length - cfg.embargoEvents));
    if (train.length < minTrain) {
      skipped.push(`fold at event ${start}: ${train.length} training events after the purge (< ${minTrain})`);
      continue;
    }
    // Inner split in time: first 80 % train, one event gap, the rest validation.
    const cut = Math.floor(train.length * 0.8);
    const innerTrain = train.slice(0, cut);
    const innerVal = train.slice(cut + 1);
    let alpha = cfg.alphas[Math.floor(cfg.alphas.length / 2)];
    let isCorr = Number.NaN;
    if (innerTrain.length >= 5 && innerVal.length >= 3) {
      let best = Number.NEGATIVE_INFINITY;
      for (const a of cfg.alphas) {
        nTrials++;
        const pred = fitPredict(table.columns, table.label, innerTrain, innerVal, a);
        const c = pearson(pred, Float64Array.from(innerVal, (r) => table.label[r]));
        if (Number.isFinite(c) && c > best) {
          best = c;
          alpha = a;
        }
      }
      if (Number.isFinite(best)) isCorr = best;
    }
    const pred = fitPredict(table.columns, table.label, train, test, alpha);
    const y = Float64Array.from(test, (r) => table.label[r]);
    const ret = Float64Array.from(y, (v, i) => sign(pred[i]) * v);
    let mean = 0;
    let mse = 0;
    let worst = Number.POSITIVE_INFINITY;
    let foldHits = 0;
    let foldDirectional = 0;
    for (let i = 0; i < ret.length; i++) {
      mean += ret[i];
      mse += (pred[i] - y[i]) ** 2;
      worst = Math.min(worst, ret[i]);
      if (y[i] !== 0) {
        foldDirectional++;
        if (sign(pred[i]) === sign(y[i])) foldHits++;
      }
      allReturns.push(ret[i]);
    }
    mean /= ret.length;
    let v = 0;
    for (let i = 0; i < ret.length; i++) v += (ret[i] - mean) ** 2;
    const absY = Array.from(y, Math.abs).sort((a, b) => a - b);
    const q75 = quantile(absY, 0.75);
    let sHits = 0;
    let sN = 0;
    for (let i = 0; i < y.length; i++) {
      if (Math.abs(y[i]) >= q75 && y[i] !== 0) {
        sN++;
        if (sign(pred[i]) === sign(y[i])) sHits++;
      }
    }
    hits += foldHits;
    directional += foldDirectional;
    folds.push({
      fold: folds.length,
      train_events: train.length,
      test_events: test.length,
      test_start_ts: testStart,
      train_end_ts: Math.max(...train.map((r) => table.release_ts[r])),
      purge_ms: purgeMs,
      alpha,
      is_corr: isCorr,
      oos_corr: pearson(pred, y),
      oos_mse: mse / y.length,
      hit_rate: foldDirectional > 0 ? foldHits / foldDirectional : Number.NaN,
      mean_return: mean,
      std_return: Math.sqrt(v / ret.length),
      worst_loss: worst,
      surprise_hit_rate: sN > 0 ? sHits / sN : Number.NaN,
      train_ids: train.map((r) => table.event_id[r]),
      test_ids: test.map((r) => table.event_id[r]),
      predictions: Array.from(pred),
    });
  }
  const finiteMean = (xs: number[]) => {
    const f = xs.filter(Number.isFinite);
    return f.length > 0 ? f.reduce((a, b) => a + b, 0) / f.length : Number.NaN;
  };
  let sharpe = Number.NaN;
  if (allReturns.length > 1) {
    const mu = allReturns.reduce((a, b) => a + b, 0) / allReturns.length;
    const sd = Math.sqrt(allReturns.reduce((a, b) => a + (b - mu) ** 2, 0) / allReturns.length);
    sharpe = sd > 0 ? (mu / sd) * Math.sqrt(252) : Number.NaN;
  }
  return {
    folds,
    wf_oos_corr: finiteMean(folds.map((f) => f.oos_corr)),
    wf_positive_fold_fraction: folds.length > 0 ? folds.filter((f) => f.mean_return > 0).length / folds.length : Number.NaN,
    wf_is_oos_gap: finiteMean(folds.filter((f) => Number.isFinite(f.is_corr) && Number.isFinite(f.oos_corr)).map((f) => Math.max(0, f.is_corr - f.oos_corr))),
    worst_event_loss: folds.length > 0 ? Math.min(...folds.map((f) => f.worst_loss)) : Number.NaN,
    hit_rate: directional > 0 ? hits / directional : Number.NaN,
    sharpe,
    n_trials_total: Math.max(nTrials, cfg.trialGrid * cfg.alphas.length),
    n_events: m,
    skipped,
  };
}

/** Linear-interpolated quantile of an ascending array (numpy default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
