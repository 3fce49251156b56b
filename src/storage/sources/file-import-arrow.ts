/**
 * Columnar inputs (Arrow IPC files, Parquet read by file-import-parquet) → the engine's CSV importer,
 * so they are normalised by exactly the same rules as CSV (header aliases, adjusted close,
 * timestamp subset, R/S/C frames, quality report). Only columns whose name is one of the
 * contract's header aliases are written; values are written losslessly: numbers in shortest
 * round-trip form (the importer parses them back to the same double), dates as `YYYY-MM-DD`,
 * timestamps as ISO text with the zone the column declares.
 *
 * Works on any Arrow-table-like object (apache-arrow `Table`, the Parquet reader's view), so
 * this module imports no Arrow code itself.
 */
import { checkpoint, type JobContext, NULL_CONTEXT } from '../../engine/core/context';
import { DAY_MS, formatDay, utcToNewYorkWall } from '../../engine/data/calendar';
import { FIELD_ALIASES, normalizeHeaderName } from '../../engine/data/header';
import type { CsvImporter } from '../../engine/data/normalize';

/** Arrow `Type` enum values used here (stable across Arrow JS versions). */
const T_INT = 2;
const T_FLOAT = 3;
const T_UTF8 = 5;
const T_BOOL = 6;
const T_DECIMAL = 7;
const T_DATE = 8;
const T_TIMESTAMP = 10;
const T_LARGE_UTF8 = 20;
const T_DICTIONARY = -1;
/** Not an Arrow id: a column type no reader maps (its `typeName` says what it is). */
const T_UNSUPPORTED = -1000;

/** The type ids other columnar readers describe their columns with. */
export const ARROW_TYPE = {
  INT: T_INT,
  FLOAT: T_FLOAT,
  UTF8: T_UTF8,
  BOOL: T_BOOL,
  DATE: T_DATE,
  TIMESTAMP: T_TIMESTAMP,
  UNSUPPORTED: T_UNSUPPORTED,
} as const;

export interface ArrowFieldLike {
  name: string;
  type: { typeId: number; timezone?: string | null; scale?: number; unit?: number; typeName?: string };
}

export interface ArrowTableLike {
  numRows: number;
  schema: { fields: ReadonlyArray<ArrowFieldLike> };
  getChildAt(i: number): { get(row: number): unknown } | null;
}

/** Index columns pandas writes when the frame's index has no name. */
const PANDAS_INDEX = ['__index_level_0__', 'index'];

const ALIASES: ReadonlySet<string> = new Set(Object.values(FIELD_ALIASES).flat());

interface ColumnPlan {
  /** header name written to the importer */
  header: string;
  index: number;
  write: (v: unknown) => string;
}

export class ColumnarInputError extends Error {
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'ColumnarInputError';
  }
}

const UTC_ZONES = /^(utc|etc\/utc|etc\/gmt|gmt|z|[+-]00:?00)$/i;

/**
 * The columns to hand to the importer. A pandas index column stands in for the timestamp when
 * no column has a timestamp alias (the original system's cache files keep dates in the index).
 */
export function planColumns(table: ArrowTableLike, file: string): ColumnPlan[] {
  const fields = table.schema.fields;
  const norm = fields.map((f) => normalizeHeaderName(f.name));
  const hasTimestamp = FIELD_ALIASES.timestamp.some((a) => norm.includes(a));
  const plans: ColumnPlan[] = [];
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    let header = f.name;
    if (!ALIASES.has(norm[i])) {
      const isIndex = PANDAS_INDEX.includes(f.name) && (f.type.typeId === T_DATE || f.type.typeId === T_TIMESTAMP);
      if (hasTimestamp || !isIndex) continue;
      header = 'date';
    }
    plans.push({ header, index: i, write: writerFor(f, file) });
  }
  return plans;
}

