import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binCount, correlationMatrix, histogram, MAX_BINS, MIN_BINS, moments, topByVariance, variance } from '../../../src/app/lib/research-stats';

/** Independent two-pass Pearson over the rows where both values are finite. */
function naivePearson(x: number[], y: number[]): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  const n = xs.length;
  if (n < 3) return Number.NaN;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : Number.NaN;
}

// Values on a 0.001 grid: no subnormals, whose squares underflow in the reference formula.
const cell = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => v / 1000) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
);

describe('binCount', () => {
  it('is the Rice rule clamped to [30, 50]', () => {
    expect(binCount(0)).toBe(MIN_BINS);
    expect(binCount(100)).toBe(30); // 2·100^⅓ ≈ 9.3
    expect(binCount(8000)).toBe(40); // 2·20
    expect(binCount(1e6)).toBe(MAX_BINS); // 200 → 50
  });
});

describe('histogram', () => {
  it('bins a hand-computed example (last bin includes its upper edge)', () => {
    const h = histogram([0, 1, 2, 3, 4, Number.NaN], 2);
    expect(Array.from(h.edges)).toEqual([0, 2, 4]);
    expect(Array.from(h.counts)).toEqual([2, 3]);
    expect(h.n).toBe(5);
    expect(h.missing).toBe(1);
    expect([h.min, h.max]).toEqual([0, 4]);
  });

  it('gives a constant series one unit of width around its value', () => {
    const h = histogram([3, 3, 3], 4);
    expect(h.edges[0]).toBe(2.5);
    expect(h.edges[4]).toBe(3.5);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('has all-zero counts and NaN range without finite values', () => {
    const h = histogram([Number.NaN, Number.POSITIVE_INFINITY], 3);
    expect(Array.from(h.counts)).toEqual([0, 0, 0]);
    expect(h.missing).toBe(2);
    expect(Number.isNaN(h.min)).toBe(true);
  });

  it('counts every finite value exactly once, in the bin whose edges enclose it', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 300 }), fc.option(fc.integer({ min: 1, max: 60 }), { nil: undefined }), (vals, bins) => {
        const h = histogram(vals, bins);
        const finite = vals.filter(Number.isFinite);
        const k = h.counts.length;
        expect(k).toBe(bins ?? binCount(finite.length));
        expect(h.n).toBe(finite.length);
        expect(h.counts.reduce((a, b) => a + b, 0)).toBe(finite.length);
        for (let i = 0; i < k; i++) expect(h.edges[i + 1]).toBeGreaterThan(h.edges[i]);
        // recount independently from the edges
        const re = new Array<number>(k).fill(0);
        for (const v of finite) {
          let b = k - 1;
          for (let i = 0; i < k; i++) {
            if (v >= h.edges[i] && (v < h.edges[i + 1] || i === k - 1)) {
              b = i;
              break;
            }
          }
          re[b]++;
        }
        expect(Array.from(h.counts)).toEqual(re);
        if (finite.length > 0) {
          expect(h.edges[0]).toBeLessThanOrEqual(Math.min(...finite));
          expect(h.edges[k]).toBeGreaterThanOrEqual(Math.max(...finite));
        }
      }),
    );
  });

  it('never mutates its input', () => {
    const v = Float64Array.from([3, 1, Number.NaN, 2]);
    histogram(v, 3);
    expect(Array.from(v)).toEqual([3, 1, Number.NaN, 2]);
  });
});

