/**
 * Permutation importance: the drop in a score when one feature's column is shuffled,
 * averaged over repeats. Each feature's shuffles come from its own PRNG stream seeded by
 * (seed, feature index), so computing any subset of features — e.g. split across a worker
 * pool — gives exactly the numbers of the full sequential run.
 */
import { seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import { r2, spearman } from './metrics';

export type ImportanceMetric = 'r2' | 'rank_ic';

export interface PermutationOptions {
  repeats?: number;
  seed?: number;
  metric?: ImportanceMetric;
  /** feature indices to compute (default all); others are NaN in the result */
  features?: readonly number[];
}

export interface PermutationImportance {
  metric: ImportanceMetric;
  baseline: number;
  /** mean score drop per feature (NaN where not computed) */
  mean: Float64Array;
  /** population std of the drops over repeats */
  std: Float64Array;
  repeats: number;
}

export function scoreOf(metric: ImportanceMetric, pred: Float64Array, y: Float64Array): number {
  return metric === 'r2' ? r2(pred, y) : spearman(pred, y);
}

/** The PRNG that shuffles feature j (independent of which other features are computed). */
export function featurePrng(seed: number, feature: number): Prng {
  return new Prng(seedFromString(`permutation-importance|${seed}|${feature}`));
}

export function permutationImportance(
  predict: (columns: readonly Float64Array[]) => Float64Array,
  columns: readonly Float64Array[],
  y: Float64Array,
  opts: PermutationOptions = {},
): PermutationImportance {
  const repeats = opts.repeats ?? 10;
  const seed = opts.seed ?? 42;
  const metric = opts.metric ?? 'r2';
  if (!(Number.isInteger(repeats) && repeats >= 1)) throw new Error(`permutation importance: repeats must be an integer ≥ 1 (got ${repeats})`);
  const F = columns.length;
  const n = y.length;
  for (let j = 0; j < F; j++) if (columns[j].length !== n) throw new Error(`permutation importance: column ${j} has ${columns[j].length} rows, y has ${n}`);
  const features = opts.features ?? Array.from({ length: F }, (_, j) => j);
  for (const j of features) if (!(Number.isInteger(j) && j >= 0 && j < F)) throw new Error(`permutation importance: feature index ${j} out of range`);
  const baseline = scoreOf(metric, predict(columns), y);
  const mean = new Float64Array(F).fill(Number.NaN);
  const std = new Float64Array(F).fill(Number.NaN);
  const shuffled = new Float64Array(n);
  for (const j of features) {
    const prng = featurePrng(seed, j);
    const cols = columns.slice();
    cols[j] = shuffled;
    const drops = new Float64Array(repeats);
    for (let k = 0; k < repeats; k++) {
      const perm = prng.permutation(n);
      for (let i = 0; i < n; i++) shuffled[i] = columns[j][perm[i]];
      drops[k] = baseline - scoreOf(metric, predict(cols), y);
    }
    let m = 0;
    for (const d of drops) m += d;
    m /= repeats;
    let v = 0;
    for (const d of drops) v += (d - m) ** 2;
    mean[j] = m;
    std[j] = Math.sqrt(v / repeats);
  }
  return { metric, baseline, mean, std, repeats };
}

/** Merges results computed for disjoint feature subsets (e.g. by several workers). */
export function mergeImportance(parts: readonly PermutationImportance[]): PermutationImportance {
  if (parts.length === 0) throw new Error('mergeImportance: nothing to merge');
  const F = parts[0].mean.length;
  const mean = new Float64Array(F).fill(Number.NaN);
  const std = new Float64Array(F).fill(Number.NaN);
  for (const p of parts) {
    if (p.mean.length !== F || p.metric !== parts[0].metric || p.repeats !== parts[0].repeats || p.baseline !== parts[0].baseline) {
      throw new Error('mergeImportance: parts come from different runs');
    }
    for (let j = 0; j < F; j++) {
      if (Number.isNaN(p.mean[j])) continue;
      if (!Number.isNaN(mean[j])) throw new Error(`mergeImportance: feature ${j} computed twice`);
      mean[j] = p.mean[j];
      std[j] = p.std[j];
    }
  }
  return { metric: parts[0].metric, baseline: parts[0].baseline, mean, std, repeats: parts[0].repeats };
}
