/**
 * Hand-computed toy backtests. Every expected number is derived in the comments from the
 * documented rules (next-bar fills, costs as bps of the reference price, commission in cash)
 * and checked to the cent (|x − expected| < 0.005) or tighter.
 */
import { describe, expect, it } from 'vitest';
import { type SimulatorOverrides, resolveConfig } from '../../../src/engine/backtest/config';
import { ZERO_COSTS } from '../../../src/engine/backtest/execution';
import { simulate } from '../../../src/engine/backtest/simulator';
import { EXIT_REASONS } from '../../../src/engine/backtest/trade-log';
import { bars, matrix, signals } from './toy';

const cents = (x: number, expected: number) => expect(Math.abs(x - expected)).toBeLessThan(0.005);

/** 10 bps commission, 20 bps spread (10 bps per side), no impact, no participation cap. */
const COSTS = { ...ZERO_COSTS, commissionBps: 10, spreadBps: 20 };

function cfg(over: SimulatorOverrides) {
  return resolveConfig({
    initialCapital: 10_000,
    entryThreshold: 0.01,
    confidenceThreshold: 0.5,
    maxPositions: 2,
    holdingDays: 2,
    regimePolicy: null,
    sizing: { method: 'fixed', fraction: 0.4 },
    costs: COSTS,
    ...over,
  });
}

describe('two assets, next-open fills, holding 2 bars, costs included', () => {
  // rows: 0 = 01-02, 1 = 01-03, 2 = 01-04, 3 = 01-05, 4 = 01-06
  const A = bars([
    [100, 101, 99, 100],
    [102, 104, 101, 103],
    [104, 106, 103, 105],
    [106, 108, 105, 107],
    [107, 109, 106, 108],
  ]);
  const B = bars([
    [50, 51, 49, 50],
    [49, 50, 48, 49],
    [48, 49, 47, 48],
    [47, 48, 46, 46],
    [45, 46, 44, 45],
  ]);
  const m = matrix({ A, B });
  const sig = signals(m, {
    // score = predicted × (0.5 + confidence): A 0.02·1.3 = 0.026, B 0.03·1.1 = 0.033 → B first
    0: { A: [0.02, 0.8], B: [0.03, 0.6] },
    // B is still held: skipped; A's 0.005 is below the 0.01 threshold
    2: { A: [0.005, 0.9], B: [0.05, 0.9] },
    // A again after its exit at row 3's close → fills at row 4's open, exits at the end of data
    3: { A: [0.02, 0.9] },
  });
  const r = simulate({ matrix: m, signals: sig, config: cfg({}) });
  const t = r.trades;

  it('fills each entry at the open of the bar after its signal, cost-inclusive', () => {
    expect(t.n).toBe(3);
    // trade 0 = B (higher score): wanted 0.4 × 10 000 = 4 000; buy fill 49 × 1.001 = 49.049;
    // shares 4 000/49.049 = 81.551102; commission 4 000 × 0.001 = 4.00
    expect(r.tickers[t.ticker[0]]).toBe('B');
    expect([t.signalBar[0], t.entryBar[0]]).toEqual([0, 1]);
    expect(t.entryRef[0]).toBe(49);
    expect(t.entryPrice[0]).toBeCloseTo(49.049, 12);
    expect(t.shares[0]).toBeCloseTo(81.55110195926522, 9);
    cents(t.entryCommission[0], 4);
    // trade 1 = A: buy fill 102 × 1.001 = 102.102; shares 4 000/102.102 = 39.176510
    expect(r.tickers[t.ticker[1]]).toBe('A');
    expect(t.entryPrice[1]).toBeCloseTo(102.102, 12);
    expect(t.shares[1]).toBeCloseTo(39.176509764745056, 9);
    // cash after both: 10 000 − 4 004 − 4 004 = 1 992
    cents(r.cash[1], 1992);
  });

  it('marks to market at each close: equity = cash + Σ shares × close', () => {
    cents(r.equity[0], 10_000);
    // row 1: 1 992 + 81.551102 × 49 + 39.176510 × 103 = 1 992 + 3 996.004 + 4 035.180 = 10 023.18
    cents(r.equity[1], 10_023.18);
    // row 2: 1 992 + 81.551102 × 48 + 39.176510 × 105 = 10 019.99
    cents(r.equity[2], 10_019.99);
    for (let k = 0; k < m.rows; k++) expect(r.equity[k]).toBeCloseTo(r.cash[k] + r.positionsValue[k], 9);
  });

  it('exits at the close of the 2nd bar held, net of spread and commission', () => {
    // A: sell fill 107 × 0.999 = 106.893; proceeds 39.176510 × 106.893 = 4 187.69; commission 4.19
    expect(t.exitBar[1]).toBe(3);
    expect(t.exitPrice[1]).toBeCloseTo(106.893, 12);
    cents(t.exitNotional[1], 4187.69);
    cents(t.exitCommission[1], 4.19);
    // actual = 106.893/102.102 − 1 = 4.6924 %; net = (4 187.69 − 4.19)/4 004 − 1 = 4.4832 %
    expect(t.actualReturn[1]).toBeCloseTo(0.046923664570723396, 12);
    expect(t.netReturn[1]).toBeCloseTo(0.044831908997155515, 12);
    // B: 46 × 0.999 = 45.954; proceeds 3 747.60, commission 3.75; net = 3 743.85/4 004 − 1 = −6.4972 %
    cents(t.exitNotional[0], 3747.6);
    expect(t.netReturn[0]).toBeCloseTo(-0.06497209288295752, 12);
    expect(t.holdingDays[0]).toBe(2);
    expect(EXIT_REASONS[t.exitReason[0]]).toBe('holding');
    // cash after row 3: 1 992 + 4 183.51 + 3 743.85 = 9 919.36 (flat → equity)
    cents(r.cash[3], 9919.36);
    cents(r.equity[3], 9919.36);
    cents(t.pnl[0] + t.pnl[1], 9919.36 - 10_000);
  });

  it('re-enters on the row-3 signal at the next open and closes at the end of the data', () => {
    // wanted 0.4 × 9 919.3587 = 3 967.74; fill 107 × 1.001 = 107.107; shares 37.044670
    expect([t.signalBar[2], t.entryBar[2], t.exitBar[2]]).toEqual([3, 4, 4]);
    cents(t.entryNotional[2], 3967.74);
    expect(t.size[2]).toBeCloseTo(0.4, 12);
    // end of data at row 4's close: 108 × 0.999; net 0.53165 %; pnl +21.12; final equity 9 940.47
    expect(EXIT_REASONS[t.exitReason[2]]).toBe('end_of_data');
    expect(t.netReturn[2]).toBeCloseTo(0.0053164738852882485, 12);
    cents(t.pnl[2], 21.12);
    cents(r.equity[4], 9940.47);
  });

  it('counts what it skipped', () => {
    // row 2: A below threshold (not a candidate); B held (not a candidate)
    expect(r.counters.candidates).toBe(3);
    expect(r.counters.entries).toBe(3);
  });
});

