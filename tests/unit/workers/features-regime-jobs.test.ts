import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent, JobManifest, Json } from '../../../src/engine/contracts';
import { computeFeatureSet } from '../../../src/engine/features/pipeline';
import { analysePooledHmm, analyseRegimes } from '../../../src/engine/regime/analysis';
import { fitPooledHmm, standardisedObservations } from '../../../src/engine/regime/pooled';
import { getArtifact, listArtifacts } from '../../../src/storage/artifacts';
import { putDataset, putDatasets } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import type { Backend, FeatureView, RegimeView } from '../../../src/workers/api';
import { createBackend } from '../../../src/workers/backend';
import { ComputeHost } from '../../../src/workers/compute-host';
import { buildManifest } from '../../../src/workers/manifest';
import { readFeatureView, readRegimeView, regimeLatestKey, regimePooledLatestKey } from '../../../src/workers/research-results';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { FakeWorker, inProcessCompute, inProcessData, setImmediateYield } from './harness';

const AAPL = head(loadReal('AAPL'), 600);
const JPM = head(loadReal('JPM'), 600);
const SPY = head(loadReal('SPY'), 600);

async function setup(origin: 'file' | 'demo' = 'file') {
  const factory = new IDBFactory();
  const db = await openQeDb(factory);
  await putDatasets(db, [
    input('AAPL', AAPL, { origin }),
    input('JPM', JPM, { origin }),
    input('SPY', SPY, { origin: 'file' }),
  ]);
  const bus = new LogBus();
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.now(),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: bus.logger('worker.compute'),
  });
  let n = 0;
  const run = async (type: string, params: { [k: string]: Json }, onProgress: (f: number, s: string) => void = () => undefined) => {
    const m: JobManifest = buildManifest({ type, params });
    const id = `job${++n}`;
    return { id, res: await host.run(id, type, params, m, onProgress) };
  };
  return { factory, db, host, run };
}

async function featureArtifacts(db: QeDb) {
  return (await listArtifacts(db, 'features/')).filter((a) => a.key.split('/').length === 3);
}

