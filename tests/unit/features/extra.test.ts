import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { FEATURES, computeFeatures } from '../../../src/engine/features/registry';
import { head, loadReal } from './helpers';

const GS = loadReal('GS');
const EXTRAS = FEATURES.filter((f) => !f.core);
const NAMES = EXTRAS.map((f) => f.name);

function col(name: string, b: Bars = GS): Float64Array {
  return computeFeatures([name], b).columns[0];
}

function bars(c: number[], extra: Partial<Record<'open' | 'high' | 'low' | 'volume', number[]>> = {}): Bars {
  return {
    ts: Float64Array.from(c, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000),
    open: Float64Array.from(extra.open ?? c),
    high: Float64Array.from(extra.high ?? c),
    low: Float64Array.from(extra.low ?? c),
    close: Float64Array.from(c),
    volume: Float64Array.from(extra.volume ?? c.map(() => 100)),
  };
}

describe('non-core features (engine-research §2)', () => {
  it('are flagged non-core, have unique names and become valid at their declared warm-up', () => {
    expect(EXTRAS.length).toBeGreaterThanOrEqual(40);
    expect(new Set(NAMES).size).toBe(NAMES.length);
    const m = computeFeatures(NAMES, GS);
    m.columns.forEach((c, j) => {
      const first = c.findIndex((v) => !Number.isNaN(v));
      expect(first, NAMES[j]).toBe(EXTRAS[j].warmup);
      expect(c.every((v) => Number.isNaN(v) || Number.isFinite(v)), NAMES[j]).toBe(true);
    });
  });

  it('are causal: a prefix gives bit-identical earlier values', () => {
    const full = computeFeatures(NAMES, GS);
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(0, 1, 2), fc.integer({ min: 0, max: GS.ts.length })), (n) => {
        const part = computeFeatures(NAMES, head(GS, n));
        part.columns.forEach((c, j) => {
          const a = new Uint8Array(c.buffer);
          const b = new Uint8Array(full.columns[j].buffer, 0, c.byteLength);
          if (!a.every((v, i) => v === b[i])) throw new Error(`${NAMES[j]} changed for prefix ${n}`);
        });
      }),
      { numRuns: 15 },
    );
  });

  it('hand-computed values', () => {
    const b = bars([10, 11, 10.5, 12, 12, 9], {
      high: [10.5, 11.5, 11, 12.5, 12.2, 10],
      low: [9.5, 10.4, 10, 11, 11.8, 8.5],
      volume: [100, 200, 0, 400, 300, 600],
    });
    expect(Array.from(col('OBV', b))).toEqual([0, 200, 200, 600, 600, 0]);
    expect(Array.from(col('return_2d', b))).toEqual([Number.NaN, Number.NaN, 10.5 / 10 - 1, 12 / 11 - 1, 12 / 10.5 - 1, 9 / 12 - 1]);
    // v.pct_change(): 0 → 400 divides by zero → NaN; 400 → 300 = −0.25
    const vc = col('volume_change', b);
    expect(vc[2]).toBe(-1);
    expect(vc[3]).toBeNaN();
    expect(vc[4]).toBe(-0.25);
    expect(Array.from(col('intraday_range', b))).toEqual(Array.from(b.close, (c, i) => (b.high[i] - b.low[i]) / c));
    // Kalman: P⁻ = 1.01, K = 1.01/2.01, x₁ = 10 + K·(11 − 10)
    const k = col('Kalman_0p01_1p0', b);
    expect(k[0]).toBe(10);
    expect(k[1]).toBeCloseTo(10 + 1.01 / 2.01, 15);
  });

  it('stochastic oscillator family on a constructed range', () => {
    const c = Array.from({ length: 20 }, (_, i) => 100 + (i % 5));
    const hi = c.map((v) => v + 1);
    const lo = c.map((v) => v - 1);
    const b = bars(c, { high: hi, low: lo });
    const st = col('Stoch_14', b);
    const wr = col('WillR_14', b);
    // rows 6..19: window max high = 105, min low = 99 → %K = 100(c − 99)/6, %R = −100(105 − c)/6
    for (let t = 13; t < 20; t++) {
      expect(st[t]).toBeCloseTo((100 * (c[t] - 99)) / 6, 12);
      expect(wr[t]).toBeCloseTo((-100 * (105 - c[t])) / 6, 12);
      expect(st[t] + -wr[t]).toBeCloseTo(100, 12);
    }
    expect(col('StochD_14_3', b)[15]).toBeCloseTo((st[13] + st[14] + st[15]) / 3, 12);
  });

  it('consistency between related features on real bars', () => {
    const [hv, rv20, rvd, rv5, roc10, r10, pir, align, mfi] = computeFeatures(
      ['HV_20', 'return_vol_20d', 'RV_daily', 'return_vol_5d', 'ROC_10', 'return_10d', 'price_in_range_20d', 'EMAAlign_8_21_50', 'MFI_14'],
      GS,
    ).columns;
    for (let t = 0; t < GS.ts.length; t += 37) {
      if (t >= 20) expect(hv[t]).toBeCloseTo(100 * Math.sqrt(252) * rv20[t], 10);
      if (t >= 5) expect(rvd[t]).toBe(rv5[t]);
      if (t >= 10) expect(roc10[t]).toBeCloseTo(100 * r10[t], 12);
      if (t >= 19) {
        expect(pir[t]).toBeGreaterThanOrEqual(0);
        expect(pir[t]).toBeLessThanOrEqual(1);
      }
      expect(Math.abs(align[t])).toBeLessThanOrEqual(3);
      if (!Number.isNaN(mfi[t])) {
        expect(mfi[t]).toBeGreaterThanOrEqual(0);
        expect(mfi[t]).toBeLessThanOrEqual(100);
      }
    }
  });
});
