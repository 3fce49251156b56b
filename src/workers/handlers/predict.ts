/**
 * `predict` job: current signals from a stored ensemble model. Loads the version (default the
 * registry's champion) through the model registry, computes each ticker's features and causal
 * regimes with the settings the model was trained with (the `train_inputs` shard, fanned out
 * over the pool), predicts every bar with the ensemble — which refuses inputs without regime
 * probabilities or confidence — and stores `predictions/<jobId>`: per ticker the latest
 * prediction (return, calibrated confidence, regime, regime probabilities, member predictions)
 * and a history with realised returns where the horizon has passed.
 * Provenance: demo when the model or any input dataset is demo.
 */
import type { Json } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { isoDay } from '../../engine/core/time';
import { getFeature } from '../../engine/features/registry';
import { buildPanel, type TickerInput } from '../../engine/models/panel';
import { modelRegimeSettings } from '../../engine/models/pipeline';
import { EnsembleModel } from '../../engine/models/predictor';
import { R, regimeName } from '../../engine/regime/labels';
import { putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { getChampion, getModelVersion, type ModelVersion } from '../../storage/model-registry';
import type { PredictionsView, PredictParams, TickerHistory, TickerSignal } from '../models/signal-views';
import type { TrainInputsShardInput, TrainInputsShardOutput } from '../shards/train-inputs';
import type { JobHandler } from './types';

export class PredictParamsError extends Error {
  constructor(field: string, message: string) {
    super(`predict params.${field}: ${message}`);
    this.name = 'PredictParamsError';
  }
}

export class NoModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoModelError';
  }
}

type Raw = { [k: string]: Json };

function intField(p: Raw, k: string, def: number, min: number, max: number): number {
  const v = p[k];
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new PredictParamsError(k, `must be an integer (got ${JSON.stringify(v)})`);
  if (v < min || v > max) throw new PredictParamsError(k, `must be in [${min}, ${max}] (got ${v})`);
  return v;
}

