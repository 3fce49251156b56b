/**
 * Simulator features beyond the basic fill loop: rule signals and signal exits (cross-checked
 * against the vectorised sweep on real SPY), the drawdown controller inside a run, sizing
 * methods, the regime policy, cancellation and progress.
 */
import { describe, expect, it } from 'vitest';
import { RULE_DEFAULTS, resolveConfig } from '../../../src/engine/backtest/config';
import { ZERO_COSTS } from '../../../src/engine/backtest/execution';
import { alignBars } from '../../../src/engine/backtest/matrix';
import { predictionPairs } from '../../../src/engine/backtest/report';
import { parseRule, predictionSignals, ruleSignals } from '../../../src/engine/backtest/signals';
import { simulate, simulateJob } from '../../../src/engine/backtest/simulator';
import { runSweep } from '../../../src/engine/backtest/sweep';
import { EXIT_REASONS } from '../../../src/engine/backtest/trade-log';
import { CancelledError, type JobContext } from '../../../src/engine/core/context';
import { DEFAULT_DRAWDOWN_CONTROL } from '../../../src/engine/risk/drawdown-control';
import { close, realBars } from './helpers';
import { bars, matrix, signals } from './toy';

describe('rule signals', () => {
  it('parses rule specs and names bad ones', () => {
    expect(parseRule('sma:20,50')).toEqual({ kind: 'sma', fast: 20, slow: 50 });
    expect(parseRule(' momentum : 20 ')).toEqual({ kind: 'momentum', lookback: 20 });
    expect(() => parseRule('sma:50,20')).toThrow(/fast window must be shorter/);
    expect(() => parseRule('sma:20')).toThrow(/two positive integer/);
    expect(() => parseRule('rsi:14')).toThrow(/unknown rule "rsi"/);
    expect(() => parseRule('sma20,50')).toThrow(/form sma:FAST,SLOW/);
  });
  it('SMA score is fast/slow − 1 over each ticker’s own bars; momentum C_t/C_{t−L} − 1', () => {
    const A = bars([
      [1, 1, 1, 1],
      [2, 2, 2, 2],
      [3, 3, 3, 3],
      [4, 4, 4, 4],
    ]);
    // B misses the second day: its windows run over its own bars 1, 3, 4
    const B = bars([
      [1, 1, 1, 1],
      [3, 3, 3, 3],
      [4, 4, 4, 4],
    ]);
    B.ts = Float64Array.from([A.ts[0], A.ts[2], A.ts[3]]);
    const m = alignBars([
      { ticker: 'A', bars: A },
      { ticker: 'B', bars: B },
    ]);
    const s = ruleSignals(m, { kind: 'sma', fast: 1, slow: 2 });
    // A row 1: SMA1 = 2, SMA2 = 1.5 → 2/1.5 − 1; B row 2: SMA1 = 3, SMA2 = (1 + 3)/2 = 2 → 0.5
    expect(s.score[1 * 2 + 0]).toBeCloseTo(2 / 1.5 - 1, 15);
    expect(s.score[2 * 2 + 1]).toBeCloseTo(0.5, 15);
    expect(s.score[1 * 2 + 1]).toBeNaN();
    const mo = ruleSignals(m, { kind: 'momentum', lookback: 2 });
    expect(mo.score[3 * 2 + 0]).toBeCloseTo(4 / 2 - 1, 15);
    expect(mo.score[3 * 2 + 1]).toBeCloseTo(4 / 1 - 1, 15);
  });
  it('one asset, all-in, frictionless, next-close fills: the simulator equals the sweep (lag 1) on real SPY', () => {
    const spy = realBars('SPY');
    const m = alignBars([{ ticker: 'SPY', bars: spy }]);
    const sig = ruleSignals(m, { kind: 'sma', fast: 20, slow: 50 });
    const r = simulate({
      matrix: m,
      signals: sig,
      config: resolveConfig({ ...RULE_DEFAULTS, fill: 'close', costs: ZERO_COSTS, maxPositions: 1, sizing: { method: 'fixed', fraction: 1 } }),
    });
    const sw = runSweep(spy.close, { fast: Int32Array.of(20), slow: Int32Array.of(50) }, { lag: 1 });
    const total = r.equity[m.rows - 1] / 1e6 - 1;
    close(total, sw.totalReturn[0], 1e-10, 'total return');
    // turnover: every trade is a full 0 → 1 → 0 round trip (the last one closed by end of data)
    expect(r.trades.n).toBe(sw.trades[0]);
    let mean = 0;
    const n = m.rows - 1;
    for (let t = 1; t < m.rows; t++) mean += r.returns[t];
    mean /= n;
    let v = 0;
    for (let t = 1; t < m.rows; t++) v += (r.returns[t] - mean) ** 2;
    close((mean / Math.sqrt(v / (n - 1))) * Math.sqrt(252), sw.sharpe[0], 1e-9, 'sharpe');
    for (const c of r.trades.exitReason) expect(['signal', 'end_of_data']).toContain(EXIT_REASONS[c]);
  });
});

