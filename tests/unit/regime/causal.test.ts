import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { analyseRegimes } from '../../../src/engine/regime/analysis';
import { type CausalRegimes, causalRegimes, refitSchedule } from '../../../src/engine/regime/causal';
import type { RegimeMethod } from '../../../src/engine/regime/detect';
import { head, loadReal } from '../features/helpers';

const SPY = head(loadReal('SPY'), 620);
const OPTS = { minObservations: 150, refitEvery: 100 };
const FIRST_BAR = 20 + 149; // vol_20 is first defined at bar 20; the first fit uses 150 observations

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function expectPrefix(part: CausalRegimes, full: CausalRegimes, n: number): void {
  expect(bitsEqual(part.probs, full.probs.subarray(0, n * 4))).toBe(true);
  expect(part.regime).toEqual(full.regime.subarray(0, n));
  expect(bitsEqual(part.confidence, full.confidence.subarray(0, n))).toBe(true);
  expect(bitsEqual(part.uncertainty, full.uncertainty.subarray(0, n))).toBe(true);
}

const cache = new Map<RegimeMethod, CausalRegimes>();
function full(method: RegimeMethod): CausalRegimes {
  let r = cache.get(method);
  if (!r) {
    r = causalRegimes(SPY, { method, ...OPTS });
    cache.set(method, r);
  }
  return r;
}

describe('causalRegimes: expanding-window refits', () => {
  it('schedules the first fit after minObservations and then every refitEvery observations', () => {
    expect(Array.from(refitSchedule(500, 150, 100))).toEqual([149, 249, 349, 449]);
    expect(Array.from(refitSchedule(149, 150, 100))).toEqual([]);
    expect(() => refitSchedule(10, 1, 5)).toThrow(/minObservations/);
    expect(Array.from(full('hmm').refitRows)).toEqual([169, 269, 369, 469, 569]);
  });

  it.each(['hmm', 'jump', 'rules', 'consensus'] as const)(
    '%s: truncating the bars after t leaves every output at or before t bit-identical',
    (method) => {
      const f = full(method);
      for (const n of [FIRST_BAR, FIRST_BAR + 1, 300, 470, 555]) {
        const part = causalRegimes(head(SPY, n), { method, ...OPTS });
        expectPrefix(part, f, n);
      }
    },
  );

  it.each(['hmm', 'jump', 'consensus'] as const)('%s: rows before the first fit are empty, later rows are distributions', (method) => {
    const f = full(method);
    for (let t = 0; t < FIRST_BAR; t++) {
      expect(f.regime[t]).toBe(-1);
      expect(f.probs[t * 4]).toBeNaN();
    }
    for (let t = FIRST_BAR; t < SPY.ts.length; t++) {
      const s = f.probs[4 * t] + f.probs[4 * t + 1] + f.probs[4 * t + 2] + f.probs[4 * t + 3];
      expect(s).toBeCloseTo(1, 12);
      expect(f.regime[t]).toBeGreaterThanOrEqual(0);
    }
  });

  it.each(['hmm', 'jump'] as const)('%s: at a refit row the output is the last row of a fit on the data up to it', (method) => {
    const f = full(method);
    for (const bar of [169, 369]) {
      const a = analyseRegimes(head(SPY, bar + 1), { method });
      const T = a.rows.length;
      expect(a.rows[T - 1]).toBe(bar);
      expect(bitsEqual(a.canonical.probs.subarray((T - 1) * 4, T * 4), f.probs.subarray(bar * 4, bar * 4 + 4))).toBe(true);
    }
  });

  it('between refits the filter carries the last fit forward (not a refit on later data)', () => {
    const f = full('hmm');
    // Bar 200 lies between the fits at 169 and 269: its value must differ from a fresh fit on bars ≤ 200.
    const fresh = analyseRegimes(head(SPY, 201), { method: 'hmm' });
    const T = fresh.rows.length;
    const freshRow = fresh.canonical.probs.subarray((T - 1) * 4, T * 4);
    expect(bitsEqual(freshRow, f.probs.subarray(200 * 4, 201 * 4))).toBe(false);
  });

  it('rules need no fit: the causal output is the online rule label', () => {
    const f = full('rules');
    const r = analyseRegimes(SPY, { method: 'rules' });
    r.rows.forEach((bar, i) => {
      expect(f.regime[bar]).toBe(r.canonical.regime[i]);
    });
    expect(f.refitRows.length).toBe(0);
  });
});

describe('causalRegimes: inputs', () => {
  it('rejects an empty feature list and bad schedules', () => {
    expect(() => causalRegimes(SPY, { method: 'hmm', features: [] })).toThrow(/at least one feature/);
    expect(() => causalRegimes(SPY, { method: 'jump', refitEvery: 0 })).toThrow(/refitEvery/);
  });

  it('does not mutate its input bars', () => {
    const copy: Bars = { ...SPY, close: SPY.close.slice() };
    causalRegimes(copy, { method: 'jump', ...OPTS });
    expect(bitsEqual(copy.close, SPY.close)).toBe(true);
  });
});
