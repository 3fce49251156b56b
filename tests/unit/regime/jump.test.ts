import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedFromString } from '../../../src/engine/core/hash';
import { Prng } from '../../../src/engine/core/prng';
import { computeFeatures } from '../../../src/engine/features/registry';
import type { HmmParams } from '../../../src/engine/regime/hmm';
import {
  defaultJumpPenalty,
  fitJumpModel,
  JumpFilter,
  type JumpModel,
  jumpDpPath,
  jumpOnline,
  jumpPath,
  pathObjective,
} from '../../../src/engine/regime/jump';
import { buildObservations } from '../../../src/engine/regime/observations';
import { simulateHmm } from '../../../src/engine/regime/simulate';
import { loadReal } from '../features/helpers';

/** Three persistent, well separated regimes in two dimensions. */
const SEPARATED: HmmParams = {
  states: 3,
  dims: 2,
  startprob: Float64Array.from([1 / 3, 1 / 3, 1 / 3]),
  transmat: Float64Array.from([0.97, 0.02, 0.01, 0.015, 0.97, 0.015, 0.01, 0.02, 0.97]),
  means: Float64Array.from([-2, 0, 0, 2, 2, -1]),
  variances: Float64Array.from([0.5, 0.5, 0.4, 0.6, 0.5, 0.3]),
};

function sample(p: HmmParams, T: number, key: string) {
  return simulateHmm(p, T, new Prng(seedFromString(key)));
}

