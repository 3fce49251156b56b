/**
 * Message contracts between the main thread and the workers (used through comlink), plus the
 * one raw message type workers post themselves: forwarded log records.
 */
import type { Bars, DatasetMeta, JobManifest, Json, LogEntry } from '../engine/contracts';
import { logEntrySchema } from '../engine/contracts';
import type { DataWorkerState, SqlResult } from './api';
import type { Timeframe } from '../engine/contracts/datasets';
import type { ExportedFile, ExportFormat } from './data-api';

export interface JobResult {
  resultKey?: string;
}

/** The pool's answer to a request to run one shard on another (idle) worker. */
export type ShardAttempt =
  | { ok: true; output: unknown }
  /** `busy`: no idle worker (or a job is waiting for one); `crashed`: the helper died mid-shard. */
  | { ok: false; reason: 'busy' | 'crashed'; detail?: string };

/**
 * What a running job's worker may ask of the pool (a comlink proxy in the app): run one shard
 * on an idle worker. Each lend is for one shard only, so a lent worker goes back to the pool —
 * and to any job waiting for it — as soon as that shard is done.
 */
export interface ShardLender {
  /** how many other workers could ever help (pool size − 1) */
  capacity(): number | Promise<number>;
  /**
   * Workers free for a shard right now (0 while a job waits). Asked before `tryRun`, so a
   * shard's input — possibly megabytes — is not cloned to the main thread only to be refused.
   */
  idle(): number | Promise<number>;
  tryRun(task: string, input: unknown): Promise<ShardAttempt>;
  /** stops this job's shards that are still running on other workers */
  cancelAll(): void | Promise<void>;
}

/** Exposed by compute.worker.ts. `onProgress` is passed as a comlink proxy. */
export interface ComputeWorkerApi {
  run(
    jobId: string,
    type: string,
    params: { [k: string]: Json },
    manifest: JobManifest,
    onProgress: (fraction: number, stage: string) => void,
    lender?: ShardLender,
  ): Promise<JobResult>;
  /** Runs one shard lent by the pool for another worker's job; its typed arrays come back transferred. */
  runShard(runId: string, task: string, input: unknown): Promise<unknown>;
  /** Sets the cancel flag of a job or shard run; it stops at its next checkpoint. */
  cancel(jobId: string): void;
}

/** Exposed by data.worker.ts. */
export interface DataWorkerApi {
  /** Registers the callback that receives DuckDB state changes (passed as a comlink proxy). */
  watchState(cb: (state: DataWorkerState, error?: string) => void): void;
  sql(query: string): Promise<SqlResult>;
  /** Decodes a stored dataset; the Float64Arrays arrive as transferables. */
  loadDataset(id: string): Promise<{ meta: DatasetMeta; bars: Bars }>;
  /** Runs a job that needs this worker (`import_files`: the attached files). */
  runJob(
    jobId: string,
    type: string,
    params: { [k: string]: Json },
    manifest: JobManifest,
    files: ImportFilePayload[],
    onProgress: (fraction: number, stage: string) => void,
  ): Promise<JobResult>;
  /** Sets a running job's cancel flag; it stops at its next checkpoint. */
  cancelJob(jobId: string): void;
  /** A stored intraday dataset resampled to a higher timeframe (not stored). */
  resampleDataset(id: string, to: Timeframe): Promise<{ meta: DatasetMeta; bars: Bars }>;
  /** A dataset (optionally resampled) as CSV or Parquet bytes. */
  exportDataset(id: string, format: ExportFormat, resampleTo?: Timeframe): Promise<ExportedFile>;
}

/** A file handed to the data worker with an import job (a File/Blob, or transferred bytes). */
export interface ImportFilePayload {
  name: string;
  path: string;
  size: number;
  lastModified: number;
  blob?: Blob;
  bytes?: ArrayBuffer;
}

/** A log record a worker posts to the main thread's bus (workers keep no log of their own). */
export interface ForwardedLog {
  kind: 'qe-log';
  entry: LogEntry;
}

export function forwardedLog(entry: LogEntry): ForwardedLog {
  return { kind: 'qe-log', entry };
}

/** Returns the validated record if `data` is a forwarded log message, else null. */
export function readForwardedLog(data: unknown): LogEntry | null {
  if (typeof data !== 'object' || data === null || (data as { kind?: unknown }).kind !== 'qe-log') return null;
  return logEntrySchema((data as { entry: unknown }).entry, 'forwarded log');
}
