/**
 * Storage keys, parameter normalisation, read-back validation and envelopes of the research
 * results (features, regimes). Shared by the compute-worker handlers (which write them) and the
 * main-thread facade (which reads them), so it imports nothing heavy: contracts, hashing and
 * the provenance helpers only.
 *
 * Keys: each result is stored under the manifest of *its own* inputs — the dataset's (and
 * benchmark's) checksums plus the normalised params — so the same data and params always map
 * to the same key (reuse), and changed data never reads back an old result by accident:
 *   features/<manifestId>/<datasetId>     regime/<manifestId>
 * plus a pointer to the latest result per dataset:
 *   features-latest/<datasetId>/<set>     regime-latest/<datasetId>/<method>
 */
import {
  arr,
  bool,
  combineModes,
  type DatasetMeta,
  type Envelope,
  type JobManifest,
  type Json,
  literal,
  nullable,
  num,
  obj,
  optional,
  type Schema,
  SchemaError,
  str,
} from '../engine/contracts';
import { modeForOrigin, qualityWarning } from '../storage/provenance';
import {
  FEATURE_SET_NAMES,
  type FeatureSetName,
  type FeatureView,
  REGIME_METHOD_NAMES,
  type RegimeMethodName,
  type RegimeView,
  type ResultInput,
} from './api';
import { buildManifest } from './manifest';

export const DEFAULT_REGIME_FEATURE_LIST: readonly string[] = ['logret_1', 'vol_20'];

// ---- params ---------------------------------------------------------------------------------

export interface NormalisedFeatureParams {
  datasetIds: string[];
  set: FeatureSetName;
  benchmarkId: string | null;
  /** compute even where a valid result is stored for the same inputs (it is replaced) */
  recompute: boolean;
}

export function normaliseFeatureParams(params: { [k: string]: Json }): NormalisedFeatureParams {
  const p = obj({
    datasetIds: arr(str()),
    set: optional(literal(...FEATURE_SET_NAMES)),
    benchmarkId: optional(nullable(str())),
    recompute: optional(bool()),
  })(params, 'params');
  if (p.datasetIds.length === 0) throw new SchemaError('params.datasetIds', 'at least one dataset id', p.datasetIds);
  if (new Set(p.datasetIds).size !== p.datasetIds.length) {
    throw new SchemaError('params.datasetIds', 'distinct dataset ids', p.datasetIds);
  }
  return { datasetIds: p.datasetIds, set: p.set ?? 'core', benchmarkId: p.benchmarkId ?? null, recompute: p.recompute ?? false };
}

/** Regime params with defaults filled in (what the key and the engine see). */
export interface NormalisedRegimeParams {
  datasetId: string;
  method: RegimeMethodName;
  states: number;
  features: string[];
  /** null = the engine's default (3 × number of features) */
  penalty: number | null;
  benchmarkId: string | null;
  /** id of the universe (pooled) HMM whose parameters are applied instead of a per-ticker fit */
  pooledModel?: string;
}

export function normaliseRegimeParams(params: { [k: string]: Json }): NormalisedRegimeParams {
  const p = obj({
    datasetId: str(),
    method: literal(...REGIME_METHOD_NAMES),
    states: optional(num({ int: true, min: 2, max: 12 })),
    features: optional(arr(str())),
    penalty: optional(nullable(num({ min: 0 }))),
    benchmarkId: optional(nullable(str())),
  })(params, 'params');
  const features = p.features ?? [...DEFAULT_REGIME_FEATURE_LIST];
  if (features.length === 0) throw new SchemaError('params.features', 'at least one feature', features);
  if (new Set(features).size !== features.length) throw new SchemaError('params.features', 'distinct feature names', features);
  // Parameters a method ignores are normalised away so they do not split the cache.
  const rules = p.method === 'rules';
  return {
    datasetId: p.datasetId,
    method: p.method,
    states: rules ? 4 : (p.states ?? 4),
    features: rules ? [] : features,
    penalty: p.method === 'jump' || p.method === 'consensus' ? (p.penalty ?? null) : null,
    benchmarkId: rules ? null : (p.benchmarkId ?? null),
  };
}

// ---- keys -----------------------------------------------------------------------------------

function inputsOf(dataset: DatasetMeta, benchmark: DatasetMeta | null) {
  const inputs = [{ key: dataset.id, checksum: dataset.checksum }];
  if (benchmark) inputs.push({ key: benchmark.id, checksum: benchmark.checksum });
  return inputs;
}

/** Manifest of one dataset's feature set: its checksum (and the benchmark's) plus the params. */
export function featureResultManifest(
  datasetId: string,
  set: FeatureSetName,
  dataset: DatasetMeta,
  benchmark: DatasetMeta | null,
): JobManifest {
  return buildManifest({
    type: 'features',
    params: { datasetId, set, benchmarkId: benchmark?.id ?? null },
    inputs: inputsOf(dataset, benchmark),
  });
}

export function featureResultKey(manifestId: string, datasetId: string): string {
  return `features/${manifestId}/${datasetId}`;
}

export function featureLatestKey(datasetId: string, set: FeatureSetName): string {
  return `features-latest/${datasetId}/${set}`;
}