/** Best share of rows on which `a` equals a relabelling of `b` (K ≤ 4: all permutations). */
function matchedAccuracy(a: Int32Array, b: Int32Array, K: number): number {
  const perms = (xs: number[]): number[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => perms([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  let best = 0;
  for (const p of perms(Array.from({ length: K }, (_, k) => k))) {
    let n = 0;
    for (let t = 0; t < a.length; t++) if (p[a[t]] === b[t]) n++;
    best = Math.max(best, n / a.length);
  }
  return best;
}

/** Minimum of Σ L + λ·switches over all K^T paths (brute force). */
function bruteForce(L: Float64Array, T: number, K: number, lambda: number): number {
  let best = Number.POSITIVE_INFINITY;
  const path = new Int32Array(T);
  for (let code = 0; code < K ** T; code++) {
    let c = code;
    for (let t = T - 1; t >= 0; t--) {
      path[t] = c % K;
      c = Math.floor(c / K);
    }
    best = Math.min(best, pathObjective(L, path, T, K, lambda));
  }
  return best;
}

const finite = fc.double({ min: -5, max: 5, noNaN: true, noDefaultInfinity: true });

describe('jump model: dynamic programme', () => {
  it('finds the minimum-cost path (equals brute force over all paths)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 2, max: 3 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 4, noNaN: true }), { minLength: 18, maxLength: 18 }),
        (T, K, lambda, vals) => {
          const L = Float64Array.from(vals.slice(0, T * K));
          const path = new Int32Array(T);
          const obj = jumpDpPath(L, T, K, lambda, path);
          expect(obj).toBeCloseTo(bruteForce(L, T, K, lambda), 10);
          expect(pathObjective(L, path, T, K, lambda)).toBe(obj);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a hand-checked case: a one-row excursion is not worth a double switch', () => {
    // Losses of 2 states over 5 rows; row 2 prefers state 1 by 1.5 < 2λ = 2.
    const L = Float64Array.from([0, 3, 0, 3, 1.5, 0, 0, 3, 0, 3]);
    const path = new Int32Array(5);
    expect(jumpDpPath(L, 5, 2, 1, path)).toBe(1.5);
    expect([...path]).toEqual([0, 0, 0, 0, 0]);
    // With λ = 0.5 the excursion pays: 0 + 0 + 0 + 0.5·2 = 1 < 1.5.
    expect(jumpDpPath(L, 5, 2, 0.5, path)).toBe(1);
    expect([...path]).toEqual([0, 0, 1, 0, 0]);
  });
});

describe('jump model: fit', () => {
  it('recovers a simulated regime path with high accuracy', () => {
    const T = 3000;
    const s = sample(SEPARATED, T, 'jump-recovery');
    const fit = fitJumpModel(s.X, T, 2, { states: 3 });
    expect(fit.model.states).toBe(3);
    expect(matchedAccuracy(fit.path, s.states, 3)).toBeGreaterThan(0.97);
    // Online (causal) states lag regime changes by a few rows at most.
    expect(matchedAccuracy(fit.online, s.states, 3)).toBeGreaterThan(0.95);
    // Centroids in raw units near the true means (states ordered by the first coordinate).
    const raw = Array.from(fit.centroidsRaw);
    const truth = [-2, 0, 0, 2, 2, -1];
    for (const [i, v] of raw.entries()) expect(Math.abs(v - truth[i])).toBeLessThan(0.15);
    expect(fit.converged).toBe(true);
  });

  it('coordinate descent never increases the objective; the best restart wins', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0, max: 20, noNaN: true }), (key, lambda) => {
        const s = sample(SEPARATED, 300, `trace-${key}`);
        const fit = fitJumpModel(s.X, 300, 2, { states: 3, penalty: lambda, restarts: 3 });
        for (let i = 1; i < fit.trace.length; i++) expect(fit.trace[i]).toBeLessThanOrEqual(fit.trace[i - 1] * (1 + 1e-12) + 1e-12);
        expect(fit.objective).toBe(Math.min(...fit.restartObjectives));
        // The reported path is optimal for the reported centroids.
        expect(jumpPath(fit.model, s.X, 300).objective).toBe(fit.objective);
      }),
      { numRuns: 15 },
    );
  });

  it('λ = 0 gives nearest-centroid labels; a huge λ a single state', () => {
    const s = sample(SEPARATED, 400, 'extremes');
    const free = fitJumpModel(s.X, 400, 2, { states: 3, penalty: 0 });
    const { centroids: C, center, scale } = free.model;
    for (let t = 0; t < 400; t++) {
      const z = [(s.X[2 * t] - center[0]) / scale[0], (s.X[2 * t + 1] - center[1]) / scale[1]];
      const d = [0, 1, 2].map((k) => (z[0] - C[2 * k]) ** 2 + (z[1] - C[2 * k + 1]) ** 2);
      expect(d[free.path[t]]).toBe(Math.min(...d));
    }
    const stuck = fitJumpModel(s.X, 400, 2, { states: 3, penalty: 1e9 });
    expect(new Set(stuck.path).size).toBe(1);
    // Online, a switch never pays either: the state at t is the constant path with the least
    // cumulative loss over rows 0..t (which may change as evidence accumulates).
    const m = stuck.model;
    const cum = [0, 0, 0];
    for (let t = 0; t < 400; t++) {
      const z = [(s.X[2 * t] - m.center[0]) / m.scale[0], (s.X[2 * t + 1] - m.center[1]) / m.scale[1]];
      for (let k = 0; k < 3; k++) cum[k] += (z[0] - m.centroids[2 * k]) ** 2 + (z[1] - m.centroids[2 * k + 1]) ** 2;
      expect(cum[stuck.online[t]]).toBeCloseTo(Math.min(...cum), 6);
    }
  });

  it('is deterministic, leaves its input untouched, and caps the states at 4', () => {
    const s = sample(SEPARATED, 500, 'determinism');
    const copy = s.X.slice();
    const a = fitJumpModel(s.X, 500, 2, { states: 6 });
    const b = fitJumpModel(s.X, 500, 2, { states: 6 });
    expect(a.model.states).toBe(4);
    expect(s.X).toEqual(copy);
    expect(a.seed).toBe(b.seed);
    expect(Buffer.from(a.probs.buffer).equals(Buffer.from(b.probs.buffer))).toBe(true);
    expect(a.path).toEqual(b.path);
    expect(a.model.centroids).toEqual(b.model.centroids);
    // Different data → a different seed.
    const other = s.X.slice();
    other[0] += 1e-9;
    expect(fitJumpModel(other, 500, 2, { states: 6 }).seed).not.toBe(a.seed);
  });

  it('handles degenerate inputs: repeated rows, constant columns, T = K, one feature', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 4 }),
        fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 4, maxLength: 60 }),
        fc.boolean(),
        (D, K, ints, constantFirst) => {
          const T = Math.max(K, Math.floor(ints.length / D));
          const X = Float64Array.from({ length: T * D }, (_, i) => (constantFirst && i % D === 0 ? 7 : (ints[i % ints.length] ?? 0)));
          const fit = fitJumpModel(X, T, D, { states: K, penalty: 0.5 });
          for (let t = 0; t < T; t++) {
            expect(fit.online[t]).toBeGreaterThanOrEqual(0);
            expect(fit.online[t]).toBeLessThan(K);
            let sum = 0;
            for (let k = 0; k < K; k++) sum += fit.probs[t * K + k];
            expect(sum).toBeCloseTo(1, 12);
          }
          expect(Number.isFinite(fit.objective)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects non-finite observations and bad options with specific messages', () => {
    const X = Float64Array.from([0, 1, 2, Number.NaN, 4, 5]);
    expect(() => fitJumpModel(X, 3, 2, { states: 2 })).toThrow(/row 1, column 1/);
    expect(() => fitJumpModel(Float64Array.from([1, 2, 3]), 3, 1, { penalty: -1 })).toThrow(/penalty/);
    expect(() => fitJumpModel(Float64Array.from([1, 2, 3]), 3, 1, { states: 4 })).toThrow(/3 rows, 4 states/);
  });

  it('default λ = 3·D gives a few regime changes a year on SPY [logret_1, vol_20]', () => {
    const m = computeFeatures(['logret_1', 'vol_20'], loadReal('SPY'));
    const obs = buildObservations(m.columns);
    const fit = fitJumpModel(obs.X, obs.T, obs.D);
    expect(fit.model.penalty).toBe(defaultJumpPenalty(2));
    let switches = 0;
    for (let t = 1; t < obs.T; t++) if (fit.path[t] !== fit.path[t - 1]) switches++;
    const perYear = switches / (obs.T / 252);
    expect(perYear).toBeGreaterThan(2);
    expect(perYear).toBeLessThan(8);
  });
});

