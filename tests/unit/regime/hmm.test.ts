import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedFromString } from '../../../src/engine/core/hash';
import { Prng } from '../../../src/engine/core/prng';
import {
  HmmFilter,
  type HmmParams,
  expectedDurations,
  filterForward,
  fitGaussianHmm,
  initialParams,
  logLikelihood,
  varianceFloor,
  viterbiPath,
} from '../../../src/engine/regime/hmm';
import { buildObservations } from '../../../src/engine/regime/observations';
import { simulateHmm } from '../../../src/engine/regime/simulate';

function params(K: number, D: number, p: Partial<HmmParams> & Pick<HmmParams, 'means' | 'variances'>): HmmParams {
  return {
    states: K,
    dims: D,
    startprob: p.startprob ?? new Float64Array(K).fill(1 / K),
    transmat: p.transmat ?? new Float64Array(K * K).map((_, q) => (Math.floor(q / K) === q % K ? 0.9 : 0.1 / (K - 1))),
    means: p.means,
    variances: p.variances,
  };
}

const TRUE3 = params(3, 2, {
  startprob: Float64Array.from([0.5, 0.3, 0.2]),
  transmat: Float64Array.from([0.95, 0.04, 0.01, 0.03, 0.94, 0.03, 0.02, 0.06, 0.92]),
  means: Float64Array.from([-2, 0.5, 0, -1, 2.5, 1]),
  variances: Float64Array.from([0.5, 0.3, 0.4, 0.6, 0.8, 0.2]),
});

function sample(p: HmmParams, T: number, key: string) {
  return simulateHmm(p, T, new Prng(seedFromString(key)));
}

function logNormal(x: number, m: number, v: number): number {
  return -0.5 * (Math.log(2 * Math.PI * v) + ((x - m) * (x - m)) / v);
}

/** Brute force over all K^T paths: joint log-probabilities of (path, X). */
function enumeratePaths(p: HmmParams, X: Float64Array, T: number): { paths: number[][]; logp: number[] } {
  const { states: K, dims: D } = p;
  const paths: number[][] = [];
  const logp: number[] = [];
  const path = new Array(T).fill(0);
  for (let code = 0; code < K ** T; code++) {
    let c = code;
    for (let t = T - 1; t >= 0; t--) {
      path[t] = c % K;
      c = Math.floor(c / K);
    }
    let lp = Math.log(p.startprob[path[0]]);
    for (let t = 0; t < T; t++) {
      if (t > 0) lp += Math.log(p.transmat[path[t - 1] * K + path[t]]);
      for (let d = 0; d < D; d++) lp += logNormal(X[t * D + d], p.means[path[t] * D + d], p.variances[path[t] * D + d]);
    }
    paths.push([...path]);
    logp.push(lp);
  }
  return { paths, logp };
}

function logSumExp(a: number[]): number {
  const m = Math.max(...a);
  return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
}

