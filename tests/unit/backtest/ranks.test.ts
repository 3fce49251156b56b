import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsort, averageRanks, range, spearman, subsetSpearman } from '../../../src/engine/backtest/validation/ranks';

/** Textbook definition: rank = #(values below) + (#(equal values) + 1) / 2. */
function naiveRanks(v: readonly number[]): number[] {
  return v.map((x) => {
    let below = 0;
    let equal = 0;
    for (const y of v) {
      if (y < x) below++;
      else if (y === x) equal++;
    }
    return below + (equal + 1) / 2;
  });
}

describe('averageRanks', () => {
  it('equals the textbook tie-averaged ranks (many ties, ±0, ±∞)', () => {
    const value = fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constantFrom(0, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY), fc.double({ noNaN: true }));
    fc.assert(
      fc.property(fc.array(value, { maxLength: 80 }), (v) => {
        const got = Array.from(averageRanks(v, range(0, v.length), new Float64Array(v.length)));
        expect(got).toEqual(naiveRanks(v));
      }),
      { numRuns: 300 },
    );
  });

  it('ranks a subset through idx, in idx order', () => {
    const x = [10, 3, 7, 3, 1];
    expect(Array.from(averageRanks(x, Int32Array.of(4, 1, 3, 0), new Float64Array(4)))).toEqual([1, 2.5, 2.5, 4]);
  });

  it('gives NaN values a NaN rank (so a Spearman over them is NaN)', () => {
    const r = averageRanks([2, Number.NaN, 1], range(0, 3), new Float64Array(3));
    expect(r[0]).toBe(2);
    expect(r[1]).toBeNaN();
    expect(r[2]).toBe(1);
    expect(spearman([1, Number.NaN, 3], [1, 2, 3])).toBeNaN();
  });
});

describe('argsort / subsetSpearman', () => {
  const value = fc.oneof(fc.integer({ min: -4, max: 4 }), fc.double({ noNaN: true, min: -10, max: 10 }), fc.constant(Number.NaN));
  it('argsort is the stable ascending order of the non-NaN values', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (v) => {
        const expected = v
          .map((x, i) => ({ x, i }))
          .filter((e) => !Number.isNaN(e.x))
          .sort((a, b) => a.x - b.x || a.i - b.i)
          .map((e) => e.i);
        expect(Array.from(argsort(v))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('equals spearman bit for bit on every subset, large or small, NaN or not', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value), { minLength: 1, maxLength: 120 }), fc.array(fc.boolean(), { maxLength: 120 }), (rows, pick) => {
        const x = rows.map((r) => r[0]);
        const y = rows.map((r) => r[1]);
        const idx = Int32Array.from(rows.map((_, i) => i).filter((i) => pick[i % Math.max(1, pick.length)] ?? true));
        const got = subsetSpearman(x, y)(idx);
        expect(Object.is(got, spearman(x, y, idx)) || (Number.isNaN(got) && Number.isNaN(spearman(x, y, idx)))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('refuses a subset that repeats a row, and stays usable afterwards', () => {
    const x = Array.from({ length: 10 }, (_, i) => i);
    const corr = subsetSpearman(x, x);
    expect(() => corr([1, 2, 3, 4, 5, 6, 7, 8, 2])).toThrow(/row 2 appears twice/);
    expect(corr([0, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(1);
  });
});
