/**
 * View types of the `predict` job and the Signal Desk, shared by the handler, the back-end ops
 * and the page. Type-only (no engine imports) so the main bundle stays small.
 */

/** `predict` job params with defaults filled in. */
export interface PredictParams {
  /** model version id; null = the registry's champion at run time */
  modelId: string | null;
  /** datasets to predict for; null = the model's tickers (`<ticker>|1d`) */
  datasetIds: string[] | null;
  /** how many top-ranked signals the page highlights (stored with the run) */
  topN: number;
  /** bars of prediction history kept per ticker (for the realised-return scatter) */
  historyBars: number;
}

/** One ticker's latest prediction (the last bar with features). */
export interface TickerSignal {
  ticker: string;
  datasetId: string;
  /** ISO day of the bar the prediction is made at */
  date: string;
  predictedReturn: number | null;
  /** calibrated probability that the predicted sign is right */
  confidence: number | null;
  /** predicted return × confidence: the ranking score */
  score: number | null;
  /** argmax canonical regime index, −1 when unavailable */
  regime: number;
  regimeName: string | null;
  regimeConfidence: number | null;
  /** filtered regime probabilities (canonical order), null where unavailable */
  regimeProbs: (number | null)[];
  /** population std of the global members' predictions */
  ensembleStd: number | null;
  /** member predictions by name (global members, then regime models) */
  members: Record<string, number | null>;
  /** whether the bar lies inside the model's training window for this ticker */
  inSample: boolean;
}

/** Per-ticker history of predictions with the realised target where the horizon has passed. */
export interface TickerHistory {
  ticker: string;
  dates: string[];
  predicted: (number | null)[];
  confidence: (number | null)[];
  /** realised forward return (the model's target); null while the horizon has not passed */
  realised: (number | null)[];
  /** 1 when the bar is inside the model's training window (in-sample), else 0 */
  inSample: number[];
}

/** Stored under `predictions/<jobId>`. */
export interface PredictionsView {
  jobId: string;
  modelId: string;
  horizon: number;
  /** benchmark ticker of the model (realised and predicted returns are then excess returns), or null */
  benchmark: string | null;
  /** demo when the model or any input dataset is demo */
  mode: 'real' | 'demo';
  /** data origins per dataset id, for provenance */
  origins: Record<string, string>;
  params: PredictParams;
  memberNames: string[];
  /** global member names (their spread is the disagreement) */
  globalMembers: string[];
  gateFailures: string[];
  features: string[];
  /** last training date per ticker (ISO day), from the model manifest */
  trainedThrough: Record<string, string>;
  signals: TickerSignal[];
  history: TickerHistory[];
  excluded: { ticker: string; reason: string }[];
  computedAt: string;
  elapsedMs: number;
}

/** A model version as the Signal Desk picker lists it. */
export interface SignalModelOption {
  id: string;
  createdAt: string;
  horizon: number;
  tickers: string[];
  members: string[];
  mode: 'real' | 'demo';
  champion: boolean;
}

export interface SignalModelsView {
  champion: string | null;
  versions: SignalModelOption[];
}

/** One `predict` run in the history list. */
export interface PredictRunSummary {
  jobId: string;
  status: string;
  createdAt: string;
  modelId: string | null;
  resultKey?: string;
  error?: string;
}
