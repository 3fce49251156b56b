/**
 * File import: CSV (streamed byte chunks), Arrow IPC (apache-arrow) and Parquet (hyparquet, see
 * file-import-parquet: offline, no DuckDB) → the engine's normaliser and quality report → one
 * atomic write of every (ticker, timeframe) dataset with its quality artifact.
 *
 * All-or-nothing: every file is parsed and checked before anything is written, and the write
 * is one IndexedDB transaction over datasets, catalog and artifacts. A parse error, a cancel
 * or a refused write (quota) leaves the store exactly as it was; a dataset with the same key
 * is replaced only by that transaction's commit.
 *
 * Imports apache-arrow and hyparquet: workers, CLI and tests only.
 */
import { tableFromIPC } from 'apache-arrow';
import type { DatasetMeta, DatasetOrigin, Json, Timeframe } from '../../engine/contracts';
import { checkpoint, type JobContext, NULL_CONTEXT } from '../../engine/core/context';
import { ImportError } from '../../engine/data/errors';
import { CsvImporter, type ImportResult, importCsvChunks, isValidTicker, type TickerFrames } from '../../engine/data/normalize';
import { type QualityDetails, type QualityReport, qualityReport } from '../../engine/data/quality';
import {
  type ImportResultInfo,
  MAX_IMPORT_FILE_BYTES,
  type OffendingRows,
  type QualityArtifact,
  QUALITY_ARTIFACT_PREFIX,
  qualityArtifactKey,
} from './import-types';
import type { ArtifactRecord, QeDb } from '../db';
import { type DatasetInput, InvalidBarsError, prepareDataset } from '../datasets';
import { writeTransaction } from '../errors';
import { type ArrowTableLike, ColumnarInputError, feedArrowTable } from './file-import-arrow';
import {
  type ImportFileRef,
  type ImportFormat,
  type ImportMode,
  ImportPlanError,
  parseSidecar,
  planImport,
  type SidecarInfo,
  SidecarError,
  sourceText,
} from './file-import-plan';

export type { ImportFileRef, ImportMode } from './file-import-plan';

/** An input file: its description plus its content (a Blob/File, or bytes). */
export interface ImportFileData extends ImportFileRef {
  blob?: Blob;
  bytes?: ArrayBuffer;
}

export interface ImportFilesOptions {
  mode: ImportMode;
  timeframe?: Timeframe;
  /** ISO time recorded as the datasets' storedAt */
  storedAt: string;
  /** extra artifacts written in the same transaction (the job's result record) */
  resultKey?: string;
  jobId?: string;
  manifestId?: string;
  /** monotonic clock (ms) for the summary's timings; without it no timings are taken */
  clock?: () => number;
}

/** A file failed to import (anything but the engine's own ImportError); the message names the file. */
export class ImportFileError extends Error {
  constructor(file: string, detail: string, options?: { cause?: unknown }) {
    super(`${file}: ${detail}`, options);
    this.name = 'ImportFileError';
  }
}

/** Two inputs map to the same (ticker, timeframe). */
export class DuplicateDatasetError extends Error {
  constructor(id: string, a: string, b: string) {
    super(`${id} comes from both ${a} and ${b}; import one of them (a dataset is stored once per ticker and timeframe)`);
    this.name = 'DuplicateDatasetError';
  }
}

/** Bytes per CSV chunk read from a buffer (a Blob stream uses its own chunking). */
const BUFFER_CHUNK = 1 << 20;
/** Rows listed per quality check in the stored artifact. */
export const MAX_ROWS_PER_CHECK = 20_000;

/** A sub-range of a job's progress bar (the engine reports 0..1 per file). */
export function subContext(ctx: JobContext, from: number, to: number, label: string): JobContext {
  return {
    signal: ctx.signal,
    yield: () => ctx.yield(),
    progress: (f, stage) => ctx.progress(from + (to - from) * Math.min(1, Math.max(0, f)), `${stage} ${label}`),
  };
}

/** Files up to this size are read whole, ahead of the parser (see importFiles). */
const PREFETCH_MAX_BYTES = 32 << 20;
/** Files read ahead of the one being parsed, and the most bytes those reads may hold. */
const READ_AHEAD_FILES = 4;
const READ_AHEAD_BYTES = 64 << 20;

