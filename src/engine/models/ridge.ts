/**
 * Ridge regression in closed form on standardised inputs: each feature is centred and scaled
 * by its (weighted) standard deviation, the target is centred, and β solves
 * (ZᵀWZ + αI)β = ZᵀW(y − ȳ) by Cholesky; the intercept is not penalised (it is ȳ in the
 * standardised space). Coefficients are reported back in raw units. Missing inputs are filled
 * with the training medians (stored with the model), constant features get a zero coefficient.
 */
import { solveSpd } from '../core/linalg';
import { jsonNumber, parseJsonNumber } from './codec';
import { nanMedianOrZero } from '../core/stats';

export interface RidgeParams {
  /** L2 penalty on the standardised coefficients */
  alpha: number;
}

export const RIDGE_DEFAULTS: Readonly<RidgeParams> = { alpha: 1 };

export interface RidgeJson {
  kind: 'ridge';
  format: 1;
  alpha: number;
  nFeatures: number;
  intercept: number;
  coef: (number | string)[];
  means: (number | string)[];
  scales: (number | string)[];
  fill: (number | string)[];
}

export class RidgeModel {
  readonly kind = 'ridge' as const;

  constructor(
    readonly alpha: number,
    /** raw-unit coefficients */
    readonly coef: Float64Array,
    readonly intercept: number,
    /** standardisation used in the fit (reported; prediction uses raw coefficients) */
    readonly means: Float64Array,
    readonly scales: Float64Array,
    /** per-feature value substituted for NaN inputs (training median) */
    readonly fill: Float64Array,
  ) {}

  get nFeatures(): number {
    return this.coef.length;
  }

  predict(columns: readonly Float64Array[]): Float64Array {
    if (columns.length !== this.coef.length) throw new Error(`ridge predict: model has ${this.coef.length} features, input has ${columns.length}`);
    const n = columns.length > 0 ? columns[0].length : 0;
    const out = new Float64Array(n).fill(this.intercept);
    for (let j = 0; j < columns.length; j++) {
      const c = columns[j];
      if (c.length !== n) throw new Error(`ridge predict: feature column ${j} has ${c.length} rows, expected ${n}`);
      const b = this.coef[j];
      const f = this.fill[j];
      for (let i = 0; i < n; i++) {
        const x = c[i];
        out[i] += b * (Number.isNaN(x) ? f : x);
      }
    }
    return out;
  }

  /** |standardised coefficient| normalised to sum 1. */
  featureImportance(): Float64Array {
    const imp = Float64Array.from(this.coef, (b, j) => Math.abs(b * this.scales[j]));
    let s = 0;
    for (const v of imp) s += v;
    if (s > 0) for (let j = 0; j < imp.length; j++) imp[j] /= s;
    return imp;
  }

  toJSON(): RidgeJson {
    const arr = (a: Float64Array) => Array.from(a, jsonNumber);
    return {
      kind: 'ridge',
      format: 1,
      alpha: this.alpha,
      nFeatures: this.coef.length,
      intercept: this.intercept,
      coef: arr(this.coef),
      means: arr(this.means),
      scales: arr(this.scales),
      fill: arr(this.fill),
    };
  }

  static fromJSON(j: RidgeJson): RidgeModel {
    if (j.kind !== 'ridge' || j.format !== 1) throw new Error(`ridge model: unsupported kind/format ${j.kind}/${j.format}`);
    const arr = (a: (number | string)[], name: string) => {
      if (a.length !== j.nFeatures) throw new Error(`ridge model: ${name} has ${a.length} entries, expected ${j.nFeatures}`);
      return Float64Array.from(a, (v, i) => parseJsonNumber(v, `ridge model ${name}[${i}]`));
    };
    return new RidgeModel(j.alpha, arr(j.coef, 'coef'), j.intercept, arr(j.means, 'means'), arr(j.scales, 'scales'), arr(j.fill, 'fill'));
  }
}

/** Fits ridge on feature columns (NaN → training median) with optional non-negative weights. */
export function fitRidge(columns: readonly Float64Array[], y: Float64Array, params: Partial<RidgeParams> = {}, sampleWeight: Float64Array | null = null): RidgeModel {
  const alpha = params.alpha ?? RIDGE_DEFAULTS.alpha;
  if (!(alpha >= 0 && Number.isFinite(alpha))) throw new Error(`ridge: alpha must be a finite number ≥ 0 (got ${alpha})`);
  const n = y.length;
  const F = columns.length;
  for (let j = 0; j < F; j++) if (columns[j].length !== n) throw new Error(`ridge: feature column ${j} has ${columns[j].length} rows, y has ${n}`);
  if (sampleWeight && sampleWeight.length !== n) throw new Error(`ridge: sampleWeight has ${sampleWeight.length} rows, y has ${n}`);
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new Error(`ridge: target row ${i} is ${y[i]}`);
    const w = sampleWeight ? sampleWeight[i] : 1;
    if (!(w >= 0 && Number.isFinite(w))) throw new Error(`ridge: sampleWeight row ${i} is ${w}`);
    sw += w;
    sy += w * y[i];
  }
  if (!(sw > 0)) throw new Error('ridge: no rows with positive weight');
  const yMean = sy / sw;
  const fill = Float64Array.from(columns, (c) => nanMedianOrZero(c));
  // Standardised, filled design Z (column-major) with weighted means/scales.
  const means = new Float64Array(F);
  const scales = new Float64Array(F);
  const Z: Float64Array[] = [];
  for (let j = 0; j < F; j++) {
    const c = columns[j];
    const z = new Float64Array(n);
    let m = 0;
    for (let i = 0; i < n; i++) {
      z[i] = Number.isNaN(c[i]) ? fill[j] : c[i];
      m += (sampleWeight ? sampleWeight[i] : 1) * z[i];
    }
    m /= sw;
    let v = 0;
    for (let i = 0; i < n; i++) {
      const d = z[i] - m;
      v += (sampleWeight ? sampleWeight[i] : 1) * d * d;
    }
    const s = Math.sqrt(v / sw);
    means[j] = m;
    scales[j] = s > 0 ? s : 1;
    for (let i = 0; i < n; i++) z[i] = s > 0 ? (z[i] - m) / s : 0;
    Z.push(z);
  }
  const A = new Float64Array(F * F);
  const b = new Float64Array(F);
  for (let p = 0; p < F; p++) {
    const zp = Z[p];
    for (let q = 0; q <= p; q++) {
      const zq = Z[q];
      let s = 0;
      for (let i = 0; i < n; i++) s += (sampleWeight ? sampleWeight[i] : 1) * zp[i] * zq[i];
      A[p * F + q] = s;
      A[q * F + p] = s;
    }
    let t = 0;
    for (let i = 0; i < n; i++) t += (sampleWeight ? sampleWeight[i] : 1) * zp[i] * (y[i] - yMean);
    b[p] = t;
  }
  for (let p = 0; p < F; p++) {
    // A constant feature has an all-zero row: pin its coefficient to 0 with a unit diagonal.
    A[p * F + p] += alpha + (A[p * F + p] === 0 ? 1 : 0);
  }
  const beta = F > 0 ? solveSpd(A, b, F) : new Float64Array(0);
  const coef = new Float64Array(F);
  let intercept = yMean;
  for (let j = 0; j < F; j++) {
    coef[j] = beta[j] / scales[j];
    intercept -= coef[j] * means[j];
  }
  return new RidgeModel(alpha, coef, intercept, means, scales, fill);
}
