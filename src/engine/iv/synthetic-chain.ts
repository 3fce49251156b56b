/**
 * Seeded synthetic option chain: Heston model implied vols plus Gaussian noise, as the
 * original IV page's "market" for the arbitrage-aware tab (defaults: Heston v0 0.04,
 * θ 0.06, κ 2, σ 0.4, ρ −0.7; S 100, r 0.05, q 0.01; 25 strikes 0.8–1.2·S; expiries 1M…2Y;
 * noise N(0, 0.003) clipped to [0.05, 1]). This is simulated data: label it demo.
 * The noise seed derives from the inputs, so equal inputs give equal quotes.
 */
import { canonicalJson, seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import { bsPrice } from './black-scholes';
import type { HestonParams } from './heston';
import { hestonIvSurface } from './heston-surface';
import { linspace } from './svi';

/** Flat option chain: one row per quote. */
export interface OptionChain {
  S: number;
  r: number;
  q: number;
  T: Float64Array;
  K: Float64Array;
  isCall: Uint8Array;
  /** quoted implied vol (NaN = none) */
  iv: Float64Array;
  /** quoted price (consistent with iv) */
  price: Float64Array;
}

export interface SyntheticChainSpec {
  params?: HestonParams;
  S?: number;
  r?: number;
  q?: number;
  strikes?: Float64Array;
  expiries?: Float64Array;
  /** standard deviation of the additive IV noise (0 = exact model vols) */
  noise?: number;
  /** extra text in the seed, to draw a different noise path on purpose */
  seedLabel?: string;
}

export const SYNTHETIC_DEFAULTS = {
  params: { v0: 0.04, kappa: 2.0, theta: 0.06, sigma: 0.4, rho: -0.7 } as HestonParams,
  S: 100,
  r: 0.05,
  q: 0.01,
  expiries: [0.083, 0.167, 0.25, 0.5, 0.75, 1, 1.5, 2],
  noise: 0.003,
};

export function syntheticHestonChain(spec: SyntheticChainSpec = {}): OptionChain {
  const params = spec.params ?? SYNTHETIC_DEFAULTS.params;
  const S = spec.S ?? SYNTHETIC_DEFAULTS.S;
  const r = spec.r ?? SYNTHETIC_DEFAULTS.r;
  const q = spec.q ?? SYNTHETIC_DEFAULTS.q;
  const strikes = spec.strikes ?? linspace(0.8 * S, 1.2 * S, 25);
  const expiries = spec.expiries ?? Float64Array.from(SYNTHETIC_DEFAULTS.expiries);
  const noise = spec.noise ?? SYNTHETIC_DEFAULTS.noise;
  const grid = hestonIvSurface(params, S, r, q, strikes, expiries, { fillNearest: true });
  const rng = new Prng(
    seedFromString(
      canonicalJson({
        kind: 'synthetic-heston-chain',
        params,
        S,
        r,
        q,
        strikes: Array.from(strikes),
        expiries: Array.from(expiries),
        noise,
        label: spec.seedLabel ?? '',
      }),
    ),
  );
  const n = strikes.length * expiries.length;
  const chain: OptionChain = {
    S,
    r,
    q,
    T: new Float64Array(n),
    K: new Float64Array(n),
    isCall: new Uint8Array(n),
    iv: new Float64Array(n),
    price: new Float64Array(n),
  };
  for (let i = 0; i < expiries.length; i++) {
    for (let j = 0; j < strikes.length; j++) {
      const at = i * strikes.length + j;
      const base = grid.iv[at];
      const vol = noise > 0 ? Math.min(1, Math.max(0.05, base + noise * rng.normal())) : base;
      chain.T[at] = expiries[i];
      chain.K[at] = strikes[j];
      chain.isCall[at] = grid.isCall[at];
      chain.iv[at] = vol;
      chain.price[at] = !Number.isNaN(vol) ? bsPrice(grid.isCall[at] === 1, S, strikes[j], expiries[i], r, q, vol) : Number.NaN;
    }
  }
  return chain;
}
