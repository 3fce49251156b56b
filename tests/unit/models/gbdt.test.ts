import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { featureThresholds, sampleSorted } from '../../../src/engine/models/gbdt/binning';
import { fitGbdt, GbdtModel, GbdtTrainer } from '../../../src/engine/models/gbdt/model';
import { leafCount, predictTreeRow, type Tree } from '../../../src/engine/models/gbdt/tree';
import { r2 } from '../../../src/engine/models/metrics';

/** n rows of F uniform features on [−1, 1) and a target from `f` plus optional noise. */
function dataset(n: number, F: number, seed: number, f: (x: number[]) => number, noise = 0) {
  const p = new Prng(seed);
  const cols = Array.from({ length: F }, () => new Float64Array(n));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = Array.from({ length: F }, () => 2 * p.next() - 1);
    x.forEach((v, j) => {
      cols[j][i] = v;
    });
    y[i] = f(x) + noise * p.normal();
  }
  return { cols, y };
}

function split(d: { cols: Float64Array[]; y: Float64Array }, nTrain: number) {
  return {
    tr: d.cols.map((c) => c.subarray(0, nTrain)),
    ytr: d.y.subarray(0, nTrain),
    te: d.cols.map((c) => c.subarray(nTrain)),
    yte: d.y.subarray(nTrain),
  };
}

function depthOf(t: Tree): Int32Array {
  const d = new Int32Array(t.feature.length);
  for (let i = 0; i < t.feature.length; i++) {
    if (t.feature[i] >= 0) {
      d[t.left[i]] = d[i] + 1;
      d[t.right[i]] = d[i] + 1;
    }
  }
  return d;
}

describe('GBDT fits known functions', () => {
  it('a step in one feature: test R² > 0.99 and the root splits on it near the step', () => {
    const d = split(dataset(6000, 4, 1, (x) => (x[1] > 0.3 ? 1 : 0)), 4000);
    const m = fitGbdt(d.tr, d.ytr, { maxIter: 50 });
    expect(r2(m.predict(d.te), d.yte)).toBeGreaterThan(0.99);
    const t0 = m.trees[0];
    expect(t0.feature[0]).toBe(1);
    expect(Math.abs(t0.threshold[0] - 0.3)).toBeLessThan(0.02);
  });

  it('an additive function: test R² > 0.97', () => {
    const d = split(dataset(8000, 5, 2, (x) => x[0] + 2 * x[1] * x[1] - Math.abs(x[2])), 6000);
    const m = fitGbdt(d.tr, d.ytr, { maxIter: 300, learningRate: 0.1, maxDepth: 3, maxLeafNodes: null });
    expect(r2(m.predict(d.te), d.yte)).toBeGreaterThan(0.97);
  });

  it('an interaction x0·x1 (invisible to single-feature splits at the root): test R² > 0.9', () => {
    const d = split(dataset(8000, 4, 3, (x) => x[0] * x[1]), 6000);
    const m = fitGbdt(d.tr, d.ytr, { maxIter: 300, maxLeafNodes: 31 });
    expect(r2(m.predict(d.te), d.yte)).toBeGreaterThan(0.9);
  });

  it('learns from missingness: NaN rows get their own value', () => {
    const n = 3000;
    const p = new Prng(4);
    const x = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const missing = p.next() < 0.3;
      x[i] = missing ? Number.NaN : 2 * p.next() - 1;
      y[i] = missing ? 5 : x[i];
    }
    const m = fitGbdt([x], y, { maxIter: 100 });
    const pred = m.predict([Float64Array.of(Number.NaN, 0.5, -0.5)]);
    expect(pred[0]).toBeCloseTo(5, 1);
    expect(pred[1]).toBeCloseTo(0.5, 1);
    expect(pred[2]).toBeCloseTo(-0.5, 1);
  });

  it('without missing values in training, NaN at predict time follows the larger child', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => i);
    const y = Float64Array.from(x, (v) => (v < 800 ? 0 : 10));
    const m = fitGbdt([x], y, { maxIter: 1, learningRate: 1, maxDepth: 1, maxLeafNodes: null });
    expect(m.trees[0].feature[0]).toBe(0);
    expect(m.trees[0].missingLeft[0]).toBe(1);
    expect(m.predict([Float64Array.of(Number.NaN)])[0]).toBeCloseTo(m.predict([Float64Array.of(0)])[0], 12);
  });
});

