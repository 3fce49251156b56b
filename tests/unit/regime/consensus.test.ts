import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ConsensusComponent,
  combineConsensus,
  normalisedEntropy,
  uncertaintyMultiplier,
} from '../../../src/engine/regime/consensus';
import { canonicalProbs, mapStatesToRegimes, oneHot, stateProfiles } from '../../../src/engine/regime/mapping';
import {
  argmaxRows,
  durationsFromTransmat,
  empiricalTransmat,
  stateStatistics,
  transitionCounts,
} from '../../../src/engine/regime/paths';

const NaN4 = [Number.NaN, Number.NaN, Number.NaN, Number.NaN];

function comp(name: ConsensusComponent['name'], rows: Array<{ r: number; c: number; p: number[] }>): ConsensusComponent {
  return {
    name,
    probs: Float64Array.from(rows.flatMap((x) => x.p)),
    regime: Int32Array.from(rows.map((x) => x.r)),
    confidence: Float64Array.from(rows.map((x) => x.c)),
  };
}

describe('consensus (§3.6)', () => {
  it('weighted vote, fraction as confidence, weighted probabilities (by hand)', () => {
    const hmm = comp('hmm', [
      { r: 0, c: 0.8, p: [0.8, 0.1, 0.05, 0.05] },
      { r: 1, c: 0.5, p: [0.2, 0.5, 0.2, 0.1] },
      { r: 2, c: 0.6, p: [0.1, 0.1, 0.6, 0.2] },
    ]);
    const rules = comp('rules', [
      { r: 0, c: 0.7, p: [1, 0, 0, 0] },
      { r: 2, c: 0.9, p: [0, 0, 1, 0] },
      { r: 2, c: 0.5, p: [0, 0, 1, 0] },
    ]);
    const jump = comp('jump', [
      { r: 3, c: 0.4, p: [0.3, 0.1, 0.2, 0.4] },
      { r: 0, c: 0.9, p: [0.9, 0.05, 0.05, 0] },
      { r: -1, c: Number.NaN, p: NaN4 }, // absent at row 2
    ]);
    const c = combineConsensus([hmm, rules, jump], 3);
    // row 0: scores bull 0.5·0.8 + 0.3·0.7 = 0.61, high-vol 0.2·0.4 = 0.08 → 0.61/0.69
    expect(c.regime[0]).toBe(0);
    expect(c.confidence[0]).toBeCloseTo(0.61 / 0.69, 14);
    const p0 = [0.5 * 0.8 + 0.3 + 0.2 * 0.3, 0.5 * 0.1 + 0.2 * 0.1, 0.5 * 0.05 + 0.2 * 0.2, 0.5 * 0.05 + 0.2 * 0.4];
    for (const [r, v] of p0.entries()) expect(c.probs[r]).toBeCloseTo(v, 14);
    expect(c.agreement[0]).toBeCloseTo(0.8, 14);
    // row 1: bear 0.25, mean-rev 0.27, bull 0.18 → best 0.27/0.70 < 0.40 → uncertain fallback to 3
    expect(c.regime[1]).toBe(3);
    expect(c.fallback[1]).toBe(1);
    expect(c.confidence[1]).toBeCloseTo(0.27 / 0.7, 14);
    expect(c.agreement[1]).toBe(0);
    // row 2: jump absent → weights 0.5/0.8, 0.3/0.8; both vote 2 → fraction 1
    expect(c.present[2]).toBe(2);
    expect(c.regime[2]).toBe(2);
    expect(c.confidence[2]).toBeCloseTo(1, 14);
    const p2 = [0.625 * 0.1, 0.625 * 0.1, 0.625 * 0.6 + 0.375, 0.625 * 0.2];
    for (const [r, v] of p2.entries()) expect(c.probs[8 + r]).toBeCloseTo(v, 14);
    expect(c.agreement[2]).toBeCloseTo(1, 14);
    expect(c.uncertainty[2]).toBeCloseTo(normalisedEntropy(p2), 14);
  });

  it('zero total score falls back to the HMM regime with confidence 1/n; no component → empty row', () => {
    const hmm = comp('hmm', [
      { r: 1, c: 0, p: [0.25, 0.25, 0.25, 0.25] },
      { r: -1, c: Number.NaN, p: NaN4 },
    ]);
    const rules = comp('rules', [
      { r: 2, c: 0, p: [0, 0, 1, 0] },
      { r: -1, c: Number.NaN, p: NaN4 },
    ]);
    const c = combineConsensus([rules, hmm], 2);
    expect(c.regime[0]).toBe(1);
    expect(c.confidence[0]).toBe(0.5);
    expect(c.regime[1]).toBe(-1);
    expect(c.confidence[1]).toBeNaN();
  });

  it('custom weights are used as given and the confidence is never halved', () => {
    const a = comp('hmm', [{ r: 0, c: 1, p: [1, 0, 0, 0] }]);
    const b = comp('jump', [{ r: 1, c: 1, p: [0, 1, 0, 0] }]);
    const c = combineConsensus([a, b], 1, { hmm: 0.25, jump: 0.75 });
    expect(c.regime[0]).toBe(1);
    expect(c.confidence[0]).toBe(0.75);
    expect(c.weights).toEqual({ hmm: 0.25, jump: 0.75 });
    expect(() => combineConsensus([a, a], 1)).toThrow(/twice/);
  });

  it('probabilities are distributions and confidence/uncertainty lie in [0, 1]', () => {
    const row = fc.record({
      r: fc.integer({ min: 0, max: 3 }),
      c: fc.double({ min: 0, max: 1, noNaN: true }),
      p: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 4, maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(fc.tuple(row, row, row), { minLength: 1, maxLength: 20 }), (rows) => {
        const norm = (p: number[]) => {
          const s = p.reduce((a, b) => a + b, 0);
          return s > 0 ? p.map((v) => v / s) : [0.25, 0.25, 0.25, 0.25];
        };
        const mk = (i: 0 | 1 | 2, name: ConsensusComponent['name']) =>
          comp(
            name,
            rows.map((t) => ({ ...t[i], p: norm(t[i].p) })),
          );
        const c = combineConsensus([mk(0, 'hmm'), mk(1, 'rules'), mk(2, 'jump')], rows.length);
        for (let t = 0; t < rows.length; t++) {
          const s = c.probs[4 * t] + c.probs[4 * t + 1] + c.probs[4 * t + 2] + c.probs[4 * t + 3];
          expect(s).toBeCloseTo(1, 12);
          expect(c.confidence[t]).toBeGreaterThanOrEqual(0);
          expect(c.confidence[t]).toBeLessThanOrEqual(1 + 1e-12);
          expect(c.uncertainty[t]).toBeGreaterThanOrEqual(0);
          expect(c.uncertainty[t]).toBeLessThanOrEqual(1 + 1e-12);
        }
      }),
    );
  });

  it('entropy and the uncertainty gate match the §3.1 / §3.7 definitions', () => {
    expect(normalisedEntropy([0.25, 0.25, 0.25, 0.25])).toBeCloseTo(1, 15);
    expect(normalisedEntropy([1, 0, 0, 0])).toBeCloseTo((-3 * 1e-10 * Math.log(1e-10)) / Math.log(4), 20);
    expect(normalisedEntropy([0.5, 0.5, 0, 0])).toBeCloseTo(0.5, 7); // plus the 1e-10 floors
    expect(uncertaintyMultiplier(0)).toBe(1);
    expect(uncertaintyMultiplier(0.25)).toBeCloseTo(0.975, 15);
    expect(uncertaintyMultiplier(0.5)).toBeCloseTo(0.95, 15);
    expect(uncertaintyMultiplier(0.75)).toBeCloseTo(0.9, 15);
    expect(uncertaintyMultiplier(1)).toBeCloseTo(0.85, 15);
    expect(uncertaintyMultiplier(7)).toBeCloseTo(0.85, 15);
  });
});

