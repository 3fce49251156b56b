/**
 * Black–Scholes–Merton with continuous dividend yield (core contract D.2).
 *
 * Units: T in years (ACT/365), r and q continuously compounded per year, σ per year.
 * vega is per 1.00 of σ, theta is ∂V/∂t per year (calendar time passing, so usually
 * negative), rho is per 1.00 of r. Divide by 100 / 365 / 100 for "per vol point", "per
 * day", "per 1 %".
 *
 * Degenerate inputs (T ≤ 0 or σ ≤ 0) give the discounted intrinsic value
 * max(±(S e^{−qT} − K e^{−rT}), 0), delta ±e^{−qT} when that intrinsic is positive (else 0),
 * gamma = vega = 0. NaN inputs give NaN outputs.
 */
import { INV_SQRT_2PI, normCdf } from './normal';

export type OptionType = 'call' | 'put';

/** Price, first-order greeks and gamma of one option. */
export interface Greeks {
  price: number;
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
}

/** Columnar option inputs; every array has the same length. isCall: 1 call, 0 put. */
export interface OptionColumns {
  isCall: Uint8Array;
  S: Float64Array;
  K: Float64Array;
  T: Float64Array;
  r: Float64Array;
  q: Float64Array;
}

export interface GreeksColumns {
  price: Float64Array;
  delta: Float64Array;
  gamma: Float64Array;
  vega: Float64Array;
  theta: Float64Array;
  rho: Float64Array;
}

/** Black–Scholes–Merton price (contract D.2). */
export function bsPrice(isCall: boolean, S: number, K: number, T: number, r: number, q: number, sigma: number): number {
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  if (T <= 0 || sigma <= 0) {
    const intrinsic = isCall ? S * dq - K * dr : K * dr - S * dq;
    return intrinsic > 0 ? intrinsic : !Number.isNaN(intrinsic) ? 0 : Number.NaN;
  }
  const sd = sigma * Math.sqrt(T);
  const d1 = (Math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / sd;
  const d2 = d1 - sd;
  return isCall ? S * dq * normCdf(d1) - K * dr * normCdf(d2) : K * dr * normCdf(-d2) - S * dq * normCdf(-d1);
}

/** Price and greeks of one option; writes into `out` when given (no allocation). */
export function bsGreeks(
  isCall: boolean,
  S: number,
  K: number,
  T: number,
  r: number,
  q: number,
  sigma: number,
  out: Greeks = { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 },
): Greeks {
  const dq = Math.exp(-q * T);
  const dr = Math.exp(-r * T);
  if (T <= 0 || sigma <= 0) {
    const intrinsic = isCall ? S * dq - K * dr : K * dr - S * dq;
    if (Number.isNaN(intrinsic)) return fillNaN(out);
    const itm = intrinsic > 0;
    const sign = isCall ? 1 : -1;
    out.price = itm ? intrinsic : 0;
    out.delta = itm ? sign * dq : 0;
    out.gamma = 0;
    out.vega = 0;
    // Expired: no time or rate sensitivity left. Zero vol, T > 0: the discounted intrinsic
    // still drifts with the carry.
    out.theta = itm && T > 0 ? sign * (q * S * dq - r * K * dr) : 0;
    out.rho = itm && T > 0 ? sign * K * T * dr : 0;
    return out;
  }
  const sqrtT = Math.sqrt(T);
  const sd = sigma * sqrtT;
  const d1 = (Math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / sd;
  const d2 = d1 - sd;
  const pdf = INV_SQRT_2PI * Math.exp(-0.5 * d1 * d1);
  const Sq = S * dq;
  const Kr = K * dr;
  const decay = (-Sq * pdf * sigma) / (2 * sqrtT);
  out.gamma = (dq * pdf) / (S * sd);
  out.vega = Sq * pdf * sqrtT;
  if (isCall) {
    const n1 = normCdf(d1);
    const n2 = normCdf(d2);
    out.price = Sq * n1 - Kr * n2;
    out.delta = dq * n1;
    out.theta = decay + q * Sq * n1 - r * Kr * n2;
    out.rho = K * T * dr * n2;
  } else {
    const n1 = normCdf(-d1);
    const n2 = normCdf(-d2);
    out.price = Kr * n2 - Sq * n1;
    out.delta = -dq * n1;
    out.theta = decay - q * Sq * n1 + r * Kr * n2;
    out.rho = -K * T * dr * n2;
  }
  return out;
}

function fillNaN(out: Greeks): Greeks {
  out.price = Number.NaN;
  out.delta = Number.NaN;
  out.gamma = Number.NaN;
  out.vega = Number.NaN;
  out.theta = Number.NaN;
  out.rho = Number.NaN;
  return out;
}

/** Vega ∂V/∂σ only (per 1.00 of σ); 0 in the degenerate cases. */
export function bsVega(S: number, K: number, T: number, r: number, q: number, sigma: number): number {
  if (T <= 0 || sigma <= 0) return !Number.isNaN(S) && !Number.isNaN(K) ? 0 : Number.NaN;
  const sqrtT = Math.sqrt(T);
  const sd = sigma * sqrtT;
  const d1 = (Math.log(S / K) + (r - q + 0.5 * sigma * sigma) * T) / sd;
  const pdf = INV_SQRT_2PI * Math.exp(-0.5 * d1 * d1);
  return S * Math.exp(-q * T) * pdf * sqrtT; // same operation order as bsGreeks (equal bits)
}

/** Vectorised price over option columns and a σ column. */
export function bsPriceColumns(opts: OptionColumns, sigma: Float64Array, out?: Float64Array): Float64Array {
  const n = opts.S.length;
  const res = out ?? new Float64Array(n);
  const { isCall, S, K, T, r, q } = opts;
  for (let i = 0; i < n; i++) res[i] = bsPrice(isCall[i] === 1, S[i], K[i], T[i], r[i], q[i], sigma[i]);
  return res;
}

/** Vectorised price and greeks over option columns and a σ column. */
export function bsGreeksColumns(opts: OptionColumns, sigma: Float64Array, out?: GreeksColumns): GreeksColumns {
  const n = opts.S.length;
  const res = out ?? {
    price: new Float64Array(n),
    delta: new Float64Array(n),
    gamma: new Float64Array(n),
    vega: new Float64Array(n),
    theta: new Float64Array(n),
    rho: new Float64Array(n),
  };
  const g: Greeks = { price: 0, delta: 0, gamma: 0, vega: 0, theta: 0, rho: 0 };
  const { isCall, S, K, T, r, q } = opts;
  for (let i = 0; i < n; i++) {
    bsGreeks(isCall[i] === 1, S[i], K[i], T[i], r[i], q[i], sigma[i], g);
    res.price[i] = g.price;
    res.delta[i] = g.delta;
    res.gamma[i] = g.gamma;
    res.vega[i] = g.vega;
    res.theta[i] = g.theta;
    res.rho[i] = g.rho;
  }
  return res;
}

/** Forward F = S e^{(r−q)T}. */
export function forwardPrice(S: number, T: number, r: number, q: number): number {
  return S * Math.exp((r - q) * T);
}
