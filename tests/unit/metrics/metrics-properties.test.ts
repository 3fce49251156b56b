/** Properties of contract E and the risk series: invariants, causality, determinism. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/engine/backtest/metrics';
import { drawdownSeries, drawdownTable, maxDrawdown } from '../../../src/engine/risk/drawdowns';
import { rollingBenchmark } from '../../../src/engine/risk/rolling-benchmark';
import { rollingRegression, rollingSharpe, rollingVolatility } from '../../../src/engine/risk/rolling-stats';
import { sameBits } from './helpers';

const RUNS = 60;

/** Returns in [−1, 1] (with exact zeros, small and large moves). */
const ret = fc.oneof(
  fc.constant(0),
  fc.double({ min: -0.05, max: 0.05, noNaN: true }),
  fc.double({ min: -1, max: 1, noNaN: true }),
);
const series = (min: number, max: number) =>
  fc.array(ret, { minLength: min, maxLength: max }).map((a) => Float64Array.from(a));
/**
 * Like `series` but without magnitudes below 1e-12: squares of values under ~1e-154 fall
 * into the subnormal range, where float64 loses the precision any ratio of moments needs.
 */
const realistic = (min: number, max: number) =>
  series(min, max).map((a) => a.map((v) => (Math.abs(v) < 1e-12 ? 0 : v)));

/** Strictly ascending epoch days with random gaps of 1–4 days. */
function ascendingDays(n: number, start: number, gaps: number[]): Int32Array {
  const d = new Int32Array(n);
  let x = start;
  for (let i = 0; i < n; i++) {
    x += 1 + (gaps[i % gaps.length] ?? 0);
    d[i] = x;
  }
  return d;
}
const gapList = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 20 });

