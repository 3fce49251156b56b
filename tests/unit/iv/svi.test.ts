import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  linspace,
  SVI_REASONS,
  type SviParams,
  sviButterflyCheck,
  sviDensityG,
  sviImpliedVol,
  sviSurfaceGrid,
  sviTotalVariance,
  sviTotalVarianceGrid,
  sviValidity,
} from '../../../src/engine/iv/svi';

const BASE: SviParams = { a: 0.04, b: 0.1, rho: -0.4, m: 0, s: 0.1 };

describe('raw SVI', () => {
  it('evaluates w(k) and σ(k) (hand-computed)', () => {
    expect(Math.abs(sviTotalVariance(BASE, 0) - 0.05)).toBeLessThanOrEqual(1e-12);
    // 0.04 + 0.1·(−0.4·0.2 + √0.05), √0.05 = 0.22360679774997896
    expect(Math.abs(sviTotalVariance(BASE, 0.2) - 0.054360679774997894)).toBeLessThanOrEqual(1e-12);
    // m shift and s: w(m) = a + b·s
    expect(Math.abs(sviTotalVariance({ a: 0.02, b: 0.3, rho: 0.5, m: 0.1, s: 0.2 }, 0.1) - 0.08)).toBeLessThanOrEqual(1e-12);
    expect(sviImpliedVol(BASE, 0, 0.5)).toBeCloseTo(Math.sqrt(0.1), 14);
    expect(sviImpliedVol({ ...BASE, a: -0.2 }, 0, 1)).toBeNaN(); // w < 0
    expect(sviImpliedVol(BASE, 0, 0)).toBeNaN();
  });

  it('lists validity reasons in contract order on hand-made sets', () => {
    expect(sviValidity(BASE)).toEqual([]);
    expect(sviValidity({ ...BASE, b: -0.1 })).toEqual(['b<0']);
    expect(sviValidity({ ...BASE, rho: 1 })).toEqual(['|rho|>=1']);
    expect(sviValidity({ ...BASE, rho: -1 })).toEqual(['|rho|>=1']);
    expect(sviValidity({ ...BASE, s: 0 })).toEqual(['sigma<=0']);
    expect(sviValidity({ a: -0.05, b: 0.1, rho: 0, m: 0, s: 0.1 })).toEqual(['min_total_variance<0']);
    expect(sviValidity({ a: 0.04, b: 1.5, rho: 0.5, m: 0, s: 0.1 })).toEqual(['wing_slope>2']);
    expect(sviValidity({ a: -1, b: 2, rho: 0.5, m: 0, s: 0.1 })).toEqual(['min_total_variance<0', 'wing_slope>2']);
    expect(sviValidity({ a: 0.04, b: -0.5, rho: 1.2, m: 0, s: -0.2 })).toEqual(['b<0', '|rho|>=1', 'sigma<=0']);
    // Boundaries are valid: b(1 + |ρ|) = 2 exactly, minimum variance ≈ 0.
    expect(sviValidity({ a: 0, b: 1.6, rho: 0.25, m: 0, s: 0.1 })).toEqual([]);
    expect(sviValidity({ a: -0.01, b: 0.1, rho: 0, m: 0.3, s: 0.1 })).toEqual([]);
    expect(SVI_REASONS).toEqual(['b<0', '|rho|>=1', 'sigma<=0', 'min_total_variance<0', 'wing_slope>2']);
  });

  it('the stated minimum a + b·s·√(1−ρ²) is the minimum of w', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -0.1, max: 0.2, noNaN: true }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.double({ min: -0.95, max: 0.95, noNaN: true }),
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.double({ min: 0.01, max: 0.8, noNaN: true }),
        (a, b, rho, m, s) => {
          const p = { a, b, rho, m, s };
          const kStar = m - (rho * s) / Math.sqrt(1 - rho * rho);
          const min = a + b * s * Math.sqrt(1 - rho * rho);
          expect(Math.abs(sviTotalVariance(p, kStar) - min)).toBeLessThanOrEqual(1e-12);
          for (const k of [-2, -1, -0.3, 0, 0.3, 1, 2]) expect(sviTotalVariance(p, k)).toBeGreaterThanOrEqual(min - 1e-12);
        },
      ),
    );
  });

  it("Gatheral's g matches its definition with finite-difference derivatives", () => {
    const p = { a: 0.02, b: 0.2, rho: -0.5, m: 0.05, s: 0.15 };
    for (const k of [-1, -0.4, -0.1, 0, 0.2, 0.7, 1.3]) {
      const h = 1e-4;
      const w = sviTotalVariance(p, k);
      const w1 = (sviTotalVariance(p, k + h) - sviTotalVariance(p, k - h)) / (2 * h);
      const w2 = (sviTotalVariance(p, k + h) - 2 * w + sviTotalVariance(p, k - h)) / (h * h);
      const g = (1 - (k * w1) / (2 * w)) ** 2 - ((w1 * w1) / 4) * (1 / w + 0.25) + w2 / 2;
      expect(Math.abs(sviDensityG(p, k) - g)).toBeLessThanOrEqual(1e-5);
    }
  });

  it("flags butterfly arbitrage in Vogt's contract-valid example, not in a sane slice", () => {
    const vogt = { a: -0.041, b: 0.1331, rho: 0.306, m: 0.3586, s: 0.4153 };
    expect(sviValidity(vogt)).toEqual([]);
    const grid = linspace(-1.5, 1.5, 301);
    const bad = sviButterflyCheck(vogt, grid);
    expect(bad.ok).toBe(false);
    expect(bad.minG).toBeLessThan(-0.03);
    expect(bad.argMin).toBeGreaterThan(0.5);
    expect(bad.argMin).toBeLessThan(1.2);
    expect(sviButterflyCheck(BASE, grid).ok).toBe(true);
  });

  it('grid evaluators equal the scalar ones', () => {
    const k = linspace(-1.5, 1.5, 31);
    const w = sviTotalVarianceGrid(BASE, k);
    for (let i = 0; i < k.length; i++) expect(w[i]).toBe(sviTotalVariance(BASE, k[i]));
    const mny = linspace(0.65, 1.35, 35);
    const T = linspace(0.08, 2, 25);
    const total = sviSurfaceGrid(BASE, mny, T, { rate: 0.05, dividend: 0.01 });
    const annual = sviSurfaceGrid(BASE, mny, T, { rate: 0.05, dividend: 0.01, scaling: 'annualized' });
    for (let i = 0; i < T.length; i++) {
      for (let j = 0; j < mny.length; j++) {
        const kk = Math.log(mny[j]) - 0.04 * T[i];
        expect(Math.abs(total[i * 35 + j] - sviImpliedVol(BASE, kk, T[i]))).toBeLessThanOrEqual(1e-13);
        expect(Math.abs(annual[i * 35 + j] - Math.sqrt(sviTotalVariance(BASE, kk)))).toBeLessThanOrEqual(1e-13);
      }
    }
  });
});