async function* bufferChunks(bytes: ArrayBuffer): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += BUFFER_CHUNK) yield new Uint8Array(bytes, i, Math.min(BUFFER_CHUNK, bytes.byteLength - i));
}

async function* blobChunks(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value && value.byteLength > 0) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

function chunksOf(f: ImportFileData): AsyncGenerator<Uint8Array> {
  if (f.bytes) return bufferChunks(f.bytes);
  if (f.blob) return blobChunks(f.blob);
  throw new ImportFileError(f.path, 'no content was attached to this file');
}

async function readAll(f: ImportFileData): Promise<Uint8Array> {
  if (f.bytes) return new Uint8Array(f.bytes);
  if (f.blob) return new Uint8Array(await f.blob.arrayBuffer());
  throw new ImportFileError(f.path, 'no content was attached to this file');
}

/** Reading a File can fail after the user picked it (moved, changed, permission). */
function readFailure(f: ImportFileData, e: unknown): Error {
  if (e instanceof ImportError || e instanceof ImportFileError || (e instanceof Error && e.name === 'CancelledError')) return e as Error;
  if (e instanceof ColumnarInputError) return new ImportFileError(f.path, e.message.slice(e.message.indexOf(':') + 2), { cause: e });
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new ImportFileError(f.path, `could not be read (${msg}); was it moved or changed after it was chosen?`, { cause: e });
}

/** Parses one file with the engine (CSV streamed; Arrow/Parquet via a table). */
export async function parseImportFile(
  f: ImportFileData,
  format: ImportFormat,
  timeframe: Timeframe | undefined,
  ctx: JobContext,
): Promise<ImportResult> {
  if (f.size > MAX_IMPORT_FILE_BYTES) {
    throw new ImportFileError(
      f.path,
      `${(f.size / 1024 ** 3).toFixed(1)} GB is larger than the ${MAX_IMPORT_FILE_BYTES / 1024 ** 3} GB a browser import accepts; split the file, or normalise it with \`npx qe import\``,
    );
  }
  try {
    if (format === 'csv') {
      return await importCsvChunks(chunksOf(f), { file: f.name, timeframe, totalBytes: f.size }, ctx);
    }
    ctx.progress(0, 'Reading');
    const bytes = await readAll(f);
    await checkpoint(ctx);
    let table: ArrowTableLike;
    if (format === 'arrow') {
      try {
        table = tableFromIPC(bytes) as unknown as ArrowTableLike;
      } catch (e) {
        throw new ImportFileError(f.path, `not a readable Arrow IPC file (${e instanceof Error ? e.message : String(e)})`);
      }
      // apache-arrow reads bytes without an IPC message as an empty table
      if (table.schema.fields.length === 0) throw new ImportFileError(f.path, 'not a readable Arrow IPC file (no schema message found)');
    } else {
      // loaded on first use: the reader (and its ZSTD decoder) stays out of workers that never see Parquet
      const { readParquetTable } = await import('./file-import-parquet');
      table = await readParquetTable(bytes, f.name);
    }
    const importer = new CsvImporter({ file: f.name, timeframe });
    await feedArrowTable(table, importer, f.name, ctx, (done, total) => ctx.progress(0.2 + (0.8 * done) / Math.max(1, total), 'Parsing'));
    return importer.finish();
  } catch (e) {
    throw readFailure(f, e);
  }
}

/** One dataset ready to store, with its quality report and offending rows. */
export interface PreparedImport {
  input: DatasetInput;
  report: QualityReport;
  quality: Omit<QualityArtifact, 'datasetId' | 'checksum'>;
  /** the input it came from (for duplicate messages) */
  from: string;
}

function toJson<T>(v: T): Json {
  return JSON.parse(JSON.stringify(v)) as Json;
}

function offending(list: Int32Array, fileToBar: Int32Array): OffendingRows {
  const n = Math.min(list.length, MAX_ROWS_PER_CHECK);
  const file: number[] = new Array(n);
  const bars: number[] = new Array(n);
  for (let i = 0; i < n; i++) {
    file[i] = list[i];
    bars[i] = list[i] < fileToBar.length ? fileToBar[list[i]] : -1;
  }
  return { file, bars, truncated: list.length - n };
}