describe('GBDT structure limits', () => {
  const d = dataset(3000, 6, 5, (x) => Math.sin(3 * x[0]) + x[1] * x[2] + x[3], 0.2);

  it('respects max depth, min samples per leaf and (best-first) max leaf nodes', () => {
    const m = fitGbdt(d.cols, d.y, { maxIter: 20, maxDepth: 3, maxLeafNodes: null, minSamplesLeaf: 40 });
    for (const t of m.trees) {
      const depth = depthOf(t);
      for (let i = 0; i < t.feature.length; i++) {
        expect(depth[i]).toBeLessThanOrEqual(3);
        if (t.feature[i] < 0) expect(t.count[i]).toBeGreaterThanOrEqual(40);
      }
      expect(t.depth).toBe(Math.max(...depth));
    }
    const m2 = fitGbdt(d.cols, d.y, { maxIter: 10, maxLeafNodes: 7, minSamplesLeaf: 5 });
    for (const t of m2.trees) expect(leafCount(t)).toBe(7);
  });

  it('children partition their parent and leaves carry −lr·G/(H+λ)', () => {
    const m = fitGbdt(d.cols, d.y, { maxIter: 3, maxDepth: 4, maxLeafNodes: null, l2Regularization: 2 });
    for (const t of m.trees) {
      for (let i = 0; i < t.feature.length; i++) {
        if (t.feature[i] >= 0) {
          expect(t.right[i]).toBe(t.left[i] + 1);
          expect(t.count[t.left[i]] + t.count[t.right[i]]).toBe(t.count[i]);
          expect(t.gain[i]).toBeGreaterThan(0);
        }
      }
    }
    // First tree, λ = 2: a leaf's value is lr·Σ(y − ȳ)/(n + λ) over its rows.
    const t = m.trees[0];
    const ybar = d.y.reduce((s, v) => s + v, 0) / d.y.length;
    const sums = new Map<number, { s: number; n: number }>();
    for (let r = 0; r < d.y.length; r++) {
      let i = 0;
      while (t.feature[i] >= 0) i = d.cols[t.feature[i]][r] <= t.threshold[i] ? t.left[i] : t.right[i];
      const e = sums.get(i) ?? { s: 0, n: 0 };
      e.s += d.y[r] - ybar;
      e.n++;
      sums.set(i, e);
    }
    for (const [leaf, e] of sums) expect(t.value[leaf]).toBeCloseTo((0.1 * e.s) / (e.n + 2), 6);
  });

  it('the fast forest predictor equals walking each tree row by row', () => {
    const m = fitGbdt(d.cols, d.y, { maxIter: 15, maxLeafNodes: 31, subsample: 0.7, maxFeatures: 0.5, seed: 3 });
    const n = 700;
    const cols = d.cols.map((c) => c.slice(0, n));
    cols[2][5] = Number.NaN;
    cols[0][6] = Number.POSITIVE_INFINITY;
    const fast = m.predict(cols);
    for (let r = 0; r < n; r++) {
      const row = cols.map((c) => c[r]);
      let acc = m.baseline;
      for (const t of m.trees) acc += predictTreeRow(t, row);
      expect(fast[r]).toBe(acc);
    }
  });
});

describe('GBDT prediction with missing and infinite inputs', () => {
  it('matches the reference walk when training had missing values (missing-vs-present splits)', () => {
    const p = new Prng(12);
    const n = 3000;
    const x0 = new Float64Array(n);
    const x1 = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      x0[i] = p.next() < 0.4 ? Number.NaN : p.normal();
      x1[i] = p.next() < 0.1 ? Number.NaN : p.normal();
      y[i] = (Number.isNaN(x0[i]) ? 3 : x0[i]) + (Number.isNaN(x1[i]) ? -2 : 0.5 * x1[i]) + 0.1 * p.normal();
    }
    const m = fitGbdt([x0, x1], y, { maxIter: 30, maxLeafNodes: 8 });
    const splitsOnMissing = m.trees.some((t) => t.threshold.some((v, i) => t.feature[i] >= 0 && v === Number.POSITIVE_INFINITY));
    expect(splitsOnMissing).toBe(true);
    const vals = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0, 1e300, -2.5, 2.5];
    const a = Float64Array.from({ length: vals.length ** 2 }, (_, k) => vals[k % vals.length]);
    const b = Float64Array.from({ length: vals.length ** 2 }, (_, k) => vals[Math.floor(k / vals.length)]);
    for (const kind of ['wasm', 'js'] as const) {
      const fast = m.predict([a, b], kind);
      for (let r = 0; r < a.length; r++) {
        let acc = m.baseline;
        for (const t of m.trees) acc += predictTreeRow(t, [a[r], b[r]]);
        expect(fast[r]).toBe(acc);
      }
    }
  });
});

