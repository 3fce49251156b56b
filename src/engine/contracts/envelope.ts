import { arr, isoDate, literal, nullable, num, obj, optional, type Schema, str } from './schema';

/**
 * Provenance of every number on screen. `live` = computed in this app run from real user
 * data; `cached` = re-read from the local store (show its age); `fallback` = real data with
 * substitutions, each named in a warning; `demo` = synthetic data the user asked for.
 */
export const DATA_MODES = ['live', 'cached', 'fallback', 'demo'] as const;
export type DataMode = (typeof DATA_MODES)[number];

export interface EnvelopeMeta {
  mode: DataMode;
  /** When this view-model was computed (ISO). */
  generatedAt: string;
  /** Timestamp of the newest input observation (ISO), null when the result has no time axis. */
  asOf: string | null;
  /** Human-readable origin: file names, dataset keys, provider, model version. */
  source: string;
  /** Age of the newest input in seconds at generatedAt; null when unknown. */
  staleness: number | null;
  warnings: string[];
  /** Manifest id of the job that produced the data, if any. */
  manifestId?: string;
  jobId?: string;
  traceId?: string;
  elapsedMs?: number;
}

export interface Envelope<T> {
  data: T;
  meta: EnvelopeMeta;
}

export const envelopeMetaSchema: Schema<EnvelopeMeta> = obj({
  mode: literal(...DATA_MODES),
  generatedAt: isoDate(),
  asOf: nullable(isoDate()),
  source: str(),
  staleness: nullable(num({ min: 0 })),
  warnings: arr(str()),
  manifestId: optional(str()),
  jobId: optional(str()),
  traceId: optional(str()),
  elapsedMs: optional(num({ min: 0 })),
});

/** Validates the envelope's meta; the data part is validated by the caller's own schema. */
export function envelopeSchema<T>(data: Schema<T>): Schema<Envelope<T>> {
  return obj({ data, meta: envelopeMetaSchema }) as Schema<Envelope<T>>;
}

/**
 * Combines the provenance of several inputs: any demo input makes the result demo; any
 * fallback makes it fallback; all cached → cached; otherwise live. Warnings are concatenated.
 */
export function combineModes(modes: readonly DataMode[]): DataMode {
  if (modes.includes('demo')) return 'demo';
  if (modes.includes('fallback')) return 'fallback';
  if (modes.length > 0 && modes.every((m) => m === 'cached')) return 'cached';
  return 'live';
}
