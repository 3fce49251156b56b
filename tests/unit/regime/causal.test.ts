import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { computeFeatures } from '../../../src/engine/features/registry';
import { analyseRegimes, barSeries } from '../../../src/engine/regime/analysis';
import { type CausalRegimes, causalRegimes, refitOptions, refitSchedule, warmStartParams } from '../../../src/engine/regime/causal';
import { DEFAULT_REGIME_FEATURES, type RegimeMethod } from '../../../src/engine/regime/detect';
import { fitGaussianHmm, type HmmFit, type HmmParams } from '../../../src/engine/regime/hmm';
import { canonicalProbs, mapStatesToRegimes, stateProfiles } from '../../../src/engine/regime/mapping';
import { buildObservations } from '../../../src/engine/regime/observations';
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

  it.each(['hmm', 'jump'] as const)('%s: at the first refit row the output is the last row of a fit on the data up to it', (method) => {
    const f = full(method);
    const a = analyseRegimes(head(SPY, 170), { method });
    const T = a.rows.length;
    expect(a.rows[T - 1]).toBe(169);
    expect(bitsEqual(a.canonical.probs.subarray((T - 1) * 4, T * 4), f.probs.subarray(169 * 4, 170 * 4))).toBe(true);
  });

  it('jump: at a later refit row the output is the last row of a fit on the data up to it', () => {
    const f = full('jump');
    const a = analyseRegimes(head(SPY, 370), { method: 'jump' });
    const T = a.rows.length;
    expect(a.rows[T - 1]).toBe(369);
    expect(bitsEqual(a.canonical.probs.subarray((T - 1) * 4, T * 4), f.probs.subarray(369 * 4, 370 * 4))).toBe(true);
  });

  it('hmm: each later refit is a fit on the data up to it, started from the previous fit', () => {
    const f = full('hmm');
    const bars = head(SPY, 370);
    const obs = buildObservations(computeFeatures(DEFAULT_REGIME_FEATURES, bars, null).columns);
    const schedule = refitSchedule(obs.T, OPTS.minObservations, OPTS.refitEvery);
    expect(Array.from(schedule, (i) => obs.kept[i])).toEqual([169, 269, 369]);
    let prev: HmmParams | null = null;
    let fit: HmmFit | null = null;
    for (const i of schedule) {
      fit = fitGaussianHmm(obs.X.subarray(0, (i + 1) * 2), i + 1, 2, refitOptions(4, prev));
      prev = fit.params;
    }
    if (!fit) throw new Error('no fit');
    expect(refitOptions(4, null)).toEqual({ states: 4 });
    expect(refitOptions(4, fit.params).accelerate).toBe(true);
    const n = obs.T;
    const series = barSeries(bars);
    const pick = (x: Float64Array) => Float64Array.from(obs.kept, (i) => x[i]);
    const map = mapStatesToRegimes(stateProfiles(fit.smoothed, n, 4, pick(series.ret), pick(series.natr)));
    const want = canonicalProbs(fit.filtered.subarray((n - 1) * 4, n * 4), 1, 4, map);
    expect(bitsEqual(want, f.probs.subarray(369 * 4, 370 * 4))).toBe(true);
    // the warm start is a real blend of the previous fit: every π and A entry positive, rows sum to 1
    const w = warmStartParams(fit.params);
    expect(Array.from(w.transmat).every((v) => v > 0)).toBe(true);
    for (let r = 0; r < 4; r++) expect(w.transmat[r * 4] + w.transmat[r * 4 + 1] + w.transmat[r * 4 + 2] + w.transmat[r * 4 + 3]).toBeCloseTo(1, 14);
    expect(w.startprob.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(Array.from(w.means)).toEqual(Array.from(fit.params.means));
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
