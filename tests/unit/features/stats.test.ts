import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ewmMean, expNonPositive, mean, variance } from '../../../src/engine/core/stats';

describe('ewmMean (adjust=False)', () => {
  it('starts at the first present input and follows y = (1−α)y + αx', () => {
    const x = Float64Array.from([Number.NaN, Number.NaN, 10, 20, 30, 40]);
    const y = ewmMean(x, { alpha: 0.5 });
    expect(Array.from(y)).toEqual([Number.NaN, Number.NaN, 10, 15, 22.5, 31.25]);
  });

  it('span gives α = 2/(span+1); min_periods hides the first m−1 outputs only', () => {
    const x = Float64Array.from([Number.NaN, 3, 6, 9, 12]);
    const y = ewmMean(x, { span: 3, minPeriods: 3 }); // α = 0.5: 3, 4.5, 6.75, 9.375
    expect(Array.from(y)).toEqual([Number.NaN, Number.NaN, Number.NaN, 6.75, 9.375]);
  });

  it('a gap after the start repeats the last value, then weights like pandas (ignore_na=False)', () => {
    const a = 0.5;
    const y = ewmMean(Float64Array.from([4, Number.NaN, 8]), { alpha: a });
    expect(y[1]).toBe(4);
    // pandas: old weight (1−α)² against new weight α, normalised
    expect(y[2]).toBeCloseTo((0.25 * 4 + 0.5 * 8) / 0.75, 15);
  });

  it('equals the literal recursion on gap-free input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        (arr, a, lead) => {
          const x = Float64Array.from([...Array(lead).fill(Number.NaN), ...arr]);
          const y = ewmMean(x, { alpha: a, minPeriods: 3 });
          let r = arr[0];
          for (let i = 0; i < arr.length; i++) {
            if (i > 0) r = (1 - a) * r + a * arr[i];
            const got = y[lead + i];
            if (i < 2) expect(got).toBeNaN();
            else expect(got).toBe(r);
          }
        },
      ),
    );
  });

  it('validates its options', () => {
    expect(() => ewmMean(new Float64Array(2), {})).toThrow(/exactly one/);
    expect(() => ewmMean(new Float64Array(2), { alpha: 0.5, span: 3 })).toThrow(/exactly one/);
    expect(() => ewmMean(new Float64Array(2), { alpha: 1.5 })).toThrow(/\(0, 1\]/);
  });
});

describe('whole-array statistics', () => {
  it('mean and variance skip missing values and use the corrected two-pass form', () => {
    const x = [1e9 + 1, 1e9 + 2, Number.NaN, 1e9 + 3];
    expect(mean(x)).toBe(1e9 + 2);
    expect(variance(x, 0)).toBeCloseTo(2 / 3, 12);
    expect(variance(x, 1)).toBeCloseTo(1, 12);
    expect(mean([])).toBeNaN();
    expect(variance([5], 1)).toBeNaN();
  });
});

describe('expNonPositive', () => {
  it('agrees with Math.exp to within one rounding over the whole non-positive range', () => {
    fc.assert(
      fc.property(fc.double({ min: -800, max: 0, noNaN: true }), (x) => {
        const want = Math.exp(x);
        const got = expNonPositive(x);
        if (want === 0) expect(got).toBeLessThan(5e-324 * 2);
        else expect(Math.abs(got - want) / want).toBeLessThanOrEqual(x < -708 ? 1e-10 : 2.3e-16);
      }),
      { numRuns: 5000 },
    );
    expect(expNonPositive(0)).toBe(1);
    expect(expNonPositive(-1)).toBe(Math.exp(-1));
    expect(expNonPositive(-746)).toBe(0);
    expect(expNonPositive(1)).toBeNaN();
    expect(expNonPositive(Number.NaN)).toBeNaN();
  });
});
