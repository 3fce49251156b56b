/**
 * The app-facing contract of the back end (the main-thread facade over storage, the job
 * runner and the worker pool). Pages talk only to this interface, never to IndexedDB,
 * DuckDB or workers directly — the same split as a backend behind a typed handler table.
 */
import type {
  Bars,
  DatasetMeta,
  DatasetOrigin,
  QualityStatus,
  Envelope,
  JobEvent,
  JobRecord,
  Json,
  LogEntry,
  LogLevel,
  ManifestInput,
  Settings,
} from '../engine/contracts';
import type { Timeframe } from '../engine/contracts/datasets';
import type { ExportedFile, ExportFormat, ImportFileInput, ImportFilesOptions, LiveFetchRequest } from './data-api';

export * from './data-api';
export type {
  ArbSviInputs,
  ArbSviResult,
  ChainImportResult,
  HestonCalibrationResult,
  HestonSurfaceResult,
  IvSurfaceGrid,
} from './iv/results';
export type { ChainFailure, ChainUploadInfo, OptionChainSummary, StoredOptionChain as OptionChainView } from '../storage/option-chains';
import type { ChainUploadInfo, OptionChainSummary, StoredOptionChain } from '../storage/option-chains';
import type { ArbSviResult, HestonCalibrationResult, HestonSurfaceResult } from './iv/results';

/** Job types known to the runner; each has a handler in the compute worker. */
export const JOB_TYPES = [
  'data_load',
  'selftest',
  'features',
  'regime_detect',
  'import_files',
  'fetch',
  'iv_heston',
  'iv_arb_svi',
  'iv_chain_import',
  'iv_heston_calibrate',
  'backtest',
  'train',
  'autopilot_cycle',
  'paper_cycle',
  'health_check',
  'predict',
  'sweep',
  'kalshi_import',
  'kalshi_fetch',
  // (add new job types above this line, one per line)
] as const;
export type JobType = (typeof JOB_TYPES)[number];

export interface JobRequest {
  type: JobType;
  params: { [k: string]: Json };
  /** datasets/artifacts the job reads, with checksums, for the manifest */
  inputs?: ManifestInput[];
}

export interface StorageEstimate {
  usage: number;
  quota: number;
  persisted: boolean;
}

export type DataWorkerState = 'idle' | 'loading' | 'ready' | 'error';

export interface WorkerStatus {
  poolSize: number;
  busy: number;
  /** workers replaced after a crash since start */
  restarts: number;
  dataWorker: DataWorkerState;
  dataWorkerError?: string;
}

export interface BootInfo {
  /** jobs found running at start-up and marked failed (interrupted) */
  interruptedJobs: number;
  settings: Settings;
}

export interface SqlResult {
  columns: string[];
  rows: (string | number | boolean | null)[][];
  /** true when the result had more rows than were returned (cap 100,000) */
  truncated?: boolean;
}

/** A stored job result (see storage/artifacts). */
export interface ArtifactInfo {
  key: string;
  createdAt: string;
  jobId?: string;
  manifestId?: string;
  value: Json;
}

/** Filter for the persisted log store (newest first). */
export interface LogQueryOptions {
  limit?: number;
  sinceTs?: number;
  untilTs?: number;
  levels?: LogLevel[];
  jobId?: string;
  traceId?: string;
}

/** Thrown by submitJob when 20 jobs are already pending. */
export class QueueFullError extends Error {
  constructor() {
    super('Job queue full (20 pending) — wait for a job to finish or cancel one, then try again.');
    this.name = 'QueueFullError';
  }
}

// ---- research results (features, regimes) -------------------------------------------------

export const FEATURE_SET_NAMES = ['core', 'full'] as const;
export type FeatureSetName = (typeof FEATURE_SET_NAMES)[number];

export const REGIME_METHOD_NAMES = ['hmm', 'jump', 'rules', 'consensus'] as const;
export type RegimeMethodName = (typeof REGIME_METHOD_NAMES)[number];

