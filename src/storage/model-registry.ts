/**
 * Model registry: trained ensemble versions and the champion.
 *
 * - artifact `model/<versionId>`: the whole version (manifest, serialized model via the
 *   engine codec = `EnsembleModel.toJSON()`, train report) — read with `getModelVersion`;
 * - registry doc `models`: `{champion, versions: [summary…], history: [decision…]}`, always
 *   updated with `updateRegistryDoc` so two workers cannot lose each other's updates.
 *
 * The version id is the manifest id (a hash of data checksums, features, params and seed), so
 * retraining identical inputs with identical settings names the same version.
 * Promotion follows the engine's champion/challenger rule (engine/models/governance); a manual
 * override is explicit (`{override: {reason}}`) and recorded in the history.
 */
import type { Json } from '../engine/contracts';
import { governanceScore, shouldPromote } from '../engine/models/governance';
import type { ModelManifest, ModelMetrics } from '../engine/models/manifest';
import type { EnsembleJson } from '../engine/models/predictor';
import { deleteArtifact, getArtifact, putArtifact } from './artifacts';
import type { QeDb } from './db';
import { getRegistryDoc, updateRegistryDoc } from './registry';

export const MODELS_DOC_KEY = 'models';
export const MODEL_ARTIFACT_PREFIX = 'model/';
/** spec MAX_MODEL_VERSIONS: older non-champion versions beyond this are pruned on save */
export const MAX_MODEL_VERSIONS = 5;
const MAX_HISTORY = 2000;

/** Training-report view stored with a version (the CLI's `trainReportJson` shape). */
export type ModelTrainReport = Json;

/** One trained model version, as stored under `model/<id>`. */
export interface ModelVersion {
  /** = manifest.id */
  id: string;
  /** ISO time of saving */
  createdAt: string;
  /** train job that produced it (null when imported from a file) */
  jobId: string | null;
  /** universe tickers actually trained on (excluded ones are in the report) */
  tickers: string[];
  /** benchmark ticker, or null */
  benchmark: string | null;
  /** member names, e.g. ["gbdt", "ridge"] */
  members: string[];
  /** the feature set name the job was asked for, e.g. "core" */
  featureSet: string;
  manifest: ModelManifest;
  /** the serialized model: `EnsembleModel.fromJSON(version.model)` rebuilds it */
  model: EnsembleJson;
  /** folds, importance, calibration, stability (JSON, NaN as null) */
  report: ModelTrainReport;
}

/** What the registry doc lists per version (enough for tables without loading the model). */
export interface ModelVersionSummary {
  id: string;
  createdAt: string;
  jobId: string | null;
  horizon: number;
  tickers: string[];
  benchmark: string | null;
  members: string[];
  featureSet: string;
  nFeatures: number;
  metrics: ModelMetrics;
  /** governance score (engine/models/governance) */
  score: number;
  mode: 'real' | 'demo';
  gateFailures: string[];
}

export interface GovernanceEvent {
  at: string;
  action: 'promoted' | 'kept' | 'override' | 'demoted' | 'deleted';
  versionId: string;
  /** champion before the event */
  previousChampion: string | null;
  score: number | null;
  championScore: number | null;
  reason: string;
}

export interface ModelsDoc {
  champion: string | null;
  versions: ModelVersionSummary[];
  history: GovernanceEvent[];
}

export interface PromotionDecision {
  promoted: boolean;
  /** true when a manual override promoted against (or without) the rule */
  override: boolean;
  versionId: string;
  previousChampion: string | null;
  score: number;
  championScore: number | null;
  reason: string;
}

export interface PromoteOptions {
  /** promote regardless of the rule; the reason is recorded */
  override?: { reason: string };
}

export class ModelNotFoundError extends Error {
  constructor(id: string) {
    super(`model version ${id} is not in the registry`);
    this.name = 'ModelNotFoundError';
  }
}

export class ChampionDeleteError extends Error {
  constructor(id: string) {
    super(`model version ${id} is the champion: demote it (promote another version or demoteChampion) before deleting`);
    this.name = 'ChampionDeleteError';
  }
}

export function modelArtifactKey(id: string): string {
  return `${MODEL_ARTIFACT_PREFIX}${id}`;
}

