/**
 * A flat Parquet table → CSV text, for importers whose parser reads CSV (option chains).
 * Same reader set-up as the bars importer (hyparquet, ZSTD through fzstd, dates as epoch ms);
 * DATE columns (and timestamp columns holding only midnights) become `YYYY-MM-DD`, other
 * timestamps ISO-8601 UTC, numbers their shortest form.
 * Nested columns are refused by name rather than flattened into something unexpected.
 */
import { type FileMetaData, parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { DAY_MS } from '../../engine/data/calendar';
import { ColumnarInputError } from './file-import-arrow';
import { asArrayBuffer, DECODED_CODECS, decodeZstd, PARSERS } from './file-import-parquet';

/** Parquet files start and end with the magic "PAR1". */
export function looksLikeParquet(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0x50 && bytes[1] === 0x41 && bytes[2] === 0x52 && bytes[3] === 0x31;
}

function csvCell(v: unknown, kind: 'date' | 'timestamp' | 'other'): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (kind === 'date') return new Date(v).toISOString().slice(0, 10);
    if (kind === 'timestamp') return new Date(v).toISOString();
    return Number.isFinite(v) ? String(v) : '';
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  const s = v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function parquetTableToCsvText(bytes: Uint8Array, file: string): Promise<string> {
  const buffer = asArrayBuffer(bytes);
  let md: FileMetaData;
  try {
    md = parquetMetadata(buffer);
  } catch (e) {
    throw new ColumnarInputError(file, `not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
  }
  const top = parquetSchema(md).children;
  const kinds = new Map<string, 'date' | 'timestamp' | 'other'>();
  for (const node of top) {
    const el = node.element;
    if (node.children.length > 0 || el.num_children) throw new ColumnarInputError(file, `column "${el.name}" is a nested Parquet group; expected flat columns`);
    const ct = el.converted_type;
    const lt = el.logical_type;
    const isDate = ct === 'DATE' || lt?.type === 'DATE';
    const isTs = lt?.type === 'TIMESTAMP' || ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || el.type === 'INT96';
    kinds.set(el.name, isDate ? 'date' : isTs ? 'timestamp' : 'other');
  }
  for (const rg of md.row_groups) {
    for (const chunk of rg.columns) {
      const meta = chunk.meta_data;
      if (meta && !DECODED_CODECS.has(meta.codec)) {
        throw new ColumnarInputError(file, `column "${meta.path_in_schema[0]}" is compressed with ${meta.codec}; re-save the file with snappy or zstd compression`);
      }
    }
  }
  let rows: Record<string, unknown>[];
  try {
    rows = await parquetReadObjects({ file: buffer, metadata: md, compressors: { ZSTD: decodeZstd }, parsers: PARSERS });
  } catch (e) {
    throw new ColumnarInputError(file, `not a readable Parquet file (${e instanceof Error ? e.message : String(e)})`);
  }
  const names = top.map((n) => n.element.name);
  // pandas and DuckDB often store plain dates (expiry, quote date) as midnight timestamps:
  // a timestamp column that holds only midnights is written as dates.
  for (const n of names) {
    if (kinds.get(n) !== 'timestamp') continue;
    if (rows.every((r) => r[n] === null || r[n] === undefined || (typeof r[n] === 'number' && (r[n] as number) % DAY_MS === 0))) kinds.set(n, 'date');
  }
  const lines = [names.map((n) => csvCell(n, 'other')).join(',')];
  for (const r of rows) lines.push(names.map((n) => csvCell(r[n], kinds.get(n) ?? 'other')).join(','));
  return `${lines.join('\n')}\n`;
}