/** Params of a `features` job. */
export interface FeaturesJobParams {
  datasetIds: string[];
  /** 'core' = the 24 contract-B features; 'full' = every registered feature */
  set: FeatureSetName;
  /** dataset supplying benchmark closes (beta_60); without it those columns are all NaN */
  benchmarkId?: string;
}

/** Params of a `regime_detect` job. */
export interface RegimeJobParams {
  datasetId: string;
  method: RegimeMethodName;
  /** HMM states (default 4); the jump model uses min(states, 4); ignored by rules/consensus labels */
  states?: number;
  /** observation features (default ['logret_1', 'vol_20']); ignored by rules */
  features?: string[];
  /** jump-model switching penalty λ (default 3 × number of features) */
  penalty?: number;
  benchmarkId?: string;
}

/** One input of a computed result, with what the app needs to label its provenance. */
export interface ResultInput {
  role: 'dataset' | 'benchmark';
  datasetId: string;
  ticker: string;
  origin: DatasetOrigin;
  source: string;
  checksum: string;
  quality: QualityStatus;
  storedAt: string;
  /** last bar (ISO) */
  last: string | null;
}

/** A stored feature set of one dataset (artifact `features/<manifestId>/<datasetId>`). */
export interface FeatureView {
  datasetId: string;
  ticker: string;
  set: FeatureSetName;
  benchmarkId: string | null;
  names: string[];
  /** feature family per column (registry) */
  families: string[];
  /** bar timestamps (epoch ms UTC) */
  dates: Float64Array;
  /** one column per name, NaN = missing */
  columns: Float64Array[];
  /** declared warm-up (first row that can be valid) per column */
  warmup: number[];
  /** first row with a value per column, −1 if none */
  firstValid: number[];
  /** NaN count per column */
  missing: number[];
  /** benchmark-dependent columns left all-NaN because no benchmark was given */
  missingBenchmark: string[];
  /** content checksum of the columns (engine `computeFeatureSet`) */
  checksum: string;
  inputs: ResultInput[];
  warnings: string[];
  engineVersion: string;
  manifestId: string;
  computedAt: string;
}

/** Statistics of one state of a regime result (over its causal path). */
export interface RegimeStateStats {
  state: number;
  /** canonical regime (0 Trending Bull, 1 Trending Bear, 2 Mean Reverting, 3 High Volatility) */
  regime: number;
  label: string;
  count: number;
  share: number;
  /** mean simple daily return */
  meanReturn: number;
  /** annualised volatility of daily returns */
  vol: number;
  /** observed mean run length in bars */
  meanDuration: number;
  /** expected stay 1/(1 − A_ii) in bars */
  expectedDuration: number;
  runs: number;
}

export interface CurrentRegimeView {
  /** ISO date of the last analysed bar */
  date: string;
  regime: number;
  label: string;
  /** raw state (HMM/jump) or the regime */
  state: number;
  /** canonical probabilities [bull, bear, mean-reverting, high-vol] */
  probs: number[];
  confidence: number;
  /** normalised entropy of probs, 0..1 */
  uncertainty: number;
  /** uncertainty-gate position multiplier (0.80..1) */
  sizeMultiplier: number;
}

/** One component of a consensus result. */
export interface RegimeComponentView {
  name: 'hmm' | 'rules' | 'jump';
  weight: number;
  regime: Int32Array;
  confidence: Float64Array;
}

/**
 * A regime result for the Model Lab / Dashboard (artifact `regime/<manifestId>`). Arrays are
 * aligned on `dates` (the bars the method covers). Only `filtered`, `canonical`, `regime`,
 * `confidence` and `causalPath` are causal; `smoothed` and `path` use future bars (display only).
 */
