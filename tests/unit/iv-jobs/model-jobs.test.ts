import { describe, expect, it } from 'vitest';
import { getArtifact, listArtifacts } from '../../../src/storage/artifacts';
import type { ArbSviResult, HestonSurfaceResult } from '../../../src/workers/iv/results';
import { buildManifest } from '../../../src/workers/manifest';
import { computeHost } from './helpers';

const ARB = { spot: 100, rate: 0.05, dividend: 0.01, noise: 0.003, maxIterations: 40 };

/** The numbers of a stored result, without the per-run stamps. */
function numbers(r: ArbSviResult) {
  const { computedAt: _c, jobId: _j, elapsedMs: _e, ...rest } = r;
  return rest;
}

describe('iv_arb_svi job', () => {
  it('gives bit-identical surfaces for the same inputs (seeded quotes and fit) and repairs calendar arbitrage', async () => {
    const a = await computeHost();
    const b = await computeHost();
    const ra = await a.run('iv_arb_svi', ARB);
    const rb = await b.run('iv_arb_svi', ARB, [], 'another-id');
    const va = (await getArtifact(a.db, ra.res.resultKey ?? ''))?.value as unknown as ArbSviResult;
    const vb = (await getArtifact(b.db, rb.res.resultKey ?? ''))?.value as unknown as ArbSviResult;
    expect(JSON.stringify(numbers(va))).toBe(JSON.stringify(numbers(vb)));
    expect(va.manifestId).toBe(ra.manifest.id);
    expect(va.n_expiries).toBe(8);
    expect(va.n_strikes).toBe(25);
    expect(va.adj_calendar_violation).toBe(0);
    expect(va.raw_iv).toHaveLength(8);
    expect(va.raw_iv[0]).toHaveLength(25);
    // every simulated quote lies on the grid, noisy around the fitted smile (noise 0.3 vol pts)
    let n = 0;
    let sse = 0;
    for (let e = 0; e < 8; e++) {
      for (let j = 0; j < 25; j++) {
        const m = va.market_iv[e][j];
        const f = va.adj_iv[e][j];
        expect(m).not.toBeNull();
        if (m !== null && f !== null) {
          n++;
          sse += (m - f) ** 2;
        }
      }
    }
    expect(n).toBe(200);
    expect(Math.sqrt(sse / n)).toBeLessThan(1); // percent

    const noisier = await a.run('iv_arb_svi', { ...ARB, noise: 0.01 });
    const vn = (await getArtifact(a.db, noisier.res.resultKey ?? ''))?.value as unknown as ArbSviResult;
    expect(JSON.stringify(vn.market_iv)).not.toBe(JSON.stringify(va.market_iv));
  });

  it('stops at the next slice when cancelled and writes no result', async () => {
    // Checkpoints: 1 before the quotes, then one per slice: cancel after slice 2 of 8.
    let armed = true;
    const stages: string[] = [];
    const { db, host } = await computeHost((n) => {
      if (armed && n === 3) host.cancel('arb-cancel');
    });
    const m = buildManifest({ type: 'iv_arb_svi', params: { ...ARB, maxIterations: 150 } });
    const p = host.run('arb-cancel', 'iv_arb_svi', m.params, m, (_f, s) => stages.push(s));
    await expect(p).rejects.toMatchObject({ name: 'CancelledError' });
    expect(stages.some((s) => /^Slice [3-8]\//.test(s))).toBe(false);
    armed = false;
    // cancelled before the first slice: the report that starts the job is enough
    const early = host.run('arb-cancel-2', 'iv_arb_svi', m.params, m, () => host.cancel('arb-cancel-2'));
    await expect(early).rejects.toMatchObject({ name: 'CancelledError' });
    expect(await listArtifacts(db, 'iv_arb_svi/')).toEqual([]);
  });

  it('rejects inputs outside their ranges, naming the field', async () => {
    const { run } = await computeHost();
    await expect(run('iv_arb_svi', { ...ARB, noise: -1 })).rejects.toThrow(/params\.noise: expected number ≥ 0/);
    await expect(run('iv_arb_svi', { ...ARB, maxIterations: 2.5 })).rejects.toThrow(/params\.maxIterations: expected integer/);
  });
});

describe('iv_heston job', () => {
  it('stores the 35 × 25 model surface with the Feller report of the parameters', async () => {
    const { db, run } = await computeHost();
    const storm = { v0: 0.16, theta: 0.09, kappa: 0.8, sigma: 1.0, rho: -0.85 };
    const { res, jobId, manifest } = await run('iv_heston', storm);
    expect(res.resultKey).toBe(`iv_heston/${jobId}`);
    const r = (await getArtifact(db, res.resultKey ?? ''))?.value as unknown as HestonSurfaceResult;
    expect(r.kind).toBe('heston_surface');
    expect(r.manifestId).toBe(manifest.id);
    expect(r.surface.moneyness).toHaveLength(35);
    expect(r.surface.expiries).toHaveLength(25);
    expect(r.surface.iv).toHaveLength(25);
    expect(r.surface.iv[0]).toHaveLength(35);
    expect(Object.keys(r.surface.smiles)).toEqual(['1M', '3M', '6M', '1Y', '2Y']);
    // 2κθ = 0.144 ≤ σ² = 1: violated
    expect(r.feller.lhs).toBeCloseTo(0.144, 12);
    expect(r.feller.rhs).toBeCloseTo(1, 12);
    expect(r.feller.satisfied).toBe(false);
  });

  it('with almost no vol-of-vol gives a flat smile at the expected average variance', async () => {
    const { db, run } = await computeHost();
    const p = { v0: 0.09, theta: 0.04, kappa: 1.5, sigma: 0.01, rho: 0 };
    const { res } = await run('iv_heston', p);
    const r = (await getArtifact(db, res.resultKey ?? ''))?.value as unknown as HestonSurfaceResult;
    for (let e = 0; e < r.surface.expiries.length; e += 6) {
      const T = r.surface.expiries[e];
      // E[(1/T)∫v dt] = θ + (v0 − θ)(1 − e^{−κT})/(κT): hand formula, independent of the pricer
      const avgVar = p.theta + ((p.v0 - p.theta) * (1 - Math.exp(-p.kappa * T))) / (p.kappa * T);
      const atm = r.surface.iv[e][17]; // K/S = 1.0
      expect(atm).not.toBeNull();
      expect(Math.abs((atm ?? 0) - 100 * Math.sqrt(avgVar))).toBeLessThan(0.05);
      const wing = r.surface.iv[e][0];
      expect(Math.abs((wing ?? 0) - (atm ?? 0))).toBeLessThan(0.2);
    }
  });

  it('rejects parameters outside the box, naming the field', async () => {
    const { run } = await computeHost();
    await expect(run('iv_heston', { v0: 0.04, theta: 0.04, kappa: 1.5, sigma: 0.3, rho: 1.5 })).rejects.toThrow(/params\.rho/);
  });
});
