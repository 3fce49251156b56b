/**
 * Validation pieces the backtest engine does not have yet, exactly as spec §3.2 / §3.4 / §3.5:
 * the statistical test battery with Benjamini–Hochberg, SPA (circular block bootstrap), a
 * Monte Carlo significance test with a real null (random sign flips of the trade returns —
 * the spec's shuffle null is degenerate) and capacity analysis.
 */
import { Prng } from '../core/prng';
import { normCdf, studentTCdf } from '../backtest/validation/distributions';
import { spearman } from '../backtest/validation/ranks';
import { loSharpeTest, meanTTest } from '../backtest/validation/sharpe';

/** Two-sided p-value of a Spearman correlation via the t approximation (scipy's). */
export function spearmanPValue(rho: number, n: number): number {
  if (!(n > 2) || !Number.isFinite(rho)) return 1;
  if (Math.abs(rho) >= 1) return 0;
  const t = rho * Math.sqrt((n - 2) / (1 - rho * rho));
  return 2 * (1 - studentTCdf(Math.abs(t), n - 2));
}

export interface StatTests {
  spearman_corr: number;
  corr_pvalue: number;
  long_mean: number;
  long_pvalue: number;
  sharpe_pvalue: number;
  ic_mean: number;
  ic_std: number;
  ic_ir: number;
  ic_pvalue: number;
  n_ic_windows: number;
  fdr_threshold: number;
  passes: boolean;
}

/**
 * Spec §3.2. Rolling IC windows [i − 60, i) are taken every `icStride` rows (1 = the spec;
 * larger strides keep the cost bounded on 100k-row panels).
 */
export function statisticalTests(pred: Float64Array, actual: Float64Array, threshold: number, holdingDays: number, icStride = 1): StatTests {
  const n = pred.length;
  const rho = spearman(pred, actual);
  const corrP = spearmanPValue(rho, n);
  const longs: number[] = [];
  for (let k = 0; k < n; k++) if (pred[k] > threshold) longs.push(actual[k]);
  const lt = meanTTest(longs);
  const longMean = longs.length ? longs.reduce((s, x) => s + x, 0) / longs.length : 0;
  const longP = Number.isFinite(lt.pValue) ? lt.pValue : 1;
  const lo = loSharpeTest(longs, 0.04, holdingDays);
  const sharpeP = Number.isFinite(lo.pValue) ? lo.pValue : 1;
  const ics: number[] = [];
  const W = 60;
  const idx = new Int32Array(W);
  for (let i = W; i < n; i += icStride) {
    for (let j = 0; j < W; j++) idx[j] = i - W + j;
    if (stdOf(pred, i - W, i) > 0 && stdOf(actual, i - W, i) > 0) {
      const ic = spearman(pred, actual, idx);
      if (Number.isFinite(ic)) ics.push(ic);
    }
  }
  let icMean = 0;
  let icStd = 0;
  if (ics.length) {
    icMean = ics.reduce((s, x) => s + x, 0) / ics.length;
    icStd = Math.sqrt(ics.reduce((s, x) => s + (x - icMean) ** 2, 0) / ics.length);
  }
  const icIr = icStd > 0 ? icMean / icStd : 0;
  let icP = 1;
  if (ics.length >= 2 && icStd > 0) {
    const t = icMean / ((icStd * Math.sqrt(ics.length / (ics.length - 1))) / Math.sqrt(ics.length));
    icP = 1 - studentTCdf(t, ics.length - 1);
  }
  const ps = [corrP, longP, sharpeP, icP].sort((a, b) => a - b);
  let thr = 0;
  for (let k = 0; k < ps.length; k++) if (ps[k] <= ((k + 1) / ps.length) * 0.05) thr = ((k + 1) / ps.length) * 0.05;
  const passes = thr > 0 && corrP < thr && longP < thr && longMean > 0 && sharpeP < 0.1 && icMean > 0 && icP < thr;
  return {
    spearman_corr: rho,
    corr_pvalue: corrP,
    long_mean: longMean,
    long_pvalue: longP,
    sharpe_pvalue: sharpeP,
    ic_mean: icMean,
    ic_std: icStd,
    ic_ir: icIr,
    ic_pvalue: icP,
    n_ic_windows: ics.length,
    fdr_threshold: thr,
    passes,
  };
}

