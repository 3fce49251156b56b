/**
 * One-call risk summary of a daily return series for the risk page (engine-trading §4.10,
 * on periodic returns): tail risk at 95/99, higher moments, extremes and drawdown analytics.
 * NaN marks an undefined value (too few rows, zero dispersion).
 */
import { drawdownSeries, maxDrawdown, ulcerIndex } from './drawdowns';
import { excessKurtosis, skewness } from './moments';
import { cornishFisherVar, historicalVar, parametricVar, sortedCopy, tailRatio } from './var';

export interface RiskReport {
  n: number;
  var95: number;
  es95: number;
  var99: number;
  es99: number;
  var95Normal: number;
  es95Normal: number;
  var99Normal: number;
  es99Normal: number;
  var95CornishFisher: number;
  var99CornishFisher: number;
  tailRatio: number;
  skewness: number;
  excessKurtosis: number;
  maxLoss: number;
  maxGain: number;
  maxDrawdown: number;
  /** mean of the drawdown values that are < 0 (0 if none) */
  avgDrawdown: number;
  /** longest run of consecutive rows with drawdown < 0 */
  longestDrawdownRows: number;
  ulcerIndex: number;
}

export function riskReport(returns: Float64Array): RiskReport {
  const n = returns.length;
  if (n === 0) throw new RangeError('riskReport needs at least one return');
  const dd = drawdownSeries(returns);
  const sorted = sortedCopy(returns);
  const h95 = historicalVar(returns, 0.95, sorted);
  const h99 = historicalVar(returns, 0.99, sorted);
  const p95 = parametricVar(returns, 0.95);
  const p99 = parametricVar(returns, 0.99);
  let negSum = 0;
  let negCount = 0;
  let run = 0;
  let longest = 0;
  for (let t = 0; t < n; t++) {
    const d = dd.drawdown[t];
    if (d < 0) {
      negSum += d;
      negCount++;
      run++;
      if (run > longest) longest = run;
    } else run = 0;
  }
  return {
    n,
    var95: h95.var,
    es95: h95.es,
    var99: h99.var,
    es99: h99.es,
    var95Normal: p95.var,
    es95Normal: p95.es,
    var99Normal: p99.var,
    es99Normal: p99.es,
    var95CornishFisher: cornishFisherVar(returns, 0.95),
    var99CornishFisher: cornishFisherVar(returns, 0.99),
    tailRatio: tailRatio(sorted),
    skewness: skewness(returns),
    excessKurtosis: excessKurtosis(returns),
    maxLoss: sorted[0],
    maxGain: sorted[n - 1],
    maxDrawdown: maxDrawdown(dd).depth,
    avgDrawdown: negCount === 0 ? 0 : negSum / negCount,
    longestDrawdownRows: longest,
    ulcerIndex: ulcerIndex(dd),
  };
}
