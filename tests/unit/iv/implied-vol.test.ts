import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bsPrice, bsVega, type OptionColumns } from '../../../src/engine/iv/black-scholes';
import {
  IV_CODE_NAMES,
  IV_MAX,
  IV_MIN,
  impliedVol,
  impliedVolCode,
  impliedVolColumns,
  vegaAtIv,
} from '../../../src/engine/iv/implied-vol';
import { readFixture } from './fixtures';

/** Contract D.3 acceptance: |σ − σ_ref| ≤ 1e-8 or |BS(σ) − price| ≤ 1e-10·S. */
function accepted(isCall: boolean, S: number, K: number, T: number, r: number, q: number, price: number, iv: number, ref: number) {
  return Math.abs(iv - ref) <= 1e-8 || Math.abs(bsPrice(isCall, S, K, T, r, q, iv) - price) <= 1e-10 * S;
}

describe('implied volatility', () => {
  it('agrees with the 50-digit reference on codes and values (incl. every code)', () => {
    const ref = readFixture('iv_ref.csv');
    const seen = new Set<string>();
    for (const r of ref) {
      const isCall = r.type === 'call';
      const price = r.price === '' ? Number.NaN : Number(r.price);
      const res = impliedVol(r.type as 'call' | 'put', +r.S, +r.K, +r.T, +r.r, +r.q, price);
      expect(res.code, JSON.stringify(r)).toBe(r.code);
      seen.add(res.code);
      if (r.code === 'ok') {
        expect(res.iv).not.toBeNull();
        expect(accepted(isCall, +r.S, +r.K, +r.T, +r.r, +r.q, price, res.iv as number, Number(r.iv)), JSON.stringify(r)).toBe(true);
      } else {
        expect(res.iv).toBeNull();
      }
    }
    expect([...seen].sort()).toEqual([...IV_CODE_NAMES].sort());
  });

  it('round-trips BS(IV(p)) = p across moneyness, maturities and vols', () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.double({ min: -1.5, max: 1.5, noNaN: true }),
        fc.double({ min: 1 / 365, max: 10, noNaN: true }),
        fc.double({ min: 0.01, max: 3, noNaN: true }),
        fc.double({ min: -0.01, max: 0.1, noNaN: true }),
        fc.double({ min: 0, max: 0.06, noNaN: true }),
        (isCall, m, T, sigma, r, q) => {
          const S = 100;
          const K = S * Math.exp(m);
          const price = bsPrice(isCall, S, K, T, r, q, sigma);
          const v = impliedVolCode(isCall, S, K, T, r, q, price);
          if (v > 0) {
            expect(accepted(isCall, S, K, T, r, q, price, v, sigma)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(IV_MIN);
            expect(v).toBeLessThanOrEqual(IV_MAX);
          } else {
            // Only a price that rounds onto a bound may fail: never below_min/above_max here.
            const code = IV_CODE_NAMES[-v];
            expect(code).toBe('outside_no_arbitrage_bounds');
            const Sd = S * Math.exp(-q * T);
            const Kd = K * Math.exp(-r * T);
            const lower = Math.max(isCall ? Sd - Kd : Kd - Sd, 0);
            const upper = isCall ? Sd : Kd;
            expect(price <= lower || price >= upper).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('codes equal the contract decision rule on extreme random inputs (and ok is accurate)', () => {
    const oracle = (c: boolean, S: number, K: number, T: number, r: number, q: number, p: number) => {
      const Sd = S * Math.exp(-q * T);
      const Kd = K * Math.exp(-r * T);
      if (p <= Math.max(c ? Sd - Kd : Kd - Sd, 0) || p >= (c ? Sd : Kd)) return 'outside_no_arbitrage_bounds';
      if (p < bsPrice(c, S, K, T, r, q, IV_MIN)) return 'below_min_vol';
      if (p > bsPrice(c, S, K, T, r, q, IV_MAX)) return 'above_max_vol';
      return 'ok';
    };
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -14, max: 3, noNaN: true }),
        fc.double({ min: Math.log(5e-5), max: Math.log(7), noNaN: true }),
        fc.double({ min: -0.05, max: 0.2, noNaN: true }),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
        (c, lnS, m, lnT, lnSigma, r, q, bump) => {
          const S = Math.exp(lnS);
          const K = S * Math.exp(m);
          const T = Math.exp(lnT);
          const sigma = Math.exp(lnSigma);
          const price = bsPrice(c, S, K, T, r, q, sigma) * (1 + bump);
          const v = impliedVolCode(c, S, K, T, r, q, price);
          expect(v > 0 ? 'ok' : IV_CODE_NAMES[-v]).toBe(oracle(c, S, K, T, r, q, price));
          if (v > 0 && bump === 0) expect(accepted(c, S, K, T, r, q, price, v, sigma)).toBe(true);
          if (v > 0) expect(Math.abs(bsPrice(c, S, K, T, r, q, v) - price)).toBeLessThanOrEqual(1e-10 * S);
        },
      ),
      { numRuns: 20000 },
    );
  });

  it('recovers σ to 1e-8 wherever vega is material (ExploreIV-style grid)', () => {
    for (const T of [7 / 365, 30 / 365, 0.25, 1, 3, 10]) {
      for (const m of [-0.6, -0.3, -0.1, 0, 0.1, 0.3, 0.6]) {
        for (const sigma of [0.05, 0.15, 0.3, 0.8, 1.5, 3]) {
          for (const isCall of [true, false]) {
            const K = 100 * Math.exp(m);
            const price = bsPrice(isCall, 100, K, T, 0.02, 0.01, sigma);
            if (bsVega(100, K, T, 0.02, 0.01, sigma) < 1e-4) continue;
            const v = impliedVolCode(isCall, 100, K, T, 0.02, 0.01, price);
            expect(Math.abs(v - sigma), `T=${T} m=${m} σ=${sigma} call=${isCall}`).toBeLessThanOrEqual(1e-8);
          }
        }
      }
    }
  });

  it('never returns a clipped bound: codes just outside [1e-4, 5]', () => {
    // r = q = 0 so that BS(1e-4) is above the intrinsic lower bound at the money.
    for (const isCall of [true, false]) {
      const lowP = bsPrice(isCall, 100, 100, 1, 0, 0, IV_MIN) * (1 - 1e-9);
      expect(impliedVol(isCall ? 'call' : 'put', 100, 100, 1, 0, 0, lowP)).toEqual({ iv: null, code: 'below_min_vol' });
      const highP = bsPrice(isCall, 100, 100, 1, 0, 0, IV_MAX) * (1 + 1e-9);
      const res = impliedVol(isCall ? 'call' : 'put', 100, 100, 1, 0, 0, highP);
      expect(res).toEqual({ iv: null, code: 'above_max_vol' });
      const inside = impliedVol(isCall ? 'call' : 'put', 100, 100, 1, 0, 0, bsPrice(isCall, 100, 100, 1, 0, 0, 4.9));
      expect(inside.code).toBe('ok');
      expect(Math.abs((inside.iv as number) - 4.9)).toBeLessThan(1e-8);
    }
  });

  it('checks codes in contract order', () => {
    // T ≤ 0 with a price outside the bounds is bad_input, not outside_no_arbitrage_bounds.
    expect(impliedVol('call', 100, 100, 0, 0, 0, 1000).code).toBe('bad_input');
    expect(impliedVol('call', 100, 100, 1, 0, 0, Number.POSITIVE_INFINITY).code).toBe('bad_input');
    expect(impliedVol('call', 100, 100, 1, Number.NaN, 0, 5).code).toBe('bad_input');
    // Exactly at the lower bound (intrinsic) and at the upper bound.
    expect(impliedVol('put', 100, 120, 1, 0, 0, 20).code).toBe('outside_no_arbitrage_bounds');
    expect(impliedVol('call', 100, 120, 1, 0, 0, 100).code).toBe('outside_no_arbitrage_bounds');
    expect(impliedVol('call', 100, 120, 1, 0, 0, 0).code).toBe('outside_no_arbitrage_bounds');
  });

  it('vectorised solver equals the scalar one and marks failures with NaN', () => {
    const n = 500;
    const opts: OptionColumns = {
      isCall: new Uint8Array(n),
      S: new Float64Array(n).fill(100),
      K: new Float64Array(n),
      T: new Float64Array(n),
      r: new Float64Array(n).fill(0.03),
      q: new Float64Array(n).fill(0.01),
    };
    const price = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      opts.isCall[i] = i % 3 === 0 ? 1 : 0;
      opts.K[i] = 50 + (i % 100);
      opts.T[i] = 0.05 + Math.floor(i / 100) * 0.4;
      price[i] = i % 37 === 0 ? -1 : bsPrice(opts.isCall[i] === 1, 100, opts.K[i], opts.T[i], 0.03, 0.01, 0.1 + (i % 13) * 0.07);
    }
    const res = impliedVolColumns(opts, price);
    const vega = vegaAtIv(opts, res.iv);
    for (let i = 0; i < n; i++) {
      const v = impliedVolCode(opts.isCall[i] === 1, 100, opts.K[i], opts.T[i], 0.03, 0.01, price[i]);
      if (v > 0) {
        expect(res.iv[i]).toBe(v);
        expect(res.code[i]).toBe(0);
        expect(vega[i]).toBe(bsVega(100, opts.K[i], opts.T[i], 0.03, 0.01, v));
      } else {
        expect(res.iv[i]).toBeNaN();
        expect(res.code[i]).toBe(-v);
        expect(vega[i]).toBeNaN();
      }
    }
    expect(res.codeNames[res.code[0]]).toBe('outside_no_arbitrage_bounds');
    // Determinism: a second run gives identical bits.
    const again = impliedVolColumns(opts, price);
    expect(Buffer.from(again.iv.buffer).equals(Buffer.from(res.iv.buffer))).toBe(true);
    expect(Buffer.from(again.code.buffer).equals(Buffer.from(res.code.buffer))).toBe(true);
  });
});
