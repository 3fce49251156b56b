/**
 * The generated SIMD forest kernels (wasm/predict-simd.ts) against two independent paths:
 * the row-by-row tree walk (`predictTreeRow`, baseline then trees in order) and the scalar
 * JavaScript kernel (`predictScalar(…, 'js')`). Forests are built by hand from a seed so
 * every shape occurs: trees shallower than the forest's deepest, single leaves, leaves above
 * the last level, missing values going left or right, "missing vs present" splits (+∞
 * thresholds), ties with thresholds, ±∞ and NaN inputs, and features with many thresholds
 * crowded into a few lookup buckets or spread over 300 orders of magnitude.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { GbdtModel, SIMD_BUILD_ROWS } from '../../../src/engine/models/gbdt/model';
import { resolveGbdtParams } from '../../../src/engine/models/gbdt/params';
import { predictTreeRow, type Tree } from '../../../src/engine/models/gbdt/tree';
import { binForest, bucketOf, rankLut, SIMD_CHUNK_ROWS, SimdPredictor, simdIneligibility } from '../../../src/engine/models/gbdt/wasm/predict-simd';

/** The next double above x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const v = b.getBigInt64(0);
  b.setBigInt64(0, x > 0 ? v + 1n : v - 1n);
  return b.getFloat64(0);
}

function nextDown(x: number): number {
  return -nextUp(-x);
}

/** Per-feature threshold pools: few round values, a crowded cluster, or extreme spreads. */
function thresholdPools(p: Prng, F: number): number[][] {
  return Array.from({ length: F }, (_, j) => {
    const kind = j % 3;
    const n = 2 + p.int(kind === 1 ? 120 : 12);
    const pool = new Set<number>();
    for (let k = 0; k < n; k++) {
      if (kind === 0) pool.add(Math.round(p.normal() * 8) / 4);
      else if (kind === 1) pool.add(0.5 + p.next() * 1e-9);
      else pool.add((p.next() < 0.5 ? -1 : 1) * 10 ** (p.int(617) - 308));
    }
    if (p.next() < 0.3) pool.add(Number.POSITIVE_INFINITY);
    return [...pool];
  });
}

/** A random tree (children allocated in pairs, right = left + 1), depth ≤ maxDepth. */
function randomTree(p: Prng, pools: number[][], maxDepth: number): Tree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const missingLeft: number[] = [];
  const left: number[] = [];
  const value: number[] = [];
  const alloc = () => {
    feature.push(-1);
    threshold.push(0);
    missingLeft.push(0);
    left.push(-1);
    value.push(0);
    return feature.length - 1;
  };
  let depth = 0;
  const grow = (i: number, d: number) => {
    if (d < maxDepth && p.next() < (d === 0 ? 0.9 : 0.7)) {
      const j = p.int(pools.length);
      feature[i] = j;
      threshold[i] = pools[j][p.int(pools[j].length)];
      // A +∞ threshold splits present (left) from missing, so missing goes right — as the
      // grower makes it (the scalar kernel relies on it for +∞ inputs).
      missingLeft[i] = threshold[i] === Number.POSITIVE_INFINITY ? 0 : p.next() < 0.5 ? 1 : 0;
      const l = alloc();
      alloc();
      left[i] = l;
      grow(l, d + 1);
      grow(l + 1, d + 1);
    } else {
      value[i] = p.normal() / 7;
      depth = Math.max(depth, d);
    }
  };
  grow(alloc(), 0);
  const k = feature.length;
  return {
    depth,
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    binThreshold: new Uint8Array(k),
    missingLeft: Uint8Array.from(missingLeft),
    left: Int32Array.from(left),
    right: Int32Array.from(left, (v) => (v < 0 ? -1 : v + 1)),
    value: Float64Array.from(value),
    gain: new Float64Array(k),
    count: new Int32Array(k),
  };
}

function randomModel(seed: number, F: number, T: number, maxDepth: number) {
  const p = new Prng(seed);
  const pools = thresholdPools(p, F);
  const trees = Array.from({ length: T }, () => randomTree(p, pools, maxDepth));
  const model = new GbdtModel({ nFeatures: F, baseline: p.normal(), trees, params: resolveGbdtParams({}), trainScores: [], validationScores: [] });
  return { model, pools };
}

/** Inputs hitting thresholds exactly, their neighbours, NaN, ±∞ and ordinary values. */
function randomInputs(seed: number, pools: number[][], n: number): Float64Array[] {
  const p = new Prng(seed);
  return pools.map((pool) => {
    const col = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const u = p.next();
      const t = pool[p.int(pool.length)];
      if (u < 0.1) col[i] = Number.NaN;
      else if (u < 0.14) col[i] = p.next() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      else if (u < 0.4 || !Number.isFinite(t)) col[i] = Number.isFinite(t) ? t : p.normal();
      else if (u < 0.55) col[i] = nextUp(t);
      else if (u < 0.7) col[i] = nextDown(t);
      else col[i] = p.next() < 0.5 ? p.normal() * 2 : t * (1 + 1e-12 * p.normal());
    }
    return col;
  });
}

