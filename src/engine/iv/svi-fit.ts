/**
 * Per-expiry raw-SVI calibration: seeded differential evolution over a data-scaled box,
 * then a projected L-BFGS polish from the DE winner.
 *
 * Objective = weighted mean squared error of total variance
 *   Σ ω_i (w(k_i) − σ_i²T)² / n,
 * ω_i = vega_i / max(0.0025, spread_i or 0.1·σ_i), clipped to [1e-4, 1e6] and normalised to
 * mean 1 (vega with the forward-based d1, so near-the-money quotes count most), plus
 * arbitrage penalties × PENALTY: negative minimum variance, Lee's wing bound b(1 + |ρ|) ≤ 2,
 * negative Gatheral g on a k grid (butterfly) and, when a previous slice is given, total
 * variance below it (calendar).
 */
import { Prng } from '../core/prng';
import { canonicalJson, seedFromString } from '../core/hash';
import { normPdf } from './normal';
import { differentialEvolution } from './optimize/differential-evolution';
import { lbfgsb } from './optimize/lbfgsb';
import { linspace, type SviParams, type SviReason, sviButterflyCheck, sviMinTotalVariance, sviValidity } from './svi';

export const SVI_PENALTY = 500;

export interface SviSliceInput {
  T: number;
  /** log forward moneyness ln(K/F) */
  k: Float64Array;
  /** market implied vols (NaN = missing) */
  iv: Float64Array;
  /** optional bid–ask spreads in vol units (NaN = unknown) */
  spread?: Float64Array;
}

export interface SviFitOptions {
  /** total variance of the previous (shorter) expiry on `calendarGrid`, for the calendar penalty */
  previousW?: Float64Array;
  calendarGrid?: Float64Array;
  /** DE population and generations (defaults 40 and 150) */
  popSize?: number;
  maxGenerations?: number;
  /** extra seed label mixed into the DE seed */
  seedLabel?: string;
}

export interface SviFitResult {
  params: SviParams;
  /** objective at the optimum (fit + penalties) */
  objective: number;
  /** weighted RMSE of total variance, and plain RMSE of implied vol over used quotes */
  rmseW: number;
  rmseIv: number;
  used: number;
  validity: SviReason[];
  butterflyMinG: number;
  evaluations: number;
  /** true when the optimum was nudged onto the validity constraints after the fit */
  projected: boolean;
}

/** Minimum usable quotes per slice (as the original builder required). */
export const SVI_MIN_QUOTES = 5;

function weightsFor(slice: SviSliceInput, idx: number[]): Float64Array {
  const n = idx.length;
  const wts = new Float64Array(n);
  const sqrtT = Math.sqrt(slice.T);
  let sum = 0;
  for (let j = 0; j < n; j++) {
    const i = idx[j];
    const vol = slice.iv[i];
    const sd = vol * sqrtT;
    const d1 = -slice.k[i] / sd + 0.5 * sd;
    const vega = normPdf(d1) * sqrtT; // per unit forward, undiscounted
    const spr = slice.spread?.[i];
    const denom = Math.max(0.0025, spr !== undefined && !Number.isNaN(spr) && spr > 0 ? spr : 0.1 * vol);
    const w = Math.min(1e6, Math.max(1e-4, vega / denom));
    wts[j] = w;
    sum += w;
  }
  const mean = sum / n;
  for (let j = 0; j < n; j++) wts[j] /= mean;
  return wts;
}

