import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nanMedianOrZero } from '../../../src/engine/core/stats';

describe('nanMedianOrZero', () => {
  it('equals the median of the sorted non-NaN values (0 when none), for any data', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constant(Number.NaN)), { maxLength: 200 }), (xs) => {
        const v = Float64Array.from(xs.filter((x) => !Number.isNaN(x))).sort();
        const h = v.length >> 1;
        const expected = v.length === 0 ? 0 : v.length % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
        expect(nanMedianOrZero(xs) + 0).toBe(expected + 0); // + 0 folds −0 into 0
      }),
      { numRuns: 500 },
    );
  });

  it('handles sorted, reversed and constant runs', () => {
    const up = Float64Array.from({ length: 10001 }, (_, i) => i);
    expect(nanMedianOrZero(up)).toBe(5000);
    expect(nanMedianOrZero(up.slice().reverse())).toBe(5000);
    expect(nanMedianOrZero(new Float64Array(5000).fill(7))).toBe(7);
    expect(nanMedianOrZero([Number.NaN, Number.NaN])).toBe(0);
  });
});
