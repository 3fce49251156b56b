import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/engine/contracts';
import { openQeDb } from '../../../src/storage/db';
import type { Backend, JobRequest } from '../../../src/workers/api';
import { createBackend } from '../../../src/workers/backend';
import { chainInputKey } from '../../../src/workers/iv/results';
import { FakeWorker, inProcessCompute, inProcessData } from '../workers/harness';
import { fixtureText } from './helpers';

const NOW = Date.parse('2024-03-20T12:00:00Z');

function make() {
  const factory = new IDBFactory();
  const workerDb = () => openQeDb(factory);
  const backend = createBackend({
    idbFactory: factory,
    poolSize: 1,
    now: () => NOW,
    createComputeWorker: () => new FakeWorker(),
    connectCompute: inProcessCompute(workerDb),
    createDataWorker: () => new FakeWorker(),
    connectData: inProcessData(workerDb, () => Promise.reject(new Error('no DuckDB under Node'))),
    storageManager: { estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => false },
    locks: null,
  });
  return backend;
}

/** Submits a job and waits for its terminal event; resolves with the final record. */
async function runJob(backend: Backend, req: JobRequest) {
  const done = new Set<string>();
  const off = backend.onJobEvent((e: JobEvent) => {
    if (e.event === 'done') done.add(e.jobId);
  });
  const rec = await backend.submitJob(req);
  while (!done.has(rec.id)) await new Promise((r) => setTimeout(r, 10));
  off();
  const final = await backend.getJob(rec.id);
  if (!final) throw new Error('job record missing');
  return final;
}

afterEach(() => {
  FakeWorker.created = [];
});

describe('IV back-end accessors', () => {
  it('labels a Heston surface as model output (live + not-market-data warning) and the arb-aware build as demo', async () => {
    const backend = make();
    await backend.boot();
    const h = await runJob(backend, { type: 'iv_heston', params: { v0: 0.16, theta: 0.09, kappa: 0.8, sigma: 1.0, rho: -0.85 } });
    expect(h.status).toBe('succeeded');
    const he = await backend.getIvHestonSurface(h.resultKey ?? '');
    expect(he.meta.mode).toBe('live');
    expect(he.meta.source).toMatch(/model output \(parametric surface\), not market data/);
    expect(he.meta.warnings[0]).toMatch(/not market data/);
    expect(he.meta.warnings.some((w) => /Feller condition violated: 2κθ = 0\.1440 ≤ σ² = 1\.0000/.test(w))).toBe(true);
    expect(he.meta.jobId).toBe(h.id);
    expect(he.meta.manifestId).toBe(h.manifest.id);

    const a = await runJob(backend, { type: 'iv_arb_svi', params: { spot: 100, rate: 0.05, dividend: 0.01, noise: 0.003, maxIterations: 20 } });
    const ae = await backend.getIvArbSvi(a.resultKey ?? '');
    expect(ae.meta.mode).toBe('demo');
    expect(ae.meta.source).toMatch(/^simulated quotes \(seeded\) — model output, not market data/);
    await expect(backend.getIvArbSvi('iv_arb_svi/nope')).rejects.toThrow(/result iv_arb_svi\/nope is not stored/);
    // a result of the other kind is refused by its schema, not shown as this one
    await expect(backend.getIvArbSvi(h.resultKey ?? '')).rejects.toThrow(/kind/);
  });

  it('stages a chain file, imports it as a job, and serves the chain (LIVE, file origin) and its Heston fit', async () => {
    const backend = make();
    await backend.boot();
    const bytes = new TextEncoder().encode(fixtureText());
    const up = await backend.stageOptionChainFile({ name: 'sample_chain.csv', bytes: bytes.buffer.slice(0) });
    expect(up).toMatchObject({ name: 'sample_chain.csv', size: bytes.byteLength });
    const again = await backend.stageOptionChainFile({ name: 'sample_chain.csv', bytes: bytes.buffer.slice(0) });
    expect(again.id).toBe(up.id); // same content, same staged file

    const job = await runJob(backend, { type: 'iv_chain_import', params: { uploadId: up.id, fileName: up.name }, inputs: [{ key: `upload:${up.id}`, checksum: up.checksum }] });
    expect(job.status).toBe('succeeded');
    const list = await backend.listOptionChains();
    expect(list.map((c) => [c.id, c.rows, c.ok, c.expiries, c.fitted])).toEqual([['XYZ|2024-03-15', 114, 108, 6, true]]);

    const env = await backend.getOptionChain('XYZ|2024-03-15');
    expect(env.meta.mode).toBe('live');
    expect(env.meta.asOf).toBe('2024-03-15T00:00:00.000Z');
    expect(env.meta.staleness).toBe((NOW - Date.parse('2024-03-15T00:00:00Z')) / 1000);
    expect(env.meta.source).toMatch(/^sample_chain\.csv — XYZ options quoted 2024-03-15/);
    expect(env.meta.warnings.some((w) => /^6 of 114 quotes gave no implied vol \(1 crossed_market, 1 outside_no_arbitrage_bounds/.test(w))).toBe(true);
    expect(env.data.quotes.iv).toBeInstanceOf(Float64Array);

    expect(await backend.getHestonCalibration('XYZ|2024-03-15')).toBeNull();
    const cal = await runJob(backend, {
      type: 'iv_heston_calibrate',
      params: { chainId: 'XYZ|2024-03-15' },
      inputs: [{ key: chainInputKey('XYZ|2024-03-15'), checksum: env.data.checksum }],
    });
    expect(cal.status).toBe('succeeded');
    const fit = await backend.getHestonCalibration('XYZ|2024-03-15');
    expect(fit?.meta.mode).toBe('live');
    expect(fit?.meta.source).toMatch(/^Heston model calibrated to XYZ options quoted 2024-03-15/);
    expect(fit?.data.chainChecksum).toBe(env.data.checksum);

    await backend.deleteOptionChain('XYZ|2024-03-15');
    expect(await backend.listOptionChains()).toEqual([]);
    await expect(backend.getOptionChain('XYZ|2024-03-15')).rejects.toThrow(/option chain XYZ\|2024-03-15 not found/);
    await expect(backend.deleteOptionChain('XYZ|2024-03-15')).rejects.toThrow(/not found/);
  });

  it('fails an import job with the parser message and keeps the chains stored before', async () => {
    const backend = make();
    await backend.boot();
    const good = await backend.stageOptionChainFile({ name: 'sample_chain.csv', bytes: new TextEncoder().encode(fixtureText()).buffer });
    await runJob(backend, { type: 'iv_chain_import', params: { uploadId: good.id, fileName: good.name } });
    const bad = await backend.stageOptionChainFile({ name: 'broken.csv', bytes: new TextEncoder().encode('strike,type\n100,c\n').buffer });
    const rec = await runJob(backend, { type: 'iv_chain_import', params: { uploadId: bad.id, fileName: bad.name } });
    expect(rec.status).toBe('failed');
    expect(rec.error).toMatch(/broken\.csv: missing columns expiry \(or days to expiry\), bid\/ask \(or last\)/);
    expect((await backend.listOptionChains()).map((c) => c.id)).toEqual(['XYZ|2024-03-15']);
  });
});
