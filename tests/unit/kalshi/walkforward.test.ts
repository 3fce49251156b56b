import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { DAY_MS, purgeDays } from '../../../src/engine/kalshi/types';
import { type EventTable, eventWalkForward, pearson } from '../../../src/engine/kalshi/walkforward';

function table(releases: number[], types: string[], seed: number, signal = 1): EventTable {
  const rng = new Prng(seed);
  const n = releases.length;
  const x1 = Float64Array.from({ length: n }, () => rng.normal());
  const x2 = Float64Array.from({ length: n }, () => rng.normal());
  const label = Float64Array.from(x1, (v) => signal * v + 0.5 * rng.normal());
  return { event_id: releases.map((_, i) => `E${i}`), event_type: types, release_ts: Float64Array.from(releases), names: ['x1', 'x2'], columns: [x1, x2], label };
}

describe('event walk-forward', () => {
  it('never trains on events inside the purge window before a test block (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 5 * 24 }), { minLength: 60, maxLength: 130 }),
        fc.constantFrom('CPI', 'FOMC', 'GDP', ''),
        fc.integer({ min: 1, max: 1e6 }),
        (gapsHours, type, seed) => {
          let t = Date.UTC(2020, 0, 1);
          const releases = gapsHours.map((g) => (t += g * 3_600_000));
          const res = eventWalkForward(table(releases, releases.map(() => type), seed));
          const release = new Map<string, number>(releases.map((r, i) => [`E${i}`, r]));
          const purge = type === '' ? 7 * DAY_MS : purgeDays(type) * DAY_MS;
          for (const f of res.folds) {
            expect(f.purge_ms).toBe(purge);
            const testIds = new Set(f.test_ids);
            for (const id of f.train_ids) {
              expect(testIds.has(id)).toBe(false);
              expect(release.get(id) as number).toBeLessThanOrEqual(f.test_start_ts - purge);
            }
            expect(f.train_end_ts).toBeLessThanOrEqual(f.test_start_ts - purge);
            expect(f.train_events).toBeGreaterThanOrEqual(20);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('folds step by 20 after 40 training events and find a planted linear signal', () => {
    const releases = Array.from({ length: 120 }, (_, i) => Date.UTC(2015, 0, 1) + i * 30 * DAY_MS);
    const res = eventWalkForward(table(releases, releases.map(() => 'CPI'), 7, 1));
    expect(res.folds.map((f) => f.test_events)).toEqual([20, 20, 20, 20]);
    expect(res.folds[0].train_events).toBe(40);
    expect(res.folds[3].train_events).toBe(100);
    expect(res.wf_oos_corr).toBeGreaterThan(0.6);
    expect(res.hit_rate).toBeGreaterThan(0.7);
    expect(res.n_trials_total).toBe(12);
    for (const f of res.folds) expect(f.std_return).toBeGreaterThan(0);
    expect(res.worst_event_loss).toBe(Math.min(...res.folds.map((f) => f.worst_loss)));
  });

  it('finds no signal in pure noise labels', () => {
    const releases = Array.from({ length: 200 }, (_, i) => Date.UTC(2015, 0, 1) + i * 30 * DAY_MS);
    const res = eventWalkForward(table(releases, releases.map(() => 'CPI'), 11, 0));
    expect(Math.abs(res.wf_oos_corr)).toBeLessThan(0.3);
  });

  it('skips a fold whose purged training set is too small', () => {
    // 60 events within two days: a 3-day CPI purge leaves no training events.
    const releases = Array.from({ length: 60 }, (_, i) => Date.UTC(2020, 0, 1) + i * 3_600_000);
    const res = eventWalkForward(table(releases, releases.map(() => 'CPI'), 3));
    expect(res.folds).toEqual([]);
    expect(res.skipped[0]).toMatch(/0 training events after the purge/);
  });

  it('pearson by hand', () => {
    expect(pearson([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(pearson([1, 2, 3], [3, 1, 2])).toBeCloseTo(-0.5, 12);
  });
});
