/**
 * Causal per-ticker statistics the simulator consults at decision time, as T×N matrices in
 * the price matrix's layout. The value at row t uses only the ticker's own bars at rows ≤ t
 * and is carried forward over rows where the ticker has no bar (NaN before its first bar):
 * - advDollar: mean close × volume over the last ≤ w bars;
 * - sigma: annualised std (ddof 1, ×√252) of the last ≤ w close-to-close returns, NaN with
 *   fewer than 5 returns (spec §1.8);
 * - atr: mean true range over the last ≤ 14 bars (first bar: high − low).
 */
import type { PriceMatrix } from './matrix';
import { tradingRows } from './signals';

export interface BarStats {
  advDollar: Float64Array;
  sigma: Float64Array;
  atr: Float64Array | null;
  /** row of each ticker's last bar (−1 if it has none) */
  lastRow: Int32Array;
}

const SQRT_252 = Math.sqrt(252);

export function computeBarStats(m: PriceMatrix, window: number, withAtr: boolean, atrWindow = 14): BarStats {
  const size = m.rows * m.cols;
  const advDollar = new Float64Array(size).fill(Number.NaN);
  const sigma = new Float64Array(size).fill(Number.NaN);
  const atr = withAtr ? new Float64Array(size).fill(Number.NaN) : null;
  const lastRow = new Int32Array(m.cols).fill(-1);
  for (let i = 0; i < m.cols; i++) {
    const rows = tradingRows(m, i);
    const n = rows.length;
    if (n === 0) continue;
    lastRow[i] = rows[n - 1];
    const dv = new Float64Array(n);
    const ret = new Float64Array(n);
    const tr = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const k = rows[j] * m.cols + i;
      dv[j] = m.close[k] * m.volume[k];
      if (j > 0) {
        const prev = m.close[rows[j - 1] * m.cols + i];
        ret[j] = m.close[k] / prev - 1;
        tr[j] = Math.max(m.high[k] - m.low[k], Math.abs(m.high[k] - prev), Math.abs(m.low[k] - prev));
      } else {
        tr[j] = m.high[k] - m.low[k];
      }
    }
    const adv = new Float64Array(n);
    const sig = new Float64Array(n);
    const at = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      adv[j] = windowMean(dv, Math.max(0, j - window + 1), j + 1);
      // returns exist from j = 1; the window holds the last ≤ w of them
      const from = Math.max(1, j - window + 1);
      sig[j] = j + 1 - from >= 5 ? windowStd(ret, from, j + 1) * SQRT_252 : Number.NaN;
      if (atr) at[j] = windowMean(tr, Math.max(0, j - atrWindow + 1), j + 1);
    }
    let j = -1;
    for (let t = 0; t < m.rows; t++) {
      if (j + 1 < n && rows[j + 1] === t) j++;
      if (j < 0) continue;
      const k = t * m.cols + i;
      advDollar[k] = adv[j];
      sigma[k] = sig[j];
      if (atr) atr[k] = at[j];
    }
  }
  return { advDollar, sigma, atr, lastRow };
}

function windowMean(x: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let k = from; k < to; k++) s += x[k];
  return s / (to - from);
}

function windowStd(x: Float64Array, from: number, to: number): number {
  const n = to - from;
  const mu = windowMean(x, from, to);
  let ss = 0;
  for (let k = from; k < to; k++) {
    const d = x[k] - mu;
    ss += d * d;
  }
  return Math.sqrt(ss / (n - 1));
}
