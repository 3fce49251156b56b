/**
 * The K = 4 kernels (hmm-k4.ts) against plain loops written here in the generic order, bit for
 * bit, and the K = 4 fit against brute force and against the online filter.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seedFromString } from '../../../src/engine/core/hash';
import { Prng } from '../../../src/engine/core/prng';
import { expNonPositive } from '../../../src/engine/core/stats';
import { filterForward, fitGaussianHmm, type HmmParams, initialParams, logLikelihood, varianceFloor } from '../../../src/engine/regime/hmm';
import { backwardK4, emissionK4D2, emissionK4D3, forwardK4, momentsK4D2, momentsK4D3 } from '../../../src/engine/regime/hmm-k4';
import { simulateHmm } from '../../../src/engine/regime/simulate';

const K = 4;

function model(D: number, key: string): HmmParams {
  const r = new Prng(seedFromString(key));
  const transmat = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    let s = 0;
    for (let j = 0; j < K; j++) s += transmat[i * K + j] = (i === j ? 8 : 0) + r.next();
    for (let j = 0; j < K; j++) transmat[i * K + j] /= s;
  }
  return {
    states: K,
    dims: D,
    startprob: Float64Array.from([0.1, 0.2, 0.3, 0.4]),
    transmat,
    means: Float64Array.from({ length: K * D }, (_, q) => (Math.floor(q / D) - 1.5) * 1.5 + r.normal() * 0.3),
    variances: Float64Array.from({ length: K * D }, () => 0.3 + r.next()),
  };
}

const sample = (p: HmmParams, T: number, key: string) => simulateHmm(p, T, new Prng(seedFromString(key)));

/** Generic-order reference of the emission pass: B = exp(lp − max lp), returns Σ max. */
function refEmission(p: HmmParams, X: Float64Array, T: number, B: Float64Array): number {
  const D = p.dims;
  let total = 0;
  for (let t = 0; t < T; t++) {
    let mx = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < K; k++) {
      let s = 0;
      let c = 0;
      for (let d = 0; d < D; d++) {
        const v = p.variances[k * D + d];
        c += Math.log(2 * Math.PI) + Math.log(v);
        const z = X[t * D + d] - p.means[k * D + d];
        s += z * z * (1 / v);
      }
      B[t * K + k] = -0.5 * c - 0.5 * s;
      if (B[t * K + k] > mx) mx = B[t * K + k];
    }
    for (let k = 0; k < K; k++) B[t * K + k] = expNonPositive(B[t * K + k] - mx);
    total += mx;
  }
  return total;
}

function emissionConstants(p: HmmParams): { cst: Float64Array; inv: Float64Array } {
  const D = p.dims;
  const cst = new Float64Array(K);
  const inv = new Float64Array(K * D);
  for (let k = 0; k < K; k++) {
    let c = 0;
    for (let d = 0; d < D; d++) {
      const v = p.variances[k * D + d];
      c += Math.log(2 * Math.PI) + Math.log(v);
      inv[k * D + d] = 1 / v;
    }
    cst[k] = -0.5 * c;
  }
  return { cst, inv };
}

