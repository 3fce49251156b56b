import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import {
  calibrate,
  calibratorFromJson,
  calibratorToJson,
  expectedCalibrationError,
  fitIsotonic,
  fitPlatt,
  reliabilityCurve,
} from '../../../src/engine/models/calibration';
import { governanceScore, shouldPromote } from '../../../src/engine/models/governance';
import { mergeImportance, permutationImportance } from '../../../src/engine/models/importance';
import { importanceStability, rankStability, topFeatures } from '../../../src/engine/models/stability';
import { cusumAlarm, ksStatistic, psi, retrainTriggers } from '../../../src/engine/models/triggers';

describe('isotonic calibration', () => {
  it('pools adjacent violators by hand and interpolates between fitted points', () => {
    // y = [1, 0, 1, 1] at x = 1..4: the violator pair (1, 0) pools to 0.5.
    const c = fitIsotonic([1, 2, 3, 4], [1, 0, 1, 1]);
    expect(c.x).toEqual([1, 2, 3, 4]);
    expect(c.y).toEqual([0.5, 0.5, 1, 1]);
    expect(calibrate(c, 2.5)).toBe(0.75);
    expect(calibrate(c, 0)).toBe(0.5);
    expect(calibrate(c, 9)).toBe(1);
    // Duplicate scores are merged first (weighted mean), then pooled: (0,0,1 | 1) at x = 1, 1, 2, 3.
    const d = fitIsotonic([1, 1, 2, 3], [1, 0, 0, 1], [1, 3, 2, 1]);
    expect(d.x).toEqual([1, 2, 3]);
    // x=1: (1·1 + 0·3)/4 = 0.25; x=2: 0 → pool (0.25·4 + 0·2)/6 = 1/6; x=3: 1
    expect(d.y[0]).toBeCloseTo(1 / 6, 15);
    expect(d.y[1]).toBeCloseTo(1 / 6, 15);
    expect(d.y[2]).toBe(1);
  });

  it('is monotone, within [0, 1], and never worse than any constant in squared error', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1)), { minLength: 1, maxLength: 200 }), (pts) => {
        const x = pts.map((p) => p[0]);
        const y: number[] = pts.map((p) => p[1]);
        const c = fitIsotonic(x, y);
        for (let i = 1; i < c.y.length; i++) expect(c.y[i]).toBeGreaterThanOrEqual(c.y[i - 1]);
        for (const v of c.y) expect(v >= 0 && v <= 1).toBe(true);
        const grid = Array.from({ length: 21 }, (_, k) => k / 20).map((s) => calibrate(c, s));
        for (let i = 1; i < grid.length; i++) expect(grid[i]).toBeGreaterThanOrEqual(grid[i - 1] - 1e-15);
        const mean = y.reduce((s, v) => s + v, 0) / y.length;
        const sse = x.reduce((s, xi, i) => s + (calibrate(c, xi) - y[i]) ** 2, 0);
        const sseMean = y.reduce((s, v) => s + (v - mean) ** 2, 0);
        expect(sse).toBeLessThanOrEqual(sseMean + 1e-9);
      }),
      { numRuns: 100, seed: 11 },
    );
  });

  it('Platt scaling increases with the score when outcomes do; JSON round trip', () => {
    const p = new Prng(2);
    const s: number[] = [];
    const o: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const v = p.next();
      s.push(v);
      o.push(p.next() < 0.2 + 0.6 * v ? 1 : 0);
    }
    const c = fitPlatt(s, o);
    expect(calibrate(c, 0.9)).toBeGreaterThan(calibrate(c, 0.1));
    expect(calibrate(c, 0.5)).toBeCloseTo(0.5, 1);
    const back = calibratorFromJson(JSON.parse(JSON.stringify(calibratorToJson(c))));
    expect(calibrate(back, 0.3)).toBe(calibrate(c, 0.3));
  });

  it('ECE and the reliability curve by hand (10 bins, last closed)', () => {
    const prob = [0.05, 0.05, 0.95, 1.0];
    const out = [0, 1, 1, 1];
    const curve = reliabilityCurve(prob, out);
    expect(curve[0]).toEqual({ lo: 0, hi: 0.1, count: 2, meanPredicted: 0.05, observed: 0.5 });
    expect(curve[9].count).toBe(2);
    expect(curve[9].meanPredicted).toBeCloseTo(0.975, 15);
    // ECE = 2/4·|0.5 − 0.05| + 2/4·|1 − 0.975|
    expect(expectedCalibrationError(prob, out)).toBeCloseTo(0.5 * 0.45 + 0.5 * 0.025, 15);
  });
});

describe('permutation importance', () => {
  const p = new Prng(5);
  const n = 500;
  const cols = [0, 1, 2].map(() => Float64Array.from({ length: n }, () => p.normal()));
  const y = Float64Array.from({ length: n }, (_, i) => 2 * cols[0][i] + 0.5 * cols[1][i]);
  const predict = (c: readonly Float64Array[]) => Float64Array.from({ length: n }, (_, i) => 2 * c[0][i] + 0.5 * c[1][i]);

  it('ranks the used features and gives exactly 0 for an unused one', () => {
    const r = permutationImportance(predict, cols, y, { repeats: 5, seed: 1 });
    expect(r.baseline).toBe(1);
    expect(r.mean[0]).toBeGreaterThan(r.mean[1]);
    expect(r.mean[1]).toBeGreaterThan(0);
    expect(r.mean[2]).toBe(0);
  });

  it('is deterministic, and any split of the features gives the numbers of the full run', () => {
    const before = cols.map((c) => c.slice());
    const full = permutationImportance(predict, cols, y, { repeats: 4, seed: 9, metric: 'rank_ic' });
    const a = permutationImportance(predict, cols, y, { repeats: 4, seed: 9, metric: 'rank_ic', features: [2, 0] });
    const b = permutationImportance(predict, cols, y, { repeats: 4, seed: 9, metric: 'rank_ic', features: [1] });
    const merged = mergeImportance([a, b]);
    expect(Array.from(merged.mean)).toEqual(Array.from(full.mean));
    expect(Array.from(merged.std)).toEqual(Array.from(full.std));
    expect(() => mergeImportance([a, a])).toThrow(/computed twice/);
    // inputs untouched (the shuffle uses a copy)
    cols.forEach((c, j) => {
      expect(Array.from(c)).toEqual(Array.from(before[j]));
    });
  });
});

