/**
 * The model part of the main-thread facade: registry reads, promotion and deletion, training
 * run results, and retrain-trigger warnings. Registry reads carry no engine code; the trigger
 * check loads the feature and trigger modules on first use (it recomputes features of the
 * model's stored datasets to measure drift).
 */
import type { Bars, DataMode, Envelope, EnvelopeMeta } from '../../engine/contracts';
import { getArtifact, latestArtifact } from '../../storage/artifacts';
import { loadDataset } from '../../storage/datasets';
import type { QeDb } from '../../storage/db';
import {
  deleteModelVersion,
  demoteChampion,
  getModelsDoc,
  getModelVersion,
  type ModelVersion,
  type PromoteOptions,
  type PromotionDecision,
  promoteModel,
} from '../../storage/model-registry';
import type { ModelListView, RetrainWarningsView, TrainRunView } from './views';

export interface ModelOpsDeps {
  ready(): Promise<QeDb>;
  now(): number;
}

/** Bars at the end of each series whose feature distribution is compared with the history before them. */
export const DRIFT_WINDOW = 63;

export class TrainRunFormatError extends Error {
  constructor(key: string, message: string) {
    super(`stored training run ${key}: ${message}`);
    this.name = 'TrainRunFormatError';
  }
}

export function readTrainRunView(value: unknown, key: string): TrainRunView {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TrainRunFormatError(key, 'is not an object');
  const v = value as Partial<TrainRunView>;
  if (v.status !== 'accepted' && v.status !== 'rejected') throw new TrainRunFormatError(key, `status must be accepted or rejected (got ${String(v.status)})`);
  if (v.mode !== 'real' && v.mode !== 'demo') throw new TrainRunFormatError(key, 'mode missing');
  if (typeof v.report !== 'object' || v.report === null || !Array.isArray(v.importance) || !v.params) throw new TrainRunFormatError(key, 'report, importance or params missing');
  return v as TrainRunView;
}

function meta(mode: 'real' | 'demo', generatedAt: string, source: string, extra: Partial<EnvelopeMeta> = {}): EnvelopeMeta {
  const m: DataMode = mode === 'demo' ? 'demo' : 'live';
  const warnings = mode === 'demo' ? ['Trained on synthetic demo data — not market data.'] : [];
  return { mode: m, generatedAt, asOf: null, source, staleness: null, warnings, ...extra };
}

export interface ModelOps {
  /** Registry summaries (newest first) and the champion id. */
  listModels(): Promise<Envelope<ModelListView>>;
  /** One stored version (manifest, serialized model, train report), or null. */
  getModel(id: string): Promise<Envelope<ModelVersion> | null>;
  /** A `train` job's stored run by job id, or 'latest'; null when none. */
  getTrainRun(jobIdOrLatest: string): Promise<Envelope<TrainRunView> | null>;
  /** Champion/challenger promotion (engine governance rule) or an explicit, recorded override. */
  promoteModel(id: string, opts?: PromoteOptions): Promise<PromotionDecision>;
  /** Leaves the registry without a champion (recorded with the reason); returns the demoted id. */
  demoteChampion(reason: string): Promise<string | null>;
  /** Deletes a non-champion version. */
  deleteModel(id: string): Promise<void>;
  /** Retrain triggers (staleness, OOS quality, feature drift, changed inputs) for a version. */
  getRetrainWarnings(id: string): Promise<Envelope<RetrainWarningsView>>;
}

