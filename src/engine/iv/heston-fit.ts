/**
 * Heston calibration to a chain of implied vols (or prices): seeded differential evolution
 * for the global search, then box-bounded Levenberg–Marquardt.
 *
 * Residual per quote = (model price − market price) / vega(market IV), i.e. the first-order
 * implied-vol error, which is smooth everywhere and needs no IV inversion inside the loop;
 * the reported fit error is the true IV RMSE (model prices inverted with the contract
 * solver). Quotes are priced out of the money (puts below the forward, calls above), one
 * characteristic-function pass per expiry. DE runs on a cheaper 64-node rule (≈1e-5
 * relative price error, far below quote noise), the polish on the full 128-node rule.
 */
import { canonicalJson, seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import { bsPrice, bsVega } from './black-scholes';
import { fellerReport, type HestonParams, hestonPricesSlice } from './heston';
import { impliedVolCode } from './implied-vol';
import { differentialEvolution } from './optimize/differential-evolution';
import { levenbergMarquardt } from './optimize/levenberg-marquardt';

export interface HestonQuotes {
  S: number;
  r: number;
  q: number;
  T: Float64Array;
  K: Float64Array;
  /** market implied vols; rows with NaN are skipped (give `price` instead to fit prices) */
  iv?: Float64Array;
  /** market prices of `isCall` options (used when iv is absent) */
  price?: Float64Array;
  isCall?: Uint8Array;
}

export interface HestonBounds {
  lower: [number, number, number, number, number];
  upper: [number, number, number, number, number];
}

/** (v0, kappa, theta, sigma, rho) bounds of the original calibrator. */
export const HESTON_BOUNDS: HestonBounds = {
  lower: [0.001, 0.1, 0.001, 0.05, -0.99],
  upper: [1, 10, 1, 2, 0.99],
};

export interface HestonFitOptions {
  bounds?: HestonBounds;
  popSize?: number;
  maxGenerations?: number;
  lmIterations?: number;
  seedLabel?: string;
}

export interface HestonFitResult {
  params: HestonParams;
  /** RMSE of model vs market implied vol over the quotes whose model IV inverted */
  ivRmse: number;
  /** RMSE of the vega-scaled price residuals (the minimised quantity) */
  residualRmse: number;
  used: number;
  feller: { lhs: number; rhs: number; satisfied: boolean };
  evaluations: number;
  deGenerations: number;
  lmIterations: number;
}

interface PreparedQuotes {
  S: number;
  r: number;
  q: number;
  expiries: number[];
  /** per expiry: strikes, OTM type flags, market OTM prices, 1/vega, original row indices */
  K: Float64Array[];
  type: Uint8Array[];
  target: Float64Array[];
  invVega: Float64Array[];
  marketIv: Float64Array[];
  rows: number;
}

function prepare(quotes: HestonQuotes): PreparedQuotes {
  const { S, r, q, T, K } = quotes;
  const n = T.length;
  const byT = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let vol = quotes.iv ? quotes.iv[i] : Number.NaN;
    if (!(vol > 0) && quotes.price && quotes.isCall) {
      const v = impliedVolCode(quotes.isCall[i] === 1, S, K[i], T[i], r, q, quotes.price[i]);
      vol = v > 0 ? v : Number.NaN;
    }
    if (!(vol > 0) || !(T[i] > 0) || !(K[i] > 0)) continue;
    const list = byT.get(T[i]) ?? [];
    list.push(i);
    byT.set(T[i], list);
  }
  const expiries = [...byT.keys()].sort((a, b) => a - b);
  const out: PreparedQuotes = { S, r, q, expiries, K: [], type: [], target: [], invVega: [], marketIv: [], rows: 0 };
  for (const t of expiries) {
    const idx = byT.get(t) ?? [];
    const m = idx.length;
    const ks = new Float64Array(m);
    const ty = new Uint8Array(m);
    const tg = new Float64Array(m);
    const iv = new Float64Array(m);
    const inv = new Float64Array(m);
    const F = S * Math.exp((r - q) * t);
    for (let j = 0; j < m; j++) {
      const i = idx[j];
      let vol = quotes.iv ? quotes.iv[i] : Number.NaN;
      if (!(vol > 0) && quotes.price && quotes.isCall) {
        vol = impliedVolCode(quotes.isCall[i] === 1, S, K[i], T[i], r, q, quotes.price[i]);
      }
      ks[j] = K[i];
      ty[j] = K[i] >= F ? 1 : 0;
      iv[j] = vol;
      tg[j] = bsPrice(ty[j] === 1, S, K[i], t, r, q, vol);
      // Floor the vega so far-wing quotes cannot dominate through a vanishing denominator.
      inv[j] = 1 / Math.max(bsVega(S, K[i], t, r, q, vol), 1e-3 * S * Math.sqrt(t));
    }
    out.K.push(ks);
    out.type.push(ty);
    out.target.push(tg);
    out.invVega.push(inv);
    out.marketIv.push(iv);
    out.rows += m;
  }
  return out;
}

