import { describe, expect, it } from 'vitest';
import { Prng } from '../../../src/engine/core/prng';
import { monteCarloSignificance, spaTest } from '../../../src/engine/autopilot/stat-tests';

/** The spec's loops written out directly (two-pass Sharpe, element-wise block sums), same random stream. */
function naiveMc(r: Float64Array, h: number, seed: number, sims = 1000, rfAnnual = 0.04) {
  const n = r.length;
  const ann = Math.sqrt(252 / h);
  const rf = (rfAnnual * h) / 252;
  const sr = (x: Float64Array) => {
    const m = x.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / n);
    return sd > 0 ? ((m - rf) / sd) * ann : Number.NaN;
  };
  const obs = sr(r);
  const rng = new Prng(seed);
  const flipped = new Float64Array(n);
  let ge = 0;
  for (let s = 0; s < sims; s++) {
    let bits = 0;
    for (let k = 0; k < n; k++) {
      if (k % 32 === 0) bits = rng.nextUint32();
      flipped[k] = bits & 1 ? -r[k] : r[k];
      bits >>>= 1;
    }
    if (sr(flipped) >= obs - 1e-12 * Math.abs(obs)) ge++;
  }
  return { p: (1 + ge) / (1 + sims), obs };
}

function naiveSpa(d: Float64Array, seed: number, B = 1000, block = 10) {
  const n = d.length;
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const stat = Math.sqrt(n) * mean;
  const rng = new Prng(seed);
  let ge = 0;
  for (let b = 0; b < B; b++) {
    let sum = 0;
    let filled = 0;
    while (filled < n) {
      const start = rng.int(n);
      for (let j = 0; j < block && filled < n; j++, filled++) sum += d[(start + j) % n] - mean;
    }
    if (Math.sqrt(n) * (sum / n) >= stat) ge++;
  }
  return ge / B;
}

function returns(n: number, drift: number, seed: number): Float64Array {
  const g = new Prng(seed);
  return Float64Array.from({ length: n }, () => drift + 0.02 * g.normal());
}

describe('Monte Carlo sign-flip significance and SPA match their direct definitions', () => {
  for (const [n, drift, seed] of [
    [45, 0.004, 1],
    [500, 0.001, 2],
    [2003, 0, 3],
    [64, -0.002, 4],
  ] as const) {
    it(`n=${n}, drift ${drift}`, () => {
      const r = returns(n, drift, seed);
      const mc = monteCarloSignificance(r, 10, 99);
      const ref = naiveMc(r, 10, 99);
      expect(mc.original_sharpe).toBeCloseTo(ref.obs, 10);
      // the one-pass variance may differ in the last bits: allow one simulation either way
      expect(Math.abs(mc.p_value - ref.p) * 1001).toBeLessThanOrEqual(1);
      const spa = spaTest(r, 7);
      expect(Math.abs((spa.pvalue ?? Number.NaN) - naiveSpa(r, 7)) * 1000).toBeLessThanOrEqual(1);
    });
  }
});
