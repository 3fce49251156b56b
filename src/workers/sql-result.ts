/**
 * Turns a query result (an Arrow table from DuckDB) into plain rows the UI can show and
 * export. Kept free of Arrow imports: it works on any table-like object.
 */
import type { SqlResult } from './api';

export type SqlCell = SqlResult['rows'][number][number];

/** JSON-safe cell: bigint → number when exact, else decimal string; Date → ISO; nested → JSON. */
export function toSqlCell(v: unknown): SqlCell {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'string':
    case 'boolean':
      return v;
    case 'bigint':
      return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(v) : v.toString();
    default:
      break;
  }
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (ArrayBuffer.isView(v)) return JSON.stringify(Array.from(v as unknown as ArrayLike<number | bigint>, (x) => toSqlCell(x)));
  return JSON.stringify(v, bigintReplacer);
}

function bigintReplacer(_k: string, x: unknown): unknown {
  return typeof x === 'bigint' ? toSqlCell(x) : x;
}

/** Minimal shape of an Arrow table. */
export interface TableLike {
  schema: { fields: ReadonlyArray<{ name: string; type?: { typeId?: number } }> };
  numRows: number;
  getChildAt(i: number): { get(row: number): unknown } | null;
}

/** Arrow's Type enum values for Date and Timestamp (stable across Arrow JS versions). */
const ARROW_DATE = 8;
const ARROW_TIMESTAMP = 10;

export function tableToSqlResult(table: TableLike, maxRows = 100_000): SqlResult & { truncated: boolean } {
  const columns = table.schema.fields.map((f) => f.name);
  // Arrow JS hands dates and timestamps over as epoch-ms numbers; show them as ISO text.
  const temporal = table.schema.fields.map((f) => f.type?.typeId === ARROW_DATE || f.type?.typeId === ARROW_TIMESTAMP);
  const n = Math.min(table.numRows, maxRows);
  const vectors = columns.map((_, i) => table.getChildAt(i));
  const rows: SqlCell[][] = new Array(n);
  for (let r = 0; r < n; r++) {
    const row: SqlCell[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) {
      const v = vectors[c]?.get(r);
      row[c] = temporal[c] && typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : toSqlCell(v);
    }
    rows[r] = row;
  }
  return { columns, rows, truncated: table.numRows > n };
}
