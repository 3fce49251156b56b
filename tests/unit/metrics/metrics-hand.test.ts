/**
 * Contract E on tiny series whose values are worked out by hand below. Returns are dyadic
 * (0.5, 0.25, …) so equity products are exact in binary floating point.
 */
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../src/engine/backtest/metrics';
import { SeriesInputError } from '../../../src/engine/risk/dates';
import { days, expectClose } from './helpers';

const S252 = Math.sqrt(252);

// Strategy: five weekdays of January 2024.
const D = days('2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-08');
const R = Float64Array.of(0.5, -0.5, 0.25, 1.0, -0.25);
// Benchmark: has 2024-01-01 and 2024-01-06 (absent from the strategy) and lacks 2024-01-05.
// Inner join rows: 01-02, 01-03, 01-04, 01-08.
const BD = days('2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-06', '2024-01-08');
const BR = Float64Array.of(0.9, 0.25, -0.25, 0.0, 0.7, -0.5);
const W = Float64Array.of(1, 1, 0.5, 1, 0);

describe('computeMetrics — hand-computed example', () => {
  const m = computeMetrics({ dates: D, returns: R, benchmark: { dates: BD, returns: BR }, weights: W, corrWindow: 3 });

  it('compounding: total_return and cagr', () => {
    // E = 1.5, 0.75, 0.9375, 1.875, 1.40625 → total = 0.40625
    expect(m.total_return).toBe(0.40625);
    // cagr = 1.40625^(252/5) − 1
    expectClose(m.cagr, 1.40625 ** 50.4 - 1);
    expect(m.n_periods).toBe(5);
  });

  it('volatility, Sharpe, downside deviation and Sortino (rf = 0)', () => {
    // mean = (0.5 − 0.5 + 0.25 + 1 − 0.25)/5 = 0.2
    // deviations 0.3, −0.7, 0.05, 0.8, −0.45 → squares 0.09 + 0.49 + 0.0025 + 0.64 + 0.2025 = 1.425
    // var = 1.425/4 = 0.35625
    expectClose(m.ann_vol, Math.sqrt(0.35625) * S252);
    expectClose(m.sharpe, (0.2 / Math.sqrt(0.35625)) * S252);
    // min(e, 0) = 0, −0.5, 0, 0, −0.25 → Σ² = 0.3125; /5 = 0.0625; DD = 0.25
    expectClose(m.downside_dev_ann, 0.25 * S252);
    // sortino = 0.2/0.25·√252 = 0.8·√252
    expectClose(m.sortino, 0.8 * S252);
  });

  it('maximum drawdown with its dates, and calmar', () => {
    // P = 1.5, 1.5, 1.5, 1.875, 1.875; dd = 0, −0.5, −0.375, 0, −0.25
    expect(m.max_drawdown).toBe(-0.5);
    expect(m.max_dd_trough).toBe('2024-01-03');
    expect(m.max_dd_peak).toBe('2024-01-02'); // E_1 = 1.5 is the peak in force at the trough
    expect(m.max_dd_recovery).toBe('2024-01-05'); // E_4 = 1.875 ≥ 1.5
    expectClose(m.calmar, (1.40625 ** 50.4 - 1) / 0.5);
  });

  it('hit rate and turnover', () => {
    // positive: 0.5, 0.25, 1.0 of 5 non-zero returns
    expect(m.hit_rate).toBe(0.6);
    // |1−0| + |1−1| + |0.5−1| + |1−0.5| + |0−1| = 1 + 0 + 0.5 + 0.5 + 1 = 3
    expect(m.turnover_total).toBe(3);
    // mean 3/5 · 252 = 151.2
    expectClose(m.turnover_ann, 151.2);
  });

  it('benchmark statistics on the inner join', () => {
    // joined r = 0.5, −0.5, 0.25, −0.25 (mean 0); b = 0.25, −0.25, 0, −0.5 (mean −0.125)
    expect(m.n_benchmark_rows).toBe(4);
    // dr = 0.5, −0.5, 0.25, −0.25; db = 0.375, −0.125, 0.125, −0.375
    // Σ dr·db = 0.1875 + 0.0625 + 0.03125 + 0.09375 = 0.375; Σ db² = 0.3125 → beta = 1.2
    expectClose(m.beta, 1.2);
    // alpha = 252·(0 − 1.2·(−0.125)) = 252·0.15 = 37.8
    expectClose(m.alpha_ann, 37.8);
    // Σ dr² = 0.625 → corr = 0.375/√(0.625·0.3125) = 0.6·√2
    expectClose(m.correlation, 0.6 * Math.SQRT2);
    // r − b = 0.25, −0.25, 0.25, 0.25: mean 0.125, Σ dev² = 3·0.015625 + 0.140625 = 0.1875,
    // var = 0.0625, std = 0.25 → TE = 0.25·√252, IR = 0.125/0.25·√252
    expectClose(m.tracking_error_ann, 0.25 * S252);
    expectClose(m.information_ratio, 0.5 * S252);
  });

  it('rolling correlation (window 3) on joined rows, aligned with the strategy dates', () => {
    const rc = m.rolling_corr!;
    expect(rc.length).toBe(5);
    expect(Number.isNaN(rc[0]) && Number.isNaN(rc[1])).toBe(true); // window not full
    // rows 01-02..01-04: r = .5, −.5, .25 (mean 1/12), b = .25, −.25, 0 (mean 0)
    // Σ dr·db = 0.25, Σ db² = 0.125, Σ dr² = 13/24 → corr = 0.25/√(13/192) = √(12/13)
    expectClose(rc[2], Math.sqrt(12 / 13));
    expect(Number.isNaN(rc[3])).toBe(true); // 2024-01-05: benchmark has no bar
    // rows 01-03, 01-04, 01-08: r = −.5, .25, −.25 (mean −1/6), b = −.25, 0, −.5 (mean −.25)
    // Σ dr·db = 5/48 + 1/48 = 1/8, Σ db² = 1/8, Σ dr² = 7/24 → corr = √(3/7)
    expectClose(rc[4], Math.sqrt(3 / 7));
  });

  it('risk-free rate shifts excess returns only', () => {
    // rf = 0.0252/252 = 1e-4 per period: mean(e) = 0.2 − 1e-4; std(e) = std(r)
    const k = computeMetrics({ dates: D, returns: R, rfAnnual: 0.0252 });
    expectClose(k.sharpe, ((0.2 - 1e-4) / Math.sqrt(0.35625)) * S252);
    // min(e, 0) = 0, −0.5001, 0, 0, −0.2501 → DD = √((0.5001² + 0.2501²)/5)
    const dd = Math.sqrt((0.5001 ** 2 + 0.2501 ** 2) / 5);
    expectClose(k.downside_dev_ann, dd * S252);
    expectClose(k.sortino, ((0.2 - 1e-4) / dd) * S252);
    expectClose(k.ann_vol, Math.sqrt(0.35625) * S252); // ann_vol uses r, not e
    expect(k.total_return).toBe(0.40625);
    // No benchmark or weights: those fields are null.
    for (const f of ['beta', 'alpha_ann', 'correlation', 'tracking_error_ann', 'information_ratio'] as const) {
      expect(k[f]).toBeNull();
    }
    expect(k.rolling_corr).toBeNull();
    expect(k.turnover_total).toBeNull();
    expect(k.turnover_ann).toBeNull();
    expect(k.n_benchmark_rows).toBeNull();
  });

  it('beta/alpha with rf use excess returns on both sides', () => {
    // rf cancels in covariances, so beta and correlation are unchanged (1.2, 0.6√2);
    // alpha = 252·(mean(e) − β·mean(eb)) = 252·((0 − 1e-4) − 1.2·(−0.125 − 1e-4))
    const k = computeMetrics({ dates: D, returns: R, benchmark: { dates: BD, returns: BR }, rfAnnual: 0.0252 });
    expectClose(k.beta, 1.2);
    expectClose(k.correlation, 0.6 * Math.SQRT2);
    expectClose(k.alpha_ann, 252 * (-1e-4 - 1.2 * (-0.125 - 1e-4)));
    expectClose(k.tracking_error_ann, 0.25 * S252); // r − b: rf cancels
  });
});

