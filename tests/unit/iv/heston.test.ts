import { describe, expect, it } from 'vitest';
import { bsPrice } from '../../../src/engine/iv/black-scholes';
import { fellerReport, type HestonParams, hestonPrice, hestonPricesSlice } from '../../../src/engine/iv/heston';
import { hestonIvSurface } from '../../../src/engine/iv/heston-surface';
import { impliedVolCode } from '../../../src/engine/iv/implied-vol';
import { gaussLaguerre, gaussLegendre } from '../../../src/engine/iv/quadrature';
import { linspace } from '../../../src/engine/iv/svi';
import { readFixture } from './fixtures';

/** Contract D.5: |Δ| ≤ 1e-6·max(|ref|, 1e-4·S). */
function hestonTolerance(ref: number, S: number): number {
  return 1e-6 * Math.max(Math.abs(ref), 1e-4 * S);
}

function paramsOf(r: Record<string, string>): HestonParams {
  return { v0: +r.v0, kappa: +r.kappa, theta: +r.theta, sigma: +r.sigma, rho: +r.rho };
}

describe('Heston pricing', () => {
  it('matches the independent reference on the full contract grid (sets A, B, C; calls and puts)', () => {
    const ref = readFixture('heston_ref.csv');
    expect(ref.length).toBe(3 * 4 * 7 * 2);
    let worst = 0;
    for (const r of ref) {
      const got = hestonPrice(r.type as 'call' | 'put', +r.S, +r.K, +r.T, +r.r, +r.q, paramsOf(r));
      const tol = hestonTolerance(+r.price, +r.S);
      expect(Math.abs(got - +r.price), JSON.stringify(r)).toBeLessThanOrEqual(tol);
      worst = Math.max(worst, Math.abs(got - +r.price) / tol);
    }
    // Keep a wide margin: the rule is tuned, so a regression should show long before failure.
    expect(worst).toBeLessThan(0.05);
  });

  it('matches the reference on 7- and 14-day expiries near the money', () => {
    for (const r of readFixture('heston_ref_short.csv')) {
      const got = hestonPrice(r.type as 'call' | 'put', +r.S, +r.K, +r.T, +r.r, +r.q, paramsOf(r));
      expect(Math.abs(got - +r.price), JSON.stringify(r)).toBeLessThanOrEqual(hestonTolerance(+r.price, +r.S));
    }
  });

  it('slice pricing equals one-by-one pricing and satisfies put–call parity', () => {
    const p = { v0: 0.04, kappa: 1.5, theta: 0.04, sigma: 0.5, rho: -0.7 };
    const K = linspace(60, 150, 19);
    const calls = hestonPricesSlice(p, 100, 0.75, 0.03, 0.01, K, new Uint8Array(19).fill(1));
    const puts = hestonPricesSlice(p, 100, 0.75, 0.03, 0.01, K, new Uint8Array(19));
    for (let i = 0; i < K.length; i++) {
      expect(calls[i]).toBe(hestonPrice('call', 100, K[i], 0.75, 0.03, 0.01, p));
      const parity = 100 * Math.exp(-0.01 * 0.75) - K[i] * Math.exp(-0.03 * 0.75);
      expect(Math.abs(calls[i] - puts[i] - parity)).toBeLessThanOrEqual(1e-9);
    }
  });

  it('reduces to Black–Scholes when the variance is deterministic and constant', () => {
    // v0 = θ and a tiny vol-of-vol: Heston → BS with σ² = θ.
    const p = { v0: 0.09, kappa: 2, theta: 0.09, sigma: 1e-4, rho: 0 };
    for (const K of [70, 100, 130]) {
      for (const T of [0.1, 1, 3]) {
        const h = hestonPrice('call', 100, K, T, 0.02, 0.01, p);
        expect(Math.abs(h - bsPrice(true, 100, K, T, 0.02, 0.01, 0.3))).toBeLessThanOrEqual(1e-5);
      }
    }
  });

  it('is exact Black–Scholes at zero vol-of-vol and continuous as σ → 0', () => {
    const p = { v0: 0.04, kappa: 1.2, theta: 0.09, sigma: 0, rho: -0.5 };
    const T = 1.5;
    const vbar = 0.09 + (0.04 - 0.09) * (1 - Math.exp(-1.2 * T)) / (1.2 * T);
    expect(Math.abs(hestonPrice('put', 100, 95, T, 0.03, 0.01, p) - bsPrice(false, 100, 95, T, 0.03, 0.01, Math.sqrt(vbar)))).toBeLessThan(1e-12);
    // With ρ ≠ 0 the price moves linearly in σ near 0; the characteristic function must stay
    // accurate there (its naive form loses everything to cancellation below σ ≈ 1e-4).
    const P = (sigma: number) => hestonPrice('put', 100, 95, T, 0.03, 0.01, { ...p, sigma });
    const p0 = P(0);
    expect(Math.abs(P(1e-7) - p0)).toBeLessThan(1e-7);
    const d1 = P(1e-4) - p0;
    const d2 = P(2e-4) - p0;
    expect(Math.abs(d2 / d1 - 2)).toBeLessThan(0.01);
  });

  it('is deterministic regardless of what was priced before (cached rules and buffers)', () => {
    const p = { v0: 0.09, kappa: 3, theta: 0.05, sigma: 0.9, rho: -0.9 };
    const first = hestonPrice('call', 100, 110, 0.25, 0.03, 0.01, p);
    hestonPrice('call', 100, 80, 3, 0.03, 0.01, { ...p, rho: 0.2 }, { nodes: 64 });
    hestonPricesSlice(p, 100, 2, 0.01, 0, linspace(50, 150, 40), new Uint8Array(40));
    expect(hestonPrice('call', 100, 110, 0.25, 0.03, 0.01, p)).toBe(first);
  });

  it('reports Feller’s condition with both sides', () => {
    expect(fellerReport({ v0: 0.09, kappa: 3, theta: 0.05, sigma: 0.9, rho: -0.9 })).toEqual({
      lhs: 0.30000000000000004,
      rhs: 0.81,
      satisfied: false,
    });
    expect(fellerReport({ v0: 0.04, kappa: 2, theta: 0.06, sigma: 0.4, rho: -0.7 }).satisfied).toBe(true);
  });

  it('builds an IV surface whose points invert back to the model prices', () => {
    const p = { v0: 0.04, kappa: 2, theta: 0.06, sigma: 0.4, rho: -0.7 };
    const strikes = linspace(80, 120, 25);
    const expiries = Float64Array.of(0.083, 0.167, 0.25, 0.5, 0.75, 1, 1.5, 2);
    const g = hestonIvSurface(p, 100, 0.05, 0.01, strikes, expiries);
    expect(g.failed).toBe(0);
    for (let i = 0; i < expiries.length; i++) {
      const F = 100 * Math.exp(0.04 * expiries[i]);
      for (let j = 0; j < strikes.length; j++) {
        const at = i * 25 + j;
        expect(g.isCall[at]).toBe(strikes[j] >= F ? 1 : 0);
        expect(g.iv[at]).toBe(impliedVolCode(g.isCall[at] === 1, 100, strikes[j], expiries[i], 0.05, 0.01, g.price[at]));
        expect(g.iv[at]).toBeGreaterThan(0.1);
        expect(g.iv[at]).toBeLessThan(0.4);
      }
      // Negative ρ: downward-sloping skew.
      expect(g.iv[i * 25]).toBeGreaterThan(g.iv[i * 25 + 24]);
    }
  });
});

