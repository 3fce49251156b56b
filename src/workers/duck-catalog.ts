/**
 * How stored datasets appear inside DuckDB: one table per dataset ("bars_<ticker>_<tf>"), a
 * `bars` view over all of them (ticker, timeframe, time, ts, open, high, low, close, volume) and
 * a `datasets` table mirroring the catalog. Pure SQL builders; the data worker runs them.
 */
import type { DatasetMeta } from '../engine/contracts';

/** DuckDB identifier for a dataset's table (stable, collision-free via a hex escape). */
export function duckTableName(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9]/g, (ch) => `_${ch.charCodeAt(0).toString(16)}_`);
  return `bars_${safe}`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The `bars` view over every registered dataset; an empty typed view when there are none. */
export function barsViewSql(metas: readonly DatasetMeta[]): string {
  if (metas.length === 0) {
    return (
      'CREATE OR REPLACE VIEW bars AS SELECT NULL::VARCHAR AS ticker, NULL::VARCHAR AS timeframe, NULL::TIMESTAMP AS time, ' +
      'NULL::DOUBLE AS ts, NULL::DOUBLE AS open, NULL::DOUBLE AS high, NULL::DOUBLE AS low, NULL::DOUBLE AS close, NULL::DOUBLE AS volume WHERE false'
    );
  }
  const parts = metas.map(
    (m) =>
      `SELECT ${quoteString(m.ticker)} AS ticker, ${quoteString(m.timeframe)} AS timeframe, epoch_ms(ts::BIGINT) AS time, ts, open, high, low, close, volume FROM ${quoteIdent(duckTableName(m.id))}`,
  );
  return `CREATE OR REPLACE VIEW bars AS ${parts.join(' UNION ALL ')}`;
}

export function datasetsTableSql(metas: readonly DatasetMeta[]): string[] {
  const create =
    'CREATE OR REPLACE TABLE datasets (id VARCHAR, ticker VARCHAR, timeframe VARCHAR, origin VARCHAR, source VARCHAR, ' +
    'stored_at VARCHAR, rows BIGINT, first VARCHAR, last VARCHAR, checksum VARCHAR, quality VARCHAR, bytes BIGINT)';
  if (metas.length === 0) return [create];
  const s = (v: string | null) => (v === null ? 'NULL' : quoteString(v));
  const values = metas
    .map(
      (m) =>
        `(${s(m.id)}, ${s(m.ticker)}, ${s(m.timeframe)}, ${s(m.origin)}, ${s(m.source)}, ${s(m.storedAt)}, ${m.rows}, ${s(m.first)}, ${s(m.last)}, ${s(m.checksum)}, ${s(m.quality)}, ${m.bytes})`,
    )
    .join(', ');
  return [create, `INSERT INTO datasets VALUES ${values}`];
}

/** Which datasets must be (re)loaded into DuckDB and which tables dropped, given what is loaded. */
export function planSync(
  loaded: ReadonlyMap<string, string>,
  metas: readonly DatasetMeta[],
): { load: DatasetMeta[]; drop: string[] } {
  const want = new Map(metas.map((m) => [m.id, m.checksum]));
  return {
    load: metas.filter((m) => loaded.get(m.id) !== m.checksum),
    drop: [...loaded.keys()].filter((id) => !want.has(id)),
  };
}