describe('fill at the next close', () => {
  it('buys at the close of the bar after the signal and sells at the close `holding` bars later', () => {
    // one asset, zero costs, all-in: signal row 0 → buy at row 1's close 103 (97.087379 shares),
    // hold 2 bars → sell at row 3's close 107: equity 10 000 × 107/103 = 10 388.35
    const A = bars([
      [100, 101, 99, 100],
      [102, 104, 101, 103],
      [104, 106, 103, 105],
      [106, 108, 105, 107],
      [107, 109, 106, 108],
    ]);
    const m = matrix({ A });
    const r = simulate({
      matrix: m,
      signals: signals(m, { 0: { A: [0.05, 0.9] } }),
      config: cfg({ fill: 'close', costs: ZERO_COSTS, sizing: { method: 'fixed', fraction: 1 } }),
    });
    expect([r.trades.entryBar[0], r.trades.exitBar[0]]).toEqual([1, 3]);
    expect(r.trades.entryPrice[0]).toBe(103);
    cents(r.equity[1], 10_000);
    cents(r.equity[2], (10_000 * 105) / 103); // 10 194.17
    cents(r.equity[3], 10_388.35);
    cents(r.equity[4], 10_388.35);
  });
});

describe('stops and targets, gap-aware (zero costs, all-in at row 1 open = 100 → 100 shares)', () => {
  const run = (row2: [number, number, number, number], stops: SimulatorOverrides['stops'], row3?: [number, number, number, number]) => {
    const rows: Array<[number, number, number, number]> = [[100, 100, 100, 100], [100, 104, 99, 102], row2];
    if (row3) rows.push(row3);
    rows.push([100, 100, 100, 100]);
    const m = matrix({ A: bars(rows) });
    return simulate({
      matrix: m,
      signals: signals(m, { 0: { A: [0.05, 0.9] } }),
      config: cfg({ costs: ZERO_COSTS, sizing: { method: 'fixed', fraction: 1 }, holdingDays: null, stops }),
    });
  };
  const reason = (r: ReturnType<typeof simulate>) => EXIT_REASONS[r.trades.exitReason[0]];

  it('stop-loss inside the bar fills at the stop level', () => {
    // stop 5 % below 100 = 95; row 2 opens 99 (above), trades down to 94 → out at 95: 9 500
    const r = run([99, 101, 94, 96], { stopLoss: 0.05 });
    expect(reason(r)).toBe('stop_loss');
    expect([r.trades.exitBar[0], r.trades.exitRef[0]]).toEqual([2, 95]);
    cents(r.equity[2], 9500);
  });
  it('a gap through the stop fills at the open, not the stop level', () => {
    // row 2 opens at 90 < 95 → out at 90: 9 000
    const r = run([90, 92, 88, 91], { stopLoss: 0.05 });
    expect(reason(r)).toBe('stop_loss');
    expect(r.trades.exitRef[0]).toBe(90);
    cents(r.equity[2], 9000);
  });
  it('take-profit inside the bar fills at the target; a gap above it fills at the open', () => {
    const a = run([101, 111, 100, 108], { takeProfit: 0.1 });
    expect(reason(a)).toBe('take_profit');
    expect(a.trades.exitRef[0]).toBeCloseTo(110, 12);
    cents(a.equity[2], 11_000);
    const b = run([115, 118, 113, 117], { takeProfit: 0.1 });
    expect(b.trades.exitRef[0]).toBe(115);
    cents(b.equity[2], 11_500);
  });
  it('when one bar spans stop and target, the stop is assumed first (conservative)', () => {
    const r = run([100, 111, 94, 105], { stopLoss: 0.05, takeProfit: 0.1 });
    expect(reason(r)).toBe('stop_loss');
    expect(r.trades.exitRef[0]).toBe(95);
  });
  it('trailing stop follows the highest high since entry (entry bar after the open included)', () => {
    // highest after row 1 = 104 → row-2 level 98.8 (low 103: safe); highest → 110;
    // row-3 level 110 × 0.95 = 104.5, low 104 → out at 104.5: 10 450
    const r = run([104, 110, 103, 108], { trailingStop: 0.05 }, [106, 107, 104, 105]);
    expect(reason(r)).toBe('trailing_stop');
    expect(r.trades.exitBar[0]).toBe(3);
    expect(r.trades.exitRef[0]).toBeCloseTo(104.5, 12);
    cents(r.equity[3], 10_450);
  });
  it('close_only compares and fills at the close', () => {
    // low 94 would trigger the conservative model; close 96 > 95 does not; next bar closes 100
    const a = run([99, 101, 94, 96], { stopLoss: 0.05, barModel: 'close_only' });
    expect(reason(a)).toBe('end_of_data');
    const b = run([99, 101, 93, 94], { stopLoss: 0.05, barModel: 'close_only' });
    expect(reason(b)).toBe('stop_loss');
    expect(b.trades.exitRef[0]).toBe(94);
  });
  it('stops are never checked on the entry bar itself', () => {
    // row 1 (the entry bar) trades down to 99 ≥ 95 anyway; with a 0.5 % stop (99.5) the entry
    // bar's low of 99 would hit, but the first check is row 2 (low 99.6 > 99.5)
    const r = run([100, 101, 99.6, 100], { stopLoss: 0.005 });
    expect(reason(r)).toBe('end_of_data');
  });
});