describe('jump model: online inference', () => {
  const s = sample(SEPARATED, 600, 'online');
  const fit = fitJumpModel(s.X, 600, 2, { states: 3, penalty: 4 });

  it('the online state at t is the last state of the best path over rows 0..t', () => {
    for (const t of [0, 1, 5, 57, 58, 200, 399, 599]) {
      const prefix = jumpPath(fit.model, s.X.subarray(0, (t + 1) * 2), t + 1).path;
      expect(fit.online[t]).toBe(prefix[t]);
    }
  });

  it('appending rows never changes earlier online states or probabilities (bit for bit)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 599 }), fc.array(finite, { minLength: 2, maxLength: 40 }), (n, extra) => {
        const rowsExtra = Math.floor(extra.length / 2);
        const X = new Float64Array(n * 2 + rowsExtra * 2);
        X.set(s.X.subarray(0, n * 2));
        X.set(extra.slice(0, rowsExtra * 2), n * 2);
        const short = jumpOnline(fit.model, s.X.subarray(0, n * 2), n);
        const long = jumpOnline(fit.model, X, n + rowsExtra);
        expect(long.states.subarray(0, n)).toEqual(short.states);
        expect(Buffer.from(long.probs.buffer, 0, n * 3 * 8).equals(Buffer.from(short.probs.buffer))).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('probabilities are distributions whose argmax is the online state', () => {
    for (let t = 0; t < 600; t++) {
      const p = Array.from(fit.probs.subarray(t * 3, t * 3 + 3));
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      expect(p[fit.online[t]]).toBe(Math.max(...p));
    }
  });

  it('with λ = 0 the probabilities are the spec’s distance softmax exp(−d²/τ)', () => {
    const m: JumpModel = { ...fit.model, penalty: 0 };
    const f = new JumpFilter(m);
    const out = new Float64Array(3);
    for (let t = 0; t < 50; t++) {
      f.update(s.X, t * 2, out, 0);
      const z = [(s.X[2 * t] - m.center[0]) / m.scale[0], (s.X[2 * t + 1] - m.center[1]) / m.scale[1]];
      const d = [0, 1, 2].map((k) => (z[0] - m.centroids[2 * k]) ** 2 + (z[1] - m.centroids[2 * k + 1]) ** 2);
      const w = d.map((x) => Math.exp(-x / m.temperature));
      const sum = w.reduce((a, b) => a + b, 0);
      for (const [k, v] of w.entries()) expect(out[k]).toBeCloseTo(v / sum, 12);
    }
  });

  it('skips a row with a missing value without changing its state', () => {
    const f = new JumpFilter(fit.model);
    const g = new JumpFilter(fit.model);
    const out = new Float64Array(3);
    const out2 = new Float64Array(3);
    for (let t = 0; t < 20; t++) f.update(s.X, t * 2, out, 0);
    expect(f.update([Number.NaN, 0], 0, out, 0)).toBe(-1);
    expect(Number.isNaN(out[0])).toBe(true);
    for (let t = 0; t < 20; t++) g.update(s.X, t * 2, out2, 0);
    expect(f.update(s.X, 40, out, 0)).toBe(g.update(s.X, 40, out2, 0));
    expect(out).toEqual(out2);
  });
});
