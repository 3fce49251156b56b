/**
 * The Signal Desk part of the main-thread facade: model versions for the picker, stored
 * `predict` runs with provenance (demo model or demo data → DEMO; file data → LIVE; data
 * re-read from a proxy fetch → CACHED), and the run history. No engine code: registry and
 * artifact reads only.
 */
import type { DataMode, Envelope, JobRecord } from '../../engine/contracts';
import { combineModes } from '../../engine/contracts';
import { getArtifact, latestArtifact } from '../../storage/artifacts';
import type { QeDb } from '../../storage/db';
import { getModelsDoc } from '../../storage/model-registry';
import { modeForOrigin } from '../../storage/provenance';
import type { PredictionsView, PredictRunSummary, SignalModelsView } from './signal-views';

export class PredictionsFormatError extends Error {
  constructor(key: string, message: string) {
    super(`stored predictions ${key}: ${message}`);
    this.name = 'PredictionsFormatError';
  }
}

export function readPredictionsView(value: unknown, key: string): PredictionsView {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PredictionsFormatError(key, 'is not an object');
  const v = value as Partial<PredictionsView>;
  if (v.mode !== 'real' && v.mode !== 'demo') throw new PredictionsFormatError(key, `mode must be real or demo (got ${String(v.mode)})`);
  if (!Array.isArray(v.signals) || !Array.isArray(v.history)) throw new PredictionsFormatError(key, 'signals or history missing');
  if (typeof v.modelId !== 'string' || typeof v.horizon !== 'number') throw new PredictionsFormatError(key, 'modelId or horizon missing');
  return v as PredictionsView;
}

/** Provenance of a predictions run: demo wins; otherwise from the input data origins. */
export function predictionsMode(v: PredictionsView): DataMode {
  if (v.mode === 'demo') return 'demo';
  const modes = Object.entries(v.origins).map(([id, o]) => {
    if (o !== 'demo' && o !== 'file' && o !== 'proxy') throw new PredictionsFormatError(`predictions/${v.jobId}`, `dataset ${id} has unknown origin "${o}"`);
    return modeForOrigin(o);
  });
  return combineModes(modes);
}

function latestDay(v: PredictionsView): string | null {
  let d: string | null = null;
  for (const s of v.signals) if (d === null || s.date > d) d = s.date;
  return d === null ? null : new Date(Date.parse(`${d}T00:00:00Z`)).toISOString();
}

export interface SignalOps {
  /** Model versions for the Signal Desk picker (newest first) and the champion id. */
  getSignalModels(): Promise<SignalModelsView>;
  /** A `predict` run by job id or 'latest'; null when none is stored. */
  getPredictions(runId: string): Promise<Envelope<PredictionsView> | null>;
  /** The last 20 `predict` jobs, newest first. */
  listPredictRuns(): Promise<PredictRunSummary[]>;
}

export function createSignalOps(deps: { ready: () => Promise<QeDb>; now: () => number; listJobs: (limit?: number) => Promise<JobRecord[]> }): SignalOps {
  return {
    async getSignalModels() {
      const doc = await getModelsDoc(await deps.ready());
      const versions = [...doc.versions]
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
        .map((s) => ({ id: s.id, createdAt: s.createdAt, horizon: s.horizon, tickers: [...s.tickers], members: [...s.members], mode: s.mode, champion: s.id === doc.champion }));
      return { champion: doc.champion, versions };
    },

    async getPredictions(runId) {
      const db = await deps.ready();
      const rec = runId === 'latest' ? await latestArtifact(db, 'predictions/') : await getArtifact(db, `predictions/${runId}`);
      if (!rec) return null;
      const v = readPredictionsView(rec.value, rec.key);
      const warnings: string[] = [];
      if (v.mode === 'demo') warnings.push('Predictions from synthetic demo data or a model trained on it — not market signals.');
      for (const g of v.gateFailures) warnings.push(`Model kept despite a failed quality gate: ${g}`);
      for (const e of v.excluded) warnings.push(`${e.ticker} left out: ${e.reason}`);
      const inSample = v.signals.filter((s) => s.inSample).map((s) => s.ticker);
      if (inSample.length > 0) warnings.push(`Latest bar lies inside the model's training window for ${inSample.join(', ')} (in-sample).`);
      return {
        data: v,
        meta: {
          mode: predictionsMode(v),
          generatedAt: v.computedAt,
          asOf: latestDay(v),
          source: `predict job ${v.jobId} · model ${v.modelId.slice(0, 12)}`,
          staleness: null,
          warnings,
          jobId: v.jobId,
          manifestId: v.modelId,
          elapsedMs: v.elapsedMs,
        },
      };
    },

    async listPredictRuns() {
      return (await deps.listJobs(500))
        .filter((j) => j.type === 'predict')
        .slice(0, 20)
        .map((j) => ({
          jobId: j.id,
          status: j.status,
          createdAt: j.createdAt,
          modelId: typeof j.manifest.params.modelId === 'string' ? j.manifest.params.modelId : null,
          ...(j.resultKey ? { resultKey: j.resultKey } : {}),
          ...(j.error ? { error: j.error } : {}),
        }));
    },
  };
}
