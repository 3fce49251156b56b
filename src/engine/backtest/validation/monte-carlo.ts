/**
 * Resampling checks, all driven by the seeded Prng (same seed → same numbers).
 *
 * Trade order (`tradeMonteCarlo`): the per-trade portfolio returns (net return × size) are
 * compounded in a random order. `shuffle` permutes them — the final equity is the same
 * product in every order, so only the path (max drawdown) varies; `bootstrap` resamples
 * with replacement, so the final equity varies too.
 *
 * Daily returns (`bootstrapReturns`): the stationary bootstrap (Politis & Romano 1994: a new
 * block starts at a uniform random row with probability 1/L, otherwise the next row follows,
 * wrapping around) or the circular block bootstrap (blocks of exactly L rows at uniform random
 * starts, wrapping). Each resample gives an annualised Sharpe, a total return and a max
 * drawdown; the same resampling of the demeaned series gives the null distribution of the
 * Sharpe, and the p-value is the share of null Sharpes ≥ the observed one.
 *
 * Percentiles use linear interpolation (numpy's default). Drawdowns follow contract E
 * (equity starts at 1, running peak ≥ 1).
 */
import { Prng } from '../../core/prng';
import { quantileSorted } from '../../risk/var';

export interface Percentiles {
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  mean: number;
}

export function percentiles(x: Float64Array): Percentiles {
  const s = x.slice().sort();
  let m = 0;
  for (let i = 0; i < s.length; i++) m += s[i];
  return {
    p5: quantileSorted(s, 0.05),
    p25: quantileSorted(s, 0.25),
    p50: quantileSorted(s, 0.5),
    p75: quantileSorted(s, 0.75),
    p95: quantileSorted(s, 0.95),
    mean: m / s.length,
  };
}

/** Final equity (from 1) and max drawdown of compounding `r[idx[0]], r[idx[1]], …`. */
function pathStats(r: Float64Array, order: Int32Array | null, out: { final: number; mdd: number }): void {
  let e = 1;
  let peak = 1;
  let mdd = 0;
  for (let k = 0; k < r.length; k++) {
    e *= 1 + r[order ? order[k] : k];
    if (e > peak) peak = e;
    const dd = e / peak - 1;
    if (dd < mdd) mdd = dd;
  }
  out.final = e;
  out.mdd = mdd;
}

export interface TradeMonteCarlo {
  method: 'shuffle' | 'bootstrap';
  sims: number;
  seed: number;
  nTrades: number;
  original: { finalEquity: number; maxDrawdown: number };
  finalEquity: Float64Array;
  maxDrawdown: Float64Array;
  finalEquityPct: Percentiles;
  maxDrawdownPct: Percentiles;
  /** share of simulations ending below 1 */
  probLoss: number;
  /** share of simulations whose max drawdown is at least as deep as the original's */
  probDeeperDrawdown: number;
}

export interface TradeMcOptions {
  sims?: number;
  seed: number;
  method?: 'shuffle' | 'bootstrap';
}

export function tradeMonteCarlo(tradeReturns: Float64Array, opts: TradeMcOptions): TradeMonteCarlo {
  const sims = opts.sims ?? 1000;
  const method = opts.method ?? 'shuffle';
  if (!Number.isInteger(sims) || sims < 1) throw new RangeError(`sims must be a positive integer (got ${sims})`);
  const n = tradeReturns.length;
  const rng = new Prng(opts.seed);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const finalEquity = new Float64Array(sims);
  const maxDrawdown = new Float64Array(sims);
  const ps = { final: 1, mdd: 0 };
  pathStats(tradeReturns, null, ps);
  const original = { finalEquity: ps.final, maxDrawdown: ps.mdd };
  let losses = 0;
  let deeper = 0;
  for (let s = 0; s < sims; s++) {
    if (method === 'shuffle') {
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
      }
    } else {
      for (let i = 0; i < n; i++) order[i] = rng.int(n);
    }
    pathStats(tradeReturns, order, ps);
    finalEquity[s] = ps.final;
    maxDrawdown[s] = ps.mdd;
    if (ps.final < 1) losses++;
    if (ps.mdd <= original.maxDrawdown) deeper++;
  }
  return {
    method,
    sims,
    seed: opts.seed,
    nTrades: n,
    original,
    finalEquity,
    maxDrawdown,
    finalEquityPct: percentiles(finalEquity),
    maxDrawdownPct: percentiles(maxDrawdown),
    probLoss: losses / sims,
    probDeeperDrawdown: deeper / sims,
  };
}