/** Independent reference: baseline + each tree's leaf in tree order, row by row. */
function reference(model: GbdtModel, columns: readonly Float64Array[]): Float64Array {
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

function mismatches(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let bad = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) bad++;
  return bad;
}

describe('GBDT SIMD predict: generated kernels', () => {
  it('property: random forests (depths 0–6, mixed shapes) and adversarial inputs give the reference bits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 9 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 1, max: 300 }),
        (seed, F, T, maxDepth, rows) => {
          const { model, pools } = randomModel(seed, F, T, maxDepth);
          expect(simdIneligibility(model.trees, F)).toBeNull();
          const x = randomInputs(seed + 1, pools, rows);
          const fast = new SimdPredictor(binForest(model.trees, F)).predict(x, model.baseline);
          expect(mismatches(fast, reference(model, x))).toBe(0);
          expect(mismatches(fast, model.predictScalar(x, 'js'))).toBe(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('chunks, blocks and partial row groups: several chunk sizes agree, rows not a multiple of 16', () => {
    const { model, pools } = randomModel(77, 7, 25, 6);
    expect(model.trees.some((t) => t.depth < 6 && t.depth > 0)).toBe(true);
    const rows = 2 * SIMD_CHUNK_ROWS + 300 + 7;
    const x = randomInputs(78, pools, rows);
    const ref = reference(model, x);
    const forest = binForest(model.trees, 7);
    for (const chunk of [1, 16, 40, 257, SIMD_CHUNK_ROWS]) {
      expect(mismatches(new SimdPredictor(forest, chunk).predict(x, model.baseline), ref)).toBe(0);
    }
    // The predictor is reusable: a second, shorter call gives the prefix.
    const p = new SimdPredictor(forest);
    p.predict(x, model.baseline);
    const head = x.map((c) => c.subarray(0, 33));
    expect(mismatches(p.predict(head, model.baseline), ref.subarray(0, 33))).toBe(0);
  });

  it('model.predict switches to the SIMD path after SIMD_BUILD_ROWS rows with identical outputs', () => {
    const { model, pools } = randomModel(5, 6, 30, 6);
    const small = randomInputs(6, pools, 500);
    const big = randomInputs(7, pools, SIMD_BUILD_ROWS + 1000);
    expect(mismatches(model.predict(small), reference(model, small))).toBe(0);
    expect(mismatches(model.predict(big), reference(model, big))).toBe(0);
    expect(mismatches(model.predict(small), reference(model, small))).toBe(0);
  });

  it('forests it cannot take (depth > 6, > 254 thresholds on a feature) fall back to the scalar path', () => {
    const { model, pools } = randomModel(11, 4, 20, 8);
    expect(simdIneligibility(model.trees, 4)).toMatch(/depth/);
    const x = randomInputs(12, pools, SIMD_BUILD_ROWS + 10);
    expect(mismatches(model.predict(x), reference(model, x))).toBe(0);
    // 255 distinct thresholds on feature 0 via 255 stumps
    const stumps: Tree[] = Array.from({ length: 255 }, (_, k) => ({
      depth: 1,
      feature: Int32Array.of(0, -1, -1),
      threshold: Float64Array.of(k / 10, 0, 0),
      binThreshold: new Uint8Array(3),
      missingLeft: Uint8Array.of(k % 2, 0, 0),
      left: Int32Array.of(1, -1, -1),
      right: Int32Array.of(2, -1, -1),
      value: Float64Array.of(0, -k / 1000, k / 1000),
      gain: new Float64Array(3),
      count: new Int32Array(3),
    }));
    expect(simdIneligibility(stumps, 1)).toMatch(/255 distinct thresholds/);
    expect(() => binForest(stumps, 1)).toThrow(/255 distinct thresholds/);
  });

  it('rank lookup tables give a lower bound of the rank, exact after the scan (direct check)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        const p = new Prng(seed);
        const pools = thresholdPools(p, 3);
        for (const pool of pools) {
          const cuts = Float64Array.from(new Set(pool)).sort();
          const r = rankLut(cuts);
          for (const x of randomInputs(seed + 2, [pool], 200)[0]) {
            if (Number.isNaN(x)) continue;
            let rank = 0;
            while (rank < cuts.length && cuts[rank] < x) rank++;
            const b = bucketOf(x, r.lo, r.scale);
            expect(r.lut[b]).toBeLessThanOrEqual(rank);
            let k = r.lut[b];
            while (r.cuts[k] < x) k++;
            expect(k).toBe(rank);
          }
        }
      }),
      { numRuns: 30 },
    );
  });
});
