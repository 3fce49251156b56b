/**
 * Null baselines (spec §3.6): what simple no-skill rules earn on the same tickers.
 * Per ticker (its own closes C): forward return f_t = C_{t+1}/C_t − 1 and strategy return
 * signal_{t−1} × f_t for t = 1..n−2 (the signal lagged one bar); tickers are pooled by
 * concatenation in the given order. Signals: random = ±1 fair coin flips from Prng(seed)
 * (seed 42 by default, one flip per row, tickers in order); momentum = +1 if the L-bar
 * rate of change C_t/C_{t−L} − 1 > 0 else −1 (also −1 while it is undefined, as
 * `np.where(roc > 0, 1, −1)` does); zero = flat (all metrics 0).
 * Metrics subtract `costBps` (20) from every pooled daily return: total return Π(1 + r) − 1,
 * canonical daily Sharpe (excess over rf/252, ddof 1, ×√252; 0 when n < 2 or std < 1e-12),
 * max drawdown of the pooled cumulative product (peak of the equity values themselves),
 * win rate (r > 0) and n.
 */
import { Prng } from '../../core/prng';

export interface BaselineMetrics {
  totalReturn: number;
  sharpe: number;
  maxDrawdown: number;
  winRate: number;
  n: number;
}

export interface NullBaselines {
  random: BaselineMetrics;
  zero: BaselineMetrics;
  momentum: BaselineMetrics;
  seed: number;
  lookback: number;
  costBps: number;
}

export interface NullBaselineOptions {
  seed?: number;
  lookback?: number;
  costBps?: number;
  rfAnnual?: number;
}

function metrics(r: Float64Array, rfAnnual: number): BaselineMetrics {
  const n = r.length;
  let e = 1;
  let peak = Number.NEGATIVE_INFINITY;
  let mdd = 0;
  let wins = 0;
  let sum = 0;
  const rf = rfAnnual / 252;
  for (let k = 0; k < n; k++) {
    e *= 1 + r[k];
    if (e > peak) peak = e;
    const dd = (e - peak) / peak;
    if (dd < mdd) mdd = dd;
    if (r[k] > 0) wins++;
    sum += r[k] - rf;
  }
  let sharpe = 0;
  if (n >= 2) {
    const m = sum / n;
    let ss = 0;
    for (let k = 0; k < n; k++) ss += (r[k] - rf - m) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    sharpe = sd < 1e-12 ? 0 : (m / sd) * Math.sqrt(252);
  }
  return { totalReturn: e - 1, sharpe, maxDrawdown: mdd, winRate: n > 0 ? wins / n : 0, n };
}

export function nullBaselines(closes: readonly Float64Array[], opts: NullBaselineOptions = {}): NullBaselines {
  const seed = opts.seed ?? 42;
  const L = opts.lookback ?? 20;
  const costBps = opts.costBps ?? 20;
  const rfAnnual = opts.rfAnnual ?? 0.04;
  let total = 0;
  for (const c of closes) total += Math.max(0, c.length - 2);
  const rnd = new Float64Array(total);
  const mom = new Float64Array(total);
  const rng = new Prng(seed);
  const cost = costBps / 1e4;
  let k = 0;
  for (const c of closes) {
    const n = c.length;
    if (n < 3) continue;
    // one coin per row of the ticker, so signal_{t−1} is the flip of row t − 1
    const coins = new Int8Array(n);
    for (let t = 0; t < n; t++) coins[t] = rng.next() < 0.5 ? 1 : -1;
    for (let t = 1; t <= n - 2; t++) {
      const f = c[t + 1] / c[t] - 1;
      const s = t - 1;
      const momSig = s >= L && c[s] / c[s - L] - 1 > 0 ? 1 : -1;
      rnd[k] = coins[s] * f - cost;
      mom[k] = momSig * f - cost;
      k++;
    }
  }
  const zero: BaselineMetrics = { totalReturn: 0, sharpe: 0, maxDrawdown: 0, winRate: 0, n: total };
  return { random: metrics(rnd, rfAnnual), zero, momentum: metrics(mom, rfAnnual), seed, lookback: L, costBps };
}
