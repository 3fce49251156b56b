/**
 * View types of model training shared by the `train` job, the back-end ops and the Model Lab
 * page. Free of engine imports (type-only) so the main bundle stays small.
 */
import type { Json } from '../../engine/contracts';
import type { ModelVersionSummary, PromotionDecision } from '../../storage/model-registry';

export const TRAIN_FEATURE_SETS = ['core', 'full'] as const;
export type TrainFeatureSet = (typeof TRAIN_FEATURE_SETS)[number];

/** `train` job params with every default filled in. */
export interface TrainParams {
  datasetIds: string[];
  benchmarkId: string | null;
  horizon: number;
  featureSet: TrainFeatureSet;
  /** member names from the engine's DEFAULT_MEMBERS (gbdt, ridge) */
  members: string[];
  seed: number;
  /** null: the spec default min(5, max(2, dates/120)) */
  folds: number | null;
  regimeModels: boolean;
  /** false keeps a model that fails the spec gates, recording the failures (research use) */
  enforceGates: boolean;
  /** expanding-window HMM refit interval (observations) */
  refitEvery: number;
}

/** Stored under `train/<jobId>`: what one training run produced (accepted or rejected). */
export interface TrainRunView {
  jobId: string;
  status: 'accepted' | 'rejected';
  /** the stored model version (accepted runs) */
  versionId: string | null;
  params: TrainParams;
  mode: 'real' | 'demo';
  /** reasons the global model was rejected (rejected runs) */
  reasons: string[];
  excluded: { ticker: string; reason: string }[];
  /** the CLI's train report JSON (folds, importance, calibration, stability) */
  report: Json;
  /** global model feature importance, every feature, descending */
  importance: { name: string; importance: number }[];
  computedAt: string;
  elapsedMs: number;
}

export interface ModelListView {
  champion: string | null;
  versions: ModelVersionSummary[];
}

export interface RetrainWarningsView {
  versionId: string;
  retrain: boolean;
  reasons: string[];
  meanPsi: number | null;
  /** per feature PSI of the newest bars against the training window, where computable */
  drift: { name: string; psi: number }[];
}

export type { ModelVersionSummary, PromotionDecision };
