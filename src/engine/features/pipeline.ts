/**
 * Feature sets for storage and model input: the named columns of one ticker with their warm-up
 * and missing-value profile and a content checksum (so a stored set can be verified and a
 * job can tell whether its inputs changed).
 *
 * Sets: `core` = the 24 contract-B features in contract order; `full` = every registered
 * feature (core first, then the research families in registry order). Every column is causal
 * (value at row t from rows ≤ t of the ticker and benchmark), so the set is too.
 */
import type { Bars } from '../contracts';
import { checksumColumns } from '../core/hash';
import { CORE_FEATURE_NAMES, computeFeatures, FEATURES } from './registry';

export const FEATURE_SETS = ['core', 'full'] as const;
export type FeatureSetName = (typeof FEATURE_SETS)[number];

export interface FeatureSetOptions {
  set: FeatureSetName;
}

export interface FeatureSet {
  set: FeatureSetName;
  names: string[];
  /** one Float64Array per feature, each of the bars' length */
  columns: Float64Array[];
  rows: number;
  /** declared warm-up of each feature (first row that can be valid on gap-free bars) */
  warmup: Int32Array;
  /** first row actually holding a value, −1 if none */
  firstValid: Int32Array;
  /** missing values (NaN) per feature */
  missing: Int32Array;
  /** features that need a benchmark and got none (their columns are all NaN) */
  missingBenchmark: string[];
  /** checksum of the columns (names, lengths and bits) plus the timestamps */
  checksum: string;
}

export function featureSetNames(set: FeatureSetName): string[] {
  switch (set) {
    case 'core':
      return [...CORE_FEATURE_NAMES];
    case 'full':
      return FEATURES.map((f) => f.name);
  }
}

export function computeFeatureSet(bars: Bars, benchmark: Bars | null = null, opts: FeatureSetOptions = { set: 'core' }): FeatureSet {
  if (!(FEATURE_SETS as readonly string[]).includes(opts.set)) {
    throw new Error(`unknown feature set "${opts.set}" (known: ${FEATURE_SETS.join(', ')})`);
  }
  const names = featureSetNames(opts.set);
  const { columns } = computeFeatures(names, bars, benchmark);
  const rows = bars.ts.length;
  const k = names.length;
  const warmup = new Int32Array(k);
  const firstValid = new Int32Array(k).fill(-1);
  const missing = new Int32Array(k);
  const missingBenchmark: string[] = [];
  const byName = new Map(FEATURES.map((f) => [f.name, f]));
  const named: Record<string, Float64Array> = { ts: bars.ts };
  for (let j = 0; j < k; j++) {
    const def = byName.get(names[j])!;
    warmup[j] = def.warmup;
    if (!benchmark && def.needs.includes('benchmark')) missingBenchmark.push(def.name);
    const col = columns[j];
    let miss = 0;
    for (let t = 0; t < rows; t++) {
      if (Number.isNaN(col[t])) miss++;
      else if (firstValid[j] < 0) firstValid[j] = t;
    }
    missing[j] = miss;
    named[`f:${names[j]}`] = col;
  }
  return {
    set: opts.set,
    names,
    columns,
    rows,
    warmup,
    firstValid,
    missing,
    missingBenchmark,
    checksum: checksumColumns(named),
  };
}