describe('quadrature rules', () => {
  it('Gauss–Laguerre integrates e^{−x}·polynomials exactly and x e^{−2x}cos(3x) to 1e-13', () => {
    for (const n of [16, 64, 128]) {
      const { nodes, weights } = gaussLaguerre(n);
      let m0 = 0;
      let m5 = 0;
      let osc = 0;
      for (let i = 0; i < n; i++) {
        const wx = weights[i] * Math.exp(-nodes[i]);
        m0 += wx;
        m5 += wx * nodes[i] ** 5;
        osc += weights[i] * nodes[i] * Math.exp(-2 * nodes[i]) * Math.cos(3 * nodes[i]);
      }
      expect(Math.abs(m0 - 1)).toBeLessThan(1e-13);
      expect(Math.abs(m5 - 120) / 120).toBeLessThan(1e-13);
      // ∫ x e^{−2x} cos 3x dx = (4 − 9)/(4 + 9)² = −5/169
      if (n >= 64) expect(Math.abs(osc + 5 / 169)).toBeLessThan(1e-13);
    }
  });

  it('Gauss–Legendre integrates cos on [−1, 1]', () => {
    const { nodes, weights } = gaussLegendre(20);
    let s = 0;
    for (let i = 0; i < 20; i++) s += weights[i] * Math.cos(nodes[i]);
    expect(Math.abs(s - 2 * Math.sin(1))).toBeLessThan(1e-15);
  });
});
