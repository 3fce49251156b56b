import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { defaultEmbargo, defaultFolds, indexDates, purgedFolds } from '../../../src/engine/models/cv';

/**
 * A panel of `tickers` series over U dates, each missing some dates at random; a row's label
 * ends h of its own bars later (so gaps make some label windows longer than h dates).
 */
function panel(U: number, tickers: number, h: number, gapRate: number, seed: number) {
  const p = new Prng(seed);
  const dateIndex: number[] = [];
  const labelEnd: number[] = [];
  for (let k = 0; k < tickers; k++) {
    const days: number[] = [];
    for (let d = 0; d < U; d++) if (p.next() >= gapRate) days.push(d);
    for (let i = 0; i + h < days.length; i++) {
      dateIndex.push(days[i]);
      labelEnd.push(days[i + h]);
    }
  }
  return { dateIndex: Int32Array.from(dateIndex), labelEnd: Int32Array.from(labelEnd) };
}

describe('purged walk-forward CV', () => {
  it('follows the spec on a hand-sized case', () => {
    // 60 dates, h = 2, one ticker without gaps: 5 folds of fs = 10, embargo 1, purge 2.
    const d = Int32Array.from({ length: 58 }, (_, i) => i);
    const le = Int32Array.from(d, (i) => i + 2);
    const plan = purgedFolds(d, le, 60, { horizon: 2, folds: 5, minTrainRows: 1, minTestRows: 1 });
    expect(plan.foldSize).toBe(10);
    expect(plan.embargo).toBe(1);
    expect(plan.folds.map((f) => f.testDates)).toEqual([
      [11, 20],
      [21, 30],
      [31, 40],
      [41, 50],
      [51, 60],
    ]);
    // fold 0 trains on dates [0, 8): e = 10 − 2; rows 6, 7 have labels ending at 8, 9 < 11.
    expect(plan.folds[0].trainDates).toEqual([0, 8]);
    expect(Array.from(plan.folds[0].train)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(plan.folds[0].test)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });

  it('defaults follow spec §4.1', () => {
    expect(defaultFolds(100)).toBe(2);
    expect(defaultFolds(480)).toBe(4);
    expect(defaultFolds(5000)).toBe(5);
    expect(defaultEmbargo(1)).toBe(1);
    expect(defaultEmbargo(10)).toBe(5);
  });

  it('never lets a training label window overlap a test label window (random sizes, horizons, embargo, gaps)', () => {
    fc.assert(
      fc.property(
        fc.record({
          U: fc.integer({ min: 30, max: 700 }),
          tickers: fc.integer({ min: 1, max: 4 }),
          h: fc.integer({ min: 1, max: 30 }),
          embargo: fc.integer({ min: 0, max: 20 }),
          folds: fc.integer({ min: 2, max: 7 }),
          cap: fc.option(fc.integer({ min: 20, max: 400 }), { nil: null }),
          gapRate: fc.constantFrom(0, 0.05, 0.3),
          seed: fc.integer({ min: 0, max: 1e6 }),
          mode: fc.constantFrom('walk-forward' as const, 'purged-kfold' as const),
        }),
        (c) => {
          const { dateIndex, labelEnd } = panel(c.U, c.tickers, c.h, c.gapRate, c.seed);
          const plan = purgedFolds(dateIndex, labelEnd, c.U, {
            horizon: c.h,
            folds: c.folds,
            embargo: c.embargo,
            maxTrainDates: c.cap,
            mode: c.mode,
            minTrainRows: 1,
            minTestRows: 1,
          });
          // Collect violations (one expect per run keeps the property fast).
          const bad: string[] = [];
          const seen = new Set<number>();
          for (const f of plan.folds) {
            const test = new Set(f.test);
            let testStart = Number.POSITIVE_INFINITY;
            let lastTestLabel = -1;
            for (const s of f.test) {
              testStart = Math.min(testStart, dateIndex[s]);
              lastTestLabel = Math.max(lastTestLabel, labelEnd[s]);
              if (dateIndex[s] < f.testDates[0] || dateIndex[s] >= f.testDates[1]) bad.push(`fold ${f.index}: test row ${s} outside its block`);
              if (seen.has(s)) bad.push(`row ${s} tested twice`);
              seen.add(s);
            }
            for (const r of f.train) {
              if (test.has(r)) bad.push(`fold ${f.index}: row ${r} both train and test`);
              // Label windows [date, labelEnd] are disjoint from every test row's window.
              const before = labelEnd[r] < testStart;
              const after = dateIndex[r] > lastTestLabel;
              if (!before && !after) bad.push(`fold ${f.index}: train row ${r} window overlaps the test windows`);
              if (c.mode === 'walk-forward') {
                if (!before) bad.push(`fold ${f.index}: train row ${r} after the test block`);
                // spec §6: max(train date) < min(test date) − purge − embargo
                if (!(dateIndex[r] < testStart - c.h - c.embargo + 1)) bad.push(`fold ${f.index}: train row ${r} inside purge/embargo`);
                if (c.cap !== null && dateIndex[r] < f.trainDates[1] - c.cap) bad.push(`fold ${f.index}: train row ${r} beyond the rolling cap`);
              } else if (after && dateIndex[r] < lastTestLabel + 1 + c.embargo) {
                bad.push(`fold ${f.index}: train row ${r} inside the embargo after the test block`);
              }
            }
            if (c.mode === 'walk-forward' && f.trainDates[1] - f.trainDates[0] > (c.cap ?? c.U)) bad.push(`fold ${f.index}: train window too long`);
          }
          expect(bad.slice(0, 5)).toEqual([]);
        },
      ),
      { numRuns: 150, seed: 7 },
    );
  });

  it('skips folds with too few rows and says why; rejects inconsistent inputs', () => {
    const d = Int32Array.from({ length: 100 }, (_, i) => i);
    const plan = purgedFolds(d, Int32Array.from(d, (i) => i + 1), 100, { horizon: 1, folds: 4 });
    expect(plan.folds).toHaveLength(0);
    expect(plan.skipped[0].reason).toMatch(/train \/ \d+ test rows \(need 100 \/ 20\)/);
    expect(() => purgedFolds(d, Int32Array.from(d, (i) => i - 1), 100, { horizon: 1 })).toThrow(/label end .* before its date/);
    expect(() => purgedFolds(d, d, 50, { horizon: 1 })).toThrow(/outside \[0, 50\)/);
  });

  it('indexes dates', () => {
    const { dates, dateIndex } = indexDates(Float64Array.of(30, 10, 20, 10));
    expect(Array.from(dates)).toEqual([10, 20, 30]);
    expect(Array.from(dateIndex)).toEqual([2, 0, 1, 0]);
  });
});
