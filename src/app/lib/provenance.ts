import {
  combineModes,
  type DataMode,
  type DatasetMeta,
  type DatasetOrigin,
  type Envelope,
  type EnvelopeMeta,
  envelopeMetaSchema,
  safeParse,
} from '../../engine/contracts';
import { formatAge, formatDuration } from './format';

/** What a badge shows: the mode (or unknown) and its exact text. */
export type BadgeMode = DataMode | 'unknown';

export interface BadgeModel {
  mode: BadgeMode;
  label: string;
}

/**
 * Badge text for a meta. Cached results show how old they are: the staleness of the newest
 * input when the producer recorded it, otherwise the time since the result was generated.
 * Anything that is not a valid meta is UNKNOWN — never LIVE by default.
 */
export function badgeFor(meta: EnvelopeMeta | null | undefined, nowMs: number): BadgeModel {
  if (!meta) return { mode: 'unknown', label: 'UNKNOWN' };
  switch (meta.mode) {
    case 'live':
      return { mode: 'live', label: 'LIVE' };
    case 'demo':
      return { mode: 'demo', label: 'DEMO' };
    case 'fallback':
      return { mode: 'fallback', label: 'FALLBACK' };
    case 'cached': {
      const age = cacheAgeSeconds(meta, nowMs);
      return { mode: 'cached', label: age === null ? 'CACHED' : `CACHED · ${formatAge(age)}` };
    }
    default:
      return { mode: 'unknown', label: 'UNKNOWN' };
  }
}

export function cacheAgeSeconds(meta: EnvelopeMeta, nowMs: number): number | null {
  if (meta.staleness !== null && Number.isFinite(meta.staleness)) return meta.staleness;
  const gen = Date.parse(meta.generatedAt);
  if (Number.isNaN(gen)) return null;
  return Math.max(0, (nowMs - gen) / 1000);
}

/** Rows of the provenance popover, in display order; absent fields are left out. */
export function provenanceRows(meta: EnvelopeMeta, nowMs: number): [string, string][] {
  const rows: [string, string][] = [
    ['Mode', meta.mode],
    ['Generated', meta.generatedAt],
    ['As of', meta.asOf ?? '—'],
    ['Source', meta.source || '—'],
    ['Staleness', meta.staleness === null ? 'unknown' : formatAge(meta.staleness)],
  ];
  if (meta.mode === 'cached') {
    const age = cacheAgeSeconds(meta, nowMs);
    if (age !== null) rows.push(['Cache age', formatAge(age)]);
  }
  if (meta.elapsedMs !== undefined) rows.push(['Elapsed', formatDuration(meta.elapsedMs)]);
  if (meta.jobId) rows.push(['Job', meta.jobId]);
  if (meta.manifestId) rows.push(['Manifest', meta.manifestId]);
  if (meta.traceId) rows.push(['Trace', meta.traceId]);
  return rows;
}

export type EnvelopeCheck<T> = { ok: true; envelope: Envelope<T> } | { ok: false; reason: string };

/**
 * Gate in front of every rendered dataset: the envelope must exist, carry a `data` key and a
 * meta that passes the contract schema. Otherwise the panel shows an error, never the data.
 */
export function checkEnvelope<T>(value: unknown): EnvelopeCheck<T> {
  if (typeof value !== 'object' || value === null) {
    return { ok: false, reason: 'missing provenance: no envelope around the data' };
  }
  const v = value as { data?: unknown; meta?: unknown };
  if (!('data' in v)) return { ok: false, reason: 'missing provenance: envelope has no data field' };
  if (v.meta === undefined || v.meta === null) {
    return { ok: false, reason: 'missing provenance: envelope has no meta' };
  }
  const parsed = safeParse(envelopeMetaSchema, v.meta);
  if (!parsed.ok) return { ok: false, reason: `missing provenance: invalid meta — ${parsed.error.message}` };
  return { ok: true, envelope: { data: v.data as T, meta: parsed.value } };
}

/**
 * Provenance of a catalog record, following the storage rule: demo generator → demo,
 * imported file → live (real user data), proxy download → cached (re-read from the store).
 */
export function modeForOrigin(origin: DatasetOrigin): DataMode {
  switch (origin) {
    case 'demo':
      return 'demo';
    case 'file':
      return 'live';
    case 'proxy':
      return 'cached';
  }
}

/** Envelope for a catalog listing: mode combined over the listed datasets. */
export function catalogEnvelope(list: readonly DatasetMeta[], nowMs: number): Envelope<DatasetMeta[]> {
  const modes = list.map((d) => modeForOrigin(d.origin));
  const newest = list.reduce<string | null>((acc, d) => (d.last && (!acc || d.last > acc) ? d.last : acc), null);
  const newestMs = newest ? Date.parse(newest) : Number.NaN;
  return {
    data: [...list],
    meta: {
      mode: combineModes(modes),
      generatedAt: new Date(nowMs).toISOString(),
      asOf: newest,
      source: `local dataset catalog (${list.length} dataset${list.length === 1 ? '' : 's'})`,
      staleness: Number.isNaN(newestMs) ? null : Math.max(0, (nowMs - newestMs) / 1000),
      warnings: list.filter((d) => d.quality === 'fail').map((d) => `${d.id}: quality check failed`),
    },
  };
}