export function versionScore(m: ModelMetrics): number {
  return governanceScore({
    oosSpearman: m.oosSpearman ?? Number.NaN,
    holdoutSpearman: m.holdoutSpearman ?? Number.NaN,
    cvGap: m.cvGap ?? Number.NaN,
    ece: m.ece ?? undefined,
  });
}

export function summarise(v: ModelVersion): ModelVersionSummary {
  return {
    id: v.id,
    createdAt: v.createdAt,
    jobId: v.jobId,
    horizon: v.manifest.horizon,
    tickers: [...v.tickers],
    benchmark: v.benchmark,
    members: [...v.members],
    featureSet: v.featureSet,
    nFeatures: v.manifest.features.length,
    metrics: { ...v.manifest.metrics },
    score: versionScore(v.manifest.metrics),
    mode: v.manifest.mode,
    gateFailures: [...v.manifest.gateFailures],
  };
}

/** The stored doc as a typed value (an absent doc is the empty registry). */
export function readModelsDoc(value: Json | undefined): ModelsDoc {
  if (value === undefined || value === null) return { champion: null, versions: [], history: [] };
  if (typeof value !== 'object' || Array.isArray(value)) throw new Error('registry document "models" is not an object');
  const v = value as unknown as Partial<ModelsDoc>;
  if (!Array.isArray(v.versions)) throw new Error('registry document "models" has no versions list');
  return {
    champion: typeof v.champion === 'string' ? v.champion : null,
    versions: v.versions,
    history: Array.isArray(v.history) ? v.history : [],
  };
}

function toJson(doc: ModelsDoc): Json {
  return doc as unknown as Json;
}

function pushHistory(doc: ModelsDoc, e: GovernanceEvent): void {
  doc.history.push(e);
  if (doc.history.length > MAX_HISTORY) doc.history.splice(0, doc.history.length - MAX_HISTORY);
}

