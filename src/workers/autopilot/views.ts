/**
 * View models of the autopilot (what the handlers store and the page reads): the stored
 * cycle record, the paper account with its derived equity curve, the registry and the run
 * history. Plain JSON (no typed arrays) so they live in IndexedDB and cross comlink as is.
 */
import type {
  CycleReport,
  PaperCycleResult,
  PaperState,
  PredictorType,
  StrategyRegistry,
} from '../../engine/autopilot/types';
import type { JobRecord, Json } from '../../engine/contracts';
import type { ResultInput } from '../api';

export type {
  ActiveStrategy,
  Candidate,
  CandidateMetrics,
  CycleReport,
  GateDecision,
  HistoryRow,
  PaperCycleResult,
  PaperPosition,
  PaperState,
  PaperTrade,
  PredictorType,
  StrategyRegistry,
} from '../../engine/autopilot/types';

/** Normalised params of an `autopilot_cycle` job (what the manifest hashes). */
export interface AutopilotCycleParams {
  datasetIds: string[];
  benchmarkId: string | null;
  horizon: number;
  /** 'auto' = the champion model if one exists, else the heuristic; or a model version id */
  predictor: string;
  dry_run: boolean;
  /** truncates the 36-candidate grid (iteration order kept); null = all */
  max_candidates: number | null;
}

/** Which predictor a cycle used and why. */
export interface PredictorInfo {
  type: PredictorType;
  /** what the params asked for */
  requested: string;
  /** model version whose settings the walk-forward used (ensemble), else null */
  modelVersion: string | null;
  note: string;
}

/** Latest cross-section of a cycle (one row per ticker) — what the paper trader enters on. */
export interface LatestPredictionsView {
  tickers: string[];
  dates: string[];
  predicted: number[];
  confidence: number[];
  regime: number[];
}

/** A stored cycle (artifact `autopilot/cycle/<jobId>`). */
export interface AutopilotCycleView {
  jobId: string;
  params: AutopilotCycleParams;
  predictor: PredictorInfo;
  report: CycleReport;
  latest: LatestPredictionsView | null;
  inputs: ResultInput[];
  warnings: string[];
  engineVersion: string;
  manifestId: string;
  computedAt: string;
}

/** Daily equity of the paper account derived from trades and closes (never from stored state). */
export interface PaperCurveView {
  /** epoch ms */
  dates: number[];
  equity: number[];
  cash: number[];
  positionsValue: number[];
  nPositions: number[];
}

export interface PaperPositionView {
  strategy_id: string;
  ticker: string;
  entry_date: string;
  shares: number;
  entry_price: number;
  current_price: number;
  value: number;
  pnl: number;
  pnl_pct: number;
  holding_days: number;
}

/** The paper account as the page shows it (artifact `autopilot/paper-view`, written with the state). */
export interface PaperAccountView {
  state: PaperState;
  curve: PaperCurveView;
  positions: PaperPositionView[];
  totals: { equity: number; cash: number; realized: number; unrealized: number; totalReturn: number; initialCapital: number };
  lastResult: PaperCycleResult | null;
  /** job that last changed the account (null after a reset) */
  jobId: string | null;
  inputs: ResultInput[];
  warnings: string[];
  manifestId: string;
  computedAt: string;
}

export interface StrategyRegistryView {
  registry: StrategyRegistry;
  updatedAt: string | null;
}

/** One `autopilot_cycle` or `paper_cycle` job for the lifecycle history. */
export interface AutopilotRunSummary {
  jobId: string;
  type: 'autopilot_cycle' | 'paper_cycle';
  status: JobRecord['status'];
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  params: { [k: string]: Json };
  resultKey?: string;
  error?: string;
}
