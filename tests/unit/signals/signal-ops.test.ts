import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { JobRecord, Json } from '../../../src/engine/contracts';
import { putArtifact } from '../../../src/storage/artifacts';
import { openQeDb } from '../../../src/storage/db';
import { createSignalOps, PredictionsFormatError, predictionsMode, readPredictionsView } from '../../../src/workers/models/signal-ops';
import type { PredictionsView } from '../../../src/workers/models/signal-views';

function view(jobId: string, mode: 'real' | 'demo', origins: Record<string, string>): PredictionsView {
  return {
    jobId,
    modelId: 'abcdef0123456789',
    horizon: 10,
    benchmark: null,
    mode,
    origins,
    params: { modelId: null, datasetIds: null, topN: 10, historyBars: 252 },
    memberNames: ['gbdt', 'ridge'],
    globalMembers: ['gbdt', 'ridge'],
    gateFailures: ['holdout rank IC below 0.02'],
    features: ['f1'],
    trainedThrough: { AAA: '2024-01-31' },
    signals: [
      {
        ticker: 'AAA',
        datasetId: 'AAA|1d',
        date: '2024-03-01',
        predictedReturn: 0.01,
        confidence: 0.6,
        score: 0.006,
        regime: 0,
        regimeName: 'bull',
        regimeConfidence: 0.7,
        regimeProbs: [0.7, 0.1, 0.1, 0.1],
        ensembleStd: 0.002,
        members: { gbdt: 0.012, ridge: 0.008 },
        inSample: false,
      },
    ],
    history: [],
    excluded: [{ ticker: 'BBB', reason: 'too short' }],
    computedAt: '2024-03-02T00:00:00.000Z',
    elapsedMs: 12,
  };
}

describe('signal back-end ops', () => {
  it('provenance follows the model and the data: demo wins, files are live, proxy copies cached', () => {
    expect(predictionsMode(view('a', 'demo', { 'AAA|1d': 'file' }))).toBe('demo');
    expect(predictionsMode(view('a', 'real', { 'AAA|1d': 'file', 'SPY|1d': 'proxy' }))).toBe('live');
    expect(predictionsMode(view('a', 'real', { 'AAA|1d': 'proxy' }))).toBe('cached');
    expect(() => predictionsMode(view('a', 'real', { 'AAA|1d': 'mystery' }))).toThrow(/unknown origin "mystery"/);
    expect(() => readPredictionsView({ mode: 'real' }, 'predictions/x')).toThrow(PredictionsFormatError);
  });

  it('reads runs by id and latest, with warnings naming gate failures and excluded tickers; lists predict jobs', async () => {
    const db = await openQeDb(new IDBFactory());
    const jobs: JobRecord[] = [
      { id: 'j2', type: 'predict', status: 'failed', createdAt: '2024-03-03T00:00:00.000Z', progress: 1, stage: '', error: 'no champion', manifest: { id: 'm2', jobType: 'predict', inputs: [], params: { modelId: 'xyz' }, engineVersion: '1', seed: 0 } },
      { id: 'b1', type: 'backtest', status: 'succeeded', createdAt: '2024-03-02T00:00:00.000Z', progress: 1, stage: '', manifest: { id: 'm3', jobType: 'backtest', inputs: [], params: {}, engineVersion: '1', seed: 0 } },
    ];
    const ops = createSignalOps({ ready: async () => db, now: () => 0, listJobs: async () => jobs });
    expect(await ops.getPredictions('latest')).toBeNull();
    await putArtifact(db, 'predictions/j0', view('j0', 'real', { 'AAA|1d': 'file' }) as unknown as Json, '2024-03-01T00:00:00.000Z');
    await putArtifact(db, 'predictions/j1', view('j1', 'demo', { 'AAA|1d': 'demo' }) as unknown as Json, '2024-03-02T00:00:00.000Z');
    const latest = await ops.getPredictions('latest');
    expect(latest?.data.jobId).toBe('j1');
    expect(latest?.meta.mode).toBe('demo');
    const first = await ops.getPredictions('j0');
    expect(first?.meta.mode).toBe('live');
    expect(first?.meta.asOf).toBe('2024-03-01T00:00:00.000Z');
    expect(first?.meta.warnings).toEqual(['Model kept despite a failed quality gate: holdout rank IC below 0.02', 'BBB left out: too short']);
    expect(await ops.listPredictRuns()).toEqual([{ jobId: 'j2', status: 'failed', createdAt: '2024-03-03T00:00:00.000Z', modelId: 'xyz', error: 'no champion' }]);
    expect(await ops.getSignalModels()).toEqual({ champion: null, versions: [] });
  });
});
