/**
 * The app-facing contract of the back end (the main-thread facade over storage, the job
 * runner and the worker pool). Pages talk only to this interface, never to IndexedDB,
 * DuckDB or workers directly — the same split as a backend behind a typed handler table.
 */
import type {
  Bars,
  DatasetMeta,
  Envelope,
  JobEvent,
  JobRecord,
  Json,
  LogEntry,
  LogLevel,
  ManifestInput,
  Settings,
} from '../engine/contracts';

/** Job types known to the runner; each has a handler in the compute worker. */
export const JOB_TYPES = ['data_load', 'selftest'] as const;
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
}