/** Check name → offending rows, with each file row mapped to its stored bar (C index). */
export function offendingRows(f: TickerFrames, details: QualityDetails, fileRows: number): Record<string, OffendingRows> {
  const fileToBar = new Int32Array(fileRows).fill(-1);
  for (let j = 0; j < f.c.length; j++) fileToBar[f.r.fileRow[f.c[j]]] = j;
  const out: Record<string, OffendingRows> = {};
  const d = details.rows;
  const single = {
    bad_timestamps: d.bad_timestamps,
    duplicate_timestamps: d.duplicate_timestamps,
    non_monotonic_steps: d.non_monotonic_steps,
    ohlc_violations: d.ohlc_violations,
    nonpositive_prices: d.nonpositive_prices,
    negative_volume: d.negative_volume,
    zero_volume: d.zero_volume,
    flat_bars: d.flat_bars,
    excluded_from_clean: d.excluded_from_clean,
    suspected_splits: d.suspected_splits,
    stale_runs: d.stale_runs,
    outside_rth_bars: d.outside_rth_bars,
  };
  for (const [k, list] of Object.entries(single)) if (list.length > 0) out[k] = offending(list, fileToBar);
  for (const [col, list] of Object.entries(d.missing_values)) if (list.length > 0) out[`missing_values.${col}`] = offending(list, fileToBar);
  return out;
}

/** Datasets of one parsed input (one per ticker), each with its quality report. */
export function prepareImport(
  result: ImportResult,
  opts: { origin: DatasetOrigin; source: string; storedAt: string; input: string; sidecar?: SidecarInfo | null },
): PreparedImport[] {
  const out: PreparedImport[] = [];
  for (const f of result.tickers) {
    const { report, details } = qualityReport(f, result.kind);
    let ticker = f.ticker;
    if (result.tickerFromFileName && opts.sidecar?.ticker && isValidTicker(opts.sidecar.ticker)) ticker = opts.sidecar.ticker;
    if (report.rows_clean === 0) {
      throw new ImportError(
        'no_rows',
        result.file,
        `ticker ${ticker} has no usable bars (every row has a missing value, a price ≤ 0 or a negative volume, or an unparseable timestamp); nothing was stored`,
      );
    }
    report.ticker = ticker;
    out.push({
      input: {
        ticker,
        timeframe: result.timeframe,
        origin: opts.origin,
        source: opts.source,
        bars: f.bars,
        quality: report.status,
        storedAt: opts.storedAt,
      },
      report,
      from: opts.input,
      quality: {
        input: opts.input,
        kind: result.kind,
        timeframe: result.timeframe,
        adjCloseUsed: result.adjCloseUsed,
        columns: { ...result.columns },
        report: toJson(report) as { [k: string]: Json },
        rows: offendingRows(f, details, result.rows),
        dates: details.dates,
        computedAt: opts.storedAt,
      },
    });
  }
  return out;
}

/** Throws DuplicateDatasetError when two prepared datasets share a key. */
export function checkDuplicates(items: readonly PreparedImport[]): void {
  const seen = new Map<string, string>();
  for (const it of items) {
    const id = `${it.input.ticker}|${it.input.timeframe}`;
    const prev = seen.get(id);
    if (prev !== undefined) throw new DuplicateDatasetError(id, prev, it.from);
    seen.set(id, it.from);
  }
}

function prefixRange(prefix: string): IDBKeyRange {
  return IDBKeyRange.bound(prefix, `${prefix}\uffff`, false, false);
}

/**
 * Stores datasets, their quality artifacts and `extra` artifacts in ONE transaction. Quality
 * artifacts of replaced versions of the same datasets are removed in it too. Returns the
 * catalog entries and which of them replaced an existing dataset.
 */