export function regimeResultManifest(p: NormalisedRegimeParams, dataset: DatasetMeta, benchmark: DatasetMeta | null): JobManifest {
  return buildManifest({
    type: 'regime_detect',
    params: {
      datasetId: p.datasetId,
      method: p.method,
      states: p.states,
      features: p.features,
      penalty: p.penalty,
      benchmarkId: p.benchmarkId,
      // only when set, so per-ticker results keep their manifest ids
      ...(p.pooledModel ? { pooledModel: p.pooledModel } : {}),
    },
    inputs: inputsOf(dataset, benchmark),
  });
}

export function regimeResultKey(manifestId: string): string {
  return `regime/${manifestId}`;
}

export function regimeLatestKey(datasetId: string, method: RegimeMethodName): string {
  return `regime-latest/${datasetId}/${method}`;
}

/** Latest universe (pooled) HMM result of a dataset: its own pointer, so per-ticker fits keep theirs. */
export function regimePooledLatestKey(datasetId: string): string {
  return `regime-latest/${datasetId}/hmm-pooled`;
}

export function resultInput(meta: DatasetMeta, role: ResultInput['role']): ResultInput {
  return {
    role,
    datasetId: meta.id,
    ticker: meta.ticker,
    origin: meta.origin,
    source: meta.source,
    checksum: meta.checksum,
    quality: meta.quality,
    storedAt: meta.storedAt,
    last: meta.last,
  };
}

// ---- read-back validation -------------------------------------------------------------------

function typed<T>(name: string, ok: (v: unknown) => v is T): (len?: number) => Schema<T> {
  return (len) =>
    Object.assign(
      (v: unknown, p = '') => {
        if (!ok(v)) throw new SchemaError(p, name, v);
        const n = (v as { length: number }).length;
        if (len !== undefined && n !== len) throw new SchemaError(p, `${name} of length ${len}`, `length ${n}`);
        return v;
      },
      { kind: name },
    ) as Schema<T>;
}

const f64 = typed('Float64Array', (v): v is Float64Array => v instanceof Float64Array);
const i32 = typed('Int32Array', (v): v is Int32Array => v instanceof Int32Array);
/** any number, NaN and ±Infinity included (statistics of empty states, absorbing durations) */
const anyNum: Schema<number> = Object.assign(
  (v: unknown, p = '') => {
    if (typeof v !== 'number') throw new SchemaError(p, 'number', v);
    return v;
  },
  { kind: 'number' },
) as Schema<number>;

/** an object of scalar values (numbers incl. NaN, strings, booleans, null) */
const scalarRecord: Schema<RegimeView['diagnostics']> = Object.assign(
  (v: unknown, p = '') => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(p, 'object', v);
    for (const [k, x] of Object.entries(v)) {
      if (!(x === null || ['number', 'string', 'boolean'].includes(typeof x))) throw new SchemaError(`${p}.${k}`, 'scalar', x);
    }
    return v as RegimeView['diagnostics'];
  },
  { kind: 'scalar record' },
) as Schema<RegimeView['diagnostics']>;

const resultInputSchema: Schema<ResultInput> = obj({
  role: literal('dataset', 'benchmark'),
  datasetId: str(),
  ticker: str(),
  origin: literal('file', 'proxy', 'demo'),
  source: str(),
  checksum: str(),
  quality: literal('pass', 'warn', 'fail', 'unchecked'),
  storedAt: str(),
  last: nullable(str()),
});

const common = {
  inputs: arr(resultInputSchema),
  warnings: arr(str()),
  engineVersion: str(),
  manifestId: str(),
  computedAt: str(),
};

/** Validates a stored feature view (typed arrays included) and its internal consistency. */
export function readFeatureView(value: unknown, what: string): FeatureView {
  const v = obj({
    datasetId: str(),
    ticker: str(),
    set: literal(...FEATURE_SET_NAMES),
    benchmarkId: nullable(str()),
    names: arr(str()),
    families: arr(str()),
    dates: f64(),
    columns: arr(f64()),
    warmup: arr(num({ int: true })),
    firstValid: arr(num({ int: true })),
    missing: arr(num({ int: true, min: 0 })),
    missingBenchmark: arr(str()),
    checksum: str(),
    ...common,
  })(value, what);
  const T = v.dates.length;
  const k = v.names.length;
  for (const [name, a] of [
    ['columns', v.columns],
    ['families', v.families],
    ['warmup', v.warmup],
    ['firstValid', v.firstValid],
    ['missing', v.missing],
  ] as const) {
    if (a.length !== k) throw new SchemaError(`${what}.${name}`, `${k} entries (one per feature)`, `${a.length}`);
  }
  v.columns.forEach((c, j) => {
    if (c.length !== T) throw new SchemaError(`${what}.columns[${j}]`, `${T} rows`, `${c.length}`);
  });
  return v as FeatureView;
}