describe('moments', () => {
  it('matches pandas mean / std / skew (reference values from pandas 2, Debian python3)', () => {
    const a = moments([1, 2, 3, 10]);
    expect(a.mean).toBe(4);
    expect(a.std).toBeCloseTo(4.08248290463863, 12);
    expect(a.skew).toBeCloseTo(1.763632614803888, 12);
    const b = moments([0.5, -1.25, 3.0, 2.0, Number.NaN, -0.75, 4.5]);
    expect(b.n).toBe(6);
    expect(b.mean).toBeCloseTo(1.3333333333333333, 12);
    expect(b.std).toBeCloseTo(2.2342038104583626, 12);
    expect(b.skew).toBeCloseTo(0.26414342668956864, 12);
  });

  it('has NaN skew below three values or for a constant series, NaN std below two', () => {
    expect(Number.isNaN(moments([1, 2]).skew)).toBe(true);
    expect(Number.isNaN(moments([5, 5, 5, 5]).skew)).toBe(true);
    expect(Number.isNaN(moments([5]).std)).toBe(true);
    expect(moments([]).n).toBe(0);
  });

  it('skew flips sign under negation and is invariant under positive scaling and shift', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 3, maxLength: 80 }), fc.double({ min: 0.5, max: 20, noNaN: true }), fc.double({ min: -50, max: 50, noNaN: true }), (xs, a, c) => {
        const m = moments(xs);
        fc.pre(Number.isFinite(m.skew) && m.std > 1e-6);
        expect(moments(xs.map((v) => -v)).skew).toBeCloseTo(-m.skew, 6);
        expect(moments(xs.map((v) => a * v + c)).skew).toBeCloseTo(m.skew, 6);
      }),
    );
  });
});

describe('topByVariance', () => {
  it('orders by sample variance, ties by column, columns without variance last', () => {
    const cols = [[1, 1, 1], [0, 10, 20], [Number.NaN, 4, Number.NaN], [0, 1, 2], [2, 3, 4]];
    expect(topByVariance(cols, 5)).toEqual([1, 3, 4, 0, 2]);
    expect(topByVariance(cols, 2)).toEqual([1, 3]);
    expect(variance([0, 10, 20])).toBe(100);
  });
});

describe('correlationMatrix', () => {
  it('matches pandas DataFrame.corr (pairwise complete) on a hand-made frame', () => {
    const x = [1, 2, Number.NaN, 4, 5, 7];
    const y = [2, 1, 3, Number.NaN, 6, 5];
    const z = [1, 1, 1, 1, 2, 3];
    const m = correlationMatrix([x, y, z]);
    const ref = [
      [1.0, 0.8390131796985203, 0.8897565210026093],
      [0.8390131796985203, 1.0, 0.7817876057249286],
      [0.8897565210026093, 0.7817876057249286, 1.0],
    ];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(m[i * 3 + j]).toBeCloseTo(ref[i][j], 12);
  });

  it('is NaN for a constant column or fewer than three shared rows', () => {
    const m = correlationMatrix([
      [1, 2, 3, 4],
      [5, 5, 5, 5],
      [1, Number.NaN, Number.NaN, 2],
    ]);
    expect(Number.isNaN(m[0 * 3 + 1])).toBe(true);
    expect(Number.isNaN(m[1 * 3 + 1])).toBe(true);
    expect(Number.isNaN(m[0 * 3 + 2])).toBe(true);
    expect(m[0]).toBe(1);
  });

  it('equals an independent two-pass Pearson, is symmetric and bounded', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((k) =>
          fc.integer({ min: 0, max: 40 }).chain((n) => fc.array(fc.array(cell, { minLength: n, maxLength: n }), { minLength: k, maxLength: k })),
        ),
        (cols) => {
          const k = cols.length;
          const m = correlationMatrix(cols);
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              const v = m[a * k + b];
              expect(Object.is(v, m[b * k + a]) || v === m[b * k + a]).toBe(true);
              const ref = a === b ? (Number.isNaN(naivePearson(cols[a], cols[a])) ? Number.NaN : 1) : naivePearson(cols[a], cols[b]);
              if (Number.isNaN(ref)) {
                // a degenerate pair may come out either NaN (zero variance) or finite (rounding), never out of range
                if (!Number.isNaN(v)) expect(Math.abs(v)).toBeLessThanOrEqual(1);
              } else {
                expect(v).toBeCloseTo(ref, 6);
              }
            }
          }
        },
      ),
    );
  });

  it('is unchanged by affine transforms of a column (sign flips with a negative scale)', () => {
    const x = [0.3, 1.7, -2.2, 4.1, 0.9, Number.NaN, 2.5];
    const y = [1.1, 0.4, -0.7, 3.3, 1.0, 2.0, Number.NaN];
    const r = correlationMatrix([x, y])[1];
    expect(correlationMatrix([x.map((v) => 1e6 + 3 * v), y])[1]).toBeCloseTo(r, 9);
    expect(correlationMatrix([x.map((v) => -2 * v), y])[1]).toBeCloseTo(-r, 9);
  });
});
