/**
 * Health engine types: the plain inputs a caller gathers from storage, one check's result,
 * and the snapshot (the spec's `SystemHealthDetail`, ui-pages §2). Field names of the
 * check items and snapshot follow the spec so the page and any export read the same words.
 */

export type HealthStatus = 'PASS' | 'WARN' | 'FAIL' | 'CRITICAL' | 'UNAVAILABLE';
export type HealthSeverity = 'critical' | 'standard' | 'informational';

export const HEALTH_DOMAINS = ['data_integrity', 'promotion', 'walk_forward', 'execution', 'complexity'] as const;
export type HealthDomain = (typeof HEALTH_DOMAINS)[number];

/** The one source of truth for domain weights and labels (spec §17.15: no second copy). */
export const DOMAIN_INFO: Record<HealthDomain, { label: string; weight: number }> = {
  data_integrity: { label: 'Data Integrity', weight: 0.25 },
  promotion: { label: 'Promotion Gate', weight: 0.25 },
  walk_forward: { label: 'Walk-Forward', weight: 0.2 },
  execution: { label: 'Execution', weight: 0.15 },
  complexity: { label: 'Complexity', weight: 0.15 },
};

/** Weight of a check inside its domain average. */
export const SEVERITY_WEIGHT: Record<HealthSeverity, number> = { critical: 3, standard: 1, informational: 0.5 };

/** Score bands shared by checks, domains and the overall score. */
export const STATUS_BANDS = { pass: 75, warn: 50 } as const;

// ---- inputs -------------------------------------------------------------------------------

/** The parts of a stored quality report (contract A.3) the checks read. */
export interface HealthQualityReport {
  status: 'pass' | 'warn' | 'fail';
  rows: number;
  zeroVolumeRows: number;
  missingWeekdayFraction: number | null;
  gapRuns: number;
  suspectedSplits: number;
  staleRuns: number;
  /** the import used an adjusted (total-return) close */
  adjCloseUsed: boolean;
}

export interface HealthDataset {
  id: string;
  ticker: string;
  timeframe: string;
  origin: 'file' | 'proxy' | 'demo';
  /** when imported / fetched / generated (epoch ms) */
  storedAt: number;
  rows: number;
  /** first / last bar (epoch ms), null when empty */
  first: number | null;
  last: number | null;
  quality: 'pass' | 'warn' | 'fail' | 'unchecked';
  /** null when no quality artifact is stored for this version (e.g. demo data) */
  report: HealthQualityReport | null;
}

/** Registry `autopilot/strategies` (engine-trading §5.5), reduced to what the checks read. */
export interface HealthRegistry {
  active: { strategyId: string; score: number | null; metrics: Record<string, number | boolean | null> }[];
  history: { strategyId: string; passed: boolean; reasons: string[]; timestamp: string }[];
}

/** Promotion-gate thresholds in force (name → value), e.g. min_trades 80, min_sharpe 0.75. */
export type HealthGateSettings = Record<string, number | boolean>;

/** One walk-forward fold as recorded (dates epoch ms when known). */
export interface HealthFold {
  fold: number;
  trainStart: number | null;
  trainEnd: number | null;
  testStart: number | null;
  testEnd: number | null;
  /** in-sample and out-of-sample skill (rank IC / correlation) */
  isMetric: number | null;
  oosMetric: number | null;
}

/** A recorded walk-forward validation (a model's purged CV, or a backtest's prediction WF). */
export interface HealthWalkForward {
  source: string;
  /** what the fold metric is, e.g. "rank IC", "Spearman corr" */
  metric: string;
  folds: HealthFold[];
  /** purge / embargo in bars when known */
  purge: number | null;
  embargo: number | null;
}

export interface HealthBacktest {
  key: string;
  computedAt: number;
  commissionBps: number | null;
  spreadBps: number | null;
  /** market-impact coefficient in bps (null when the cost model has none) */
  impactBps: number | null;
  /** annual two-sided turnover (Σ|Δw| per year) */
  turnoverAnn: number | null;
  /** mean cost per fill side in bps (entry and exit averaged) */
  avgCostBps: number | null;
  /** compound annual growth after costs */
  cagr: number | null;
  trades: number;
  bars: number;
  /** strategies tried for this result (deflated Sharpe trials) */
  trials: number;
  /** tunable parameters of the run (name → value) */
  knobs: Record<string, number | string | boolean | null>;
}

export interface HealthModel {
  key: string;
  computedAt: number;
  features: string[];
  /** training observations (rows) */
  rows: number;
  knobs: Record<string, number | string | boolean | null>;
}

export interface HealthInputs {
  /** evaluation time (epoch ms) — injected, the engine reads no clock */
  now: number;
  datasets: HealthDataset[];
  registry: HealthRegistry | null;
  gate: HealthGateSettings | null;
  backtests: HealthBacktest[];
  models: HealthModel[];
  walkForward: HealthWalkForward[];
}

// ---- outputs ------------------------------------------------------------------------------

export interface HealthCheckItem {
  id: string;
  name: string;
  domain: HealthDomain;
  status: HealthStatus;
  /** 0–100; null when UNAVAILABLE */
  score: number | null;
  severity: HealthSeverity;
  detail: string;
  value: string | null;
  recommendation: string | null;
  methodology: string;
  thresholds: Record<string, number>;
  raw_value: number | null;
  data_available: boolean;
}

export interface DomainScore {
  domain: HealthDomain;
  label: string;
  weight: number;
  score: number | null;
  status: HealthStatus;
  available: number;
  total: number;
}

export interface HealthHistoryPoint {
  timestamp: string;
  overall_score: number | null;
  domain_scores: Record<string, number | null>;
}

export interface WfWindow {
  source: string;
  metric: string;
  fold: number;
  train_start: string | null;
  train_end: string | null;
  test_start: string | null;
  test_end: string | null;
  is_metric: number | null;
  oos_metric: number | null;
}

export interface CacheAgeRow {
  id: string;
  ticker: string;
  timeframe: string;
  origin: string;
  /** days since the data was imported / fetched / generated */
  days: number;
}

export interface HealthReport {
  generated_at: string;
  overall_score: number | null;
  overall_status: HealthStatus;
  overall_methodology: string;
  domains: DomainScore[];
  checks: HealthCheckItem[];
  strengths: HealthCheckItem[];
  /** stage → count, from the registry only; null when there is no registry */
  promotion_funnel: Record<string, number> | null;
  feature_inventory: Record<string, number>;
  knob_inventory: { name: string; value: string | number | boolean | null; module: string }[];
  wf_windows: WfWindow[];
  cache_age: CacheAgeRow[];
}