describe('K = 4 kernels equal the generic loops bit for bit', () => {
  it.each([2, 3])('emission, forward, backward and moments (D = %i)', (D) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.string(), (T, key) => {
        const p = model(D, `k4.${D}.${key}`);
        const { X } = sample(p, T, `k4.x.${key}`);
        const ref = new Float64Array(T * K);
        const refTotal = refEmission(p, X, T, ref);
        const { cst, inv } = emissionConstants(p);
        const B = new Float64Array(T * K);
        const total = (D === 2 ? emissionK4D2 : emissionK4D3)(p.means, cst, inv, X, B, T);
        expect(total).toBe(refTotal);
        expect(Array.from(B)).toEqual(Array.from(ref));

        // forward: α̂_t ∝ (α̂_{t−1}A) ⊙ b_t, Σ_i from i = 0
        const A = p.transmat;
        const rAlpha = new Float64Array(T * K);
        const rc = new Float64Array(T);
        let rll = 0;
        for (let t = 0; t < T; t++) {
          let c = 0;
          for (let j = 0; j < K; j++) {
            let s = 0;
            if (t === 0) s = p.startprob[j];
            else for (let i = 0; i < K; i++) s += rAlpha[(t - 1) * K + i] * A[i * K + j];
            rAlpha[t * K + j] = s * B[t * K + j];
            c += rAlpha[t * K + j];
          }
          for (let j = 0; j < K; j++) rAlpha[t * K + j] *= 1 / c;
          rc[t] = c;
          rll += Math.log(c);
        }
        const alpha = new Float64Array(T * K);
        const c = new Float64Array(T);
        const ll = forwardK4(A, p.startprob, B, alpha, c, 0, T, () => {
          throw new Error('no rescue expected');
        });
        expect(ll).toBe(rll);
        expect(Array.from(alpha)).toEqual(Array.from(rAlpha));
        expect(Array.from(c)).toEqual(Array.from(rc));

        // backward: β̂, γ and Σ α̂_t(i) w_{t+1}(j), rows descending
        const beta = new Float64Array(T * K).fill(1);
        const rGamma = new Float64Array(T * K);
        const rXi = new Float64Array(K * K);
        const w = new Float64Array(K);
        for (let t = T - 1; t >= 0; t--) {
          if (t > 0) {
            for (let j = 0; j < K; j++) w[j] = B[t * K + j] * beta[t * K + j] * (1 / c[t]);
            for (let i = 0; i < K; i++) {
              let s = 0;
              for (let j = 0; j < K; j++) {
                s += A[i * K + j] * w[j];
                rXi[i * K + j] += alpha[(t - 1) * K + i] * w[j];
              }
              beta[(t - 1) * K + i] = s;
            }
          }
          let g = 0;
          for (let k = 0; k < K; k++) g += alpha[t * K + k] * beta[t * K + k];
          for (let k = 0; k < K; k++) rGamma[t * K + k] = alpha[t * K + k] * beta[t * K + k] * (1 / g);
        }
        const gamma = new Float64Array(T * K);
        const xi = new Float64Array(K * K);
        backwardK4(A, B, alpha, c, gamma, xi, 0, T);
        expect(Array.from(gamma)).toEqual(Array.from(rGamma));
        expect(Array.from(xi)).toEqual(Array.from(rXi));

        // moments about the current means, rows ascending
        const rm = new Float64Array(K);
        const r1 = new Float64Array(K * D);
        const r2 = new Float64Array(K * D);
        for (let t = 0; t < T; t++) {
          for (let k = 0; k < K; k++) {
            const g = gamma[t * K + k];
            rm[k] += g;
            for (let d = 0; d < D; d++) {
              const z = X[t * D + d] - p.means[k * D + d];
              r1[k * D + d] += g * z;
              r2[k * D + d] += g * z * z;
            }
          }
        }
        const mass = new Float64Array(K);
        const s1 = new Float64Array(K * D);
        const s2 = new Float64Array(K * D);
        (D === 2 ? momentsK4D2 : momentsK4D3)(p.means, X, gamma, T, mass, s1, s2);
        expect(Array.from(mass)).toEqual(Array.from(rm));
        expect(Array.from(s1)).toEqual(Array.from(r1));
        expect(Array.from(s2)).toEqual(Array.from(r2));
      }),
      { numRuns: 12 },
    );
  });
});

