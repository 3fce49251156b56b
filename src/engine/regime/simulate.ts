/**
 * Draws a state path and observations from a diagonal Gaussian HMM with a seeded PRNG — for
 * tests, benchmarks and the demo; never a substitute for real data.
 */
import type { Prng } from '../core/prng';
import type { HmmParams } from './hmm';

export interface HmmSample {
  /** T×D row-major */
  X: Float64Array;
  states: Int32Array;
}

function draw(prng: Prng, probs: Float64Array, off: number, K: number): number {
  const u = prng.next();
  let acc = 0;
  for (let k = 0; k < K - 1; k++) {
    acc += probs[off + k];
    if (u < acc) return k;
  }
  return K - 1;
}

export function simulateHmm(p: HmmParams, T: number, prng: Prng): HmmSample {
  const { states: K, dims: D } = p;
  const X = new Float64Array(T * D);
  const states = new Int32Array(T);
  let s = 0;
  for (let t = 0; t < T; t++) {
    s = t === 0 ? draw(prng, p.startprob, 0, K) : draw(prng, p.transmat, s * K, K);
    states[t] = s;
    for (let d = 0; d < D; d++) X[t * D + d] = p.means[s * D + d] + Math.sqrt(p.variances[s * D + d]) * prng.normal();
  }
  return { X, states };
}
