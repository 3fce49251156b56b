/** Provenance stamping of stored datasets when they are read for display or compute. */
import type { Bars, DataMode, DatasetMeta, Envelope } from '../engine/contracts';

export function modeForOrigin(origin: DatasetMeta['origin']): DataMode {
  switch (origin) {
    case 'demo':
      return 'demo';
    case 'file':
      return 'live';
    case 'proxy':
      // Fetched earlier and re-read from the local store: shown as cached with its age.
      return 'cached';
  }
}

export function qualityWarning(meta: DatasetMeta): string | null {
  switch (meta.quality) {
    case 'pass':
      return null;
    case 'warn':
      return `Data quality check of ${meta.id} raised warnings — see its quality report in Data Explorer.`;
    case 'fail':
      return `Data quality check of ${meta.id} FAILED — results computed from it may be wrong; see its quality report in Data Explorer.`;
    case 'unchecked':
      return `Data quality of ${meta.id} has not been checked.`;
  }
}

/**
 * Envelope of a stored dataset. asOf = last bar. Staleness: for cached (proxy) data, the age
 * of the cached copy (since it was fetched) — what the CACHED badge shows; otherwise the age
 * of the newest bar.
 */
export function datasetEnvelope(
  meta: DatasetMeta,
  bars: Bars,
  now: number,
  elapsedMs?: number,
): Envelope<{ meta: DatasetMeta; bars: Bars }> {
  const mode = modeForOrigin(meta.origin);
  const lastTs = bars.ts.length > 0 ? bars.ts[bars.ts.length - 1] : null;
  const ref = mode === 'cached' ? Date.parse(meta.storedAt) : lastTs;
  const staleness = ref === null || !Number.isFinite(ref) ? null : Math.max(0, Math.round((now - ref) / 1000));
  const warnings: string[] = [];
  const q = qualityWarning(meta);
  if (q) warnings.push(q);
  if (mode === 'cached') warnings.push(`Cached copy of ${meta.source} data fetched ${meta.storedAt}; it is not refreshed automatically.`);
  if (mode === 'demo') warnings.push('Synthetic demo data — not market data.');
  return {
    data: { meta, bars },
    meta: {
      mode,
      generatedAt: new Date(now).toISOString(),
      asOf: lastTs === null ? null : new Date(lastTs).toISOString(),
      source: meta.source,
      staleness,
      warnings,
      ...(elapsedMs === undefined ? {} : { elapsedMs: Math.max(0, elapsedMs) }),
    },
  };
}
