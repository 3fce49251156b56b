import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossSectionalZscore, topKFilter } from '../../../src/engine/autopilot';
import { heuristicTicker, rollingZ } from '../../../src/engine/autopilot/predictions';
import type { PredictionPanel } from '../../../src/engine/autopilot';
import { readBarsFile } from '../../../src/cli/read-bars';
import type { Bars } from '../../../src/engine/contracts';

const REAL = '../shared/data/real/daily/csv';

function head(b: Bars, n: number): Bars {
  return { ts: b.ts.slice(0, n), open: b.open.slice(0, n), high: b.high.slice(0, n), low: b.low.slice(0, n), close: b.close.slice(0, n), volume: b.volume.slice(0, n) };
}

describe('prediction panel helpers', () => {
  it('cross-sectional z-score per date by hand (ddof 1; < 2 values → NaN)', () => {
    // row 0: 1, 2, 3 → mean 2, sd 1 → −1, 0, 1; row 1: only one value
    const z = crossSectionalZscore(Float64Array.from([1, 2, 3, Number.NaN, 5, Number.NaN]), 2, 3);
    expect(Array.from(z.subarray(0, 3))).toEqual([-1, 0, 1]);
    expect(z.subarray(3).every(Number.isNaN)).toBe(true);
  });

  it('top-70 % filter zeroes predictions below the 30 % quantile of the z-scores per date', () => {
    // z = [-1.5, -0.5, 0.5, 1.5]; 30 % quantile (linear) = -1.5 + 0.9·1 = -0.6 → only the first is below
    const p: PredictionPanel = {
      predictor: 'heuristic',
      horizon: 10,
      predicted: Float64Array.from([0.01, 0.02, 0.03, 0.04]),
      confidence: new Float64Array(4).fill(0.9),
      regime: new Int32Array(4),
      csZscore: Float64Array.from([-1.5, -0.5, 0.5, 1.5]),
      notes: [],
    };
    const f = topKFilter(p, 4, 0.7);
    expect(Array.from(f.predicted)).toEqual([0, 0.02, 0.03, 0.04]);
    expect(Array.from(p.predicted)).toEqual([0.01, 0.02, 0.03, 0.04]);
  });

  it('rolling z uses only the window up to t and needs the minimum count', () => {
    const x = Float64Array.from([1, 2, 3, 4, 100]);
    const z = rollingZ(x, 3, 3);
    expect(Number.isNaN(z[1])).toBe(true);
    expect(z[2]).toBeCloseTo(1, 12); // (3 − 2)/1
    expect(z[3]).toBeCloseTo(1, 12);
    fc.assert(
      fc.property(fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 10, maxLength: 60 }), fc.integer({ min: 5, max: 9 }), (xs, cut) => {
        const a = rollingZ(Float64Array.from(xs), 8, 4);
        const b = rollingZ(Float64Array.from(xs.slice(0, cut)), 8, 4);
        for (let t = 0; t < cut; t++) expect(Object.is(a[t], b[t]) || Math.abs(a[t] - b[t]) < 1e-9).toBe(true);
      }),
    );
  });

  it('heuristic predictor on real bars: causal (a prefix gives the same values), bounded by ±3 %, confidence in [0, 1]', () => {
    const bars = readBarsFile(`${REAL}/MSFT.csv`).tickers[0].bars;
    const full = heuristicTicker(head(bars, 1500));
    const part = heuristicTicker(head(bars, 1100));
    let n = 0;
    for (let t = 0; t < 1100; t++) {
      if (Number.isNaN(part.predicted[t])) {
        expect(Number.isNaN(full.predicted[t])).toBe(true);
        continue;
      }
      n++;
      expect(full.predicted[t]).toBeCloseTo(part.predicted[t], 12);
      expect(full.confidence[t]).toBeCloseTo(part.confidence[t], 12);
      expect(full.regime[t]).toBe(part.regime[t]);
      expect(Math.abs(part.predicted[t])).toBeLessThan(0.03);
      expect(part.confidence[t]).toBeGreaterThanOrEqual(0);
      expect(part.confidence[t]).toBeLessThanOrEqual(1);
    }
    expect(n).toBeGreaterThan(900); // 60-bar z warm-up after the 50-bar SMA
  });
});
