/**
 * Contract-C HMM against the independent numpy implementation
 * (tests/reference/features/hmm_ref.py, log-space forward–backward) on real files.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isoDay } from '../../../src/engine/core/time';
import { detectHmmRegimes } from '../../../src/engine/regime/detect';
import { FIXTURES, loadReal } from '../features/helpers';

interface RefDoc {
  ticker: string;
  features: string[];
  states: number;
  loglik: number;
  iterations: number;
  converged: boolean;
  trace: number[];
  startprob: number[];
  transmat: number[][];
  means: number[][];
  variances: number[][];
  dates: string[];
  filtered: number[][];
  smoothed: number[][];
  viterbi: number[];
}

function readRef(name: string): RefDoc {
  return JSON.parse(gunzipSync(readFileSync(resolve(FIXTURES, name))).toString('utf8'));
}

/** Largest |x − ref| / max(1, |ref|). */
function worst(x: ArrayLike<number>, ref: number[]): number {
  expect(x.length).toBe(ref.length);
  let w = 0;
  for (let i = 0; i < ref.length; i++) w = Math.max(w, Math.abs(x[i] - ref[i]) / Math.max(1, Math.abs(ref[i])));
  return w;
}

describe('Gaussian HMM matches the numpy reference', () => {
  for (const name of ['hmm_SPY_k4.json.gz', 'hmm_JPM_k3.json.gz']) {
    it(name, () => {
      const ref = readRef(name);
      const r = detectHmmRegimes(loadReal(ref.ticker), { features: ref.features, states: ref.states });
      const { fit } = r;
      expect(Array.from(r.ts, isoDay)).toEqual(ref.dates);
      expect(Math.abs(fit.iterations - ref.iterations)).toBeLessThanOrEqual(1);
      expect(fit.converged).toBe(ref.converged);
      expect(Math.abs(fit.loglik - ref.loglik)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(ref.loglik)));
      expect(worst(fit.params.startprob, ref.startprob)).toBeLessThanOrEqual(1e-5);
      expect(worst(fit.params.transmat, ref.transmat.flat())).toBeLessThanOrEqual(1e-5);
      expect(worst(fit.params.means, ref.means.flat())).toBeLessThanOrEqual(1e-5);
      expect(worst(fit.params.variances, ref.variances.flat())).toBeLessThanOrEqual(1e-5);
      expect(worst(fit.filtered, ref.filtered.flat())).toBeLessThanOrEqual(1e-5);
      expect(worst(fit.smoothed, ref.smoothed.flat())).toBeLessThanOrEqual(1e-5);
      let same = 0;
      for (let t = 0; t < ref.viterbi.length; t++) if (fit.viterbi[t] === ref.viterbi[t]) same++;
      expect(same / ref.viterbi.length).toBeGreaterThanOrEqual(0.999);
      // The per-iteration likelihood trace agrees too (same algorithm, different arithmetic).
      const n = Math.min(fit.trace.length, ref.trace.length);
      expect(worst(fit.trace.subarray(0, n), ref.trace.slice(0, n))).toBeLessThanOrEqual(1e-6);
    });
  }
});
