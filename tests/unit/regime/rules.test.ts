import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { HURST_WINDOW, hurst100, hurstRS } from '../../../src/engine/regime/hurst';
import {
  confirmLabels,
  detectRuleRegimes,
  natr14Percent,
  ruleLabel,
  smoothMinDuration,
} from '../../../src/engine/regime/rules';
import { rollingMeanStdMinPeriods, rollingQuantile } from '../../../src/engine/regime/window';
import { head, loadReal, REPO } from '../features/helpers';

function barsFromCloses(close: number[], range = (c: number) => [c * 1.005, c * 0.995]): Bars {
  const n = close.length;
  const b: Bars = {
    ts: Float64Array.from({ length: n }, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000),
    open: Float64Array.from(close),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: Float64Array.from(close),
    volume: new Float64Array(n).fill(1e6),
  };
  for (let i = 0; i < n; i++) [b.high[i], b.low[i]] = range(close[i]);
  return b;
}

/** Independent R/S Hurst: array slices and reduce, same definition as the spec. */
function hurstReference(r: number[]): number {
  const pts: Array<[number, number]> = [];
  for (let size = r.length; size >= 8; size = Math.floor(size / 2)) {
    const rs: number[] = [];
    for (let b = 0; b + size <= r.length; b += size) {
      const block = r.slice(b, b + size);
      const m = block.reduce((a, x) => a + x, 0) / size;
      let cum = 0;
      const path = block.map((x) => (cum += x - m));
      const S = Math.sqrt(block.reduce((a, x) => a + (x - m) ** 2, 0) / size);
      if (S > 1e-12) rs.push((Math.max(...path) - Math.min(...path)) / S);
    }
    if (rs.length > 0) pts.push([Math.log(size), Math.log(rs.reduce((a, x) => a + x, 0) / rs.length)]);
  }
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  return pts.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0) / pts.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
}

describe('window statistics with min_periods', () => {
  const values = fc.array(fc.oneof(fc.double({ min: -100, max: 100, noNaN: true }), fc.constant(Number.NaN)), {
    minLength: 0,
    maxLength: 80,
  });

  it('rolling quantile equals sorting each window (linear interpolation)', () => {
    fc.assert(
      fc.property(values, fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 1, noNaN: true }), (xs, n, q) => {
        const minp = Math.max(1, Math.floor(n / 2));
        const out = rollingQuantile(Float64Array.from(xs), n, minp, q);
        for (let t = 0; t < xs.length; t++) {
          const w = xs.slice(Math.max(0, t - n + 1), t + 1).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
          if (w.length < minp) {
            expect(out[t]).toBeNaN();
            continue;
          }
          const pos = q * (w.length - 1);
          const lo = Math.floor(pos);
          const ref = lo === w.length - 1 ? w[lo] : w[lo] + (w[lo + 1] - w[lo]) * (pos - lo);
          expect(out[t]).toBeCloseTo(ref, 9);
        }
      }),
    );
  });

  it('rolling mean/std (ddof 1) skip missing values and need min_periods of them', () => {
    const x = Float64Array.from([1, Number.NaN, 3, 5, Number.NaN, 7]);
    const { mean, std } = rollingMeanStdMinPeriods(x, 3, 2);
    expect(Array.from(mean)).toEqual([Number.NaN, Number.NaN, 2, 4, 4, 6]);
    expect(std[2]).toBeCloseTo(Math.SQRT2, 14);
    expect(std[4]).toBeCloseTo(Math.SQRT2, 14);
    expect(std[5]).toBeCloseTo(Math.SQRT2, 14);
  });
});

