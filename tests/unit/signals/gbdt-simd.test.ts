import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { fitGbdt } from '../../../src/engine/models/gbdt/model';
import { predictTreeRow } from '../../../src/engine/models/gbdt/tree';
import { binForest, SimdPredictor, simdAvailability, simdIneligibility } from '../../../src/engine/models/gbdt/wasm/predict-simd';

/** Features with missing values, infinities and many exact ties; a nonlinear target. */
function data(n: number, F: number, seed: number) {
  const p = new Prng(seed);
  const columns = Array.from({ length: F }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < F; j++) {
      const u = p.next();
      columns[j][i] = u < 0.08 ? Number.NaN : j % 3 === 0 ? Math.round(p.normal() * 3) : p.normal();
    }
    const a = Number.isNaN(columns[0][i]) ? 2 : columns[0][i];
    const b = Number.isNaN(columns[1][i]) ? -1 : columns[1][i];
    y[i] = Math.sin(a) + (b > 0 ? 1 : -0.5) + 0.3 * a * b + 0.1 * p.normal();
  }
  return { columns, y };
}

/** Independent reference: baseline + every tree's leaf in tree order, row by row. */
function reference(model: ReturnType<typeof fitGbdt>, columns: readonly Float64Array[]): Float64Array {
  const n = columns[0].length;
  const out = new Float64Array(n);
  const row = new Float64Array(columns.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < columns.length; j++) row[j] = columns[j][i];
    let s = model.baseline;
    for (const t of model.trees) s += predictTreeRow(t, row);
    out[i] = s;
  }
  return out;
}

const same = (a: Float64Array, b: Float64Array) => {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  expect(bad).toBe(0);
};

describe('GBDT SIMD predict (bin space, 16 rows per vector)', () => {
  it('is available on this runtime', () => {
    expect(simdAvailability()).toEqual({ simd: true, reason: 'compiled' });
  });

  it('is bit-identical to the scalar kernels and the row-by-row reference for depths 1–6, with NaN and ±∞ inputs', () => {
    const train = data(3000, 9, 1);
    const test = data(1237, 9, 2);
    test.columns[2][5] = Number.POSITIVE_INFINITY;
    test.columns[2][6] = Number.NEGATIVE_INFINITY;
    test.columns[4].fill(Number.NaN, 100, 140);
    for (const maxDepth of [1, 2, 3, 4, 5, 6]) {
      const m = fitGbdt(train.columns, train.y, { maxIter: 30, maxDepth, maxLeafNodes: null, minSamplesLeaf: 5, seed: maxDepth });
      expect(simdIneligibility(m.trees, m.nFeatures)).toBeNull();
      // thresholds of the forest are reused exactly: a value equal to a threshold must go left
      const t0 = m.trees[0];
      if (t0.feature[0] >= 0) test.columns[t0.feature[0]][7] = t0.threshold[0];
      const simd = m.predict(test.columns);
      same(simd, m.predictScalar(test.columns, 'js'));
      same(simd, m.predictScalar(test.columns, 'wasm'));
      same(simd, reference(m, test.columns));
    }
  });

  it('handles leaves above the last level, single-leaf trees, chunking and a row count that is not a multiple of 16', () => {
    const train = data(800, 5, 3);
    // Few leaves with depth 6 allowed: most leaves sit above the last level.
    const m = fitGbdt(train.columns, train.y, { maxIter: 20, maxDepth: 6, maxLeafNodes: 5, minSamplesLeaf: 40, seed: 1 });
    expect(m.trees.some((t) => t.depth >= 3)).toBe(true);
    const test = data(333, 5, 4);
    same(m.predict(test.columns), reference(m, test.columns));
    const small = new SimdPredictor(binForest(m.trees, m.nFeatures), 40);
    same(small.predict(test.columns, m.baseline), reference(m, test.columns));
    // A constant target grows single-leaf trees (depth 0).
    const flat = fitGbdt(train.columns, new Float64Array(800).fill(2.5), { maxIter: 3, seed: 1 });
    expect(flat.trees.every((t) => t.depth === 0)).toBe(true);
    same(flat.predict(test.columns), reference(flat, test.columns));
  });

  it('deeper forests take the scalar path and still predict the same numbers', () => {
    const train = data(3000, 6, 5);
    const m = fitGbdt(train.columns, train.y, { maxIter: 5, maxDepth: 8, maxLeafNodes: null, minSamplesLeaf: 3, seed: 2 });
    expect(simdIneligibility(m.trees, m.nFeatures)).toMatch(/depth/);
    const test = data(100, 6, 6);
    same(m.predict(test.columns), reference(m, test.columns));
  });

  it('property: random small forests and inputs agree with the reference bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 70 }), (seed, depth, rows) => {
        const train = data(300, 4, seed);
        const m = fitGbdt(train.columns, train.y, { maxIter: 8, maxDepth: depth, maxLeafNodes: null, minSamplesLeaf: 4, seed });
        const test = data(rows, 4, seed + 1);
        same(m.predict(test.columns), reference(m, test.columns));
      }),
      { numRuns: 25 },
    );
  });
});
