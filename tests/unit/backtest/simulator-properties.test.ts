/**
 * Simulator properties on random markets (fast-check): causality (no look-ahead),
 * determinism, fills strictly after signals, accounting identities, zero-signal runs and
 * "costs only ever lower returns".
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SimulatorConfig, type SimulatorOverrides, resolveConfig } from '../../../src/engine/backtest/config';
import { DEFAULT_COSTS, ZERO_COSTS } from '../../../src/engine/backtest/execution';
import { emptySignals } from '../../../src/engine/backtest/signals';
import { type SimulationResult, simulate } from '../../../src/engine/backtest/simulator';
import { DEFAULT_DRAWDOWN_CONTROL } from '../../../src/engine/risk/drawdown-control';
import { DEFAULT_SIZER } from '../../../src/engine/risk/sizing';
import { perturbAfter, randomMarket, randomSignals } from './random-market';

const marketArb = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  tickers: fc.integer({ min: 1, max: 4 }),
  rows: fc.integer({ min: 15, max: 60 }),
  gapRate: fc.constantFrom(0, 0, 0.1),
});

const configArb: fc.Arbitrary<SimulatorOverrides> = fc.record({
  initialCapital: fc.constantFrom(10_000, 1e6),
  entryThreshold: fc.constantFrom(0, 0.005, 0.01),
  confidenceThreshold: fc.constantFrom(0, 0.3, 0.6),
  maxPositions: fc.integer({ min: 1, max: 4 }),
  holdingDays: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
  exitThreshold: fc.constantFrom(null, 0),
  fill: fc.constantFrom('open' as const, 'close' as const),
  sizing: fc.oneof(
    fc.record({ method: fc.constant('fixed' as const), fraction: fc.double({ min: 0.05, max: 0.9, noNaN: true }) }),
    fc.constant({ method: 'vol_target' as const, targetVol: 0.15, min: 0.02, max: 0.5, horizonDays: null }),
    fc.constant({ method: 'kelly' as const, kellyFraction: 0.5, max: 0.5, minTrades: 3, fallbackFraction: 0.2 }),
    fc.constant({ method: 'composite' as const, sizer: DEFAULT_SIZER }),
  ),
  costs: fc.constantFrom(ZERO_COSTS, DEFAULT_COSTS, { ...DEFAULT_COSTS, commissionBps: 5, maxParticipation: 0.05 }),
  stops: fc.record({
    stopLoss: fc.constantFrom(null, 0.03),
    takeProfit: fc.constantFrom(null, 0.05),
    trailingStop: fc.constantFrom(null, 0.04),
    trailingActivation: fc.constantFrom(0, 0.02),
    atrStop: fc.constantFrom(null, 2),
    barModel: fc.constantFrom('conservative' as const, 'close_only' as const),
  }),
  drawdownControl: fc.constantFrom(null, { ...DEFAULT_DRAWDOWN_CONTROL, warning: -0.02, caution: -0.04, critical: -0.06 }),
  regimePolicy: fc.constantFrom(null, { 2: { enabled: false, minConfidence: 0.7 }, 3: { enabled: true, minConfidence: 0.6 } }),
  edgeGate: fc.constantFrom(null, { bufferBps: 5 }, { bufferBps: 100 }),
  recordWeights: fc.boolean(),
  chunkBars: fc.constant(250),
});

function sameBits(a: ArrayLike<number>, b: ArrayLike<number>, upTo: number, what: string): void {
  for (let k = 0; k <= upTo; k++) {
    if (!Object.is(a[k], b[k])) throw new Error(`${what}[${k}] differs: ${a[k]} vs ${b[k]}`);
  }
}

const ENTRY_FIELDS = ['ticker', 'signalBar', 'entryBar', 'entryRef', 'entryPrice', 'shares', 'entryNotional', 'entryCommission', 'size', 'predicted', 'confidence', 'regime'] as const;
const EXIT_FIELDS = ['exitBar', 'exitRef', 'exitPrice', 'exitNotional', 'netReturn', 'pnl', 'holdingDays', 'exitReason'] as const;

describe('no look-ahead', () => {
  it('changing prices and predictions after bar t never changes fills, trades or equity up to t', () => {
    fc.assert(
      fc.property(marketArb, configArb, fc.integer({ min: 0, max: 1000 }), fc.boolean(), (spec, over, tPick, regimes) => {
        const m = randomMarket(spec);
        const s = randomSignals(m, spec.seed, regimes);
        const config = resolveConfig(over);
        const t = tPick % m.rows;
        const p = perturbAfter(m, s, t, spec.seed + tPick);
        const a = simulate({ matrix: m, signals: s, config });
        const b = simulate({ matrix: p.m, signals: p.s, config });
        sameBits(a.equity, b.equity, t, 'equity');
        sameBits(a.cash, b.cash, t, 'cash');
        sameBits(a.openPositions, b.openPositions, t, 'openPositions');
        const entered = (r: SimulationResult) => Array.from(r.trades.entryBar).filter((e) => e <= t).length;
        const ne = entered(a);
        expect(entered(b)).toBe(ne);
        for (let i = 0; i < ne; i++) {
          for (const f of ENTRY_FIELDS) expect(Object.is(a.trades[f][i], b.trades[f][i]), `trade ${i} ${f}`).toBe(true);
          if (a.trades.exitBar[i] <= t) {
            for (const f of EXIT_FIELDS) expect(Object.is(a.trades[f][i], b.trades[f][i]), `trade ${i} ${f}`).toBe(true);
          } else {
            expect(b.trades.exitBar[i]).toBeGreaterThan(t);
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('decisions at a close use nothing after it', () => {
  it('orders decided at the close of t do not change when predictions after t and prices after t + 1 change', () => {
    fc.assert(
      fc.property(marketArb, configArb, fc.integer({ min: 0, max: 1000 }), fc.boolean(), (spec, over, tPick, regimes) => {
        const m = randomMarket(spec);
        const s = randomSignals(m, spec.seed, regimes);
        const config = resolveConfig(over);
        const t = tPick % (m.rows - 1);
        // the fill bar t + 1 keeps its prices; predictions from t + 1 on are redrawn
        const p = perturbAfter(m, s, t + 1, spec.seed + tPick, t);
        const a = simulate({ matrix: m, signals: s, config });
        const b = simulate({ matrix: p.m, signals: p.s, config });
        sameBits(a.equity, b.equity, t + 1, 'equity');
        const decided = (r: SimulationResult) => Array.from(r.trades.signalBar).filter((e) => e <= t).length;
        const nd = decided(a);
        expect(decided(b)).toBe(nd);
        for (let i = 0; i < nd; i++) {
          for (const f of ENTRY_FIELDS) expect(Object.is(a.trades[f][i], b.trades[f][i]), `trade ${i} ${f}`).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('fills, accounting and limits', () => {
  it('fills follow their signals, cash + positions = equity, limits hold, runs are deterministic', () => {
    fc.assert(
      fc.property(marketArb, configArb, (spec, over) => {
        const m = randomMarket(spec);
        const s = randomSignals(m, spec.seed, true);
        const config = resolveConfig(over);
        const r = simulate({ matrix: m, signals: s, config });
        const tr = r.trades;
        const N = m.cols;
        // every fill strictly after its signal (the very next bar), exits never before entries
        const lastOpen = new Int32Array(N).fill(-1);
        for (let i = 0; i < tr.n; i++) {
          expect(tr.entryBar[i]).toBe(tr.signalBar[i] + 1);
          expect(tr.exitBar[i]).toBeGreaterThanOrEqual(tr.entryBar[i]);
          // one position per ticker at a time
          expect(tr.entryBar[i]).toBeGreaterThan(lastOpen[tr.ticker[i]]);
          lastOpen[tr.ticker[i]] = tr.exitBar[i];
          // buys pay at least the reference, sells receive at most it
          expect(tr.entryPrice[i]).toBeGreaterThanOrEqual(tr.entryRef[i]);
          expect(tr.exitPrice[i]).toBeLessThanOrEqual(tr.exitRef[i]);
          expect(tr.fillRatio[i]).toBeGreaterThan(0);
          expect(tr.fillRatio[i]).toBeLessThanOrEqual(1);
        }
        // positions value recomputed from the trade log and the last known closes
        const lastClose = new Float64Array(N).fill(Number.NaN);
        for (let t = 0; t < m.rows; t++) {
          for (let i = 0; i < N; i++) if (m.close[t * N + i] > 0) lastClose[i] = m.close[t * N + i];
          let value = 0;
          let open = 0;
          for (let i = 0; i < tr.n; i++) {
            const held = tr.entryBar[i] <= t && tr.exitBar[i] > t;
            if (held) {
              value += tr.shares[i] * lastClose[tr.ticker[i]];
              open++;
            }
          }
          expect(Math.abs(r.positionsValue[t] - value)).toBeLessThanOrEqual(1e-9 * Math.max(1, value));
          expect(r.openPositions[t]).toBe(open);
          expect(open).toBeLessThanOrEqual(config.maxPositions);
          expect(Math.abs(r.equity[t] - (r.cash[t] + r.positionsValue[t]))).toBeLessThanOrEqual(1e-9 * r.equity[t]);
          expect(r.cash[t]).toBeGreaterThanOrEqual(-1e-9 * config.initialCapital);
        }
        // final equity = initial capital + Σ trade pnl (everything is closed at the end)
        let pnl = 0;
        for (let i = 0; i < tr.n; i++) pnl += tr.pnl[i];
        expect(Math.abs(r.equity[m.rows - 1] - (config.initialCapital + pnl))).toBeLessThanOrEqual(1e-7 * config.initialCapital);
        // determinism: the same inputs give the same bits
        const again = simulate({ matrix: m, signals: s, config });
        sameBits(again.equity, r.equity, m.rows - 1, 'equity (rerun)');
        expect(again.trades.n).toBe(tr.n);
      }),
      { numRuns: 150 },
    );
  });

  it('a zero-signal run has zero trades and flat equity', () => {
    fc.assert(
      fc.property(marketArb, configArb, (spec, over) => {
        const m = randomMarket(spec);
        const r = simulate({ matrix: m, signals: emptySignals(m), config: resolveConfig(over) });
        expect(r.trades.n).toBe(0);
        for (let t = 0; t < m.rows; t++) expect(r.equity[t]).toBe(r.config.initialCapital);
      }),
      { numRuns: 50 },
    );
  });
});

describe('costs only ever lower returns', () => {
  it('same trades, each net return lower, final equity lower (no stops, cash never binding)', () => {
    fc.assert(
      fc.property(
        marketArb,
        fc.integer({ min: 1, max: 4 }),
        fc.option(fc.integer({ min: 1, max: 6 }), { nil: null }),
        fc.constantFrom('open' as const, 'close' as const),
        fc.record({
          commissionBps: fc.double({ min: 0, max: 50, noNaN: true }),
          spreadBps: fc.double({ min: 0, max: 50, noNaN: true }),
          impactCoeffBps: fc.double({ min: 0, max: 50, noNaN: true }),
          dynamic: fc.boolean(),
        }),
        (spec, maxPositions, holdingDays, fill, k) => {
          fc.pre(k.commissionBps + k.spreadBps + k.impactCoeffBps > 0.01);
          const m = randomMarket(spec);
          const s = randomSignals(m, spec.seed);
          // positions of 0.9/maxPositions each: cash never limits an entry, and without the
          // (cost-aware) edge gate the choice of trades does not depend on costs
          const base: SimulatorOverrides = {
            edgeGate: null,
            maxPositions,
            holdingDays,
            exitThreshold: holdingDays === null ? 0 : null,
            fill,
            regimePolicy: null,
            sizing: { method: 'fixed', fraction: 0.9 / maxPositions },
          };
          const free = simulate({ matrix: m, signals: s, config: resolveConfig({ ...base, costs: ZERO_COSTS }) });
          const costly: SimulatorConfig = resolveConfig({ ...base, costs: { ...ZERO_COSTS, ...k } });
          const paid = simulate({ matrix: m, signals: s, config: costly });
          expect(paid.trades.n).toBe(free.trades.n);
          for (let i = 0; i < free.trades.n; i++) {
            expect(paid.trades.ticker[i]).toBe(free.trades.ticker[i]);
            expect(paid.trades.entryBar[i]).toBe(free.trades.entryBar[i]);
            expect(paid.trades.exitBar[i]).toBe(free.trades.exitBar[i]);
            expect(paid.trades.netReturn[i]).toBeLessThan(free.trades.netReturn[i]);
          }
          const last = m.rows - 1;
          if (free.trades.n > 0) expect(paid.equity[last]).toBeLessThan(free.equity[last]);
          else expect(paid.equity[last]).toBe(free.equity[last]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
