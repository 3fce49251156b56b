import { describe, expect, it } from 'vitest';
import { CancelledError, type JobContext } from '../../../src/engine/core/context';
import { buildSviSurfaceJob } from '../../../src/engine/iv/svi-surface';
import { sviImpliedVol } from '../../../src/engine/iv/svi';
import { syntheticHestonChain } from '../../../src/engine/iv/synthetic-chain';
import { arbFreeSviDemo, hestonSurfaceView, IV_PAGE_GRID, sviSurfaceView } from '../../../src/engine/iv/views';

describe('IV page view models', () => {
  it('SVI view: 25 × 35 grid in percent plus the five smiles', () => {
    const p = { a: 0.04, b: 0.1, rho: -0.4, m: 0, s: 0.1 };
    const v = sviSurfaceView(p);
    expect(v.moneyness.length).toBe(35);
    expect(v.expiries.length).toBe(25);
    expect(v.iv.length).toBe(25);
    expect(v.iv[0].length).toBe(35);
    expect(Object.keys(v.smiles)).toEqual(['1M', '3M', '6M', '1Y', '2Y']);
    const T = v.expiries[3];
    const k = Math.log(v.moneyness[10]) - 0.05 * T;
    expect(Math.abs(v.iv[3][10] - 100 * sviImpliedVol(p, k, T))).toBeLessThan(1e-12);
    expect(Math.abs(v.smiles['1Y'][17] - 100 * sviImpliedVol(p, Math.log(v.moneyness[17]) - 0.05, 1))).toBeLessThan(1e-12);
  });

  it('Heston view: full surface, Feller numbers for the warning banner', () => {
    const v = hestonSurfaceView({ v0: 0.04, kappa: 1.5, theta: 0.04, sigma: 0.5, rho: -0.7 });
    expect(v.iv.length).toBe(IV_PAGE_GRID.expiries.length);
    expect(v.iv.every((row) => row.every((x) => x > 5 && x < 60))).toBe(true);
    expect(v.feller).toEqual({ lhs: 0.12, rhs: 0.25, satisfied: false });
    expect(v.smiles['3M'].length).toBe(35);
  });

  it('arb-aware view: market, raw and adjusted grids with violation figures', () => {
    const v = arbFreeSviDemo({ spot: 100, rate: 0.05, dividend: 0.01, noise: 0.003, maxIterations: 60 });
    expect(v.n_expiries).toBe(8);
    expect(v.n_strikes).toBe(25);
    expect(v.market_iv.length).toBe(8);
    expect(v.adj_iv[0].length).toBe(25);
    expect(v.adj_calendar_violation).toBe(0);
    expect(v.objectives.every((o) => o !== null && o >= 0)).toBe(true);
    // Fitted vols stay within a few noise σ of the quotes.
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 25; j++) expect(Math.abs(v.adj_iv[i][j] - v.market_iv[i][j])).toBeLessThan(2);
    }
  });

  it('the surface job reports progress per slice and honours cancel', async () => {
    const chain = syntheticHestonChain({ expiries: Float64Array.of(0.25, 0.5, 1) });
    const stages: string[] = [];
    const ctx: JobContext = {
      signal: { cancelled: false },
      progress: (_f, stage) => stages.push(stage),
      yield: () => Promise.resolve(),
    };
    const surf = await buildSviSurfaceJob(chain, { maxGenerations: 30 }, ctx);
    expect(surf.expiries.length).toBe(3);
    expect(stages).toEqual(['Slice 1/3', 'Slice 2/3', 'Slice 3/3']);
    const cancelled: JobContext = { ...ctx, signal: { cancelled: true } };
    await expect(buildSviSurfaceJob(chain, { maxGenerations: 30 }, cancelled)).rejects.toBeInstanceOf(CancelledError);
  });
});