describe('computeMetrics — drawdown dating rules', () => {
  const d3 = days('2024-02-05', '2024-02-06', '2024-02-07');
  it('a drawdown from the start has peak E_0 → max_dd_peak null', () => {
    // E = 0.5, 0.75, 1.5; P = 1, 1, 1.5; dd = −0.5, −0.25, 0; recovery: E_3 = 1.5 ≥ 1
    const m = computeMetrics({ dates: d3, returns: Float64Array.of(-0.5, 0.5, 1.0) });
    expect(m.max_drawdown).toBe(-0.5);
    expect(m.max_dd_trough).toBe('2024-02-05');
    expect(m.max_dd_peak).toBeNull();
    expect(m.max_dd_recovery).toBe('2024-02-07');
  });
  it('an unrecovered drawdown has max_dd_recovery null', () => {
    // E = 1.5, 0.75, 1.125 < 1.5
    const m = computeMetrics({ dates: d3, returns: Float64Array.of(0.5, -0.5, 0.5) });
    expect(m.max_dd_trough).toBe('2024-02-06');
    expect(m.max_dd_peak).toBe('2024-02-05');
    expect(m.max_dd_recovery).toBeNull();
  });
  it('equal troughs: the first date attaining the minimum; an equal high is not a new peak', () => {
    // E = 1.5, 0.75, 1.5, 0.75; dd = 0, −0.5, 0, −0.5 → trough 1st, peak day 1, recovery day 3
    const d4 = days('2024-02-05', '2024-02-06', '2024-02-07', '2024-02-08');
    const m = computeMetrics({ dates: d4, returns: Float64Array.of(0.5, -0.5, 1.0, -0.5) });
    expect(m.max_dd_trough).toBe('2024-02-06');
    expect(m.max_dd_peak).toBe('2024-02-05');
    expect(m.max_dd_recovery).toBe('2024-02-07');
  });
  it('never below a peak: max_drawdown 0, its dates and calmar null', () => {
    const m = computeMetrics({ dates: d3, returns: Float64Array.of(0.25, 0, 0.5) });
    expect(m.max_drawdown).toBe(0);
    expect(m.max_dd_trough).toBeNull();
    expect(m.max_dd_peak).toBeNull();
    expect(m.max_dd_recovery).toBeNull();
    expect(m.calmar).toBeNull();
    // hit rate: 2 positive of 2 non-zero
    expect(m.hit_rate).toBe(1);
  });
  it('a total loss: total_return −1, cagr −1, max_drawdown −1', () => {
    const m = computeMetrics({ dates: days('2024-02-05', '2024-02-06'), returns: Float64Array.of(-1, 0.5) });
    expect(m.total_return).toBe(-1);
    expect(m.cagr).toBe(-1);
    expect(m.max_drawdown).toBe(-1);
    // calmar = −1/1
    expect(m.calmar).toBe(-1);
  });
  it('equity below zero still gives cagr −1', () => {
    const m = computeMetrics({ dates: days('2024-02-05'), returns: Float64Array.of(-1.5) });
    expect(m.total_return).toBe(-1.5);
    expect(m.cagr).toBe(-1);
  });
});

