import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketMeans, currentRunLength, extractEpisodes, stackCumulative, valueShares } from '../../../src/app/lib/research-episodes';

/** T random probability rows (each sums to 1), row-major. */
const probRows = (K: number) =>
  fc.array(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: K, maxLength: K }), { minLength: 0, maxLength: 120 }).map((rows) => {
    const out = new Float64Array(rows.length * K);
    rows.forEach((r, t) => {
      const s = r.reduce((a, b) => a + b, 0);
      r.forEach((v, k) => {
        out[t * K + k] = s === 0 ? 1 / K : v / s;
      });
    });
    return out;
  });

describe('extractEpisodes', () => {
  it('splits a path into its runs (hand-computed)', () => {
    expect(extractEpisodes([0, 0, 2, 2, 2, 1, 0, 0])).toEqual([
      { value: 0, start: 0, end: 1, length: 2 },
      { value: 2, start: 2, end: 4, length: 3 },
      { value: 1, start: 5, end: 5, length: 1 },
      { value: 0, start: 6, end: 7, length: 2 },
    ]);
    expect(extractEpisodes([])).toEqual([]);
    expect(extractEpisodes(Int32Array.from([3]))).toEqual([{ value: 3, start: 0, end: 0, length: 1 }]);
  });

  it('covers every row once with maximal constant runs, and rebuilds the path', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 200 }), (path) => {
        const eps = extractEpisodes(path);
        let next = 0;
        const rebuilt: number[] = [];
        eps.forEach((e, i) => {
          expect(e.start).toBe(next);
          expect(e.length).toBe(e.end - e.start + 1);
          expect(e.length).toBeGreaterThan(0);
          if (i > 0) expect(e.value).not.toBe(eps[i - 1].value);
          for (let t = e.start; t <= e.end; t++) rebuilt.push(e.value);
          next = e.end + 1;
        });
        expect(next).toBe(path.length);
        expect(rebuilt).toEqual(path);
      }),
    );
  });
});

describe('currentRunLength / valueShares', () => {
  it('measure the last run and the share of each value (hand-computed)', () => {
    expect(currentRunLength([1, 1, 0, 2, 2, 2])).toBe(3);
    expect(currentRunLength([4])).toBe(1);
    expect(currentRunLength([])).toBe(0);
    expect(Array.from(valueShares([0, 1, 1, 3, -1], 4))).toEqual([0.2, 0.4, 0, 0.2]);
  });

  it('current run equals the length of the last episode', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 100 }), (path) => {
        const eps = extractEpisodes(path);
        expect(currentRunLength(path)).toBe(eps[eps.length - 1].length);
      }),
    );
  });
});

describe('stackCumulative', () => {
  it('accumulates each row (hand-computed) and propagates NaN', () => {
    const c = stackCumulative(Float64Array.from([0.2, 0.3, 0.5, 1, 0, 0, Number.NaN, 0.5, 0.5]), 3, 3);
    expect(Array.from(c[0])).toEqual([0.2, 1, Number.NaN]);
    expect(c[1][0]).toBeCloseTo(0.5, 15);
    expect(c[2][0]).toBeCloseTo(1, 15);
    expect(Number.isNaN(c[2][2])).toBe(true);
    expect(() => stackCumulative(new Float64Array(5), 2, 3)).toThrow(/2×3/);
  });

  it('is non-decreasing across the stack and tops out at each row sum (1 for probabilities)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }).chain((K) => probRows(K).map((p) => ({ K, p }))), ({ K, p }) => {
        const T = p.length / K;
        const c = stackCumulative(p, T, K);
        for (let t = 0; t < T; t++) {
          for (let k = 1; k < K; k++) expect(c[k][t]).toBeGreaterThanOrEqual(c[k - 1][t]);
          expect(c[K - 1][t]).toBeCloseTo(1, 12);
          expect(c[0][t]).toBe(p[t * K]);
        }
      }),
    );
  });
});

describe('bucketMeans', () => {
  it('averages contiguous runs of rows (hand-computed), skipping NaN rows', () => {
    const x = Float64Array.from([0, 1, 2, 3, 4, 5]);
    const p = Float64Array.from([1, 0, 0, 1, 0.5, 0.5, Number.NaN, Number.NaN, 0.2, 0.8, 0.4, 0.6]);
    const b = bucketMeans(x, p, 2, 3);
    expect(Array.from(b.x)).toEqual([0, 2, 4]);
    expect(Array.from(b.probs)).toEqual([0.5, 0.5, 0.5, 0.5, 0.30000000000000004, 0.7]);
    // a window, fewer rows than buckets: rows returned as they are
    const w = bucketMeans(x, p, 2, 10, 1, 3);
    expect(Array.from(w.x)).toEqual([1, 2]);
    expect(Array.from(w.probs)).toEqual([0, 1, 0.5, 0.5]);
  });

  it('keeps at most B buckets whose rows still sum to 1, each within the range of its rows', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((K) => probRows(K).map((p) => ({ K, p }))), fc.integer({ min: 1, max: 40 }), ({ K, p }, B) => {
        const T = p.length / K;
        const x = Float64Array.from({ length: T }, (_, i) => i * 10);
        const b = bucketMeans(x, p, K, B);
        const m = b.x.length;
        expect(m).toBe(Math.min(T, B));
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let k = 0; k < K; k++) {
            const v = b.probs[i * K + k];
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1 + 1e-12);
            s += v;
          }
          expect(s).toBeCloseTo(1, 12);
          if (i > 0) expect(b.x[i]).toBeGreaterThan(b.x[i - 1]);
        }
      }),
    );
  });
});