describe('state → regime mapping', () => {
  it('profiles are weighted means of returns and NATR (by hand)', () => {
    const W = Float64Array.from([1, 0, 0.5, 0.5, 0, 1, Number.NaN, Number.NaN]);
    const p = stateProfiles(W, 4, 2, Float64Array.from([0.01, 0.03, -0.02, 5]), Float64Array.from([1, 2, Number.NaN, 9]));
    expect(p.meanReturn[0]).toBeCloseTo((0.01 + 0.5 * 0.03) / 1.5, 15);
    expect(p.meanReturn[1]).toBeCloseTo((0.5 * 0.03 - 0.02) / 1.5, 15);
    expect(p.meanNatr[0]).toBeCloseTo((1 + 0.5 * 2) / 1.5, 15);
    expect(p.meanNatr[1]).toBeCloseTo(2, 15); // row 2 has no NATR; row 3 has no weights
  });

  it('highest NATR → high volatility, then best/worst return → bull/bear, rest → mean reverting', () => {
    const prof = (ret: number[], natr: number[]) => ({
      meanReturn: Float64Array.from(ret),
      meanNatr: Float64Array.from(natr),
      retStd: new Float64Array(ret.length).fill(Number.NaN),
    });
    expect(Array.from(mapStatesToRegimes(prof([0.001, -0.002, 0.0005, -0.001], [1, 1.5, 0.8, 3])))).toEqual([0, 1, 2, 3]);
    expect(Array.from(mapStatesToRegimes(prof([0.0, 0.002, -0.04, 0.001, 0.0005], [1, 1, 2, 4, 0.5])))).toEqual([2, 0, 1, 3, 2]);
    expect(Array.from(mapStatesToRegimes(prof([0.001, -0.001], [1, 2])))).toEqual([0, 3]);
    expect(Array.from(mapStatesToRegimes(prof([0.001, -0.001, 0], [1, 2, 0.5])))).toEqual([0, 3, 1]);
    // without NATR the return volatility ranks the states
    const noNatr = { meanReturn: Float64Array.from([0, 0.001, -0.001]), meanNatr: new Float64Array(3).fill(Number.NaN), retStd: Float64Array.from([0.03, 0.01, 0.01]) };
    expect(Array.from(mapStatesToRegimes(noNatr))).toEqual([3, 0, 1]);
  });

  it('canonical probabilities sum states of a regime and keep NaN rows', () => {
    const P = Float64Array.from([0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.25, 0.25, Number.NaN, 0, 0, 0]);
    const C = canonicalProbs(P, 3, 4, Int32Array.from([2, 2, 0, 3]));
    expect(Array.from(C.subarray(0, 4)).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0.3, 0, 0.3, 0.4]);
    expect(Array.from(C.subarray(4, 8))).toEqual([0.25, 0, 0.5, 0.25]);
    expect(C[8]).toBeNaN();
    expect(Array.from(oneHot(Int32Array.from([1, -1]), 2))).toEqual([0, 1, Number.NaN, Number.NaN]);
  });
});

