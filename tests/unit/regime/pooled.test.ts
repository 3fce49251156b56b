import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import type { HmmParams } from '../../../src/engine/regime/hmm';
import { applyPooledHmm, fitPooledHmm, pooledSample, standardisedObservations } from '../../../src/engine/regime/pooled';
import { simulateHmm } from '../../../src/engine/regime/simulate';
import { head, loadReal } from '../features/helpers';

const TRUE: HmmParams = {
  states: 2,
  dims: 2,
  startprob: Float64Array.of(0.5, 0.5),
  transmat: Float64Array.of(0.97, 0.03, 0.05, 0.95),
  means: Float64Array.of(-1, 0.5, 1.5, -0.5),
  variances: Float64Array.of(0.5, 0.3, 0.4, 0.6),
};

describe('pooledSample', () => {
  it('takes up to max ids evenly spaced through the sorted order, whatever the input order', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `T${String(i).padStart(2, '0')}`);
    expect(pooledSample([...ids].reverse(), 4)).toEqual(['T02', 'T07', 'T12', 'T17']);
    expect(pooledSample(['b', 'a'], 6)).toEqual(['a', 'b']);
  });
});

describe('standardisedObservations', () => {
  it('gives each column mean 0 and standard deviation 1 over the kept rows', () => {
    const obs = standardisedObservations(head(loadReal('AAPL'), 800), ['logret_1', 'vol_20']);
    for (let d = 0; d < obs.D; d++) {
      let s = 0;
      let ss = 0;
      for (let t = 0; t < obs.T; t++) s += obs.X[t * obs.D + d];
      for (let t = 0; t < obs.T; t++) ss += obs.X[t * obs.D + d] ** 2;
      expect(s / obs.T).toBeCloseTo(0, 12);
      expect(ss / obs.T).toBeCloseTo(1, 12);
    }
  });
});

describe('fitPooledHmm / applyPooledHmm', () => {
  const seqs = [11, 12, 13, 14].map((seed) => {
    const s = simulateHmm(TRUE, 1500, new Prng(seed));
    return { id: `S${seed}`, obs: { X: s.X, T: 1500, D: 2, kept: Int32Array.from({ length: 1500 }, (_, i) => i) }, states: s.states };
  });

  it('recovers the parameters of the HMM that generated several independent sequences', () => {
    const m = fitPooledHmm(seqs, ['a', 'b'], 2);
    expect(m.converged).toBe(true);
    expect(m.rows).toBe(6000);
    expect(m.sample).toEqual(['S11', 'S12', 'S13', 'S14']);
    for (let q = 0; q < 4; q++) expect(m.params.means[q]).toBeCloseTo(TRUE.means[q], 1);
    for (let q = 0; q < 4; q++) expect(Math.abs(m.params.transmat[q] - TRUE.transmat[q])).toBeLessThan(0.02);
    expect(m.id).toMatch(/^pooled-hmm-[0-9a-f]{16}$/);
    expect(fitPooledHmm(seqs, ['a', 'b'], 2)).toEqual(m); // deterministic
  });

  it('applies the shared parameters to one sequence without refitting them', () => {
    const m = fitPooledHmm(seqs, ['a', 'b'], 2);
    const fit = applyPooledHmm(m, seqs[0].obs);
    expect(fit.iterations).toBe(0);
    expect(fit.params.transmat).toEqual(m.params.transmat);
    expect(fit.params.means).toEqual(m.params.means);
    for (let t = 0; t < 1500; t++) expect(fit.filtered[2 * t] + fit.filtered[2 * t + 1]).toBeCloseTo(1, 12);
    // the simulated states are recovered by the Viterbi path (state 0 = lower first mean)
    let agree = 0;
    for (let t = 0; t < 1500; t++) if (fit.viterbi[t] === seqs[0].states[t]) agree++;
    expect(agree / 1500).toBeGreaterThan(0.9);
  });

  it('refuses sequences with different numbers of columns', () => {
    const bad = { id: 'X', obs: { X: new Float64Array(30), T: 10, D: 3, kept: new Int32Array(10) } };
    expect(() => fitPooledHmm([seqs[0], bad], ['a', 'b'], 2)).toThrow(/X has 3 observation columns, expected 2/);
  });
});
