import { describe, expect, it } from 'vitest';
import { calibrateHeston } from '../../../src/engine/iv/heston-fit';
import { fitSviSlice } from '../../../src/engine/iv/svi-fit';
import { buildSviSurface, surfaceIvGrid, surfaceTotalVariance } from '../../../src/engine/iv/svi-surface';
import { linspace, sviImpliedVol, sviTotalVariance, sviValidity } from '../../../src/engine/iv/svi';
import { syntheticHestonChain } from '../../../src/engine/iv/synthetic-chain';

function bits(a: Float64Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
}

describe('SVI slice calibration', () => {
  it('recovers a known slice from exact vols', () => {
    const truth = { a: 0.02, b: 0.15, rho: -0.45, m: 0.03, s: 0.12 };
    const T = 0.5;
    const k = linspace(-0.4, 0.3, 21);
    const iv = k.map((kk) => sviImpliedVol(truth, kk, T));
    const fit = fitSviSlice({ T, k, iv });
    expect(fit.rmseIv).toBeLessThan(1e-6);
    for (const kk of [-0.4, -0.1, 0, 0.2, 0.3]) {
      expect(Math.abs(sviTotalVariance(fit.params, kk) - sviTotalVariance(truth, kk))).toBeLessThan(1e-8);
    }
    expect(fit.validity).toEqual([]);
    expect(fit.butterflyMinG).toBeGreaterThanOrEqual(0);
  });

  it('rejects a slice with fewer than five usable quotes', () => {
    expect(() =>
      fitSviSlice({ T: 1, k: Float64Array.of(-0.1, 0, 0.1, 0.2), iv: Float64Array.of(0.2, 0.2, 0.2, 0.2) }),
    ).toThrow(/4 usable quotes/);
  });
});

describe('arbitrage-aware SVI surface', () => {
  const chain = syntheticHestonChain(); // noisy Heston quotes, 25 strikes × 8 expiries

  it('has zero calendar violations after repair and fits within the quote noise', () => {
    const surf = buildSviSurface(chain);
    expect(surf.expiries.length).toBe(8);
    expect(surf.adjCalendarViolation).toBe(0);
    expect(surf.adjCalendarViolations).toBe(0);
    expect(surf.rawCalendarViolation).toBeGreaterThanOrEqual(surf.adjCalendarViolation);
    const nk = surf.kGrid.length;
    for (let e = 1; e < surf.expiries.length; e++) {
      for (let j = 0; j < nk; j++) expect(surf.adjW[e * nk + j]).toBeGreaterThan(surf.adjW[(e - 1) * nk + j]);
    }
    for (const s of surf.slices) {
      expect(s.fit).not.toBeNull();
      expect(s.fit?.rmseIv).toBeLessThan(0.006); // noise σ = 0.003
      expect(sviValidity(s.params)).toEqual([]);
    }
    // Interpolated total variance is non-decreasing in T at off-grid k as well.
    for (const k of [-0.17, 0.01, 0.133]) {
      let prev = -1;
      for (const T of linspace(0.05, 2.2, 60)) {
        const w = surfaceTotalVariance(surf, surf.adjW, k, T);
        expect(w).toBeGreaterThanOrEqual(prev);
        prev = w;
      }
    }
  });

  it('without the calendar penalty the raw fits cross and the repair still removes it', () => {
    const surf = buildSviSurface(chain, { calendarPenalty: false });
    expect(surf.rawCalendarViolations).toBeGreaterThan(0);
    expect(surf.rawCalendarViolation).toBeGreaterThan(1e-4);
    expect(surf.adjCalendarViolation).toBe(0);
  });

  it('is deterministic: same chain → identical bits', () => {
    const a = buildSviSurface(chain);
    const b = buildSviSurface(syntheticHestonChain());
    expect(bits(a.rawW)).toBe(bits(b.rawW));
    expect(bits(a.adjW)).toBe(bits(b.adjW));
    const grid = surfaceIvGrid(a, 'adjusted', 100, 0.05, 0.01, linspace(65, 135, 35), linspace(0.08, 2, 25));
    expect(grid.every((v) => v > 0 && v < 1)).toBe(true);
  });
});

describe('Heston calibration', () => {
  it('recovers the parameters from its own noiseless surface', () => {
    const truth = { v0: 0.04, kappa: 2.0, theta: 0.06, sigma: 0.4, rho: -0.7 };
    const chain = syntheticHestonChain({
      params: truth,
      noise: 0,
      strikes: linspace(80, 120, 20),
      expiries: Float64Array.of(0.1, 0.25, 0.5, 1, 2),
    });
    const fit = calibrateHeston({ S: chain.S, r: chain.r, q: chain.q, T: chain.T, K: chain.K, iv: chain.iv });
    expect(fit.ivRmse).toBeLessThan(1e-8);
    expect(Math.abs(fit.params.v0 - truth.v0)).toBeLessThan(1e-5);
    expect(Math.abs(fit.params.theta - truth.theta)).toBeLessThan(1e-5);
    expect(Math.abs(fit.params.kappa - truth.kappa)).toBeLessThan(1e-3);
    expect(Math.abs(fit.params.sigma - truth.sigma)).toBeLessThan(1e-3);
    expect(Math.abs(fit.params.rho - truth.rho)).toBeLessThan(1e-3);
    expect(fit.feller).toEqual({ lhs: 2 * fit.params.kappa * fit.params.theta, rhs: fit.params.sigma ** 2, satisfied: true });
  });

  it('recovers a Feller-violating set from prices and reports the violation', () => {
    const truth = { v0: 0.09, kappa: 3.0, theta: 0.05, sigma: 0.9, rho: -0.9 };
    const chain = syntheticHestonChain({
      params: truth,
      noise: 0,
      strikes: linspace(85, 115, 13),
      expiries: Float64Array.of(0.25, 0.5, 1, 2),
    });
    const fit = calibrateHeston({ S: chain.S, r: chain.r, q: chain.q, T: chain.T, K: chain.K, price: chain.price, isCall: chain.isCall });
    expect(fit.ivRmse).toBeLessThan(1e-6);
    expect(Math.abs(fit.params.v0 - truth.v0)).toBeLessThan(1e-3);
    expect(Math.abs(fit.params.rho - truth.rho)).toBeLessThan(1e-2);
    expect(fit.feller.satisfied).toBe(false);
  });

  it('is deterministic on noisy quotes', () => {
    const chain = syntheticHestonChain({ strikes: linspace(85, 115, 9), expiries: Float64Array.of(0.25, 1) });
    const q = { S: chain.S, r: chain.r, q: chain.q, T: chain.T, K: chain.K, iv: chain.iv };
    const a = calibrateHeston(q);
    const b = calibrateHeston(q);
    expect(b).toEqual(a);
    expect(a.ivRmse).toBeLessThan(0.006);
  });
});