describe('computeMetrics — undefined values are null', () => {
  it('all-zero returns: zero vol, null Sharpe/Sortino/hit rate', () => {
    const m = computeMetrics({ dates: days('2024-03-04', '2024-03-05', '2024-03-06'), returns: new Float64Array(3) });
    expect(m.ann_vol).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.downside_dev_ann).toBe(0);
    expect(m.sortino).toBeNull();
    expect(m.hit_rate).toBeNull();
    expect(m.total_return).toBe(0);
    expect(m.cagr).toBe(0);
  });
  it('a constant non-zero return has exactly zero dispersion', () => {
    const m = computeMetrics({
      dates: days('2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07'),
      returns: new Float64Array(4).fill(0.01),
      benchmark: { dates: days('2024-03-04', '2024-03-05', '2024-03-06', '2024-03-07'), returns: Float64Array.of(0.01, 0.02, -0.01, 0) },
    });
    expect(m.ann_vol).toBe(0);
    expect(m.sharpe).toBeNull();
    expect(m.sortino).toBeNull(); // no negative excess return: DD = 0
    expect(m.beta).toBe(0); // cov with a constant is 0; var(b) > 0
    expect(m.alpha_ann).not.toBeNull();
    expect(m.correlation).toBeNull(); // std(e) = 0
  });
  it('a single period: ddof-1 statistics are null', () => {
    const m = computeMetrics({ dates: days('2024-03-04'), returns: Float64Array.of(0.02) });
    expect(m.ann_vol).toBeNull();
    expect(m.sharpe).toBeNull();
    expectClose(m.total_return, 0.02); // (1 + 0.02) − 1 rounds to 0.020000000000000018
    expectClose(m.cagr, 1.02 ** 252 - 1);
    expect(m.downside_dev_ann).toBe(0);
    expect(m.sortino).toBeNull();
  });
  it('a constant benchmark gives null beta/alpha/correlation', () => {
    const d = days('2024-03-04', '2024-03-05', '2024-03-06');
    const m = computeMetrics({
      dates: d,
      returns: Float64Array.of(0.01, -0.02, 0.03),
      benchmark: { dates: d, returns: new Float64Array(3) },
    });
    expect(m.beta).toBeNull();
    expect(m.alpha_ann).toBeNull();
    expect(m.correlation).toBeNull();
    expect(m.tracking_error_ann).not.toBeNull();
  });
  it('a benchmark with no common date: join is empty, all benchmark fields null', () => {
    const m = computeMetrics({
      dates: days('2024-03-04', '2024-03-05'),
      returns: Float64Array.of(0.01, 0.02),
      benchmark: { dates: days('2024-03-06'), returns: Float64Array.of(0.01) },
    });
    expect(m.n_benchmark_rows).toBe(0);
    expect([m.beta, m.alpha_ann, m.correlation, m.tracking_error_ann, m.information_ratio]).toEqual([
      null,
      null,
      null,
      null,
      null,
    ]);
    expect(Array.from(m.rolling_corr!).every(Number.isNaN)).toBe(true);
  });
});

