import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeIndices, minMaxDownsample } from '../../../src/app/lib/downsample';

function series(ys: number[]): { x: Float64Array; y: Float64Array } {
  return { x: Float64Array.from(ys, (_, i) => i), y: Float64Array.from(ys) };
}

describe('minMaxDownsample', () => {
  it('returns copies of short series unchanged', () => {
    const { x, y } = series([3, 1, 2]);
    const out = minMaxDownsample(x, y, 10);
    expect(Array.from(out.y)).toEqual([3, 1, 2]);
    expect(out.x).not.toBe(x);
    expect(out.y).not.toBe(y);
  });

  it('keeps min and max of each bucket in original order (hand-computed)', () => {
    // 12 points, 2 buckets over x∈[0,11]: edges at 5.5 → bucket0 = x 1..5, bucket1 = x 6..10, plus ends.
    const ys = [5, 9, 1, 7, 3, 4, 2, 8, 6, 0, 5, 6];
    const { x, y } = series(ys);
    const out = minMaxDownsample(x, y, 2);
    // first (0,5); bucket0: max 9 at x1, min 1 at x2; bucket1: max 8 at x7, min 0 at x9; last (11,6)
    expect(Array.from(out.x)).toEqual([0, 1, 2, 7, 9, 11]);
    expect(Array.from(out.y)).toEqual([5, 9, 1, 8, 0, 6]);
  });

  it('keeps a one-point spike', () => {
    const ys = new Array(10_000).fill(1);
    ys[4321] = 1000;
    const { x, y } = series(ys);
    const out = minMaxDownsample(x, y, 100);
    expect(Math.max(...out.y)).toBe(1000);
    expect(out.x).toContain(4321);
  });

  it('keeps an all-NaN bucket as a gap', () => {
    const ys = Array.from({ length: 100 }, (_, i) => (i >= 40 && i < 60 ? Number.NaN : i));
    const { x, y } = series(ys);
    const out = minMaxDownsample(x, y, 10);
    expect(Array.from(out.y).some(Number.isNaN)).toBe(true);
  });

  it('rejects mismatched lengths', () => {
    expect(() => minMaxDownsample(new Float64Array(3), new Float64Array(2), 10)).toThrow(/3 points but y has 2/);
  });

  it('never mutates the input', () => {
    const { x, y } = series([1, 5, 2, 8, 3, 9, 0, 4, 7, 6, 2, 1, 3]);
    const cx = x.slice();
    const cy = y.slice();
    minMaxDownsample(x, y, 2);
    expect(x).toEqual(cx);
    expect(y).toEqual(cy);
  });

  it('properties: bounded size, subset, ascending x, global extremes and endpoints kept', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 3000 }),
        fc.array(fc.double({ min: 0.001, max: 10, noNaN: true }), { minLength: 3000, maxLength: 3000 }),
        fc.integer({ min: 1, max: 400 }),
        (ys, steps, width) => {
          const n = ys.length;
          const x = new Float64Array(n);
          for (let i = 1; i < n; i++) x[i] = x[i - 1] + steps[i];
          const y = Float64Array.from(ys);
          const out = minMaxDownsample(x, y, width);
          expect(out.x.length).toBe(out.y.length);
          expect(out.x.length).toBeLessThanOrEqual(Math.max(n, 2 * width + 2));
          const index = new Map<number, number>();
          for (let i = 0; i < n; i++) index.set(x[i], i);
          let prev = -1;
          for (let k = 0; k < out.x.length; k++) {
            const i = index.get(out.x[k]);
            expect(i).toBeDefined();
            expect(y[i as number]).toBe(out.y[k]);
            expect(i as number).toBeGreaterThan(prev);
            prev = i as number;
          }
          expect(out.x[0]).toBe(x[0]);
          expect(out.x[out.x.length - 1]).toBe(x[n - 1]);
          expect(Math.min(...out.y)).toBe(Math.min(...ys));
          expect(Math.max(...out.y)).toBe(Math.max(...ys));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('property: every pixel bucket keeps its own extremes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 50, maxLength: 2000 }),
        fc.integer({ min: 2, max: 20 }),
        (ys, width) => {
          const { x, y } = series(ys);
          const out = minMaxDownsample(x, y, width);
          const n = ys.length;
          if (n <= 2 * width + 2) return;
          const span = n - 1;
          for (let b = 0; b < width; b++) {
            const lo = (span * b) / width;
            const hi = b === width - 1 ? Number.POSITIVE_INFINITY : (span * (b + 1)) / width;
            const inner = ys.filter((_, i) => i > 0 && i < n - 1 && i >= lo && i < hi);
            if (inner.length === 0) continue;
            const kept = Array.from(out.y).filter((_, k) => out.x[k] > 0 && out.x[k] < n - 1 && out.x[k] >= lo && out.x[k] < hi);
            expect(Math.min(...kept)).toBe(Math.min(...inner));
            expect(Math.max(...kept)).toBe(Math.max(...inner));
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('mergeIndices', () => {
  it('unions ascending index lists without duplicates', () => {
    const out = mergeIndices([Int32Array.from([0, 3, 9]), Int32Array.from([0, 2, 3, 9])]);
    expect(Array.from(out)).toEqual([0, 2, 3, 9]);
  });
});
