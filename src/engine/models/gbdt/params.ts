/**
 * Hyper-parameters of the histogram GBDT (names follow scikit-learn's
 * HistGradientBoostingRegressor where it has the concept) and their validation.
 */
import { MAX_BINS } from './binning';

export interface GbdtParams {
  /** boosting iterations (trees) */
  maxIter: number;
  learningRate: number;
  /** null = unlimited (then maxLeafNodes must be set) */
  maxDepth: number | null;
  /** null = unlimited (then maxDepth must be set); when set, nodes split best-first */
  maxLeafNodes: number | null;
  minSamplesLeaf: number;
  /** λ of the L2 penalty on leaf values */
  l2Regularization: number;
  minGainToSplit: number;
  /** bins for non-missing values, ≤ 255 (missing values get their own bin) */
  maxBins: number;
  /** fraction of training rows drawn (without replacement) for each tree */
  subsample: number;
  /** features considered per split: a fraction in (0, 1], 'sqrt', or null for all */
  maxFeatures: number | 'sqrt' | null;
  /** stop when the validation loss has not improved by `tol` for `nIterNoChange` iterations */
  earlyStopping: boolean;
  /** without explicit validation rows: this fraction of the rows, taken from the end (chronological tail) */
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  seed: number;
}

/** scikit-learn's defaults (early stopping off: the caller decides, no 'auto'). */
export const GBDT_DEFAULTS: Readonly<GbdtParams> = {
  maxIter: 100,
  learningRate: 0.1,
  maxDepth: null,
  maxLeafNodes: 31,
  minSamplesLeaf: 20,
  l2Regularization: 0,
  minGainToSplit: 0,
  maxBins: MAX_BINS,
  subsample: 1,
  maxFeatures: null,
  earlyStopping: false,
  validationFraction: 0.1,
  nIterNoChange: 10,
  tol: 1e-7,
  seed: 42,
};

/** scikit-learn's min_hessian_to_split */
export const MIN_HESSIAN_TO_SPLIT = 1e-3;

function check(ok: boolean, msg: string): void {
  if (!ok) throw new Error(`GBDT parameter ${msg}`);
}

export function resolveGbdtParams(p: Partial<GbdtParams> = {}): GbdtParams {
  const r: GbdtParams = { ...GBDT_DEFAULTS, ...p };
  const posInt = (v: number) => Number.isInteger(v) && v >= 1;
  check(posInt(r.maxIter), `maxIter must be an integer ≥ 1 (got ${r.maxIter})`);
  check(r.learningRate > 0 && Number.isFinite(r.learningRate), `learningRate must be > 0 (got ${r.learningRate})`);
  check(r.maxDepth === null || (Number.isInteger(r.maxDepth) && r.maxDepth >= 0), `maxDepth must be null or an integer ≥ 0 (got ${r.maxDepth})`);
  check(r.maxLeafNodes === null || (Number.isInteger(r.maxLeafNodes) && r.maxLeafNodes >= 2), `maxLeafNodes must be null or an integer ≥ 2 (got ${r.maxLeafNodes})`);
  check(r.maxDepth !== null || r.maxLeafNodes !== null, 'maxDepth and maxLeafNodes cannot both be unlimited');
  check(posInt(r.minSamplesLeaf), `minSamplesLeaf must be an integer ≥ 1 (got ${r.minSamplesLeaf})`);
  check(r.l2Regularization >= 0, `l2Regularization must be ≥ 0 (got ${r.l2Regularization})`);
  check(r.minGainToSplit >= 0, `minGainToSplit must be ≥ 0 (got ${r.minGainToSplit})`);
  check(Number.isInteger(r.maxBins) && r.maxBins >= 2 && r.maxBins <= MAX_BINS, `maxBins must be an integer in [2, ${MAX_BINS}] (got ${r.maxBins})`);
  check(r.subsample > 0 && r.subsample <= 1, `subsample must be in (0, 1] (got ${r.subsample})`);
  check(
    r.maxFeatures === null || r.maxFeatures === 'sqrt' || (typeof r.maxFeatures === 'number' && r.maxFeatures > 0 && r.maxFeatures <= 1),
    `maxFeatures must be null, 'sqrt' or a fraction in (0, 1] (got ${r.maxFeatures})`,
  );
  check(r.validationFraction > 0 && r.validationFraction < 1, `validationFraction must be in (0, 1) (got ${r.validationFraction})`);
  check(posInt(r.nIterNoChange), `nIterNoChange must be an integer ≥ 1 (got ${r.nIterNoChange})`);
  check(r.tol >= 0, `tol must be ≥ 0 (got ${r.tol})`);
  check(Number.isInteger(r.seed) && r.seed >= 0, `seed must be an integer ≥ 0 (got ${r.seed})`);
  return r;
}

/** Features per split for F features (scikit-learn's int(sqrt(F)) / int(fraction·F), at least 1). */
export function featuresPerSplit(maxFeatures: GbdtParams['maxFeatures'], F: number): number {
  if (maxFeatures === null) return F;
  if (maxFeatures === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(F)));
  return Math.max(1, Math.min(F, Math.floor(maxFeatures * F)));
}
