/**
 * What a sweep's best combination is worth once the search is accounted for: the deflated
 * Sharpe ratio of the in-sample winner (N = the number of combinations, V = the variance of
 * their per-period Sharpe ratios, skew/kurtosis of the winner's own daily returns) and, when
 * the sweep accumulated block sums, the probability of backtest overfitting by CSCV.
 */
import { type PreparedSweep, type SmaGrid, type SweepOptions, type SweepResult, sweepReturns } from './sweep';
import { type PboResult, pboFromBlocks } from './validation/pbo';
import { type DeflatedSharpe, deflatedSharpe, returnMoments } from './validation/sharpe';

export interface SweepSelection {
  best: number;
  fast: number;
  slow: number;
  /** annualised Sharpe of the winner */
  sharpe: number;
  /** combinations with a defined Sharpe (the trials) */
  trials: number;
  /** variance of the trials' per-period Sharpe ratios */
  trialsVariance: number;
  deflated: DeflatedSharpe;
  pbo: PboResult | null;
}

export function sweepSelection(p: PreparedSweep, grid: SmaGrid, res: SweepResult, opts: SweepOptions = {}): SweepSelection {
  const ann = Math.sqrt(252);
  let best = -1;
  let n = 0;
  let s = 0;
  let ss = 0;
  for (let k = 0; k < res.sharpe.length; k++) {
    const x = res.sharpe[k];
    if (!Number.isFinite(x)) continue;
    if (best < 0 || x > res.sharpe[best]) best = k;
    const pp = x / ann;
    n++;
    s += pp;
    ss += pp * pp;
  }
  if (best < 0) throw new RangeError('no combination has a defined Sharpe ratio (never invested?)');
  const mean = s / n;
  const trialsVariance = n > 1 ? (ss - s * mean) / (n - 1) : 0;
  const m = returnMoments(sweepReturns(p, grid, best, opts));
  const deflated = deflatedSharpe({
    sharpe: res.sharpe[best] / ann,
    n: m.n,
    skew: m.skew,
    kurtosis: m.kurtosis,
    nTrials: n,
    trialsVariance,
  });
  return {
    best,
    fast: grid.fast[best],
    slow: grid.slow[best],
    sharpe: res.sharpe[best],
    trials: n,
    trialsVariance,
    deflated,
    pbo: res.blocks ? pboFromBlocks(res.blocks) : null,
  };
}
