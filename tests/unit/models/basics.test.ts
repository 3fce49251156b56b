import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, matmul, NotPositiveDefiniteError, solveLinear, solveSpd, transpose } from '../../../src/engine/core/linalg';
import { Prng } from '../../../src/engine/core/prng';
import { blendWeights } from '../../../src/engine/models/blend';
import { base64ToF64, f64ToBase64 } from '../../../src/engine/models/codec';
import { averageRanks, hitRate, pearson, r2, regressionMetrics, rmse, spearman } from '../../../src/engine/models/metrics';
import { fitRidge, RidgeModel } from '../../../src/engine/models/ridge';
import { alignBenchmarkClose, forwardReturnTarget } from '../../../src/engine/models/targets';

describe('linear algebra', () => {
  it('Cholesky of a hand matrix and solves', () => {
    const A = Float64Array.of(4, 12, -16, 12, 37, -43, -16, -43, 98);
    expect(Array.from(cholesky(A, 3))).toEqual([2, 0, 0, 6, 1, 0, -8, 5, 3]);
    const x = solveSpd(A, Float64Array.of(1, 2, 3), 3);
    const back = matmul(A, x, 3, 3, 1);
    back.forEach((v, i) => {
      expect(v).toBeCloseTo([1, 2, 3][i], 10);
    });
    expect(Array.from(choleskySolve(cholesky(Float64Array.of(4), 1), Float64Array.of(8), 1))).toEqual([2]);
    expect(() => cholesky(Float64Array.of(1, 2, 2, 1), 2)).toThrow(NotPositiveDefiniteError);
    expect(Array.from(transpose(Float64Array.of(1, 2, 3, 4, 5, 6), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('general solve with pivoting; singular → null', () => {
    const x = solveLinear(Float64Array.of(0, 1, 1, 0), Float64Array.of(2, 3), 2);
    expect(Array.from(x ?? [])).toEqual([3, 2]);
    expect(solveLinear(Float64Array.of(1, 2, 2, 4), Float64Array.of(1, 2), 2)).toBeNull();
  });
});

describe('ridge', () => {
  it('equals the normal-equation solution on standardised inputs, computed independently', () => {
    const p = new Prng(3);
    const n = 200;
    const F = 4;
    const X = Array.from({ length: F }, () => Float64Array.from({ length: n }, () => p.normal() * 3 + 1));
    const y = Float64Array.from({ length: n }, (_, i) => 2 * X[0][i] - X[2][i] + 0.5 * p.normal() + 4);
    const alpha = 7;
    const m = fitRidge(X, y, { alpha });
    // Independent: Z = (X − mean)/std (population), β = (ZᵀZ + αI)⁻¹ Zᵀ(y − ȳ) by Gauss–Jordan.
    const mean = X.map((c) => c.reduce((s, v) => s + v, 0) / n);
    const sd = X.map((c, j) => Math.sqrt(c.reduce((s, v) => s + (v - mean[j]) ** 2, 0) / n));
    const ybar = y.reduce((s, v) => s + v, 0) / n;
    const A: number[][] = Array.from({ length: F }, (_, a) =>
      Array.from({ length: F + 1 }, (_, b) => {
        let s = 0;
        for (let i = 0; i < n; i++) {
          const za = (X[a][i] - mean[a]) / sd[a];
          s += b < F ? za * ((X[b][i] - mean[b]) / sd[b]) : za * (y[i] - ybar);
        }
        return s + (a === b ? alpha : 0);
      }),
    );
    for (let c = 0; c < F; c++) {
      const piv = A[c][c];
      for (let k = 0; k <= F; k++) A[c][k] /= piv;
      for (let r = 0; r < F; r++) {
        if (r === c) continue;
        const f = A[r][c];
        for (let k = 0; k <= F; k++) A[r][k] -= f * A[c][k];
      }
    }
    const beta = A.map((row, j) => row[F] / sd[j]);
    beta.forEach((b, j) => {
      expect(m.coef[j]).toBeCloseTo(b, 10);
    });
    expect(m.intercept).toBeCloseTo(ybar - beta.reduce((s, b, j) => s + b * mean[j], 0), 10);
  });

  it('fills NaN with training medians, zeroes constant features, round-trips JSON', () => {
    const m = fitRidge([Float64Array.of(1, 2, Number.NaN, 4, 100), Float64Array.of(5, 5, 5, 5, 5)], Float64Array.of(1, 2, 3, 4, 5), { alpha: 0.1 });
    expect(m.fill[0]).toBe(3);
    expect(m.coef[1]).toBe(0);
    const back = RidgeModel.fromJSON(JSON.parse(JSON.stringify(m.toJSON())));
    const x = [Float64Array.of(Number.NaN, 7), Float64Array.of(5, 5)];
    expect(Array.from(back.predict(x))).toEqual(Array.from(m.predict(x)));
    expect(m.predict(x)[0]).toBe(m.predict([Float64Array.of(3), Float64Array.of(5)])[0]);
  });
});

describe('metrics', () => {
  it('by hand', () => {
    const p = [1, 2, 3, 4];
    const y = [2, 4, 5, 4];
    // deviations (−1.5, −0.5, 0.5, 1.5) and (−1.75, 0.25, 1.25, 0.25): Σab = 3.5, Σa² = 5, Σb² = 4.75
    expect(pearson(p, y)).toBeCloseTo(3.5 / Math.sqrt(5 * 4.75), 14);
    // ranks of y with a tie: [1, 2.5, 4, 2.5]
    expect(Array.from(averageRanks(Float64Array.of(2, 4, 5, 4)))).toEqual([1, 2.5, 4, 2.5]);
    // rank deviations (−1.5, −0.5, 0.5, 1.5) and (−1.5, 0, 1.5, 0): Σab = 3, Σa² = 5, Σb² = 4.5
    expect(spearman(p, y)).toBeCloseTo(3 / Math.sqrt(5 * 4.5), 14);
    expect(hitRate([1, -1, 0, 2], [1, 1, -1, -3])).toBe(0.5);
    expect(rmse([1, 2], [2, 4])).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(r2([2, 4, 5, 4], [2, 4, 5, 4])).toBe(1);
    expect(r2([3.75, 3.75, 3.75, 3.75], [2, 4, 5, 4])).toBeCloseTo(0, 14);
    const m = regressionMetrics([1, Number.NaN, 3], [1, 2, 3]);
    expect(m.n).toBe(2);
    expect(Number.isNaN(spearman([1, 1], [1, 2]))).toBe(true);
  });
});

describe('blend weights', () => {
  it('put all weight on a perfect member and split evenly between equally good independent ones', () => {
    const p = new Prng(1);
    const n = 4000;
    const y = Float64Array.from({ length: n }, () => p.normal());
    const perfect = y.slice();
    const noisy = Float64Array.from(y, (v) => v + p.normal());
    expect(Array.from(blendWeights([noisy, perfect], y).weights)).toEqual([0, 1]);
    const a = Float64Array.from(y, (v) => v + p.normal());
    const b = Float64Array.from(y, (v) => v + p.normal());
    const w = blendWeights([a, b], y).weights;
    expect(w[0]).toBeCloseTo(0.5, 1);
    expect(w[0] + w[1]).toBeCloseTo(1, 14);
  });

  it('weights are in [0, 1], sum to 1, and beat every single member and the equal blend', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 2, max: 4 }), (seed, M) => {
        const p = new Prng(seed);
        const n = 300;
        const y = Float64Array.from({ length: n }, () => p.normal());
        const preds = Array.from({ length: M }, () => {
          const s = p.next() * 2;
          const b = p.normal() * 0.3;
          return Float64Array.from(y, (v) => s * v + b + p.normal());
        });
        const r = blendWeights(preds, y);
        const sse = (w: ArrayLike<number>) => {
          let s = 0;
          for (let i = 0; i < n; i++) {
            let q = 0;
            for (let k = 0; k < M; k++) q += w[k] * preds[k][i];
            s += (y[i] - q) ** 2;
          }
          return s;
        };
        expect(r.weights.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 12);
        for (const v of r.weights) expect(v >= 0 && v <= 1).toBe(true);
        const best = sse(r.weights);
        for (let k = 0; k < M; k++) expect(best).toBeLessThanOrEqual(sse(Array.from({ length: M }, (_, j) => (j === k ? 1 : 0))) + 1e-9);
        expect(best).toBeLessThanOrEqual(sse(new Array(M).fill(1 / M)) + 1e-9);
      }),
      { numRuns: 40, seed: 3 },
    );
  });

  it('falls back to equal weights with too few rows', () => {
    const r = blendWeights([Float64Array.of(1, 2), Float64Array.of(2, 1)], Float64Array.of(1, 2));
    expect(Array.from(r.weights)).toEqual([0.5, 0.5]);
    expect(r.fallback).toMatch(/2 out-of-fold rows/);
  });
});

