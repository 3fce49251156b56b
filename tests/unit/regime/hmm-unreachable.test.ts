/**
 * Regression: an observation far likelier under a state the transition matrix makes
 * unreachable used to underflow every reachable state's scaled emission to 0 and throw
 * "HMM forward pass: an observation has zero likelihood" (CMCSA, the first walk-forward fit).
 */
import { describe, expect, it } from 'vitest';
import { computeFeatures } from '../../../src/engine/features/registry';
import { causalRegimes } from '../../../src/engine/regime/causal';
import { DEFAULT_REGIME_FEATURES } from '../../../src/engine/regime/detect';
import { buildObservations } from '../../../src/engine/regime/observations';
import { filterForward, fitGaussianHmm, type HmmParams, HmmFilter, HmmUnderflowError, logLikelihood } from '../../../src/engine/regime/hmm';
import { head, loadReal } from '../features/helpers';

const logNormal = (x: number, mu: number, v: number) => -0.5 * (Math.log(2 * Math.PI * v) + ((x - mu) * (x - mu)) / v);

/** State 1 can never be entered (π₁ = 0, A₀₁ = 0) yet explains x = 100 by 5·10⁷ nats more. */
const trap: HmmParams = {
  states: 2,
  dims: 1,
  startprob: Float64Array.of(1, 0),
  transmat: Float64Array.of(1, 0, 0, 1),
  means: Float64Array.of(0, 100),
  variances: Float64Array.of(1e-4, 1),
};

describe('HMM forward pass with an unreachable, far likelier state', () => {
  it('filters to the only reachable state with the exact log-likelihood', () => {
    const X = Float64Array.of(0.01, 100, -0.02);
    const f = filterForward(trap, X, 3);
    expect(Array.from(f)).toEqual([1, 0, 1, 0, 1, 0]);
    const expected = logNormal(0.01, 0, 1e-4) + logNormal(100, 0, 1e-4) + logNormal(-0.02, 0, 1e-4);
    expect(logLikelihood(trap, X, 3)).toBeCloseTo(expected, 6);
    const online = new HmmFilter(trap);
    const out = new Float64Array(2);
    for (let t = 0; t < 3; t++) online.update(X, t, out, 0);
    expect(online.loglik).toBeCloseTo(expected, 6);
  });

  it('handles the first row the same way (π puts no mass on the likelier state)', () => {
    const f = filterForward(trap, Float64Array.of(100), 1);
    expect(Array.from(f)).toEqual([1, 0]);
    expect(logLikelihood(trap, Float64Array.of(100), 1)).toBeCloseTo(logNormal(100, 0, 1e-4), 6);
  });

  it('still reports a row no reachable state can produce at all', () => {
    const inf: HmmParams = { ...trap, variances: Float64Array.of(1e-300, 1) };
    expect(() => filterForward(inf, Float64Array.of(0, 1e200), 2)).toThrow(/zero likelihood/);
  });
});

describe('a subnormal forward normaliser', () => {
  // π puts 9·10⁻³¹² on the only state that can explain x = 0: the row's normaliser is that
  // subnormal number, whose reciprocal overflows (the old pass turned it into NaN probabilities).
  const tiny: HmmParams = {
    states: 4,
    dims: 1,
    startprob: Float64Array.of(1, 9e-312, 0, 0),
    transmat: Float64Array.from({ length: 16 }, (_, q) => (Math.floor(q / 4) === q % 4 ? 1 : 0)),
    means: Float64Array.of(50, 0, 60, 70),
    variances: Float64Array.of(1e-4, 1, 1, 1),
  };

  it('is reported as a typed underflow error by the batch and the online pass alike', () => {
    const X = Float64Array.of(0, 0.1);
    expect(() => logLikelihood(tiny, X, 2)).toThrow(HmmUnderflowError);
    expect(() => filterForward(tiny, X, 2)).toThrow(HmmUnderflowError);
  });

  it('an over-relaxed EM trial that meets one is rejected, not the fit (CMCSA, refits every 252 rows)', () => {
    const r = causalRegimes(loadReal('CMCSA'), { method: 'hmm', refitEvery: 252 });
    let rows = 0;
    for (let t = 0; t < r.ts.length; t++) {
      if (Number.isNaN(r.probs[t * 4])) continue;
      rows++;
      const s = r.probs[t * 4] + r.probs[t * 4 + 1] + r.probs[t * 4 + 2] + r.probs[t * 4 + 3];
      expect(Math.abs(s - 1)).toBeLessThan(1e-12);
    }
    expect(rows).toBeGreaterThan(4000);
  });
});

describe('causalRegimes on the real CMCSA file', () => {
  // 340 bars hold the first walk-forward fit whose filter hit the outlier rows
  const bars = head(loadReal('CMCSA'), 340);

  it('hmm and consensus run, and every available row is a probability vector', () => {
    for (const method of ['hmm', 'consensus'] as const) {
      const r = causalRegimes(bars, { method });
      let rows = 0;
      for (let t = 0; t < r.ts.length; t++) {
        if (Number.isNaN(r.probs[t * 4])) continue;
        rows++;
        let s = 0;
        for (let k = 0; k < 4; k++) {
          const p = r.probs[t * 4 + k];
          expect(p).toBeGreaterThanOrEqual(0);
          s += p;
        }
        expect(s).toBeCloseTo(1, 12);
      }
      expect(rows).toBeGreaterThan(60);
    }
  });

  it('the first window’s model filters the outlier rows, and a fit over them matches its own filter bit for bit', () => {
    const obs = buildObservations(computeFeatures(DEFAULT_REGIME_FEATURES, bars, null).columns);
    const { X, T, D } = obs;
    const fit = fitGaussianHmm(X.slice(0, 252 * D), 252, D, { states: 4 });
    // the rows after the first window are where the old forward pass threw
    const f = filterForward(fit.params, X.subarray(0, T * D), T);
    for (let i = 0; i < f.length; i++) expect(Number.isFinite(f[i])).toBe(true);
    const whole = fitGaussianHmm(X.slice(0, T * D), T, D, { states: 4 });
    const again = filterForward(whole.params, X.subarray(0, T * D), T);
    expect(Buffer.from(again.buffer).equals(Buffer.from(whole.filtered.buffer))).toBe(true);
  });
});

describe('fit on data with an unreachable state', () => {
  it('Baum–Welch keeps a non-decreasing loglik and matches filterForward exactly', () => {
    // Two well-separated regimes and one far outlier: its state ends up with zero in-transitions.
    const T = 400;
    const X = new Float64Array(T * 2);
    for (let t = 0; t < T; t++) {
      const hi = Math.floor(t / 50) % 2 === 1;
      X[t * 2] = (hi ? 0.02 : -0.01) + 0.001 * Math.sin(t * 1.7);
      X[t * 2 + 1] = (hi ? 0.3 : 0.1) + 0.01 * Math.cos(t * 2.3);
    }
    X[0] = 0.9;
    X[1] = 5;
    const fit = fitGaussianHmm(X, T, 2, { states: 3 });
    for (let i = 1; i < fit.trace.length; i++) expect(fit.trace[i]).toBeGreaterThanOrEqual(fit.trace[i - 1] - 1e-7);
    const f = filterForward(fit.params, X, T);
    expect(Buffer.from(f.buffer).equals(Buffer.from(fit.filtered.buffer))).toBe(true);
  });
});