export interface RegimeView {
  method: RegimeMethodName;
  datasetId: string;
  ticker: string;
  features: string[];
  /** K: columns of filtered/smoothed (raw states; 4 canonical regimes for rules/consensus) */
  states: number;
  /** canonical regime of each state */
  stateRegimes: number[];
  /** display label of each state, e.g. "State 2 · Mean Reverting" */
  stateLabels: string[];
  dates: Float64Array;
  close: Float64Array;
  /** causal probabilities over the K states, T×K row-major */
  filtered: Float64Array;
  /** two-sided posteriors (HMM only), T×K; display only */
  smoothed: Float64Array | null;
  smoothedDisplayOnly: true;
  /** causal canonical probabilities, T×4 */
  canonical: Float64Array;
  /** causal canonical regime per bar */
  regime: Int32Array;
  confidence: Float64Array;
  uncertainty: Float64Array;
  /** display path: Viterbi (hmm), whole-sample DP (jump), two-sided min-duration (rules), consensus regime */
  path: Int32Array;
  pathKind: 'viterbi' | 'jump-dp' | 'rules-smoothed' | 'consensus';
  /** causal state per bar (argmax filtered / online state) */
  causalPath: Int32Array;
  /** K×K row-major (NaN for a state never left) */
  transmat: Float64Array;
  transmatSource: 'fitted' | 'empirical';
  /** expected durations in bars, length K */
  durations: Float64Array;
  stats: RegimeStateStats[];
  current: CurrentRegimeView | null;
  /** method diagnostics (loglik, iterations, converged, penalty, objective …) */
  diagnostics: { [k: string]: number | string | boolean | null };
  components: RegimeComponentView[] | null;
  inputs: ResultInput[];
  warnings: string[];
  engineVersion: string;
  manifestId: string;
  computedAt: string;
}

export interface FeatureResultQuery {
  set?: FeatureSetName;
  benchmarkId?: string;
}

export interface RegimeResultQuery {
  /** the latest universe (pooled) HMM result of the dataset instead of its own fit (other fields ignored) */
  pooled?: boolean;
  states?: number;
  features?: string[];
  penalty?: number;
  benchmarkId?: string;
}

// ---- backtests (backtest engineer) --------------------------------------------------------

/** Normalised params of a `backtest` job (every field reaches the simulator config). */
export interface BacktestParams {
  datasetIds: string[];
  benchmarkId: string | null;
  rule: { kind: 'sma'; fast: number; slow: number };
  /** where entries come from: the SMA rule, or a Signal Desk run's predictions */
  signal_source: 'rule' | 'predictions';
  /** the `predict` job whose stored predictions drive the run (signal_source = predictions) */
  predictions_run: string | null;
  holding_period: number;
  max_positions: number;
  entry_threshold: number;
  position_size: number;
  fill: 'open' | 'close';
  stop_loss: number | null;
  take_profit: number | null;
  trailing_stop: number | null;
  commission_bps: number;
  spread_bps: number;
  risk_management: boolean;
  initial_capital: number;
  /** strategies tried (deflated Sharpe) */
  trials: number;
}

/** A stored backtest (artifact `backtest/<manifestId>`); arrays are aligned on `dates` (epoch ms). */
export interface BacktestView {
  params: BacktestParams;
  tickers: string[];
  dates: number[];
  equity: number[];
  returns: number[];
  /** benchmark compounded from the initial capital on the strategy dates; null without one */
  benchmarkEquity: number[] | null;
  drawdown: (number | null)[];
  rollingVol: (number | null)[];
  rollingSharpe: (number | null)[];
  rollingWindow: number;
  comparison: {
    benchmark: string;
    benchmarkReturns: number[];
    rollingCorrelation60: (number | null)[];
    rollingBeta60: (number | null)[];
    rollingAlpha60: (number | null)[];
  } | null;
  trades: {
    n: number;
    ticker: string[];
    entryDate: string[];
    exitDate: string[];
    entryPrice: (number | null)[];
    exitPrice: (number | null)[];
    shares: (number | null)[];
    netReturn: (number | null)[];
    pnl: (number | null)[];
    holdingDays: number[];
    exitReason: string[];
    regime: number[];
  };
  /** the engine's backtest report (contract E performance, trades, risk, drawdowns, validation, attribution) */
  report: { [k: string]: Json };
  inputs: ResultInput[];
  warnings: string[];
  engineVersion: string;
  manifestId: string;
  computedAt: string;
}

