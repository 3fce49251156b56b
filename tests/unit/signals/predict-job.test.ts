import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { Bars, JobManifest, Json } from '../../../src/engine/contracts';
import { isoDay } from '../../../src/engine/core/time';
import { DEFAULT_MEMBERS } from '../../../src/engine/models/member';
import { predictFromBars, trainFromBars } from '../../../src/engine/models/pipeline';
import { getArtifact } from '../../../src/storage/artifacts';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { type ModelVersion, promoteModel, saveModelVersion } from '../../../src/storage/model-registry';
import { ComputeHost } from '../../../src/workers/compute-host';
import { normalisePredictParams } from '../../../src/workers/handlers/predict';
import { buildManifest } from '../../../src/workers/manifest';
import type { PredictionsView } from '../../../src/workers/models/signal-views';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { setImmediateYield } from '../workers/harness';

const N = 650;
const TRAIN = 560;
const H = 5;
const TICKERS = ['AAPL', 'JPM', 'XOM'];
const BARS: Record<string, Bars> = Object.fromEntries(TICKERS.map((t) => [t, head(loadReal(t), N)]));
const REGIME = { method: 'hmm' as const, refitEvery: 500 };

/** One model trained with the engine on the first TRAIN bars, shared by the tests (training is the slow part). */
const trained = trainFromBars(
  TICKERS.map((t) => ({ ticker: t, bars: head(BARS[t], TRAIN) })),
  null,
  { horizon: H, config: { seed: 7, members: DEFAULT_MEMBERS, regimeModels: false, enforceGates: false, folds: 3 }, regime: REGIME },
);

async function setup(origin: 'file' | 'demo', withModel: boolean) {
  const db = await openQeDb(new IDBFactory());
  await putDatasets(db, TICKERS.map((t, k) => input(t, BARS[t], { origin: k === 0 ? origin : 'file' })));
  let version: ModelVersion | null = null;
  if (withModel) {
    const res = await trained;
    if (!res.model) throw new Error(`test model rejected: ${res.report.global.reasons.join('; ')}`);
    version = {
      id: res.model.manifest.id,
      createdAt: '2024-05-02T00:00:00.000Z',
      jobId: null,
      tickers: [...res.panel.tickers],
      benchmark: null,
      members: ['gbdt', 'ridge'],
      featureSet: 'core',
      manifest: res.model.manifest,
      model: res.model.toJSON(),
      report: null,
    };
    await saveModelVersion(db, version);
    const d = await promoteModel(db, version.id, '2024-05-02T00:00:00.000Z');
    expect(d.promoted).toBe(true);
  }
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.parse('2024-06-01T00:00:00.000Z'),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: new LogBus().logger('worker.compute'),
  });
  return { db, host, version };
}

async function runPredict(host: ComputeHost, db: QeDb, id: string, params: { [k: string]: Json }) {
  const m: JobManifest = buildManifest({ type: 'predict', params });
  const res = await host.run(id, 'predict', params, m, () => undefined);
  return { res, view: (await getArtifact(db, res.resultKey as string))?.value as unknown as PredictionsView };
}