describe('feature-importance stability', () => {
  it('rank stability over the union, absent features ranked len + 1', () => {
    expect(rankStability(['a', 'b', 'c'], ['a', 'b', 'c'])).toBeCloseTo(1, 15);
    const s = rankStability(['a', 'b', 'c'], ['c', 'b', 'd']);
    // union a, b, c, d: first list ranks (1, 2, 3, 4 = absent), second (4 = absent, 2, 1, 3)
    const x = [1, 2, 3, 4];
    const y = [4, 2, 1, 3];
    const mx = 2.5;
    const cov = x.reduce((t, v, i) => t + (v - mx) * (y[i] - mx), 0);
    expect(s).toBeCloseTo(cov / 5, 14);
    expect(topFeatures([0.1, 0, 0.5, 0.5], ['w', 'x', 'z', 'y'], 2)).toEqual(['y', 'z']);
  });

  it('reports consecutive and first-fold stability with an alert below 0.5', () => {
    const names = ['a', 'b', 'c', 'd'];
    const r = importanceStability(
      [
        [4, 3, 2, 1],
        [4, 3, 2, 1],
        [1, 2, 3, 4],
      ],
      names,
    );
    expect(r.vsPrevious[0]).toBeNaN();
    expect(r.vsPrevious[1]).toBeCloseTo(1, 15);
    expect(r.vsPrevious[2]).toBeCloseTo(-1, 15);
    expect(r.alert).toBe(true);
    expect(r.mean).toBeCloseTo(0, 15);
  });
});

describe('retrain triggers', () => {
  const DAY = 86_400_000;

  it('staleness, OOS Spearman, win rate and the clock is injected', () => {
    expect(retrainTriggers({ lastTrainedMs: null }, 0).reasons).toEqual(['never trained']);
    const fresh = retrainTriggers({ lastTrainedMs: 0, oosSpearman: 0.1 }, 10 * DAY);
    expect(fresh.retrain).toBe(false);
    const old = retrainTriggers({ lastTrainedMs: 0, oosSpearman: -0.02, tradesSinceTraining: 50 }, 31 * DAY);
    expect(old.reasons).toEqual(['model is 31 days old (limit 30)', '50 trades since training (limit 50)', 'OOS Spearman -0.020 < 0 (model is actively wrong)']);
    const losing = retrainTriggers({ lastTrainedMs: 0, recentTradeReturns: Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? 0.01 : -0.01)) }, DAY);
    expect(losing.reasons.some((r) => r.startsWith('win rate 0.33'))).toBe(true);
  });

  it('PSI, KS and CUSUM by hand', () => {
    // Same distribution → 0; all mass moved from bin 0 to bin 9.
    expect(psi([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])).toBe(0);
    const ref = [0, 9];
    const cur = [9, 9];
    // ref bins: 0 → 0.5, 9 → 0.5; cur: 0 → eps, 9 → 1
    const expected = (1e-6 - 0.5) * Math.log(1e-6 / 0.5) + (1 - 0.5) * Math.log(1 / 0.5);
    expect(psi(ref, cur)).toBeCloseTo(expected, 12);
    expect(ksStatistic([1, 2, 3, 4], [3, 4, 5, 6])).toBe(0.5);
    const shift = [...new Array(50).fill(0), ...new Array(50).fill(1)];
    expect(cusumAlarm(shift).alarm).toBe(true);
    expect(cusumAlarm([1, -1, 1, -1, 1, -1]).alarm).toBe(false);
    const drift = retrainTriggers(
      { lastTrainedMs: 0, featureDrift: [{ name: 'x', reference: Array.from({ length: 100 }, (_, i) => i), current: new Array(100).fill(99) }] },
      DAY,
    );
    expect(drift.reasons[0]).toMatch(/mean PSI .* > 0.25/);
  });
});

describe('governance', () => {
  it('scores by spec weights and promotes on a 2 % margin, negative scores included', () => {
    expect(governanceScore({ oosSpearman: 0.1, holdoutSpearman: 0.05, cvGap: 0.04 })).toBeCloseTo(0.15 + 0.05 - 0.02, 15);
    expect(governanceScore({ oosSpearman: 0.1, holdoutSpearman: 0, cvGap: -1, dsrSignificant: true, pbo: 0.2, ece: 0.05 })).toBeCloseTo(0.15 + 0.1 + 0.04 + 0.025, 15);
    expect(shouldPromote(0.2, null)).toBe(true);
    expect(shouldPromote(0.203, 0.2)).toBe(false);
    expect(shouldPromote(0.205, 0.2)).toBe(true);
    expect(shouldPromote(-0.097, -0.1)).toBe(true);
    expect(shouldPromote(-0.0985, -0.1)).toBe(false);
    expect(shouldPromote(Number.NaN, 0.1)).toBe(false);
  });
});