/** One `backtest` job for the run history. */
export interface BacktestRunSummary {
  jobId: string;
  status: JobRecord['status'];
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  params: { [k: string]: Json };
  manifestId: string;
  resultKey?: string;
  error?: string;
}

/** Normalised params of a `sweep` job (dual-SMA grid over the tickers' common dates). */
export interface SweepParams {
  datasetIds: string[];
  fast: { from: number; to: number; step: number };
  slow: { from: number; to: number; step: number };
  /** cost per unit of weight traded, basis points */
  costBps: number;
  /** bars between the crossover and the position (1 = traded at the next close) */
  lag: number;
  /** blocks for the CSCV probability of backtest overfitting */
  pboBlocks: number;
}

/** A stored sweep (artifact `sweep/<manifestId>`): metrics per combination, grid order. */
export interface SweepView {
  params: SweepParams;
  tickers: string[];
  /** common dates used (first, last) and their count */
  firstDate: string;
  lastDate: string;
  rows: number;
  fast: number[];
  slow: number[];
  sharpe: (number | null)[];
  totalReturn: (number | null)[];
  maxDrawdown: (number | null)[];
  trades: number[];
  best: { index: number; fast: number; slow: number; sharpe: number; trials: number; dsr: number | null; dsrPValue: number | null; pbo: number | null };
  /** shards the combinations were split into, and the throughput */
  shards: number;
  barStepsPerSecond: number;
  elapsedMs: number;
  inputs: ResultInput[];
  warnings: string[];
  engineVersion: string;
  manifestId: string;
  computedAt: string;
}

export interface Backend {
  /** Opens storage, runs migrations, marks interrupted jobs, configures logging once. Idempotent. */
  boot(): Promise<BootInfo>;

  getSettings(): Promise<Settings>;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;

  listDatasets(): Promise<DatasetMeta[]>;
  /** Bars of one dataset with provenance (demo → demo; file → live; proxy → cached with age). */
  loadBars(id: string): Promise<Envelope<{ meta: DatasetMeta; bars: Bars }>>;
  deleteDataset(id: string): Promise<void>;

  submitJob(req: JobRequest): Promise<JobRecord>;
  cancelJob(id: string): Promise<void>;
  listJobs(limit?: number): Promise<JobRecord[]>;
  /** Subscribe to job events of all jobs; returns an unsubscribe function. */
  onJobEvent(cb: (e: JobEvent) => void): () => void;

  storageEstimate(): Promise<StorageEstimate>;
  /** Asks the browser to make storage persistent; resolves to the granted state. */
  requestPersistence(): Promise<boolean>;

  workerStatus(): WorkerStatus;
  onWorkerStatus(cb: (s: WorkerStatus) => void): () => void;

  /** Latest in-memory log records (ring of 500) and a live subscription. */
  recentLogs(): LogEntry[];
  onLog(cb: (e: LogEntry) => void): () => void;
  log(entry: Omit<LogEntry, 'ts'>): void;

  /** Runs SQL in the DuckDB data worker (loads DuckDB-WASM lazily on first use). */
  sql(query: string): Promise<SqlResult>;

  /** Checks that a proxy answers at `url` (GET /health); throws a specific error otherwise. */
  pingProxy(url: string): Promise<{ ok: true; version: string }>;

  // ---- additions (back-end engineer) ------------------------------------------------------
  /** One job record (in-memory state for unfinished jobs), or undefined. */
  getJob(id: string): Promise<JobRecord | undefined>;
  /** Deletes a finished job's record (refuses queued/running jobs: cancel them first). */
  deleteJob(id: string): Promise<void>;
  getArtifact(key: string): Promise<ArtifactInfo | undefined>;
  /** Newest artifact whose key starts with `prefix` (e.g. "selftest/"). */
  latestArtifact(prefix: string): Promise<ArtifactInfo | undefined>;
  /** Called after stored datasets changed (a data_load job finished, a dataset was deleted). */
  onDatasetsChanged(cb: () => void): () => void;
  /** Records from the persisted log store (up to 10,000 / 7 days), newest first. */
  queryLogs(q?: LogQueryOptions): Promise<LogEntry[]>;
  /** Clears the live view; with `persisted: true` also the stored records. */
  clearLogs(opts?: { persisted?: boolean }): Promise<void>;

