import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { NULL_CONTEXT } from '../../../src/engine/core/context';
import { computeFeatures } from '../../../src/engine/features/registry';
import { psi } from '../../../src/engine/models/triggers';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { trainHandler } from '../../../src/workers/handlers/train';
import { buildManifest } from '../../../src/workers/manifest';
import { createModelOps, DRIFT_WINDOW } from '../../../src/workers/models/backend-ops';
import { localParallelMap } from '../../../src/workers/shards/local';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';

const DAY = 86_400_000;
const T0 = Date.parse('2024-06-01T00:00:00.000Z');
const AAPL = loadReal('AAPL');
const JPM = head(loadReal('JPM'), 700);
const PARAMS = { datasetIds: ['AAPL|1d', 'JPM|1d'], horizon: 5, folds: 2, members: ['ridge'], regimeModels: false, enforceGates: false, refitEvery: 500 };

async function trained(origin: 'file' | 'demo' = 'file') {
  const db = await openQeDb(new IDBFactory());
  await putDatasets(db, [input('AAPL', head(AAPL, 700), { origin }), input('JPM', JPM)]);
  const log = new LogBus().logger('test');
  const shardEnv = { db: async () => db, now: () => T0, monotonic: () => 0, log };
  const res = await trainHandler(PARAMS, NULL_CONTEXT, {
    ...shardEnv,
    jobId: 'jobA',
    manifest: buildManifest({ type: 'train', params: PARAMS }),
    parallelMap: localParallelMap(NULL_CONTEXT, shardEnv),
  });
  return { db, res };
}

const opsAt = (db: QeDb, now: number) => createModelOps({ ready: async () => db, now: () => now });

describe('model back-end ops', () => {
  it('lists versions and the training run with provenance (demo input → DEMO)', async () => {
    const { db } = await trained('demo');
    const ops = opsAt(db, T0);
    const list = await ops.listModels();
    expect(list.meta.mode).toBe('demo');
    expect(list.data.versions).toHaveLength(1);
    expect(list.data.champion).toBeNull();
    const run = await ops.getTrainRun('latest');
    expect(run?.meta.mode).toBe('demo');
    expect(run?.data.jobId).toBe('jobA');
    expect(await ops.getTrainRun('nope')).toBeNull();
    const id = list.data.versions[0].id;
    const model = await ops.getModel(id);
    expect(model?.meta).toMatchObject({ mode: 'demo', manifestId: id, jobId: 'jobA' });
    const d = await ops.promoteModel(id);
    expect(d.promoted).toBe(true);
    expect((await ops.listModels()).data.champion).toBe(id);
    await expect(ops.deleteModel(id)).rejects.toThrow(/champion/);
  }, 30_000);

  it('real inputs are live; retrain triggers report age, changed data and drift', async () => {
    const { db } = await trained();
    const fresh = opsAt(db, T0 + DAY);
    const id = (await fresh.listModels()).data.versions[0].id;
    expect((await fresh.listModels()).meta.mode).toBe('live');
    const w1 = await fresh.getRetrainWarnings(id);
    expect(w1.data.reasons.some((r) => /days old/.test(r))).toBe(false);
    // per-feature PSI: last DRIFT_WINDOW bars vs the earlier ones, pooled over both tickers (independent recomputation for one feature)
    const f0 = w1.data.drift.find((d) => d.name === 'vol_20');
    expect(f0).toBeDefined();
    const ref: number[] = [];
    const cur: number[] = [];
    for (const bars of [head(AAPL, 700), JPM]) {
      const col = computeFeatures(['vol_20'], bars).columns[0];
      for (let i = 0; i < col.length; i++) (i < col.length - DRIFT_WINDOW ? ref : cur).push(col[i]);
    }
    expect(f0?.psi).toBeCloseTo(psi(ref, cur), 12);
    const mean = w1.data.drift.reduce((s, d) => s + d.psi, 0) / w1.data.drift.length;
    expect(w1.data.meanPsi).toBeCloseTo(mean, 12);

    // 40 days later, with AAPL extended by 50 bars: stale and changed
    await putDatasets(db, [input('AAPL', head(AAPL, 750))]);
    const later = opsAt(db, T0 + 40 * DAY);
    const w2 = await later.getRetrainWarnings(id);
    expect(w2.data.retrain).toBe(true);
    expect(w2.data.reasons).toContain('model is 40 days old (limit 30)');
    expect(w2.data.reasons.some((r) => /^AAPL data changed since training/.test(r))).toBe(true);
    expect(w2.meta.mode).toBe('live');
  }, 30_000);
});
