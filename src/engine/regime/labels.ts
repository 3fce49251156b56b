/**
 * The four canonical market regimes every method is mapped onto (engine-research §0
 * REGIME_NAMES), so methods with different raw state spaces can be compared and combined.
 */
export const CANONICAL_REGIMES = ['Trending Bull', 'Trending Bear', 'Mean Reverting', 'High Volatility'] as const;
export type CanonicalRegimeName = (typeof CANONICAL_REGIMES)[number];

export const TRENDING_BULL = 0;
export const TRENDING_BEAR = 1;
export const MEAN_REVERTING = 2;
export const HIGH_VOLATILITY = 3;
/** number of canonical regimes */
export const R = 4;

/** Name of a canonical regime index (throws on anything else). */
export function regimeName(r: number): CanonicalRegimeName {
  const n = CANONICAL_REGIMES[r];
  if (n === undefined) throw new Error(`regime index must be 0..3, got ${r}`);
  return n;
}