/** Validates a stored regime view (typed arrays included) and its shapes. */
export function readRegimeView(value: unknown, what: string): RegimeView {
  const v = obj({
    method: literal(...REGIME_METHOD_NAMES),
    datasetId: str(),
    ticker: str(),
    features: arr(str()),
    states: num({ int: true, min: 2 }),
    stateRegimes: arr(num({ int: true, min: 0, max: 3 })),
    stateLabels: arr(str()),
    dates: f64(),
    close: f64(),
    filtered: f64(),
    smoothed: nullable(f64()),
    smoothedDisplayOnly: literal(true),
    canonical: f64(),
    regime: i32(),
    confidence: f64(),
    uncertainty: f64(),
    path: i32(),
    pathKind: literal('viterbi', 'jump-dp', 'rules-smoothed', 'consensus'),
    causalPath: i32(),
    transmat: f64(),
    transmatSource: literal('fitted', 'empirical'),
    durations: f64(),
    stats: arr(
      obj({
        state: num({ int: true }),
        regime: num({ int: true }),
        label: str(),
        count: anyNum,
        share: anyNum,
        meanReturn: anyNum,
        vol: anyNum,
        meanDuration: anyNum,
        expectedDuration: anyNum,
        runs: anyNum,
      }),
    ),
    current: nullable(
      obj({
        date: str(),
        regime: num({ int: true, min: 0, max: 3 }),
        label: str(),
        state: num({ int: true }),
        probs: arr(anyNum),
        confidence: anyNum,
        uncertainty: anyNum,
        sizeMultiplier: anyNum,
      }),
    ),
    diagnostics: scalarRecord,
    components: nullable(
      arr(obj({ name: literal('hmm', 'rules', 'jump'), weight: num(), regime: i32(), confidence: f64() })),
    ),
    ...common,
  })(value, what);
  const T = v.dates.length;
  const K = v.states;
  const shape: Array<[string, { length: number } | null, number]> = [
    ['close', v.close, T],
    ['filtered', v.filtered, T * K],
    ['smoothed', v.smoothed, T * K],
    ['canonical', v.canonical, T * 4],
    ['regime', v.regime, T],
    ['confidence', v.confidence, T],
    ['uncertainty', v.uncertainty, T],
    ['path', v.path, T],
    ['causalPath', v.causalPath, T],
    ['transmat', v.transmat, K * K],
    ['durations', v.durations, K],
    ['stateRegimes', v.stateRegimes, K],
    ['stateLabels', v.stateLabels, K],
    ['stats', v.stats, K],
  ];
  for (const [name, a, n] of shape) {
    if (a !== null && a.length !== n) throw new SchemaError(`${what}.${name}`, `${n} values`, `${a.length}`);
  }
  for (const c of v.components ?? []) {
    if (c.regime.length !== T || c.confidence.length !== T) {
      throw new SchemaError(`${what}.components.${c.name}`, `${T} rows`, `${c.regime.length}`);
    }
  }
  return v as RegimeView;
}

// ---- envelopes ------------------------------------------------------------------------------

export interface ResultEnvelopeOptions {
  now: number;
  /** the inputs' current catalog entries (undefined = deleted since) */
  current: ReadonlyMap<string, DatasetMeta | undefined>;
  source: string;
  asOf: string | null;
  jobId?: string;
}

/**
 * Envelope of a computed result: mode from the input origins (any demo input → demo),
 * staleness from the newest input bar, warnings for input quality, demo data, cached copies
 * and inputs that changed or disappeared since the result was computed.
 */
export function resultEnvelope<T extends { inputs: ResultInput[]; warnings: string[]; manifestId: string; computedAt: string }>(
  data: T,
  o: ResultEnvelopeOptions,
): Envelope<T> {
  const warnings: string[] = [];
  for (const i of data.inputs) {
    const q = qualityWarning({ id: i.datasetId, quality: i.quality } as DatasetMeta);
    if (q) warnings.push(q);
    if (i.origin === 'proxy') warnings.push(`Computed from a cached copy of ${i.datasetId} (${i.source}) stored ${i.storedAt}.`);
    const now = o.current.get(i.datasetId);
    if (now === undefined) warnings.push(`Input ${i.datasetId} has been deleted since this result was computed.`);
    else if (now.checksum !== i.checksum) {
      warnings.push(`Input ${i.datasetId} changed since this result was computed (${i.last ?? '?'} → ${now.last ?? '?'}); re-run to update it.`);
    }
  }
  const modes = data.inputs.map((i) => modeForOrigin(i.origin));
  if (modes.includes('demo')) warnings.push('Computed from synthetic demo data — not market data.');
  warnings.push(...data.warnings);
  const asOfMs = o.asOf === null ? Number.NaN : Date.parse(o.asOf);
  return {
    data,
    meta: {
      mode: combineModes(modes),
      generatedAt: data.computedAt,
      asOf: o.asOf,
      source: o.source,
      staleness: Number.isFinite(asOfMs) ? Math.max(0, Math.round((o.now - asOfMs) / 1000)) : null,
      warnings,
      manifestId: data.manifestId,
      ...(o.jobId ? { jobId: o.jobId } : {}),
    },
  };
}

/** Stored regime/feature pointer records: `{ key }`. */
export const pointerSchema = obj({ key: str() });

