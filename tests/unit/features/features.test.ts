import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { CORE_FEATURES } from '../../../src/engine/features/core';
import {
  CORE_FEATURE_NAMES,
  FEATURES,
  computeCoreFeatures,
  computeFeatures,
  getFeature,
} from '../../../src/engine/features/registry';
import { filterRows, head, loadReal } from './helpers';

const CONTRACT_ORDER = [
  'ret_1', 'ret_5', 'ret_20', 'logret_1', 'gap_1', 'vol_20', 'vol_60', 'parkinson_vol_20', 'atr_14', 'natr_14',
  'rsi_14', 'macd', 'macd_signal', 'macd_hist', 'bb_pctb_20', 'zscore_20', 'volume_z_20', 'dist_sma_50',
  'dist_sma_200', 'drawdown_252', 'skew_60', 'kurt_60', 'amihud_20', 'beta_60',
];

const AAPL = loadReal('AAPL');
const SPY = loadReal('SPY');
// A shorter, gappier benchmark so the inner join has work to do.
const SPY_GAPS = filterRows(SPY, (i) => i % 11 !== 5);

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

function firstValid(x: Float64Array): number {
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) return i;
  return -1;
}

function bars(rows: { c: number; o?: number; h?: number; l?: number; v?: number }[]): Bars {
  return {
    ts: Float64Array.from(rows, (_, i) => Date.UTC(2020, 0, 1) + i * 86_400_000),
    open: Float64Array.from(rows, (r) => r.o ?? r.c),
    high: Float64Array.from(rows, (r) => r.h ?? r.c),
    low: Float64Array.from(rows, (r) => r.l ?? r.c),
    close: Float64Array.from(rows, (r) => r.c),
    volume: Float64Array.from(rows, (r) => r.v ?? 1000),
  };
}