export async function storeDatasetsWithReports(
  db: QeDb,
  items: readonly PreparedImport[],
  extra: (metas: DatasetMeta[], replaced: Set<string>) => ArtifactRecord[],
  what: string,
): Promise<{ metas: DatasetMeta[]; replaced: Set<string> }> {
  checkDuplicates(items);
  // Encode everything first: no slow work may happen inside an IndexedDB transaction.
  const prepared = items.map((it) => ({ ...prepareDataset(it.input), item: it }));
  const metas = prepared.map((p) => p.meta);
  const replaced = new Set<string>();
  await writeTransaction(db, ['datasets', 'catalog', 'artifacts'], what, async (tx) => {
    const blobs = tx.objectStore('datasets');
    const catalog = tx.objectStore('catalog');
    const artifacts = tx.objectStore('artifacts');
    for (const p of prepared) {
      if ((await catalog.getKey(p.meta.id)) !== undefined) replaced.add(p.meta.id);
      await blobs.put(p.blob);
      await catalog.put(p.meta);
      const key = qualityArtifactKey(p.meta.id, p.meta.checksum);
      for (const old of await artifacts.getAllKeys(prefixRange(`${QUALITY_ARTIFACT_PREFIX}${p.meta.id}/`))) {
        if (old !== key) await artifacts.delete(old);
      }
      const value: QualityArtifact = { datasetId: p.meta.id, checksum: p.meta.checksum, ...p.item.quality };
      await artifacts.put({ key, createdAt: p.meta.storedAt, value: value as unknown as Json });
    }
    for (const rec of extra(metas, replaced)) await artifacts.put(rec);
  });
  return { metas, replaced };
}

export interface ImportSummary {
  metas: DatasetMeta[];
  info: ImportResultInfo;
  /** with `opts.clock`: read + parse + normalise + quality of every file, then encode + the one write transaction */
  timings?: { parseMs: number; storeMs: number; csvMs: number; qualityMs: number };
}

/**
 * Imports files (or a folder of the original cache layout): plan → sidecars → parse and check
 * each data file → one atomic write. Progress is by bytes; cancel is honoured between chunks.
 */
