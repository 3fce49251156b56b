import { describe, expect, it } from 'vitest';
import { governanceScore } from '../../../src/engine/models/governance';
import { buildManifest, type ModelMetrics } from '../../../src/engine/models/manifest';
import type { EnsembleJson } from '../../../src/engine/models/predictor';
import { getArtifact } from '../../../src/storage/artifacts';
import {
  ChampionDeleteError,
  deleteModelVersion,
  demoteChampion,
  getChampion,
  getModelsDoc,
  getModelVersion,
  listModelVersions,
  MAX_MODEL_VERSIONS,
  ModelNotFoundError,
  type ModelVersion,
  modelArtifactKey,
  promoteModel,
  saveModelVersion,
} from '../../../src/storage/model-registry';
import { freshDb } from '../storage/helpers';

function metrics(oos: number, hold: number, gap: number): ModelMetrics {
  return { oosSpearman: oos, holdoutSpearman: hold, cvGap: gap, holdoutR2: 0.01, ece: null, samples: 1000 };
}

function version(tag: string, m: ModelMetrics, createdAt: string, mode: 'real' | 'demo' = 'real'): ModelVersion {
  const manifest = buildManifest({
    kind: 'qe-ensemble',
    seed: 42,
    horizon: 10,
    inputs: [{ key: `${tag}|1d`, checksum: tag, rows: 10, first: '2020-01-01', last: '2020-01-10' }],
    benchmark: null,
    features: ['a', 'b'],
    params: {},
    metrics: m,
    mode,
    gateFailures: [],
  });
  return {
    id: manifest.id,
    createdAt,
    jobId: `job-${tag}`,
    tickers: [tag],
    benchmark: null,
    members: ['gbdt', 'ridge'],
    featureSet: 'core',
    manifest,
    model: { kind: 'qe-ensemble', tag } as unknown as EnsembleJson,
    report: { status: 'accepted' },
  };
}