describe('GBDT training details', () => {
  it('training predictions equal predict() on the training rows, bit for bit (in-bag, out-of-bag)', () => {
    const d = dataset(2000, 5, 6, (x) => x[0] - x[1] * x[2], 0.1);
    const t = new GbdtTrainer(d.cols, d.y, { maxIter: 25, subsample: 0.6, seed: 11 });
    while (!t.done) t.step();
    expect(Array.from(t.trainPredictions())).toEqual(Array.from(t.model().predict(d.cols)));
  });

  it('early stopping halts when the validation loss stops improving (scikit-learn rule)', () => {
    const d = dataset(3000, 3, 7, (x) => x[0], 1.0);
    const m = fitGbdt(d.cols, d.y, { maxIter: 500, earlyStopping: true, nIterNoChange: 5, tol: 0, learningRate: 0.3 });
    expect(m.nIter).toBeLessThan(500);
    const s = m.validationScores;
    expect(s.length).toBe(m.nIter + 1);
    // Stopped: none of the last 5 scores beats the one before them.
    const ref = s[s.length - 6];
    for (const v of s.slice(-5)) expect(v).toBeLessThanOrEqual(ref);
  });

  it('rejects bad inputs with specific messages', () => {
    expect(() => fitGbdt([Float64Array.of(1, 2)], Float64Array.of(1, Number.NaN))).toThrow(/target: row 1/);
    expect(() => fitGbdt([Float64Array.of(1, 2, 3)], Float64Array.of(1, 2))).toThrow(/column 0 has 3 rows, expected 2/);
    expect(() => fitGbdt([Float64Array.of(1)], Float64Array.of(1), { maxBins: 256 })).toThrow(/maxBins/);
    expect(() => fitGbdt([Float64Array.of(1)], Float64Array.of(1), { maxDepth: null, maxLeafNodes: null })).toThrow(/both be unlimited/);
  });
});

describe('GBDT serialisation', () => {
  const d = dataset(1500, 4, 8, (x) => x[0] * 2 + (x[1] > 0 ? 1 : -1), 0.3);

  it('same seed → identical bytes; another seed (with subsampling) → different trees', () => {
    const a = JSON.stringify(fitGbdt(d.cols, d.y, { maxIter: 30, subsample: 0.8, maxFeatures: 'sqrt', seed: 5 }).toJSON());
    const b = JSON.stringify(fitGbdt(d.cols, d.y, { maxIter: 30, subsample: 0.8, maxFeatures: 'sqrt', seed: 5 }).toJSON());
    const c = JSON.stringify(fitGbdt(d.cols, d.y, { maxIter: 30, subsample: 0.8, maxFeatures: 'sqrt', seed: 6 }).toJSON());
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('round-trips through JSON with identical predictions and rejects malformed trees', () => {
    const m = fitGbdt(d.cols, d.y, { maxIter: 20 });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const back = GbdtModel.fromJSON(json);
    expect(Array.from(back.predict(d.cols))).toEqual(Array.from(m.predict(d.cols)));
    expect(JSON.stringify(back.toJSON())).toBe(JSON.stringify(m.toJSON()));
    json.trees.feature = json.trees.feature.slice(0, 16);
    expect(() => GbdtModel.fromJSON(json)).toThrow(/feature has \d+ nodes/);
  });

  it('importance sums to 1 and favours the features the target uses', () => {
    const m = fitGbdt(d.cols, d.y, { maxIter: 40 });
    const imp = m.featureImportance();
    expect(imp.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
    expect(imp[0] + imp[1]).toBeGreaterThan(0.9);
  });
});

describe('binning', () => {
  it('few distinct values → midpoints; NaN ignored; many → 254 ordered thresholds', () => {
    expect(Array.from(featureThresholds(Float64Array.of(3, 1, Number.NaN, 2, 2, 1)))).toEqual([1.5, 2.5]);
    const v = Float64Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5000);
    const t = featureThresholds(v);
    expect(t.length).toBe(254);
    for (let i = 1; i < t.length; i++) expect(t[i]).toBeGreaterThan(t[i - 1]);
    // numpy midpoint percentile of 0..4999 at 100/255 %: index 19.6 → between 19 and 20 → 19.5
    expect(t[0]).toBe(19.5);
  });

  it('sampleSorted draws k distinct ascending indices, deterministically', () => {
    const a = sampleSorted(1000, 137, new Prng(9));
    expect(a.length).toBe(137);
    for (let i = 1; i < a.length; i++) expect(a[i]).toBeGreaterThan(a[i - 1]);
    expect(Array.from(sampleSorted(1000, 137, new Prng(9)))).toEqual(Array.from(a));
  });
});
