/**
 * Kalshi event-market storage (schema v3, current schema only): markets, contracts, quotes
 * (one columnar block per market, merged on import: a later quote for the same (contract,
 * ts) replaces the earlier one), event outcomes keyed (event_id, asof_ts), and staged
 * upload files. An import is one transaction over every store, so a failed or cancelled
 * import leaves what was stored before untouched.
 */
import type { DataMode } from '../engine/contracts';
import { mergeQuotes } from '../engine/kalshi/files';
import type { EventContract, EventMarket, EventOutcome, MarketQuotes } from '../engine/kalshi/types';
import type { QeDb } from './db';
import { writeTransaction } from './errors';

/** Where a market's records came from. */
export type KalshiOrigin = 'file' | 'proxy' | 'demo';

export interface KalshiProvenance {
  origin: KalshiOrigin;
  /** file names, or the proxy URL and endpoint (not `source`: outcomes have their own) */
  importedFrom: string;
  /** ISO time of the import / fetch */
  storedAt: string;
  jobId?: string;
}

export type StoredKalshiMarket = EventMarket & KalshiProvenance;
export type StoredKalshiQuotes = MarketQuotes & KalshiProvenance;
export type StoredEventOutcome = EventOutcome & KalshiProvenance;

export interface KalshiUpload {
  id: string;
  name: string;
  kind: 'markets' | 'quotes' | 'outcomes';
  text: string;
  createdAt: string;
}

declare module './db' {
  interface QeSchema {
    kalshiMarkets: { key: string; value: StoredKalshiMarket };
    kalshiContracts: { key: string; value: EventContract; indexes: { market_id: string } };
    kalshiQuotes: { key: string; value: StoredKalshiQuotes };
    eventOutcomes: { key: [string, number]; value: StoredEventOutcome };
    kalshiUploads: { key: string; value: KalshiUpload };
  }
}

export interface KalshiBatch {
  markets: readonly EventMarket[];
  contracts: readonly EventContract[];
  quotes: readonly MarketQuotes[];
  outcomes: readonly EventOutcome[];
}

export interface KalshiWriteSummary {
  markets: number;
  contracts: number;
  quotes: number;
  outcomes: number;
  /** markets whose quotes were merged into stored ones */
  mergedMarkets: string[];
}

/** Provenance mode of stored Kalshi records (file → live, proxy → cached, demo → demo). */
export function kalshiMode(origin: KalshiOrigin): DataMode {
  if (origin === 'demo') return 'demo';
  return origin === 'proxy' ? 'cached' : 'live';
}

export async function putKalshiBatch(db: QeDb, batch: KalshiBatch, prov: KalshiProvenance): Promise<KalshiWriteSummary> {
  const what = `Kalshi records from ${prov.importedFrom}`;
  return writeTransaction(db, ['kalshiMarkets', 'kalshiContracts', 'kalshiQuotes', 'eventOutcomes'], what, async (tx) => {
    const merged: string[] = [];
    for (const m of batch.markets) await tx.objectStore('kalshiMarkets').put({ ...m, ...prov });
    for (const c of batch.contracts) await tx.objectStore('kalshiContracts').put(c);
    let nQuotes = 0;
    for (const q of batch.quotes) {
      const store = tx.objectStore('kalshiQuotes');
      const prev = await store.get(q.market_id);
      const next = prev ? mergeQuotes(prev, q) : q;
      if (prev) merged.push(q.market_id);
      nQuotes += q.ts.length;
      await store.put({ ...next, ...prov });
    }
    for (const o of batch.outcomes) await tx.objectStore('eventOutcomes').put({ ...o, ...prov });
    return { markets: batch.markets.length, contracts: batch.contracts.length, quotes: nQuotes, outcomes: batch.outcomes.length, mergedMarkets: merged };
  });
}

export interface StoredKalshiRecords {
  markets: StoredKalshiMarket[];
  contracts: EventContract[];
  quotes: StoredKalshiQuotes[];
  outcomes: StoredEventOutcome[];
}

export async function readKalshiRecords(db: QeDb): Promise<StoredKalshiRecords> {
  const tx = db.transaction(['kalshiMarkets', 'kalshiContracts', 'kalshiQuotes', 'eventOutcomes'], 'readonly');
  const [markets, contracts, quotes, outcomes] = await Promise.all([
    tx.objectStore('kalshiMarkets').getAll(),
    tx.objectStore('kalshiContracts').getAll(),
    tx.objectStore('kalshiQuotes').getAll(),
    tx.objectStore('eventOutcomes').getAll(),
  ]);
  await tx.done;
  return { markets, contracts, quotes, outcomes };
}

/** contract_id → market_id of every stored contract (to place quotes from a later file). */
export async function storedContractMarkets(db: QeDb): Promise<Map<string, string>> {
  const all = await db.getAll('kalshiContracts');
  return new Map(all.map((c) => [c.contract_id, c.market_id]));
}

export async function listKalshiMarkets(db: QeDb): Promise<StoredKalshiMarket[]> {
  return db.getAll('kalshiMarkets');
}

/** Deletes every Kalshi record (markets, contracts, quotes, outcomes) in one transaction. */
export async function clearKalshi(db: QeDb): Promise<void> {
  await writeTransaction(db, ['kalshiMarkets', 'kalshiContracts', 'kalshiQuotes', 'eventOutcomes'], 'deletion of Kalshi records', async (tx) => {
    await Promise.all([tx.objectStore('kalshiMarkets').clear(), tx.objectStore('kalshiContracts').clear(), tx.objectStore('kalshiQuotes').clear(), tx.objectStore('eventOutcomes').clear()]);
  });
}

export async function putKalshiUpload(db: QeDb, u: KalshiUpload): Promise<void> {
  await writeTransaction(db, ['kalshiUploads'], `staged file ${u.name}`, async (tx) => {
    await tx.objectStore('kalshiUploads').put(u);
  });
}

export class KalshiUploadNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`staged Kalshi file ${id} is no longer stored (it is removed after its import); choose the file again`);
    this.name = 'KalshiUploadNotFoundError';
  }
}

export async function getKalshiUpload(db: QeDb, id: string): Promise<KalshiUpload> {
  const u = await db.get('kalshiUploads', id);
  if (!u) throw new KalshiUploadNotFoundError(id);
  return u;
}

export async function deleteKalshiUploads(db: QeDb, ids: readonly string[]): Promise<void> {
  await writeTransaction(db, ['kalshiUploads'], 'removal of staged Kalshi files', async (tx) => {
    for (const id of ids) await tx.objectStore('kalshiUploads').delete(id);
  });
}
