/**
 * Arbitrage-aware SVI surface: per-expiry raw-SVI fits (ascending T) with butterfly, Lee-wing
 * and calendar penalties (each slice is kept above the previous one on a shared k grid),
 * then calendar repair on that grid, w_i(k) ← max(w_i(k), w_{i−1}(k) + ε), so the adjusted
 * total variance is non-decreasing in T at every grid k. Between grid nodes the surface is
 * linear in k and linear in T (total variance), which preserves the monotonicity.
 *
 * Calendar violation measure: max over i ≥ 1 and grid k of max(0, w_{i−1}(k) − w_i(k)),
 * reported for the raw fits and for the adjusted surface (0 by construction), with counts.
 */
import { checkpoint, type JobContext } from '../core/context';
import { forwardPrice } from './black-scholes';
import type { OptionChain } from './synthetic-chain';
import { fitSviSlice, SVI_MIN_QUOTES, type SviFitResult } from './svi-fit';
import { linspace, type SviParams, sviTotalVarianceGrid } from './svi';

export const CALENDAR_EPS = 1e-7;

export interface SviSurfaceOptions {
  /** k = ln(K/F) grid for repair and evaluation (default 61 points over the quoted range ± 25 %) */
  kGrid?: Float64Array;
  /** DE settings per slice */
  popSize?: number;
  maxGenerations?: number;
  /** penalise calendar spread against the previous slice while fitting (default true) */
  calendarPenalty?: boolean;
  /** called after each slice with (done, total) — for job progress */
  onSlice?: (done: number, total: number) => void;
}

export interface SviSliceSummary {
  T: number;
  params: SviParams;
  /** null when the slice had too few quotes and reused the previous parameters */
  fit: SviFitResult | null;
  quotes: number;
}

export interface SviSurface {
  expiries: Float64Array;
  kGrid: Float64Array;
  slices: SviSliceSummary[];
  /** row-major [expiry][k] total variance of the raw fits and after calendar repair */
  rawW: Float64Array;
  adjW: Float64Array;
  rawCalendarViolation: number;
  adjCalendarViolation: number;
  rawCalendarViolations: number;
  adjCalendarViolations: number;
}

/** Default starting slice (the original builder's). */
const DEFAULT_SLICE: SviParams = { a: 0.03, b: 0.2, rho: -0.3, m: 0, s: 0.2 };

function calendarMeasure(w: Float64Array, nt: number, nk: number): { max: number; count: number } {
  let max = 0;
  let count = 0;
  for (let i = 1; i < nt; i++) {
    for (let j = 0; j < nk; j++) {
      const gap = w[(i - 1) * nk + j] - w[i * nk + j];
      if (gap > 0) {
        count++;
        if (gap > max) max = gap;
      }
    }
  }
  return { max, count };
}