export interface BootstrapOptions {
  sims?: number;
  seed: number;
  method?: 'stationary' | 'circular';
  /** mean (stationary) or exact (circular) block length */
  blockLength?: number;
  periodsPerYear?: number;
}

export interface ReturnsBootstrap {
  method: 'stationary' | 'circular';
  sims: number;
  seed: number;
  blockLength: number;
  observed: { sharpe: number; totalReturn: number; maxDrawdown: number };
  sharpe: Float64Array;
  totalReturn: Float64Array;
  maxDrawdown: Float64Array;
  sharpePct: Percentiles;
  totalReturnPct: Percentiles;
  maxDrawdownPct: Percentiles;
  /** share of null (demeaned) resamples with Sharpe ≥ observed */
  sharpePValue: number;
}

/** Fills `idx` with one resample's row indices. */
function resampleIndices(rng: Prng, n: number, method: 'stationary' | 'circular', L: number, idx: Int32Array): void {
  if (method === 'stationary') {
    const p = 1 / L;
    let cur = rng.int(n);
    for (let k = 0; k < n; k++) {
      if (k > 0) cur = rng.next() < p ? rng.int(n) : (cur + 1) % n;
      idx[k] = cur;
    }
    return;
  }
  let k = 0;
  while (k < n) {
    const start = rng.int(n);
    for (let j = 0; j < L && k < n; j++) idx[k++] = (start + j) % n;
  }
}

function seriesStats(r: Float64Array, idx: Int32Array, shift: number, ann: number, out: { sharpe: number; total: number; mdd: number }): void {
  const n = idx.length;
  let s = 0;
  let ss = 0;
  let e = 1;
  let peak = 1;
  let mdd = 0;
  for (let k = 0; k < n; k++) {
    const v = r[idx[k]] - shift;
    s += v;
    ss += v * v;
    e *= 1 + v;
    if (e > peak) peak = e;
    const dd = e / peak - 1;
    if (dd < mdd) mdd = dd;
  }
  const mean = s / n;
  const v = (ss - s * mean) / (n - 1);
  out.sharpe = v > 0 ? (mean / Math.sqrt(v)) * ann : Number.NaN;
  out.total = e - 1;
  out.mdd = mdd;
}

export function bootstrapReturns(returns: Float64Array, opts: BootstrapOptions): ReturnsBootstrap {
  const sims = opts.sims ?? 1000;
  const method = opts.method ?? 'stationary';
  const L = opts.blockLength ?? 10;
  const ann = Math.sqrt(opts.periodsPerYear ?? 252);
  const n = returns.length;
  if (n < 2) throw new RangeError(`the bootstrap needs at least 2 returns (got ${n})`);
  if (!Number.isInteger(sims) || sims < 1) throw new RangeError(`sims must be a positive integer (got ${sims})`);
  if (!(L >= 1) || (method === 'circular' && !Number.isInteger(L))) {
    throw new RangeError(`blockLength must be ≥ 1 (an integer for the circular bootstrap), got ${L}`);
  }
  const rng = new Prng(opts.seed);
  const idx = new Int32Array(n);
  for (let k = 0; k < n; k++) idx[k] = k;
  const st = { sharpe: 0, total: 0, mdd: 0 };
  seriesStats(returns, idx, 0, ann, st);
  const observed = { sharpe: st.sharpe, totalReturn: st.total, maxDrawdown: st.mdd };
  let mean = 0;
  for (let k = 0; k < n; k++) mean += returns[k];
  mean /= n;
  const sharpe = new Float64Array(sims);
  const totalReturn = new Float64Array(sims);
  const maxDrawdown = new Float64Array(sims);
  let exceed = 0;
  let counted = 0;
  for (let s = 0; s < sims; s++) {
    resampleIndices(rng, n, method, L, idx);
    seriesStats(returns, idx, 0, ann, st);
    sharpe[s] = st.sharpe;
    totalReturn[s] = st.total;
    maxDrawdown[s] = st.mdd;
    // the same blocks of the demeaned series: a draw from the null of zero mean
    seriesStats(returns, idx, mean, ann, st);
    if (!Number.isNaN(st.sharpe) && !Number.isNaN(observed.sharpe)) {
      counted++;
      if (st.sharpe >= observed.sharpe) exceed++;
    }
  }
  return {
    method,
    sims,
    seed: opts.seed,
    blockLength: L,
    observed,
    sharpe,
    totalReturn,
    maxDrawdown,
    sharpePct: percentiles(sharpe),
    totalReturnPct: percentiles(totalReturn),
    maxDrawdownPct: percentiles(maxDrawdown),
    sharpePValue: counted > 0 ? exceed / counted : Number.NaN,
  };
}