describe('targets', () => {
  it('forward h-bar return, last h rows NaN, excess over an identical benchmark is 0', () => {
    const c = Float64Array.of(100, 110, 121, 133.1, 100);
    const t = forwardReturnTarget(c, 2);
    expect(t[0]).toBeCloseTo(0.21, 14);
    expect(t[2]).toBeCloseTo(100 / 121 - 1, 14);
    expect(Number.isNaN(t[3]) && Number.isNaN(t[4])).toBe(true);
    expect(Array.from(forwardReturnTarget(c, 2, c).subarray(0, 3))).toEqual([0, 0, 0]);
    expect(() => forwardReturnTarget(c, 0)).toThrow(/horizon/);
  });

  it('label t uses only closes t and t+h (changing bar 30 changes labels 25 and 30 only)', () => {
    const c = Float64Array.from({ length: 50 }, (_, i) => 100 + Math.sin(i));
    const t = forwardReturnTarget(c, 5);
    const c2 = c.slice();
    c2[30] = 1;
    const t2 = forwardReturnTarget(c2, 5);
    const changed = [];
    for (let i = 0; i < 45; i++) if (t2[i] !== t[i]) changed.push(i);
    expect(changed).toEqual([25, 30]);
  });

  it('aligns the benchmark with a forward fill', () => {
    const out = alignBenchmarkClose(Float64Array.of(1, 2, 3, 5), Float64Array.of(2, 4, 5), Float64Array.of(20, 40, 50));
    expect(Array.from(out)).toEqual([Number.NaN, 20, 20, 50]);
  });
});

describe('codec', () => {
  it('round-trips doubles exactly, including NaN and infinities', () => {
    const a = Float64Array.of(0, -0, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -1e-300, Math.PI);
    expect(Array.from(base64ToF64(f64ToBase64(a), 'x'))).toEqual(Array.from(a));
    expect(() => base64ToF64('abc', 'x')).toThrow(/not a multiple of 4/);
  });
});
