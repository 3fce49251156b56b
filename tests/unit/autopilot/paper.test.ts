import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ActiveStrategy,
  type LatestPredictions,
  type PaperState,
  healthSizeMultiplier,
  initialPaperState,
  paperCycle,
  paperEquityCurve,
} from '../../../src/engine/autopilot';
import type { PriceMatrix } from '../../../src/engine/backtest/matrix';
import { Prng } from '../../../src/engine/core/prng';
import { isoFromDay } from '../../../src/engine/risk/dates';
import { candidate, passingMetrics } from './fixtures';

const DAY0 = 19000;

/** Random-walk OHLCV, `cols` tickers × `rows` days (every day traded). */
function market(seed: number, rows: number, cols: number, vol: number): PriceMatrix {
  const rng = new Prng(seed);
  const n = rows * cols;
  const m: PriceMatrix = {
    tickers: Array.from({ length: cols }, (_, i) => `T${i}`),
    days: Int32Array.from({ length: rows }, (_, t) => DAY0 + t),
    rows,
    cols,
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
  for (let i = 0; i < cols; i++) {
    let c = 50 + 10 * i;
    for (let t = 0; t < rows; t++) {
      const k = t * cols + i;
      const o = c * (1 + 0.3 * vol * rng.normal());
      c = Math.max(1, o * (1 + vol * rng.normal()));
      m.open[k] = o;
      m.close[k] = c;
      m.high[k] = Math.max(o, c) * (1 + 0.2 * vol * Math.abs(rng.normal()));
      m.low[k] = Math.min(o, c) * (1 - 0.2 * vol * Math.abs(rng.normal()));
      m.volume[k] = 1e5 + 1e6 * rng.next();
    }
  }
  return m;
}

function strategy(id: string, entry: number, conf: number, size: number, horizon: number): ActiveStrategy {
  return {
    strategy_id: id,
    promoted_at: 't',
    params: { ...candidate(id), entry_threshold: entry, confidence_threshold: conf, position_size_pct: size, horizon },
    score: 1,
    metrics: passingMetrics(),
    status: 'active',
    consecutive_failures: 0,
  };
}

function latestAt(m: PriceMatrix, row: number, rng: Prng, bias: number): LatestPredictions {
  return {
    tickers: [...m.tickers],
    dates: m.tickers.map(() => isoFromDay(m.days[row])),
    predicted: Float64Array.from(m.tickers, () => bias + 0.02 * rng.normal()),
    confidence: Float64Array.from(m.tickers, () => rng.next()),
    regime: Int32Array.from(m.tickers, () => rng.int(4)),
  };
}

function checkState(s: PaperState, m: PriceMatrix, asOf: string, equity: number, maxPositions: number): void {
  let value = 0;
  for (const p of s.positions) value += p.shares * p.last_price;
  expect(Math.abs(s.cash + value - equity)).toBeLessThan(1e-6 * Math.max(1, equity));
  expect(s.cash).toBeGreaterThanOrEqual(-1e-6);
  expect(s.positions.length).toBeLessThanOrEqual(maxPositions);
  expect(new Set(s.positions.map((p) => p.ticker)).size).toBe(s.positions.length);
  const pnl = s.trades.reduce((a, t) => a + t.pnl, 0);
  expect(Math.abs(s.realized_pnl - pnl)).toBeLessThan(1e-6 * s.initial_capital);
  for (const x of [...s.positions, ...s.trades]) {
    // no trade before its signal, none after the as-of date
    expect(x.entry_date >= x.signal_date).toBe(true);
    expect(x.entry_date <= asOf).toBe(true);
  }
  for (const t of s.trades) expect(t.exit_date >= t.entry_date).toBe(true);
  // the curve derived from trades + closes agrees with the state at the as-of close
  const curve = paperEquityCurve(s, m);
  expect(isoFromDay(curve.days[curve.days.length - 1])).toBe(asOf);
  expect(Math.abs(curve.equity[curve.equity.length - 1] - equity)).toBeLessThan(1e-6 * Math.max(1, equity));
  for (let j = 0; j < curve.equity.length; j++) {
    expect(Math.abs(curve.cash[j] + curve.positionsValue[j] - curve.equity[j])).toBeLessThan(1e-6 * curve.equity[j]);
  }
}

describe('paper trader', () => {
  it('property: cash + positions value = equity at every step, no trade before its signal, invariants hold', () => {
    const seen = { entries: 0, exits: new Set<string>() };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1e6 }),
        fc.integer({ min: 3, max: 8 }),
        fc.double({ min: 0.005, max: 0.06, noNaN: true }),
        fc.double({ min: -0.005, max: 0.02, noNaN: true }),
        fc.integer({ min: 2, max: 6 }),
        fc.constantFrom(1e5, 1e6, 3e7),
        (seed, cols, vol, bias, maxPos, capital) => {
          const m = market(seed, 100, cols, vol);
          const rng = new Prng(seed ^ 0x5bd1);
          const active = [strategy('s1', 0.004, 0.3, 0.08, 5), strategy('s2', 0.0, 0.5, 0.05, 3)];
          let s = initialPaperState(capital);
          for (let row = 30; row < 100; row += 1 + rng.int(3)) {
            const asOf = isoFromDay(m.days[row]);
            const before = JSON.stringify(s);
            const r = paperCycle(s, { active, latest: latestAt(m, row, rng, bias), prices: m, as_of: asOf, config: { max_positions: maxPos } });
            expect(JSON.stringify(s)).toBe(before); // pure: input state untouched
            expect(r.result.as_of).toBe(asOf);
            s = r.state;
            checkState(s, m, asOf, r.result.equity, maxPos);
            for (const e of r.result.entries) expect(s.positions.find((p) => p.ticker === e.ticker)?.signal_date).toBe(asOf);
            seen.entries += r.result.entries.length;
            for (const x of r.result.exits) seen.exits.add(x.reason);
          }
        },
      ),
      { numRuns: 15 },
    );
    // the runs exercised trading, not just empty books
    expect(seen.entries).toBeGreaterThan(50);
    expect(seen.exits.has('signal_decay')).toBe(true);
    expect(seen.exits.size).toBeGreaterThanOrEqual(3);
  });

  it('ignores predictions dated after the as-of date and stale ones; enters the best first with costs', () => {
    const m = market(3, 60, 4, 0.01);
    const row = 40;
    const asOf = isoFromDay(m.days[row]);
    const latest: LatestPredictions = {
      tickers: ['T0', 'T1', 'T2', 'T3'],
      dates: [asOf, isoFromDay(m.days[row + 1]), isoFromDay(m.days[row - 1]), asOf],
      predicted: Float64Array.from([0.01, 0.05, 0.05, 0.02]),
      confidence: Float64Array.from([0.9, 0.9, 0.9, 0.9]),
      regime: Int32Array.from([0, 0, 0, 0]),
    };
    const r = paperCycle(initialPaperState(), { active: [strategy('s', 0.005, 0.6, 0.05, 10)], latest, prices: m, as_of: asOf });
    expect(r.result.entries.map((e) => e.ticker)).toEqual(['T3', 'T0']);
    for (const p of r.state.positions) {
      const close = m.close[row * m.cols + Number(p.ticker.slice(1))];
      expect(p.entry_price).toBeGreaterThan(close); // buy fill includes half spread + impact
      expect(p.entry_cost).toBeGreaterThan(0);
      expect(p.entry_cash).toBeCloseTo(0.05 * 0.9 * 1e6, 0); // size × confidence × equity
    }
    expect(r.result.equity).toBeLessThan(1e6); // costs paid
  });

  it('health gate: entries scale by the spec knots of the latest health score; a score near 0 blocks them', () => {
    expect(healthSizeMultiplier(null)).toBe(1);
    expect(healthSizeMultiplier(0)).toBe(0.05);
    expect(healthSizeMultiplier(30)).toBeCloseTo(0.35, 12); // between 0.2→0.20 and 0.4→0.50
    expect(healthSizeMultiplier(70)).toBeCloseTo(0.875, 12);
    expect(healthSizeMultiplier(100)).toBe(1);
    expect(healthSizeMultiplier(150)).toBe(1);
    const m = market(3, 60, 4, 0.01);
    const asOf = isoFromDay(m.days[40]);
    const latest: LatestPredictions = {
      tickers: ['T0', 'T1', 'T2', 'T3'],
      dates: [asOf, asOf, asOf, asOf],
      predicted: Float64Array.from([0.01, 0.02, 0.03, 0.04]),
      confidence: Float64Array.from([0.9, 0.9, 0.9, 0.9]),
      regime: Int32Array.from([0, 0, 0, 0]),
    };
    const run = (health_score: number | null) =>
      paperCycle(initialPaperState(), { active: [strategy('s', 0.005, 0.6, 0.05, 10)], latest, prices: m, as_of: asOf, config: { health_score } });
    const full = run(null);
    const scaled = run(70);
    expect(full.result.health_multiplier).toBe(1);
    expect(scaled.result.health_multiplier).toBeCloseTo(0.875, 12);
    expect(scaled.result.entries.map((e) => e.ticker)).toEqual(full.result.entries.map((e) => e.ticker));
    for (const p of scaled.state.positions) expect(p.entry_cash).toBeCloseTo(0.05 * 0.9 * 0.875 * 1e6, 0);
    const blocked = run(5);
    expect(blocked.result.entries).toHaveLength(0);
    expect(blocked.result.skipped.every((x) => x.includes('health gate'))).toBe(true);
  });

  it('exits on signal decay and on time, with realized P&L = proceeds − cash paid', () => {
    const m = market(11, 80, 3, 0.004);
    const active = [strategy('s', 0.005, 0.6, 0.05, 2)];
    const at = (row: number, p: number): LatestPredictions => ({
      tickers: ['T0'],
      dates: [isoFromDay(m.days[row])],
      predicted: Float64Array.from([p]),
      confidence: Float64Array.from([0.9]),
      regime: Int32Array.from([0]),
    });
    let s = paperCycle(initialPaperState(), { active, latest: at(30, 0.02), prices: m, as_of: isoFromDay(m.days[30]) }).state;
    expect(s.positions).toHaveLength(1);
    const decayed = paperCycle(s, { active: [], latest: at(31, 0.001), prices: m, as_of: isoFromDay(m.days[31]) });
    expect(decayed.result.exits.map((e) => e.reason)).toEqual(['signal_decay']);
    const t = decayed.state.trades[0];
    expect(t.pnl).toBeCloseTo(t.exit_proceeds - t.entry_cash, 8);
    expect(decayed.state.realized_pnl).toBeCloseTo(t.pnl, 8);
    expect(t.exit_price).toBeLessThan(t.exit_reference);
    s = paperCycle(s, { active: [], latest: at(31, 0.02), prices: m, as_of: isoFromDay(m.days[31]) }).state;
    expect(s.positions).toHaveLength(1);
    const timed = paperCycle(s, { active: [], latest: at(32, 0.02), prices: m, as_of: isoFromDay(m.days[32]) });
    expect(timed.result.exits.map((e) => e.reason)).toEqual(['time_exit']);
    expect(timed.state.positions).toHaveLength(0);
  });

  it('regime trade policy: mean-reverting (2) only from confidence 0.70, high-vol (3) needs 0.60', () => {
    const m = market(8, 60, 4, 0.01);
    const row = 40;
    const asOf = isoFromDay(m.days[row]);
    const latest: LatestPredictions = {
      tickers: ['T0', 'T1', 'T2', 'T3'],
      dates: [asOf, asOf, asOf, asOf],
      predicted: Float64Array.from([0.02, 0.02, 0.02, 0.02]),
      confidence: Float64Array.from([0.65, 0.75, 0.55, 0.62]),
      regime: Int32Array.from([2, 2, 3, 3]),
    };
    const r = paperCycle(initialPaperState(), { active: [strategy('s', 0.005, 0.5, 0.05, 10)], latest, prices: m, as_of: asOf });
    expect(r.result.entries.map((e) => e.ticker).sort()).toEqual(['T1', 'T3']);
    expect(r.result.skipped.filter((x) => x.includes('policy'))).toHaveLength(2);
  });

  it('a repeated as-of date only marks; initial capital is configurable and validated', () => {
    const m = market(5, 50, 3, 0.01);
    const asOf = isoFromDay(m.days[45]);
    const s0 = initialPaperState(250_000);
    const a = paperCycle(s0, { active: [], latest: latestAt(m, 45, new Prng(1), 0), prices: m, as_of: asOf });
    const b = paperCycle(a.state, { active: [strategy('s', 0, 0, 0.05, 5)], latest: latestAt(m, 45, new Prng(2), 0.05), prices: m, as_of: asOf });
    expect(b.result.entries).toHaveLength(0);
    expect(b.result.skipped[0]).toMatch(/not after the last update/);
    expect(b.result.equity).toBe(250_000);
    expect(() => initialPaperState(0)).toThrow(/positive/);
  });
});