describe('features job', () => {
  it('computes each dataset with "Ticker i/N" progress and stores a verified view', async () => {
    const { db, run } = await setup();
    const stages: string[] = [];
    const { id, res } = await run('features', { datasetIds: ['AAPL|1d', 'JPM|1d'], set: 'full', benchmarkId: 'SPY|1d' }, (_, s) =>
      stages.push(s),
    );
    expect(res.resultKey).toBe(`features-run/${id}`);
    expect(stages[0]).toBe('Ticker 1/2: AAPL');
    expect(stages.at(-1)).toBe('Done · 2 computed, 0 reused');
    const summary = (await getArtifact(db, res.resultKey!))!.value as { datasets: Array<{ key: string; reused: boolean }> };
    expect(summary.datasets.map((d) => d.reused)).toEqual([false, false]);
    const stored = await getArtifact(db, summary.datasets[0].key);
    expect(summary.datasets[0].key).toMatch(/^features\/[0-9a-f]{64}\/AAPL\|1d$/);
    const view = readFeatureView(stored!.value, 'aapl');
    const ref = computeFeatureSet(AAPL, SPY, { set: 'full' });
    expect(view.columns).toEqual(ref.columns);
    expect(view.checksum).toBe(ref.checksum);
    expect(view.dates).toBeInstanceOf(Float64Array);
    expect(view.inputs.map((i) => [i.role, i.datasetId])).toEqual([
      ['dataset', 'AAPL|1d'],
      ['benchmark', 'SPY|1d'],
    ]);
    expect(view.families[view.names.indexOf('beta_60')]).toBe('risk');
    expect(stored!.manifestId).toBe(view.manifestId);
  });

  it('reuses stored results when inputs are unchanged and recomputes only what changed', async () => {
    const { db, run } = await setup();
    const params = { datasetIds: ['AAPL|1d', 'JPM|1d'], set: 'core' };
    await run('features', params);
    const before = new Map((await featureArtifacts(db)).map((a) => [a.key, a.createdAt]));
    const stages: string[] = [];
    const second = await run('features', params, (_, s) => stages.push(s));
    const summary = (await getArtifact(db, second.res.resultKey!))!.value as { reused: number; computed: number };
    expect(summary).toMatchObject({ reused: 2, computed: 0 });
    expect(stages.at(-1)).toBe('Done · 0 computed, 2 reused');
    const after = new Map((await featureArtifacts(db)).map((a) => [a.key, a.createdAt]));
    expect(after).toEqual(before); // nothing rewritten
    // recompute: true computes again under the same keys (same values, a newer record)
    const forced = await run('features', { ...params, recompute: true });
    expect(((await getArtifact(db, forced.res.resultKey!))!.value as { computed: number; reused: number })).toMatchObject({ computed: 2, reused: 0 });
    const rewritten = await featureArtifacts(db);
    expect(rewritten.map((a) => a.key).sort()).toEqual([...before.keys()].sort());
    // Re-import JPM with one more bar: its manifest changes, AAPL's does not.
    await putDataset(db, input('JPM', head(loadReal('JPM'), 601)));
    const third = await run('features', params);
    const s3 = (await getArtifact(db, third.res.resultKey!))!.value as { datasets: Array<{ datasetId: string; reused: boolean; rows: number }> };
    expect(s3.datasets.map((d) => [d.datasetId, d.reused, d.rows])).toEqual([
      ['AAPL|1d', true, 600],
      ['JPM|1d', false, 601],
    ]);
    expect((await featureArtifacts(db)).length).toBe(3);
    // A different set is a different result.
    const full = await run('features', { datasetIds: ['AAPL|1d'], set: 'full' });
    expect(((await getArtifact(db, full.res.resultKey!))!.value as { computed: number }).computed).toBe(1);
  });

  it('stops between tickers when cancelled: finished tickers stay stored, no run summary', async () => {
    const { db, host, run } = await setup();
    let cancelled = false;
    const job = run('features', { datasetIds: ['AAPL|1d', 'JPM|1d', 'SPY|1d'], set: 'core' }, (_, stage) => {
      if (!cancelled && stage.startsWith('Ticker 1/3')) {
        cancelled = true;
        host.cancel('job1');
      }
    });
    await expect(job).rejects.toMatchObject({ name: 'CancelledError' });
    const stored = await featureArtifacts(db);
    expect(stored.map((a) => a.key.split('/')[2])).toEqual(['AAPL|1d']);
    expect(await listArtifacts(db, 'features-run/')).toEqual([]);
  });

  it('rejects bad params and unknown datasets with specific errors', async () => {
    const { run } = await setup();
    await expect(run('features', { datasetIds: [], set: 'core' })).rejects.toThrow(/params.datasetIds: expected at least one dataset id/);
    await expect(run('features', { datasetIds: ['AAPL|1d'], set: 'most' })).rejects.toThrow(/params.set/);
    await expect(run('features', { datasetIds: ['NOPE|1d'], set: 'core' })).rejects.toThrow(/dataset "NOPE\|1d" is not in the local store/);
  });
});

