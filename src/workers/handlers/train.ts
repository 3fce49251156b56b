/**
 * `train` job: the ensemble predictor over stored datasets, the same pipeline as `qe train`
 * (engine `trainFromBars`): per-ticker features and causal regimes (fanned out over the pool
 * as `train_inputs` shards) → panel → `trainEnsemble` (purged walk-forward CV, progress per
 * fold, cancellable inside folds). An accepted model is stored as a model version in the
 * registry; every run (accepted or rejected) stores its diagnostics under `train/<jobId>`.
 * Provenance follows the data: any demo input makes a demo model.
 */
import type { DatasetMeta, Json } from '../../engine/contracts';
import { combineModes } from '../../engine/contracts';
import { checkpoint, type JobContext } from '../../engine/core/context';
import { type EnsembleConfig, trainEnsemble } from '../../engine/models/ensemble';
import type { ManifestDataset } from '../../engine/models/manifest';
import { DEFAULT_MEMBERS, type MemberSpec, memberFactory } from '../../engine/models/member';
import { buildPanel, type TickerInput } from '../../engine/models/panel';
import { datasetEntry, MODEL_REGIME_SETTINGS, modelFeatureNames, type RegimeSettings, type TrainFromBarsResult } from '../../engine/models/pipeline';
import { trainReportJson } from '../../engine/models/report-json';
import { DEFAULT_HORIZON } from '../../engine/models/targets';
import { FEATURES } from '../../engine/features/registry';
import { putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { loadDataset } from '../../storage/datasets';
import { modeForOrigin } from '../../storage/provenance';
import { type ModelVersion, saveModelVersion } from '../../storage/model-registry';
import { measurePhase } from '../measure';
import type { TrainInputsShardInput, TrainInputsShardOutput } from '../shards/train-inputs';
import { TRAIN_FEATURE_SETS, type TrainFeatureSet, type TrainParams, type TrainRunView } from '../models/views';
import type { HandlerEnv, JobHandler } from './types';

export class TrainParamsError extends Error {
  constructor(field: string, message: string) {
    super(`train params.${field}: ${message}`);
    this.name = 'TrainParamsError';
  }
}

type Raw = { [k: string]: Json };

function intField(p: Raw, k: string, def: number, min: number, max: number): number {
  const v = p[k];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new TrainParamsError(k, `must be an integer (got ${JSON.stringify(v)})`);
  if (v < min || v > max) throw new TrainParamsError(k, `must be in [${min}, ${max}] (got ${v})`);
  return v;
}

function boolField(p: Raw, k: string, def: boolean): boolean {
  const v = p[k];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'boolean') throw new TrainParamsError(k, `must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

/** Optional member kinds (not in the engine's defaults) offered when the engine registers them. */
const OPTIONAL_MEMBER_KINDS = ['mlp'] as const;

/** The default members plus registered optional ones, in a fixed order (the config, and so the model, depends on it). */
export function availableMembers(): MemberSpec[] {
  const extra = OPTIONAL_MEMBER_KINDS.filter((k) => hasMember(k) && !DEFAULT_MEMBERS.some((m) => m.name === k));
  return [...DEFAULT_MEMBERS, ...extra.map((k) => ({ name: k, kind: k, params: {} }))];
}

/** Validated params with every default filled in. */
export function normaliseTrainParams(p: Raw): TrainParams {
  const ids = p.datasetIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' && x !== '')) {
    throw new TrainParamsError('datasetIds', 'must be a non-empty list of dataset ids');
  }
  const bench = p.benchmarkId;
  if (bench !== undefined && bench !== null && typeof bench !== 'string') throw new TrainParamsError('benchmarkId', 'must be a dataset id or null');
  const fs = p.featureSet ?? 'core';
  if (typeof fs !== 'string' || !(TRAIN_FEATURE_SETS as readonly string[]).includes(fs)) {
    throw new TrainParamsError('featureSet', `must be one of ${TRAIN_FEATURE_SETS.join(', ')} (got ${JSON.stringify(fs)})`);
  }
  const known = availableMembers().map((m) => m.name);
  const mem = p.members ?? DEFAULT_MEMBERS.map((m) => m.name);
  if (!Array.isArray(mem) || mem.length === 0 || !mem.every((x) => typeof x === 'string')) throw new TrainParamsError('members', 'must be a non-empty list of member names');
  for (const m of mem as string[]) if (!known.includes(m)) throw new TrainParamsError('members', `unknown member "${m}" (available: ${known.join(', ')})`);
  const folds = p.folds === undefined || p.folds === null ? null : intField(p, 'folds', 5, 2, 20);
  return {
    datasetIds: [...new Set(ids as string[])].sort(),
    benchmarkId: typeof bench === 'string' && bench !== '' ? bench : null,
    horizon: intField(p, 'horizon', DEFAULT_HORIZON, 1, 252),
    featureSet: fs as TrainFeatureSet,
    // in the engine's member order, so the same choice always gives the same config
    members: known.filter((n) => (mem as string[]).includes(n)),
    seed: intField(p, 'seed', 42, 0, 2 ** 31 - 1),
    folds,
    regimeModels: boolField(p, 'regimeModels', true),
    enforceGates: boolField(p, 'enforceGates', true),
    refitEvery: intField(p, 'refitEvery', MODEL_REGIME_SETTINGS.refitEvery ?? 252, 1, 10000),
  };
}

/** The ensemble config of the params (the same fields `qe train` sets). */
export function trainConfig(p: TrainParams): Partial<EnsembleConfig> {
  const config: Partial<EnsembleConfig> = {
    seed: p.seed,
    members: availableMembers().filter((m) => p.members.includes(m.name)),
    regimeModels: p.regimeModels,
    enforceGates: p.enforceGates,
  };
  if (p.folds !== null) config.folds = p.folds;
  return config;
}

function hasMember(kind: string): boolean {
  try {
    memberFactory(kind);
    return true;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('unknown model member kind')) return false;
    throw e;
  }
}

export function trainFeatureNames(set: TrainFeatureSet, hasBenchmark: boolean): string[] {
  return set === 'core' ? modelFeatureNames(hasBenchmark) : modelFeatureNames(hasBenchmark, FEATURES.map((f) => f.name));
}

export function trainResultKey(jobId: string): string {
  return `train/${jobId}`;
}

function sub(ctx: JobContext, a: number, b: number): JobContext {
  return { signal: ctx.signal, yield: () => ctx.yield(), progress: (f, stage) => ctx.progress(a + (b - a) * f, stage) };
}

export interface PreparedInputs {
  inputs: TickerInput[];
  datasets: ManifestDataset[];
  benchmark: ManifestDataset | null;
  excluded: { ticker: string; reason: string }[];
  mode: 'real' | 'demo';
  benchmarkTicker: string | null;
}

/** Per-ticker features and regimes through `env.parallelMap`, in dataset order (the CLI's ticker order). */
export async function prepareTrainInputs(p: TrainParams, ctx: JobContext, env: HandlerEnv): Promise<PreparedInputs> {
  const db = await env.db();
  const metas = [];
  for (const id of p.datasetIds) {
    const m = await getDatasetMeta(db, id);
    if (!m) throw new DatasetNotFoundError(id);
    metas.push(m);
  }
  const benchMeta = p.benchmarkId ? await getDatasetMeta(db, p.benchmarkId) : null;
  if (p.benchmarkId && !benchMeta) throw new DatasetNotFoundError(p.benchmarkId);
  const excluded: { ticker: string; reason: string }[] = [];
  // Same order as the CLI (tickers sorted by name); the benchmark itself is left out.
  const use = metas
    .filter((m) => {
      if (benchMeta && m.ticker === benchMeta.ticker) {
        excluded.push({ ticker: m.ticker, reason: 'is the benchmark (excess return is 0)' });
        return false;
      }
      return true;
    })
    .sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  if (use.length === 0) throw new Error('no tickers to train on');
  const tickers = use.map((m) => m.ticker);
  const dup = tickers.find((t, i) => tickers.indexOf(t) !== i);
  if (dup) throw new TrainParamsError('datasetIds', `ticker ${dup} appears in two datasets (${use.filter((m) => m.ticker === dup).map((m) => m.id).join(', ')})`);
  const names = trainFeatureNames(p.featureSet, benchMeta !== null);
  const regime: RegimeSettings = { ...MODEL_REGIME_SETTINGS, refitEvery: p.refitEvery };
  const shardInputs: TrainInputsShardInput[] = use.map((m) => ({ datasetId: m.id, benchmarkId: benchMeta?.id ?? null, featureNames: names, regime }));
  ctx.progress(0, `features and regimes: ${use.length} tickers`);
  const outs = await env.parallelMap<TrainInputsShardInput, TrainInputsShardOutput>('train_inputs', shardInputs, {
    onShardDone: (done, total) => ctx.progress((0.2 * done) / total, `features and regimes: ${done}/${total} tickers`),
  });
  const inputs: TickerInput[] = [];
  const datasets: ManifestDataset[] = [];
  const origins: DatasetMeta['origin'][] = [];
  for (const o of outs) {
    if (!o.ok) excluded.push({ ticker: o.ticker, reason: o.error });
    else {
      inputs.push(o.input);
      datasets.push(o.dataset);
      origins.push(o.origin);
    }
  }
  if (inputs.length === 0) throw new Error(`no ticker could be prepared: ${excluded.map((e) => `${e.ticker}: ${e.reason}`).join('; ')}`);
  let benchmark: ManifestDataset | null = null;
  if (benchMeta) {
    const b = await loadDataset(db, benchMeta.id);
    benchmark = datasetEntry(b.meta.ticker, b.bars);
    origins.push(b.meta.origin);
  }
  const mode = combineModes(origins.map(modeForOrigin)) === 'demo' ? 'demo' : 'real';
  return { inputs, datasets, benchmark, excluded, mode, benchmarkTicker: benchMeta?.ticker ?? null };
}

export const trainHandler: JobHandler = async (params, ctx, env) => {
  const p = normaliseTrainParams(params);
  const t0 = env.monotonic();
  const prep = await prepareTrainInputs(p, ctx, env);
  const t1 = env.monotonic();
  measurePhase('qe:train:prepare', t0, t1, { jobId: env.jobId });
  await checkpoint(ctx);
  const panel = buildPanel(prep.inputs, { horizon: p.horizon, requireTarget: true });
  const regime: RegimeSettings = { ...MODEL_REGIME_SETTINGS, refitEvery: p.refitEvery };
  const res = await trainEnsemble(panel, trainConfig(p), {
    inputs: prep.datasets,
    benchmark: prep.benchmark,
    mode: prep.mode,
    extraParams: { regime: JSON.parse(JSON.stringify(regime)) as Json, featureSet: p.featureSet },
    ctx: sub(ctx, 0.2, 0.95),
  });
  const t2 = env.monotonic();
  measurePhase('qe:train:ensemble', t1, t2, { jobId: env.jobId });
  await checkpoint(ctx);
  ctx.progress(0.96, 'storing');
  const full: TrainFromBarsResult = { ...res, panel, excluded: prep.excluded };
  const report = trainReportJson(full, null);
  const createdAt = new Date(env.now()).toISOString();
  const db = await env.db();
  let versionId: string | null = null;
  if (res.model) {
    const version: ModelVersion = {
      id: res.model.manifest.id,
      createdAt,
      jobId: env.jobId,
      tickers: [...panel.tickers],
      benchmark: prep.benchmarkTicker,
      members: [...p.members],
      featureSet: p.featureSet,
      manifest: res.model.manifest,
      model: res.model.toJSON(),
      report,
    };
    const saved = await saveModelVersion(db, version);
    versionId = version.id;
    if (saved.pruned.length > 0) env.log.info(`model registry: pruned ${saved.pruned.length} old version(s): ${saved.pruned.join(', ')}`, { jobId: env.jobId });
  }
  const view: TrainRunView = {
    jobId: env.jobId,
    status: res.report.status,
    versionId,
    params: p,
    mode: prep.mode,
    reasons: res.report.global.reasons,
    excluded: prep.excluded,
    report,
    importance: res.report.global.featureImportance.map((f) => ({ name: f.name, importance: Number.isFinite(f.importance) ? f.importance : 0 })),
    computedAt: createdAt,
    elapsedMs: env.monotonic() - t0,
  };
  const key = trainResultKey(env.jobId);
  await putArtifact(db, key, view as unknown as Json, createdAt, { jobId: env.jobId, manifestId: res.model?.manifest.id });
  measurePhase('qe:train:store', t2, env.monotonic(), { jobId: env.jobId });
  env.log.info(
    res.model
      ? `trained model ${res.model.manifest.id.slice(0, 12)} on ${panel.tickers.length} tickers, ${panel.n} rows in ${view.elapsedMs.toFixed(0)} ms`
      : `training rejected: ${view.reasons.join('; ')}`,
    { jobId: env.jobId },
  );
  ctx.progress(1, res.model ? `model ${res.model.manifest.id.slice(0, 12)} stored` : 'model rejected by the quality gates');
  return { resultKey: key };
};