describe('predict job', () => {
  it('predicts the champion on current bars exactly as the engine pipeline does, with realised returns where the horizon passed', async () => {
    const { db, host, version } = await setup('file', true);
    const { res, view } = await runPredict(host, db, 'p1', { topN: 2, historyBars: 120 });
    expect(res.resultKey).toBe('predictions/p1');
    expect(view.modelId).toBe(version?.id);
    expect(view.mode).toBe('real');
    expect(view.horizon).toBe(H);
    expect(view.benchmark).toBeNull();
    expect(view.params).toEqual({ modelId: null, datasetIds: null, topN: 2, historyBars: 120 });
    expect(view.signals.map((s) => s.ticker).sort()).toEqual(TICKERS);

    // Independent path: the CLI's predictFromBars on the same (full) bars.
    const model = (await trained).model;
    if (!model) throw new Error('no model');
    const direct = predictFromBars(model, TICKERS.map((t) => ({ ticker: t, bars: BARS[t] })), null);
    const { panel, prediction } = direct;
    for (const s of view.signals) {
      const k = panel.tickers.indexOf(s.ticker);
      let last = -1;
      for (let i = 0; i < panel.n; i++) if (panel.ticker[i] === k) last = i;
      expect(s.date).toBe(isoDay(BARS[s.ticker].ts[N - 1]));
      expect(s.predictedReturn).toBe(prediction.predictedReturn[last]);
      expect(s.confidence).toBe(prediction.confidence[last]);
      expect(s.score).toBe(prediction.predictedReturn[last] * prediction.confidence[last]);
      expect(s.regime).toBe(prediction.regime[last]);
      expect(s.members.gbdt).toBe(prediction.members.find((m) => m.name === 'gbdt')?.prediction[last]);
      expect(s.regimeProbs).toHaveLength(4);
      expect(s.inSample).toBe(false);
    }
    // ranked by predicted return × confidence, descending
    const scores = view.signals.map((s) => s.score ?? Number.NEGATIVE_INFINITY);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // History: realised = C[t+h]/C[t] − 1 by hand; the last h bars are pending; in-sample flags by the training window.
    const trainedThrough = isoDay(BARS.AAPL.ts[TRAIN - 1]);
    expect(view.trainedThrough.AAPL).toBe(trainedThrough);
    const h = view.history.find((x) => x.ticker === 'AAPL');
    if (!h) throw new Error('no AAPL history');
    expect(h.dates).toHaveLength(120);
    expect(h.dates[119]).toBe(isoDay(BARS.AAPL.ts[N - 1]));
    const c = BARS.AAPL.close;
    for (let k = 0; k < 120; k++) {
      const i = N - 120 + k;
      expect(h.dates[k]).toBe(isoDay(BARS.AAPL.ts[i]));
      if (i + H < N) expect(h.realised[k]).toBeCloseTo(c[i + H] / c[i] - 1, 14);
      else expect(h.realised[k]).toBeNull();
      expect(h.inSample[k]).toBe(h.dates[k] <= trainedThrough ? 1 : 0);
    }
    expect(h.realised.filter((r) => r === null)).toHaveLength(H);
    expect(h.inSample.some((f) => f === 1)).toBe(true);
    expect(view.globalMembers).toEqual(['gbdt', 'ridge']);
  }, 120_000);

  it('a model trained against a benchmark predicts excess returns with the stored benchmark', async () => {
    const spy = head(loadReal('SPY'), N);
    const res = await trainFromBars(
      ['AAPL', 'JPM'].map((t) => ({ ticker: t, bars: head(BARS[t], TRAIN) })),
      { ticker: 'SPY', bars: head(spy, TRAIN) },
      { horizon: H, config: { seed: 3, members: DEFAULT_MEMBERS, regimeModels: false, enforceGates: false, folds: 2 }, regime: REGIME },
    );
    if (!res.model) throw new Error('benchmark model rejected');
    const db = await openQeDb(new IDBFactory());
    await putDatasets(db, [input('AAPL', BARS.AAPL), input('JPM', BARS.JPM), input('SPY', spy)]);
    const version: ModelVersion = {
      id: res.model.manifest.id,
      createdAt: '2024-05-02T00:00:00.000Z',
      jobId: null,
      tickers: ['AAPL', 'JPM'],
      benchmark: 'SPY',
      members: ['gbdt', 'ridge'],
      featureSet: 'core',
      manifest: res.model.manifest,
      model: res.model.toJSON(),
      report: null,
    };
    await saveModelVersion(db, version);
    const host = new ComputeHost({ db: async () => db, now: () => 0, monotonic: () => performance.now(), yieldFn: setImmediateYield, logger: new LogBus().logger('w') });
    const { view } = await runPredict(host, db, 'pb', { modelId: version.id, historyBars: 20 });
    expect(view.benchmark).toBe('SPY');
    expect(view.origins['SPY|1d']).toBe('file');
    const direct = predictFromBars(res.model, ['AAPL', 'JPM'].map((t) => ({ ticker: t, bars: BARS[t] })), { ticker: 'SPY', bars: spy });
    const k = direct.panel.tickers.indexOf('JPM');
    let last = -1;
    for (let i = 0; i < direct.panel.n; i++) if (direct.panel.ticker[i] === k) last = i;
    expect(view.signals.find((x) => x.ticker === 'JPM')?.predictedReturn).toBe(direct.prediction.predictedReturn[last]);
    // realised = stock return − benchmark return over the horizon
    const h = view.history.find((x) => x.ticker === 'JPM');
    const i = N - 20;
    const c = BARS.JPM.close;
    const b = spy.close;
    expect(BARS.JPM.ts[i]).toBe(spy.ts[i]);
    expect(h?.realised[0]).toBeCloseTo(c[i + H] / c[i] - 1 - (b[i + H] / b[i] - 1), 14);
  }, 120_000);

  it('a demo input dataset makes the predictions demo; datasetIds restricts the universe', async () => {
    const { db, host } = await setup('demo', true);
    const { view } = await runPredict(host, db, 'p2', { datasetIds: ['AAPL|1d', 'XOM|1d'] });
    expect(view.mode).toBe('demo');
    expect(view.origins['AAPL|1d']).toBe('demo');
    expect(view.signals.map((s) => s.ticker).sort()).toEqual(['AAPL', 'XOM']);
    const only = await runPredict(host, db, 'p3', { datasetIds: ['XOM|1d'] });
    expect(only.view.mode).toBe('real');
  }, 120_000);

  it('fails with specific errors: no champion, unknown model, unknown dataset, bad params', async () => {
    const { host } = await setup('file', false);
    const m = buildManifest({ type: 'predict', params: {} });
    await expect(host.run('e1', 'predict', {}, m, () => undefined)).rejects.toThrow(/no champion model in the registry/);
    await expect(host.run('e2', 'predict', { modelId: 'nope' }, m, () => undefined)).rejects.toThrow(/model version nope is not in the registry/);
    expect(() => normalisePredictParams({ topN: 0 })).toThrow(/params.topN/);
    expect(() => normalisePredictParams({ datasetIds: [] })).toThrow(/params.datasetIds/);
    const withModel = await setup('file', true);
    const bad = buildManifest({ type: 'predict', params: { datasetIds: ['MSFT|1d'] } });
    await expect(withModel.host.run('e3', 'predict', { datasetIds: ['MSFT|1d'] }, bad, () => undefined)).rejects.toThrow(/MSFT\|1d/);
  }, 120_000);
});