function toParams(x: ArrayLike<number>): HestonParams {
  return { v0: x[0], kappa: x[1], theta: x[2], sigma: x[3], rho: x[4] };
}

export function calibrateHeston(quotes: HestonQuotes, opts: HestonFitOptions = {}): HestonFitResult {
  const prep = prepare(quotes);
  if (prep.rows < 5) throw new RangeError(`calibrateHeston: ${prep.rows} usable quotes, need at least 5`);
  const bounds = opts.bounds ?? HESTON_BOUNDS;
  const m = prep.rows;
  const scratch = prep.K.map((k) => new Float64Array(k.length));

  const residuals = (x: Float64Array, out: Float64Array, nodes: number): void => {
    const p = toParams(x);
    let at = 0;
    for (let e = 0; e < prep.expiries.length; e++) {
      const model = hestonPricesSlice(p, prep.S, prep.expiries[e], prep.r, prep.q, prep.K[e], prep.type[e], scratch[e], {
        nodes,
      });
      const tg = prep.target[e];
      const inv = prep.invVega[e];
      for (let j = 0; j < tg.length; j++) out[at++] = (model[j] - tg[j]) * inv[j];
    }
  };
  const rbuf = new Float64Array(m);
  const objective = (x: Float64Array): number => {
    residuals(x, rbuf, 64);
    let s = 0;
    for (let i = 0; i < m; i++) s += rbuf[i] * rbuf[i];
    return s / m;
  };

  // Start from the term structure of at-the-money variance.
  const shortIv = atmIv(prep, 0);
  const longIv = atmIv(prep, prep.expiries.length - 1);
  const guess = Float64Array.of(shortIv * shortIv, 2, longIv * longIv, 0.5, -0.5);
  const seedKey = canonicalJson({
    kind: 'heston-calibration',
    S: prep.S,
    r: prep.r,
    q: prep.q,
    T: prep.expiries,
    K: prep.K.map((k) => Array.from(k)),
    target: prep.target.map((t) => Array.from(t)),
    label: opts.seedLabel ?? '',
  });
  const rng = new Prng(seedFromString(seedKey));
  const de = differentialEvolution(objective, bounds.lower, bounds.upper, rng, {
    popSize: opts.popSize ?? 15,
    maxGenerations: opts.maxGenerations ?? 12,
    tol: 1e-3,
    seeds: [guess],
  });
  const lm = levenbergMarquardt((x, out) => residuals(x, out, 128), m, de.x, bounds.lower, bounds.upper, {
    maxIterations: opts.lmIterations ?? 40,
    ftol: 1e-12,
    xtol: 1e-10,
  });
  const params = toParams(lm.x);

  // Report the true IV error at the optimum.
  let sse = 0;
  let used = 0;
  for (let e = 0; e < prep.expiries.length; e++) {
    const t = prep.expiries[e];
    const model = hestonPricesSlice(params, prep.S, t, prep.r, prep.q, prep.K[e], prep.type[e]);
    for (let j = 0; j < model.length; j++) {
      const v = impliedVolCode(prep.type[e][j] === 1, prep.S, prep.K[e][j], t, prep.r, prep.q, model[j]);
      if (v > 0) {
        sse += (v - prep.marketIv[e][j]) ** 2;
        used++;
      }
    }
  }
  return {
    params,
    ivRmse: used > 0 ? Math.sqrt(sse / used) : Number.NaN,
    residualRmse: Math.sqrt((2 * lm.cost) / m),
    used,
    feller: fellerReport(params),
    evaluations: de.evaluations + lm.evaluations,
    deGenerations: de.generations,
    lmIterations: lm.iterations,
  };
}

/** Market IV of the quote nearest the forward in expiry e. */
function atmIv(prep: PreparedQuotes, e: number): number {
  const t = prep.expiries[e];
  const F = prep.S * Math.exp((prep.r - prep.q) * t);
  let best = Number.POSITIVE_INFINITY;
  let vol = 0.2;
  for (let j = 0; j < prep.K[e].length; j++) {
    const d = Math.abs(Math.log(prep.K[e][j] / F));
    if (d < best) {
      best = d;
      vol = prep.marketIv[e][j];
    }
  }
  return vol;
}
