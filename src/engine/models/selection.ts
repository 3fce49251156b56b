/**
 * Feature selection inside each CV fold (spec §4.1 `_select_features`, max 30 features):
 * correlation pruning (|Pearson ρ| ≥ 0.8 drops the feature of the pair with the smaller
 * |mean|), then a selector GBDT (100 trees, depth 3, min leaf 30, lr 0.1, subsample 0.8)
 * fitted on the first 80 % of the rows in time order and permutation importance (R², mean
 * drop over repeats) on the last 20 %: features with positive importance, best first, at most
 * 30, padded to min(5, F) by |importance|. With fewer than 80 rows (or a split below 50/20
 * rows) the first columns are kept. Across folds, the stable set is the features chosen in
 * ≥ ⌈0.8·folds⌉ folds (by frequency), else in ≥ folds/2, else none (the caller reselects).
 */
import { fitGbdt } from './gbdt/model';
import { permutationImportance } from './importance';
import { pearson } from './metrics';

export const MAX_SELECTED_FEATURES = 30;
export const CORRELATION_PRUNE = 0.8;

export interface SelectionOptions {
  maxFeatures?: number;
  repeats?: number;
  seed?: number;
  weights?: Float64Array | null;
}

export interface Selection {
  /** chosen column indices, best first */
  features: number[];
  /** columns dropped by correlation pruning */
  pruned: number[];
  /** permutation importance per column (NaN where not measured) */
  importance: Float64Array;
  method: 'importance' | 'first-columns';
}

function mean(c: Float64Array): number {
  let s = 0;
  for (const v of c) s += v;
  return c.length ? s / c.length : 0;
}

/** Correlation pruning in column order; returns the surviving indices. */
export function pruneCorrelated(cols: readonly Float64Array[], threshold = CORRELATION_PRUNE): { kept: number[]; pruned: number[] } {
  const F = cols.length;
  const alive = new Array(F).fill(true);
  const absMean = cols.map((c) => Math.abs(mean(c)));
  for (let i = 0; i < F; i++) {
    for (let j = i + 1; j < F && alive[i]; j++) {
      if (!alive[j]) continue;
      const r = pearson(cols[i], cols[j]);
      if (Number.isFinite(r) && Math.abs(r) >= threshold) {
        if (absMean[j] < absMean[i]) alive[j] = false;
        else alive[i] = false;
      }
    }
  }
  const kept: number[] = [];
  const pruned: number[] = [];
  alive.forEach((a, j) => {
    (a ? kept : pruned).push(j);
  });
  return { kept, pruned };
}

export function selectFeatures(cols: readonly Float64Array[], y: Float64Array, opts: SelectionOptions = {}): Selection {
  const F = cols.length;
  const n = y.length;
  const maxF = Math.min(opts.maxFeatures ?? MAX_SELECTED_FEATURES, F);
  const importance = new Float64Array(F).fill(Number.NaN);
  const first = (): Selection => ({ features: Array.from({ length: maxF }, (_, j) => j), pruned: [], importance, method: 'first-columns' });
  if (n < 80) return first();
  const nTrain = Math.floor(0.8 * n);
  if (nTrain < 50 || n - nTrain < 20) return first();
  const { kept, pruned } = pruneCorrelated(cols);
  const sub = kept.map((j) => cols[j]);
  const trX = sub.map((c) => c.subarray(0, nTrain));
  const vaX = sub.map((c) => c.subarray(nTrain));
  const w = opts.weights ? opts.weights.subarray(0, nTrain) : null;
  const selector = fitGbdt(
    trX,
    y.subarray(0, nTrain),
    { maxIter: 100, maxDepth: 3, maxLeafNodes: null, minSamplesLeaf: 30, learningRate: 0.1, subsample: 0.8, seed: opts.seed ?? 42 },
    { sampleWeight: w },
  );
  const pi = permutationImportance((c) => selector.predict(c), vaX, y.subarray(nTrain), { repeats: opts.repeats ?? 10, seed: opts.seed ?? 42, metric: 'r2' });
  kept.forEach((j, k) => {
    importance[j] = pi.mean[k];
  });
  const byImportance = (a: number, b: number) => importance[b] - importance[a] || a - b;
  const positive = kept.filter((j) => importance[j] > 0).sort(byImportance).slice(0, maxF);
  const need = Math.min(5, F);
  if (positive.length < need) {
    const rest = kept.filter((j) => !positive.includes(j)).sort((a, b) => Math.abs(importance[b]) - Math.abs(importance[a]) || a - b);
    positive.push(...rest.slice(0, need - positive.length));
  }
  return { features: positive, pruned, importance, method: 'importance' };
}

/** Features chosen in ≥ ⌈0.8·k⌉ of k fold selections (by frequency, then index); else ≥ k/2; need ≥ 3. */
export function stableFeatures(selections: readonly number[][], min = 3): number[] {
  const k = selections.length;
  if (k === 0) return [];
  const freq = new Map<number, number>();
  for (const s of selections) for (const j of s) freq.set(j, (freq.get(j) ?? 0) + 1);
  const pick = (atLeast: number) =>
    [...freq.entries()]
      .filter(([, c]) => c >= atLeast)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([j]) => j);
  const strict = pick(Math.ceil(0.8 * k));
  if (strict.length >= min) return strict.slice(0, MAX_SELECTED_FEATURES);
  const loose = pick(k / 2);
  if (loose.length >= min) return loose.slice(0, MAX_SELECTED_FEATURES);
  return [];
}
