/**
 * What the data worker exposes, minus the worker plumbing: lazy DuckDB start-up with state
 * reporting, stored datasets mirrored into DuckDB before each query, dataset decoding, import
 * jobs and exports. Parquet is read and written in plain JS (hyparquet / hyparquet-writer), not
 * through DuckDB, whose parquet extension is downloaded on first use and so fails offline.
 * The DuckDB loader is injected (the worker passes the WASM one).
 */
import type { Bars, DatasetMeta, JobManifest, Json, Timeframe } from '../engine/contracts';
import type { ExportedFile, ExportFormat } from './data-api';
import { barsToCsv, resampleDataset } from './dataset-export';
import { importFilesJob } from './handlers/import';
import type { ImportFilePayload, JobResult } from './protocol';
import { createMacrotaskYield, createWorkerContext, timeSlicedYield } from './worker-context';
import { listDatasets } from '../storage/catalog';
import { loadDataset, loadDatasetBytes } from '../storage/datasets';
import type { QeDb } from '../storage/db';
import type { Logger } from '../storage/log/bus';
import type { DataWorkerState, SqlResult } from './api';
import { barsViewSql, datasetsTableSql, duckTableName, planSync, quoteIdent } from './duck-catalog';
import type { DataWorkerApi } from './protocol';
import { localParallelMap } from './shards/local';
import { type TableLike, tableToSqlResult } from './sql-result';

/** The part of a DuckDB connection the host uses. */
export interface DuckConnection {
  query(sql: string): Promise<TableLike>;
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create?: boolean }): Promise<void>;
}

export interface DataHostDeps {
  db(): Promise<QeDb>;
  /** Instantiates DuckDB and opens a connection (slow: downloads and compiles the WASM). */
  openDuck(): Promise<DuckConnection>;
  logger: Logger;
  now(): number;
  /** wall clock (epoch ms) for job timestamps; default Date.now */
  wallNow?(): number;
  /** a real macrotask yield so cancel messages arrive between chunks (default MessageChannel) */
  yieldFn?(): Promise<void>;
}

export class SqlError extends Error {
  constructor(query: string, cause: unknown) {
    const msg = cause instanceof Error ? cause.message : String(cause);
    super(`SQL failed: ${msg}${query.length < 200 ? ` (query: ${query})` : ''}`);
    this.name = 'SqlError';
  }
}

export class DataHost implements DataWorkerApi {
  private state: DataWorkerState = 'idle';
  private error: string | undefined;
  private watchers: Array<(state: DataWorkerState, error?: string) => void> = [];
  private duck: Promise<DuckConnection> | null = null;
  /** dataset id → checksum currently loaded into DuckDB */
  private readonly loaded = new Map<string, string>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly cancelled = new Set<string>();
  private readonly runningJobs = new Set<string>();
  private yieldFn: (() => Promise<void>) | null = null;

  constructor(private readonly deps: DataHostDeps) {}

  watchState(cb: (state: DataWorkerState, error?: string) => void): void {
    this.watchers.push(cb);
    cb(this.state, this.error);
  }

  private setState(state: DataWorkerState, error?: string): void {
    this.state = state;
    this.error = error;
    for (const cb of this.watchers) {
      Promise.resolve(cb(state, error)).catch((e: unknown) =>
        this.deps.logger.warning('data worker state report failed', { error: e }),
      );
    }
  }

  private connection(): Promise<DuckConnection> {
    if (!this.duck) {
      this.setState('loading');
      const t0 = this.deps.now();
      const started = this.deps.openDuck();
      this.duck = started;
      started.then(
        () => {
          this.setState('ready');
          this.deps.logger.info(`DuckDB ready in ${Math.round(this.deps.now() - t0)} ms`);
        },
        (e: unknown) => {
          const msg = `DuckDB failed to start: ${e instanceof Error ? e.message : String(e)}`;
          this.deps.logger.error(msg, { error: e });
          this.setState('error', msg);
          this.duck = null; // the next query retries
        },
      );
    }
    return this.duck;
  }

