/**
 * Rolling comparison of a strategy with a benchmark (the S&P page): both series are
 * aligned by inner join on date first, then trailing windows run over the joined rows.
 * Excess returns use rf = rfAnnual/252 on both sides, as in contract E's beta/alpha.
 */
import { type DateColumn, dayKeys, innerJoin, requireFinite, scatter } from './dates';
import { rollingRegression } from './rolling-stats';

export interface ReturnSeries {
  dates: DateColumn;
  returns: Float64Array;
}

export interface RollingBenchmark {
  /** epoch days of the joined rows */
  joinedDays: Int32Array;
  /** index into the strategy series of each joined row */
  strategyIndex: Int32Array;
  /** per joined row */
  beta: Float64Array;
  alphaAnn: Float64Array;
  correlation: Float64Array;
  /** strategy equity / benchmark equity, both compounded from 1 over the joined rows */
  relativeStrength: Float64Array;
  /** the same statistics on the strategy's own rows (NaN where the benchmark lacks the date) */
  onStrategyDates: { beta: Float64Array; alphaAnn: Float64Array; correlation: Float64Array };
}

export function rollingBenchmark(
  strategy: ReturnSeries,
  benchmark: ReturnSeries,
  window = 60,
  rfAnnual = 0,
): RollingBenchmark {
  if (strategy.dates.length !== strategy.returns.length) {
    throw new RangeError(`strategy has ${strategy.dates.length} dates but ${strategy.returns.length} returns`);
  }
  if (benchmark.dates.length !== benchmark.returns.length) {
    throw new RangeError(`benchmark has ${benchmark.dates.length} dates but ${benchmark.returns.length} returns`);
  }
  requireFinite(strategy.returns, 'returns');
  requireFinite(benchmark.returns, 'benchmark.returns');
  const sKeys = dayKeys(strategy.dates, 'dates');
  const bKeys = dayKeys(benchmark.dates, 'benchmark.dates');
  const join = innerJoin(sKeys, bKeys);
  const rf = rfAnnual / 252;
  const m = join.left.length;
  const e = new Float64Array(m);
  const eb = new Float64Array(m);
  const rel = new Float64Array(m);
  let es = 1;
  let eq = 1;
  for (let k = 0; k < m; k++) {
    const r = strategy.returns[join.left[k]];
    const b = benchmark.returns[join.right[k]];
    e[k] = r - rf;
    eb[k] = b - rf;
    es *= 1 + r;
    eq *= 1 + b;
    rel[k] = eq === 0 ? Number.NaN : es / eq;
  }
  const reg = rollingRegression(e, eb, window);
  const n = strategy.returns.length;
  return {
    joinedDays: gatherInt(sKeys, join.left),
    strategyIndex: join.left,
    beta: reg.beta,
    alphaAnn: reg.alphaAnn,
    correlation: reg.correlation,
    relativeStrength: rel,
    onStrategyDates: {
      beta: scatter(reg.beta, join.left, n),
      alphaAnn: scatter(reg.alphaAnn, join.left, n),
      correlation: scatter(reg.correlation, join.left, n),
    },
  };
}

function gatherInt(src: Int32Array, idx: Int32Array): Int32Array {
  const out = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = src[idx[k]];
  return out;
}
