/**
 * Performance metrics of a daily simple-return series — core contract E, field for field.
 * Undefined values (zero denominators, too few rows, no benchmark, no weights) are null;
 * `rolling_corr` is a column aligned with the input dates, NaN where undefined.
 */
import {
  type DateColumn,
  SeriesInputError,
  dayKeys,
  gather,
  innerJoin,
  isoFromDay,
  requireFinite,
  scatter,
} from '../risk/dates';
import { drawdownSeries, maxDrawdown } from '../risk/drawdowns';
import { covariance, mean, newPairMoments, pairMoments, std, variance } from '../risk/moments';
import { rollingCorrelation } from '../risk/rolling-stats';

export interface MetricsInput {
  /** Int32Array: epoch days; Float64Array: epoch milliseconds (UTC day is used) */
  dates: DateColumn;
  /** simple returns, all finite, one per date */
  returns: Float64Array;
  /** benchmark simple returns, aligned to the strategy by inner join on date */
  benchmark?: { dates: DateColumn; returns: Float64Array };
  /**
   * Weights for turnover: one column per asset (each of length n), or a single column
   * for a one-asset strategy. w_t is the weight decided at the close of date t.
   */
  weights?: Float64Array | readonly Float64Array[];
  rfAnnual?: number;
  corrWindow?: number;
}

/** Contract E. Dates are ISO `YYYY-MM-DD`. */
export interface PerformanceMetrics {
  n_periods: number;
  /** rows in the strategy ⋈ benchmark inner join; null without a benchmark */
  n_benchmark_rows: number | null;
  total_return: number;
  cagr: number;
  ann_vol: number | null;
  sharpe: number | null;
  downside_dev_ann: number;
  sortino: number | null;
  max_drawdown: number;
  max_dd_trough: string | null;
  max_dd_peak: string | null;
  max_dd_recovery: string | null;
  calmar: number | null;
  hit_rate: number | null;
  turnover_total: number | null;
  turnover_ann: number | null;
  beta: number | null;
  alpha_ann: number | null;
  correlation: number | null;
  tracking_error_ann: number | null;
  information_ratio: number | null;
  /** aligned with the input dates; NaN where undefined; null without a benchmark */
  rolling_corr: Float64Array | null;
}

const SQRT_252 = Math.sqrt(252);

