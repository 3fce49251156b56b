/** Risk building blocks on tiny hand-worked inputs. */
import { describe, expect, it } from 'vitest';
import { returnDistribution } from '../../../src/engine/risk/distribution';
import { drawdownEpisodes, drawdownSeries, drawdownTable, maxDrawdown, ulcerIndex } from '../../../src/engine/risk/drawdowns';
import { excessKurtosis, mean, skewness, std, sum, variance } from '../../../src/engine/risk/moments';
import { normalPdf, normalQuantile } from '../../../src/engine/risk/normal';
import { rollingBenchmark } from '../../../src/engine/risk/rolling-benchmark';
import {
  rollingCorrelation,
  rollingRegression,
  rollingSharpe,
  rollingVolatility,
} from '../../../src/engine/risk/rolling-stats';
import { cornishFisherVar, historicalVar, parametricVar, quantileSorted, tailRatio } from '../../../src/engine/risk/var';
import { days, expectClose } from './helpers';

const S252 = Math.sqrt(252);

describe('moments', () => {
  it('compensated sum survives catastrophic cancellation', () => {
    // naive left-to-right gives 0 here; the exact sum is 2
    expect(sum(Float64Array.of(1, 1e100, 1, -1e100))).toBe(2);
  });
  it('two-pass variance is exact on large offsets where Σx² − n·x̄² fails', () => {
    // 1e9 + {4, 7, 13, 16}: mean 1e9 + 10, deviations −6, −3, 3, 6 → S2 = 90, var = 30
    const x = Float64Array.of(1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16);
    expect(mean(x)).toBe(1e9 + 10);
    expect(variance(x)).toBe(30);
    expect(variance(x, 0)).toBe(22.5);
    expect(std(Float64Array.of(3))).toBeNaN(); // ddof 1 needs two values
    expect(variance(new Float64Array(7).fill(0.1))).toBe(0); // constant: exactly 0
  });
  it('bias-corrected skew and excess kurtosis (pandas forms)', () => {
    // x = 0, .25, .5, .75, 1: symmetric → skew 0; S2 = 0.625, S4 = 0.1328125, n = 5:
    // kurt = (6·5·4)/(3·2)·S4/S2² − 3·4²/(3·2) = 20·0.34 − 8 = −1.2
    const x = Float64Array.of(0, 0.25, 0.5, 0.75, 1);
    expect(skewness(x)).toBe(0);
    expectClose(excessKurtosis(x), -1.2, 1e-14);
    // x = 0, 0, 3: mean 1, d = −1, −1, 2 → m2 = 6/3 = 2, m3 = (−1 −1 + 8)/3 = 2
    // skew = √(3·2)/1 · 2/2^1.5 = √6/√2 = √3
    expectClose(skewness(Float64Array.of(0, 0, 3)), Math.sqrt(3), 1e-14);
    expect(skewness(Float64Array.of(1, 2))).toBeNaN();
    expect(excessKurtosis(Float64Array.of(1, 2, 3))).toBeNaN();
  });
});

describe('normal quantile (AS 241)', () => {
  it('matches scipy.special.ndtri to ~1e-15', () => {
    // values printed by scipy 1.10 (ndtri)
    const table: [number, number][] = [
      [1e-300, -37.0470962993612],
      [1e-20, -9.262340089798409],
      [1e-10, -6.361340902404056],
      [1e-5, -4.264890793922825],
      [0.001, -3.090232306167813],
      [0.01, -2.3263478740408408],
      [0.025, -1.9599639845400545],
      [0.05, -1.6448536269514729],
      [0.3, -0.5244005127080409],
      [0.5, 0],
      [0.975, 1.959963984540054],
      [0.999999, 4.753424308817087],
    ];
    for (const [p, z] of table) expectClose(normalQuantile(p), z, 2e-15);
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
    expectClose(normalPdf(0), 1 / Math.sqrt(2 * Math.PI), 1e-16);
  });
});