describe('drawdown control inside a run', () => {
  it('a crash trips CRITICAL: liquidation at the next open, no entries while halted, entries again in recovery', () => {
    // 30 rows; price 100 flat, crashes 20 % on row 3, flat again. A signal every row.
    const rows: Array<[number, number, number, number]> = [];
    for (let t = 0; t < 30; t++) {
      const p = t < 3 ? 100 : 80;
      rows.push([p, p, p, p]);
    }
    const m = matrix({ A: bars(rows) });
    const cells: Record<number, Record<string, [number, number]>> = {};
    for (let t = 0; t < 30; t++) cells[t] = { A: [0.05, 0.9] };
    const r = simulate({
      matrix: m,
      signals: signals(m, cells),
      config: resolveConfig({
        costs: ZERO_COSTS,
        holdingDays: null,
        regimePolicy: null,
        maxPositions: 1,
        sizing: { method: 'fixed', fraction: 1 },
        drawdownControl: DEFAULT_DRAWDOWN_CONTROL,
      }),
    });
    const t = r.trades;
    // bought at row 1's open; row 3 marks −20 % → CRITICAL at row 3's close → sold at row 4's open
    expect([t.entryBar[0], t.exitBar[0]]).toEqual([1, 4]);
    expect(EXIT_REASONS[t.exitReason[0]]).toBe('drawdown_halt');
    expect(r.controlState![3]).toBe(4); // CRITICAL
    // the peak is rebased at CRITICAL; the −20 % day stays in the 5-day window (CAUTION) until
    // row 7, RECOVERY starts at row 8 and allows entries once 3 of its 10 days have passed
    // (progress ≥ 0.3) → decision at row 11's close, fill at row 12's open
    expect(r.controlState![5]).toBe(3); // CAUTION
    expect(r.controlState![8]).toBe(1); // RECOVERY
    expect(t.entryBar[1]).toBe(12);
    // sized at 0.25 + 0.75·0.3² = 0.3175 of equity in RECOVERY
    expect(t.size[1]).toBeCloseTo(0.25 + 0.75 * 0.09, 12);
    expect(r.drawdown!.circuitBreakers).toBe(1);
  });
});

describe('sizing methods', () => {
  const rows: Array<[number, number, number, number]> = [];
  // 30 rows of alternating ±2 % closes (known realised vol), flat opens for easy fills
  let c = 100;
  for (let t = 0; t < 30; t++) {
    c *= t % 2 ? 1.02 : 1 / 1.02;
    rows.push([c, c, c, c]);
  }
  const m = matrix({ A: bars(rows) });
  const sig = signals(m, { 25: { A: [0.05, 0.9] } });
  it('vol targeting sizes target/(σ·√(h/252)·√maxPositions) with σ from the last 20 returns', () => {
    const r = simulate({
      matrix: m,
      signals: sig,
      config: resolveConfig({
        costs: ZERO_COSTS,
        holdingDays: 2,
        regimePolicy: null,
        maxPositions: 4,
        sizing: { method: 'vol_target', targetVol: 0.15, min: 0.01, max: 0.9, horizonDays: 252 },
      }),
    });
    // returns alternate ln-symmetric ±: r = 1.02 − 1 and 1/1.02 − 1; over 20 of them (10 each)
    const up = 0.02;
    const dn = 1 / 1.02 - 1;
    const mu = (up + dn) / 2;
    const sd = Math.sqrt((10 * (up - mu) ** 2 + 10 * (dn - mu) ** 2) / 19) * Math.sqrt(252);
    expect(r.trades.size[0]).toBeCloseTo(0.15 / (sd * Math.sqrt(4)), 12);
  });
  it('Kelly uses the fallback until enough trades are complete', () => {
    const r = simulate({
      matrix: m,
      signals: sig,
      config: resolveConfig({
        costs: ZERO_COSTS,
        holdingDays: 2,
        regimePolicy: null,
        sizing: { method: 'kelly', kellyFraction: 0.5, max: 0.5, minTrades: 20, fallbackFraction: 0.07 },
      }),
    });
    expect(r.trades.size[0]).toBeCloseTo(0.07, 12);
  });
});

