/**
 * Parquet files → an Arrow-table-like view for the columnar importer (file-import-arrow), read
 * with hyparquet (pure JS, no network: DuckDB-WASM would download its parquet extension on
 * first use, so Parquet would fail offline). Pages compressed with ZSTD — what DuckDB and
 * pyarrow write by default next to Snappy — are decoded by fzstd.
 *
 * Only the columns the importer will use are decoded (their names are header aliases, or the
 * pandas index that stands in for the timestamp). Values reach the importer as the Arrow path
 * hands them over: numbers (BigInt for INT64), dates and timestamps as epoch milliseconds with
 * the zone the file declares (a UTC-adjusted timestamp is UTC; pandas metadata may name the
 * frame's own zone; INT96 and non-adjusted timestamps are wall clocks).
 */
import { type ColumnData, type FileMetaData, parquetMetadata, parquetRead, parquetSchema, type SchemaTree } from 'hyparquet';
import { DAY_MS } from '../../engine/data/calendar';
import { decompress as zstdDecompress } from 'fzstd';

/** A ZSTD page that fzstd could not decode (kept apart from hyparquet's own errors). */
class ZstdError extends Error {
  override name = 'ZstdError';
}

export function decodeZstd(input: Uint8Array, outputLength: number): Uint8Array {
  try {
    const out = zstdDecompress(input, new Uint8Array(outputLength));
    if (out.length !== outputLength) throw new Error(`decoded ${out.length} bytes, the page header says ${outputLength}`);
    return out;
  } catch (e) {
    throw new ZstdError(e instanceof Error ? e.message : String(e));
  }
}
import { ARROW_TYPE, type ArrowFieldLike, type ArrowTableLike, ColumnarInputError, planColumns } from './file-import-arrow';

/** Codecs this reader decodes (hyparquet: none, Snappy; fzstd: ZSTD). */
export const DECODED_CODECS = new Set(['UNCOMPRESSED', 'SNAPPY', 'ZSTD']);

function floorDiv(x: bigint, d: bigint): number {
  const q = x / d;
  return Number(x % d < 0n ? q - 1n : q);
}

/** Timestamps and dates as epoch ms (numbers), not Date objects: the importer wants numbers. */
export const PARSERS = {
  timestampFromMilliseconds: (ms: bigint) => Number(ms),
  timestampFromMicroseconds: (us: bigint) => floorDiv(us, 1000n),
  timestampFromNanoseconds: (ns: bigint) => floorDiv(ns, 1_000_000n),
  dateFromDays: (days: number) => days * DAY_MS,
};

/** Time zones pandas recorded for tz-aware columns (`pandas` key-value metadata). */
function pandasZones(md: FileMetaData): Map<string, string> {
  const zones = new Map<string, string>();
  const raw = md.key_value_metadata?.find((kv) => kv.key === 'pandas')?.value;
  if (!raw) return zones;
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return zones; // unreadable pandas metadata only costs the zone hint; the data is still read
  }
  const cols = (doc as { columns?: unknown }).columns;
  if (!Array.isArray(cols)) return zones;
  for (const c of cols as { field_name?: unknown; name?: unknown; metadata?: { timezone?: unknown } | null }[]) {
    const name = typeof c.field_name === 'string' ? c.field_name : typeof c.name === 'string' ? c.name : null;
    const tz = c.metadata?.timezone;
    if (name && typeof tz === 'string' && tz !== '') zones.set(name, tz);
  }
  return zones;
}

