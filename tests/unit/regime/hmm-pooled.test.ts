/**
 * Multi-sequence ("pooled") Baum–Welch (`lengths`, as hmmlearn) and warm starts (`init`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedFromString } from '../../../src/engine/core/hash';
import { Prng } from '../../../src/engine/core/prng';
import { filterForward, filterHmm, fitGaussianHmm, HmmFilter, type HmmParams, logLikelihood } from '../../../src/engine/regime/hmm';
import { simulateHmm } from '../../../src/engine/regime/simulate';

const TRUE3: HmmParams = {
  states: 3,
  dims: 2,
  startprob: Float64Array.from([0.5, 0.3, 0.2]),
  transmat: Float64Array.from([0.95, 0.04, 0.01, 0.03, 0.94, 0.03, 0.02, 0.06, 0.92]),
  means: Float64Array.from([-2, 0.5, 0, -1, 2.5, 1]),
  variances: Float64Array.from([0.5, 0.3, 0.4, 0.6, 0.8, 0.2]),
};

const TRUE4: HmmParams = {
  states: 4,
  dims: 3,
  startprob: Float64Array.from([0.25, 0.25, 0.25, 0.25]),
  transmat: Float64Array.from([0.95, 0.03, 0.01, 0.01, 0.02, 0.95, 0.02, 0.01, 0.01, 0.03, 0.94, 0.02, 0.02, 0.02, 0.04, 0.92]),
  means: Float64Array.from([-2, 1, 0, -0.5, 0, 1, 0.5, -1, 0, 2, 0.5, -1]),
  variances: Float64Array.from([1, 0.5, 1, 0.5, 1, 0.7, 0.8, 0.6, 1, 1.5, 1, 0.5]),
};

const sample = (p: HmmParams, T: number, key: string) => simulateHmm(p, T, new Prng(seedFromString(key)));

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const bits = (a: Float64Array) => Array.from(a);

describe('pooled fit over several sequences (lengths)', () => {
  it.each([3, 4])('one sequence equals the single-sequence fit bit for bit (K = %i)', (K) => {
    const p = K === 3 ? TRUE3 : TRUE4;
    const { X } = sample(p, 900, `pooled.one.${K}`);
    const a = fitGaussianHmm(X, 900, p.dims, { states: K });
    const b = fitGaussianHmm(X, 900, p.dims, { states: K, lengths: [900] });
    expect(b.iterations).toBe(a.iterations);
    expect(b.loglik).toBe(a.loglik);
    for (const k of ['startprob', 'transmat', 'means', 'variances'] as const) expect(bits(b.params[k])).toEqual(bits(a.params[k]));
    expect(bits(b.filtered)).toEqual(bits(a.filtered));
    expect(bits(b.smoothed)).toEqual(bits(a.smoothed));
    expect(Array.from(b.viterbi)).toEqual(Array.from(a.viterbi));
  });

  it.each([3, 4])('two copies of one sequence give the same parameters (K = %i)', (K) => {
    const p = K === 3 ? TRUE3 : TRUE4;
    // T divisible by K: the doubled sample's rank groups are exactly the single sample's.
    const T = 720;
    const { X } = sample(p, T, `pooled.twice.${K}`);
    // A fixed number of iterations: the absolute stop rule would see doubled improvements.
    const opts = { states: K, tol: Number.NEGATIVE_INFINITY, maxIter: 40 };
    const one = fitGaussianHmm(X, T, p.dims, opts);
    const two = fitGaussianHmm(concat([X, X]), 2 * T, p.dims, { ...opts, lengths: [T, T] });
    expect(Math.abs(two.loglik - 2 * one.loglik)).toBeLessThan(1e-9 * Math.abs(two.loglik));
    for (const k of ['startprob', 'transmat', 'means', 'variances'] as const) {
      expect(maxAbsDiff(two.params[k], one.params[k]), k).toBeLessThan(1e-9);
    }
    // each copy is filtered and smoothed on its own
    expect(maxAbsDiff(two.filtered.subarray(T * K), one.filtered)).toBeLessThan(1e-9);
    expect(maxAbsDiff(two.smoothed.subarray(0, T * K), one.smoothed)).toBeLessThan(1e-9);
    expect(Array.from(two.viterbi.subarray(T))).toEqual(Array.from(one.viterbi));
  });

  it('sequences are independent: each restarts from π, and loglik is the sum over sequences', () => {
    const lens = [300, 1, 450, 250];
    const parts = lens.map((n, i) => sample(TRUE4, n, `pooled.indep.${i}`).X);
    const X = concat(parts);
    const T = X.length / 3;
    const fit = fitGaussianHmm(X, T, 3, { states: 4, lengths: lens });
    let at = 0;
    let ll = 0;
    parts.forEach((part, i) => {
      const n = lens[i];
      // the pooled fit's filtered rows of a sequence = filtering that sequence alone, bit for bit
      expect(bits(fit.filtered.subarray(at * 4, (at + n) * 4)), `sequence ${i}`).toEqual(bits(filterHmm(fit.params, part, n, 3)));
      ll += logLikelihood(fit.params, part, n);
      at += n;
    });
    expect(Math.abs(fit.loglik - ll)).toBeLessThan(1e-9 * Math.abs(ll));
    // π is the mean of the sequences' first-row posteriors
    for (let k = 0; k < 4; k++) {
      let s = 0;
      let o = 0;
      for (const n of lens) {
        s += fit.smoothed[o * 4 + k];
        o += n;
      }
      expect(fit.params.startprob[k]).toBeCloseTo(s / lens.length, 2);
    }
  });

  it('log-likelihood never decreases across iterations of a pooled fit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 2, max: 200 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 2, max: 4 }), (lens, K) => {
        const T = lens.reduce((s, n) => s + n, 0);
        fc.pre(T >= 3 * K);
        const X = concat(lens.map((n, i) => sample(TRUE3, n, `pooled.mono.${i}.${n}`).X));
        const fit = fitGaussianHmm(X, T, 2, { states: K, lengths: lens });
        for (let i = 1; i < fit.trace.length; i++) {
          expect(fit.trace[i] - fit.trace[i - 1]).toBeGreaterThanOrEqual(-1e-9 * Math.abs(fit.trace[i - 1]));
        }
        let s = 0;
        for (let k = 0; k < K; k++) s += fit.params.startprob[k];
        expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      }),
      { numRuns: 15 },
    );
  });

  it('recovers a known 4-state model from many short sequences', () => {
    const lens = Array.from({ length: 24 }, (_, i) => 200 + ((i * 37) % 150));
    const parts = lens.map((n, i) => sample(TRUE4, n, `pooled.recover.${i}`));
    const X = concat(parts.map((p) => p.X));
    const T = X.length / 3;
    const fit = fitGaussianHmm(X, T, 3, { states: 4, lengths: lens });
    expect(fit.converged).toBe(true);
    // Expectations: the sample's own per-state moments and transition frequencies (within
    // sequences) along the simulated paths — the fit should find them, not the population values.
    const n = new Float64Array(4);
    const s1 = new Float64Array(12);
    const s2 = new Float64Array(12);
    const moves = new Float64Array(16);
    for (const p of parts) {
      p.states.forEach((k, t) => {
        n[k]++;
        if (t > 0) moves[p.states[t - 1] * 4 + k]++;
        for (let d = 0; d < 3; d++) {
          s1[k * 3 + d] += p.X[t * 3 + d];
          s2[k * 3 + d] += p.X[t * 3 + d] ** 2;
        }
      });
    }
    // TRUE4's means are in ascending order of the first feature, as the fit's states are.
    for (let q = 0; q < 12; q++) {
      const k = Math.floor(q / 3);
      const mean = s1[q] / n[k];
      expect(Math.abs(fit.params.means[q] - mean), `mean ${q}`).toBeLessThan(0.05);
      expect(Math.abs(fit.params.variances[q] / (s2[q] / n[k] - mean * mean) - 1), `variance ${q}`).toBeLessThan(0.05);
    }
    for (let i = 0; i < 4; i++) {
      const out = moves[i * 4] + moves[i * 4 + 1] + moves[i * 4 + 2] + moves[i * 4 + 3];
      for (let j = 0; j < 4; j++) expect(Math.abs(fit.params.transmat[i * 4 + j] - moves[i * 4 + j] / out), `transmat ${i}${j}`).toBeLessThan(0.015);
    }
    // and the Viterbi path of the pooled model finds the simulated states
    const truth = concat(parts.map((p) => Float64Array.from(p.states)));
    let hit = 0;
    for (let t = 0; t < T; t++) if (fit.viterbi[t] === truth[t]) hit++;
    expect(hit / T).toBeGreaterThan(0.8);
  });

  it('filterHmm returns the online filter’s bits (batch path when finite, row path with gaps)', () => {
    for (const p of [TRUE3, TRUE4]) {
      const { X } = sample(p, 700, `pooled.filter.${p.states}`);
      const D = p.dims;
      expect(bits(filterHmm(p, X, 700, D))).toEqual(bits(filterForward(p, X, 700)));
      const gap = X.slice();
      gap[350 * D] = Number.NaN;
      const f = filterHmm(p, gap, 700, D);
      expect(bits(f)).toEqual(bits(filterForward(p, gap, 700)));
      expect(Number.isNaN(f[350 * p.states])).toBe(true);
    }
    expect(filterHmm(TRUE4, new Float64Array(0), 0, 3).length).toBe(0);
  });

  it('rejects lengths that do not describe X', () => {
    const { X } = sample(TRUE3, 100, 'pooled.bad');
    expect(() => fitGaussianHmm(X, 100, 2, { states: 3, lengths: [60, 30] })).toThrow(/sum to 90, but X has 100 rows/);
    expect(() => fitGaussianHmm(X, 100, 2, { states: 3, lengths: [100, 0] })).toThrow(/sequence 1 has length 0/);
    expect(() => fitGaussianHmm(X, 100, 2, { states: 3, lengths: [] })).toThrow(/at least one sequence/);
    expect(() => filterHmm(TRUE3, X, 100, 3)).toThrow(/2 features, X has 3/);
  });
});

describe('warm start (init)', () => {
  it('starting from a converged fit stops at once near the same parameters', () => {
    const { X } = sample(TRUE4, 2000, 'warm.same');
    const cold = fitGaussianHmm(X, 2000, 3);
    const warm = fitGaussianHmm(X, 2000, 3, { init: cold.params });
    expect(warm.iterations).toBeLessThanOrEqual(2);
    expect(warm.loglik).toBeGreaterThanOrEqual(cold.loglik - 1e-4);
    for (const k of ['transmat', 'means', 'variances'] as const) expect(maxAbsDiff(warm.params[k], cold.params[k]), k).toBeLessThan(1e-3);
  });

  it('starts from the given parameters: zero iterations return them (relabelled, floored)', () => {
    const { X } = sample(TRUE3, 500, 'warm.zero');
    const init: HmmParams = {
      ...TRUE3,
      // states out of order and a variance below the floor
      means: Float64Array.from([2.5, 1, -2, 0.5, 0, -1]),
      variances: Float64Array.from([1e-12, 0.2, 0.5, 0.3, 0.4, 0.6]),
    };
    const fit = fitGaussianHmm(X, 500, 2, { init, maxIter: 0 });
    expect(Array.from(fit.params.means)).toEqual([-2, 0.5, 0, -1, 2.5, 1]);
    expect(fit.params.variances[4]).toBe(fit.varianceFloor[0]);
    expect(Array.from(fit.params.startprob)).toEqual([0.3, 0.2, 0.5]);
    expect(fit.params.transmat[0]).toBe(TRUE3.transmat[4]);
    expect(fit.loglik).toBeCloseTo(logLikelihood(fit.params, X, 500), 8);
    // the caller's parameters are not modified
    expect(init.variances[0]).toBe(1e-12);
  });

  it('log-likelihood never decreases from a warm start, and the fit is deterministic', () => {
    const { X } = sample(TRUE4, 1500, 'warm.mono');
    const init = fitGaussianHmm(X.subarray(0, 600 * 3), 600, 3).params;
    const a = fitGaussianHmm(X, 1500, 3, { init });
    const b = fitGaussianHmm(X, 1500, 3, { init });
    for (let i = 1; i < a.trace.length; i++) expect(a.trace[i] - a.trace[i - 1]).toBeGreaterThanOrEqual(-1e-9 * Math.abs(a.trace[i - 1]));
    expect(a.trace[0]).toBeCloseTo(logLikelihood(init, X, 1500), 6);
    expect(bits(a.filtered)).toEqual(bits(b.filtered));
    expect(a.loglik).toBe(b.loglik);
  });

  it('HmmFilter.resume from a fit’s last filtered row continues with the bits of a filter run from row 0', () => {
    const { X } = sample(TRUE4, 900, 'warm.resume');
    const fit = fitGaussianHmm(X.subarray(0, 600 * 3), 600, 3);
    const full = filterForward(fit.params, X, 900);
    const f = new HmmFilter(fit.params);
    f.resume(fit.filtered, 599 * 4);
    const out = new Float64Array(300 * 4);
    for (let t = 600; t < 900; t++) f.update(X, t * 3, out, (t - 600) * 4);
    expect(bits(out)).toEqual(bits(full.subarray(600 * 4)));
    expect(f.loglik).toBeCloseTo(logLikelihood(fit.params, X, 900) - logLikelihood(fit.params, X.subarray(0, 600 * 3), 600), 6);
    expect(() => f.resume(Float64Array.of(0.5, Number.NaN, 0, 0), 0)).toThrow(/state probability 1 is NaN/);
  });

  it('rejects parameters that do not fit the data or are not a model', () => {
    const { X } = sample(TRUE3, 100, 'warm.bad');
    expect(() => fitGaussianHmm(X, 100, 2, { init: TRUE4 })).toThrow(/4 states × 3 dims, the fit needs 4 × 2/);
    expect(() => fitGaussianHmm(X, 100, 2, { states: 4, init: TRUE3 })).toThrow(/3 states × 2 dims, the fit needs 4 × 2/);
    const nanMean = { ...TRUE3, means: Float64Array.from([Number.NaN, 0, 0, 0, 0, 0]) };
    expect(() => fitGaussianHmm(X, 100, 2, { init: nanMean })).toThrow(/means\[0\] = NaN/);
    const negA = { ...TRUE3, transmat: Float64Array.from([1.1, -0.1, 0, 0, 1, 0, 0, 0, 1]) };
    expect(() => fitGaussianHmm(X, 100, 2, { init: negA })).toThrow(/transmat\[0\] = 1.1/);
  });
});

describe('over-relaxed EM (accelerate)', () => {
  it('reaches the plain fit’s optimum with a non-decreasing loglik in fewer E-steps', () => {
    let plainSteps = 0;
    let fastSteps = 0;
    for (let s = 0; s < 4; s++) {
      const { X } = sample(TRUE4, 2000, `acc.${s}`);
      const plain = fitGaussianHmm(X, 2000, 3);
      const fast = fitGaussianHmm(X, 2000, 3, { accelerate: true });
      for (let i = 1; i < fast.trace.length; i++) expect(fast.trace[i]).toBeGreaterThanOrEqual(fast.trace[i - 1]);
      expect(Math.abs(fast.loglik - plain.loglik), `seed ${s}`).toBeLessThan(1e-3);
      for (const k of ['transmat', 'means', 'variances'] as const) expect(maxAbsDiff(fast.params[k], plain.params[k]), k).toBeLessThan(2e-3);
      expect(fast.converged).toBe(true);
      plainSteps += plain.trace.length;
      fastSteps += fast.trace.length;
    }
    // seed 3 has a slow EM tail (≈ 600 plain iterations)
    expect(fastSteps).toBeLessThan(plainSteps / 2);
  });

  it('is deterministic and keeps every probability row a distribution', () => {
    const { X } = sample(TRUE3, 1500, 'acc.flat');
    // 4 states for 3-state data: a flat likelihood where plain EM crawls
    const a = fitGaussianHmm(X, 1500, 2, { states: 4, accelerate: true });
    const b = fitGaussianHmm(X, 1500, 2, { states: 4, accelerate: true });
    const plain = fitGaussianHmm(X, 1500, 2, { states: 4 });
    expect(a.loglik).toBe(b.loglik);
    expect(bits(a.params.transmat)).toEqual(bits(b.params.transmat));
    expect(a.trace.length).toBeLessThan(plain.trace.length);
    expect(a.loglik).toBeGreaterThan(plain.loglik - 0.1);
    for (let i = 0; i < 4; i++) {
      let r = 0;
      for (let j = 0; j < 4; j++) r += a.params.transmat[i * 4 + j];
      expect(Math.abs(r - 1)).toBeLessThan(1e-12);
    }
    for (let q = 0; q < 8; q++) expect(a.params.variances[q]).toBeGreaterThanOrEqual(a.varianceFloor[q % 2]);
  });
});

