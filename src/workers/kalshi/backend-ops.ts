/**
 * The Kalshi part of the main-thread facade: staging import files for a `kalshi_import` job,
 * the stored event types, and the Kalshi Events view of a type as an envelope. Reads only
 * (the jobs write), plus clearing every Kalshi record on request.
 */
import type { Envelope } from '../../engine/contracts';
import { checksumColumns } from '../../engine/core/hash';
import { detectKalshiFileKind, type KalshiFileKind } from '../../engine/kalshi/files';
import { getArtifact } from '../../storage/artifacts';
import type { QeDb } from '../../storage/db';
import { clearKalshi, type KalshiOrigin, listKalshiMarkets, putKalshiUpload } from '../../storage/kalshi';
import { KALSHI_VIEW_PREFIX, type StoredKalshiView } from './views';

export interface KalshiOpsDeps {
  ready(): Promise<QeDb>;
  now(): number;
}

/** A type alias (not an interface) so it can go straight into job params (Json). */
export type KalshiStagedFile = {
  id: string;
  name: string;
  kind: KalshiFileKind;
};

export interface KalshiEventTypeSummary {
  event_type: string;
  markets: number;
  events: number;
  origins: KalshiOrigin[];
}

export class KalshiFileKindError extends Error {
  constructor(readonly fileName: string) {
    super(
      `${fileName}: not recognised as a Kalshi markets file (market_id, event_id, contract_id …), quotes file (contract_id, ts, bid/ask/mid/last) or outcomes file (event_id, realized_value, release_ts, asof_ts …)`,
    );
    this.name = 'KalshiFileKindError';
  }
}

export interface KalshiOps {
  /** Stores a file's text for a `kalshi_import` job (kind from its header unless given). */
  stageKalshiFile(file: { name: string; text: string; kind?: KalshiFileKind }): Promise<KalshiStagedFile>;
  listKalshiEventTypes(): Promise<KalshiEventTypeSummary[]>;
  /** The stored Kalshi Events view of one event type, or null when none is computed. */
  getKalshiView(eventType: string): Promise<Envelope<StoredKalshiView> | null>;
  clearKalshiData(): Promise<void>;
}

export function createKalshiOps(deps: KalshiOpsDeps): KalshiOps {
  return {
    async stageKalshiFile(file) {
      const kind = file.kind ?? detectKalshiFileKind(file.text);
      if (!kind) throw new KalshiFileKindError(file.name);
      const db = await deps.ready();
      const checksum = checksumColumns({ bytes: new TextEncoder().encode(file.text) });
      const id = `kalshi-upload-${checksum.slice(0, 24)}`;
      await putKalshiUpload(db, { id, name: file.name, kind, text: file.text, createdAt: new Date(deps.now()).toISOString() });
      return { id, name: file.name, kind };
    },

    async listKalshiEventTypes() {
      const markets = await listKalshiMarkets(await deps.ready());
      const by = new Map<string, { markets: number; events: Set<string>; origins: Set<KalshiOrigin> }>();
      for (const m of markets) {
        const t = m.event_type || 'UNKNOWN';
        const e = by.get(t) ?? { markets: 0, events: new Set<string>(), origins: new Set<KalshiOrigin>() };
        e.markets++;
        e.events.add(m.event_id);
        e.origins.add(m.origin);
        by.set(t, e);
      }
      return [...by.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([event_type, e]) => ({ event_type, markets: e.markets, events: e.events.size, origins: [...e.origins].sort() }));
    },

    async getKalshiView(eventType) {
      const rec = await getArtifact(await deps.ready(), `${KALSHI_VIEW_PREFIX}${eventType}`);
      if (!rec) return null;
      const v = rec.value as unknown as StoredKalshiView;
      const now = deps.now();
      const asOfMs = v.asOf ? Date.parse(v.asOf) : Number.NaN;
      const warnings = [...v.warnings];
      if (v.mode === 'cached') warnings.push(`Kalshi data fetched through the proxy at ${v.storedAt}; fetch again for current prices`);
      return {
        data: v,
        meta: {
          mode: v.mode,
          generatedAt: v.computedAt,
          asOf: v.asOf,
          source: v.sources.join('; '),
          staleness: Number.isFinite(asOfMs) ? Math.max(0, Math.round((now - asOfMs) / 1000)) : null,
          warnings,
          manifestId: rec.manifestId,
          jobId: rec.jobId,
        },
      };
    },

    async clearKalshiData() {
      const db = await deps.ready();
      await clearKalshi(db);
    },
  };
}
