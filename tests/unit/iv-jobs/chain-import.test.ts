import { describe, expect, it } from 'vitest';
import { bsPrice, forwardPrice } from '../../../src/engine/iv/black-scholes';
import { getArtifact, listArtifacts } from '../../../src/storage/artifacts';
import { CHAIN_ROW_CODES, getOptionChain, listOptionChains } from '../../../src/storage/option-chains';
import type { ChainImportResult, HestonCalibrationResult } from '../../../src/workers/iv/results';
import { chainInputKey } from '../../../src/workers/iv/results';
import { buildManifest } from '../../../src/workers/manifest';
import { computeHost, FIXTURE_HESTON, fixtureText, stage } from './helpers';

const ID = 'XYZ|2024-03-15';

describe('iv_chain_import job', () => {
  it('computes mids, spreads, implied vols and codes, lists every failed row, and fits SVI slices', async () => {
    const { db, run } = await computeHost();
    const up = await stage(db, 'sample_chain.csv', fixtureText());
    const { res, reports, jobId } = await run('iv_chain_import', { uploadId: up.id, fileName: 'sample_chain.csv' });
    expect(res.resultKey).toBe(`iv_chain_import/${jobId}`);
    expect(reports.some(([, s]) => /^XYZ 2024-03-15: SVI slice \d\/6$/.test(s))).toBe(true);
    for (let i = 1; i < reports.length; i++) expect(reports[i][0]).toBeGreaterThanOrEqual(reports[i - 1][0]);
    expect(reports.at(-1)).toEqual([1, '1 chain · 6 failed rows']);

    const c = await getOptionChain(db, ID);
    expect(c).toMatchObject({ underlying: 'XYZ', quoteDate: '2024-03-15', spot: 100, rate: 0.03, dividendYield: 0.01, origin: 'file' });
    expect(c.rows).toBe(114);
    expect(c.ok).toBe(108);
    // The deliberately bad rows, each with its code and line (file order, header = line 1).
    expect(c.failures.map((f) => [f.line, f.code])).toEqual([
      [110, 'crossed_market'],
      [111, 'outside_no_arbitrage_bounds'],
      [112, 'parse_error'],
      [113, 'bad_input'],
      [114, 'bad_input'],
      [115, 'no_price'],
    ]);
    expect(c.failures[0].detail).toBe('bid 3.1 is above ask 2.9');
    expect(c.failures[1].detail).toMatch(/at or below the no-arbitrage lower bound 19\.75/);
    expect(c.failures[3].detail).toMatch(/^expired: expiry 2024-03-01 is not after the quote date 2024-03-15/);
    expect(c.failures[4].detail).toBe('strike -5 is not positive');
    expect(c.failedByCode).toEqual({ crossed_market: 1, outside_no_arbitrage_bounds: 1, parse_error: 1, bad_input: 2, no_price: 1 });

    const q = c.quotes;
    let used = 0;
    const usedKeys = new Set<string>();
    for (let i = 0; i < c.rows; i++) {
      const code = CHAIN_ROW_CODES[q.code[i]];
      if (code !== 'ok') {
        expect(Number.isNaN(q.iv[i])).toBe(true);
        expect(q.used[i]).toBe(0);
        continue;
      }
      // mid and spread from the quote; the implied vol reprices the mid (contract D.3 acceptance)
      expect(q.mid[i]).toBeCloseTo((q.bid[i] + q.ask[i]) / 2, 12);
      expect(q.spread[i]).toBeCloseTo(q.ask[i] - q.bid[i], 12);
      expect(q.priceSource[i]).toBe(1);
      const repriced = bsPrice(q.isCall[i] === 1, 100, q.strike[i], q.T[i], 0.03, 0.01, q.iv[i]);
      expect(Math.abs(repriced - q.mid[i])).toBeLessThan(1e-10 * 100);
      // the bid vol is below the ask vol where both solve (price is increasing in vol)
      if (Number.isFinite(q.ivBid[i]) && Number.isFinite(q.ivAsk[i])) expect(q.ivBid[i]).toBeLessThan(q.ivAsk[i]);
      if (q.used[i] === 1) {
        used++;
        usedKeys.add(`${q.T[i]}|${q.strike[i]}`);
        // the fit uses the out-of-the-money side: puts below the forward, calls at or above it
        const otmCall = q.strike[i] >= forwardPrice(100, q.T[i], 0.03, 0.01);
        expect(q.isCall[i]).toBe(otmCall ? 1 : 0);
      }
    }
    expect(used).toBe(54); // one quote per (expiry, strike): 6 × 9
    expect(usedKeys.size).toBe(54);

    const fit = c.fit;
    expect(fit).not.toBeNull();
    if (!fit) return;
    expect(fit.slices.map((s) => s.expiry)).toEqual(['2024-04-19', '2024-05-17', '2024-06-21', '2024-09-20', '2024-12-20', '2025-03-21']);
    for (const s of fit.slices) {
      expect(s.fitted).toBe(true);
      expect(s.quotes).toBe(9);
      expect(s.validity).toEqual([]);
      // quotes are exact Heston prices (independent pricer) rounded to 4 decimals: SVI fits them to < 0.5 vol pt
      expect(s.rmseIv).toBeLessThan(0.005);
    }
    expect(fit.adjCalendarViolation).toBe(0);
    expect(fit.rawIv).toHaveLength(6);
    expect(fit.moneyness[0]).toBeCloseTo(0.8, 12);
    expect(fit.moneyness.at(-1)).toBeCloseTo(1.2, 12);

    const art = await getArtifact(db, res.resultKey ?? '');
    const summary = art?.value as unknown as ChainImportResult;
    expect(summary.chains).toEqual([{ id: ID, rows: 114, ok: 108, failed: 6, fitted: true, replaced: false }]);
  });

  it('reports a butterfly range where Gatheral g(k) < 0 on a slice whose smile bends too hard', async () => {
    // One expiry whose quoted smile has a deep, narrow dip: the best SVI fit has negative density around it.
    const rows = ['expiry,strike,type,bid,ask'];
    const vols = [0.6, 0.45, 0.3, 0.18, 0.12, 0.18, 0.3, 0.45, 0.6];
    const strikes = [90, 92.5, 95, 97.5, 100, 102.5, 105, 107.5, 110];
    const T = 30 / 365;
    strikes.forEach((k, j) => {
      const call = k >= 100;
      const p = bsPrice(call, 100, k, T, 0, 0, vols[j]);
      rows.push(`2024-04-14,${k},${call ? 'call' : 'put'},${p * 0.999},${p * 1.001}`);
    });
    const { db, run } = await computeHost();
    const up = await stage(db, 'dip.csv', `${rows.join('\n')}\n`);
    await run('iv_chain_import', {
      uploadId: up.id,
      fileName: 'dip.csv',
      quoteDate: '2024-03-15',
      underlying: 'DIP',
      spot: 100,
      rate: 0,
      dividendYield: 0,
    });
    const c = await getOptionChain(db, 'DIP|2024-03-15');
    expect(c.warnings.join(' ')).toMatch(/Quote date 2024-03-15 from the import form/);
    const s = c.fit?.slices[0];
    expect(s?.butterflyMinG).toBeLessThan(0);
    expect(s?.butterflyRanges.length).toBeGreaterThan(0);
    for (const [lo, hi] of s?.butterflyRanges ?? []) expect(hi).toBeGreaterThanOrEqual(lo);
  });

  it('stores nothing when cancelled during the fit, and replaces a chain on re-import', async () => {
    // Checkpoints: 1 read, 2 parse, 3 before the fit, 4… one per SVI slice: cancel in the middle of the fit.
    const stages: string[] = [];
    const { db, host, run } = await computeHost((n) => {
      if (n === 6) host.cancel('cancel-me');
    });
    const up = await stage(db, 'sample_chain.csv', fixtureText());
    const m = buildManifest({ type: 'iv_chain_import', params: { uploadId: up.id, fileName: 'sample_chain.csv' } });
    const p = host.run('cancel-me', 'iv_chain_import', m.params, m, (_f, s) => stages.push(s));
    await expect(p).rejects.toMatchObject({ name: 'CancelledError' });
    expect(stages).not.toContain('Storing');
    expect(await listOptionChains(db)).toEqual([]);
    expect(await listArtifacts(db, 'iv_chain_import/')).toEqual([]);

    await run('iv_chain_import', { uploadId: up.id, fileName: 'sample_chain.csv' });
    const again = await run('iv_chain_import', { uploadId: up.id, fileName: 'sample_chain.csv' });
    const art = (await getArtifact(db, again.res.resultKey ?? ''))?.value as unknown as ChainImportResult;
    expect(art.chains[0].replaced).toBe(true);
    expect((await listOptionChains(db)).map((c) => c.id)).toEqual([ID]);
  });

  it('fails with a message naming the file and the missing column, storing nothing', async () => {
    const { db, run } = await computeHost();
    const up = await stage(db, 'bad.csv', 'expiry,strike,bid,ask\n2024-04-19,100,1,2\n');
    await expect(run('iv_chain_import', { uploadId: up.id, fileName: 'bad.csv', quoteDate: '2024-03-15' })).rejects.toThrow(
      /bad\.csv: missing column type/,
    );
    expect(await listOptionChains(db)).toEqual([]);
  });
});

