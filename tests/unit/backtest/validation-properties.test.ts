/** Behavioural checks of PBO, Monte Carlo, bootstraps, CPCV and walk-forward that need no reference. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { binomial, subsetMasks } from '../../../src/engine/backtest/validation/combinations';
import { cpcvSplits } from '../../../src/engine/backtest/validation/cpcv';
import { bootstrapReturns, tradeMonteCarlo } from '../../../src/engine/backtest/validation/monte-carlo';
import { nullBaselines } from '../../../src/engine/backtest/validation/null-baselines';
import { probabilityOfBacktestOverfitting } from '../../../src/engine/backtest/validation/pbo';
import { walkForwardFolds } from '../../../src/engine/backtest/validation/walk-forward';

function noiseMatrix(seed: number, T: number, N: number, drift?: (n: number) => number): Float64Array {
  const rng = new Prng(seed);
  const m = new Float64Array(T * N);
  for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) m[t * N + n] = 0.01 * rng.normal() + (drift ? drift(n) : 0);
  return m;
}

describe('PBO (CSCV)', () => {
  it('is 0 when one strategy dominates in every split', () => {
    // strategy 0 earns +5 bp/day more than the rest in every row → best IS and best OOS everywhere
    const T = 400;
    const N = 10;
    const m = noiseMatrix(1, T, N);
    for (let t = 0; t < T; t++) m[t * N] = 0.002 + 0.001 * Math.sin(t);
    const r = probabilityOfBacktestOverfitting(m, T, N, 8);
    expect(r.valid).toBe(true);
    expect(r.combinations).toBe(70);
    expect(r.pbo).toBe(0);
    expect(Array.from(r.bestIs).every((b) => b === 0)).toBe(true);
    // its OOS rank is N → ω = N/(N+1), logit = ln N
    for (const l of r.logits) expect(l).toBeCloseTo(Math.log(N), 12);
  });
  it('is near 0.5 on i.i.d. noise strategies, averaged over seeds', () => {
    let sum = 0;
    const seeds = 40;
    for (let s = 0; s < seeds; s++) {
      const r = probabilityOfBacktestOverfitting(noiseMatrix(100 + s, 240, 20), 240, 20, 8);
      expect(r.pbo).toBeGreaterThanOrEqual(0);
      expect(r.pbo).toBeLessThanOrEqual(1);
      sum += r.pbo;
    }
    // each PBO is a share of 70 dependent combinations; over 40 seeds the mean has sd ≈ 0.05
    expect(Math.abs(sum / seeds - 0.5)).toBeLessThan(0.12);
  });
  it('is low when one strategy has a real (noisy) edge', () => {
    const edge = probabilityOfBacktestOverfitting(noiseMatrix(7, 480, 12, (n) => (n === 3 ? 0.0015 : 0)), 480, 12, 8);
    expect(edge.pbo).toBeLessThan(0.2);
  });
  it('refuses odd block counts and flags too few strategies or rows', () => {
    expect(() => probabilityOfBacktestOverfitting(noiseMatrix(1, 100, 3), 100, 3, 7)).toThrow(/even/);
    expect(probabilityOfBacktestOverfitting(noiseMatrix(1, 100, 1), 100, 1, 8).valid).toBe(false);
    expect(probabilityOfBacktestOverfitting(noiseMatrix(1, 10, 3), 10, 3, 8).valid).toBe(false);
  });
});

describe('combinations', () => {
  it('lists C(n, k) distinct k-subsets in lexicographic order', () => {
    for (const [n, k] of [
      [8, 4],
      [6, 3],
      [10, 5],
      [5, 1],
    ]) {
      const masks = subsetMasks(n, k);
      expect(masks.length).toBe(binomial(n, k));
      expect(new Set(masks).size).toBe(masks.length);
      for (const msk of masks) {
        let bits = 0;
        for (let i = 0; i < n; i++) if (msk & (1 << i)) bits++;
        expect(bits).toBe(k);
      }
    }
    expect(Array.from(subsetMasks(4, 2))).toEqual([0b0011, 0b0101, 0b1001, 0b0110, 0b1010, 0b1100]);
  });
});

describe('Monte Carlo and bootstraps', () => {
  const rng = new Prng(99);
  const trades = Float64Array.from({ length: 200 }, () => 0.002 + 0.02 * rng.normal());
  it('the same seed gives the same distribution; another seed a different one', () => {
    const a = tradeMonteCarlo(trades, { seed: 5, sims: 300 });
    const b = tradeMonteCarlo(trades, { seed: 5, sims: 300 });
    const c = tradeMonteCarlo(trades, { seed: 6, sims: 300 });
    expect(Array.from(a.maxDrawdown)).toEqual(Array.from(b.maxDrawdown));
    expect(Array.from(a.maxDrawdown)).not.toEqual(Array.from(c.maxDrawdown));
    const d = bootstrapReturns(trades, { seed: 5, sims: 200 });
    const e = bootstrapReturns(trades, { seed: 5, sims: 200 });
    expect(Array.from(d.sharpe)).toEqual(Array.from(e.sharpe));
    expect(d.sharpePValue).toBe(e.sharpePValue);
  });
  it('shuffling keeps the final equity (a product) and varies only the path', () => {
    const a = tradeMonteCarlo(trades, { seed: 1, sims: 200 });
    for (const fe of a.finalEquity) expect(fe).toBeCloseTo(a.original.finalEquity, 10);
    expect(a.maxDrawdownPct.p5).toBeLessThan(a.maxDrawdownPct.p95);
    for (const dd of a.maxDrawdown) expect(dd).toBeLessThanOrEqual(0);
    const b = tradeMonteCarlo(trades, { seed: 1, sims: 200, method: 'bootstrap' });
    expect(b.finalEquityPct.p5).toBeLessThan(b.finalEquityPct.p95);
  });
  it('percentiles are ordered; the null p-value is small for a strong edge and large for none', () => {
    const strong = Float64Array.from({ length: 500 }, () => 0.004 + 0.01 * rng.normal());
    const none = Float64Array.from({ length: 500 }, () => 0.01 * rng.normal() - 0.0005);
    for (const method of ['stationary', 'circular'] as const) {
      const s = bootstrapReturns(strong, { seed: 3, sims: 400, method, blockLength: 5 });
      expect(s.sharpePct.p5).toBeLessThanOrEqual(s.sharpePct.p25);
      expect(s.sharpePct.p25).toBeLessThanOrEqual(s.sharpePct.p50);
      expect(s.sharpePct.p50).toBeLessThanOrEqual(s.sharpePct.p75);
      expect(s.sharpePct.p75).toBeLessThanOrEqual(s.sharpePct.p95);
      expect(s.sharpePValue).toBeLessThan(0.01);
      expect(bootstrapReturns(none, { seed: 3, sims: 400, method, blockLength: 5 }).sharpePValue).toBeGreaterThan(0.5);
    }
  });
  it('circular blocks are contiguous runs of exactly L rows (wrapping)', () => {
    // returns encode their own index, so a resample's Σ reveals nothing; check via total return
    // instead: with L = n every resample is a rotation, so its product equals the original
    const x = Float64Array.from({ length: 50 }, (_, k) => 0.01 * Math.sin(k));
    const b = bootstrapReturns(x, { seed: 11, sims: 50, method: 'circular', blockLength: 50 });
    for (const tr of b.totalReturn) expect(tr).toBeCloseTo(b.observed.totalReturn, 12);
  });
});

describe('split generators', () => {
  it('CPCV: test and train disjoint, purge before and embargo after every test block', () => {
    fc.assert(
      fc.property(fc.integer({ min: 200, max: 800 }), fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 10 }), (n, purge, embargo) => {
        const splits = cpcvSplits(n, { purge, embargo });
        expect(splits.length).toBe(70);
        for (const s of splits) {
          // cum[k] = test samples in [0, k)
          const cum = new Int32Array(n + 1);
          const inTest = new Uint8Array(n);
          for (const k of s.test) inTest[k] = 1;
          for (let k = 0; k < n; k++) cum[k + 1] = cum[k] + inTest[k];
          for (const k of s.train) {
            if (inTest[k]) throw new Error(`sample ${k} is in train and test`);
            // no test sample within `purge` rows after a train sample (its label would overlap)
            // nor within `embargo` rows before it (serial correlation right after a test block)
            const ahead = cum[Math.min(n, k + purge + 1)] - cum[k + 1];
            const behind = cum[k] - cum[Math.max(0, k - embargo)];
            if (ahead !== 0 || behind !== 0) throw new Error(`train ${k} is within the purge/embargo of a test block`);
          }
        }
      }),
      { numRuns: 20 },
    );
  });
  it('CPCV samples a seeded subset when there are more combinations than allowed', () => {
    const a = cpcvSplits(1000, { partitions: 12, testPartitions: 6, maxCombinations: 50, seed: 42 });
    const b = cpcvSplits(1000, { partitions: 12, testPartitions: 6, maxCombinations: 50, seed: 42 });
    expect(a.length).toBe(50);
    expect(a.map((s) => s.testGroups.join())).toEqual(b.map((s) => s.testGroups.join()));
  });
  it('walk-forward: train ends purge before the test, which starts after the embargo', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 3000 }), fc.integer({ min: 2, max: 8 }), (n, folds) => {
        for (const f of walkForwardFolds(n, { folds, purge: 10, embargo: 5 })) {
          expect(f.trainEnd + 10).toBeLessThanOrEqual(f.testStart);
          expect(f.testEnd).toBeLessThanOrEqual(n);
          expect(f.testEnd - f.testStart).toBeGreaterThanOrEqual(20);
        }
      }),
    );
    expect(walkForwardFolds(99)).toEqual([]);
  });
});

describe('null baselines', () => {
  it('random baseline is reproducible with seed 42 and changes with the seed', () => {
    const rng = new Prng(3);
    const closes = [Float64Array.from({ length: 300 }, (_, k) => 100 * Math.exp(0.01 * Math.sin(k / 7) + 0.001 * k + 0.01 * rng.normal()))];
    const a = nullBaselines(closes);
    const b = nullBaselines(closes);
    const c = nullBaselines(closes, { seed: 43 });
    expect(a.seed).toBe(42);
    expect(a.random).toEqual(b.random);
    expect(a.random.sharpe).not.toBe(c.random.sharpe);
    expect(a.random.n).toBe(298);
  });
});
