/**
 * What the data worker exposes, minus the worker plumbing: lazy DuckDB start-up with state
 * reporting, stored datasets mirrored into DuckDB before each query, and dataset decoding.
 * The DuckDB loader is injected (the worker passes the WASM one).
 */
import type { Bars, DatasetMeta, JobManifest, Json, Timeframe } from '../engine/contracts';
import { encodeBars } from '../storage/bars-codec';
import type { ArrowTableLike } from '../storage/sources/file-import-arrow';
import type { ExportedFile, ExportFormat } from './data-api';
import { barsToCsv, resampleDataset } from './dataset-export';
import { importFilesJob } from './handlers/import';
import type { ImportFilePayload, JobResult } from './protocol';
import { createMacrotaskYield, createWorkerContext } from './worker-context';
import { listDatasets } from '../storage/catalog';
import { loadDataset, loadDatasetBytes } from '../storage/datasets';
import type { QeDb } from '../storage/db';
import type { Logger } from '../storage/log/bus';
import type { DataWorkerState, SqlResult } from './api';
import { barsViewSql, datasetsTableSql, duckTableName, planSync, quoteIdent } from './duck-catalog';
import type { DataWorkerApi } from './protocol';
import { type TableLike, tableToSqlResult } from './sql-result';

/** The part of a DuckDB connection the host uses. */
export interface DuckConnection {
  query(sql: string): Promise<TableLike>;
  insertArrowFromIPCStream(bytes: Uint8Array, options: { name: string; create?: boolean }): Promise<void>;
  /** Virtual files (Parquet in and out); absent on connections that cannot hold files. */
  registerFileBuffer?(name: string, bytes: Uint8Array): Promise<void>;
  copyFileToBuffer?(name: string): Promise<Uint8Array>;
  dropFile?(name: string): Promise<void>;
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
  /** longest wait for DuckDB to load its parquet extension (default 60 s) */
  parquetLoadTimeoutMs?: number;
}

/** DuckDB could not give Parquet support (its extension is downloaded on first use). */
export class ParquetUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `Parquet support is unavailable: DuckDB-WASM loads its parquet extension from extensions.duckdb.org on first use, and that failed (${detail}). ` +
        'Are you offline? Import CSV or Arrow IPC (.arrow/.feather) instead, or export CSV.',
    );
    this.name = 'ParquetUnavailableError';
  }
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
  private parquetReady: Promise<void> | null = null;
  private fileSeq = 0;
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

  /** Runs `fn` on the DuckDB connection after every earlier query (one connection, one at a time). */
  private withDuck<T>(fn: (conn: DuckConnection) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => fn(await this.connection()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async ensureParquet(conn: DuckConnection): Promise<void> {
    if (!this.parquetReady) {
      const ms = this.deps.parquetLoadTimeoutMs ?? 60_000;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
      });
      const loading = Promise.race([conn.query('LOAD parquet').then(() => undefined), timeout]).finally(() => clearTimeout(timer));
      this.parquetReady = loading.catch((e: unknown) => {
        this.parquetReady = null; // try again next time (the network may be back)
        throw new ParquetUnavailableError(e instanceof Error ? e.message : String(e));
      });
    }
    return this.parquetReady;
  }

  /** Parquet bytes → Arrow table via DuckDB `read_parquet` on a registered file buffer. */
  readParquet(bytes: Uint8Array, file: string): Promise<ArrowTableLike> {
    return this.withDuck(async (conn) => {
      if (!conn.registerFileBuffer || !conn.dropFile) throw new ParquetUnavailableError('this DuckDB connection cannot register files');
      await this.ensureParquet(conn);
      const name = `qe_import_${++this.fileSeq}.parquet`;
      await conn.registerFileBuffer(name, bytes);
      try {
        return (await conn.query(`SELECT * FROM read_parquet('${name}')`)) as unknown as ArrowTableLike;
      } catch (e) {
        throw new Error(`${file}: not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
      } finally {
        await conn.dropFile(name);
      }
    });
  }

  /** Runs a job that needs this worker (imports: files + DuckDB); only `import_files` exists. */
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
    if (!this.yieldFn) this.yieldFn = this.deps.yieldFn ?? createMacrotaskYield();
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
      const handler = importFilesJob(files, { readParquet: (b, f) => this.readParquet(b, f) });
      return await handler(params, ctx, {
        jobId,
        manifest,
        db: this.deps.db,
        now: this.deps.wallNow ?? Date.now,
        monotonic: this.deps.now,
        log,
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

  /** CSV built here; Parquet written by DuckDB (`COPY … TO 'x.parquet'`). */
  async exportDataset(id: string, format: ExportFormat, resampleTo?: Timeframe): Promise<ExportedFile> {
    let { meta, bars } = await this.loadDataset(id);
    if (resampleTo && resampleTo !== meta.timeframe) ({ meta, bars } = resampleDataset(meta, bars, resampleTo));
    const rows = bars.ts.length;
    if (format === 'csv') {
      const bytes = new TextEncoder().encode(barsToCsv(meta.ticker, meta.timeframe, bars));
      return { bytes: bytes.buffer as ArrayBuffer, mime: 'text/csv', rows };
    }
    const ipc = new Uint8Array(encodeBars(bars));
    const ticker = meta.ticker.replace(/'/g, "''");
    const time = meta.timeframe === '1d' ? 'CAST(epoch_ms(ts::BIGINT) AS DATE) AS date' : 'epoch_ms(ts::BIGINT) AS ts_utc';
    return this.withDuck(async (conn) => {
      if (!conn.copyFileToBuffer || !conn.dropFile) throw new ParquetUnavailableError('this DuckDB connection cannot write files');
      await this.ensureParquet(conn);
      const n = ++this.fileSeq;
      const table = `qe_export_${n}`;
      const file = `qe_export_${n}.parquet`;
      await conn.insertArrowFromIPCStream(ipc, { name: table, create: true });
      try {
        await conn.query(
          `COPY (SELECT '${ticker}' AS ticker, ${time}, open, high, low, close, volume FROM "${table}" ORDER BY ts) TO '${file}' (FORMAT PARQUET)`,
        );
        const out = await conn.copyFileToBuffer!(file);
        const copy = out.slice();
        return { bytes: copy.buffer as ArrayBuffer, mime: 'application/vnd.apache.parquet', rows };
      } finally {
        await conn.query(`DROP TABLE IF EXISTS "${table}"`);
        await conn.dropFile!(file);
      }
    });
  }
}