describe('rule inputs', () => {
  it('NATR_14 (%) is 100·mean_14(TR)/close with TR over the previous close', () => {
    const close = Array.from({ length: 20 }, () => 100);
    close[16] = 110; // gap up: TR of row 16 = max(h−l, |h−100|, |l−100|)
    const b = barsFromCloses(close, (c) => [c + 1, c - 1]);
    const natr = natr14Percent(b);
    for (let t = 0; t < 13; t++) expect(natr[t]).toBeNaN();
    expect(natr[13]).toBeCloseTo(2, 12); // TR = 2 everywhere (row 0: h − l)
    expect(natr[15]).toBeCloseTo(2, 12);
    // rows 3..16: thirteen TRs of 2 and one of |111 − 100| = 11, close 110
    expect(natr[16]).toBeCloseTo((100 * ((13 * 2 + 11) / 14)) / 110, 12);
    // row 17 (back to 100 after 110): TR = max(2, |101 − 110|, |99 − 110|) = 11
    expect(natr[17]).toBeCloseTo((100 * ((12 * 2 + 11 + 11) / 14)) / 100, 12);
  });

  it('NATR, its rolling 80th percentile and z-score equal pandas on the real SPY file', () => {
    const ref = JSON.parse(readFileSync(resolve(REPO, 'tests/fixtures/regime/rule_inputs_spy.json'), 'utf8')) as {
      rows: number[];
      natr: (number | null)[];
      q80: (number | null)[];
      z: (number | null)[];
      high_vol_count: number;
    };
    const spy = loadReal('SPY');
    const r = detectRuleRegimes(spy);
    const close = (x: number, want: number | null) => {
      if (want === null) expect(x).toBeNaN();
      else expect(Math.abs(x - want)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(want)));
    };
    ref.rows.forEach((row, i) => {
      close(r.inputs.natr[row], ref.natr[i]);
      close(r.inputs.natrQ80[row], ref.q80[i]);
      close(r.inputs.natrZ[row], ref.z[i]);
    });
    let hv = 0;
    for (let t = 0; t < spy.ts.length; t++) if (r.inputs.natr[t] > r.inputs.natrQ80[t]) hv++;
    expect(hv).toBe(ref.high_vol_count);
  });

  it('Hurst_100 matches an independent R/S implementation and flags anti-persistence', () => {
    const close = [100];
    let x = 0.3;
    for (let i = 1; i < 260; i++) {
      x = (x * 3.9 * (1 - x)) % 1; // chaotic but deterministic returns
      close.push(close[i - 1] * Math.exp((x - 0.5) * 0.02));
    }
    const h = hurst100(Float64Array.from(close));
    for (let t = 0; t < HURST_WINDOW - 1; t++) expect(h[t]).toBeNaN();
    for (const t of [99, 150, 259]) {
      const r = close.slice(t - 98, t + 1).map((c, i) => Math.log(c / close[t - 99 + i]));
      expect(h[t]).toBeCloseTo(hurstReference(r), 12);
    }
    // Alternating returns: R/S = 1 in the even blocks (12, 24) and ≈ 2 in the odd ones (49, 99,
    // whose mean is not 0) — far below the ~size^0.5 growth of a random walk: anti-persistent.
    const altList = Array.from({ length: 99 }, (_, i) => (i % 2 === 0 ? 0.01 : -0.01));
    const hAlt = hurstRS(Float64Array.from(altList), 0, 99);
    expect(hAlt).toBeCloseTo(hurstReference(altList), 12);
    expect(hAlt).toBeLessThan(0.45);
  });
});