describe('VaR and expected shortfall', () => {
  it('linear-interpolation percentile like numpy', () => {
    // h = (5 − 1)·0.05 = 0.2 → 1 + 0.2·(2 − 1)
    expectClose(quantileSorted(Float64Array.of(1, 2, 3, 4, 5), 0.05), 1.2, 1e-15);
    expect(quantileSorted(Float64Array.of(1, 2, 3, 4, 5), 1)).toBe(5);
    expect(quantileSorted(Float64Array.of(7), 0.3)).toBe(7);
  });
  it('historical VaR/ES', () => {
    // sorted −.05, −.03, −.01, 0, .02, .04; level 0.75 → q = 0.25, h = 5·0.25 = 1.25
    // VaR = −.03 + 0.25·(−.01 + .03) = −.025; ES = mean(−.05, −.03) = −.04
    const r = Float64Array.of(0.02, -0.01, -0.05, 0.04, 0, -0.03);
    const h = historicalVar(r, 0.75);
    expectClose(h.var, -0.025, 1e-15);
    expectClose(h.es, -0.04, 1e-15);
    expect(Array.from(r)).toEqual([0.02, -0.01, -0.05, 0.04, 0, -0.03]); // input not sorted in place
    expect(() => historicalVar(r, 1)).toThrow(/level/);
  });
  it('parametric normal VaR/ES', () => {
    // r = −.02, 0, .02, .04: μ = .01, var = (.0009 + .0001 + .0001 + .0009)/3, σ = .025819888974716113
    // VaR95 = μ + σ·(−1.6448536269514729); ES95 = μ − σ·φ(z)/0.05 = μ − σ·2.0627128075074253 (scipy)
    const r = Float64Array.of(-0.02, 0, 0.02, 0.04);
    const sigma = 0.025819888974716113;
    const p = parametricVar(r, 0.95);
    expectClose(p.var, 0.01 + sigma * -1.6448536269514729, 1e-15);
    expectClose(p.es, 0.01 - sigma * 2.0627128075074253, 1e-15);
    const p99 = parametricVar(r, 0.99);
    expectClose(p99.var, 0.01 + sigma * -2.3263478740408408, 1e-15);
    expectClose(p99.es, 0.01 - sigma * 2.665214220345808, 1e-15);
  });
  it('Cornish–Fisher: the skew/kurtosis adjustment of z', () => {
    // r = 0, 0, 0, 3: μ = .75, σ = √(6.75/3) = 1.5; d = −.75 ×3, 2.25 → S2 = 6.75,
    // S3 = 3·(−.421875) + 11.390625 = 10.125, S4 = 3·.31640625 + 25.62890625 = 26.578125
    // skew = √12/2 · (10.125/4)/(6.75/4)^1.5 = 2; kurt = 60/2 · 26.578125/45.5625 − 27/2 = 4
    const r = Float64Array.of(0, 0, 0, 3);
    expectClose(skewness(r), 2, 1e-14);
    expectClose(excessKurtosis(r), 4, 1e-14);
    const z = -1.6448536269514729;
    const zcf = z + ((z * z - 1) * 2) / 6 + ((z ** 3 - 3 * z) * 4) / 24 - ((2 * z ** 3 - 5 * z) * 4) / 36;
    expectClose(cornishFisherVar(r, 0.95), 0.75 + 1.5 * zcf, 1e-14);
  });
  it('tail ratio |P95/P5|, NaN when P5 = 0', () => {
    // −10..10 (21 values): h = 20·0.05 = 1 → P5 = −9; h = 19 → P95 = 9
    const x = Float64Array.from({ length: 21 }, (_, i) => i - 10);
    expect(tailRatio(x)).toBe(1);
    // −2..18: P5 = −1, P95 = 17
    expect(tailRatio(Float64Array.from({ length: 21 }, (_, i) => i - 2))).toBe(17);
    // −1..19: P5 = 0
    expect(tailRatio(Float64Array.from({ length: 21 }, (_, i) => i - 1))).toBeNaN();
  });
});