describe('K = 4 fits', () => {
  it('the E pass equals brute-force enumeration of all 4^T paths', () => {
    const p = model(2, 'k4.enum');
    const T = 5;
    const { X } = sample(p, T, 'k4.enum.x');
    const fit = fitGaussianHmm(X, T, 2, { states: 4, maxIter: 0 });
    const q = fit.params;
    const logp: number[] = [];
    const paths: number[][] = [];
    for (let code = 0; code < K ** T; code++) {
      const path = Array.from({ length: T }, (_, t) => Math.floor(code / K ** (T - 1 - t)) % K);
      let lp = Math.log(q.startprob[path[0]]);
      for (let t = 0; t < T; t++) {
        if (t > 0) lp += Math.log(q.transmat[path[t - 1] * K + path[t]]);
        for (let d = 0; d < 2; d++) {
          const v = q.variances[path[t] * 2 + d];
          const z = X[t * 2 + d] - q.means[path[t] * 2 + d];
          lp += -0.5 * (Math.log(2 * Math.PI * v) + (z * z) / v);
        }
      }
      logp.push(lp);
      paths.push(path);
    }
    const lse = (a: number[]) => {
      const m = Math.max(...a);
      return m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
    };
    const total = lse(logp);
    expect(fit.loglik).toBeCloseTo(total, 10);
    let best = 0;
    for (let i = 1; i < logp.length; i++) if (logp[i] > logp[best]) best = i;
    expect(Array.from(fit.viterbi)).toEqual(paths[best]);
    for (let t = 0; t < T; t++) {
      for (let k = 0; k < K; k++) {
        const sel = logp.filter((_, i) => paths[i][t] === k);
        const want = sel.length ? Math.exp(lse(sel) - total) : 0;
        expect(fit.smoothed[t * K + k]).toBeCloseTo(want, 12);
      }
    }
  });

  it('filterForward reproduces the fitted filtered probabilities bit for bit (D = 1, 2, 3, 5)', () => {
    for (const D of [1, 2, 3, 5]) {
      const s = sample(model(D, `k4.f.${D}`), 1200, `k4.f.x.${D}`);
      const fit = fitGaussianHmm(s.X, 1200, D, { states: 4 });
      expect(fit.iterations).toBeGreaterThan(1);
      expect(Array.from(filterForward(fit.params, s.X, 1200)), `D = ${D}`).toEqual(Array.from(fit.filtered));
      expect(fit.loglik).toBeCloseTo(logLikelihood(fit.params, s.X, 1200), 8);
    }
  });

  it('rescues a row only an unreachable state explains, as the online filter does', () => {
    // States 1–3 can never be entered; x = 60 is ~1800 nats likelier under state 3.
    const trap: HmmParams = {
      states: 4,
      dims: 1,
      startprob: Float64Array.of(1, 0, 0, 0),
      transmat: Float64Array.from({ length: 16 }, (_, q) => (Math.floor(q / 4) === q % 4 ? 1 : 0)),
      means: Float64Array.of(0, 20, 40, 60),
      variances: Float64Array.of(1, 1, 1, 1),
    };
    const X = Float64Array.of(0.5, 60, -0.2, 0.1);
    const fit = fitGaussianHmm(X, 4, 1, { init: trap, maxIter: 0 });
    expect(Array.from(fit.filtered)).toEqual(Array.from(filterForward(trap, X, 4)));
    expect(Array.from(fit.filtered)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
    const exact = Array.from(X).reduce((s, x) => s - 0.5 * (Math.log(2 * Math.PI) + x * x), 0);
    expect(fit.loglik).toBeCloseTo(exact, 9);
  });

  it('the rank-group initialisation equals a stable comparator sort, ties and signed zeros included', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(-2, -1, -0, 0, 0.5, 1, 3), { minLength: 4, maxLength: 60 }),
        fc.integer({ min: 2, max: 4 }),
        (vals, k) => {
          const T = vals.length;
          fc.pre(T >= k && new Set(vals.map((v) => v + 0)).size > 1);
          const X = new Float64Array(T * 2);
          vals.forEach((v, t) => {
            X[t * 2] = v;
            X[t * 2 + 1] = t % 3;
          });
          const floor = varianceFloor(X, T, 2);
          fc.pre(floor[1] > 0);
          const order = Array.from({ length: T }, (_, t) => t).sort((a, b) => X[a * 2] - X[b * 2] || a - b);
          const group = new Array<number>(T);
          order.forEach((t, r) => {
            group[t] = Math.floor((r * k) / T);
          });
          const sums = new Float64Array(k * 2);
          const counts = new Float64Array(k);
          for (let t = 0; t < T; t++) {
            counts[group[t]]++;
            sums[group[t] * 2] += X[t * 2];
            sums[group[t] * 2 + 1] += X[t * 2 + 1];
          }
          const p = initialParams(X, T, 2, k, floor);
          for (let g = 0; g < k; g++) {
            expect(p.means[g * 2]).toBe(sums[g * 2] / counts[g]);
            expect(p.means[g * 2 + 1]).toBe(sums[g * 2 + 1] / counts[g]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