function writerFor(f: ArrowFieldLike, file: string): (v: unknown) => string {
  switch (f.type.typeId) {
    case T_INT:
    case T_FLOAT:
      return writeNumber;
    case T_DECIMAL: {
      const scale = f.type.scale ?? 0;
      return (v) => (v === null || v === undefined ? '' : writeNumber(Number(String(v)) / 10 ** scale));
    }
    case T_DATE:
      return (v) => (typeof v === 'number' && Number.isFinite(v) ? formatDay(Math.floor(v / DAY_MS)) : '');
    case T_TIMESTAMP:
      return timestampWriter(f.type.timezone ?? null);
    case T_UTF8:
    case T_LARGE_UTF8:
    case T_DICTIONARY:
    case T_BOOL:
      return writeText;
    default:
      throw new ColumnarInputError(file, `column "${f.name}" has an unsupported type (${f.type.typeName ?? `Arrow type id ${f.type.typeId}`})`);
  }
}

function writeNumber(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'bigint') return String(Number(v));
  return '';
}

function writeText(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Epoch-ms read as a wall clock → `YYYY-MM-DDTHH:MM:SS[.mmm]`. */
function wallText(ms: number): string {
  const d = new Date(ms);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds();
  return frac === 0 ? base : `${base}.${pad(frac, 3)}`;
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const a = Math.abs(minutes);
  return `${sign}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * Timestamps: Arrow JS hands them over as epoch ms. Without a zone the value is a wall clock
 * (written without offset: the importer reads intraday wall clocks as New York time, daily
 * ones as dates); UTC → `Z`; any other zone → that zone's wall clock with its offset, so a
 * tz-aware daily index at local midnight stays a date.
 */
function timestampWriter(tz: string | null): (v: unknown) => string {
  const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (tz === null || tz === '') return (v) => (finite(v) ? wallText(v) : '');
  if (UTC_ZONES.test(tz)) return (v) => (finite(v) ? `${wallText(v)}Z` : '');
  if (tz === 'America/New_York' || tz === 'US/Eastern') {
    return (v) => {
      if (!finite(v)) return '';
      const wall = utcToNewYorkWall(v);
      return `${wallText(wall)}${offsetText(Math.round((wall - v) / 60_000))}`;
    };
  }
  const offsets = zoneOffsets(tz);
  return (v) => {
    if (!finite(v)) return '';
    const off = offsets(v);
    return `${wallText(v + off * 60_000)}${offsetText(off)}`;
  };
}

/** UTC offset (minutes) of an IANA zone at an instant, memoised per hour. */
function zoneOffsets(tz: string): (ms: number) => number {
  let fmt: Intl.DateTimeFormat;
  try {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    throw new ColumnarInputError(tz, `unknown time zone "${tz}" on a timestamp column`);
  }
  const memo = new Map<number, number>();
  return (ms) => {
    const hour = Math.floor(ms / 3_600_000);
    const hit = memo.get(hour);
    if (hit !== undefined) return hit;
    const p: Record<string, number> = {};
    for (const part of fmt.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    const off = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
    memo.set(hour, off);
    return off;
  };
}

export const ROWS_PER_CHUNK = 16_384;

/**
 * Writes the table's alias columns as CSV text into `importer` (header first), in chunks,
 * reporting row progress and honouring cancel between chunks. Returns the rows written.
 */
export async function feedArrowTable(
  table: ArrowTableLike,
  importer: CsvImporter,
  file: string,
  ctx: JobContext = NULL_CONTEXT,
  onRows?: (done: number, total: number) => void,
): Promise<number> {
  const plans = planColumns(table, file);
  if (plans.length === 0) {
    const names = table.schema.fields.map((f) => f.name).join(', ');
    throw new ColumnarInputError(file, `no column has an accepted name (header is: ${names.slice(0, 200)})`);
  }
  importer.pushText(`${plans.map((p) => writeText(p.header)).join(',')}\n`);
  const vectors = plans.map((p) => {
    const v = table.getChildAt(p.index);
    if (!v) throw new ColumnarInputError(file, `column "${p.header}" could not be read`);
    return v;
  });
  const n = table.numRows;
  const lines: string[] = [];
  const cells: string[] = new Array(plans.length);
  for (let start = 0; start < n; start += ROWS_PER_CHUNK) {
    const end = Math.min(n, start + ROWS_PER_CHUNK);
    lines.length = 0;
    for (let r = start; r < end; r++) {
      for (let c = 0; c < plans.length; c++) cells[c] = plans[c].write(vectors[c].get(r));
      lines.push(cells.join(','));
    }
    importer.pushText(`${lines.join('\n')}\n`);
    onRows?.(end, n);
    await checkpoint(ctx);
  }
  return n;
}
