/**
 * Main-thread handle on the data worker: created on first use, reports DuckDB state, and is
 * recreated after a crash. Worker creation and connection are injected (tests use fakes).
 */
import type { Bars, DatasetMeta, JobRecord, Timeframe } from '../engine/contracts';
import type { ExportedFile, ExportFormat } from './data-api';
import type { ImportFilePayload, JobResult } from './protocol';
import type { Logger } from '../storage/log/bus';
import type { DataWorkerState, SqlResult } from './api';
import type { WorkerLike } from './pool';

export interface DataConnection {
  watchState(cb: (state: DataWorkerState, error?: string) => void): Promise<void>;
  sql(query: string): Promise<SqlResult>;
  loadDataset(id: string): Promise<{ meta: DatasetMeta; bars: Bars }>;
  release?(): void;
  /** Data-worker jobs (imports); absent on connections that do not run jobs. */
  runJob?(record: JobRecord, files: ImportFilePayload[], onProgress: (fraction: number, stage: string) => void): Promise<JobResult>;
  cancelJob?(jobId: string): Promise<void>;
  resampleDataset?(id: string, to: Timeframe): Promise<{ meta: DatasetMeta; bars: Bars }>;
  exportDataset?(id: string, format: ExportFormat, resampleTo?: Timeframe): Promise<ExportedFile>;
}

export class DataWorkerFeatureError extends Error {
  constructor(what: string) {
    super(`the data worker connection does not support ${what}`);
    this.name = 'DataWorkerFeatureError';
  }
}

export interface DataClientOptions {
  createWorker: () => WorkerLike;
  connect: (w: WorkerLike) => DataConnection;
  onWorkerLog?: (data: unknown) => void;
  logger?: Logger;
}

export class DataWorkerClient {
  private worker: WorkerLike | null = null;
  private conn: DataConnection | null = null;
  private current: { state: DataWorkerState; error?: string } = { state: 'idle' };
  private readonly listeners = new Set<(s: DataWorkerState, error?: string) => void>();

  constructor(private readonly opts: DataClientOptions) {}

  state(): { state: DataWorkerState; error?: string } {
    return { ...this.current };
  }

  subscribe(cb: (s: DataWorkerState, error?: string) => void): () => void {
    this.listeners.add(cb);
    return () => {
      this.listeners.delete(cb);
    };
  }

  private set(state: DataWorkerState, error?: string): void {
    this.current = error === undefined ? { state } : { state, error };
    for (const cb of this.listeners) cb(state, error);
  }

  private connection(): DataConnection {
    if (this.conn) return this.conn;
    const worker = this.opts.createWorker();
    const conn = this.opts.connect(worker);
    worker.addEventListener('message', (ev) => this.opts.onWorkerLog?.((ev as MessageEvent).data));
    const crashed = (detail: string) => {
      if (this.worker !== worker) return;
      this.opts.logger?.error(`data worker crashed: ${detail}`);
      this.set('error', `data worker crashed: ${detail}`);
      conn.release?.();
      worker.terminate();
      this.worker = null;
      this.conn = null;
    };
    worker.addEventListener('error', (ev) => crashed((ev as ErrorEvent).message || 'failed to load or stopped'));
    worker.addEventListener('messageerror', () => crashed('undecodable message'));
    this.worker = worker;
    this.conn = conn;
    conn
      .watchState((s, e) => {
        if (this.worker === worker) this.set(s, e);
      })
      .catch((e: unknown) => this.opts.logger?.warning('could not watch the data worker state', { error: e }));
    return conn;
  }

  sql(query: string): Promise<SqlResult> {
    return this.connection().sql(query);
  }

  loadDataset(id: string): Promise<{ meta: DatasetMeta; bars: Bars }> {
    return this.connection().loadDataset(id);
  }

  runJob(record: JobRecord, files: ImportFilePayload[], onProgress: (fraction: number, stage: string) => void): Promise<JobResult> {
    const c = this.connection();
    if (!c.runJob) return Promise.reject(new DataWorkerFeatureError('import jobs'));
    return c.runJob(record, files, onProgress);
  }

  async cancelJob(jobId: string): Promise<void> {
    await this.conn?.cancelJob?.(jobId);
  }

  /** Kills the worker (a job ignored cancel); the next call starts a fresh one. */
  restart(reason: string): void {
    if (!this.worker) return;
    this.opts.logger?.warning(`restarting the data worker: ${reason}`);
    this.dispose();
    this.set('idle');
  }

  resampleDataset(id: string, to: Timeframe): Promise<{ meta: DatasetMeta; bars: Bars }> {
    const c = this.connection();
    if (!c.resampleDataset) return Promise.reject(new DataWorkerFeatureError('resampling'));
    return c.resampleDataset(id, to);
  }

  exportDataset(id: string, format: ExportFormat, resampleTo?: Timeframe): Promise<ExportedFile> {
    const c = this.connection();
    if (!c.exportDataset) return Promise.reject(new DataWorkerFeatureError('exports'));
    return c.exportDataset(id, format, resampleTo);
  }

  dispose(): void {
    this.conn?.release?.();
    this.worker?.terminate();
    this.worker = null;
    this.conn = null;
  }
}