describe('path statistics', () => {
  const path = Int32Array.from([0, 0, 1, 1, 1, -1, 1, 0, 2]);
  const ret = Float64Array.from([0.01, 0.03, -0.01, 0.02, 0.05, 0.5, Number.NaN, 0.02, 0.04]);

  it('transition counts, empirical matrix and durations (by hand)', () => {
    const c = transitionCounts(path, 3);
    // pairs: 0→0, 0→1, 1→1, 1→1, (1→−, −→1 skipped), 1→0, 0→2
    expect(Array.from(c)).toEqual([1, 1, 1, 1, 2, 0, 0, 0, 0]);
    const A = empiricalTransmat(path, 3);
    expect(Array.from(A.subarray(0, 6))).toEqual([1 / 3, 1 / 3, 1 / 3, 1 / 3, 2 / 3, 0]);
    expect(A[6]).toBeNaN(); // state 2 never left
    const d = durationsFromTransmat(A, 3);
    expect(d[0]).toBeCloseTo(1.5, 15);
    expect(d[1]).toBeCloseTo(3, 15);
    expect(d[2]).toBeNaN();
    expect(durationsFromTransmat(Float64Array.from([1, 0, 0.5, 0.5]), 2)[0]).toBe(Number.POSITIVE_INFINITY);
  });

  it('per-state statistics: count, share, mean return, annualised vol, runs (by hand)', () => {
    const s = stateStatistics(path, 3, ret);
    expect(Array.from(s.count)).toEqual([3, 4, 1]);
    expect(Array.from(s.share)).toEqual([3 / 8, 4 / 8, 1 / 8]);
    expect(Array.from(s.runs)).toEqual([2, 2, 1]);
    expect(Array.from(s.meanDuration)).toEqual([1.5, 2, 1]);
    expect(s.meanReturn[0]).toBeCloseTo(0.02, 15);
    expect(s.meanReturn[1]).toBeCloseTo(0.02, 15); // NaN return skipped
    expect(s.vol[0]).toBeCloseTo(0.01 * Math.sqrt(252), 14); // sample std of 0.01, 0.03, 0.02
    expect(s.vol[2]).toBeNaN();
  });

  it('argmax of probability rows: ties to the lowest state, NaN rows → −1', () => {
    const P = Float64Array.from([0.2, 0.4, 0.4, 0.5, 0.2, 0.3, Number.NaN, 0.5, 0.5]);
    expect(Array.from(argmaxRows(P, 3, 3))).toEqual([1, 0, -1]);
    expect(() => stateStatistics(Int32Array.from([3]), 3, Float64Array.from([0]))).toThrow(/row 0 has state 3/);
  });
});
