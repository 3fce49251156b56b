import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  rollingCov,
  rollingCovVar,
  rollingKurt,
  rollingMax,
  rollingMean,
  rollingMeanStd,
  rollingMin,
  rollingSkew,
  rollingStd,
  rollingSum,
  rollingVar,
} from '../../../src/engine/core/rolling';

/** Exact window statistics by brute force (two-pass per window, in plain doubles). */
function windows(x: ArrayLike<number>, n: number, f: (w: number[]) => number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  for (let t = n - 1; t < x.length; t++) {
    const w = Array.from({ length: n }, (_, i) => x[t - n + 1 + i]);
    if (w.every(Number.isFinite)) out[t] = f(w);
  }
  return out;
}
const meanOf = (w: number[]) => w.reduce((a, b) => a + b, 0) / w.length;
function central(w: number[], p: number): number {
  const m = meanOf(w);
  return w.reduce((a, v) => a + (v - m) ** p, 0);
}
const varOf = (w: number[]) => central(w, 2) / (w.length - 1);
function skewOf(w: number[]): number {
  const n = w.length;
  const m2 = central(w, 2) / n;
  return m2 === 0 ? Number.NaN : ((Math.sqrt(n * (n - 1)) / (n - 2)) * (central(w, 3) / n)) / m2 ** 1.5;
}
function kurtOf(w: number[]): number {
  const n = w.length;
  const S2 = central(w, 2);
  if (S2 === 0) return Number.NaN;
  return (((n + 1) * n * (n - 1)) / ((n - 2) * (n - 3))) * (central(w, 4) / S2 ** 2) - (3 * (n - 1) ** 2) / ((n - 2) * (n - 3));
}

