/**
 * Confidence calibration (spec §4.2): maps a raw confidence score to the probability that
 * the predicted sign is right. Isotonic regression (pool-adjacent-violators, increasing,
 * clipped to [0, 1], linear interpolation between fitted points and clipping outside them —
 * scikit-learn's IsotonicRegression(out_of_bounds="clip")) or Platt scaling (logistic
 * regression of the outcome on the score). ECE and reliability curves use 10 equal bins on
 * [0, 1], the last one closed.
 */
import { jsonNumber, parseJsonNumber } from './codec';

export type CalibrationMethod = 'isotonic' | 'platt' | 'identity';

export interface Calibrator {
  method: CalibrationMethod;
  /** isotonic: ascending unique scores and their fitted values */
  x: number[];
  y: number[];
  /** platt: p = 1 / (1 + exp(a·s + b)) */
  a: number;
  b: number;
}

export interface CalibratorJson {
  method: CalibrationMethod;
  x: (number | string)[];
  y: (number | string)[];
  a: number;
  b: number;
}

/**
 * Isotonic (non-decreasing) least-squares fit of y on x with weights. Duplicate x values
 * are merged first (weighted mean of y), like scikit-learn.
 */
export function fitIsotonic(x: ArrayLike<number>, y: ArrayLike<number>, weight: ArrayLike<number> | null = null): Calibrator {
  const n = x.length;
  if (y.length !== n) throw new Error(`isotonic: ${n} scores for ${y.length} outcomes`);
  const idx: number[] = [];
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i] : 1;
    if (Number.isFinite(x[i]) && Number.isFinite(y[i]) && w > 0) idx.push(i);
  }
  if (idx.length === 0) throw new Error('isotonic: no finite (score, outcome) pairs');
  idx.sort((i, j) => x[i] - x[j] || i - j);
  // Merge duplicates.
  const ux: number[] = [];
  const uy: number[] = [];
  const uw: number[] = [];
  for (const i of idx) {
    const w = weight ? weight[i] : 1;
    const last = ux.length - 1;
    if (last >= 0 && ux[last] === x[i]) {
      uy[last] = (uy[last] * uw[last] + y[i] * w) / (uw[last] + w);
      uw[last] += w;
    } else {
      ux.push(x[i]);
      uy.push(y[i]);
      uw.push(w);
    }
  }
  // Pool adjacent violators over blocks.
  const bv: number[] = [];
  const bw: number[] = [];
  const bn: number[] = [];
  for (let i = 0; i < ux.length; i++) {
    bv.push(uy[i]);
    bw.push(uw[i]);
    bn.push(1);
    while (bv.length > 1 && bv[bv.length - 2] > bv[bv.length - 1]) {
      const w = bw[bw.length - 2] + bw[bw.length - 1];
      const v = (bv[bv.length - 2] * bw[bw.length - 2] + bv[bv.length - 1] * bw[bw.length - 1]) / w;
      const c = bn[bn.length - 2] + bn[bn.length - 1];
      bv.splice(-2, 2, v);
      bw.splice(-2, 2, w);
      bn.splice(-2, 2, c);
    }
  }
  const fy: number[] = [];
  for (let b = 0; b < bv.length; b++) for (let k = 0; k < bn[b]; k++) fy.push(Math.min(1, Math.max(0, bv[b])));
  return { method: 'isotonic', x: ux, y: fy, a: 0, b: 0 };
}

/**
 * Platt scaling: logistic regression of the 0/1 outcome on the score by Newton's method
 * (a tiny ridge of 1e-9 keeps separable data finite).
 */
