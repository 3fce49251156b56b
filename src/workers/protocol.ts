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

/** Exposed by compute.worker.ts. `onProgress` is passed as a comlink proxy. */
export interface ComputeWorkerApi {
  run(
    jobId: string,
    type: string,
    params: { [k: string]: Json },
    manifest: JobManifest,
    onProgress: (fraction: number, stage: string) => void,
  ): Promise<JobResult>;
  /** Sets the job's cancel flag; the job stops at its next checkpoint. */
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