describe('Gaussian HMM (contract C)', () => {
  it('forward likelihood, filtered/smoothed marginals and Viterbi equal brute-force enumeration', () => {
    const p = params(3, 2, {
      startprob: Float64Array.from([0.2, 0.5, 0.3]),
      transmat: Float64Array.from([0.7, 0.2, 0.1, 0.1, 0.8, 0.1, 0.25, 0.25, 0.5]),
      means: Float64Array.from([-1, 0, 0, 1, 1, -1]),
      variances: Float64Array.from([1, 0.5, 0.7, 1.2, 0.9, 0.4]),
    });
    const T = 6;
    const X = sample(p, T, 'hmm.enumerate').X;
    const { paths, logp } = enumeratePaths(p, X, T);
    const total = logSumExp(logp);
    expect(logLikelihood(p, X, T)).toBeCloseTo(total, 10);
    // smoothed γ_t(k) = Σ_{paths with s_t = k} p / total; filtered uses only rows ≤ t.
    const filtered = filterForward(p, X, T);
    for (let t = 0; t < T; t++) {
      const prefix = enumeratePaths(p, X.subarray(0, (t + 1) * 2), t + 1);
      const pt = logSumExp(prefix.logp);
      for (let k = 0; k < 3; k++) {
        const sel = prefix.logp.filter((_, i) => prefix.paths[i][t] === k);
        expect(filtered[t * 3 + k]).toBeCloseTo(Math.exp(logSumExp(sel) - pt), 12);
      }
    }
    let best = 0;
    for (let i = 1; i < logp.length; i++) if (logp[i] > logp[best]) best = i;
    expect(Array.from(viterbiPath(p, X, T))).toEqual(paths[best]);
    // fit with 0 iterations = the deterministic initial parameters' E pass, relabelled
    const fit = fitGaussianHmm(X, T, 2, { states: 3, maxIter: 0 });
    expect(fit.iterations).toBe(0);
    expect(fit.converged).toBe(false);
    const e = enumeratePaths(fit.params, X, T);
    const tot = logSumExp(e.logp);
    expect(fit.loglik).toBeCloseTo(tot, 10);
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < 3; k++) {
        const sel = e.logp.filter((_, i) => e.paths[i][t] === k);
        expect(fit.smoothed[t * 3 + k]).toBeCloseTo(Math.exp(logSumExp(sel) - tot), 12);
      }
    }
  });

  it('initialises from rank groups of the first feature (stable for ties)', () => {
    // X[:,0] = [5, 1, 5, 3, 2, 4]; ranks (stable): 5→4, 1→0, 5→5, 3→2, 2→1, 4→3; K = 2 → groups of 3
    const X = Float64Array.from([5, 10, 1, 20, 5, 30, 3, 40, 2, 50, 4, 60]);
    const floor = varianceFloor(X, 6, 2);
    const p = initialParams(X, 6, 2, 2, floor);
    // group 0 = rows {1, 4, 3} (values 1, 2, 3), group 1 = rows {5, 0, 2} (4, 5, 5)
    expect(Array.from(p.means)).toEqual([2, (20 + 50 + 40) / 3, 14 / 3, (60 + 10 + 30) / 3]);
    expect(p.variances[0]).toBeCloseTo(2 / 3, 14);
    expect(p.variances[2]).toBeCloseTo(2 / 9, 14);
    expect(Array.from(p.startprob)).toEqual([0.5, 0.5]);
    expect(Array.from(p.transmat)).toEqual([0.9, 0.1, 0.1, 0.9]);
    expect(floor[0]).toBeCloseTo(1e-6 * varPop([5, 1, 5, 3, 2, 4]), 20);
    expect(floor[1]).toBeCloseTo(1e-6 * varPop([10, 20, 30, 40, 50, 60]), 18);
  });

  it('recovers the parameters of data simulated from a known 3-state HMM', () => {
    const T = 4000;
    const { X, states } = sample(TRUE3, T, 'hmm.recover');
    const fit = fitGaussianHmm(X, T, 2, { states: 3 });
    expect(fit.converged).toBe(true);
    // TRUE3's means are already in ascending order of the first feature.
    for (let q = 0; q < 6; q++) expect(Math.abs(fit.params.means[q] - TRUE3.means[q])).toBeLessThan(0.08);
    for (let q = 0; q < 6; q++) expect(Math.abs(fit.params.variances[q] / TRUE3.variances[q] - 1)).toBeLessThan(0.12);
    for (let q = 0; q < 9; q++) expect(Math.abs(fit.params.transmat[q] - TRUE3.transmat[q])).toBeLessThan(0.025);
    let hit = 0;
    for (let t = 0; t < T; t++) if (fit.viterbi[t] === states[t]) hit++;
    expect(hit / T).toBeGreaterThan(0.97);
    const dur = expectedDurations(fit.params);
    expect(dur[0]).toBeGreaterThan(12);
    expect(dur[0]).toBeLessThan(30);
  });

  it('log-likelihood never decreases across Baum–Welch iterations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 4 }), fc.string(), (K, key) => {
        const { X } = sample(TRUE3, 600, `hmm.mono:${key}`);
        const fit = fitGaussianHmm(X, 600, 2, { states: K });
        expect(fit.trace.length).toBe(fit.iterations + 1);
        for (let i = 1; i < fit.trace.length; i++) {
          expect(fit.trace[i] - fit.trace[i - 1]).toBeGreaterThanOrEqual(-1e-9 * Math.abs(fit.trace[i - 1]));
        }
        // the stop rule: the last improvement is below tol (or the iteration cap was hit)
        const n = fit.trace.length;
        if (fit.converged && n > 1) expect(fit.trace[n - 1] - fit.trace[n - 2]).toBeLessThan(1e-4);
        expect(Math.abs(fit.loglik - fit.trace[n - 1])).toBeLessThan(1e-8 * Math.abs(fit.loglik));
      }),
      { numRuns: 8 },
    );
  });

  it('is deterministic and leaves its input untouched', () => {
    const { X } = sample(TRUE3, 800, 'hmm.det');
    const copy = X.slice();
    const a = fitGaussianHmm(X, 800, 2, { states: 3 });
    const b = fitGaussianHmm(X.slice(), 800, 2, { states: 3 });
    expect(Array.from(X)).toEqual(Array.from(copy));
    for (const k of ['filtered', 'smoothed'] as const) expect(Array.from(a[k])).toEqual(Array.from(b[k]));
    expect(Array.from(a.params.transmat)).toEqual(Array.from(b.params.transmat));
    expect(a.loglik).toBe(b.loglik);
  });

  it('probabilities are distributions; states are ordered by the first mean; durations are 1/(1−A_ii)', () => {
    const { X } = sample(TRUE3, 1000, 'hmm.shape');
    const fit = fitGaussianHmm(X, 1000, 2, { states: 4 });
    const K = 4;
    for (const m of [fit.filtered, fit.smoothed]) {
      for (let t = 0; t < 1000; t++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += m[t * K + k];
        expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      }
    }
    for (let i = 0; i < K; i++) {
      let s = 0;
      for (let j = 0; j < K; j++) s += fit.params.transmat[i * K + j];
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
      expect(fit.durations[i]).toBeCloseTo(1 / (1 - fit.params.transmat[i * K + i]), 12);
    }
    for (let k = 1; k < K; k++) expect(fit.params.means[k * 2]).toBeGreaterThanOrEqual(fit.params.means[(k - 1) * 2]);
    for (let q = 0; q < K * 2; q++) expect(fit.params.variances[q]).toBeGreaterThanOrEqual(fit.varianceFloor[q % 2]);
  });

  it('filterForward reproduces the fit’s filtered probabilities bit for bit (every emission path)', () => {
    const { X } = sample(TRUE3, 1500, 'hmm.filter');
    const fit = fitGaussianHmm(X, 1500, 2, { states: 3 });
    expect(Array.from(filterForward(fit.params, X, 1500))).toEqual(Array.from(fit.filtered));
    // D = 1 and 5 take the generic loops, D = 3 the unrolled one (D = 2 above).
    for (const D of [1, 3, 5]) {
      const p = params(3, D, {
        means: Float64Array.from({ length: 3 * D }, (_, q) => (Math.floor(q / D) - 1) * 2 + (q % D) * 0.1),
        variances: Float64Array.from({ length: 3 * D }, (_, q) => 0.5 + (q % 4) * 0.2),
      });
      const s = sample(p, 800, `hmm.filter.${D}`);
      const f = fitGaussianHmm(s.X, 800, D, { states: 3 });
      expect(Array.from(filterForward(f.params, s.X, 800)), `D = ${D}`).toEqual(Array.from(f.filtered));
    }
  });

  it('filtered probabilities are causal: appending rows never changes earlier ones', () => {
    const { X } = sample(TRUE3, 400, 'hmm.causal');
    const fit = fitGaussianHmm(X, 400, 2, { states: 3 });
    const full = filterForward(fit.params, X, 400);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), (n) => {
        const part = filterForward(fit.params, X.subarray(0, n * 2), n);
        expect(Array.from(part)).toEqual(Array.from(full.subarray(0, n * 3)));
      }),
      { numRuns: 40 },
    );
    // Online use row by row gives the same bits as the batch call.
    const f = new HmmFilter(fit.params);
    const out = new Float64Array(3);
    for (let t = 0; t < 400; t++) {
      f.update(X, t * 2, out, 0);
      expect(Array.from(out)).toEqual(Array.from(full.subarray(t * 3, t * 3 + 3)));
    }
    expect(f.loglik).toBeCloseTo(logLikelihood(fit.params, X, 400), 8);
  });

  it('a non-finite row is skipped by the online filter (as the fit drops it)', () => {
    const { X } = sample(TRUE3, 50, 'hmm.gap');
    const withGap = new Float64Array(51 * 2);
    withGap.set(X.subarray(0, 20 * 2), 0);
    withGap.set([Number.NaN, 1], 40);
    withGap.set(X.subarray(40), 42);
    const a = filterForward(TRUE3, withGap, 51);
    const b = filterForward(TRUE3, X, 50);
    expect(Array.from(a.subarray(60, 63)).every(Number.isNaN)).toBe(true);
    expect(Array.from(a.subarray(63))).toEqual(Array.from(b.subarray(60)));
  });

  it('Viterbi ties go to the lowest state index', () => {
    // Two identical states: every path has a twin; the all-lowest path must win.
    const p = params(2, 1, {
      transmat: Float64Array.from([0.5, 0.5, 0.5, 0.5]),
      means: Float64Array.from([0, 0]),
      variances: Float64Array.from([1, 1]),
    });
    const X = Float64Array.from([0.3, -1, 2, 0.1]);
    expect(Array.from(viterbiPath(p, X, 4))).toEqual([0, 0, 0, 0]);
  });

  it('drops rows with any non-finite feature and reports the kept rows', () => {
    const a = Float64Array.from([1, Number.NaN, 3, 4, Number.POSITIVE_INFINITY]);
    const b = Float64Array.from([5, 6, Number.NaN, 8, 9]);
    const o = buildObservations([a, b]);
    expect(o.T).toBe(2);
    expect(Array.from(o.kept)).toEqual([0, 3]);
    expect(Array.from(o.X)).toEqual([1, 5, 4, 8]);
  });

  it('rejects unusable input with specific messages', () => {
    const X = Float64Array.from([1, 2, 3, 4, 5, 6]);
    expect(() => fitGaussianHmm(X, 6, 1, { states: 1 })).toThrow(/states must be an integer ≥ 2/);
    expect(() => fitGaussianHmm(X, 6, 1, { states: 7 })).toThrow(/at least as many rows as states/);
    expect(() => fitGaussianHmm(Float64Array.from([1, 1, 1, 1]), 4, 1, { states: 2 })).toThrow(/column 0 is constant/);
    expect(() => fitGaussianHmm(Float64Array.from([1, Number.NaN, 3]), 3, 1, { states: 2 })).toThrow(/non-finite value at row 1/);
    expect(() => fitGaussianHmm(X, 5, 1)).toThrow(/expected a 5×1 matrix/);
  });
});

function varPop(a: number[]): number {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return a.reduce((s, v) => s + (v - m) ** 2, 0) / a.length;
}