export async function importFiles(
  db: QeDb,
  files: readonly ImportFileData[],
  opts: ImportFilesOptions,
  ctx: JobContext = NULL_CONTEXT,
): Promise<ImportSummary> {
  if (files.length === 0) throw new ImportPlanError('no files to import');
  const t0 = opts.clock?.() ?? 0;
  const plan = planImport(files, opts.mode);
  if (plan.files.length === 0) {
    const why = plan.skipped.length > 0 ? ` (skipped: ${plan.skipped.slice(0, 5).map((s) => `${s.path} — ${s.reason}`).join('; ')})` : '';
    throw new ImportPlanError(`no CSV, Parquet or Arrow file to import among the ${files.length} chosen${why}`);
  }
  const warnings: string[] = [];
  const sidecars = new Map<number, SidecarInfo | null>();
  for (const p of plan.files) {
    if (!p.sidecar) continue;
    if (sidecars.has(p.sidecar.index)) continue;
    const sf = files[p.sidecar.index];
    try {
      sidecars.set(p.sidecar.index, parseSidecar(new TextDecoder().decode(await readAll(sf)), sf.path, p.sidecar.kind));
    } catch (e) {
      if (!(e instanceof SidecarError)) throw readFailure(sf, e);
      warnings.push(`${e.message}; its data file is imported with source "unknown"`);
      sidecars.set(p.sidecar.index, null);
    }
  }

  const totalBytes = plan.files.reduce((s, p) => s + Math.max(1, files[p.index].size), 0);
  const PARSE_SHARE = 0.9;
  let doneBytes = 0;
  // read + parse + normalise (csvMs) vs quality report and offending rows (qualityMs), summed over files
  let csvMs = 0;
  let qualityMs = 0;
  const prepared: PreparedImport[] = [];
  const fileInfo: ImportResultInfo['files'] = [];
  // Reading a picked File costs a round trip to the browser per chunk; the next files' bytes
  // are fetched while this one parses (a few files and at most READ_AHEAD_BYTES ahead), so
  // reading overlaps parsing instead of adding to it.
  const prefetch = (k: number): Promise<ArrayBuffer> | null => {
    const p = plan.files[k];
    const f = p && files[p.index];
    if (!f || f.bytes || !f.blob || p.format !== 'csv' || f.size > PREFETCH_MAX_BYTES) return null;
    const read = f.blob.arrayBuffer();
    read.catch(() => undefined); // a failed read is reported when the file's turn comes
    return read;
  };
  const reads = new Map<number, Promise<ArrayBuffer> | null>();
  let started = 0;
  let aheadBytes = 0;
  const readAhead = (k: number) => {
    while (started < plan.files.length && started <= k + READ_AHEAD_FILES) {
      const size = files[plan.files[started].index].size;
      if (started > k && aheadBytes + size > READ_AHEAD_BYTES) break;
      const read = prefetch(started);
      if (read) aheadBytes += size;
      reads.set(started++, read);
    }
  };
  for (let k = 0; k < plan.files.length; k++) {
    const p = plan.files[k];
    const picked = files[p.index];
    readAhead(k);
    const mine = reads.get(k) ?? null;
    reads.delete(k);
    let f = picked;
    if (mine) {
      aheadBytes -= picked.size;
      try {
        f = { ...picked, bytes: await mine };
      } catch (e) {
        throw readFailure(picked, e);
      }
    }
    const from = (PARSE_SHARE * doneBytes) / totalBytes;
    doneBytes += Math.max(1, f.size);
    const to = (PARSE_SHARE * doneBytes) / totalBytes;
    const label = plan.files.length > 1 ? `${f.name} (${k + 1}/${plan.files.length})` : f.name;
    await checkpoint(ctx);
    const tf0 = opts.clock?.() ?? 0;
    const result = await parseImportFile(f, p.format, opts.timeframe, subContext(ctx, from, to, label));
    const tf1 = opts.clock?.() ?? 0;
    const sidecar = p.sidecar ? (sidecars.get(p.sidecar.index) ?? null) : null;
    const items = prepareImport(result, {
      origin: 'file',
      source: sourceText(f.path, sidecar, opts.mode),
      storedAt: opts.storedAt,
      input: f.path,
      sidecar,
    });
    csvMs += tf1 - tf0;
    qualityMs += (opts.clock?.() ?? 0) - tf1;
    prepared.push(...items);
    fileInfo.push({
      path: f.path,
      format: p.format,
      rows: result.rows,
      tickers: items.map((i) => i.input.ticker),
      timeframe: result.timeframe,
      sidecar: sidecar ? sidecar.file : null,
    });
    if (opts.timeframe === undefined && result.detectedTimeframe !== result.timeframe) {
      warnings.push(`${f.path}: detected ${result.detectedTimeframe}, stored as ${result.timeframe}`);
    }
  }
  checkDuplicates(prepared);
  await checkpoint(ctx);
  const t1 = opts.clock?.() ?? 0;
  ctx.progress(PARSE_SHARE, `Storing ${prepared.length} dataset${prepared.length === 1 ? '' : 's'}`);

  const what = prepared.length === 1 ? `dataset ${prepared[0].input.ticker}|${prepared[0].input.timeframe}` : `${prepared.length} imported datasets`;
  let info: ImportResultInfo | null = null;
  const { metas } = await storeDatasetsWithReports(
    db,
    prepared,
    (ms, replaced) => {
      info = {
        datasets: ms.map((m) => ({ id: m.id, rows: m.rows, quality: m.quality, checksum: m.checksum, source: m.source, replaced: replaced.has(m.id) })),
        files: fileInfo,
        skipped: plan.skipped,
        warnings,
      };
      if (!opts.resultKey) return [];
      return [{ key: opts.resultKey, createdAt: opts.storedAt, value: toJson(info), jobId: opts.jobId, manifestId: opts.manifestId }];
    },
    what,
  );
  const t2 = opts.clock?.() ?? 0;
  ctx.progress(1, `Stored ${metas.length} dataset${metas.length === 1 ? '' : 's'}`);
  if (!info) throw new InvalidBarsError('import', 'the import summary was not built');
  return { metas, info, ...(opts.clock ? { timings: { parseMs: t1 - t0, storeMs: t2 - t1, csvMs, qualityMs } } : {}) };
}