describe('participation and impact', () => {
  it('caps an entry at maxParticipation × ADV$ and charges impact = coeff × √participation', () => {
    // ADV$ at the signal row = 100 × 1 000 = 100 000; cap 2 % → 2 000 of the wanted 5 000
    // (fill ratio 0.4 ≥ 0.2); participation 0.02 → impact 25·√0.02 = 3.5355 bps, half
    // spread 1.5 bps → buy fill 100 × (1 + 5.0355e-4) = 100.050355
    const rows: Array<[number, number, number, number]> = [
      [100, 100, 100, 100],
      [100, 100, 100, 100],
      [100, 100, 100, 100],
    ];
    const m = matrix({ A: bars(rows, 1000) });
    const r = simulate({
      matrix: m,
      signals: signals(m, { 0: { A: [0.05, 0.9] } }),
      config: cfg({
        costs: { ...ZERO_COSTS, spreadBps: 3, impactCoeffBps: 25, maxParticipation: 0.02, minFillRatio: 0.2 },
        sizing: { method: 'fixed', fraction: 0.5 },
      }),
    });
    const t = r.trades;
    expect(t.fillRatio[0]).toBeCloseTo(0.4, 12);
    cents(t.entryNotional[0], 2000);
    const bps = 1.5 + 25 * Math.sqrt(0.02);
    expect(t.entryPrice[0]).toBeCloseTo(100 * (1 + bps / 1e4), 12);
    expect(t.entryCostBps[0]).toBeCloseTo(bps, 12);
  });
  it('rejects an entry below the minimum fill ratio', () => {
    const rows: Array<[number, number, number, number]> = [
      [100, 100, 100, 100],
      [100, 100, 100, 100],
    ];
    const m = matrix({ A: bars(rows, 100) }); // ADV$ 10 000 → cap 200 of 5 000 wanted = 4 %
    const r = simulate({
      matrix: m,
      signals: signals(m, { 0: { A: [0.05, 0.9] } }),
      config: cfg({ costs: { ...ZERO_COSTS, maxParticipation: 0.02, minFillRatio: 0.2 }, sizing: { method: 'fixed', fraction: 0.5 } }),
    });
    expect(r.trades.n).toBe(0);
    expect(r.counters.rejectedMinFill).toBe(1);
  });
});