describe('regime policy (spec §1.1)', () => {
  it('drops mean-reverting signals unless confidence ≥ 0.70, high-vol ones below 0.60', () => {
    const flat: Array<[number, number, number, number]> = [
      [10, 10, 10, 10],
      [10, 10, 10, 10],
      [10, 10, 10, 10],
    ];
    const m = matrix({ A: bars(flat), B: bars(flat), C: bars(flat), D: bars(flat) });
    const score = new Float64Array(m.rows * m.cols).fill(Number.NaN);
    const confidence = new Float64Array(m.rows * m.cols).fill(Number.NaN);
    const regime = new Int32Array(m.rows * m.cols).fill(-1);
    // A: regime 2, conf 0.65 → dropped; B: regime 2, conf 0.75 → override; C: regime 3, conf 0.62 → kept;
    // D: regime 3 but conf 0.55 < 0.6 threshold of the policy (and > the 0.5 filter) → dropped
    [
      [2, 0.65],
      [2, 0.75],
      [3, 0.62],
      [3, 0.55],
    ].forEach(([g, cf], i) => {
      score[i] = 0.05;
      confidence[i] = cf;
      regime[i] = g;
    });
    const r = simulate({ matrix: m, signals: { score, confidence, regime }, config: resolveConfig({ confidenceThreshold: 0.5, costs: ZERO_COSTS }) });
    expect(Array.from(r.trades.ticker, (i) => m.tickers[i]).sort()).toEqual(['B', 'C']);
    expect(r.counters.skippedRegime).toBe(2);
    expect(Array.from(r.trades.regime).sort()).toEqual([2, 3]);
  });
});

describe('prediction rows', () => {
  it('are scattered onto the matrix; unknown tickers, missing bars and duplicates are named errors', () => {
    const m = matrix({ A: bars([[1, 1, 1, 1], [1, 1, 1, 1]]) });
    const day0 = Math.floor(m.days[0]);
    const ok = predictionSignals(m, { days: Int32Array.of(day0), tickers: ['A'], predicted: Float64Array.of(0.02), confidence: Float64Array.of(0.7) });
    expect(ok.score[0]).toBe(0.02);
    expect(() => predictionSignals(m, { days: Int32Array.of(day0), tickers: ['ZZ'], predicted: Float64Array.of(0.02) })).toThrow(/row 1 \(ZZ 2024-01-02\): ticker ZZ has no price data/);
    expect(() => predictionSignals(m, { days: Int32Array.of(day0 + 5), tickers: ['A'], predicted: Float64Array.of(0.02) })).toThrow(/has no bar on that date/);
    expect(() => predictionSignals(m, { days: Int32Array.of(day0, day0), tickers: ['A', 'A'], predicted: Float64Array.of(0.02, 0.01) })).toThrow(/row 2 .*duplicate/);
    expect(() => predictionSignals(m, { days: Int32Array.of(day0), tickers: ['A'], predicted: Float64Array.of(0.02), confidence: Float64Array.of(1.5) })).toThrow(/confidence 1.5 is not in \[0, 1\]/);
  });
});

describe('prediction pairs for walk-forward validation', () => {
  it('pairs each prediction with C_{t+h}/C_t − 1 over the ticker’s bars, date-major', () => {
    const A = bars([
      [1, 1, 1, 100],
      [1, 1, 1, 103],
      [1, 1, 1, 105],
      [1, 1, 1, 107],
      [1, 1, 1, 108],
    ]);
    const B = bars([
      [1, 1, 1, 50],
      [1, 1, 1, 40],
      [1, 1, 1, 60],
      [1, 1, 1, 70],
      [1, 1, 1, 80],
    ]);
    const m = matrix({ A, B });
    const s = signals(m, { 0: { A: [0.1, 1], B: [0.2, 1] }, 1: { A: [0.3, 1] }, 3: { A: [0.4, 1] } });
    const p = predictionPairs(m, s, 2);
    expect(Array.from(p.predicted)).toEqual([0.1, 0.2, 0.3]);
    expect(p.actual[0]).toBeCloseTo(105 / 100 - 1, 15);
    expect(p.actual[1]).toBeCloseTo(60 / 50 - 1, 15);
    expect(p.actual[2]).toBeCloseTo(107 / 103 - 1, 15);
  });
});

describe('job context', () => {
  const rows: Array<[number, number, number, number]> = Array.from({ length: 40 }, (_, t) => [100 + t, 101 + t, 99 + t, 100 + t]);
  const m = matrix({ A: bars(rows) });
  const sig = signals(m, { 0: { A: [0.05, 0.9] }, 20: { A: [0.05, 0.9] } });
  const config = resolveConfig({ chunkBars: 10, regimePolicy: null });
  it('reports progress per chunk and gives the same result as the synchronous run', async () => {
    const seen: number[] = [];
    const ctx: JobContext = { signal: { cancelled: false }, progress: (f) => seen.push(f), yield: () => Promise.resolve() };
    const a = await simulateJob({ matrix: m, signals: sig, config }, ctx);
    const b = simulate({ matrix: m, signals: sig, config });
    expect(seen).toEqual([0.25, 0.5, 0.75, 1]);
    expect(Array.from(a.equity)).toEqual(Array.from(b.equity));
  });
  it('stops with CancelledError at the next checkpoint once cancelled', async () => {
    const signal = { cancelled: false };
    let chunks = 0;
    const ctx: JobContext = {
      signal,
      progress: () => {
        chunks++;
        if (chunks === 2) signal.cancelled = true;
      },
      yield: () => Promise.resolve(),
    };
    await expect(simulateJob({ matrix: m, signals: sig, config }, ctx)).rejects.toBeInstanceOf(CancelledError);
    expect(chunks).toBe(2);
  });
});
