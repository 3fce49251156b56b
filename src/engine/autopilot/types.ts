/**
 * Types of the autopilot (spec §5): discovery candidates, their metrics and gate decisions,
 * the strategy registry, the paper trader and the cycle report. Everything here is plain
 * data (typed arrays allowed) so it crosses worker boundaries by structured clone; objects
 * meant for JSON (reports, registry, paper state) hold no typed arrays and use null where
 * the spec has ∞/NaN (each such field says what null means).
 */
import type { PriceMatrix } from '../backtest/matrix';
import type { JobContext } from '../core/context';

/** 'ensemble' = walk-forward OOS predictions of the models engine; 'heuristic' = spec §5.1 formula. */
export type PredictorType = 'ensemble' | 'heuristic';

/** One point of the discovery grid (spec §5.2). */
export interface Candidate {
  /** `h{H}_e{round(entry·1e4)}_c{round(conf·100)}_r{0|1}_m{maxpos}` */
  strategy_id: string;
  horizon: number;
  entry_threshold: number;
  confidence_threshold: number;
  use_risk_management: boolean;
  max_positions: number;
  position_size_pct: number;
}

/** Base of the grid (defaults: entry 0.005, confidence 0.6, size 0.05). */
export interface DiscoveryBase {
  entry_threshold: number;
  confidence_threshold: number;
  position_size_pct: number;
  /** truncate the grid (iteration order kept) */
  max_candidates?: number;
}

/**
 * Predictions on the price matrix layout (row-major, k = t·cols + i). A value at row t is
 * known at the close of t. NaN = no prediction for that cell.
 */
export interface PredictionPanel {
  predictor: PredictorType;
  horizon: number;
  predicted: Float64Array;
  /** in [0, 1] */
  confidence: Float64Array;
  /** regime code 0–3, −1 unknown */
  regime: Int32Array;
  /** per-date cross-sectional z-score of `predicted` (NaN with < 2 values that date) */
  csZscore: Float64Array;
  /** how the panel was made, e.g. "5 expanding folds, purge 10" */
  notes: string[];
}

/** What one candidate evaluation needs; shared by all candidates of a cycle (structured-cloneable). */
export interface EvaluationPanel {
  prices: PriceMatrix;
  /** after the top-70 % cross-sectional filter */
  predictions: PredictionPanel;
  /** number of candidates tried this cycle (DSR trials) */
  nCandidates: number;
  /** stable description of the inputs; seeds every random procedure */
  seedKey: string;
}

export interface FoldMetric {
  fold: number;
  train_corr: number;
  test_corr: number;
  test_mean_return: number;
  /** canonical non-annualised Sharpe of the fold's long actuals */
  sharpe: number;
}

export interface StressRegimeMetric {
  n_trades: number;
  /** mean/std of unweighted net returns (null with < 2 trades or zero std) */
  sharpe: number | null;
  /** of the sequential cumprod of the regime's net returns */
  max_drawdown: number;
}

/** Everything the gate and the score read (spec §5.3/§5.4). */
export interface CandidateMetrics {
  // backtest base metrics
  total_trades: number;
  win_rate: number;
  /** spec per-trade canonical Sharpe (rf 4 %, annualised by √n trades) */
  sharpe: number;
  /** null = ∞ (profits and no losses) */
  profit_factor: number | null;
  /** of the daily equity curve, ≤ 0 */
  max_drawdown: number;
  annualized_return: number;
  trades_per_year: number;
  total_return: number;
  /** Sharpe of the daily equity returns (contract E, rf 0), for display */
  daily_sharpe: number | null;
  // advanced contract
  dsr_significant: boolean;
  dsr_p_value: number;
  mc_significant: boolean;
  mc_p_value: number;
  /** global PBO over all candidates of the cycle; null = unavailable */
  pbo: number | null;
  capacity_constrained: boolean;
  /** 1e6 / estimated capacity; null = ∞ (capacity 0) */
  capacity_utilization: number | null;
  estimated_capacity_usd: number;
  /** null when the stress regimes have < 10 trades */
  stress_capacity_usd: number | null;
  stress_market_impact_bps: number | null;
  /** null = walk-forward not run (< 150 rows) */
  wf_oos_corr: number | null;
  wf_positive_fold_fraction: number | null;
  /** null = ∞ (not run) */
  wf_is_oos_gap: number | null;
  fold_metrics: FoldMetric[];
  /** null = no regime with ≥ 30 rows */
  regime_positive_fraction: number | null;
  stat_tests_pass: boolean;
  ic_mean: number | null;
  ic_ir: number | null;
  cpcv_passes: boolean;
  cpcv_mean_corr: number | null;
  spa_passes: boolean;
  spa_pvalue: number | null;
  /** regimes 2 and 3 with ≥ 5 trades */
  stress_regimes: Record<string, StressRegimeMetric>;
  /** worst |drawdown| within ±3 bars of a regime change on the daily equity; null = no change */
  transition_drawdown: number | null;
  /** rows of (prediction, actual) pairs the validation used */
  n_validation_rows: number;
  /** event strategies (Kalshi, spec §6.6): the event-specific metrics the gate also checks */
  event?: EventGateMetrics;
}