describe('max positions and ranking', () => {
  it('enters only the top-scoring candidates for the free slots', () => {
    const flat: Array<[number, number, number, number]> = [
      [10, 10, 10, 10],
      [10, 10, 10, 10],
      [10, 10, 10, 10],
    ];
    const m = matrix({ A: bars(flat), B: bars(flat), C: bars(flat) });
    const r = simulate({
      matrix: m,
      // scores: A 0.02·1.4 = 0.028, B 0.03·1.1 = 0.033, C 0.025·1.2 = 0.030 → B, C
      signals: signals(m, { 0: { A: [0.02, 0.9], B: [0.03, 0.6], C: [0.025, 0.7] } }),
      config: cfg({ costs: ZERO_COSTS }),
    });
    expect(Array.from(r.trades.ticker, (i) => m.tickers[i])).toEqual(['B', 'C']);
    expect(r.counters.skippedNoSlot).toBe(1);
  });
});

describe('edge-after-cost gate (spec §1.1)', () => {
  it('skips a prediction whose edge does not beat the round-trip cost + buffer, without using its slot', () => {
    const flat: Array<[number, number, number, number]> = [
      [10, 10, 10, 10],
      [10, 10, 10, 10],
      [10, 10, 10, 10],
    ];
    const m = matrix({ A: bars(flat), B: bars(flat) });
    // static costs: 20 bps spread, no impact → round trip 2·10 = 20 bps; buffer 5 → needs > 25 bps.
    // A predicts 24 bps (score 0.0024·1.4, the higher rank) → gated; B predicts 26 bps → enters,
    // even though only one slot is free
    const r = simulate({
      matrix: m,
      signals: signals(m, { 0: { A: [0.0024, 0.9], B: [0.0026, 0.6] } }),
      config: cfg({ entryThreshold: 0, maxPositions: 1, costs: { ...ZERO_COSTS, spreadBps: 20 }, edgeGate: { bufferBps: 5 } }),
    });
    expect(Array.from(r.trades.ticker, (i) => m.tickers[i])).toEqual(['B']);
    expect(r.counters.skippedEdgeGate).toBe(1);
    expect(r.counters.skippedNoSlot).toBe(0);
  });
});
