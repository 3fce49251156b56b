/**
 * Walk-forward validation of predictions against realised forward returns (spec §3.1).
 * Inputs are aligned series in time order (`predicted[k]`, `actual[k]` for sample k; rows
 * with a missing value in either are dropped first).
 *
 * fold_size = ⌊n/(folds + 1)⌋; fold i (0-based): test_start = (i + 1)·fold_size,
 * test_end = min(test_start + fold_size, n); train = [train_start, train_end) with
 * train_end = max(0, test_start − purge) and train_start = max(0, train_end − maxTrain)
 * (0 without a cap); the test set is [min(test_start + embargo, test_end), test_end).
 * A fold is skipped when train_end < 50 or the test set has < 20 rows; n < 100 gives no folds.
 * Per fold: Spearman IS/OOS (NaN → 0); longs = test rows with predicted > entryThreshold;
 * their mean actual, win rate (actual > 0), profit factor (Σ gains/|Σ losses|, ∞ → 10,
 * no losses and no gains → 0) and per-period Sharpe (mean/std ddof 1, 0 when n < 2 or
 * std < 1e-12). Overfit when avg OOS corr ≤ 0 or avg IS/(avg OOS + 1e-10) > maxOverfitRatio.
 */
import { range, subsetSpearman } from './ranks';

export interface WalkForwardOptions {
  folds?: number;
  entryThreshold?: number;
  maxOverfitRatio?: number;
  purge?: number;
  embargo?: number;
  maxTrainSamples?: number | null;
}

export interface WalkForwardFold {
  fold: number;
  trainStart: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
  isCorr: number;
  oosCorr: number;
  nLong: number;
  testMeanReturn: number;
  winRate: number;
  profitFactor: number;
  sharpe: number;
}

export interface WalkForwardResult {
  n: number;
  folds: WalkForwardFold[];
  avgOosCorr: number;
  avgIsCorr: number;
  isOosGap: number;
  /** population std of the folds' OOS correlations */
  oosCorrStd: number;
  profitableFolds: number;
  isOverfit: boolean;
  warnings: string[];
}

export interface FoldBounds {
  fold: number;
  trainStart: number;
  trainEnd: number;
  testStart: number;
  testEnd: number;
}

/** The folds' index ranges (train [start, end), test [start, end)) for n samples. */
export function walkForwardFolds(n: number, opts: WalkForwardOptions = {}): FoldBounds[] {
  const folds = opts.folds ?? 5;
  const purge = opts.purge ?? 10;
  const embargo = opts.embargo ?? 5;
  const cap = opts.maxTrainSamples ?? null;
  if (n < 100) return [];
  const size = Math.floor(n / (folds + 1));
  const out: FoldBounds[] = [];
  for (let i = 0; i < folds; i++) {
    const testStart0 = (i + 1) * size;
    const testEnd = Math.min(testStart0 + size, n);
    const trainEnd = Math.max(0, testStart0 - purge);
    const testStart = Math.min(testStart0 + embargo, testEnd);
    if (trainEnd < 50 || testEnd - testStart < 20) continue;
    const trainStart = cap !== null ? Math.max(0, trainEnd - cap) : 0;
    out.push({ fold: i, trainStart, trainEnd, testStart, testEnd });
  }
  return out;
}

/** Canonical non-annualised Sharpe of a slice (0 when n < 2 or std < 1e-12). */
function plainSharpe(x: number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  let m = 0;
  for (const v of x) m += v;
  m /= n;
  let ss = 0;
  for (const v of x) ss += (v - m) * (v - m);
  const sd = Math.sqrt(ss / (n - 1));
  return sd < 1e-12 ? 0 : m / sd;
}

export function walkForwardValidate(predicted: Float64Array, actual: Float64Array, opts: WalkForwardOptions = {}): WalkForwardResult {
  if (predicted.length !== actual.length) throw new RangeError('predicted and actual differ in length');
  const keep: number[] = [];
  for (let k = 0; k < predicted.length; k++) if (Number.isFinite(predicted[k]) && Number.isFinite(actual[k])) keep.push(k);
  const p = Float64Array.from(keep, (k) => predicted[k]);
  const a = Float64Array.from(keep, (k) => actual[k]);
  const n = p.length;
  const threshold = opts.entryThreshold ?? 0.005;
  const ratio = opts.maxOverfitRatio ?? 2.5;
  const folds: WalkForwardFold[] = [];
  const corr = subsetSpearman(p, a);
  for (const b of walkForwardFolds(n, opts)) {
    const isCorr = corr(range(b.trainStart, b.trainEnd));
    const oosCorr = corr(range(b.testStart, b.testEnd));
    const longs: number[] = [];
    for (let k = b.testStart; k < b.testEnd; k++) if (p[k] > threshold) longs.push(a[k]);
    let gains = 0;
    let losses = 0;
    let wins = 0;
    let sum = 0;
    for (const v of longs) {
      sum += v;
      if (v > 0) {
        wins++;
        gains += v;
      } else losses += v;
    }
    let pf = 0;
    if (losses < 0) pf = gains / Math.abs(losses);
    else if (gains > 0) pf = 10;
    folds.push({
      ...b,
      isCorr: Number.isNaN(isCorr) ? 0 : isCorr,
      oosCorr: Number.isNaN(oosCorr) ? 0 : oosCorr,
      nLong: longs.length,
      testMeanReturn: longs.length > 0 ? sum / longs.length : 0,
      winRate: longs.length > 0 ? wins / longs.length : 0,
      profitFactor: pf,
      sharpe: plainSharpe(longs),
    });
  }
  const warnings: string[] = [];
  if (folds.length === 0) {
    if (n < 100) warnings.push(`only ${n} samples: walk-forward needs at least 100`);
    else warnings.push('every fold was skipped (train < 50 or test < 20 rows)');
    return { n, folds, avgOosCorr: Number.NaN, avgIsCorr: Number.NaN, isOosGap: Number.NaN, oosCorrStd: Number.NaN, profitableFolds: 0, isOverfit: true, warnings };
  }
  const f = folds.length;
  let so = 0;
  let si = 0;
  let profitable = 0;
  for (const x of folds) {
    so += x.oosCorr;
    si += x.isCorr;
    if (x.testMeanReturn > 0) profitable++;
  }
  const avgOos = so / f;
  const avgIs = si / f;
  let v = 0;
  for (const x of folds) v += (x.oosCorr - avgOos) ** 2;
  const std = Math.sqrt(v / f);
  if (std > 0.3) warnings.push(`OOS correlation varies strongly across folds (std ${std.toFixed(3)})`);
  const isOverfit = avgOos <= 0 || avgIs / (avgOos + 1e-10) > ratio;
  return { n, folds, avgOosCorr: avgOos, avgIsCorr: avgIs, isOosGap: avgIs - avgOos, oosCorrStd: std, profitableFolds: profitable, isOverfit, warnings };
}