export interface EventGateMetrics {
  worst_event_loss: number;
  surprise_hit_rate: number;
  event_regime_stability: number;
}

/** evaluateCandidate's output: the metrics plus what the cycle needs for the global PBO. */
export interface CandidateEvaluation {
  candidate: Candidate;
  /** `pbo` is null here; the cycle fills it in after all candidates are done */
  metrics: CandidateMetrics;
  /** daily equity returns on the price matrix rows (PBO input) */
  dailyReturns: Float64Array;
}

export interface GateConfig {
  minTrades: number;
  minWinRate: number;
  minSharpe: number;
  minProfitFactor: number;
  maxDrawdown: number;
  minAnnualReturn: number;
  requireAdvanced: boolean;
  dsrMaxP: number;
  maxPbo: number;
  requireCapacityUnconstrained: boolean;
  maxCapacityUtilization: number;
  minStressCapacityUsd: number;
  minStressCapacityRatio: number;
  minWfOosCorr: number;
  minWfPositiveFolds: number;
  maxWfIsOosGap: number;
  minRegimePositiveFraction: number;
  requireStatTests: boolean;
  requireCpcv: boolean;
  requireSpa: boolean;
  stressRegimeMaxDrawdown: number;
  stressRegimeMinSharpe: number;
  stressRegimeMinTrades: number;
  maxTransitionDrawdown: number;
  /**
   * Event strategies (spec §6.6): PBO may be missing, the regime-positive check is skipped, and
   * the prediction-panel tests (statistical battery, CPCV) that events do not have are not required.
   */
  eventMode: boolean;
  minWorstEventLoss: number;
  minSurpriseHitRate: number;
  minEventRegimeStability: number;
}

export interface GateResult {
  passed: boolean;
  reasons: string[];
}

export interface GateDecision {
  strategy_id: string;
  passed: boolean;
  reasons: string[];
  score: number;
  metrics: CandidateMetrics;
  params: Candidate;
}

export interface ActiveStrategy {
  strategy_id: string;
  /** ISO UTC */
  promoted_at: string;
  params: Candidate;
  score: number;
  metrics: CandidateMetrics;
  status: 'active';
  consecutive_failures: number;
}

export interface HistoryRow {
  /** ISO UTC */
  timestamp: string;
  strategy_id: string;
  passed: boolean;
  score: number;
  reasons: string[];
  metrics: CandidateMetrics;
  params: Candidate;
}

export interface StrategyRegistry {
  active: ActiveStrategy[];
  history: HistoryRow[];
}

export interface PromotionOptions {
  maxActive?: number;
  grace?: number;
  historyCap?: number;
}

// ---------------------------------------------------------------- paper trader

export interface PaperConfig {
  initial_capital: number;
  max_positions: number;
  /** flat cost of a forced liquidation, bps of gross */
  liquidation_cost_bps: number;
  /**
   * Latest system health score (0–100) if younger than 24 h, else null: entries are scaled by
   * the spec's health gate (1 when null).
   */
  health_score: number | null;
}

export interface PaperPosition {
  strategy_id: string;
  ticker: string;
  /** date (ISO) of the prediction that triggered the entry; entry_date > signal_date */
  signal_date: string;
  entry_date: string;
  /** cost-inclusive fill */
  entry_price: number;
  /** cash paid (shares × fill + commission) */
  entry_cash: number;
  /** entry_cash − shares × reference close: what the entry cost */
  entry_cost: number;
  last_price: number;
  value: number;
  shares: number;
  holding_days: number;
  max_holding_days: number;
  entry_threshold: number;
  confidence_threshold: number;
  position_size_pct: number;
  regime: number;
  entry_regime: number;
  confidence: number;
  highest_price: number;
}

export type PaperExitReason =
  | 'hard_stop'
  | 'atr_stop'
  | 'trailing_stop'
  | 'time_stop'
  | 'regime_change'
  | 'target_hit'
  | 'signal_decay'
  | 'time_exit'
  | 'drawdown_liquidation';

