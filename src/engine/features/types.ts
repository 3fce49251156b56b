import type { FeatureContext } from './context';

export const FEATURE_FAMILIES = [
  'returns',
  'volatility',
  'momentum',
  'mean_reversion',
  'trend',
  'liquidity',
  'distribution',
  'risk',
] as const;
export type FeatureFamily = (typeof FEATURE_FAMILIES)[number];

/** Extra inputs a feature needs beyond the ticker's own bars. */
export type FeatureNeed = 'benchmark';

export interface FeatureDef {
  name: string;
  family: FeatureFamily;
  /** first row that can be valid (0-based) on gap-free bars; earlier rows are NaN */
  warmup: number;
  needs: readonly FeatureNeed[];
  /** part of the contract-B core set (checked against the reference) */
  core: boolean;
  /** one-line definition for tooltips and docs */
  description: string;
  /** returns a new column of the frame's length; NaN during warm-up and where undefined */
  compute(input: FeatureContext): Float64Array;
}

export interface FeatureMatrix {
  names: string[];
  columns: Float64Array[];
}
