/**
 * Option chains, stored once per (underlying, quote date) with provenance: every quote row
 * (with its mid, spread, implied vol and result code — failed rows included, never dropped),
 * the failed rows with their reasons, and the SVI fit made at import. A chain and its fit are
 * written in one transaction, so a cancelled or failed import never leaves half a chain.
 *
 * Also the staging store for uploaded chain files: the page stores the file's bytes here and
 * the import job (in a worker) reads them by id, so large files never travel as job params.
 */
import type { DatasetOrigin } from '../engine/contracts';
import type { QeDb } from './db';
import { writeTransaction } from './errors';

/** Row result codes: the implied-vol codes of core contract D.3 (same indices) plus the import's own. */
export const CHAIN_ROW_CODES = [
  'ok',
  'bad_input',
  'outside_no_arbitrage_bounds',
  'below_min_vol',
  'above_max_vol',
  'parse_error',
  'no_price',
  'crossed_market',
] as const;
export type ChainRowCode = (typeof CHAIN_ROW_CODES)[number];

/** Where a row's price came from. */
export const PRICE_SOURCES = ['none', 'mid', 'last'] as const;

/** All rows of a chain, columnar (file order). */
export interface OptionQuoteColumns {
  /** 1-based file line */
  line: Int32Array;
  /** YYYY-MM-DD ('' when unreadable) */
  expiry: string[];
  /** years, ACT/365 (NaN when unreadable) */
  T: Float64Array;
  /** 1 call, 0 put, 255 unreadable */
  isCall: Uint8Array;
  strike: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  last: Float64Array;
  /** (bid + ask)/2 when both are usable, else NaN */
  mid: Float64Array;
  /** ask − bid when both are usable, else NaN */
  spread: Float64Array;
  /** the price the implied vol was solved from (mid, else last), NaN when none */
  price: Float64Array;
  /** index into PRICE_SOURCES */
  priceSource: Uint8Array;
  /** implied vol of `price` (NaN unless code is ok) */
  iv: Float64Array;
  /** implied vols of bid and ask (NaN when they do not solve) */
  ivBid: Float64Array;
  ivAsk: Float64Array;
  /** index into CHAIN_ROW_CODES */
  code: Uint8Array;
  /** 1 = the quote of its (expiry, strike) used in the fit (the out-of-the-money side) */
  used: Uint8Array;
}

/** One row that did not give an implied vol, with why. */
export interface ChainFailure {
  line: number;
  code: ChainRowCode;
  detail: string;
  type: 'call' | 'put' | '?';
  expiry: string;
  strike: number | null;
  bid: number | null;
  ask: number | null;
  last: number | null;
}

export interface SviSliceParams {
  a: number;
  b: number;
  rho: number;
  m: number;
  s: number;
}

/** Fit and arbitrage report of one expiry. */
export interface ChainSliceReport {
  expiry: string;
  T: number;
  /** false: too few usable quotes; the previous slice's parameters were carried over */
  fitted: boolean;
  quotes: number;
  params: SviSliceParams;
  rmseIv: number | null;
  objective: number | null;
  /** contract D.4 validity reasons (empty = valid) */
  validity: string[];
  /** smallest Gatheral g(k) on the check grid */
  butterflyMinG: number;
  /** forward-moneyness ranges [K/F from, K/F to] where g(k) < 0 (butterfly arbitrage) */
  butterflyRanges: [number, number][];
  /** largest w_{prev}(k) − w(k) > 0 on the grid against the previous expiry (raw fits; 0 for the first) */
  calendarViolation: number;
  /** grid points with a calendar violation against the previous expiry */
  calendarPoints: number;
}

/** The SVI surface fitted at import (engine `buildSviSurface`), with curves for display. */
export interface ChainSviFit {
  slices: ChainSliceReport[];
  rawCalendarViolation: number;
  adjCalendarViolation: number;
  rawCalendarViolations: number;
  adjCalendarViolations: number;
  /** K/S grid of the curves and the surface */
  moneyness: number[];
  /** years, one per slice */
  expiries: number[];
  /** [expiry][moneyness] implied vol in percent of the raw fits and of the calendar-repaired surface (NaN = none) */
  rawIv: number[][];
  adjIv: number[][];
}