function stdOf(x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += x[k];
  const m = s / (to - from);
  let v = 0;
  for (let k = from; k < to; k++) v += (x[k] - m) ** 2;
  return Math.sqrt(v / (to - from));
}

export interface SpaResult {
  passes: boolean;
  pvalue: number | null;
  stat: number;
}

/** Spec §3.4 SPA vs a zero benchmark: circular block bootstrap (B, block) of d − mean(d). */
export function spaTest(d: Float64Array, seed: number, B = 1000, block = 10): SpaResult {
  const n = d.length;
  if (n < 40) return { passes: false, pvalue: null, stat: Number.NaN };
  let s = 0;
  for (let k = 0; k < n; k++) s += d[k];
  const mean = s / n;
  const stat = Math.sqrt(n) * mean;
  // Circular prefix sums: a block's sum of d − mean is two lookups instead of a loop.
  const prefix = new Float64Array(2 * n + 1);
  for (let k = 0; k < 2 * n; k++) prefix[k + 1] = prefix[k] + (d[k % n] - mean);
  const rng = new Prng(seed);
  let ge = 0;
  for (let b = 0; b < B; b++) {
    let sum = 0;
    let filled = 0;
    while (filled < n) {
      const start = rng.int(n);
      const len = Math.min(block, n - filled);
      sum += prefix[start + len] - prefix[start];
      filled += len;
    }
    if (Math.sqrt(n) * (sum / n) >= stat) ge++;
  }
  const p = ge / B;
  return { passes: mean > 0 && p < 0.05, pvalue: p, stat };
}

export interface McSignificance {
  p_value: number;
  significant: boolean;
  original_sharpe: number;
  sims: number;
}

/**
 * Monte Carlo significance of the per-trade Sharpe (spec §3.5 statistic:
 * mean(r − rf·h/252)/std(r, ddof 0)·√(252/h)) against a sign-flip null: each simulation flips
 * the sign of every trade return with probability ½ (the null of a strategy with no edge, whose
 * returns are symmetric about 0). p = (1 + #sim ≥ observed)/(1 + sims); significant iff p < 0.05.
 * Fewer than 10 trades → p = 1.
 */
export function monteCarloSignificance(r: Float64Array, holdingDays: number, seed: number, sims = 1000, rfAnnual = 0.04): McSignificance {
  const n = r.length;
  if (n < 10) return { p_value: 1, significant: false, original_sharpe: Number.NaN, sims: 0 };
  const ann = Math.sqrt(252 / holdingDays);
  const rf = (rfAnnual * holdingDays) / 252;
  // A sign flip leaves every square unchanged, so each simulation needs only Σ s·r:
  // var = Σr²/n − mean² (ddof 0). Signs come 32 to a random word.
  let sum = 0;
  let sumSq = 0;
  for (let k = 0; k < n; k++) {
    sum += r[k];
    sumSq += r[k] * r[k];
  }
  const sr = (s: number) => {
    const m = s / n;
    const sd = Math.sqrt(Math.max(0, sumSq / n - m * m));
    return sd > 0 ? ((m - rf) / sd) * ann : Number.NaN;
  };
  const obs = sr(sum);
  if (!Number.isFinite(obs)) return { p_value: 1, significant: false, original_sharpe: obs, sims: 0 };
  const rng = new Prng(seed);
  let ge = 0;
  for (let sim = 0; sim < sims; sim++) {
    let s = 0;
    let bits = 0;
    for (let k = 0; k < n; k++) {
      if ((k & 31) === 0) bits = rng.nextUint32();
      s += bits & 1 ? -r[k] : r[k];
      bits >>>= 1;
    }
    if (sr(s) >= obs) ge++;
  }
  const p = (1 + ge) / (1 + sims);
  return { p_value: p, significant: p < 0.05, original_sharpe: obs, sims };
}

