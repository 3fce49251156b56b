/**
 * Prediction quality metrics on paired (prediction, outcome) columns. Rows where either is
 * not finite are ignored; a metric that is undefined (too few rows, zero variance) is NaN.
 */
import { averageRanks as rankSubset, range } from '../backtest/validation/ranks';

function pairs(pred: ArrayLike<number>, y: ArrayLike<number>): { p: Float64Array; t: Float64Array } {
  if (pred.length !== y.length) throw new Error(`metrics: ${pred.length} predictions for ${y.length} outcomes`);
  const p: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < y.length; i++) {
    if (Number.isFinite(pred[i]) && Number.isFinite(y[i])) {
      p.push(pred[i]);
      t.push(y[i]);
    }
  }
  return { p: Float64Array.from(p), t: Float64Array.from(t) };
}

function pearsonFinite(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return Number.NaN;
  return sab / Math.sqrt(saa * sbb);
}

/** Ranks 1..n with ties given their average rank. */
export function averageRanks(x: Float64Array): Float64Array {
  return rankSubset(x, range(0, x.length), new Float64Array(x.length));
}

/** Information coefficient: Pearson correlation. */
export function pearson(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const { p, t } = pairs(pred, y);
  return pearsonFinite(p, t);
}

/** Rank IC: Spearman correlation (Pearson of average ranks). */
export function spearman(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const { p, t } = pairs(pred, y);
  return pearsonFinite(averageRanks(p), averageRanks(t));
}

/** Fraction of rows where prediction and outcome have the same sign (≤ 0 counts as negative). */
export function hitRate(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const { p, t } = pairs(pred, y);
  if (p.length === 0) return Number.NaN;
  let hits = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0 === t[i] > 0) hits++;
  return hits / p.length;
}

export function rmse(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const { p, t } = pairs(pred, y);
  if (p.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - t[i]) ** 2;
  return Math.sqrt(s / p.length);
}

export function mae(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const { p, t } = pairs(pred, y);
  if (p.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - t[i]);
  return s / p.length;
}

/** Coefficient of determination 1 − SS_res/SS_tot (sklearn's r2_score). */
export function r2(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const { p, t } = pairs(pred, y);
  const n = p.length;
  if (n < 2) return Number.NaN;
  let m = 0;
  for (let i = 0; i < n; i++) m += t[i];
  m /= n;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < n; i++) {
    res += (t[i] - p[i]) ** 2;
    tot += (t[i] - m) ** 2;
  }
  return tot === 0 ? Number.NaN : 1 - res / tot;
}

export interface RegressionMetrics {
  n: number;
  ic: number;
  rankIc: number;
  hitRate: number;
  rmse: number;
  mae: number;
  r2: number;
}

export function regressionMetrics(pred: ArrayLike<number>, y: ArrayLike<number>): RegressionMetrics {
  return {
    n: pairs(pred, y).p.length,
    ic: pearson(pred, y),
    rankIc: spearman(pred, y),
    hitRate: hitRate(pred, y),
    rmse: rmse(pred, y),
    mae: mae(pred, y),
    r2: r2(pred, y),
  };
}

/** Mean of the finite values (NaN if none). */
export function finiteMean(xs: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (Number.isFinite(x)) {
      s += x;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}
