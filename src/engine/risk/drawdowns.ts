/**
 * Equity, running peak and drawdown of a simple-return series, the maximum drawdown with
 * its dates, and the table of drawdown episodes. Conventions (contract E): E_0 = 1 before
 * the first row, E_t = Π_{s≤t}(1 + r_s), P_t = max(1, E_1..E_t), dd_t = E_t/P_t − 1.
 * A peak is dated at the FIRST row where the running maximum reached its value; index −1
 * stands for E_0 (the start, before the first row).
 */
import { requireFinite } from './dates';

export interface DrawdownSeries {
  equity: Float64Array;
  peak: Float64Array;
  /** E_t/P_t − 1, ≤ 0 */
  drawdown: Float64Array;
  /** row at which peak[t] was first reached (−1 = E_0) */
  peakIndex: Int32Array;
}

export function drawdownSeries(returns: Float64Array): DrawdownSeries {
  requireFinite(returns, 'returns');
  const n = returns.length;
  const equity = new Float64Array(n);
  const peak = new Float64Array(n);
  const drawdown = new Float64Array(n);
  const peakIndex = new Int32Array(n);
  let e = 1;
  let p = 1;
  let pi = -1;
  for (let t = 0; t < n; t++) {
    e *= 1 + returns[t];
    if (e > p) {
      p = e;
      pi = t;
    }
    equity[t] = e;
    peak[t] = p;
    drawdown[t] = e / p - 1;
    peakIndex[t] = pi;
  }
  return { equity, peak, drawdown, peakIndex };
}

export interface MaxDrawdown {
  /** min_t dd_t; 0 if the equity never fell below a peak */
  depth: number;
  /** first row attaining the minimum; −1 if depth = 0 */
  troughIndex: number;
  /** first row at which the peak in force at the trough was reached; −1 if that peak is E_0 or depth = 0 */
  peakIndex: number;
  /** the peak value in force at the trough (1 if depth = 0) */
  peakValue: number;
  /** first row after the trough with E_t ≥ peakValue; −1 if none */
  recoveryIndex: number;
}

export function maxDrawdown(s: DrawdownSeries): MaxDrawdown {
  const n = s.drawdown.length;
  let depth = 0;
  let trough = -1;
  for (let t = 0; t < n; t++) {
    if (s.drawdown[t] < depth) {
      depth = s.drawdown[t];
      trough = t;
    }
  }
  if (trough < 0) return { depth: 0, troughIndex: -1, peakIndex: -1, peakValue: 1, recoveryIndex: -1 };
  const peakValue = s.peak[trough];
  let recovery = -1;
  for (let t = trough + 1; t < n; t++) {
    if (s.equity[t] >= peakValue) {
      recovery = t;
      break;
    }
  }
  return { depth, troughIndex: trough, peakIndex: s.peakIndex[trough], peakValue, recoveryIndex: recovery };
}

export interface DrawdownEpisode {
  /** row of the peak the episode fell from (−1 = E_0, before the first row) */
  peakIndex: number;
  peakValue: number;
  /** first row of the episode's minimum */
  troughIndex: number;
  /** first row with E_t ≥ peakValue after the trough; −1 if still under water at the end */
  recoveryIndex: number;
  recovered: boolean;
  /** E_trough/peakValue − 1 (< 0) */
  depth: number;
  /** rows from peak to trough */
  toTrough: number;
  /** rows from peak to recovery, or to the last row if not recovered */
  length: number;
}

/** Every drawdown episode in time order (an episode starts below a peak and ends on recovery). */
export function drawdownEpisodes(s: DrawdownSeries): DrawdownEpisode[] {
  const n = s.drawdown.length;
  const out: DrawdownEpisode[] = [];
  let t = 0;
  while (t < n) {
    if (s.drawdown[t] >= 0) {
      t++;
      continue;
    }
    const peakIndex = s.peakIndex[t];
    const peakValue = s.peak[t];
    let trough = t;
    let u = t;
    while (u < n && s.equity[u] < peakValue) {
      if (s.drawdown[u] < s.drawdown[trough]) trough = u;
      u++;
    }
    const recovered = u < n;
    out.push({
      peakIndex,
      peakValue,
      troughIndex: trough,
      recoveryIndex: recovered ? u : -1,
      recovered,
      depth: s.drawdown[trough],
      toTrough: trough - peakIndex,
      length: (recovered ? u : n - 1) - peakIndex,
    });
    t = u;
  }
  return out;
}

/** The `top` deepest episodes, deepest first (ties: earlier first). */
export function drawdownTable(s: DrawdownSeries, top = 10): DrawdownEpisode[] {
  const eps = drawdownEpisodes(s);
  const order = eps.map((_, i) => i).sort((a, b) => eps[a].depth - eps[b].depth || a - b);
  return order.slice(0, Math.max(0, top)).map((i) => eps[i]);
}

/** Ulcer index √mean(dd²) over all rows; NaN if empty. */
export function ulcerIndex(s: DrawdownSeries): number {
  const n = s.drawdown.length;
  if (n === 0) return Number.NaN;
  let acc = 0;
  for (let t = 0; t < n; t++) acc += s.drawdown[t] * s.drawdown[t];
  return Math.sqrt(acc / n);
}