export function fitPlatt(score: ArrayLike<number>, outcome: ArrayLike<number>): Calibrator {
  const s: number[] = [];
  const t: number[] = [];
  for (let i = 0; i < score.length; i++) {
    if (Number.isFinite(score[i]) && Number.isFinite(outcome[i])) {
      s.push(score[i]);
      t.push(outcome[i] >= 0.5 ? 1 : 0);
    }
  }
  if (s.length === 0) throw new Error('platt: no finite (score, outcome) pairs');
  // Model p = σ(u·s + v); Platt's form uses a = −u, b = −v.
  let u = 0;
  let v = 0;
  for (let it = 0; it < 100; it++) {
    let g0 = 0;
    let g1 = 0;
    let h00 = 1e-9;
    let h01 = 0;
    let h11 = 1e-9;
    for (let i = 0; i < s.length; i++) {
      const z = u * s[i] + v;
      const p = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
      const r = p - t[i];
      g0 += r * s[i];
      g1 += r;
      const w = p * (1 - p);
      h00 += w * s[i] * s[i];
      h01 += w * s[i];
      h11 += w;
    }
    g0 += 1e-9 * u;
    g1 += 1e-9 * v;
    const det = h00 * h11 - h01 * h01;
    if (!(det > 0)) break;
    const du = (h11 * g0 - h01 * g1) / det;
    const dv = (h00 * g1 - h01 * g0) / det;
    u -= du;
    v -= dv;
    if (Math.abs(du) + Math.abs(dv) < 1e-12) break;
  }
  return { method: 'platt', x: [], y: [], a: -u, b: -v };
}

/** Calibrated probability of one raw score. */
export function calibrate(c: Calibrator, score: number): number {
  if (!Number.isFinite(score)) return Number.NaN;
  if (c.method === 'identity') return Math.min(1, Math.max(0, score));
  if (c.method === 'platt') {
    const z = c.a * score + c.b;
    return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  }
  const { x, y } = c;
  if (score <= x[0]) return y[0];
  const last = x.length - 1;
  if (score >= x[last]) return y[last];
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= score) lo = mid;
    else hi = mid;
  }
  const f = (score - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + f * (y[hi] - y[lo]);
}

export function calibratorToJson(c: Calibrator): CalibratorJson {
  return { method: c.method, x: c.x.map(jsonNumber), y: c.y.map(jsonNumber), a: c.a, b: c.b };
}

export function calibratorFromJson(j: CalibratorJson): Calibrator {
  if (!['isotonic', 'platt', 'identity'].includes(j.method)) throw new Error(`calibrator: unknown method "${j.method}"`);
  if (j.x.length !== j.y.length) throw new Error(`calibrator: ${j.x.length} x values but ${j.y.length} y values`);
  if (j.method === 'isotonic' && j.x.length === 0) throw new Error('calibrator: isotonic calibrator has no points');
  return {
    method: j.method,
    x: j.x.map((v, i) => parseJsonNumber(v, `calibrator x[${i}]`)),
    y: j.y.map((v, i) => parseJsonNumber(v, `calibrator y[${i}]`)),
    a: j.a,
    b: j.b,
  };
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  count: number;
  /** mean predicted probability in the bin (NaN if empty) */
  meanPredicted: number;
  /** observed frequency of the outcome (NaN if empty) */
  observed: number;
}

/** Reliability curve over `bins` equal-width bins of [0, 1] (last bin closed). */
export function reliabilityCurve(prob: ArrayLike<number>, outcome: ArrayLike<number>, bins = 10): ReliabilityBin[] {
  if (prob.length !== outcome.length) throw new Error(`reliability: ${prob.length} probabilities for ${outcome.length} outcomes`);
  const cnt = new Float64Array(bins);
  const sp = new Float64Array(bins);
  const so = new Float64Array(bins);
  for (let i = 0; i < prob.length; i++) {
    const p = prob[i];
    const o = outcome[i];
    if (!(p >= 0 && p <= 1) || !Number.isFinite(o)) continue;
    const b = Math.min(bins - 1, Math.floor(p * bins));
    cnt[b]++;
    sp[b] += p;
    so[b] += o;
  }
  return Array.from({ length: bins }, (_, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: cnt[b],
    meanPredicted: cnt[b] ? sp[b] / cnt[b] : Number.NaN,
    observed: cnt[b] ? so[b] / cnt[b] : Number.NaN,
  }));
}

/** Expected calibration error: Σ (n_b/N)·|observed_b − meanPredicted_b| (NaN without rows). */
export function expectedCalibrationError(prob: ArrayLike<number>, outcome: ArrayLike<number>, bins = 10): number {
  const curve = reliabilityCurve(prob, outcome, bins);
  let total = 0;
  let e = 0;
  for (const b of curve) {
    if (b.count === 0) continue;
    total += b.count;
    e += b.count * Math.abs(b.observed - b.meanPredicted);
  }
  return total === 0 ? Number.NaN : e / total;
}