export function createModelOps(deps: ModelOpsDeps): ModelOps {
  const iso = () => new Date(deps.now()).toISOString();
  return {
    async listModels() {
      const doc = await getModelsDoc(await deps.ready());
      const versions = [...doc.versions].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
      const mode = versions.some((v) => v.mode === 'demo') ? 'demo' : 'real';
      const env = meta(mode, iso(), 'model registry');
      if (mode === 'demo') env.warnings = [`${versions.filter((v) => v.mode === 'demo').length} version(s) were trained on synthetic demo data.`];
      return { data: { champion: doc.champion, versions }, meta: env };
    },

    async getModel(id) {
      const v = await getModelVersion(await deps.ready(), id);
      if (!v) return null;
      const gates = v.manifest.gateFailures.map((g) => `Kept despite a failed quality gate: ${g}`);
      const m = meta(v.manifest.mode, v.createdAt, `model ${v.id.slice(0, 12)} (${v.tickers.join(', ')})`, { manifestId: v.id });
      m.warnings.push(...gates);
      if (v.jobId) m.jobId = v.jobId;
      return { data: v, meta: m };
    },

    async getTrainRun(jobIdOrLatest) {
      const db = await deps.ready();
      const rec = jobIdOrLatest === 'latest' ? await latestArtifact(db, 'train/') : await getArtifact(db, `train/${jobIdOrLatest}`);
      if (!rec) return null;
      const view = readTrainRunView(rec.value, rec.key);
      const m = meta(view.mode, view.computedAt, `train job ${view.jobId} (${view.params.datasetIds.join(', ')})`, { jobId: view.jobId, elapsedMs: view.elapsedMs });
      for (const e of view.excluded) m.warnings.push(`${e.ticker} left out: ${e.reason}`);
      if (view.status === 'rejected') m.warnings.push(`Model rejected: ${view.reasons.join('; ')}`);
      return { data: view, meta: m };
    },

    async promoteModel(id, opts) {
      return promoteModel(await deps.ready(), id, iso(), opts);
    },

    async demoteChampion(reason) {
      return demoteChampion(await deps.ready(), iso(), reason);
    },

    async deleteModel(id) {
      await deleteModelVersion(await deps.ready(), id, iso());
    },

    async getRetrainWarnings(id) {
      const db = await deps.ready();
      const v = await getModelVersion(db, id);
      if (!v) throw new Error(`model version ${id} is not in the registry`);
      const [{ retrainTriggers, psi }, { computeFeatures }, { datasetEntry }] = await Promise.all([
        import('../../engine/models/triggers'),
        import('../../engine/features/registry'),
        import('../../engine/models/pipeline'),
      ]);
      const extra: string[] = [];
      const names = v.manifest.features;
      const reference: number[][] = names.map(() => []);
      const current: number[][] = names.map(() => []);
      let benchBars: Bars | null = null;
      if (v.benchmark) {
        try {
          benchBars = (await loadDataset(db, `${v.benchmark}|1d`)).bars;
        } catch (e) {
          extra.push(`benchmark ${v.benchmark}: training data no longer available (${e instanceof Error ? e.message : String(e)})`);
        }
      }
      for (const ticker of v.tickers) {
        let loaded: Awaited<ReturnType<typeof loadDataset>>;
        try {
          loaded = await loadDataset(db, `${ticker}|1d`);
        } catch (e) {
          extra.push(`${ticker}: training data no longer available (${e instanceof Error ? e.message : String(e)})`);
          continue;
        }
        const trained = v.manifest.inputs.find((d) => d.key === `${ticker}|1d`);
        const now = datasetEntry(ticker, loaded.bars);
        if (trained && trained.checksum !== now.checksum) extra.push(`${ticker} data changed since training (last bar ${trained.last} → ${now.last})`);
        const n = loaded.bars.ts.length;
        if (n <= DRIFT_WINDOW * 2) continue;
        const fm = computeFeatures(names, loaded.bars, benchBars);
        fm.columns.forEach((col, j) => {
          for (let i = 0; i < n; i++) (i < n - DRIFT_WINDOW ? reference[j] : current[j]).push(col[i]);
        });
      }
      const featureDrift = names.map((name, j) => ({ name, reference: reference[j], current: current[j] }));
      const trig = retrainTriggers({ lastTrainedMs: Date.parse(v.createdAt), oosSpearman: v.manifest.metrics.oosSpearman, featureDrift }, deps.now());
      const drift = names
        .map((name, j) => ({ name, psi: psi(reference[j], current[j]) }))
        .filter((d) => Number.isFinite(d.psi))
        .sort((a, b) => b.psi - a.psi);
      const reasons = [...trig.reasons, ...extra];
      const m = meta(v.manifest.mode, iso(), `model ${v.id.slice(0, 12)}: last ${DRIFT_WINDOW} bars vs earlier history`, { manifestId: v.id });
      return {
        data: { versionId: v.id, retrain: reasons.length > 0, reasons, meanPsi: Number.isFinite(trig.meanPsi) ? trig.meanPsi : null, drift },
        meta: m,
      };
    },
  };
}
