/**
 * The risk building blocks the simulator uses — drawdown controller (spec §4.2), position
 * sizing (§4.1), stop rules (§4.3), execution costs (§2.1), split adjustment — checked on
 * hand-computed cases and the spec's invariants.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeBarStats } from '../../../src/engine/backtest/bar-stats';
import { DEFAULT_COSTS, estimateRoundTripBps, newFillQuote, quoteEntry, quoteExit } from '../../../src/engine/backtest/execution';
import { adjustSuspectedSplits } from '../../../src/engine/backtest/splits';
import { DEFAULT_DRAWDOWN_CONTROL, DrawdownController } from '../../../src/engine/risk/drawdown-control';
import { RunningWinStats, atrFraction, drawdownGovernor, kellyFraction, sizePosition, uncertaintyGate, volTargetFraction } from '../../../src/engine/risk/sizing';
import { STOP_HIT, STOP_NONE, TARGET_HIT, checkBarStop, evaluateSpecStop, initialStop } from '../../../src/engine/risk/stops';
import { realBars } from './helpers';
import { bars, matrix } from './toy';

describe('drawdown controller', () => {
  it('walks NORMAL → WARNING → CAUTION → CRITICAL on a scripted pnl path and, without rebasing, stays halted', () => {
    const c = new DrawdownController({ ...DEFAULT_DRAWDOWN_CONTROL, rebaseOnCritical: false });
    const states: string[] = [];
    const step = (pnl: number) => {
      c.update(pnl);
      states.push(c.state);
    };
    step(0.01); // equity 1.01 (peak)
    step(-0.025); // 0.98475: dd −2.5 % → NORMAL
    step(-0.029); // 0.95621: dd −5.3 % → WARNING (5-day sum −4.4 % is above −5 %)
    expect(c.sizeMultiplier).toBe(0.5);
    expect(c.allowNewEntries).toBe(true);
    step(-0.02); // dd −7.2 % would be WARNING, but the 5-day sum −6.4 % → CAUTION wins
    expect(states).toEqual(['NORMAL', 'NORMAL', 'WARNING', 'CAUTION']);
    expect(c.allowNewEntries).toBe(false);
    expect(c.sizeMultiplier).toBe(0.25);
    step(-0.1); // dd −16.5 % → CRITICAL
    expect(c.state).toBe('CRITICAL');
    expect([c.forceLiquidate, c.allowNewEntries, c.sizeMultiplier]).toEqual([true, false, 0]);
    // without rebasing, a flat book stays below −15 %: CRITICAL for ever (the spec's behaviour)
    for (let k = 0; k < 20; k++) step(0);
    expect(c.state).toBe('CRITICAL');
    expect(c.circuitBreakers).toBe(1);
  });
  it('with rebasing (default) a flat book recovers: RECOVERY ramps size 0.25 + 0.75·p² and re-enables entries at p ≥ 0.3', () => {
    const c = new DrawdownController();
    c.update(-0.2); // −20 %: CRITICAL (daily < −15 % also), peak rebased
    expect(c.state).toBe('CRITICAL');
    const seen: Array<[string, number, boolean]> = [];
    for (let k = 0; k < 16; k++) {
      c.update(0);
      seen.push([c.state, c.sizeMultiplier, c.allowNewEntries]);
    }
    // the −20 % day keeps the 5-day sum below −5 % for 4 more days (CAUTION), then RECOVERY
    expect(seen.slice(0, 4).map((s) => s[0])).toEqual(['CAUTION', 'CAUTION', 'CAUTION', 'CAUTION']);
    expect(seen[4]).toEqual(['RECOVERY', 0.25, false]);
    expect(seen[6][1]).toBeCloseTo(0.25 + 0.75 * 0.04, 15);
    expect(seen[7]).toEqual(['RECOVERY', 0.25 + 0.75 * 0.09, true]);
    // monotone non-decreasing size through RECOVERY, NORMAL after 10 days
    for (let k = 5; k < 13; k++) expect(seen[k][1]).toBeGreaterThanOrEqual(seen[k - 1][1]);
    expect(seen[14][0]).toBe('NORMAL');
  });
  it('invariants hold on random pnl paths', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.08, max: 0.06, noNaN: true }), { minLength: 1, maxLength: 200 }), (pnls) => {
        const c = new DrawdownController();
        for (const p of pnls) {
          c.update(p);
          expect(c.drawdown).toBeLessThanOrEqual(0);
          if (c.state === 'CRITICAL') expect([c.forceLiquidate, c.allowNewEntries, c.sizeMultiplier]).toEqual([true, false, 0]);
          if (c.state === 'CAUTION') expect(c.allowNewEntries).toBe(false);
          if (c.state === 'RECOVERY') {
            expect(c.sizeMultiplier).toBeGreaterThanOrEqual(0.25);
            expect(c.sizeMultiplier).toBeLessThanOrEqual(1);
          }
          // the worst trigger wins: a −3 %+ day can never leave the controller in NORMAL/WARNING
          if (p < -0.03) expect(['CAUTION', 'CRITICAL']).toContain(c.state);
        }
      }),
    );
  });
});

describe('position sizing', () => {
  it('Kelly: f = (p·b − (1 − p))/b, small-sample penalty, cap; 0 for no edge or invalid input', () => {
    // p 0.55, win 3 %, loss −2 % → b = 1.5, f = (0.825 − 0.45)/1.5 = 0.25 → capped at 0.1
    expect(kellyFraction({ winRate: 0.55, avgWin: 0.03, avgLoss: -0.02 }, 1)).toBeCloseTo(0.25, 15);
    expect(kellyFraction({ winRate: 0.55, avgWin: 0.03, avgLoss: -0.02 })).toBe(0.1);
    expect(kellyFraction({ winRate: 0.55, avgWin: 0.03, avgLoss: -0.02, nTrades: 25 }, 1)).toBeCloseTo(0.125, 15);
    expect(kellyFraction({ winRate: 0.4, avgWin: 0.02, avgLoss: -0.02 })).toBe(0);
    expect(kellyFraction({ winRate: 0.6, avgWin: 0.02, avgLoss: 0 })).toBe(0);
    expect(kellyFraction({ winRate: 1, avgWin: 0.02, avgLoss: -0.01 })).toBe(0);
  });
  it('drawdown governor exp(−2·ratio²), 0 at the limit; uncertainty gate piecewise', () => {
    expect(drawdownGovernor(0.1, -0.1, 0.2)).toBeCloseTo(0.1 * Math.exp(-0.5), 15);
    expect(drawdownGovernor(0.1, -0.2, 0.2)).toBe(0);
    expect(drawdownGovernor(0.1, 0.05, 0.2)).toBe(0.1);
    expect([uncertaintyGate(0), uncertaintyGate(0.5), uncertaintyGate(1)]).toEqual([1, 0.95, 0.85]);
    expect(uncertaintyGate(0.25)).toBeCloseTo(0.975, 15);
  });
  it('vol target and ATR budgets clip to [min, max]', () => {
    // 0.15/(0.25·√(10/252)·√20) = 0.6733 → clipped to 0.10
    expect(volTargetFraction(0.15, 0.25, 10, 20, { min: 0.01, max: 0.1 })).toBe(0.1);
    expect(volTargetFraction(0.15, 0.6, 252, 20, { min: 0.01, max: 0.1 })).toBeCloseTo(0.15 / (0.6 * Math.sqrt(20)), 15);
    expect(volTargetFraction(0.15, Number.NaN, 10, 20, { min: 0.01, max: 0.1 })).toBe(0.01);
    // 0.02/(2·3/100) = 0.3333 → 0.1; tiny: 0.02/(2·30/100) = 0.0333
    expect(atrFraction(0.02, 2, 3, 100, { min: 0.01, max: 0.1 })).toBe(0.1);
    expect(atrFraction(0.02, 2, 30, 100, { min: 0.01, max: 0.1 })).toBeCloseTo(0.02 / 0.6, 15);
  });
  it('composite size stays in [min, maxAllowed] and shrinks with open positions (spec invariant)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.3, max: 0.7, noNaN: true }),
        fc.double({ min: 0.005, max: 0.08, noNaN: true }),
        fc.double({ min: -0.08, max: -0.005, noNaN: true }),
        fc.double({ min: 0.05, max: 0.8, noNaN: true }),
        fc.integer({ min: 0, max: 19 }),
        fc.double({ min: -0.3, max: 0, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, w, l, sigma, nCurrent, dd, conf) => {
          const s = sizePosition({
            stats: { winRate: p, avgWin: w, avgLoss: l },
            sigmaAnn: sigma,
            atr: 2,
            price: 100,
            holdingDays: 10,
            maxPositions: 20,
            drawdown: dd,
            confidence: conf,
            nCurrent,
          });
          expect(s.finalSize).toBeGreaterThanOrEqual(0.01);
          expect(s.finalSize).toBeLessThanOrEqual(s.maxAllowed + 1e-15);
          expect(s.maxAllowed).toBeLessThanOrEqual(0.1);
        },
      ),
    );
  });
  it('running win statistics', () => {
    const w = new RunningWinStats();
    for (const r of [0.02, -0.01, 0.04, 0, Number.NaN]) w.add(r);
    expect([w.nTrades, w.winRate, w.avgWin, w.avgLoss]).toEqual([4, 0.5, 0.03, -0.005]);
  });
});

describe('stop rules', () => {
  const out = { price: 0 };
  it('bar check: gap at the open first, then the stop before the target inside the bar', () => {
    expect(checkBarStop(90, 95, 88, 94, 95, 110, 'conservative', out)).toBe(STOP_HIT);
    expect(out.price).toBe(90);
    expect(checkBarStop(112, 115, 111, 113, 95, 110, 'conservative', out)).toBe(TARGET_HIT);
    expect(out.price).toBe(112);
    expect(checkBarStop(100, 111, 94, 105, 95, 110, 'conservative', out)).toBe(STOP_HIT);
    expect(out.price).toBe(95);
    expect(checkBarStop(100, 111, 96, 105, 95, 110, 'conservative', out)).toBe(TARGET_HIT);
    expect(out.price).toBe(110);
    expect(checkBarStop(100, 105, 96, 101, 95, 110, 'conservative', out)).toBe(STOP_NONE);
    expect(checkBarStop(100, 111, 90, 101, 95, 110, 'close_only', out)).toBe(STOP_NONE);
  });
  it('spec evaluate: order hard → ATR → trailing → time → regime, with the spread buffer', () => {
    const base = { entry: 100, highest: 100, atr: 2, barsHeld: 1, entryRegime: 0, currentRegime: 0 };
    // buffer = 100·3e-4·0.5 = 0.015: hard level 91.985, ATR level 100 − 4 − 0.015 = 95.985
    expect(evaluateSpecStop({ ...base, current: 91.98 }).reason).toBe('hard_stop');
    expect(evaluateSpecStop({ ...base, current: 91.99 }).reason).toBe('atr_stop');
    expect(evaluateSpecStop({ ...base, current: 95.98 }).reason).toBe('atr_stop');
    expect(evaluateSpecStop({ ...base, current: 95.99 }).exit).toBe(false);
    // trailing only from +2 %: highest 110, level 110 − 3 − 0.015 = 106.985
    expect(evaluateSpecStop({ ...base, highest: 110, current: 106.98 }).reason).toBe('trailing_stop');
    expect(evaluateSpecStop({ ...base, highest: 110, current: 101.5 }).exit).toBe(false);
    expect(evaluateSpecStop({ ...base, current: 100, barsHeld: 30 }).reason).toBe('time_stop');
    expect(evaluateSpecStop({ ...base, current: 100, currentRegime: 1 }).reason).toBe('regime_change');
    // regime 3 widens the ATR stop by 1.5: level 100 − 6 − 0.015
    expect(evaluateSpecStop({ ...base, current: 95, entryRegime: 3, currentRegime: 3 }).exit).toBe(false);
    const s = evaluateSpecStop({ ...base, side: 'short', current: 104.5 });
    expect(s.reason).toBe('atr_stop');
    expect(initialStop(100, 2)).toEqual({ stop: 96, riskPerShare: 4 });
  });
});

describe('execution costs', () => {
  it('dynamic stress and liquidity scalars multiply spread and impact', () => {
    // ADV$ 1e6 → liq = clip(√25, 0.7, 3) = 3; σ 0.4 → stress 2; participation 0.01
    const q = quoteEntry(DEFAULT_COSTS, 50, 10_000, 1e9, 1e6, 0.4, newFillQuote());
    expect(q.spreadBps).toBeCloseTo(3 * 2 * 3, 12);
    expect(q.impactBps).toBeCloseTo(25 * 2 * 3 * Math.sqrt(0.01), 12);
    expect(q.price).toBeCloseTo(50 * (1 + (9 + 15) / 1e4), 12);
    const x = quoteExit(DEFAULT_COSTS, 50, 200, 1e6, 0.4, newFillQuote());
    expect(x.price).toBeCloseTo(50 * (1 - (9 + 15) / 1e4), 12);
    expect(estimateRoundTripBps(DEFAULT_COSTS, 10_000, 1e6, 0.4)).toBeCloseTo(48, 12);
  });
  it('round-trip cost estimate never decreases with notional (spec invariant)', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 1e7, noNaN: true }), fc.double({ min: 1, max: 1e7, noNaN: true }), fc.double({ min: 1e4, max: 1e10, noNaN: true }), (a, b, adv) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(estimateRoundTripBps(DEFAULT_COSTS, hi, adv, 0.3)).toBeGreaterThanOrEqual(estimateRoundTripBps(DEFAULT_COSTS, lo, adv, 0.3));
      }),
    );
  });
});

describe('causal bar statistics', () => {
  it('ADV$ and realised vol use only bars at or before the row; carried over gaps', () => {
    const m = matrix({
      A: bars(
        Array.from({ length: 8 }, (_, t) => [10 + t, 10 + t, 10 + t, 10 + t] as [number, number, number, number]),
        100,
      ),
    });
    const s = computeBarStats(m, 3, true);
    // row 4: closes 12, 13, 14 × volume 100 → 1 300
    expect(s.advDollar[4]).toBeCloseTo(1300, 12);
    expect(s.sigma[4]).toBeNaN(); // only 4 returns
    const r = [11 / 10 - 1, 12 / 11 - 1, 13 / 12 - 1, 14 / 13 - 1, 15 / 14 - 1];
    // row 5 with window 3: the last 3 returns (13/12, 14/13, 15/14)… but at least 5 are required
    expect(s.sigma[5]).toBeNaN();
    const s20 = computeBarStats(m, 20, false);
    const mu = r.reduce((a, b) => a + b, 0) / 5;
    const sd = Math.sqrt(r.reduce((a, b) => a + (b - mu) ** 2, 0) / 4) * Math.sqrt(252);
    expect(s20.sigma[5]).toBeCloseTo(sd, 12);
    expect(s.atr![0]).toBe(0);
  });
});

describe('split adjustment', () => {
  it('back-adjusts AAPL’s 7:1 (2014) and 4:1 (2020) splits; genuine moves are left alone', () => {
    const raw = realBars('AAPL');
    const a = adjustSuspectedSplits(raw);
    expect(a.adjustments.map((s) => [s.date, s.ratio])).toEqual([
      ['2014-06-09', 7],
      ['2020-08-31', 4],
    ]);
    expect(a.ignored).toEqual([]);
    const j = Array.from(raw.ts).findIndex((t) => new Date(t).toISOString().startsWith('2014-06-09'));
    // the split day's adjusted return is an ordinary one
    expect(Math.abs(a.bars.close[j] / a.bars.close[j - 1] - 1)).toBeLessThan(0.05);
    // prices before 2014 are divided by 28, volumes multiplied by 28; the input is untouched
    expect(a.bars.close[0]).toBeCloseTo(raw.close[0] / 28, 12);
    expect(a.bars.volume[0]).toBeCloseTo(raw.volume[0] * 28, 6);
    expect(a.bars.close[raw.close.length - 1]).toBe(raw.close[raw.close.length - 1]);
    expect(raw.close[j] / raw.close[j - 1] - 1).toBeLessThan(-0.8);
  });
  it('reads a 5:1 split on a +12 % day as 5 (TSLA 2020), not 4', () => {
    const a = adjustSuspectedSplits(realBars('TSLA'));
    expect(a.adjustments.find((s) => s.date === '2020-08-31')?.ratio).toBe(5);
  });
});