export interface OptionChainSummary {
  /** `${underlying}|${quoteDate}` */
  id: string;
  underlying: string;
  /** YYYY-MM-DD */
  quoteDate: string;
  origin: DatasetOrigin;
  /** file name */
  source: string;
  /** ISO time of the import */
  storedAt: string;
  uploadId: string;
  /** content checksum of the quote columns and chain constants */
  checksum: string;
  spot: number;
  rate: number;
  dividendYield: number;
  rows: number;
  ok: number;
  /** failed rows per code */
  failedByCode: Record<string, number>;
  expiries: number;
  fitted: boolean;
  warnings: string[];
  engineVersion: string;
  manifestId: string;
  jobId: string;
}

export interface StoredOptionChain extends OptionChainSummary {
  quotes: OptionQuoteColumns;
  failures: ChainFailure[];
  fit: ChainSviFit | null;
}

export interface StoredChainUpload {
  id: string;
  name: string;
  size: number;
  checksum: string;
  createdAt: string;
  bytes: ArrayBuffer;
}

export interface ChainUploadInfo {
  id: string;
  name: string;
  size: number;
  checksum: string;
}

declare module './db' {
  interface QeSchema {
    optionChains: { key: string; value: StoredOptionChain };
    optionChainUploads: { key: string; value: StoredChainUpload; indexes: { createdAt: string } };
  }
}

export function optionChainId(underlying: string, quoteDate: string): string {
  return `${underlying}|${quoteDate}`;
}

export class OptionChainNotFoundError extends Error {
  constructor(readonly chainId: string) {
    super(`option chain ${chainId} not found (it may have been deleted); import it again`);
    this.name = 'OptionChainNotFoundError';
  }
}

export class ChainUploadNotFoundError extends Error {
  constructor(readonly uploadId: string) {
    super(`uploaded chain file ${uploadId} is no longer stored; choose the file and import it again`);
    this.name = 'ChainUploadNotFoundError';
  }
}

const QUOTE_COLUMNS: ReadonlyArray<[keyof OptionQuoteColumns, new (n: number) => ArrayLike<number>]> = [
  ['line', Int32Array],
  ['T', Float64Array],
  ['isCall', Uint8Array],
  ['strike', Float64Array],
  ['bid', Float64Array],
  ['ask', Float64Array],
  ['last', Float64Array],
  ['mid', Float64Array],
  ['spread', Float64Array],
  ['price', Float64Array],
  ['priceSource', Uint8Array],
  ['iv', Float64Array],
  ['ivBid', Float64Array],
  ['ivAsk', Float64Array],
  ['code', Uint8Array],
  ['used', Uint8Array],
];

/** Structural check of a record read back from storage (a damaged record is an error, not data). */
export function checkStoredChain(v: StoredOptionChain | undefined, id: string): StoredOptionChain {
  if (v === undefined) throw new OptionChainNotFoundError(id);
  const bad = (what: string) => new Error(`stored option chain ${id} is damaged (${what}); delete it and import the file again`);
  if (typeof v.id !== 'string' || typeof v.underlying !== 'string' || typeof v.quoteDate !== 'string') throw bad('missing key fields');
  if (!v.quotes || typeof v.quotes !== 'object') throw bad('no quote columns');
  const n = v.rows;
  for (const [name, ctor] of QUOTE_COLUMNS) {
    const c = v.quotes[name] as unknown;
    if (!(c instanceof ctor)) throw bad(`column ${name} is not a ${ctor.name}`);
    if ((c as ArrayLike<number>).length !== n) throw bad(`column ${name} has ${(c as ArrayLike<number>).length} rows, expected ${n}`);
  }
  if (!Array.isArray(v.quotes.expiry) || v.quotes.expiry.length !== n) throw bad('expiry column length');
  if (!Array.isArray(v.failures)) throw bad('no failure list');
  if (v.fit !== null) {
    const f = v.fit;
    if (!Array.isArray(f.slices) || f.expiries.length !== f.slices.length || f.rawIv.length !== f.slices.length || f.adjIv.length !== f.slices.length) {
      throw bad('fit arrays disagree');
    }
    for (const row of [...f.rawIv, ...f.adjIv]) if (row.length !== f.moneyness.length) throw bad('fit curve length');
  }
  return v;
}

