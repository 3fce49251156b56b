/**
 * What the data worker exposes, minus the worker plumbing: lazy DuckDB start-up with state
 * reporting, stored datasets mirrored into DuckDB before each query, and dataset decoding.
 * The DuckDB loader is injected (the worker passes the WASM one).
 */
import type { Bars, DatasetMeta } from '../engine/contracts';
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
}

export interface DataHostDeps {
  db(): Promise<QeDb>;
  /** Instantiates DuckDB and opens a connection (slow: downloads and compiles the WASM). */
  openDuck(): Promise<DuckConnection>;
  logger: Logger;
  now(): number;
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
}