  // ---- additions (features/regimes engineer) ----------------------------------------------
  /**
   * The stored feature set of a dataset, or null when none was computed. With `q`, exactly the
   * result for those params and the dataset's current contents; without, the latest `features`
   * run for the dataset (a warning says when its data changed since). Mode combines the input
   * datasets' origins (demo input → demo).
   */
  getFeatureResult(datasetId: string, q?: FeatureResultQuery): Promise<Envelope<FeatureView> | null>;
  /** The stored regime result of a dataset and method, or null (same lookup rules as features). */
  getRegimeResult(datasetId: string, method: RegimeMethodName, q?: RegimeResultQuery): Promise<Envelope<RegimeView> | null>;

  // ---- additions (data import / live fetch engineer) --------------------------------------
  /**
   * Queues an `import_files` job: the files go to the data worker with the job (never into its
   * params); parse → quality report → one atomic write of every (ticker, timeframe) dataset.
   */
  importFiles(files: ImportFileInput[], opts?: ImportFilesOptions): Promise<JobRecord>;
  /** Queues a `fetch` job through the proxy configured in Settings (throws when none is set). */
  fetchLive(req: LiveFetchRequest): Promise<JobRecord>;
  /**
   * A stored dataset shown after a live fetch failed: labelled cached (with its age) and the
   * failure as a warning; null when no copy is stored. Demo data is never offered this way.
   */
  loadCachedAfterFailure(id: string, failure: string): Promise<Envelope<{ meta: DatasetMeta; bars: Bars }> | null>;
  /** A stored intraday dataset resampled to a higher timeframe (derived on demand, not stored). */
  resampleBars(id: string, to: Timeframe): Promise<Envelope<{ meta: DatasetMeta; bars: Bars }>>;
  /** A dataset (optionally resampled) as a CSV (RFC-4180) or Parquet (hyparquet-writer) file. */
  exportDataset(id: string, format: ExportFormat, opts?: { resampleTo?: Timeframe }): Promise<ExportedFile>;

  // ---- additions (IV surface engineer) -----------------------------------------------------
  /** Stages an option-chain file for an `iv_chain_import` job (params carry its id, not its bytes). */
  stageOptionChainFile(file: { name: string; bytes: ArrayBuffer }): Promise<ChainUploadInfo>;
  /** Stored option chains, newest quote date first. */
  listOptionChains(): Promise<OptionChainSummary[]>;
  /** One stored chain (every quote row with its code, the failures, the SVI fit) with provenance. */
  getOptionChain(id: string): Promise<Envelope<StoredOptionChain>>;
  deleteOptionChain(id: string): Promise<void>;
  /** The newest Heston calibration of the chain's current contents, or null. */
  getHestonCalibration(chainId: string): Promise<Envelope<HestonCalibrationResult> | null>;
  /** Result of an `iv_heston` job (model output, labelled so). */
  getIvHestonSurface(resultKey: string): Promise<Envelope<HestonSurfaceResult>>;
  /** Result of an `iv_arb_svi` job (simulated quotes: demo). */
  getIvArbSvi(resultKey: string): Promise<Envelope<ArbSviResult>>;

  // ---- additions (signals engineer) --------------------------------------------------------
  /** Model versions for the Signal Desk picker (newest first) and the champion id. */
  getSignalModels(): Promise<import('./models/signal-views').SignalModelsView>;
  /** A stored `predict` run by job id or 'latest'; null when none. */
  getPredictions(runId: string): Promise<Envelope<import('./models/signal-views').PredictionsView> | null>;
  /** The last 20 `predict` jobs, newest first. */
  listPredictRuns(): Promise<import('./models/signal-views').PredictRunSummary[]>;