export interface CapacityInput {
  /** per trade: ticker column, entry row, size, regime */
  ticker: Int32Array;
  entryBar: Int32Array;
  size: Float64Array;
  regime: Int32Array;
  n: number;
}

export interface CapacityResult {
  estimated_capacity_usd: number;
  capacity_constrained: boolean;
  participation: number;
  market_impact_bps: number;
  stress_capacity_usd: number | null;
  stress_market_impact_bps: number | null;
}

/**
 * Spec §3.5 capacity: ADV$ per traded ticker = mean(Close × Volume) over its last 60 bars
 * (≥ 20 bars), averaged over tickers; trades per day = n / #distinct entry dates; size = median
 * position size; participation = capital·size·trades_per_day/ADV$; capacity = ADV$·max_part/
 * (size·trades_per_day). Stress: the same on trades in stress regimes (≥ 10 trades).
 */
export function capacityAnalysis(
  t: CapacityInput,
  close: Float64Array,
  volume: Float64Array,
  rows: number,
  cols: number,
  capital = 1e6,
  maxParticipation = 0.02,
  impactBps = 30,
  stressRegimes: readonly number[] = [2, 3],
): CapacityResult {
  const advOf = (i: number): number => {
    let s = 0;
    let c = 0;
    for (let r = rows - 1; r >= 0 && c < 60; r--) {
      const k = r * cols + i;
      if (close[k] > 0 && Number.isFinite(volume[k])) {
        s += close[k] * volume[k];
        c++;
      }
    }
    return c >= 20 ? s / c : Number.NaN;
  };
  const calc = (sel: number[]) => {
    const tickers = new Set<number>();
    const days = new Set<number>();
    const sizes: number[] = [];
    for (const j of sel) {
      tickers.add(t.ticker[j]);
      days.add(t.entryBar[j]);
      sizes.push(t.size[j]);
    }
    let s = 0;
    let c = 0;
    for (const i of tickers) {
      const a = advOf(i);
      if (Number.isFinite(a)) {
        s += a;
        c++;
      }
    }
    const adv = c ? s / c : 0;
    sizes.sort((a, b) => a - b);
    const m = sizes.length;
    const size = m === 0 ? 0.05 : m % 2 ? sizes[(m - 1) / 2] : (sizes[m / 2 - 1] + sizes[m / 2]) / 2;
    const tpd = days.size ? sel.length / days.size : 0;
    if (!(adv > 0) || !(size > 0) || !(tpd > 0)) return { capacity: 0, participation: Number.POSITIVE_INFINITY, impact: Number.NaN };
    const participation = (capital * size * tpd) / adv;
    return { capacity: (adv * maxParticipation) / (size * tpd), participation, impact: impactBps * Math.sqrt(participation) };
  };
  const all: number[] = [];
  const stress: number[] = [];
  for (let j = 0; j < t.n; j++) {
    all.push(j);
    if (stressRegimes.includes(t.regime[j])) stress.push(j);
  }
  const base = calc(all);
  let constrained = base.participation > maxParticipation;
  let stressCap: number | null = null;
  let stressImpact: number | null = null;
  if (stress.length >= 10) {
    const s = calc(stress);
    stressCap = s.capacity;
    stressImpact = Number.isFinite(s.impact) ? s.impact : null;
    if (s.capacity < base.capacity && s.participation > maxParticipation) constrained = true;
  }
  return {
    estimated_capacity_usd: base.capacity,
    capacity_constrained: constrained,
    participation: base.participation,
    market_impact_bps: base.impact,
    stress_capacity_usd: stressCap,
    stress_market_impact_bps: stressImpact,
  };
}

export { normCdf };