  /** Queries run one at a time (each first mirrors the catalog into DuckDB). */
  sql(query: string): Promise<SqlResult> {
    const run = this.queue.then(async () => {
      const conn = await this.connection();
      await this.sync(conn);
      try {
        return tableToSqlResult(await conn.query(query));
      } catch (e) {
        throw new SqlError(query, e);
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async sync(conn: DuckConnection): Promise<void> {
    const db = await this.deps.db();
    const metas = await listDatasets(db);
    const plan = planSync(this.loaded, metas);
    for (const id of plan.drop) {
      await conn.query(`DROP TABLE IF EXISTS ${quoteIdent(duckTableName(id))}`);
      this.loaded.delete(id);
    }
    for (const m of plan.load) {
      const { bytes, meta } = await loadDatasetBytes(db, m.id);
      const name = duckTableName(meta.id);
      await conn.query(`DROP TABLE IF EXISTS ${quoteIdent(name)}`);
      await conn.insertArrowFromIPCStream(new Uint8Array(bytes), { name, create: true });
      this.loaded.set(meta.id, meta.checksum);
    }
    // Cheap (catalog-sized) and keeps metadata-only changes visible.
    for (const stmt of datasetsTableSql(metas)) await conn.query(stmt);
    await conn.query(barsViewSql(metas));
  }

  async loadDataset(id: string): Promise<{ meta: DatasetMeta; bars: Bars }> {
    return loadDataset(await this.deps.db(), id);
  }

  /** Runs a job that needs this worker (imports: the files come with the job); only `import_files` exists. */
  async runJob(
    jobId: string,
    type: string,
    params: { [k: string]: Json },
    manifest: JobManifest,
    files: ImportFilePayload[],
    onProgress: (fraction: number, stage: string) => void,
  ): Promise<JobResult> {
    if (type !== 'import_files') throw new Error(`the data worker does not run "${type}" jobs`);
    const log = this.deps.logger.child(type);
    if (!this.yieldFn) this.yieldFn = this.deps.yieldFn ?? timeSlicedYield(createMacrotaskYield(), this.deps.now);
    const ctx = createWorkerContext({
      isCancelled: () => this.cancelled.has(jobId),
      report: (f, s) => {
        Promise.resolve(onProgress(f, s)).catch((e: unknown) => log.warning('progress report failed', { jobId, error: e }));
      },
      yieldFn: this.yieldFn,
      now: this.deps.now,
    });
    this.runningJobs.add(jobId);
    try {
      const handler = importFilesJob(files);
      const shardEnv = { db: this.deps.db, now: this.deps.wallNow ?? Date.now, monotonic: this.deps.now, log };
      return await handler(params, ctx, {
        ...shardEnv,
        jobId,
        manifest,
        parallelMap: localParallelMap(ctx, shardEnv),
      });
    } catch (e) {
      if (!(e instanceof Error && e.name === 'CancelledError')) {
        log.error(`job ${jobId} failed in the data worker: ${e instanceof Error ? e.message : String(e)}`, { jobId, error: e });
      }
      throw e;
    } finally {
      ctx.dispose();
      this.runningJobs.delete(jobId);
      this.cancelled.delete(jobId);
    }
  }

  cancelJob(jobId: string): void {
    if (this.runningJobs.has(jobId)) this.cancelled.add(jobId);
  }

  async resampleDataset(id: string, to: Timeframe): Promise<{ meta: DatasetMeta; bars: Bars }> {
    const { meta, bars } = await this.loadDataset(id);
    return resampleDataset(meta, bars, to);
  }

  /** CSV and Parquet (hyparquet-writer, the same writer as `qe import`) built here, offline. */
  async exportDataset(id: string, format: ExportFormat, resampleTo?: Timeframe): Promise<ExportedFile> {
    let { meta, bars } = await this.loadDataset(id);
    if (resampleTo && resampleTo !== meta.timeframe) ({ meta, bars } = resampleDataset(meta, bars, resampleTo));
    const rows = bars.ts.length;
    if (format === 'csv') {
      const bytes = new TextEncoder().encode(barsToCsv(meta.ticker, meta.timeframe, bars));
      return { bytes: bytes.buffer as ArrayBuffer, mime: 'text/csv', rows };
    }
    const { barsToParquet, PARQUET_MIME } = await import('../storage/parquet'); // the writer loads on first export
    const bytes = barsToParquet(meta.ticker, bars, meta.timeframe === '1d' ? 'daily' : 'intraday');
    return { bytes, mime: PARQUET_MIME, rows };
  }
}
