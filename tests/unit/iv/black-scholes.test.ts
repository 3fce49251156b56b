import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bsGreeks,
  bsGreeksColumns,
  bsPrice,
  bsPriceColumns,
  bsVega,
  type OptionColumns,
} from '../../../src/engine/iv/black-scholes';
import { readFixture, within } from './fixtures';

const arbOption = fc.record({
  S: fc.double({ min: 1, max: 1000, noNaN: true }),
  m: fc.double({ min: -1, max: 1, noNaN: true }),
  T: fc.double({ min: 0.01, max: 5, noNaN: true }),
  r: fc.double({ min: -0.02, max: 0.1, noNaN: true }),
  q: fc.double({ min: 0, max: 0.08, noNaN: true }),
  sigma: fc.double({ min: 0.02, max: 2, noNaN: true }),
});

describe('Black–Scholes–Merton', () => {
  it('matches the 50-digit mpmath reference (price and all greeks) within the contract tolerance', () => {
    const ref = readFixture('bs_ref.csv');
    expect(ref.length).toBe(300);
    for (const r of ref) {
      const g = bsGreeks(r.type === 'call', +r.S, +r.K, +r.T, +r.r, +r.q, +r.sigma);
      for (const key of ['price', 'delta', 'gamma', 'vega', 'theta', 'rho'] as const) {
        expect(within(g[key], Number(r[key]), 1e-9), `${key} ${JSON.stringify(r)} got ${g[key]}`).toBe(true);
      }
      expect(bsPrice(r.type === 'call', +r.S, +r.K, +r.T, +r.r, +r.q, +r.sigma)).toBe(g.price);
    }
  });

  it('satisfies put–call parity C − P = S e^{−qT} − K e^{−rT}', () => {
    fc.assert(
      fc.property(arbOption, ({ S, m, T, r, q, sigma }) => {
        const K = S * Math.exp(m);
        const c = bsPrice(true, S, K, T, r, q, sigma);
        const p = bsPrice(false, S, K, T, r, q, sigma);
        const fwd = S * Math.exp(-q * T) - K * Math.exp(-r * T);
        expect(Math.abs(c - p - fwd)).toBeLessThanOrEqual(1e-12 * Math.max(S, K));
      }),
    );
  });

  it('greeks equal central finite differences of the price', () => {
    fc.assert(
      fc.property(arbOption, fc.boolean(), ({ S, m, T, r, q, sigma }, isCall) => {
        const K = S * Math.exp(m * 0.5);
        const g = bsGreeks(isCall, S, K, T, r, q, sigma);
        const P = (s: number, t: number, rr: number, v: number) => bsPrice(isCall, s, K, t, rr, q, v);
        const hS = 1e-3 * S * Math.min(1, sigma * Math.sqrt(T));
        const delta = (P(S + hS, T, r, sigma) - P(S - hS, T, r, sigma)) / (2 * hS);
        const gamma = (P(S + hS, T, r, sigma) - 2 * P(S, T, r, sigma) + P(S - hS, T, r, sigma)) / (hS * hS);
        // Relative steps: at small σ√T the price is sharply curved in σ and T.
        const hv = 1e-5 * sigma;
        const hT = 1e-5 * T;
        const vega = (P(S, T, r, sigma + hv) - P(S, T, r, sigma - hv)) / (2 * hv);
        const theta = -(P(S, T + hT, r, sigma) - P(S, T - hT, r, sigma)) / (2 * hT);
        const rho = (P(S, T, r + 1e-6, sigma) - P(S, T, r - 1e-6, sigma)) / 2e-6;
        expect(Math.abs(g.delta - delta)).toBeLessThanOrEqual(1e-6);
        expect(Math.abs(g.gamma - gamma)).toBeLessThanOrEqual(1e-4 * Math.max(g.gamma, 1 / S));
        expect(Math.abs(g.vega - vega)).toBeLessThanOrEqual(1e-6 * S + 1e-6 * Math.abs(g.vega));
        expect(Math.abs(g.theta - theta)).toBeLessThanOrEqual(1e-5 * S + 1e-6 * Math.abs(g.theta));
        expect(Math.abs(g.rho - rho)).toBeLessThanOrEqual(1e-4 * Math.max(1, S));
        expect(bsVega(S, K, T, r, q, sigma)).toBe(g.vega);
      }),
    );
  });

  it('uses the contract degenerate values for T ≤ 0 or σ ≤ 0', () => {
    // T = 0: undiscounted intrinsic.
    expect(bsPrice(true, 110, 100, 0, 0.05, 0.02, 0.2)).toBe(10);
    expect(bsPrice(false, 110, 100, 0, 0.05, 0.02, 0.2)).toBe(0);
    // σ = 0, T = 1: discounted intrinsic max(±(S e^{−qT} − K e^{−rT}), 0).
    const fwdGap = 100 * Math.exp(-0.01) - 100 * Math.exp(-0.05);
    expect(bsPrice(true, 100, 100, 1, 0.05, 0.01, 0)).toBeCloseTo(fwdGap, 14);
    expect(bsPrice(false, 100, 100, 1, 0.05, 0.01, 0)).toBe(0);
    const g = bsGreeks(true, 100, 100, 1, 0.05, 0.01, 0);
    expect(g.delta).toBe(Math.exp(-0.01));
    expect(g.gamma).toBe(0);
    expect(g.vega).toBe(0);
    const gp = bsGreeks(false, 100, 120, 1, 0.05, 0.01, -0.3);
    expect(gp.price).toBeCloseTo(120 * Math.exp(-0.05) - 100 * Math.exp(-0.01), 13);
    expect(gp.delta).toBe(-Math.exp(-0.01));
    const otm = bsGreeks(false, 100, 80, -0.5, 0.05, 0.01, 0.2);
    expect(otm.price).toBe(0);
    expect(otm.delta).toBe(0);
    expect(bsPrice(true, Number.NaN, 100, 1, 0, 0, 0.2)).toBeNaN();
    expect(bsPrice(true, 100, 100, 1, 0, 0, Number.NaN)).toBeNaN();
  });

  it('vectorised columns equal the scalar functions bit for bit', () => {
    const n = 64;
    const opts: OptionColumns = {
      isCall: new Uint8Array(n),
      S: new Float64Array(n),
      K: new Float64Array(n),
      T: new Float64Array(n),
      r: new Float64Array(n),
      q: new Float64Array(n),
    };
    const sigma = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      opts.isCall[i] = i % 2;
      opts.S[i] = 100;
      opts.K[i] = 60 + i;
      opts.T[i] = (i % 7) * 0.3;
      opts.r[i] = 0.02;
      opts.q[i] = 0.01;
      sigma[i] = (i % 5) * 0.1;
    }
    const prices = bsPriceColumns(opts, sigma);
    const greeks = bsGreeksColumns(opts, sigma);
    for (let i = 0; i < n; i++) {
      const g = bsGreeks(opts.isCall[i] === 1, 100, opts.K[i], opts.T[i], 0.02, 0.01, sigma[i]);
      expect(prices[i]).toBe(g.price);
      expect(greeks.price[i]).toBe(g.price);
      expect(greeks.delta[i]).toBe(g.delta);
      expect(greeks.gamma[i]).toBe(g.gamma);
      expect(greeks.vega[i]).toBe(g.vega);
      expect(greeks.theta[i]).toBe(g.theta);
      expect(greeks.rho[i]).toBe(g.rho);
    }
  });
});