describe('regime_detect job', () => {
  it('stores a view equal to the engine analysis and reuses it for the same request', async () => {
    const { db, run } = await setup();
    const params = { datasetId: 'SPY|1d', method: 'hmm' };
    const { res } = await run('regime_detect', params);
    expect(res.resultKey).toMatch(/^regime\/[0-9a-f]{64}$/);
    const view = readRegimeView((await getArtifact(db, res.resultKey!))!.value, 'spy');
    const ref = analyseRegimes(SPY, { method: 'hmm' });
    expect(view.filtered).toEqual(ref.filtered);
    expect(view.smoothed).toEqual(ref.smoothed);
    expect(view.regime).toEqual(ref.canonical.regime);
    expect(view.dates).toEqual(ref.ts);
    expect(view.close).toEqual(Float64Array.from(ref.rows, (i) => SPY.close[i]));
    expect(view.pathKind).toBe('viterbi');
    expect(view.stats).toHaveLength(4);
    expect(view.current?.date).toBe(new Date(SPY.ts[599]).toISOString().slice(0, 10));
    expect(view.current?.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(view.stateLabels[0]).toMatch(/^State 0 · /);
    const stages: string[] = [];
    const again = await run('regime_detect', { ...params, states: 4, features: ['logret_1', 'vol_20'] }, (_, s) => stages.push(s));
    expect(again.res.resultKey).toBe(res.resultKey); // defaults normalised: the same result
    expect(stages).toEqual(['Reused stored hmm result for SPY']);
  });

  it.each(['jump', 'rules', 'consensus'] as const)('%s: stores a valid view with method-specific parts', async (method) => {
    const { db, run } = await setup();
    const { res } = await run('regime_detect', { datasetId: 'AAPL|1d', method });
    const view: RegimeView = readRegimeView((await getArtifact(db, res.resultKey!))!.value, method);
    expect(view.method).toBe(method);
    expect(view.smoothed).toBeNull();
    expect(view.transmatSource).toBe('empirical');
    if (method === 'consensus') expect(view.components?.map((c) => c.name)).toEqual(['hmm', 'rules', 'jump']);
    else expect(view.components).toBeNull();
    if (method === 'rules') expect(view.features).toEqual([]);
  });

  it('rejects an unknown method naming the field', async () => {
    const { run } = await setup();
    await expect(run('regime_detect', { datasetId: 'SPY|1d', method: 'magic' })).rejects.toThrow(/params.method/);
  });

  it('pooled: one universe HMM applied to every ticker, stored with its id, reused for the same universe', async () => {
    const { db, run } = await setup();
    const params = { datasetIds: ['AAPL|1d', 'JPM|1d', 'SPY|1d'], method: 'hmm', pooled: true };
    const { res } = await run('regime_detect', params);
    const summary = (await getArtifact(db, res.resultKey!))!.value as {
      computed: number;
      datasets: Array<{ datasetId: string; key: string }>;
      pooledModel: { id: string; sample: string[]; means: number[]; transmat: number[] };
    };
    expect(summary.computed).toBe(3);
    expect(summary.pooledModel.sample).toEqual(['AAPL|1d', 'JPM|1d', 'SPY|1d']);
    // the engine, called directly, gives the same model and the same per-ticker view
    const seqs = [
      { id: 'AAPL|1d', obs: standardisedObservations(AAPL, ['logret_1', 'vol_20']) },
      { id: 'JPM|1d', obs: standardisedObservations(JPM, ['logret_1', 'vol_20']) },
      { id: 'SPY|1d', obs: standardisedObservations(SPY, ['logret_1', 'vol_20']) },
    ];
    const model = fitPooledHmm(seqs, ['logret_1', 'vol_20'], 4);
    expect(summary.pooledModel.id).toBe(model.id);
    expect(summary.pooledModel.means).toEqual(Array.from(model.params.means));
    const jpm = readRegimeView((await getArtifact(db, summary.datasets[1].key))!.value, 'jpm');
    const ref = analysePooledHmm(JPM, model);
    expect(jpm.filtered).toEqual(ref.filtered);
    expect(jpm.transmat).toEqual(model.params.transmat); // shared, not refitted
    expect(jpm.warnings.join(' ')).toMatch(/Universe HMM pooled-hmm-[0-9a-f]{16}/);
    // pooled results have their own "latest" pointer; the per-ticker pointer is not touched
    const pointer = async (k: string) => ((await getArtifact(db, k))?.value as { key?: string } | undefined)?.key;
    expect(await pointer(regimePooledLatestKey('JPM|1d'))).toBe(summary.datasets[1].key);
    expect(await pointer(regimeLatestKey('JPM|1d', 'hmm'))).toBeUndefined();
    // a per-ticker request is a different result (its own fit), not the pooled one
    const own = await run('regime_detect', { datasetId: 'JPM|1d', method: 'hmm' });
    expect(own.res.resultKey).not.toBe(summary.datasets[1].key);
    expect(await pointer(regimeLatestKey('JPM|1d', 'hmm'))).toBe(own.res.resultKey);
    expect(await pointer(regimePooledLatestKey('JPM|1d'))).toBe(summary.datasets[1].key);
    const again = await run('regime_detect', params);
    expect(((await getArtifact(db, again.res.resultKey!))!.value as { reused: number }).reused).toBe(3);
  });

  it('pooled: refused for a single dataset or another method, naming the field', async () => {
    const { run } = await setup();
    await expect(run('regime_detect', { datasetId: 'SPY|1d', method: 'hmm', pooled: true })).rejects.toThrow(/params.pooled/);
    await expect(run('regime_detect', { datasetIds: ['SPY|1d', 'JPM|1d'], method: 'jump', pooled: true })).rejects.toThrow(/params.pooled/);
    await expect(run('regime_detect', { datasetIds: ['SPY|1d', 'JPM|1d'], method: 'hmm', pooled: 'yes' })).rejects.toThrow(/params.pooled/);
  });
});

describe('backend accessors', () => {
  afterEach(() => {
    FakeWorker.created = [];
  });

  async function makeBackend(origin: 'file' | 'demo') {
    const factory = new IDBFactory();
    const db = await openQeDb(factory);
    await putDatasets(db, [input('AAPL', AAPL, { origin }), input('SPY', SPY, { origin: 'file' })]);
    const workerDb = () => openQeDb(factory);
    const backend = createBackend({
      idbFactory: factory,
      poolSize: 1,
      createComputeWorker: () => new FakeWorker(),
      connectCompute: inProcessCompute(workerDb),
      createDataWorker: () => new FakeWorker(),
      connectData: inProcessData(workerDb, () => Promise.reject(new Error('no DuckDB under Node'))),
      storageManager: { estimate: async () => ({ usage: 1, quota: 2 }), persisted: async () => false },
      locks: null,
    });
    await backend.boot();
    return { backend, db };
  }

  async function runJob(backend: Backend, type: 'features' | 'regime_detect', params: { [k: string]: Json }) {
    const events: JobEvent[] = [];
    const off = backend.onJobEvent((e) => events.push(e));
    const rec = await backend.submitJob({ type, params });
    await new Promise<void>((resolve) => {
      const check = () => (events.some((e) => e.event === 'done' && e.jobId === rec.id) ? resolve() : setTimeout(check, 10));
      check();
    });
    off();
    const done = await backend.getJob(rec.id);
    expect(done?.status, done?.error).toBe('succeeded');
    return done!;
  }

  it('serves regime results with provenance: demo input → DEMO, with its warning', async () => {
    const { backend } = await makeBackend('demo');
    expect(await backend.getRegimeResult('AAPL|1d', 'jump')).toBeNull();
    await runJob(backend, 'regime_detect', { datasetId: 'AAPL|1d', method: 'jump' });
    const env = await backend.getRegimeResult('AAPL|1d', 'jump');
    expect(env?.meta.mode).toBe('demo');
    expect(env?.meta.warnings.some((w) => /demo data/.test(w))).toBe(true);
    expect(env?.meta.asOf).toBe(new Date(AAPL.ts[599]).toISOString());
    expect(env?.meta.manifestId).toBe(env?.data.manifestId);
    expect(env?.data.filtered).toBeInstanceOf(Float64Array);
    // exact lookup by params names the same result
    const exact = await backend.getRegimeResult('AAPL|1d', 'jump', { states: 4 });
    expect(exact?.data.manifestId).toBe(env?.data.manifestId);
    expect(await backend.getRegimeResult('AAPL|1d', 'jump', { states: 3 })).toBeNull();
  });

  it('serves feature results as LIVE for imported files and flags inputs that changed since', async () => {
    const { backend, db } = await makeBackend('file');
    await runJob(backend, 'features', { datasetIds: ['AAPL|1d'], set: 'core', benchmarkId: 'SPY|1d' });
    const env = await backend.getFeatureResult('AAPL|1d');
    expect(env?.meta.mode).toBe('live');
    expect(env?.meta.warnings).toEqual([]);
    const view: FeatureView = env!.data;
    expect(view.benchmarkId).toBe('SPY|1d');
    expect(view.columns).toHaveLength(24);
    expect((await backend.getFeatureResult('AAPL|1d', { set: 'core', benchmarkId: 'SPY|1d' }))?.data.checksum).toBe(view.checksum);
    // The benchmark is re-imported: the latest result is still served, with a warning; an exact
    // query for the new contents finds nothing until the job runs again.
    await putDataset(db, input('SPY', head(loadReal('SPY'), 601)));
    const stale = await backend.getFeatureResult('AAPL|1d');
    expect(stale?.meta.warnings.some((w) => /SPY\|1d changed since this result was computed/.test(w))).toBe(true);
    expect(await backend.getFeatureResult('AAPL|1d', { set: 'core', benchmarkId: 'SPY|1d' })).toBeNull();
    await expect(backend.getFeatureResult('NOPE|1d', { set: 'core' })).rejects.toThrow(/not in the local store/);
  });
});