describe('computeMetrics — inputs', () => {
  it('epoch-ms Float64Array dates give the same result as epoch-day Int32Array dates', () => {
    const ms = Float64Array.from(D, (d) => d * 86_400_000 + 16 * 3_600_000); // 16:00 UTC
    const bms = Float64Array.from(BD, (d) => d * 86_400_000);
    const a = computeMetrics({ dates: D, returns: R, benchmark: { dates: BD, returns: BR }, corrWindow: 3 });
    const b = computeMetrics({ dates: ms, returns: R, benchmark: { dates: bms, returns: BR }, corrWindow: 3 });
    expect(b).toEqual(a);
  });
  it('turnover over several assets sums absolute weight changes per asset', () => {
    // asset A: 0→0.5→0.5→0 = 0.5 + 0 + 0.5; asset B: 0→0.5→−0.5→0 = 0.5 + 1 + 0.5 → total 3
    const m = computeMetrics({
      dates: days('2024-03-04', '2024-03-05', '2024-03-06'),
      returns: Float64Array.of(0, 0.01, -0.01),
      weights: [Float64Array.of(0.5, 0.5, 0), Float64Array.of(0.5, -0.5, 0)],
    });
    expect(m.turnover_total).toBe(3);
    expectClose(m.turnover_ann, (3 / 3) * 252);
  });
  it('does not mutate its inputs', () => {
    const r = R.slice();
    const w = W.slice();
    computeMetrics({ dates: D, returns: r, weights: w, rfAnnual: 0.05 });
    expect(Array.from(r)).toEqual(Array.from(R));
    expect(Array.from(w)).toEqual(Array.from(W));
  });
  it('rejects bad input with errors naming the field and row', () => {
    const bad = (f: () => unknown, field: string, index: number | null, text: RegExp) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(SeriesInputError);
        const err = e as SeriesInputError;
        expect(err.field).toBe(field);
        expect(err.index).toBe(index);
        expect(err.message).toMatch(text);
        return;
      }
      throw new Error('expected an error');
    };
    bad(() => computeMetrics({ dates: days('2024-01-03', '2024-01-02'), returns: Float64Array.of(0, 0) }), 'dates', 1, /ascending/);
    bad(() => computeMetrics({ dates: days('2024-01-02', '2024-01-02'), returns: Float64Array.of(0, 0) }), 'dates', 1, /repeats/);
    bad(() => computeMetrics({ dates: days('2024-01-02', '2024-01-03'), returns: Float64Array.of(0, Number.NaN) }), 'returns', 1, /finite/);
    bad(() => computeMetrics({ dates: days('2024-01-02'), returns: new Float64Array(0) }), 'returns', null, /at least one/);
    bad(() => computeMetrics({ dates: days('2024-01-02'), returns: Float64Array.of(0), weights: Float64Array.of(1, 1) }), 'weights', null, /2 rows/);
    bad(
      () =>
        computeMetrics({
          dates: days('2024-01-02'),
          returns: Float64Array.of(0),
          benchmark: { dates: days('2024-01-02'), returns: Float64Array.of(Number.POSITIVE_INFINITY) },
        }),
      'benchmark.returns',
      0,
      /finite/,
    );
    bad(() => computeMetrics({ dates: D, returns: R, corrWindow: 1 }), 'corrWindow', null, /≥ 2/);
  });
});