export function chainSummary(c: StoredOptionChain): OptionChainSummary {
  const { quotes: _q, failures: _f, fit: _fit, ...summary } = c;
  return summary;
}

/** Stores (or replaces) chains in one transaction: all of them or none. */
export async function putOptionChains(db: QeDb, chains: readonly StoredOptionChain[]): Promise<void> {
  if (chains.length === 0) return;
  const ids = new Set<string>();
  for (const c of chains) {
    if (ids.has(c.id)) throw new Error(`option chain ${c.id} appears twice in one import`);
    ids.add(c.id);
  }
  const what = chains.length === 1 ? `option chain ${chains[0].id}` : `${chains.length} option chains (${[...ids].join(', ')})`;
  await writeTransaction(db, ['optionChains'], what, async (tx) => {
    const store = tx.objectStore('optionChains');
    for (const c of chains) await store.put(c);
  });
}

export async function getOptionChain(db: QeDb, id: string): Promise<StoredOptionChain> {
  return checkStoredChain(await db.get('optionChains', id), id);
}

/** Summaries of every stored chain, newest quote date first. */
export async function listOptionChains(db: QeDb): Promise<OptionChainSummary[]> {
  const out: OptionChainSummary[] = [];
  let cursor = await db.transaction('optionChains').store.openCursor();
  while (cursor) {
    out.push(chainSummary(cursor.value));
    cursor = await cursor.continue();
  }
  return out.sort((a, b) => (a.quoteDate !== b.quoteDate ? (a.quoteDate < b.quoteDate ? 1 : -1) : a.underlying < b.underlying ? -1 : 1));
}

export async function deleteOptionChain(db: QeDb, id: string): Promise<void> {
  await writeTransaction(db, ['optionChains'], `deletion of option chain ${id}`, async (tx) => {
    const store = tx.objectStore('optionChains');
    if ((await store.getKey(id)) === undefined) throw new OptionChainNotFoundError(id);
    await store.delete(id);
  });
}

/** Uploads kept for re-running an import; older ones are pruned when a new file is staged. */
export const KEEP_UPLOADS = 10;
export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

/** Stores a staged upload (same content → same id, stored once) and prunes the oldest beyond KEEP_UPLOADS. */
export async function putChainUpload(db: QeDb, upload: StoredChainUpload): Promise<ChainUploadInfo> {
  if (upload.bytes.byteLength > MAX_UPLOAD_BYTES) {
    throw new Error(`${upload.name} is ${(upload.bytes.byteLength / 1048576).toFixed(1)} MB; option-chain files are limited to ${MAX_UPLOAD_BYTES / 1048576} MB`);
  }
  await writeTransaction(db, ['optionChainUploads'], `uploaded file ${upload.name}`, async (tx) => {
    const store = tx.objectStore('optionChainUploads');
    await store.put(upload);
    const keys = await store.index('createdAt').getAllKeys();
    // keys come oldest first; keep the newest KEEP_UPLOADS (and always the one just written)
    const drop = keys.filter((k) => k !== upload.id).slice(0, Math.max(0, keys.length - KEEP_UPLOADS));
    for (const k of drop) await store.delete(k);
  });
  return { id: upload.id, name: upload.name, size: upload.size, checksum: upload.checksum };
}

export async function getChainUpload(db: QeDb, id: string): Promise<StoredChainUpload> {
  const rec = await db.get('optionChainUploads', id);
  if (!rec) throw new ChainUploadNotFoundError(id);
  if (!(rec.bytes instanceof ArrayBuffer)) throw new Error(`uploaded chain file ${id} is damaged; import the file again`);
  return rec;
}
