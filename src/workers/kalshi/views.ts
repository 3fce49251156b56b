/**
 * The Kalshi Events tab's stored views: after every import or fetch, each event type's view
 * (engine analysis) is recomputed from everything stored and written as artifact
 * `kalshi/view/<TYPE>` with its provenance (demo if any input is demo; proxy data cached).
 */
import { combineModes, type DataMode, type Json } from '../../engine/contracts';
import type { JobContext } from '../../engine/core/context';
import { checkpoint } from '../../engine/core/context';
import { analyseEventType, eventTypes, type KalshiTypeView } from '../../engine/kalshi/analysis';
import type { EventMarket, EventOutcome, MarketQuotes } from '../../engine/kalshi/types';
import { deleteArtifact, listArtifacts, putArtifact } from '../../storage/artifacts';
import type { QeDb } from '../../storage/db';
import { kalshiMode, readKalshiRecords, type StoredEventOutcome, type StoredKalshiMarket, type StoredKalshiQuotes } from '../../storage/kalshi';
import type { KalshiViewShardInput } from './view-shard';

function engineMarket(m: StoredKalshiMarket): EventMarket {
  const { origin: _o, importedFrom: _s, storedAt: _t, jobId: _j, ...rest } = m;
  return rest;
}

function engineQuotes(q: StoredKalshiQuotes): MarketQuotes {
  const { origin: _o, importedFrom: _s, storedAt: _t, jobId: _j, ...rest } = q;
  return rest;
}

function engineOutcome(o: StoredEventOutcome): EventOutcome {
  const { origin: _o, importedFrom: _s, storedAt: _t, jobId: _j, ...rest } = o;
  return rest;
}

export const KALSHI_VIEW_PREFIX = 'kalshi/view/';

export interface StoredKalshiView {
  view: KalshiTypeView;
  mode: DataMode;
  /** input origins, e.g. "file markets.csv (2025-…)" */
  sources: string[];
  /** newest stored-at among the inputs (ISO) */
  storedAt: string;
  computedAt: string;
  /** newest quote time of the type (ISO) */
  asOf: string | null;
  warnings: string[];
}

/** Computes the views of several event types (on the pool via `parallelMap`, or here). */
export type ViewMapper = (inputs: KalshiViewShardInput[]) => Promise<KalshiTypeView[]>;

export async function refreshKalshiViews(db: QeDb, at: { now: number; jobId: string; manifestId: string }, ctx: JobContext, mapViews?: ViewMapper): Promise<string[]> {
  const rec = await readKalshiRecords(db);
  const types = eventTypes(rec.markets);
  const computedAt = new Date(at.now).toISOString();
  const written: string[] = [];
  const parts = types.map((type) => {
    const markets = rec.markets.filter((m) => (m.event_type || 'UNKNOWN') === type);
    const ids = new Set(markets.map((m) => m.market_id));
    const events = new Set(markets.map((m) => m.event_id));
    return {
      type,
      markets,
      contracts: rec.contracts.filter((c) => ids.has(c.market_id)),
      quotes: rec.quotes.filter((q) => ids.has(q.market_id)),
      outcomes: rec.outcomes.filter((o) => events.has(o.event_id)),
    };
  });
  // Shard inputs carry the engine records only (no provenance fields).
  const inputs: KalshiViewShardInput[] = parts.map((p) => ({
    eventType: p.type,
    records: { markets: p.markets.map(engineMarket), contracts: p.contracts, quotes: p.quotes.map(engineQuotes), outcomes: p.outcomes.map(engineOutcome) },
  }));
  await checkpoint(ctx);
  const views = mapViews ? await mapViews(inputs) : inputs.map((inp) => analyseEventType(inp.records, inp.eventType));
  await checkpoint(ctx);
  for (let i = 0; i < parts.length; i++) {
    const { type, markets, quotes, outcomes } = parts[i];
    const provs = [...markets, ...quotes, ...outcomes];
    const view = views[i];
    let asOf = Number.NEGATIVE_INFINITY;
    for (const q of quotes) for (let k = 0; k < q.ts.length; k++) if (q.ts[k] > asOf) asOf = q.ts[k];
    const stored: StoredKalshiView = {
      view,
      mode: combineModes(provs.map((p) => kalshiMode(p.origin))),
      sources: [...new Set(provs.map((p) => `${p.origin}: ${p.importedFrom}`))].slice(0, 20),
      storedAt: provs.map((p) => p.storedAt).sort().at(-1) ?? computedAt,
      computedAt,
      asOf: Number.isFinite(asOf) ? new Date(asOf).toISOString() : null,
      warnings: view.warnings,
    };
    const key = `${KALSHI_VIEW_PREFIX}${type}`;
    await putArtifact(db, key, JSON.parse(JSON.stringify(stored)) as Json, computedAt, { jobId: at.jobId, manifestId: at.manifestId });
    written.push(key);
  }
  // Views of types that no longer have markets are removed, never left to look current.
  for (const a of await listArtifacts(db, KALSHI_VIEW_PREFIX)) if (!written.includes(a.key)) await deleteArtifact(db, a.key);
  return written;
}