/** NaN and ±∞ become null (contract section 0). */
function fin(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

/** a/b with the contract's rule: an exactly-zero (or undefined) denominator gives null. */
function ratio(a: number, b: number): number | null {
  if (b === 0 || !Number.isFinite(b)) return null;
  return fin(a / b);
}

/** (a/b)·√252, null when a/b is. */
function annualisedRatio(a: number, b: number): number | null {
  const q = ratio(a, b);
  return q === null ? null : fin(q * SQRT_252);
}

export function computeMetrics(input: MetricsInput): PerformanceMetrics {
  const { returns } = input;
  const n = returns.length;
  const rfAnnual = input.rfAnnual ?? 0;
  const corrWindow = input.corrWindow ?? 63;
  if (!Number.isFinite(rfAnnual)) throw new SeriesInputError(`rfAnnual must be finite (got ${rfAnnual})`, 'rfAnnual');
  if (!Number.isInteger(corrWindow) || corrWindow < 2) {
    throw new SeriesInputError(`corrWindow must be an integer ≥ 2 (got ${corrWindow})`, 'corrWindow');
  }
  if (n === 0) throw new SeriesInputError('no returns: metrics need at least one period', 'returns');
  if (input.dates.length !== n) {
    throw new SeriesInputError(`${input.dates.length} dates but ${n} returns`, 'dates');
  }
  const keys = dayKeys(input.dates, 'dates');
  requireFinite(returns, 'returns');

  const rf = rfAnnual / 252;
  const e = new Float64Array(n);
  for (let t = 0; t < n; t++) e[t] = returns[t] - rf;

  // Compounding and drawdown.
  const dd = drawdownSeries(returns);
  const growth = dd.equity[n - 1];
  const totalReturn = growth - 1;
  const cagr = growth <= 0 ? -1 : growth ** (252 / n) - 1;
  const mdd = maxDrawdown(dd);

  // Dispersion and risk-adjusted return.
  const sdR = std(returns, 1);
  const meanE = mean(e);
  const sdE = std(e, 1);
  let down = 0;
  for (let t = 0; t < n; t++) {
    const m = Math.min(e[t], 0);
    down += m * m;
  }
  const dd1 = Math.sqrt(down / n);

  let pos = 0;
  let nonzero = 0;
  for (let t = 0; t < n; t++) {
    if (returns[t] > 0) pos++;
    if (returns[t] !== 0) nonzero++;
  }

  const turnover = input.weights === undefined ? null : turnoverTotal(input.weights, n);
  const bench = input.benchmark ? benchmarkStats(keys, returns, input.benchmark, rf, corrWindow) : null;

  return {
    n_periods: n,
    n_benchmark_rows: bench ? bench.rows : null,
    total_return: totalReturn,
    cagr,
    ann_vol: fin(sdR * SQRT_252),
    sharpe: annualisedRatio(meanE, sdE),
    downside_dev_ann: dd1 * SQRT_252,
    sortino: annualisedRatio(meanE, dd1),
    max_drawdown: mdd.depth,
    max_dd_trough: mdd.troughIndex < 0 ? null : isoFromDay(keys[mdd.troughIndex]),
    max_dd_peak: mdd.peakIndex < 0 ? null : isoFromDay(keys[mdd.peakIndex]),
    max_dd_recovery: mdd.recoveryIndex < 0 ? null : isoFromDay(keys[mdd.recoveryIndex]),
    calmar: ratio(cagr, Math.abs(mdd.depth)),
    hit_rate: nonzero === 0 ? null : pos / nonzero,
    turnover_total: turnover,
    turnover_ann: turnover === null ? null : (turnover / n) * 252,
    beta: bench ? bench.beta : null,
    alpha_ann: bench ? bench.alphaAnn : null,
    correlation: bench ? bench.correlation : null,
    tracking_error_ann: bench ? bench.trackingErrorAnn : null,
    information_ratio: bench ? bench.informationRatio : null,
    rolling_corr: bench ? bench.rollingCorr : null,
  };
}

/** Σ_t Σ_assets |w_t − w_{t−1}| with w = 0 before the first date. */
function turnoverTotal(weights: Float64Array | readonly Float64Array[], n: number): number {
  const cols = weights instanceof Float64Array ? [weights] : weights;
  if (cols.length === 0) throw new SeriesInputError('weights has no asset columns', 'weights');
  let total = 0;
  cols.forEach((w, a) => {
    const field = cols.length === 1 ? 'weights' : `weights[${a}]`;
    if (w.length !== n) throw new SeriesInputError(`${field} has ${w.length} rows but there are ${n} returns`, field);
    requireFinite(w, field);
    let prev = 0;
    for (let t = 0; t < n; t++) {
      total += Math.abs(w[t] - prev);
      prev = w[t];
    }
  });
  return total;
}

interface BenchmarkStats {
  rows: number;
  beta: number | null;
  alphaAnn: number | null;
  correlation: number | null;
  trackingErrorAnn: number | null;
  informationRatio: number | null;
  rollingCorr: Float64Array;
}

function benchmarkStats(
  keys: Int32Array,
  returns: Float64Array,
  benchmark: { dates: DateColumn; returns: Float64Array },
  rf: number,
  corrWindow: number,
): BenchmarkStats {
  if (benchmark.dates.length !== benchmark.returns.length) {
    throw new SeriesInputError(
      `benchmark has ${benchmark.dates.length} dates but ${benchmark.returns.length} returns`,
      'benchmark.dates',
    );
  }
  const bKeys = dayKeys(benchmark.dates, 'benchmark.dates');
  requireFinite(benchmark.returns, 'benchmark.returns');
  const join = innerJoin(keys, bKeys);
  const m = join.left.length;
  const r = gather(returns, join.left);
  const b = gather(benchmark.returns, join.right);
  const e = new Float64Array(m);
  const eb = new Float64Array(m);
  const active = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    e[k] = r[k] - rf;
    eb[k] = b[k] - rf;
    active[k] = r[k] - b[k];
  }
  const varB = variance(eb, 1);
  const beta = ratio(covariance(e, eb, 1), varB);
  const pm = pairMoments(e, eb, 0, m, newPairMoments());
  const corrDen = Math.sqrt(pm.sxx) * Math.sqrt(pm.syy);
  const sdA = std(active, 1);
  const rolling = rollingCorrelation(r, b, corrWindow);
  return {
    rows: m,
    beta,
    alphaAnn: beta === null ? null : fin(252 * (mean(e) - beta * mean(eb))),
    correlation: m < 2 ? null : ratio(pm.sxy, corrDen),
    trackingErrorAnn: fin(sdA * SQRT_252),
    informationRatio: annualisedRatio(mean(active), sdA),
    rollingCorr: scatter(rolling, join.left, keys.length),
  };
}
