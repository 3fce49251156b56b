import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { fitGbdt } from '../../../src/engine/models/gbdt/model';
import { Arena, kernelAvailability, roundHalfEven } from '../../../src/engine/models/gbdt/wasm/kernels';

/**
 * The wasm kernels and their JavaScript twins must give the same models to the bit: same
 * JSON bytes, same predictions, for weighted and unweighted fits, with missing values,
 * subsampling and feature subsampling.
 */
function randomData(seed: number, n: number, F: number, nanRate: number, weighted: boolean) {
  const p = new Prng(seed);
  const cols = Array.from({ length: F }, () => new Float64Array(n));
  const y = new Float64Array(n);
  const w = weighted ? new Float64Array(n) : null;
  for (let i = 0; i < n; i++) {
    let t = 0;
    for (let j = 0; j < F; j++) {
      // Few distinct values on odd features exercises the "≤ maxBins distinct" binning path.
      const v = j % 2 ? Math.floor(p.next() * 7) : p.normal();
      cols[j][i] = p.next() < nanRate ? Number.NaN : v;
      t += (j % 3 === 0 ? 1 : -0.5) * v;
    }
    y[i] = t + 0.5 * p.normal();
    if (w) w[i] = 0.1 + p.next() * 2;
  }
  return { cols, y, w };
}

describe('wasm kernels', () => {
  it('compile on this runtime', () => {
    expect(kernelAvailability()).toEqual({ wasm: true, reason: 'compiled' });
  });

  it('give bit-identical models and predictions to the JavaScript kernels', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 0, max: 1e6 }),
          n: fc.integer({ min: 30, max: 600 }),
          F: fc.integer({ min: 1, max: 11 }),
          nanRate: fc.constantFrom(0, 0.1, 0.5),
          weighted: fc.boolean(),
          subsample: fc.constantFrom(1, 0.7),
          maxFeatures: fc.constantFrom(null, 'sqrt' as const, 0.5),
          leaves: fc.constantFrom(null, 6),
          minSamplesLeaf: fc.integer({ min: 1, max: 25 }),
          l2: fc.constantFrom(0, 1),
        }),
        (c) => {
          const d = randomData(c.seed, c.n, c.F, c.nanRate, c.weighted);
          const params = {
            maxIter: 8,
            maxLeafNodes: c.leaves,
            maxDepth: c.leaves === null ? 4 : null,
            minSamplesLeaf: c.minSamplesLeaf,
            l2Regularization: c.l2,
            subsample: c.subsample,
            maxFeatures: c.maxFeatures,
            seed: c.seed,
            earlyStopping: c.n > 100,
            nIterNoChange: 2,
          };
          const wasm = fitGbdt(d.cols, d.y, params, { sampleWeight: d.w, kernels: 'wasm' });
          const js = fitGbdt(d.cols, d.y, params, { sampleWeight: d.w, kernels: 'js' });
          expect(JSON.stringify(wasm.toJSON())).toBe(JSON.stringify(js.toJSON()));
          expect(Array.from(wasm.predict(d.cols, 'wasm'))).toEqual(Array.from(js.predict(d.cols, 'js')));
        },
      ),
      { numRuns: 40, seed: 20260101 },
    );
  });

  it('radix-sorts doubles exactly like Float64Array.prototype.sort (signs, zeros, infinities, ties)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 300 }), (values) => {
        const n = values.length;
        const arena = new Arena(16 * n + 2048, 'wasm');
        const a = arena.alloc(8 * n);
        const tmp = arena.alloc(8 * n);
        const counts = arena.alloc(1024);
        arena.f64.set(values, a >> 3);
        arena.kernels.sortF64(a, tmp, n, counts);
        const got = Array.from(arena.f64.subarray(a >> 3, (a >> 3) + n));
        const want = Array.from(Float64Array.from(values).sort());
        expect(got.map((v) => Object.is(v, -0) ? '-0' : v)).toEqual(want.map((v) => Object.is(v, -0) ? '-0' : v));
      }),
      { numRuns: 200, seed: 5 },
    );
  });

  it('bins values like the reference binary search (x ≤ thr[i] ⇒ bin ≤ i, NaN → 255)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 254 }),
        fc.array(fc.oneof(fc.double({ min: -150, max: 150 }), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)), { maxLength: 60 }),
        (rawThr, values) => {
          const thr = Float64Array.from(new Set(rawThr)).sort();
          const xs = [...values, ...thr];
          const n = xs.length;
          const arena = new Arena(8 * n + 8 * 256 + n + 64, 'wasm');
          const src = arena.alloc(8 * n);
          const t = arena.alloc(8 * 256);
          const dst = arena.alloc(n);
          arena.f64.set(xs, src >> 3);
          arena.f64.set(thr, t >> 3);
          arena.kernels.binColumn(dst, src, n, t, thr.length);
          const want = xs.map((x) => (Number.isNaN(x) ? 255 : thr.filter((v) => v < x).length));
          expect(Array.from(arena.u8.subarray(dst, dst + n))).toEqual(want);
        },
      ),
      { numRuns: 200, seed: 8 },
    );
  });

  it('rounds half to even like f64.nearest', () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, -2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2, 2, -3]);
  });
});