describe('model registry', () => {
  it('saves, lists newest first and reads back a version with its summary', async () => {
    const db = await freshDb();
    const a = version('A', metrics(0.05, 0.04, 0.01), '2024-01-01T00:00:00.000Z');
    const b = version('B', metrics(0.02, 0.01, 0.0), '2024-01-02T00:00:00.000Z', 'demo');
    await saveModelVersion(db, a);
    await saveModelVersion(db, b);
    const list = await listModelVersions(db);
    expect(list.map((s) => s.id)).toEqual([b.id, a.id]);
    expect(list[0].mode).toBe('demo');
    // score = 1.5·0.05 + 1.0·0.04 − 0.5·0.01 = 0.11 by hand
    expect(list[1].score).toBeCloseTo(0.11, 12);
    expect(list[1]).toMatchObject({ horizon: 10, tickers: ['A'], members: ['gbdt', 'ridge'], nFeatures: 2, jobId: 'job-A' });
    expect(await getModelVersion(db, a.id)).toEqual(a);
    expect(await getModelVersion(db, 'nope')).toBeUndefined();
    expect(await getChampion(db)).toBeUndefined();
  });

  it('refuses a version whose id is not its manifest id', async () => {
    const db = await freshDb();
    const a = version('A', metrics(0.05, 0.04, 0.01), '2024-01-01T00:00:00.000Z');
    await expect(saveModelVersion(db, { ...a, id: 'other' })).rejects.toThrow(/differs from its manifest id/);
  });

  it('promotes by the governance rule: first model always, a challenger only when 2 % better', async () => {
    const db = await freshDb();
    const champ = version('A', metrics(0.1, 0.1, 0), '2024-01-01T00:00:00.000Z'); // score 0.25
    const close = version('B', metrics(0.1, 0.104, 0), '2024-01-02T00:00:00.000Z'); // 0.254 < 0.255
    const better = version('C', metrics(0.1, 0.106, 0), '2024-01-03T00:00:00.000Z'); // 0.256 > 0.255
    for (const v of [champ, close, better]) await saveModelVersion(db, v);
    const d1 = await promoteModel(db, champ.id, '2024-02-01T00:00:00.000Z');
    expect(d1).toMatchObject({ promoted: true, override: false, previousChampion: null, championScore: null });
    expect(d1.reason).toMatch(/no champion/);
    const d2 = await promoteModel(db, close.id, '2024-02-02T00:00:00.000Z');
    expect(d2.promoted).toBe(false);
    expect(d2.championScore).toBeCloseTo(0.25, 12);
    expect(d2.reason).toMatch(/does not beat/);
    expect((await getChampion(db))?.id).toBe(champ.id);
    const d3 = await promoteModel(db, better.id, '2024-02-03T00:00:00.000Z');
    expect(d3.promoted).toBe(true);
    expect(d3.previousChampion).toBe(champ.id);
    expect((await getChampion(db))?.id).toBe(better.id);
    expect(governanceScore({ oosSpearman: 0.1, holdoutSpearman: 0.106, cvGap: 0 })).toBeCloseTo(d3.score, 12);
    const doc = await getModelsDoc(db);
    expect(doc.history.map((h) => h.action)).toEqual(['promoted', 'kept', 'promoted']);
    const again = await promoteModel(db, better.id, '2024-02-04T00:00:00.000Z');
    expect(again).toMatchObject({ promoted: false, reason: 'already the champion' });
  });

  it('records an explicit manual override against the rule, and needs a reason', async () => {
    const db = await freshDb();
    const champ = version('A', metrics(0.1, 0.1, 0), '2024-01-01T00:00:00.000Z');
    const worse = version('B', metrics(0.0, 0.0, 0.2), '2024-01-02T00:00:00.000Z');
    await saveModelVersion(db, champ);
    await saveModelVersion(db, worse);
    await promoteModel(db, champ.id, '2024-02-01T00:00:00.000Z');
    await expect(promoteModel(db, worse.id, '2024-02-02T00:00:00.000Z', { override: { reason: '  ' } })).rejects.toThrow(/needs a reason/);
    const d = await promoteModel(db, worse.id, '2024-02-02T00:00:00.000Z', { override: { reason: 'regime change' } });
    expect(d).toMatchObject({ promoted: true, override: true, previousChampion: champ.id });
    expect(d.reason).toBe('manual override: regime change');
    const doc = await getModelsDoc(db);
    expect(doc.champion).toBe(worse.id);
    expect(doc.history.at(-1)).toMatchObject({ action: 'override', versionId: worse.id, previousChampion: champ.id, at: '2024-02-02T00:00:00.000Z' });
  });

  it('will not delete the champion until it is demoted; deletes others with their artifact', async () => {
    const db = await freshDb();
    const a = version('A', metrics(0.1, 0.1, 0), '2024-01-01T00:00:00.000Z');
    const b = version('B', metrics(0.0, 0.0, 0), '2024-01-02T00:00:00.000Z');
    await saveModelVersion(db, a);
    await saveModelVersion(db, b);
    await promoteModel(db, a.id, '2024-02-01T00:00:00.000Z');
    await expect(deleteModelVersion(db, a.id)).rejects.toBeInstanceOf(ChampionDeleteError);
    expect(await getModelVersion(db, a.id)).toBeDefined();
    await deleteModelVersion(db, b.id, '2024-02-02T00:00:00.000Z');
    expect(await getArtifact(db, modelArtifactKey(b.id))).toBeUndefined();
    await expect(deleteModelVersion(db, b.id)).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(promoteModel(db, b.id, '2024-02-03T00:00:00.000Z')).rejects.toBeInstanceOf(ModelNotFoundError);
    expect(await demoteChampion(db, '2024-02-04T00:00:00.000Z', 'stale')).toBe(a.id);
    await deleteModelVersion(db, a.id, '2024-02-05T00:00:00.000Z');
    expect(await listModelVersions(db)).toEqual([]);
    expect((await getModelsDoc(db)).history.map((h) => h.action)).toEqual(['promoted', 'deleted', 'demoted', 'deleted']);
  });

  it(`keeps at most ${MAX_MODEL_VERSIONS} versions, never pruning the champion or the new one`, async () => {
    const db = await freshDb();
    const vs = Array.from({ length: 8 }, (_, k) => version(`T${k}`, metrics(0.01 * k, 0, 0), `2024-01-0${k + 1}T00:00:00.000Z`));
    await saveModelVersion(db, vs[0]);
    await promoteModel(db, vs[0].id, '2024-01-01T01:00:00.000Z');
    const pruned: string[] = [];
    for (const v of vs.slice(1)) pruned.push(...(await saveModelVersion(db, v)).pruned);
    const ids = (await listModelVersions(db)).map((s) => s.id);
    expect(ids).toHaveLength(MAX_MODEL_VERSIONS);
    // newest four plus the (oldest) champion
    expect(ids).toEqual([vs[7].id, vs[6].id, vs[5].id, vs[4].id, vs[0].id]);
    expect(pruned.sort()).toEqual([vs[1].id, vs[2].id, vs[3].id].sort());
    for (const id of pruned) expect(await getArtifact(db, modelArtifactKey(id))).toBeUndefined();
  });

  it('concurrent saves do not lose versions (atomic read-modify-write)', async () => {
    const db = await freshDb();
    const vs = Array.from({ length: 4 }, (_, k) => version(`C${k}`, metrics(0.01, 0, 0), `2024-03-0${k + 1}T00:00:00.000Z`));
    await Promise.all(vs.map((v) => saveModelVersion(db, v)));
    expect((await listModelVersions(db)).map((s) => s.id).sort()).toEqual(vs.map((v) => v.id).sort());
  });
});