function expectClose(got: Float64Array, want: Float64Array, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (Number.isNaN(want[i])) {
      expect(got[i], `row ${i}`).toBeNaN();
    } else {
      expect(Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])), `row ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(tol);
    }
  }
}

const series = fc
  .array(fc.oneof({ weight: 12, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) }, { weight: 1, arbitrary: fc.constant(Number.NaN) }), {
    minLength: 0,
    maxLength: 120,
  })
  .map((a) => Float64Array.from(a));

describe('rolling statistics', () => {
  it('hand-computed values, NaN until the window is full, ddof = 1', () => {
    const x = Float64Array.from([1, 2, 3, 4, 10]);
    const near = (got: Float64Array, want: number[]) => expectClose(got, Float64Array.from(want), 1e-15);
    near(rollingMean(x, 3), [Number.NaN, Number.NaN, 2, 3, 17 / 3]);
    near(rollingSum(x, 2), [Number.NaN, 3, 5, 7, 14]);
    // var([3, 4, 10]) = ((8/3)² + (5/3)² + (13/3)²) / 2 = 43/3
    near(rollingVar(x, 3), [Number.NaN, Number.NaN, 1, 1, 43 / 3]);
    expect(Array.from(rollingMax(x, 2))).toEqual([Number.NaN, 2, 3, 4, 10]);
    expect(Array.from(rollingMin(x, 2))).toEqual([Number.NaN, 1, 2, 3, 4]);
    const s = rollingSkew(x, 4);
    expect(s[3]).toBeCloseTo(0, 14); // 1, 2, 3, 4 is symmetric
    // [2, 3, 4, 10]: mean 4.75, S2 = 38.75, S3 = 3·… → skew = √12/2 · (S3/4)/(S2/4)^1.5
    const S2 = 2.75 ** 2 + 1.75 ** 2 + 0.75 ** 2 + 5.25 ** 2;
    const S3 = -(2.75 ** 3) - 1.75 ** 3 - 0.75 ** 3 + 5.25 ** 3;
    expect(s[4]).toBeCloseTo(((Math.sqrt(12) / 2) * (S3 / 4)) / (S2 / 4) ** 1.5, 13);
    // y = 2x + 1 → cov(x, y) = 2·var(x)
    const y = x.map((v) => 2 * v + 1);
    near(rollingCov(x, y, 3), [Number.NaN, Number.NaN, 2, 2, 86 / 3]);
  });

  it('a missing value blanks every window that contains it, then recovers', () => {
    const x = Float64Array.from([1, 2, Number.NaN, 4, 5, 6, Number.POSITIVE_INFINITY, 8]);
    expect(Array.from(rollingMean(x, 2))).toEqual([Number.NaN, 1.5, Number.NaN, Number.NaN, 4.5, 5.5, Number.NaN, Number.NaN]);
    expect(Array.from(rollingMax(x, 2))).toEqual([Number.NaN, 2, Number.NaN, Number.NaN, 5, 6, Number.NaN, Number.NaN]);
  });

  it('match brute-force window statistics on arbitrary series with gaps', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 12 }), (x, n) => {
        const m = new Float64Array(x.length);
        const s = new Float64Array(x.length);
        rollingMeanStd(x, n, m, s);
        expectClose(m, windows(x, n, meanOf), 1e-12);
        expectClose(rollingStd(x, n), n > 1 ? windows(x, n, (w) => Math.sqrt(varOf(w))) : windows(x, n, () => Number.NaN), 1e-9);
        expectClose(rollingMax(x, n), windows(x, n, (w) => Math.max(...w)), 0);
        expectClose(rollingMin(x, n), windows(x, n, (w) => Math.min(...w)), 0);
        if (n >= 4) {
          // Where the window variance is tiny, skew/kurt are ill-conditioned in any algorithm.
          const v = windows(x, n, varOf);
          const sk = rollingSkew(x, n);
          const ku = rollingKurt(x, n);
          const skRef = windows(x, n, skewOf);
          const kuRef = windows(x, n, kurtOf);
          for (let t = 0; t < x.length; t++) {
            if (v[t] > 1e-6) {
              expect(Math.abs(sk[t] - skRef[t])).toBeLessThan(1e-8 * Math.max(1, Math.abs(skRef[t])));
              expect(Math.abs(ku[t] - kuRef[t])).toBeLessThan(1e-8 * Math.max(1, Math.abs(kuRef[t])));
            } else if (Number.isNaN(v[t])) {
              expect(sk[t]).toBeNaN(); // incomplete window
              expect(ku[t]).toBeNaN();
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rolling covariance and variance of y match brute force on paired gaps', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 2, max: 10 }), fc.integer(), (x, n, seed) => {
        const y = x.map((v, i) => (i % 7 === seed % 7 ? Number.NaN : Math.sin(i + seed) * 3 + 0.5 * v));
        const cov = new Float64Array(x.length);
        const vy = new Float64Array(x.length);
        rollingCovVar(x, y, n, cov, vy);
        const ref = new Float64Array(x.length).fill(Number.NaN);
        const refV = new Float64Array(x.length).fill(Number.NaN);
        for (let t = n - 1; t < x.length; t++) {
          const wx = Array.from({ length: n }, (_, i) => x[t - n + 1 + i]);
          const wy = Array.from({ length: n }, (_, i) => y[t - n + 1 + i]);
          if (!wx.every(Number.isFinite) || !wy.every(Number.isFinite)) continue;
          const mx = meanOf(wx);
          const my = meanOf(wy);
          ref[t] = wx.reduce((a, v, i) => a + (v - mx) * (wy[i] - my), 0) / (n - 1);
          refV[t] = varOf(wy);
        }
        expectClose(cov, ref, 1e-9);
        expectClose(vy, refV, 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('stays accurate on price levels where sums of x and x² would cancel', () => {
    // A random walk around 1e6 with cent-sized moves, trending windows and flat stretches.
    let p = 1e6;
    const x = new Float64Array(3000);
    for (let i = 0; i < x.length; i++) {
      if (i % 500 < 40) {
        x[i] = p; // flat run: windows inside it have zero variance
        continue;
      }
      p += Math.round(Math.sin(i * 1.7) * 37 + (i % 900 < 100 ? 25 : 0)) / 100;
      x[i] = p;
    }
    const n = 20;
    const m = new Float64Array(x.length);
    const s = new Float64Array(x.length);
    rollingMeanStd(x, n, m, s);
    let flat = 0;
    let naiveSum = 0;
    let naiveSq = 0;
    for (let t = 0; t < n - 1; t++) {
      naiveSum += x[t];
      naiveSq += x[t] * x[t];
    }
    let naiveWorst = 0;
    for (let t = n - 1; t < x.length; t++) {
      naiveSum += x[t] - (t >= n ? x[t - n] : 0);
      naiveSq += x[t] * x[t] - (t >= n ? x[t - n] * x[t - n] : 0);
      // Exact reference: differences to the window's first value are exact (Sterbenz), and
      // a two-pass over those small numbers loses nothing to the 1e6 level.
      const base = x[t - n + 1];
      const w = Array.from(x.subarray(t - n + 1, t + 1), (v) => v - base);
      const mu = meanOf(w);
      const sd = Math.sqrt(varOf(w));
      if (sd === 0) {
        flat++;
        expect(s[t], `row ${t}`).toBeLessThanOrEqual(1e-12 * Math.abs(m[t]));
        continue;
      }
      const z = (x[t] - base - mu) / sd;
      const zGot = (x[t] - m[t]) / s[t];
      // Contract tolerance for z-scores; the mean itself is a double at the 1e6 level.
      expect(Math.abs(zGot - z) / Math.max(1, Math.abs(z)), `row ${t}`).toBeLessThan(1e-7);
      // Naive running sums of x and x² on the same data are far off (shows the test has teeth).
      const nm = naiveSum / n;
      const nv = (naiveSq - n * nm * nm) / (n - 1);
      const nz = nv > 0 ? (x[t] - nm) / Math.sqrt(nv) : Number.NaN;
      naiveWorst = Math.max(naiveWorst, Number.isNaN(nz) ? Number.POSITIVE_INFINITY : Math.abs(nz - z) / Math.max(1, Math.abs(z)));
    }
    expect(flat).toBeGreaterThan(50);
    expect(naiveWorst).toBeGreaterThan(1e-3);
  });

  it('appending rows never changes earlier outputs (bit-identical)', () => {
    fc.assert(
      fc.property(series, fc.integer({ min: 1, max: 9 }), fc.nat(), (x, n, cut) => {
        const k = x.length === 0 ? 0 : cut % (x.length + 1);
        const prefix = x.slice(0, k);
        for (const f of [rollingMean, rollingStd, rollingMax, rollingSkew, rollingKurt]) {
          const full = f(x, Math.max(n, 4));
          const part = f(prefix, Math.max(n, 4));
          expect(Array.from(part)).toEqual(Array.from(full.subarray(0, k)));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad windows and mismatched buffers', () => {
    expect(() => rollingMean(new Float64Array(3), 0)).toThrow(/positive integer/);
    expect(() => rollingMean(new Float64Array(3), 1.5)).toThrow(/positive integer/);
    expect(() => rollingMean(new Float64Array(3), 2, new Float64Array(2))).toThrow(/output length/);
    expect(() => rollingCov(new Float64Array(3), new Float64Array(4), 2)).toThrow(/lengths differ/);
  });
});