/** Builds the surface from a flat chain (quotes with NaN iv are ignored). */
export function buildSviSurface(chain: OptionChain, opts: SviSurfaceOptions = {}): SviSurface {
  const steps = sviSurfaceSteps(chain, opts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * The same build as a job: yields to the host (and honours cancel) after every slice and
 * reports progress as "Slice i/n".
 */
export async function buildSviSurfaceJob(
  chain: OptionChain,
  opts: SviSurfaceOptions,
  ctx: JobContext,
): Promise<SviSurface> {
  const steps = sviSurfaceSteps(chain, opts);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    ctx.progress(next.value.done / next.value.total, `Slice ${next.value.done}/${next.value.total}`);
    await checkpoint(ctx);
  }
}

function* sviSurfaceSteps(
  chain: OptionChain,
  opts: SviSurfaceOptions,
): Generator<{ done: number; total: number }, SviSurface, void> {
  const byT = new Map<number, number[]>();
  for (let i = 0; i < chain.T.length; i++) {
    if (!(chain.T[i] > 0)) continue;
    const list = byT.get(chain.T[i]) ?? [];
    list.push(i);
    byT.set(chain.T[i], list);
  }
  const expiries = Float64Array.from([...byT.keys()].sort((a, b) => a - b));
  const nt = expiries.length;
  if (nt === 0) throw new RangeError('buildSviSurface: no quotes with T > 0');
  const sliceK: Float64Array[] = [];
  const sliceIv: Float64Array[] = [];
  let kLo = Number.POSITIVE_INFINITY;
  let kHi = Number.NEGATIVE_INFINITY;
  for (let e = 0; e < nt; e++) {
    const T = expiries[e];
    const rows = byT.get(T) ?? [];
    const F = forwardPrice(chain.S, T, chain.r, chain.q);
    const k = new Float64Array(rows.length);
    const iv = new Float64Array(rows.length);
    for (let j = 0; j < rows.length; j++) {
      k[j] = Math.log(chain.K[rows[j]] / F);
      iv[j] = chain.iv[rows[j]];
      if (Number.isFinite(iv[j])) {
        kLo = Math.min(kLo, k[j]);
        kHi = Math.max(kHi, k[j]);
      }
    }
    sliceK.push(k);
    sliceIv.push(iv);
  }
  if (!(kHi > kLo)) {
    kLo = -0.25;
    kHi = 0.25;
  }
  const pad = 0.25 * (kHi - kLo);
  const kGrid = opts.kGrid ?? linspace(kLo - pad, kHi + pad, 61);
  const nk = kGrid.length;
  const rawW = new Float64Array(nt * nk);
  const slices: SviSliceSummary[] = [];
  let prev: SviParams = DEFAULT_SLICE;
  let prevW: Float64Array | undefined;
  for (let e = 0; e < nt; e++) {
    const T = expiries[e];
    let usable = 0;
    for (let j = 0; j < sliceIv[e].length; j++) if (Number.isFinite(sliceIv[e][j]) && sliceIv[e][j] > 0.005) usable++;
    let fit: SviFitResult | null = null;
    let params = prev;
    if (usable >= SVI_MIN_QUOTES) {
      fit = fitSviSlice(
        { T, k: sliceK[e], iv: sliceIv[e] },
        {
          popSize: opts.popSize,
          maxGenerations: opts.maxGenerations,
          ...(opts.calendarPenalty !== false && prevW ? { previousW: prevW, calendarGrid: kGrid } : {}),
        },
      );
      params = fit.params;
    }
    const row = rawW.subarray(e * nk, (e + 1) * nk);
    sviTotalVarianceGrid(params, kGrid, row);
    slices.push({ T, params, fit, quotes: usable });
    prev = params;
    prevW = Float64Array.from(row);
    opts.onSlice?.(e + 1, nt);
    yield { done: e + 1, total: nt };
  }
  const adjW = Float64Array.from(rawW);
  for (let e = 0; e < nt; e++) {
    for (let j = 0; j < nk; j++) {
      const at = e * nk + j;
      let w = adjW[at];
      if (!(w >= 1e-10)) w = 1e-10;
      if (e > 0) {
        const floor = adjW[at - nk] + CALENDAR_EPS;
        if (w < floor) w = floor;
      }
      adjW[at] = w;
    }
  }
  const raw = calendarMeasure(rawW, nt, nk);
  const adj = calendarMeasure(adjW, nt, nk);
  return {
    expiries,
    kGrid,
    slices,
    rawW,
    adjW,
    rawCalendarViolation: raw.max,
    adjCalendarViolation: adj.max,
    rawCalendarViolations: raw.count,
    adjCalendarViolations: adj.count,
  };
}

/**
 * Total variance of a grid surface at (k, T): linear in k between grid nodes (flat beyond
 * the ends), linear in T between expiries, and w·T/T₀ before the first expiry (constant
 * implied vol), linear extrapolation beyond the last.
 */
export function surfaceTotalVariance(surf: SviSurface, w: Float64Array, k: number, T: number): number {
  const { expiries, kGrid } = surf;
  const nk = kGrid.length;
  const nt = expiries.length;
  let j = 0;
  let fk = 0;
  if (k <= kGrid[0]) {
    j = 0;
    fk = 0;
  } else if (k >= kGrid[nk - 1]) {
    j = nk - 2;
    fk = 1;
  } else {
    let lo = 0;
    let hi = nk - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (kGrid[mid] <= k) lo = mid;
      else hi = mid;
    }
    j = lo;
    fk = (k - kGrid[lo]) / (kGrid[lo + 1] - kGrid[lo]);
  }
  const at = (e: number) => w[e * nk + j] * (1 - fk) + w[e * nk + j + 1] * fk;
  if (nt === 1 || T <= expiries[0]) return (at(0) * T) / expiries[0];
  let e = 1;
  while (e < nt - 1 && expiries[e] < T) e++;
  const t0 = expiries[e - 1];
  const t1 = expiries[e];
  const f = (T - t0) / (t1 - t0);
  return at(e - 1) + f * (at(e) - at(e - 1));
}

/**
 * Implied vols of the raw or adjusted surface on (expiry × strike) points, row-major,
 * k = ln(K/F(T)); NaN where the total variance is not positive.
 */
export function surfaceIvGrid(
  surf: SviSurface,
  which: 'raw' | 'adjusted',
  S: number,
  r: number,
  q: number,
  strikes: ArrayLike<number>,
  expiries: ArrayLike<number>,
): Float64Array {
  const w = which === 'raw' ? surf.rawW : surf.adjW;
  const out = new Float64Array(strikes.length * expiries.length);
  for (let i = 0; i < expiries.length; i++) {
    const T = expiries[i];
    const F = forwardPrice(S, T, r, q);
    for (let j = 0; j < strikes.length; j++) {
      const tv = surfaceTotalVariance(surf, w, Math.log(strikes[j] / F), T);
      out[i * strikes.length + j] = tv > 0 && T > 0 ? Math.sqrt(tv / T) : Number.NaN;
    }
  }
  return out;
}
