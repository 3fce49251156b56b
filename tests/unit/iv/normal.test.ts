import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normCdf, normInv, normPdf } from '../../../src/engine/iv/normal';
import { readFixture } from './fixtures';

describe('normal distribution (Cody)', () => {
  const ref = readFixture('normcdf_ref.csv');

  it('matches 50-digit mpmath to 1e-15 absolute and 1e-13 relative, tails included', () => {
    expect(ref.length).toBeGreaterThan(300);
    for (const r of ref) {
      const x = Number(r.x);
      const want = Number(r.cdf);
      const got = normCdf(x);
      expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-15);
      if (want > 1e-300) expect(Math.abs(got - want) / want).toBeLessThanOrEqual(1e-13);
    }
  });

  it('has exact anchors and symmetry N(x) + N(−x) = 1', () => {
    expect(normCdf(0)).toBe(0.5);
    expect(normCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normCdf(Number.NaN)).toBeNaN();
    fc.assert(
      fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => {
        expect(Math.abs(normCdf(x) + normCdf(-x) - 1)).toBeLessThanOrEqual(2e-16);
      }),
    );
  });

  it('pdf is the derivative of the cdf', () => {
    fc.assert(
      fc.property(fc.double({ min: -6, max: 6, noNaN: true }), (x) => {
        const h = 1e-5;
        const fd = (normCdf(x + h) - normCdf(x - h)) / (2 * h);
        expect(Math.abs(fd - normPdf(x))).toBeLessThanOrEqual(1e-9);
      }),
    );
  });

  it('normInv inverts normCdf', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 1 - 1e-12, noNaN: true }), (p) => {
        expect(Math.abs(normCdf(normInv(p)) - p)).toBeLessThanOrEqual(1e-14 * Math.max(p, 1e-3));
      }),
    );
  });
});