describe('iv_heston_calibrate job', () => {
  it('recovers the parameters that generated the fixture quotes and reports Feller', async () => {
    const { db, run } = await computeHost();
    const up = await stage(db, 'sample_chain.csv', fixtureText());
    await run('iv_chain_import', { uploadId: up.id, fileName: 'sample_chain.csv' });
    const chain = await getOptionChain(db, ID);
    const { res, jobId } = await run('iv_heston_calibrate', { chainId: ID }, [{ key: chainInputKey(ID), checksum: chain.checksum }]);
    expect(res.resultKey).toBe(`iv_heston_calibrate/${ID}/${chain.checksum}/${jobId}`);
    const r = (await getArtifact(db, res.resultKey ?? ''))?.value as unknown as HestonCalibrationResult;
    expect(r.quotes).toBe(54);
    expect(Math.abs(r.params.v0 - FIXTURE_HESTON.v0)).toBeLessThan(0.003);
    expect(Math.abs(r.params.theta - FIXTURE_HESTON.theta)).toBeLessThan(0.005);
    expect(Math.abs(r.params.kappa - FIXTURE_HESTON.kappa)).toBeLessThan(0.4);
    expect(Math.abs(r.params.sigma - FIXTURE_HESTON.sigma)).toBeLessThan(0.05);
    expect(Math.abs(r.params.rho - FIXTURE_HESTON.rho)).toBeLessThan(0.05);
    expect(r.ivRmse).toBeLessThan(0.01);
    expect(r.feller.lhs).toBeCloseTo(2 * r.params.kappa * r.params.theta, 12);
    expect(r.feller.rhs).toBeCloseTo(r.params.sigma ** 2, 12);
    expect(r.feller.satisfied).toBe(r.feller.lhs > r.feller.rhs);
    expect(Object.keys(r.surface.smiles)).toEqual(chain.fit?.slices.map((s) => s.expiry));
    expect(r.surface.iv).toHaveLength(6);
  });

  it('refuses to run against a chain that changed since the job was submitted', async () => {
    const { db, run } = await computeHost();
    const up = await stage(db, 'sample_chain.csv', fixtureText());
    await run('iv_chain_import', { uploadId: up.id, fileName: 'sample_chain.csv' });
    await expect(run('iv_heston_calibrate', { chainId: ID }, [{ key: chainInputKey(ID), checksum: 'stale' }])).rejects.toThrow(
      /changed after this job was submitted/,
    );
    await expect(run('iv_heston_calibrate', { chainId: 'NOPE|2024-01-01' })).rejects.toThrow(/option chain NOPE\|2024-01-01 not found/);
  });
});