  // ---- additions (backtest engineer) -------------------------------------------------------
  /** The last 20 `backtest` jobs, newest first. */
  listBacktestRuns(): Promise<BacktestRunSummary[]>;
  /** A stored backtest by job id, result key or 'latest' (newest succeeded run); null when none. */
  getBacktestResult(runId: string): Promise<Envelope<BacktestView> | null>;
  /** A stored parameter sweep by job id or 'latest'; null when none. */
  getSweepResult(runId: string): Promise<Envelope<SweepView> | null>;

  // ---- additions (autopilot app engineer) --------------------------------------------------
  /** A stored autopilot cycle by job id or 'latest' (newest, dry runs included); null when none. */
  getAutopilotCycle(runId: string): Promise<Envelope<import('./autopilot/views').AutopilotCycleView> | null>;
  /** The last 20 `autopilot_cycle` / `paper_cycle` jobs, newest first. */
  listAutopilotRuns(): Promise<import('./autopilot/views').AutopilotRunSummary[]>;
  /** The strategy registry {active, history} with the provenance of the cycle that last changed it. */
  getStrategyRegistry(): Promise<Envelope<import('./autopilot/views').StrategyRegistryView>>;
  /** The paper account with its equity curve derived from trades and marks; null when never set up. */
  getPaperAccount(): Promise<Envelope<import('./autopilot/views').PaperAccountView> | null>;
  /** Discards every paper position and trade and starts again with `initialCapital` (default 1,000,000 in the UI). */
  resetPaperAccount(initialCapital: number): Promise<void>;

  // ---- additions (kalshi engineer) ---------------------------------------------------------
  /** Stages a Kalshi markets/quotes/outcomes file for a `kalshi_import` job (its kind read from the header). */
  stageKalshiFile(file: { name: string; text: string; kind?: 'markets' | 'quotes' | 'outcomes' }): Promise<import('./kalshi/backend-ops').KalshiStagedFile>;
  /** Stored Kalshi event types with market/event counts and origins. */
  listKalshiEventTypes(): Promise<import('./kalshi/backend-ops').KalshiEventTypeSummary[]>;
  /** The Kalshi Events view of one event type (distribution, surprises, walk-forward), or null. */
  getKalshiView(eventType: string): Promise<Envelope<import('./kalshi/views').StoredKalshiView> | null>;
  /** Deletes every stored Kalshi market, contract, quote and outcome. */
  clearKalshiData(): Promise<void>;

  // ---- additions (health engineer) ---------------------------------------------------------
  /** A stored health snapshot by job id, `health/<jobId>` or 'latest' (null when none); demo when any input dataset is demo. */
  getHealthSnapshot(ref?: string): Promise<Envelope<import('./health/view').HealthSnapshot> | null>;
  /** The health trend, oldest first (one point per `health_check` run, ≤ 90). */
  getHealthHistory(): Promise<import('./health/view').HealthHistoryPoint[]>;

  // ---- additions (training engineer) -------------------------------------------------------
  /** Model registry summaries (newest first) and the champion id; demo when any version is demo. */
  listModels(): Promise<Envelope<import('./models/views').ModelListView>>;
  /** One stored model version (manifest, serialized model, train report), or null. */
  getModel(id: string): Promise<Envelope<import('../storage/model-registry').ModelVersion> | null>;
  /** A `train` job's stored run (accepted or rejected, with diagnostics) by job id or 'latest'. */
  getTrainRun(jobIdOrLatest: string): Promise<Envelope<import('./models/views').TrainRunView> | null>;
  /** Champion/challenger promotion by the governance rule, or an explicit recorded override. */
  promoteModel(id: string, opts?: import('../storage/model-registry').PromoteOptions): Promise<import('../storage/model-registry').PromotionDecision>;
  /** Leaves the registry without a champion (recorded); returns the demoted id. */
  demoteChampion(reason: string): Promise<string | null>;
  /** Deletes a non-champion model version. */
  deleteModel(id: string): Promise<void>;
  /** Retrain triggers (staleness, OOS quality, feature drift, changed inputs) of a version. */
  getRetrainWarnings(id: string): Promise<Envelope<import('./models/views').RetrainWarningsView>>;
}
