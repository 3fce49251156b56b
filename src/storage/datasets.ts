/**
 * Dataset writes and reads (Arrow-encoded blob + catalog entry). A write replaces the dataset
 * with the same (ticker, timeframe) key in one transaction: either the new blob and catalog
 * entry both land, or the previous dataset stays exactly as it was.
 * Imports the Arrow codec: workers, CLI and tests only (the main thread uses ./catalog).
 */
import {
  BAR_COLUMNS,
  type Bars,
  type DatasetMeta,
  type DatasetOrigin,
  datasetId,
  datasetMetaSchema,
  type QualityStatus,
  TIMEFRAMES,
  type Timeframe,
} from '../engine/contracts';
import { checksumColumns } from '../engine/core/hash';
import { decodeBars, encodeBars } from './bars-codec';
import { DatasetNotFoundError } from './catalog';
import type { QeDb, StoredDataset } from './db';
import { writeTransaction } from './errors';

export { DatasetNotFoundError, deleteDataset, getDatasetMeta, listDatasets } from './catalog';

export interface DatasetInput {
  ticker: string;
  timeframe: Timeframe;
  origin: DatasetOrigin;
  source: string;
  bars: Bars;
  quality: QualityStatus;
  /** ISO time of import / fetch / generation */
  storedAt: string;
}

export class InvalidBarsError extends Error {
  constructor(what: string, detail: string) {
    super(`cannot store ${what}: ${detail}`);
    this.name = 'InvalidBarsError';
  }
}

/** Checks the structural contract of Bars: equal-length Float64 columns, finite strictly ascending ts. */
export function validateBars(bars: Bars, what: string): void {
  const n = bars.ts?.length;
  for (const name of BAR_COLUMNS) {
    const col = bars[name];
    if (!(col instanceof Float64Array)) throw new InvalidBarsError(what, `column "${name}" is not a Float64Array`);
    if (col.length !== n) {
      throw new InvalidBarsError(what, `column "${name}" has ${col.length} rows but "ts" has ${n}`);
    }
  }
  const ts = bars.ts;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(ts[i])) throw new InvalidBarsError(what, `row ${i}: timestamp is not a finite number`);
    if (i > 0 && ts[i] <= ts[i - 1]) {
      throw new InvalidBarsError(
        what,
        `row ${i}: timestamp ${new Date(ts[i]).toISOString()} is not after row ${i - 1} (${new Date(ts[i - 1]).toISOString()}); bars must be strictly ascending`,
      );
    }
  }
}

/** Encodes one input and derives its catalog entry (pure apart from the Arrow encoder). */
export function prepareDataset(input: DatasetInput): { meta: DatasetMeta; blob: StoredDataset } {
  if (!input.ticker || input.ticker.includes('|')) {
    throw new InvalidBarsError(`dataset "${input.ticker}"`, 'ticker must be non-empty and must not contain "|"');
  }
  if (!(TIMEFRAMES as readonly string[]).includes(input.timeframe)) {
    throw new InvalidBarsError(`dataset ${input.ticker}`, `unknown timeframe "${input.timeframe}"`);
  }
  const id = datasetId(input);
  validateBars(input.bars, `dataset ${id}`);
  const bytes = encodeBars(input.bars);
  const { ts } = input.bars;
  const rows = ts.length;
  const meta = datasetMetaSchema(
    {
      id,
      ticker: input.ticker,
      timeframe: input.timeframe,
      origin: input.origin,
      source: input.source,
      storedAt: input.storedAt,
      rows,
      first: rows > 0 ? new Date(ts[0]).toISOString() : null,
      last: rows > 0 ? new Date(ts[rows - 1]).toISOString() : null,
      checksum: checksumColumns({
        ts: input.bars.ts,
        open: input.bars.open,
        high: input.bars.high,
        low: input.bars.low,
        close: input.bars.close,
        volume: input.bars.volume,
      }),
      quality: input.quality,
      bytes: bytes.byteLength,
    },
    `dataset ${id}`,
  );
  return { meta, blob: { id, format: 'arrow-ipc', bytes } };
}

/** Stores (or replaces) one dataset atomically; returns its catalog entry. */
export async function putDataset(db: QeDb, input: DatasetInput): Promise<DatasetMeta> {
  const [meta] = await putDatasets(db, [input]);
  return meta;
}

/** Stores several datasets in one transaction: all of them or none. */
export async function putDatasets(db: QeDb, inputs: readonly DatasetInput[]): Promise<DatasetMeta[]> {
  if (inputs.length === 0) return [];
  // Encode everything before opening the transaction: IndexedDB transactions auto-commit
  // when the event loop is idle, so no slow work may happen inside one.
  const prepared = inputs.map(prepareDataset);
  const ids = new Set<string>();
  for (const p of prepared) {
    if (ids.has(p.meta.id)) throw new InvalidBarsError(`dataset ${p.meta.id}`, 'the same key appears twice in one write');
    ids.add(p.meta.id);
  }
  const what = prepared.length === 1 ? `dataset ${prepared[0].meta.id}` : `${prepared.length} datasets (${[...ids].join(', ')})`;
  await writeTransaction(db, ['datasets', 'catalog'], what, async (tx) => {
    const blobs = tx.objectStore('datasets');
    const catalog = tx.objectStore('catalog');
    for (const p of prepared) {
      await blobs.put(p.blob);
      await catalog.put(p.meta);
    }
  });
  return prepared.map((p) => p.meta);
}

/** Reads and decodes a dataset; checks the decoded columns against the catalog checksum. */
export async function loadDataset(db: QeDb, id: string): Promise<{ meta: DatasetMeta; bars: Bars }> {
  const tx = db.transaction(['datasets', 'catalog'], 'readonly');
  const [rawMeta, blob] = await Promise.all([tx.objectStore('catalog').get(id), tx.objectStore('datasets').get(id)]);
  await tx.done;
  if (rawMeta === undefined) throw new DatasetNotFoundError(id);
  const meta = datasetMetaSchema(rawMeta, `catalog[${id}]`);
  if (blob === undefined) throw new DatasetNotFoundError(id);
  const bars = decodeBars(blob.bytes, id);
  const checksum = checksumColumns({
    ts: bars.ts,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
  });
  if (checksum !== meta.checksum) {
    throw new Error(`dataset ${id} is corrupted: stored checksum ${meta.checksum.slice(0, 12)}… does not match its data (${checksum.slice(0, 12)}…). Delete it and import it again.`);
  }
  return { meta, bars };
}

/** The raw Arrow IPC bytes of a dataset (DuckDB ingests them without decoding). */
export async function loadDatasetBytes(db: QeDb, id: string): Promise<{ meta: DatasetMeta; bytes: ArrayBuffer }> {
  const tx = db.transaction(['datasets', 'catalog'], 'readonly');
  const [rawMeta, blob] = await Promise.all([tx.objectStore('catalog').get(id), tx.objectStore('datasets').get(id)]);
  await tx.done;
  if (rawMeta === undefined || blob === undefined) throw new DatasetNotFoundError(id);
  return { meta: datasetMetaSchema(rawMeta, `catalog[${id}]`), bytes: blob.bytes };
}
