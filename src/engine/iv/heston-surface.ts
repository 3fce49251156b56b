/**
 * Heston implied-volatility surface on a (expiry × strike) grid: one characteristic-function
 * pass per expiry, out-of-the-money option per strike (puts below the forward, calls at and
 * above it, which inverts best), then the contract IV solver.
 */
import { type HestonParams, type HestonQuadratureOptions, hestonPricesSlice } from './heston';
import { IV_CODE_NAMES, IV_OK, impliedVolCode } from './implied-vol';

export interface IvGrid {
  strikes: Float64Array;
  expiries: Float64Array;
  /** row-major [expiry][strike]; NaN where the solver did not return ok (unless filled) */
  iv: Float64Array;
  price: Float64Array;
  /** 1 call, 0 put: the option type priced at each point */
  isCall: Uint8Array;
  /** IV result code per point (index into IV_CODE_NAMES) */
  code: Uint8Array;
  codeNames: typeof IV_CODE_NAMES;
  /** points whose code is not ok */
  failed: number;
  /** points filled from their nearest ok neighbour (only with fillNearest) */
  filled: number;
}

export interface HestonSurfaceOptions extends HestonQuadratureOptions {
  /** replace failed points by the nearest ok point in (expiry index, strike index) */
  fillNearest?: boolean;
}

export function hestonIvSurface(
  p: HestonParams,
  S: number,
  r: number,
  q: number,
  strikes: Float64Array,
  expiries: Float64Array,
  opts: HestonSurfaceOptions = {},
): IvGrid {
  const nk = strikes.length;
  const nt = expiries.length;
  const iv = new Float64Array(nk * nt);
  const price = new Float64Array(nk * nt);
  const isCall = new Uint8Array(nk * nt);
  const code = new Uint8Array(nk * nt);
  const rowType = new Uint8Array(nk);
  const rowPrice = new Float64Array(nk);
  let failed = 0;
  for (let i = 0; i < nt; i++) {
    const T = expiries[i];
    const F = S * Math.exp((r - q) * T);
    for (let j = 0; j < nk; j++) rowType[j] = strikes[j] >= F ? 1 : 0;
    hestonPricesSlice(p, S, T, r, q, strikes, rowType, rowPrice, opts);
    for (let j = 0; j < nk; j++) {
      const at = i * nk + j;
      price[at] = rowPrice[j];
      isCall[at] = rowType[j];
      const v = impliedVolCode(rowType[j] === 1, S, strikes[j], T, r, q, rowPrice[j]);
      if (v > 0) {
        iv[at] = v;
        code[at] = IV_OK;
      } else {
        iv[at] = Number.NaN;
        code[at] = -v;
        failed++;
      }
    }
  }
  let filled = 0;
  if (opts.fillNearest && failed > 0 && failed < nk * nt) filled = fillNearest(iv, code, nt, nk);
  return { strikes, expiries, iv, price, isCall, code, codeNames: IV_CODE_NAMES, failed, filled };
}

/** Nearest ok point by grid-index distance (ties: smaller expiry index, then strike index). */
function fillNearest(iv: Float64Array, code: Uint8Array, nt: number, nk: number): number {
  const src = Float64Array.from(iv);
  let filled = 0;
  for (let i = 0; i < nt; i++) {
    for (let j = 0; j < nk; j++) {
      if (code[i * nk + j] === IV_OK) continue;
      let best = Number.POSITIVE_INFINITY;
      let val = Number.NaN;
      for (let a = 0; a < nt; a++) {
        for (let b = 0; b < nk; b++) {
          if (code[a * nk + b] !== IV_OK) continue;
          const d = (a - i) * (a - i) + (b - j) * (b - j);
          if (d < best) {
            best = d;
            val = src[a * nk + b];
          }
        }
      }
      iv[i * nk + j] = val;
      filled++;
    }
  }
  return filled;
}
