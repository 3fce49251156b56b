import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { pruneCorrelated, selectFeatures, stableFeatures } from '../../../src/engine/models/selection';

describe('feature selection (spec §4.1)', () => {
  it('prunes |ρ| ≥ 0.8 pairs by dropping the feature with the smaller |mean|', () => {
    const a = Float64Array.of(1, 2, 3, 4, 5);
    const b = Float64Array.from(a, (v) => 2 * v + 10); // ρ = 1, larger |mean|
    const c = Float64Array.of(5, 1, 4, 2, 3);
    const { kept, pruned } = pruneCorrelated([a, b, c]);
    expect(kept).toEqual([1, 2]);
    expect(pruned).toEqual([0]);
  });

  it('keeps informative features, drops noise and duplicates, and is deterministic', () => {
    const p = new Prng(4);
    const n = 3000;
    const F = 8;
    const cols = Array.from({ length: F }, () => Float64Array.from({ length: n }, () => p.normal()));
    cols[7] = Float64Array.from(cols[0], (v) => v + 0.01 * p.normal()); // near-duplicate of 0, |mean| similar
    const y = Float64Array.from({ length: n }, (_, i) => cols[0][i] + 0.5 * cols[3][i] * cols[3][i] + 0.3 * p.normal());
    const s = selectFeatures(cols, y, { seed: 1, repeats: 5 });
    expect(s.method).toBe('importance');
    expect(s.pruned.length).toBe(1);
    expect([0, 7]).toContain(s.pruned[0]);
    expect(s.features.slice(0, 2).sort()).toEqual([0, 3].map((j) => (j === 0 && s.pruned[0] === 0 ? 7 : j)).sort());
    expect(s.features.length).toBeGreaterThanOrEqual(5); // padded to min(5, F)
    expect(selectFeatures(cols, y, { seed: 1, repeats: 5 }).features).toEqual(s.features);
  });

  it('falls back to the first columns with too few rows', () => {
    const cols = [0, 1, 2].map(() => Float64Array.from({ length: 50 }, (_, i) => i % 7));
    expect(selectFeatures(cols, new Float64Array(50), { maxFeatures: 2 })).toMatchObject({ features: [0, 1], method: 'first-columns' });
  });

  it('stable set: chosen in ≥ ⌈0.8·k⌉ folds, else ≥ k/2, ordered by frequency', () => {
    expect(stableFeatures([
      [1, 2, 3, 4],
      [2, 3, 4, 1],
      [3, 4, 2, 9],
      [4, 2, 3, 1],
      [2, 3, 4, 8],
    ])).toEqual([2, 3, 4]);
    // no feature in 4 of 5 → those in ≥ 2.5 folds
    expect(stableFeatures([[1, 2, 3], [1, 2, 5], [1, 6, 3], [7, 2, 3], [8, 9, 10]])).toEqual([1, 2, 3]);
    expect(stableFeatures([[1, 2], [3, 4]])).toEqual([1, 2, 3, 4]); // each in 1 ≥ 2/2 folds
    expect(stableFeatures([[1], [2]])).toEqual([]); // fewer than 3 either way
  });
});