/** Fits one slice; throws if fewer than SVI_MIN_QUOTES usable quotes. */
export function fitSviSlice(slice: SviSliceInput, opts: SviFitOptions = {}): SviFitResult {
  const idx: number[] = [];
  for (let i = 0; i < slice.k.length; i++) {
    const v = slice.iv[i];
    if (Number.isFinite(v) && v > 0.005 && Number.isFinite(slice.k[i])) idx.push(i);
  }
  if (idx.length < SVI_MIN_QUOTES) {
    throw new RangeError(`fitSviSlice: T=${slice.T} has ${idx.length} usable quotes, need ${SVI_MIN_QUOTES}`);
  }
  if (!(slice.T > 0)) throw new RangeError(`fitSviSlice: T must be > 0, got ${slice.T}`);
  const n = idx.length;
  const ks = new Float64Array(n);
  const wMkt = new Float64Array(n);
  let kMin = Number.POSITIVE_INFINITY;
  let kMax = Number.NEGATIVE_INFINITY;
  let wMax = 0;
  for (let j = 0; j < n; j++) {
    const i = idx[j];
    ks[j] = slice.k[i];
    wMkt[j] = Math.min(5, Math.max(1e-10, slice.iv[i] * slice.iv[i] * slice.T));
    kMin = Math.min(kMin, ks[j]);
    kMax = Math.max(kMax, ks[j]);
    wMax = Math.max(wMax, wMkt[j]);
  }
  const wts = weightsFor(slice, idx);
  const kRange = Math.max(kMax - kMin, 0.05);
  // Butterfly grid spans the quotes and a margin on each side.
  const gGrid = linspace(kMin - 0.5 * kRange, kMax + 0.5 * kRange, 41);
  const prevW = opts.previousW;
  const calGrid = opts.calendarGrid;

  const lower = [-2 * wMax, 1e-5, -0.999, Math.max(-2, kMin - kRange), 1e-4];
  const upper = [2 * wMax, 2, 0.999, Math.min(2, kMax + kRange), Math.max(1, 2 * kRange)];

  const objective = (x: Float64Array): number => {
    const a = x[0];
    const b = x[1];
    const rho = x[2];
    const m = x[3];
    const s = x[4];
    const s2 = s * s;
    let err = 0;
    for (let j = 0; j < n; j++) {
      const y = ks[j] - m;
      const d = a + b * (rho * y + Math.sqrt(y * y + s2)) - wMkt[j];
      err += wts[j] * d * d;
    }
    err /= n;
    let pen = 0;
    const minW = a + b * s * Math.sqrt(1 - rho * rho);
    if (minW < 0) pen += minW * minW;
    const wing = b * (1 + Math.abs(rho)) - 2;
    if (wing > 0) pen += wing * wing;
    // Butterfly: Gatheral's g on the grid (w ≤ 0 counts through minW above).
    let gPen = 0;
    for (let i = 0; i < gGrid.length; i++) {
      const k = gGrid[i];
      const y = k - m;
      const r = Math.sqrt(y * y + s2);
      const w = a + b * (rho * y + r);
      if (!(w > 0)) continue;
      const w1 = b * (rho + y / r);
      const w2 = (b * s2) / (r * r * r);
      const t = 1 - (k * w1) / (2 * w);
      const g = t * t - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2;
      if (g < 0) gPen += g * g;
    }
    pen += gPen / gGrid.length;
    if (prevW && calGrid) {
      let cPen = 0;
      for (let i = 0; i < calGrid.length; i++) {
        const y = calGrid[i] - m;
        const gap = prevW[i] - (a + b * (rho * y + Math.sqrt(y * y + s2)));
        if (gap > 0) cPen += gap * gap;
      }
      pen += cPen / calGrid.length;
    }
    return err + SVI_PENALTY * pen;
  };

  // Seed from the inputs, so the same slice always gives the same bits.
  const seedKey = canonicalJson({
    kind: 'svi-slice',
    T: slice.T,
    k: Array.from(ks),
    w: Array.from(wMkt),
    wts: Array.from(wts),
    prev: prevW ? Array.from(prevW) : null,
    label: opts.seedLabel ?? '',
  });
  const rng = new Prng(seedFromString(seedKey));
  // Data-driven start (as the original builder): a ≈ ¾ ATM variance, slope from dispersion.
  let atm = 0;
  let best = Number.POSITIVE_INFINITY;
  let meanW = 0;
  for (let j = 0; j < n; j++) {
    meanW += wMkt[j] / n;
    if (Math.abs(ks[j]) < best) {
      best = Math.abs(ks[j]);
      atm = wMkt[j];
    }
  }
  let varW = 0;
  let meanK = 0;
  for (let j = 0; j < n; j++) {
    varW += (wMkt[j] - meanW) ** 2 / n;
    meanK += ks[j] / n;
  }
  const guess = Float64Array.of(0.75 * atm, Math.min(1, Math.max(1e-3, Math.sqrt(varW) / kRange)), -0.3, meanK, 0.2 * kRange);
  const de = differentialEvolution(objective, lower, upper, rng, {
    popSize: opts.popSize ?? 40,
    maxGenerations: opts.maxGenerations ?? 150,
    tol: 1e-10,
    atol: 1e-16,
    seeds: [guess],
  });
  const polished = lbfgsb(objective, de.x, lower, upper, { maxIterations: 200 });
  const x = polished.fx <= de.fx ? polished.x : de.x;
  let fx = Math.min(polished.fx, de.fx);
  const params: SviParams = { a: x[0], b: x[1], rho: x[2], m: x[3], s: x[4] };
  // Penalties leave the constraints satisfied only approximately; a last projection makes the
  // slice contract-valid (b(1 + |ρ|) ≤ 2, minimum variance ≥ 0) at a negligible change of fit.
  let projected = false;
  if (params.b * (1 + Math.abs(params.rho)) > 2) {
    params.b = 2 / (1 + Math.abs(params.rho));
    projected = true;
  }
  if (sviMinTotalVariance(params) < 0) {
    params.a = -params.b * params.s * Math.sqrt(1 - params.rho * params.rho) + 1e-14;
    projected = true;
  }
  if (projected) fx = objective(Float64Array.of(params.a, params.b, params.rho, params.m, params.s));

  let sse = 0;
  let sseIv = 0;
  for (let j = 0; j < n; j++) {
    const y = ks[j] - params.m;
    const w = params.a + params.b * (params.rho * y + Math.sqrt(y * y + params.s * params.s));
    sse += wts[j] * (w - wMkt[j]) ** 2;
    const vm = Math.sqrt(Math.max(w, 0) / slice.T);
    sseIv += (vm - slice.iv[idx[j]]) ** 2;
  }
  return {
    params,
    objective: fx,
    rmseW: Math.sqrt(sse / n),
    rmseIv: Math.sqrt(sseIv / n),
    used: n,
    validity: sviValidity(params),
    butterflyMinG: sviButterflyCheck(params, gGrid).minG,
    evaluations: de.evaluations + polished.evaluations,
    projected,
  };
}