describe('feature registry', () => {
  it('lists the 24 core features in contract order, first', () => {
    expect([...CORE_FEATURE_NAMES]).toEqual(CONTRACT_ORDER);
    expect(FEATURES.slice(0, 24).map((f) => f.name)).toEqual(CONTRACT_ORDER);
    expect(CORE_FEATURES.every((f) => f.core)).toBe(true);
    expect(FEATURES.slice(24).every((f) => !f.core)).toBe(true);
    expect(getFeature('beta_60').needs).toEqual(['benchmark']);
    expect(() => getFeature('nope')).toThrow(/unknown feature "nope"/);
  });

  it('each core feature becomes valid exactly at its declared warm-up row on real bars', () => {
    const { names, columns } = computeCoreFeatures(AAPL, SPY);
    for (let j = 0; j < names.length; j++) {
      expect(firstValid(columns[j]), names[j]).toBe(CORE_FEATURES[j].warmup);
    }
  });

  it('a subset computes the same values as the full set', () => {
    const full = computeCoreFeatures(AAPL, SPY);
    const sub = computeFeatures(['kurt_60', 'macd_hist', 'beta_60'], AAPL, SPY);
    for (const [k, name] of sub.names.entries()) {
      expect(bitsEqual(sub.columns[k], full.columns[CORE_FEATURE_NAMES.indexOf(name)])).toBe(true);
    }
  });

  it('is deterministic: identical inputs give identical bits', () => {
    const a = computeCoreFeatures(AAPL, SPY_GAPS);
    const b = computeCoreFeatures(
      { ...AAPL, close: AAPL.close.slice(), open: AAPL.open.slice() },
      { ...SPY_GAPS, close: SPY_GAPS.close.slice() },
    );
    for (const [j, c] of a.columns.entries()) expect(bitsEqual(c, b.columns[j]), a.names[j]).toBe(true);
  });

  it('does not mutate its inputs', () => {
    const copy = AAPL.close.slice();
    computeCoreFeatures(AAPL, SPY);
    expect(bitsEqual(copy, AAPL.close)).toBe(true);
  });

  it('is causal: appending rows (to ticker and benchmark) never changes earlier values', () => {
    const full = computeCoreFeatures(AAPL, SPY_GAPS);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: AAPL.ts.length }), (n) => {
        const cut = AAPL.ts[Math.min(n, AAPL.ts.length - 1)];
        const part = computeCoreFeatures(head(AAPL, n), filterRows(SPY_GAPS, (i) => SPY_GAPS.ts[i] <= cut));
        for (let j = 0; j < part.columns.length; j++) {
          if (!bitsEqual(part.columns[j], full.columns[j].subarray(0, n))) {
            throw new Error(`${part.names[j]} changed for prefix ${n}`);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it('beta_60 is all NaN without a benchmark and NaN on dates missing from the benchmark', () => {
    const none = computeFeatures(['beta_60'], AAPL).columns[0];
    expect(none.every(Number.isNaN)).toBe(true);
    const gappy = computeFeatures(['beta_60'], AAPL, SPY_GAPS).columns[0];
    const inBench = new Set(SPY_GAPS.ts);
    let checked = 0;
    for (let t = 0; t < AAPL.ts.length; t++) {
      if (!inBench.has(AAPL.ts[t])) {
        expect(gappy[t]).toBeNaN();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(400);
  });

  it('beta of a ticker against itself is 1', () => {
    const beta = computeFeatures(['beta_60'], AAPL, AAPL).columns[0];
    for (let t = 60; t < AAPL.ts.length; t += 97) expect(beta[t]).toBeCloseTo(1, 12);
  });

  it('hand-computed values on a small frame', () => {
    const b = bars([
      { c: 100, v: 10 },
      { c: 110, o: 105, h: 112, l: 104, v: 0 },
      { c: 99, v: 30 },
    ]);
    const f = computeFeatures(['ret_1', 'logret_1', 'gap_1', 'amihud_20'], b);
    expect(Array.from(f.columns[0])).toEqual([Number.NaN, 110 / 100 - 1, 99 / 110 - 1]);
    expect(Array.from(f.columns[1])).toEqual([Number.NaN, Math.log(110) - Math.log(100), Math.log(99) - Math.log(110)]);
    expect(Array.from(f.columns[2])).toEqual([Number.NaN, 105 / 100 - 1, 99 / 110 - 1]);
    expect(f.columns[3].every(Number.isNaN)).toBe(true); // warm-up 20 rows
  });

  it('RSI, ATR and z-scores on constructed series', () => {
    // Rising by 1 every day: no losses → RSI 100; true range 1 (close-only bars) → ATR 1.
    const up = bars(Array.from({ length: 40 }, (_, i) => ({ c: 100 + i })));
    const f = computeFeatures(['rsi_14', 'atr_14', 'zscore_20', 'bb_pctb_20'], up);
    expect(f.columns[0][14]).toBe(100);
    expect(f.columns[0][39]).toBe(100);
    expect(f.columns[1][12]).toBeNaN();
    // tr = [0, 1, 1, …] (row 0: h − l = 0) → ATR_t = 1 − (13/14)^t
    expect(f.columns[1][13]).toBeCloseTo(1 - (13 / 14) ** 13, 12);
    // z of the newest point of 0..19 (+100): (19 − 9.5)/std(0..19) = 9.5/√35
    expect(f.columns[2][19]).toBeCloseTo(9.5 / Math.sqrt(35), 12);
    expect(f.columns[3][19]).toBeCloseTo((9.5 / Math.sqrt(35) + 2) / 4, 12);
    // Flat prices: zero-width windows give NaN, not ±inf; flat closes give RSI NaN (0/0).
    const flat = bars(Array.from({ length: 40 }, () => ({ c: 50 })));
    const g = computeFeatures(['zscore_20', 'bb_pctb_20', 'volume_z_20', 'rsi_14', 'skew_60', 'vol_20'], flat);
    for (const col of g.columns.slice(0, 5)) expect(col.every(Number.isNaN)).toBe(true);
    expect(g.columns[5][20]).toBe(0);
  });

  it('rejects unsorted or duplicated dates', () => {
    const b = bars([{ c: 1 }, { c: 2 }]);
    b.ts[1] = b.ts[0];
    expect(() => computeCoreFeatures(b)).toThrow(/strictly ascending/);
  });
});