describe('contract E properties', () => {
  it('scaling returns by 0 gives zero volatility and null Sharpe/Sortino', () => {
    fc.assert(
      fc.property(series(2, 200), fc.double({ min: 0, max: 0.1, noNaN: true }), (r, rf) => {
        const zero = r.map((v) => v * 0);
        const m = computeMetrics({ dates: ascendingDays(r.length, 19000, [0]), returns: zero, rfAnnual: rf });
        expect(m.ann_vol).toBe(0);
        expect(m.sharpe).toBeNull();
        expect(m.total_return).toBe(0);
        expect(m.max_drawdown).toBe(0);
        expect(m.hit_rate).toBeNull();
        // rf > 0 makes every excess return −rf/252: constant, so Sharpe stays null
        if (rf === 0) expect(m.sortino).toBeNull();
      }),
      { numRuns: RUNS },
    );
  });

  it('max_drawdown ∈ [−1, 0], hit_rate ∈ [0, 1], and the dates are ordered peak < trough < recovery', () => {
    fc.assert(
      fc.property(series(1, 300), (r) => {
        const d = ascendingDays(r.length, 19000, [0, 2]);
        const m = computeMetrics({ dates: d, returns: r });
        expect(m.max_drawdown).toBeGreaterThanOrEqual(-1);
        expect(m.max_drawdown).toBeLessThanOrEqual(0);
        if (m.hit_rate !== null) {
          expect(m.hit_rate).toBeGreaterThanOrEqual(0);
          expect(m.hit_rate).toBeLessThanOrEqual(1);
        }
        if (m.max_drawdown < 0) {
          expect(m.max_dd_trough).not.toBeNull();
          if (m.max_dd_peak !== null) expect(m.max_dd_peak < m.max_dd_trough!).toBe(true);
          if (m.max_dd_recovery !== null) expect(m.max_dd_recovery > m.max_dd_trough!).toBe(true);
        } else {
          expect([m.max_dd_trough, m.max_dd_peak, m.max_dd_recovery]).toEqual([null, null, null]);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('the deepest drawdown episode is the maximum drawdown', () => {
    fc.assert(
      fc.property(series(1, 300), (r) => {
        const s = drawdownSeries(r);
        const mdd = maxDrawdown(s);
        const top = drawdownTable(s, 1);
        if (mdd.depth === 0) {
          expect(top.length).toBe(0);
          return;
        }
        expect(top[0].depth).toBe(mdd.depth);
        expect(top[0].troughIndex).toBe(mdd.troughIndex);
        expect(top[0].peakIndex).toBe(mdd.peakIndex);
        expect(top[0].recoveryIndex).toBe(mdd.recoveryIndex);
      }),
      { numRuns: RUNS },
    );
  });

  it('Sharpe, Sortino and correlation are invariant to scaling returns by k > 0 (rf = 0)', () => {
    fc.assert(
      fc.property(realistic(5, 120), realistic(5, 120), fc.double({ min: 0.01, max: 100, noNaN: true }), (r, b, k) => {
        const n = Math.min(r.length, b.length);
        const d = ascendingDays(n, 19000, [0]);
        const a = computeMetrics({ dates: d, returns: r.subarray(0, n), benchmark: { dates: d, returns: b.subarray(0, n) } });
        const s = computeMetrics({
          dates: d,
          returns: r.subarray(0, n).map((v) => v * k),
          benchmark: { dates: d, returns: b.subarray(0, n) },
        });
        for (const f of ['sharpe', 'sortino', 'correlation'] as const) {
          const x = a[f];
          const y = s[f];
          if (x === null || y === null) continue; // scaling can underflow a tiny dispersion
          expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(x)));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('appending returns never changes earlier rolling or drawdown values (bit for bit)', () => {
    fc.assert(
      fc.property(
        series(2, 150),
        series(1, 60),
        series(2, 210),
        gapList,
        fc.integer({ min: 2, max: 30 }),
        (head, tail, bench, gaps, w) => {
          const full = new Float64Array(head.length + tail.length);
          full.set(head);
          full.set(tail, head.length);
          const d = ascendingDays(full.length, 19000, gaps);
          // the benchmark runs on a plain calendar that overlaps the strategy's dates in part
          const bd = ascendingDays(bench.length, 19000, [0]);
          const benchmark = { dates: bd, returns: bench };
          const k = head.length;
          const short = { dates: d.subarray(0, k), returns: head };
          const long = { dates: d, returns: full };
          const a = computeMetrics({ ...short, benchmark, corrWindow: w }).rolling_corr!;
          const b = computeMetrics({ ...long, benchmark, corrWindow: w }).rolling_corr!;
          expect(sameBits(a, b.subarray(0, k))).toBe(true);
          expect(sameBits(rollingVolatility(head, w), rollingVolatility(full, w).subarray(0, k))).toBe(true);
          expect(sameBits(rollingSharpe(head, w, 0.02), rollingSharpe(full, w, 0.02).subarray(0, k))).toBe(true);
          const x = full.map((v, i) => v * 0.5 + (i % 3) * 0.01);
          const ra = rollingRegression(head, x.subarray(0, k), w);
          const rb = rollingRegression(full, x, w);
          expect(sameBits(ra.beta, rb.beta.subarray(0, k))).toBe(true);
          expect(sameBits(ra.alphaAnn, rb.alphaAnn.subarray(0, k))).toBe(true);
          expect(sameBits(ra.correlation, rb.correlation.subarray(0, k))).toBe(true);
          const ba = rollingBenchmark(short, benchmark, w).onStrategyDates;
          const bb = rollingBenchmark(long, benchmark, w).onStrategyDates;
          expect(sameBits(ba.beta, bb.beta.subarray(0, k))).toBe(true);
          const da = drawdownSeries(head);
          const db = drawdownSeries(full);
          expect(sameBits(da.drawdown, db.drawdown.subarray(0, k))).toBe(true);
          expect(sameBits(da.equity, db.equity.subarray(0, k))).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('is deterministic: the same input gives the same bits', () => {
    fc.assert(
      fc.property(series(1, 200), series(1, 200), gapList, fc.double({ min: 0, max: 0.1, noNaN: true }), (r, b, gaps, rf) => {
        const d = ascendingDays(r.length, 19000, gaps);
        const bd = ascendingDays(b.length, 19000, [0]);
        const w = r.map((v) => (v > 0 ? 1 : 0));
        const input = { dates: d, returns: r, benchmark: { dates: bd, returns: b }, weights: w, rfAnnual: rf, corrWindow: 5 };
        const x = computeMetrics(input);
        const y = computeMetrics({ ...input, returns: r.slice(), weights: w.slice() });
        for (const key of Object.keys(x) as (keyof typeof x)[]) {
          const u = x[key];
          const v = y[key];
          if (u instanceof Float64Array && v instanceof Float64Array) expect(sameBits(u, v)).toBe(true);
          else expect(Object.is(u, v), key).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