function byNewest(a: ModelVersionSummary, b: ModelVersionSummary): number {
  return a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * Stores the version (artifact first, then the doc entry; re-saving an id replaces its entry)
 * and prunes the oldest non-champion versions beyond MAX_MODEL_VERSIONS. Returns the ids pruned.
 */
export async function saveModelVersion(db: QeDb, version: ModelVersion): Promise<{ summary: ModelVersionSummary; pruned: string[] }> {
  if (version.id !== version.manifest.id) throw new Error(`model version id ${version.id} differs from its manifest id ${version.manifest.id}`);
  await putArtifact(db, modelArtifactKey(version.id), version as unknown as Json, version.createdAt, { jobId: version.jobId ?? undefined, manifestId: version.manifest.id });
  const summary = summarise(version);
  let pruned: string[] = [];
  await updateRegistryDoc(
    db,
    MODELS_DOC_KEY,
    (cur) => {
      const doc = readModelsDoc(cur);
      const versions = doc.versions.filter((s) => s.id !== summary.id);
      versions.push(summary);
      versions.sort(byNewest);
      const keep: ModelVersionSummary[] = [];
      pruned = [];
      for (const s of versions) {
        if (keep.length < MAX_MODEL_VERSIONS || s.id === doc.champion || s.id === summary.id) keep.push(s);
        else pruned.push(s.id);
      }
      // The champion and the new version are always kept; trim extra others, oldest first.
      while (keep.length > MAX_MODEL_VERSIONS) {
        const k = keep.map((s) => s.id !== doc.champion && s.id !== summary.id).lastIndexOf(true);
        if (k < 0) break;
        pruned.push(keep[k].id);
        keep.splice(k, 1);
      }
      return toJson({ ...doc, versions: keep });
    },
    version.createdAt,
  );
  for (const id of pruned) await deleteArtifact(db, modelArtifactKey(id));
  return { summary, pruned };
}

export async function getModelsDoc(db: QeDb): Promise<ModelsDoc> {
  return readModelsDoc((await getRegistryDoc(db, MODELS_DOC_KEY))?.value);
}

/** Summaries, newest first. */
export async function listModelVersions(db: QeDb): Promise<ModelVersionSummary[]> {
  return [...(await getModelsDoc(db)).versions].sort(byNewest);
}

export async function getModelVersion(db: QeDb, id: string): Promise<ModelVersion | undefined> {
  const rec = await getArtifact(db, modelArtifactKey(id));
  return rec ? (rec.value as unknown as ModelVersion) : undefined;
}

export async function getChampion(db: QeDb): Promise<ModelVersion | undefined> {
  const doc = await getModelsDoc(db);
  return doc.champion ? getModelVersion(db, doc.champion) : undefined;
}

/**
 * Champion/challenger decision for `id` (engine rule: no champion, or score beats the
 * champion's by 2 %), or a recorded manual override. Promoting the current champion is a no-op.
 */
export async function promoteModel(db: QeDb, id: string, nowIso: string, opts: PromoteOptions = {}): Promise<PromotionDecision> {
  let decision: PromotionDecision | null = null;
  await updateRegistryDoc(
    db,
    MODELS_DOC_KEY,
    (cur) => {
      const doc = readModelsDoc(cur);
      const target = doc.versions.find((s) => s.id === id);
      if (!target) throw new ModelNotFoundError(id);
      const champ = doc.champion ? (doc.versions.find((s) => s.id === doc.champion) ?? null) : null;
      const championScore = champ ? champ.score : null;
      const base = { versionId: id, previousChampion: doc.champion, score: target.score, championScore };
      const fmt = (x: number) => x.toFixed(4);
      let d: PromotionDecision;
      if (champ && champ.id === id) {
        d = { ...base, promoted: false, override: false, reason: 'already the champion' };
      } else if (opts.override) {
        const why = opts.override.reason.trim();
        if (!why) throw new Error('a manual override needs a reason');
        const ruleSays = shouldPromote(target.score, championScore);
        d = { ...base, promoted: true, override: !ruleSays, reason: ruleSays ? `rule agrees: ${why}` : `manual override: ${why}` };
      } else if (shouldPromote(target.score, championScore)) {
        d = {
          ...base,
          promoted: true,
          override: false,
          reason: championScore === null ? `no champion: promoted with score ${fmt(target.score)}` : `score ${fmt(target.score)} beats champion ${champ?.id.slice(0, 12)} (${fmt(championScore)}) by the required 2 %`,
        };
      } else {
        d = {
          ...base,
          promoted: false,
          override: false,
          reason: `score ${fmt(target.score)} does not beat champion ${champ?.id.slice(0, 12)} (${fmt(championScore ?? Number.NaN)}) by the required 2 %`,
        };
      }
      if (d.promoted) doc.champion = id;
      if (!(champ && champ.id === id)) {
        pushHistory(doc, {
          at: nowIso,
          action: d.override ? 'override' : d.promoted ? 'promoted' : 'kept',
          versionId: id,
          previousChampion: d.previousChampion,
          score: d.score,
          championScore,
          reason: d.reason,
        });
      }
      decision = d;
      return toJson(doc);
    },
    nowIso,
  );
  if (!decision) throw new Error('promotion did not run');
  return decision;
}

/** Leaves the registry without a champion (recorded), so the old champion can be deleted. */
export async function demoteChampion(db: QeDb, nowIso: string, reason: string): Promise<string | null> {
  let was: string | null = null;
  await updateRegistryDoc(
    db,
    MODELS_DOC_KEY,
    (cur) => {
      const doc = readModelsDoc(cur);
      was = doc.champion;
      if (was) {
        pushHistory(doc, { at: nowIso, action: 'demoted', versionId: was, previousChampion: was, score: null, championScore: null, reason });
        doc.champion = null;
      }
      return toJson(doc);
    },
    nowIso,
  );
  return was;
}

/** Deletes a non-champion version (doc entry first, then its artifact). */
export async function deleteModelVersion(db: QeDb, id: string, nowIso = new Date().toISOString()): Promise<void> {
  await updateRegistryDoc(
    db,
    MODELS_DOC_KEY,
    (cur) => {
      const doc = readModelsDoc(cur);
      if (doc.champion === id) throw new ChampionDeleteError(id);
      if (!doc.versions.some((s) => s.id === id)) throw new ModelNotFoundError(id);
      doc.versions = doc.versions.filter((s) => s.id !== id);
      pushHistory(doc, { at: nowIso, action: 'deleted', versionId: id, previousChampion: doc.champion, score: null, championScore: null, reason: 'deleted by the user' });
      return toJson(doc);
    },
    nowIso,
  );
  await deleteArtifact(db, modelArtifactKey(id));
}
