/** Sweep internals agree with each other, and the selection statistics of a real sweep. */
import { describe, expect, it } from 'vitest';
import { prepareSweep, runSweep, smaGrid, sweepChunk, sweepReturns } from '../../../src/engine/backtest/sweep';
import { sweepSelection } from '../../../src/engine/backtest/sweep-selection';
import { probabilityOfBacktestOverfitting } from '../../../src/engine/backtest/validation/pbo';
import { probabilisticSharpe, returnMoments } from '../../../src/engine/backtest/validation/sharpe';
import { close, realBars } from './helpers';

const spy = realBars('SPY').close;
const grid = smaGrid({ from: 5, to: 45, step: 10 }, { from: 30, to: 230, step: 40 });

function seriesMetrics(r: Float64Array) {
  let e = 1;
  let peak = 1;
  let mdd = 0;
  let s = 0;
  for (const x of r) {
    e *= 1 + x;
    peak = Math.max(peak, e);
    mdd = Math.min(mdd, e / peak - 1);
    s += x;
  }
  const mean = s / r.length;
  let v = 0;
  for (const x of r) v += (x - mean) ** 2;
  return { total: e - 1, sharpe: (mean / Math.sqrt(v / (r.length - 1))) * Math.sqrt(252), mdd };
}

describe('sweep kernels', () => {
  for (const opts of [{ lag: 1, costBps: 0 }, { lag: 1, costBps: 7 }, { lag: 0, costBps: 3 }]) {
    it(`the fast single-series kernel equals the general per-row definition (lag ${opts.lag}, cost ${opts.costBps} bp)`, () => {
      const p = prepareSweep(spy, grid);
      const res = sweepChunk(p, grid, 0, grid.fast.length, opts);
      for (let k = 0; k < grid.fast.length; k++) {
        const m = seriesMetrics(sweepReturns(p, grid, k, opts));
        close(res.totalReturn[k], m.total, 1e-10, `total ${k}`);
        close(res.sharpe[k], m.sharpe, 1e-9, `sharpe ${k}`);
        close(res.maxDrawdown[k], m.mdd, 1e-12, `mdd ${k}`);
      }
    });
  }
  it('PBO from block sums accumulated in the sweep equals CSCV on the explicit return matrix', () => {
    const p = prepareSweep(spy, grid);
    const res = runSweep(spy, grid, { pboBlocks: 8, costBps: 2 });
    const T = spy.length - 1;
    const N = grid.fast.length;
    const M = new Float64Array(T * N);
    for (let k = 0; k < N; k++) {
      const r = sweepReturns(p, grid, k, { costBps: 2 });
      for (let t = 0; t < T; t++) M[t * N + k] = r[t];
    }
    const direct = probabilityOfBacktestOverfitting(M, T, N, 8);
    const viaSweep = sweepSelection(p, grid, res, { costBps: 2 }).pbo!;
    expect(viaSweep.pbo).toBe(direct.pbo);
    expect(Array.from(viaSweep.bestIs)).toEqual(Array.from(direct.bestIs));
    viaSweep.logits.forEach((l, c) => {
      close(l, direct.logits[c], 1e-9, `logit ${c}`);
    });
  });
});

describe('selection of the best combination', () => {
  it('deflates the winner’s Sharpe for the number of combinations tried', () => {
    const p = prepareSweep(spy, grid);
    const res = runSweep(spy, grid, { pboBlocks: 8 });
    const sel = sweepSelection(p, grid, res);
    expect(sel.trials).toBe(grid.fast.length);
    expect(sel.sharpe).toBe(Math.max(...Array.from(res.sharpe).filter(Number.isFinite)));
    expect(sel.trialsVariance).toBeGreaterThan(0);
    expect(sel.deflated.sr0).toBeGreaterThan(0);
    const m = returnMoments(sweepReturns(p, grid, sel.best));
    // more trials can only lower the probability that the true Sharpe beats the benchmark
    const psr0 = probabilisticSharpe({ sharpe: sel.sharpe / Math.sqrt(252), n: m.n, skew: m.skew, kurtosis: m.kurtosis });
    expect(sel.deflated.dsr).toBeLessThan(psr0);
    expect(sel.pbo!.valid).toBe(true);
    expect(sel.pbo!.pbo).toBeGreaterThanOrEqual(0);
    expect(sel.pbo!.pbo).toBeLessThanOrEqual(1);
  });
});