export interface PaperTrade {
  strategy_id: string;
  ticker: string;
  signal_date: string;
  entry_date: string;
  exit_date: string;
  entry_price: number;
  /** cost-inclusive exit fill */
  exit_price: number;
  /** reference close of the exit */
  exit_reference: number;
  shares: number;
  entry_cash: number;
  /** cash received */
  exit_proceeds: number;
  /** exit_proceeds − entry_cash */
  pnl: number;
  /** pnl / entry_cash */
  net_return: number;
  holding_days: number;
  reason: PaperExitReason;
  position_size_pct: number;
  entry_regime: number;
  exit_regime: number;
  regime_changed: boolean;
  /** cost paid on both fills, in currency */
  transaction_cost: number;
}

export interface PaperState {
  initial_capital: number;
  cash: number;
  realized_pnl: number;
  positions: PaperPosition[];
  /** closed trades, oldest first */
  trades: PaperTrade[];
  /** ISO date of the last cycle's as-of; null before the first cycle */
  last_update: string | null;
  /** as-of dates of the cycles run so far (the marks the equity curve is evaluated at) */
  cycle_dates: string[];
}

/** Latest cross-section fed to the paper trader: one row per ticker, columnar. */
export interface LatestPredictions {
  tickers: string[];
  /** ISO date of each row's prediction */
  dates: string[];
  predicted: Float64Array;
  confidence: Float64Array;
  regime: Int32Array;
}

export interface PaperCycleInput {
  active: ActiveStrategy[];
  latest: LatestPredictions;
  prices: PriceMatrix;
  /** ISO date; default the last date of the price matrix */
  as_of?: string;
  config?: Partial<PaperConfig>;
}

export interface PaperEntry {
  strategy_id: string;
  ticker: string;
  shares: number;
  price: number;
  cash: number;
}

export interface PaperExit {
  strategy_id: string;
  ticker: string;
  reason: PaperExitReason;
  pnl: number;
}

export interface PaperCycleResult {
  as_of: string;
  entries: PaperEntry[];
  exits: PaperExit[];
  /** skipped entries with the reason, e.g. "AAPL: portfolio risk (single_name)" */
  skipped: string[];
  cash: number;
  equity: number;
  positions_value: number;
  realized_pnl: number;
  open_positions: number;
  active_strategies: number;
  drawdown_state: string;
  /** the health gate's size multiplier this cycle (1 without a recent health score) */
  health_multiplier: number;
  /** from the derived daily equity curve (≥ 20 points) */
  risk_metrics: { sharpe: number | null; max_drawdown: number; volatility: number | null; win_rate: number | null } | null;
}

/** Daily equity derived from trades and closes (never from stored state). */
export interface PaperEquityCurve {
  days: Int32Array;
  equity: Float64Array;
  cash: Float64Array;
  positionsValue: Float64Array;
  nPositions: Int32Array;
}

// ---------------------------------------------------------------- cycle

export interface CycleInput {
  prices: PriceMatrix;
  /** dataset checksums for the manifest, one per ticker */
  inputs: { ticker: string; checksum: string; rows: number }[];
  registry: StrategyRegistry;
  paper: PaperState | null;
  /** ISO UTC timestamp of the cycle (the engine does not read the clock) */
  nowIso: string;
}

export interface CycleOptions {
  horizon?: number;
  predictor?: 'auto' | PredictorType;
  base?: Partial<DiscoveryBase>;
  gate?: Partial<GateConfig>;
  /** evaluate, rank and report, but do not change the registry or paper state */
  dryRun?: boolean;
  topKQuantile?: number;
  paper?: Partial<PaperConfig>;
  /** precomputed predictions on the price matrix layout (e.g. computed per ticker on the pool); skips the predictor */
  predictions?: PredictionPanel;
  /** injected evaluation (e.g. fanned out over the worker pool); default: sequential evaluateCandidate */
  evaluate?: (candidates: Candidate[], panel: EvaluationPanel, ctx: JobContext) => Promise<CandidateEvaluation[]>;
  /** monotonic clock in ms for the timings (engine code never reads the clock itself) */
  clock?: () => number;
}

export interface CycleReport {
  engine_version: string;
  predictor: PredictorType;
  /** why this predictor (e.g. "heuristic: requested") */
  predictor_note: string;
  universe: string[];
  first_date: string;
  last_date: string;
  horizon: number;
  dry_run: boolean;
  signal_topk_quantile: number;
  prediction_rows: number;
  n_candidates: number;
  n_passed: number;
  n_promoted: number;
  n_active: number;
  /** ranked by score desc */
  decisions: GateDecision[];
  pbo: { value: number | null; is_overfit: boolean; note: string };
  registry: StrategyRegistry;
  paper: PaperCycleResult | null;
  paper_state: PaperState | null;
  /** stage → ms (empty without a clock) */
  timings: Record<string, number>;
  manifest: {
    inputs: { ticker: string; checksum: string; rows: number }[];
    params: Record<string, unknown>;
    seed_key: string;
  };
  warnings: string[];
}
