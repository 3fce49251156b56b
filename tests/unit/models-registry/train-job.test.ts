import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { JobManifest, Json } from '../../../src/engine/contracts';
import { NULL_CONTEXT } from '../../../src/engine/core/context';
import { DEFAULT_MEMBERS } from '../../../src/engine/models/member';
import { trainFromBars } from '../../../src/engine/models/pipeline';
import { EnsembleModel } from '../../../src/engine/models/predictor';
import { getArtifact } from '../../../src/storage/artifacts';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { getModelVersion, listModelVersions } from '../../../src/storage/model-registry';
import { ComputeHost } from '../../../src/workers/compute-host';
import { normaliseTrainParams, trainHandler } from '../../../src/workers/handlers/train';
import type { HandlerEnv } from '../../../src/workers/handlers/types';
import { buildManifest } from '../../../src/workers/manifest';
import type { TrainRunView } from '../../../src/workers/models/views';
import { shardFor } from '../../../src/workers/shards/index';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { setImmediateYield } from '../workers/harness';

const N = 700;
const BARS = Object.fromEntries(['AAPL', 'JPM', 'XOM', 'SPY'].map((t) => [t, head(loadReal(t), N)]));
const PARAMS = { datasetIds: ['XOM|1d', 'AAPL|1d', 'JPM|1d'], benchmarkId: 'SPY|1d', horizon: 5, folds: 3, regimeModels: false, enforceGates: false, refitEvery: 500 };

async function setup(origin: 'file' | 'demo' = 'file') {
  const db = await openQeDb(new IDBFactory());
  await putDatasets(db, [
    input('AAPL', BARS.AAPL, { origin }),
    input('JPM', BARS.JPM, { origin: 'file' }),
    input('XOM', BARS.XOM, { origin: 'file' }),
    input('SPY', BARS.SPY, { origin: 'file' }),
  ]);
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.parse('2024-06-01T00:00:00.000Z'),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: new LogBus().logger('worker.compute'),
    // every progress report: the cancel tests act on a specific one
    progressIntervalMs: 0,
  });
  return { db, host };
}

async function runJob(host: ComputeHost, db: QeDb, id: string, params: { [k: string]: Json }, onProgress: (f: number, s: string) => void = () => undefined) {
  const m: JobManifest = buildManifest({ type: 'train', params });
  const res = await host.run(id, 'train', params, m, onProgress);
  const view = (await getArtifact(db, res.resultKey as string))?.value as unknown as TrainRunView;
  return { res, view };
}

/** A parallelMap that runs every shard at once, finishing in reverse order, with cloned inputs/outputs (as across workers). */
function scrambledEnv(db: QeDb, jobId: string): HandlerEnv {
  const log = new LogBus().logger('test');
  const shardEnv = { db: async () => db, now: () => Date.parse('2024-06-01T00:00:00.000Z'), monotonic: () => performance.now(), log };
  return {
    ...shardEnv,
    jobId,
    manifest: buildManifest({ type: 'train', params: PARAMS }),
    async parallelMap<I, O>(task: string, inputs: readonly I[]): Promise<O[]> {
      const fn = await shardFor(task);
      const order = inputs.map((_, i) => i).reverse();
      const out: O[] = new Array(inputs.length);
      await Promise.all(
        order.map(async (i, k) => {
          for (let w = 0; w < k; w++) await setImmediateYield();
          out[i] = structuredClone((await fn(structuredClone(inputs[i]), NULL_CONTEXT, shardEnv)) as O);
        }),
      );
      return out;
    },
  };
}