/** The Arrow type the importer should treat a top-level Parquet column as. */
function fieldType(node: SchemaTree, zones: Map<string, string>): ArrowFieldLike['type'] {
  const el = node.element;
  if (node.children.length > 0 || el.num_children) return { typeId: ARROW_TYPE.UNSUPPORTED, typeName: 'a nested Parquet group' };
  const ct = el.converted_type;
  const lt = el.logical_type;
  const zone = (utc: boolean) => zones.get(el.name) ?? (utc ? 'UTC' : null);
  if (ct === 'DATE' || lt?.type === 'DATE') return { typeId: ARROW_TYPE.DATE };
  if (lt?.type === 'TIMESTAMP') return { typeId: ARROW_TYPE.TIMESTAMP, timezone: zone(lt.isAdjustedToUTC) };
  // Legacy converted types are UTC-adjusted by definition (Parquet format, LogicalTypes.md).
  if (ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS') return { typeId: ARROW_TYPE.TIMESTAMP, timezone: zone(true) };
  if (el.type === 'INT96') return { typeId: ARROW_TYPE.TIMESTAMP, timezone: zone(false) };
  if (ct === 'TIME_MILLIS' || ct === 'TIME_MICROS' || lt?.type === 'TIME') return { typeId: ARROW_TYPE.UNSUPPORTED, typeName: 'Parquet TIME (a time of day without a date)' };
  // hyparquet turns DECIMAL and FLOAT16 into numbers already
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL' || lt?.type === 'FLOAT16') return { typeId: ARROW_TYPE.FLOAT };
  switch (el.type) {
    case 'DOUBLE':
    case 'FLOAT':
      return { typeId: ARROW_TYPE.FLOAT };
    case 'INT32':
    case 'INT64':
      return { typeId: ARROW_TYPE.INT };
    case 'BOOLEAN':
      return { typeId: ARROW_TYPE.BOOL };
    case 'BYTE_ARRAY':
      if (ct === 'JSON' || ct === 'BSON' || lt?.type === 'JSON' || lt?.type === 'BSON') {
        return { typeId: ARROW_TYPE.UNSUPPORTED, typeName: `Parquet ${ct ?? lt?.type}` };
      }
      return { typeId: ARROW_TYPE.UTF8 };
    default:
      return { typeId: ARROW_TYPE.UNSUPPORTED, typeName: `Parquet ${el.type ?? 'group'}${ct ? ` (${ct})` : ''}` };
  }
}

/** One column's decoded chunks, read in row order through a cursor (the importer reads rows ascending). */
class ChunkedColumn {
  private readonly chunks: ColumnData[] = [];
  private at = 0;

  add(c: ColumnData): void {
    this.chunks.push(c);
  }

  /** Sorts the chunks and checks they cover rows 0..n exactly once. */
  seal(n: number, name: string, file: string): void {
    this.chunks.sort((a, b) => a.rowStart - b.rowStart);
    let next = 0;
    for (const c of this.chunks) {
      if (c.rowStart !== next) throw new ColumnarInputError(file, `column "${name}": rows ${next}–${c.rowStart - 1} could not be read`);
      next = c.rowEnd;
    }
    if (next !== n) throw new ColumnarInputError(file, `column "${name}" holds ${next} values but the file has ${n} rows`);
  }

  get(row: number): unknown {
    let c = this.chunks[this.at];
    if (row < c.rowStart || row >= c.rowEnd) {
      this.at = 0;
      while (this.chunks[this.at].rowEnd <= row) this.at++;
      c = this.chunks[this.at];
    }
    return c.columnData[row - c.rowStart];
  }
}

export function asArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return bytes.slice().buffer as ArrayBuffer;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Reads a Parquet file's importable columns. Errors name the file (and the column when the
 * problem is one column's type or compression).
 */
export async function readParquetTable(bytes: Uint8Array, file: string): Promise<ArrowTableLike> {
  const buffer = asArrayBuffer(bytes);
  let md: FileMetaData;
  let top: SchemaTree[];
  try {
    md = parquetMetadata(buffer);
    top = parquetSchema(md).children;
    // Damaged metadata can decode to a schema whose names are not strings (found by the fuzz campaign).
    for (const node of top) {
      if (typeof node.element.name !== 'string') throw new Error('a schema element has no name (damaged metadata)');
    }
  } catch (e) {
    throw new ColumnarInputError(file, `not a readable Parquet file (${message(e)})`);
  }
  const numRows = Number(md.num_rows);
  const zones = pandasZones(md);
  const fields: ArrowFieldLike[] = top.map((node) => ({ name: node.element.name, type: fieldType(node, zones) }));
  const columns = new Map<string, ChunkedColumn>();
  const table: ArrowTableLike = {
    numRows,
    schema: { fields },
    getChildAt: (i) => columns.get(fields[i].name) ?? null,
  };
  const wanted = planColumns(table, file).map((p) => fields[p.index].name);
  if (wanted.length === 0 || numRows === 0) return table;

  for (const rg of md.row_groups) {
    for (const chunk of rg.columns) {
      const meta = chunk.meta_data;
      if (!meta || !wanted.includes(meta.path_in_schema[0])) continue;
      if (!DECODED_CODECS.has(meta.codec)) {
        throw new ColumnarInputError(
          file,
          `column "${meta.path_in_schema[0]}" is compressed with ${meta.codec}, which the importer does not decode (it reads uncompressed, Snappy and ZSTD Parquet); re-save the file with snappy or zstd compression`,
        );
      }
    }
  }
  for (const name of wanted) columns.set(name, new ChunkedColumn());
  try {
    await parquetRead({
      file: buffer,
      metadata: md,
      columns: wanted,
      compressors: { ZSTD: decodeZstd },
      parsers: PARSERS,
      onChunk: (c) => columns.get(c.columnName)?.add(c),
    });
  } catch (e) {
    if (e instanceof ZstdError) throw new ColumnarInputError(file, `a ZSTD-compressed page could not be decoded (${e.message})`);
    throw new ColumnarInputError(file, `not a readable Parquet file (${message(e)})`);
  }
  for (const [name, col] of columns) col.seal(numRows, name, file);
  return table;
}