describe('return distribution', () => {
  it('bins like numpy.histogram with the last bin closed, density integrating to 1', () => {
    const d = returnDistribution(Float64Array.of(0, 0.25, 0.5, 0.75, 1), 4);
    expect(Array.from(d.edges)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(Array.from(d.counts)).toEqual([1, 1, 1, 2]);
    // density = count/(5·0.25)
    expect(Array.from(d.density)).toEqual([0.8, 0.8, 0.8, 1.6]);
    expect(d.mean).toBe(0.5);
    expectClose(d.std, Math.sqrt(0.625 / 4), 1e-15);
    expect(d.skew).toBe(0);
    expectClose(d.kurtosis, -1.2, 1e-14);
    expect([d.min, d.max, d.n]).toEqual([0, 1, 5]);
    // normal overlay at the first centre 0.125: φ((0.125 − 0.5)/σ)/σ
    const s = Math.sqrt(0.15625);
    expectClose(d.normalDensity[0], normalPdf((0.125 - 0.5) / s) / s, 1e-14);
  });
  it('a constant series gets one unit-wide range around the value', () => {
    // numpy.histogram([0, 0], 2) → counts [0, 2], edges [−0.5, 0, 0.5]
    const d = returnDistribution(Float64Array.of(0, 0), 2);
    expect(Array.from(d.counts)).toEqual([0, 2]);
    expect(Array.from(d.edges)).toEqual([-0.5, 0, 0.5]);
    expect([d.min, d.max]).toEqual([0, 0]);
    expect(d.std).toBe(0);
    expect(Number.isNaN(d.normalDensity[0])).toBe(true);
  });
});

describe('drawdowns', () => {
  // E = 1.5, 0.75, 1.5, 1.875, 1.5, 0.75, 1.5
  const r = Float64Array.of(0.5, -0.5, 1.0, 0.25, -0.2, -0.5, 1.0);
  const s = drawdownSeries(r);
  it('equity, running peak (first attainment) and drawdown', () => {
    expect(Array.from(s.equity)).toEqual([1.5, 0.75, 1.5, 1.875, 1.5, 0.75, 1.5]);
    expect(Array.from(s.peak)).toEqual([1.5, 1.5, 1.5, 1.875, 1.875, 1.875, 1.875]);
    expect(Array.from(s.peakIndex)).toEqual([0, 0, 0, 3, 3, 3, 3]);
    expectClose(s.drawdown[5], 0.75 / 1.875 - 1, 1e-15); // −0.6
  });
  it('episodes: peak, trough, recovery, depth and length', () => {
    const eps = drawdownEpisodes(s);
    expect(eps.length).toBe(2);
    // 1st: from the 1.5 peak at row 0, trough row 1 (−50%), back to 1.5 at row 2
    expect(eps[0]).toMatchObject({ peakIndex: 0, troughIndex: 1, recoveryIndex: 2, recovered: true, toTrough: 1, length: 2 });
    expect(eps[0].depth).toBe(-0.5);
    // 2nd: from 1.875 at row 3, trough row 5 (0.75/1.875 − 1 = −0.6), not recovered by row 6
    expect(eps[1]).toMatchObject({ peakIndex: 3, troughIndex: 5, recoveryIndex: -1, recovered: false, toTrough: 2, length: 3 });
    expectClose(eps[1].depth, -0.6, 1e-15);
    // the table lists the deepest first
    expect(drawdownTable(s).map((e) => e.peakIndex)).toEqual([3, 0]);
    expect(drawdownTable(s, 1).length).toBe(1);
    expect(maxDrawdown(s)).toMatchObject({ troughIndex: 5, peakIndex: 3, recoveryIndex: -1, peakValue: 1.875 });
  });
  it('ulcer index √mean(dd²)', () => {
    // dd = 0, −.5, 0, 0, −.2, −.6, −.2 → Σ² = .25 + .04 + .36 + .04 = .69
    expectClose(ulcerIndex(s), Math.sqrt(0.69 / 7), 1e-14);
  });
  it('a drawdown from the first row has its peak at E_0 (index −1)', () => {
    const e = drawdownEpisodes(drawdownSeries(Float64Array.of(-0.5, 1.0)));
    expect(e).toEqual([
      { peakIndex: -1, peakValue: 1, troughIndex: 0, recoveryIndex: 1, recovered: true, depth: -0.5, toTrough: 1, length: 2 },
    ]);
  });
});

describe('rolling statistics', () => {
  it('volatility and Sharpe over a trailing window', () => {
    const r = Float64Array.of(0.01, 0.02, 0.03, 0.05);
    const v = rollingVolatility(r, 3);
    expect(Number.isNaN(v[0]) && Number.isNaN(v[1])).toBe(true);
    // window .01 .02 .03: std .01
    expectClose(v[2], 0.01 * S252, 1e-14);
    // window .02 .03 .05: var = (.0038 − 3·(.1/3)²)/2 = .00023333…
    expectClose(v[3], Math.sqrt((0.0038 - 0.01 / 3) / 2) * S252, 1e-12);
    // Sharpe of .01 .02 .03 = .02/.01·√252
    expectClose(rollingSharpe(r, 3)[2], 2 * S252, 1e-13);
    // rf 2.52% → 1e-4 per day: (.02 − 1e-4)/.01·√252
    expectClose(rollingSharpe(r, 3, 0.0252)[2], 1.99 * S252, 1e-13);
    expect(rollingSharpe(Float64Array.of(0.01, 0.01, 0.01), 3)[2]).toBeNaN();
    expect(() => rollingVolatility(r, 1)).toThrow(/window/);
  });
  it('correlation NaN for a constant window', () => {
    const c = rollingCorrelation(Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 5, 5, 6), 3);
    expect(Number.isNaN(c[2])).toBe(true);
    // window 2,3,4 vs 5,5,6: dx = −1,0,1; dy = −1/3,−1/3,2/3 → Σdxdy = 1, Σdx² = 2, Σdy² = 2/3 → 1/√(4/3)
    expectClose(c[3], Math.sqrt(3) / 2, 1e-15);
  });
  it('regression y = 2x + 0.001: beta 2, alpha 252·0.001, correlation 1', () => {
    const x = Float64Array.of(0.01, -0.02, 0.005, 0.03, -0.01);
    const y = x.map((v) => 2 * v + 0.001);
    const g = rollingRegression(y, x, 4);
    for (const t of [3, 4]) {
      expectClose(g.beta[t], 2, 1e-12);
      expectClose(g.alphaAnn[t], 0.252, 1e-12);
      expectClose(g.correlation[t], 1, 1e-12);
    }
    expect(Number.isNaN(g.beta[2])).toBe(true);
  });
  it('benchmark comparison joins on date first and maps back to the strategy dates', () => {
    // strategy on Mon–Fri; benchmark lacks Wednesday 2024-01-03
    const sd = days('2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05');
    const bd = days('2024-01-01', '2024-01-02', '2024-01-04', '2024-01-05');
    const b = Float64Array.of(0.01, -0.02, 0.03, 0.005);
    // strategy = 2·benchmark on common dates; the 01-03 value (0.5) must be ignored
    const s = Float64Array.of(0.02, -0.04, 0.5, 0.06, 0.01);
    const rb = rollingBenchmark({ dates: sd, returns: s }, { dates: bd, returns: b }, 3);
    expect(Array.from(rb.strategyIndex)).toEqual([0, 1, 3, 4]);
    expectClose(rb.beta[2], 2, 1e-12);
    expectClose(rb.beta[3], 2, 1e-12);
    expect(Number.isNaN(rb.onStrategyDates.beta[2])).toBe(true);
    expectClose(rb.onStrategyDates.beta[3], 2, 1e-12);
    expectClose(rb.onStrategyDates.correlation[4], 1, 1e-12);
    // relative strength: (1.02·0.96)/(1.01·0.98) at the 2nd joined row
    expectClose(rb.relativeStrength[1], (1.02 * 0.96) / (1.01 * 0.98), 1e-15);
  });
});