describe('train job', () => {
  it('stores the same model as the CLI pipeline (trainFromBars), with per-fold progress', async () => {
    const { db, host } = await setup();
    const stages: string[] = [];
    const { res, view } = await runJob(host, db, 'job1', PARAMS, (_f, s) => stages.push(s));
    expect(res.resultKey).toBe('train/job1');
    expect(view.status).toBe('accepted');
    expect(view.mode).toBe('real');
    expect(view.excluded).toEqual([]);
    // per-fold progress from inside the engine
    expect(stages).toContain('global: fold 1/3');
    expect(stages).toContain('global: fold 3/3');
    expect(stages.some((s) => s.startsWith('features and regimes: 3/3'))).toBe(true);
    // independent path: the engine pipeline the CLI uses, on the same bars
    const direct = await trainFromBars(
      ['AAPL', 'JPM', 'XOM'].map((t) => ({ ticker: t, bars: BARS[t] })),
      { ticker: 'SPY', bars: BARS.SPY },
      {
        horizon: 5,
        config: { seed: 42, members: DEFAULT_MEMBERS, regimeModels: false, enforceGates: false, folds: 3 },
        regime: { method: 'hmm', refitEvery: 500 },
      },
    );
    const version = await getModelVersion(db, view.versionId as string);
    expect(version).toBeDefined();
    expect(JSON.stringify(version?.model)).toBe(JSON.stringify(direct.model?.toJSON()));
    expect(version?.id).toBe(direct.model?.manifest.id);
    // the stored model round-trips through the engine codec (checksum verified) and predicts
    const model = EnsembleModel.fromJSON(version?.model as never);
    expect(model.featureNames).toEqual(direct.model?.featureNames);
    // registry doc entry
    const list = await listModelVersions(db);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: view.versionId, jobId: 'job1', horizon: 5, tickers: ['AAPL', 'JPM', 'XOM'], benchmark: 'SPY', members: ['gbdt', 'ridge'], mode: 'real' });
    // the report carries the fold table the page shows
    const folds = (view.report as { global: { cv: { folds: { ic: number; rank_ic: number; hit_rate: number; rmse: number }[] } } }).global.cv.folds;
    expect(folds).toHaveLength(3);
    for (const f of folds) expect(f.rmse).toBeGreaterThan(0);
    expect(view.importance.length).toBe(direct.panel.featureNames.length);

    // Shards finishing out of order on other workers give a bit-identical model.
    const scrambled = await trainHandler(PARAMS, NULL_CONTEXT, scrambledEnv(db, 'job2'));
    const view2 = (await getArtifact(db, scrambled.resultKey as string))?.value as unknown as TrainRunView;
    expect(view2.versionId).toBe(view.versionId);
    const v2 = await getModelVersion(db, view2.versionId as string);
    expect(JSON.stringify(v2?.model)).toBe(JSON.stringify(version?.model));
    expect(v2?.jobId).toBe('job2');
  }, 60_000);

  it('a demo input makes a demo model (provenance follows the data)', async () => {
    const { db, host } = await setup('demo');
    const { view } = await runJob(host, db, 'jobd', { ...PARAMS, members: ['ridge'] });
    expect(view.mode).toBe('demo');
    const v = await getModelVersion(db, view.versionId as string);
    expect(v?.manifest.mode).toBe('demo');
    expect(v?.members).toEqual(['ridge']);
    expect((await listModelVersions(db))[0].mode).toBe('demo');
  }, 60_000);

  it('cancels inside training and stores nothing', async () => {
    const { db, host } = await setup();
    let cancelled = false;
    const p = runJob(host, db, 'jobc', PARAMS, (_f, s) => {
      if (!cancelled && s.startsWith('global: fold 2/')) {
        cancelled = true;
        host.cancel('jobc');
      }
    });
    await expect(p).rejects.toMatchObject({ name: 'CancelledError' });
    expect(cancelled).toBe(true);
    expect(await listModelVersions(db)).toEqual([]);
    expect(await getArtifact(db, 'train/jobc')).toBeUndefined();
  }, 60_000);

  it('validates params with specific errors', async () => {
    expect(() => normaliseTrainParams({ datasetIds: [] })).toThrow(/params.datasetIds/);
    expect(() => normaliseTrainParams({ datasetIds: ['A|1d'], members: ['xgboost'] })).toThrow(/unknown member "xgboost"/);
    expect(() => normaliseTrainParams({ datasetIds: ['A|1d'], horizon: 0 })).toThrow(/params.horizon/);
    expect(() => normaliseTrainParams({ datasetIds: ['A|1d'], featureSet: 'huge' })).toThrow(/params.featureSet/);
    // the optional MLP member is offered by the page and accepted, in the fixed member order
    expect(normaliseTrainParams({ datasetIds: ['A|1d'], members: ['mlp', 'ridge'] }).members).toEqual(['ridge', 'mlp']);
    expect(normaliseTrainParams({ datasetIds: ['B|1d', 'A|1d', 'B|1d'], members: ['ridge', 'gbdt'] })).toMatchObject({
      datasetIds: ['A|1d', 'B|1d'],
      members: ['gbdt', 'ridge'],
      horizon: 10,
      featureSet: 'core',
      seed: 42,
      folds: null,
      benchmarkId: null,
    });
    const { db, host } = await setup();
    await expect(runJob(host, db, 'jobm', { datasetIds: ['NOPE|1d'] })).rejects.toThrow(/NOPE\|1d/);
    await expect(runJob(host, db, 'jobb', { datasetIds: ['SPY|1d'], benchmarkId: 'SPY|1d' })).rejects.toThrow(/no tickers to train on/);
  }, 30_000);

  it('leaves the benchmark out of the universe and names it', async () => {
    const { db, host } = await setup();
    const { view } = await runJob(host, db, 'jobx', { ...PARAMS, datasetIds: ['SPY|1d', 'AAPL|1d', 'JPM|1d'], members: ['ridge'] });
    expect(view.excluded).toEqual([{ ticker: 'SPY', reason: 'is the benchmark (excess return is 0)' }]);
    expect((await listModelVersions(db))[0]).toMatchObject({ tickers: ['AAPL', 'JPM'], benchmark: 'SPY', members: ['ridge'] });
  }, 30_000);
});

