/**
 * Prediction quality metrics on paired (prediction, outcome) columns. Rows where either is
 * not finite are ignored; a metric that is undefined (too few rows, zero variance) is NaN.
 */
import { averageRanks as rankSubset, range } from '../backtest/validation/ranks';

interface Paired {
  p: Float64Array;
  t: Float64Array;
}

/** The rows where both are finite, as two aligned columns (one pass, no per-row objects). */
function pairs(pred: ArrayLike<number>, y: ArrayLike<number>): Paired {
  if (pred.length !== y.length) throw new Error(`metrics: ${pred.length} predictions for ${y.length} outcomes`);
  const n = y.length;
  const p = new Float64Array(n);
  const t = new Float64Array(n);
  let m = 0;
  for (let i = 0; i < n; i++) {
    const a = pred[i];
    const b = y[i];
    if (a - a === 0 && b - b === 0) {
      p[m] = a;
      t[m] = b;
      m++;
    }
  }
  return m === n ? { p, t } : { p: p.subarray(0, m), t: t.subarray(0, m) };
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

const spearmanPaired = ({ p, t }: Paired) => pearsonFinite(averageRanks(p), averageRanks(t));

function hitRatePaired({ p, t }: Paired): number {
  if (p.length === 0) return Number.NaN;
  let hits = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0 === t[i] > 0) hits++;
  return hits / p.length;
}

function rmsePaired({ p, t }: Paired): number {
  if (p.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += (p[i] - t[i]) ** 2;
  return Math.sqrt(s / p.length);
}

function maePaired({ p, t }: Paired): number {
  if (p.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < p.length; i++) s += Math.abs(p[i] - t[i]);
  return s / p.length;
}

function r2Paired({ p, t }: Paired): number {
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

/** Information coefficient: Pearson correlation. */
export function pearson(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  const { p, t } = pairs(pred, y);
  return pearsonFinite(p, t);
}

/** Rank IC: Spearman correlation (Pearson of average ranks). */
export function spearman(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  return spearmanPaired(pairs(pred, y));
}

/** Fraction of rows where prediction and outcome have the same sign (≤ 0 counts as negative). */
export function hitRate(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  return hitRatePaired(pairs(pred, y));
}

export function rmse(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  return rmsePaired(pairs(pred, y));
}

export function mae(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  return maePaired(pairs(pred, y));
}

/** Coefficient of determination 1 − SS_res/SS_tot (sklearn's r2_score). */
export function r2(pred: ArrayLike<number>, y: ArrayLike<number>): number {
  return r2Paired(pairs(pred, y));
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
  const pr = pairs(pred, y);
  return {
    n: pr.p.length,
    ic: pearsonFinite(pr.p, pr.t),
    rankIc: spearmanPaired(pr),
    hitRate: hitRatePaired(pr),
    rmse: rmsePaired(pr),
    mae: maePaired(pr),
    r2: r2Paired(pr),
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