describe('rule labels', () => {
  it('follow the §3.5 thresholds, precedence and confidences (by hand)', () => {
    const cases: Array<[number[], number, number]> = [
      [[0.6, 25, 1, 0.5, 2, 0], 0, 0.7], // trending, slope > 0 → bull, 0.5 + 2·0.1
      [[0.6, 25, 1, -0.1, 2, 0], 1, 0.7], // slope < 0 → bear
      [[0.6, 25, 1, 0, 2, 0], 1, 0.7], // slope = 0 → bear (≤ 0)
      [[0.4, 25, 1, 0.5, 2, 0], 2, 0.7], // mean reverting: 0.5 + 2·0.1
      [[0.5, 30, 1, 0.5, 2, 0], 2, 0.5], // neither → 2 with 0.5
      [[0.6, 20, 1, 0.5, 2, 0], 2, 0.5], // ADX not > 20 → not trending
      [[0.9, 25, 1, 0.5, 2, 0], 0, 1], // 0.5 + 0.8 clipped to 1
      [[0.6, 25, 3, 0.5, 2, 1.5], 3, 0.8], // high vol overrides: 0.5 + 0.2·1.5
      [[0.6, 25, 3, 0.5, 2, -5], 3, 0.3], // clipped to 0.3
      [[0.6, 25, 3, 0.5, Number.NaN, 1], 0, 0.7], // no percentile yet → no high vol
      [[Number.NaN, Number.NaN, Number.NaN, Number.NaN, 5, Number.NaN], 3, 0.5], // fills: NATR 10 > 5, z → 0
      [[Number.NaN, 30, 1, 1, 5, 0], 2, 0.5], // Hurst fill 0.5: neither trending nor reverting
    ];
    for (const [args, label, conf] of cases) {
      const r = ruleLabel(args[0], args[1], args[2], args[3], args[4], args[5]);
      expect([r.label, r.confidence], JSON.stringify(args)).toEqual([label, expect.closeTo(conf, 12)]);
    }
  });

  it('causal confirmation adopts a new label after minDuration rows (by hand)', () => {
    const raw = Int32Array.from([-1, 0, 0, 1, 1, 1, 2, 0, 0, 0]);
    const conf = Float64Array.from([Number.NaN, 0.7, 0.7, 0.6, 0.6, 0.6, 0.5, 0.8, 0.8, 0.8]);
    const { labels, confidence } = confirmLabels(raw, conf, 3);
    expect(Array.from(labels)).toEqual([-1, 0, 0, 0, 0, 1, 1, 1, 1, 0]);
    expect(Array.from(confidence.subarray(1))).toEqual([0.7, 0.7, 0.5, 0.5, 0.6, 0.5, 0.5, 0.5, 0.8]);
  });

  it('two-sided smoothing moves short runs to the neighbour with the more confident run (by hand)', () => {
    const c = (xs: number[]) => Float64Array.from(xs);
    const L = (xs: number[]) => Int32Array.from(xs);
    expect(Array.from(smoothMinDuration(L([0, 0, 0, 1, 2, 2, 2]), c([0.5, 0.5, 0.5, 0.9, 0.6, 0.6, 0.6]), 3))).toEqual([0, 0, 0, 2, 2, 2, 2]);
    expect(Array.from(smoothMinDuration(L([0, 0, 0, 1, 2, 2, 2]), c([0.6, 0.6, 0.6, 0.9, 0.6, 0.6, 0.6]), 3))).toEqual([0, 0, 0, 0, 2, 2, 2]);
    expect(Array.from(smoothMinDuration(L([1, 0, 0, 0]), c([1, 0.1, 0.1, 0.1]), 3))).toEqual([0, 0, 0, 0]);
    // A chain of short runs collapses leftwards on ties.
    expect(Array.from(smoothMinDuration(L([0, 0, 0, 1, 2, 0, 0, 0]), c(Array(8).fill(0.5)), 3))).toEqual(Array(8).fill(0));
    // Unlabelled rows separate independent segments.
    expect(Array.from(smoothMinDuration(L([3, -1, 1, 1, 1, 2]), c([0.5, 0, 0.5, 0.5, 0.5, 0.9]), 3))).toEqual([3, -1, 1, 1, 1, 1]);
  });

  it('smoothing leaves no run shorter than minDuration unless a single run remains', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer(),
        (labels, m, seed) => {
          const conf = Float64Array.from(labels, (_, i) => ((seed + i * 7919) % 100) / 100);
          const out = smoothMinDuration(Int32Array.from(labels), conf, m);
          const runs: number[] = [];
          for (let t = 0; t < out.length; t++) {
            if (t > 0 && out[t] === out[t - 1]) runs[runs.length - 1]++;
            else runs.push(1);
          }
          if (runs.length > 1) expect(Math.min(...runs)).toBeGreaterThanOrEqual(m);
        },
      ),
    );
  });
});

describe('rule-based detector', () => {
  it('labels a calm anti-persistent series mean-reverting and a volatility burst high-volatility', () => {
    const close = [100];
    for (let i = 1; i < 420; i++) close.push(close[i - 1] * (1 + (i % 2 === 0 ? 0.004 : -0.004)));
    for (let i = 420; i < 450; i++) close.push(close[i - 1] * (1 + (i % 2 === 0 ? 0.05 : -0.045)));
    const r = detectRuleRegimes(barsFromCloses(close));
    expect(r.warmup).toBe(99); // Hurst_100 is the last input to appear
    expect(r.raw[98]).toBe(-1);
    expect(r.raw[300]).toBe(2);
    expect(r.inputs.hurst[300]).toBeLessThan(0.45);
    expect(r.rawConfidence[300]).toBeCloseTo(0.5 + 2 * (0.5 - r.inputs.hurst[300]), 12);
    expect(r.raw[440]).toBe(3);
    expect(r.online[440]).toBe(3);
    // probabilities are the one-hot of the online label
    expect(Array.from(r.probs.subarray(440 * 4, 441 * 4))).toEqual([0, 0, 0, 1]);
  });

  it('raw and online labels are causal: appending bars leaves earlier rows unchanged', () => {
    const spy = loadReal('SPY');
    const full = detectRuleRegimes(head(spy, 1400));
    for (const n of [450, 800, 1399]) {
      const part = detectRuleRegimes(head(spy, n));
      expect(part.raw).toEqual(full.raw.subarray(0, n));
      expect(part.online).toEqual(full.online.subarray(0, n));
      expect(part.onlineConfidence).toEqual(full.onlineConfidence.subarray(0, n));
    }
  });
});