export function normalisePredictParams(p: Raw): PredictParams {
  const id = p.modelId;
  if (id !== undefined && id !== null && (typeof id !== 'string' || id === '')) throw new PredictParamsError('modelId', 'must be a model version id or null (champion)');
  const ids = p.datasetIds;
  if (ids !== undefined && ids !== null && (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' && x !== ''))) {
    throw new PredictParamsError('datasetIds', 'must be a non-empty list of dataset ids, or null for the model’s tickers');
  }
  return {
    modelId: typeof id === 'string' ? id : null,
    datasetIds: Array.isArray(ids) ? [...new Set(ids as string[])].sort() : null,
    topN: intField(p, 'topN', 10, 1, 1000),
    historyBars: intField(p, 'historyBars', 252, 1, 5000),
  };
}

export function predictionsKey(jobId: string): string {
  return `predictions/${jobId}`;
}

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** The model version a run uses: the named one, else the champion (specific errors otherwise). */
export async function resolveModelVersion(db: Parameters<typeof getChampion>[0], modelId: string | null): Promise<ModelVersion> {
  if (modelId) {
    const v = await getModelVersion(db, modelId);
    if (!v) throw new NoModelError(`model version ${modelId} is not in the registry`);
    return v;
  }
  const c = await getChampion(db);
  if (!c) throw new NoModelError('no champion model in the registry: train a model in Model Lab (or pass params.modelId)');
  return c;
}

export const predictHandler: JobHandler = async (params, ctx, env) => {
  const p = normalisePredictParams(params);
  const t0 = env.monotonic();
  const db = await env.db();
  const version = await resolveModelVersion(db, p.modelId);
  const model = EnsembleModel.fromJSON(version.model);
  const regime = modelRegimeSettings(model);
  const datasetIds = p.datasetIds ?? version.tickers.map((t) => `${t}|1d`);
  for (const id of datasetIds) if (!(await getDatasetMeta(db, id))) throw new DatasetNotFoundError(id);
  const needsBench = model.featureNames.filter((n) => getFeature(n).needs.includes('benchmark'));
  const benchmarkId = version.benchmark ? `${version.benchmark}|1d` : null;
  if (benchmarkId && !(await getDatasetMeta(db, benchmarkId))) {
    throw new Error(`model ${version.id.slice(0, 12)} was trained against benchmark ${version.benchmark}, whose dataset ${benchmarkId} is not stored`);
  }
  if (needsBench.length > 0 && !benchmarkId) throw new Error(`the model uses ${needsBench.join(', ')} but records no benchmark`);
  ctx.progress(0, `features and regimes: ${datasetIds.length} tickers`);
  const shardInputs: TrainInputsShardInput[] = datasetIds.map((id) => ({ datasetId: id, benchmarkId, featureNames: [...model.featureNames], regime }));
  const outs = await env.parallelMap<TrainInputsShardInput, TrainInputsShardOutput>('train_inputs', shardInputs, {
    onShardDone: (done, total) => ctx.progress((0.8 * done) / total, `features and regimes: ${done}/${total} tickers`),
  });
  await checkpoint(ctx);
  const inputs: TickerInput[] = [];
  const tickerDataset = new Map<string, string>();
  const origins: Record<string, string> = {};
  const excluded: { ticker: string; reason: string }[] = [];
  outs.forEach((o, k) => {
    if (!o.ok) excluded.push({ ticker: o.ticker, reason: o.error });
    else {
      inputs.push(o.input);
      tickerDataset.set(o.ticker, datasetIds[k]);
      origins[datasetIds[k]] = o.origin;
    }
  });
  if (benchmarkId) origins[benchmarkId] = (await getDatasetMeta(db, benchmarkId))?.origin ?? 'unknown';
  if (inputs.length === 0) throw new Error(`no ticker could be prepared: ${excluded.map((e) => `${e.ticker}: ${e.reason}`).join('; ')}`);
  ctx.progress(0.85, 'predicting');
  const panel = buildPanel(inputs, { horizon: model.horizon, requireTarget: false });
  const q = model.predict({
    features: { names: panel.featureNames, columns: panel.columns },
    regimeProbs: panel.regimeProbs,
    regimeConfidence: panel.regimeConfidence,
  });
  await checkpoint(ctx);

  const trainedThrough: Record<string, string> = {};
  for (const d of version.manifest.inputs) trainedThrough[d.key.split('|')[0]] = d.last;
  const rowsOf: number[][] = panel.tickers.map(() => []);
  for (let i = 0; i < panel.n; i++) rowsOf[panel.ticker[i]].push(i);
  const signals: TickerSignal[] = [];
  const history: TickerHistory[] = [];
  panel.tickers.forEach((ticker, k) => {
    const rows = rowsOf[k];
    if (rows.length === 0) {
      excluded.push({ ticker, reason: 'no bar with features (series shorter than the warm-up)' });
      return;
    }
    const through = trainedThrough[ticker] ?? '';
    const inSample = (day: string) => through !== '' && day <= through;
    const i = rows[rows.length - 1];
    const date = isoDay(panel.ts[i]);
    const pr = q.predictedReturn[i];
    const cf = q.confidence[i];
    const reg = q.regime[i];
    signals.push({
      ticker,
      datasetId: tickerDataset.get(ticker) ?? `${ticker}|1d`,
      date,
      predictedReturn: num(pr),
      confidence: num(cf),
      score: num(pr * cf),
      regime: reg,
      regimeName: reg >= 0 ? regimeName(reg) : null,
      regimeConfidence: num(q.regimeConfidence[i]),
      regimeProbs: Array.from({ length: R }, (_, r) => num(panel.regimeProbs[i * R + r])),
      ensembleStd: num(q.ensembleStd[i]),
      members: Object.fromEntries(q.members.map((m) => [m.name, num(m.prediction[i])])),
      inSample: inSample(date),
    });
    const hist = rows.slice(-p.historyBars);
    const dates = hist.map((r) => isoDay(panel.ts[r]));
    history.push({
      ticker,
      dates,
      predicted: hist.map((r) => num(q.predictedReturn[r])),
      confidence: hist.map((r) => num(q.confidence[r])),
      realised: hist.map((r) => num(panel.y[r])),
      inSample: dates.map((d) => (inSample(d) ? 1 : 0)),
    });
  });
  signals.sort((a, b) => (b.score ?? Number.NEGATIVE_INFINITY) - (a.score ?? Number.NEGATIVE_INFINITY) || (a.ticker < b.ticker ? -1 : 1));

  const demo = version.manifest.mode === 'demo' || Object.values(origins).some((o) => o === 'demo');
  const computedAt = new Date(env.now()).toISOString();
  const view: PredictionsView = {
    jobId: env.jobId,
    modelId: version.id,
    horizon: model.horizon,
    benchmark: version.benchmark,
    mode: demo ? 'demo' : 'real',
    origins,
    params: p,
    memberNames: q.members.map((m) => m.name),
    globalMembers: model.global.members.map((m) => m.name),
    gateFailures: [...version.manifest.gateFailures],
    features: [...model.featureNames],
    trainedThrough,
    signals,
    history,
    excluded,
    computedAt,
    elapsedMs: env.monotonic() - t0,
  };
  const key = predictionsKey(env.jobId);
  await putArtifact(db, key, view as unknown as Json, computedAt, { jobId: env.jobId, manifestId: version.id });
  env.log.info(`predicted ${signals.length} tickers with model ${version.id.slice(0, 12)} (h=${model.horizon})`, { jobId: env.jobId });
  ctx.progress(1, `${signals.length} signals`);
  return { resultKey: key };
};
