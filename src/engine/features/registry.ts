/**
 * Feature registry: every feature the engine can compute, by name. The core set (contract B)
 * comes first in contract order; further families are flagged `core: false`.
 */
import type { Bars } from '../contracts';
import { FeatureContext } from './context';
import { CORE_FEATURES } from './core';
import { EXTRA_FEATURES } from './extra';
import type { FeatureDef, FeatureMatrix } from './types';

export const FEATURES: readonly FeatureDef[] = [...CORE_FEATURES, ...EXTRA_FEATURES];

export const CORE_FEATURE_NAMES: readonly string[] = CORE_FEATURES.map((f) => f.name);

const BY_NAME = new Map(FEATURES.map((f) => [f.name, f]));
if (BY_NAME.size !== FEATURES.length) throw new Error('feature registry: duplicate feature names');

export function getFeature(name: string): FeatureDef {
  const f = BY_NAME.get(name);
  if (!f) throw new Error(`unknown feature "${name}" (known: ${FEATURES.map((d) => d.name).join(', ')})`);
  return f;
}

/**
 * Computes the named features over one ticker's clean bars (contract A.2 frame C: ascending,
 * duplicate-free dates). The benchmark, when given, must be a clean frame too; features that
 * need it are all NaN without it.
 */
export function computeFeatures(names: readonly string[], bars: Bars, benchmark: Bars | null = null): FeatureMatrix {
  const defs = names.map(getFeature);
  const ctx = new FeatureContext(bars, benchmark);
  return { names: defs.map((d) => d.name), columns: defs.map((d) => d.compute(ctx)) };
}

/** The 24 contract-B features in contract order. */
export function computeCoreFeatures(bars: Bars, benchmark: Bars | null = null): FeatureMatrix {
  return computeFeatures(CORE_FEATURE_NAMES, bars, benchmark);
}
