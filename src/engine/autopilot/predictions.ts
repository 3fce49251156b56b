/**
 * Prediction panels for discovery: the heuristic predictor (spec §5.1), cross-sectional
 * z-scores, the top-K filter (spec §5.3.1) and the latest cross-section for the paper trader.
 * All on the price matrix layout (k = t·cols + i); per-ticker work runs over the ticker's own
 * bars so a gap in one ticker never shifts another's windows.
 */
import type { PriceMatrix } from '../backtest/matrix';
import { tradingRows } from '../backtest/signals';
import type { Bars } from '../contracts';
import { DAY_MS } from '../core/time';
import { computeFeatures } from '../features/registry';
import { causalRegimes } from '../regime/causal';
import { isoFromDay } from '../risk/dates';
import { quantileSorted } from '../risk/var';
import type { LatestPredictions, PredictionPanel } from './types';

/** spec weights: return_20d, return_5d, PriceVsSMA_50, MACD_12_26, ZScore_20 → our core feature names */
export const HEURISTIC_WEIGHTS: readonly { feature: string; weight: number }[] = [
  { feature: 'ret_20', weight: 0.35 },
  { feature: 'ret_5', weight: 0.2 },
  { feature: 'dist_sma_50', weight: 0.2 },
  { feature: 'macd', weight: 0.15 },
  { feature: 'zscore_20', weight: -0.1 },
];

export const HEURISTIC_Z_WINDOW = 252;
export const HEURISTIC_Z_MIN = 60;

/** One ticker's bars out of the matrix (rows where it trades). */
export function tickerBars(m: PriceMatrix, i: number): { rows: Int32Array; bars: Bars } {
  const rows = tradingRows(m, i);
  const n = rows.length;
  const pick = (src: Float64Array) => Float64Array.from(rows, (t) => src[t * m.cols + i]);
  const ts = new Float64Array(n);
  for (let j = 0; j < n; j++) ts[j] = m.days[rows[j]] * DAY_MS;
  return { rows, bars: { ts, open: pick(m.open), high: pick(m.high), low: pick(m.low), close: pick(m.close), volume: pick(m.volume) } };
}

/**
 * Causal rolling z-score: (x_t − mean)/std (ddof 1) over the finite values among the last
 * `window` rows including t; NaN with fewer than `minPeriods` finite values or zero std.
 */
export function rollingZ(x: Float64Array, window: number, minPeriods: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(Number.NaN);
  let s = 0;
  let s2 = 0;
  let c = 0;
  for (let t = 0; t < n; t++) {
    const v = x[t];
    if (Number.isFinite(v)) {
      s += v;
      s2 += v * v;
      c++;
    }
    if (t >= window) {
      const o = x[t - window];
      if (Number.isFinite(o)) {
        s -= o;
        s2 -= o * o;
        c--;
      }
    }
    if (c >= minPeriods && Number.isFinite(v)) {
      const mean = s / c;
      const varr = (s2 - c * mean * mean) / (c - 1);
      if (varr > 1e-18) out[t] = (v - mean) / Math.sqrt(varr);
    }
  }
  return out;
}

export interface TickerHeuristic {
  predicted: Float64Array;
  confidence: Float64Array;
  regime: Int32Array;
}

/**
 * Spec §5.1 HeuristicPredictor on one ticker's bars: score = Σ w·z / Σ|w| over rolling
 * 252-bar z-scores (min 60) of the five features; predicted = tanh(score)·0.03;
 * confidence = clip((0.45 + 0.35·regime_conf)·(0.7 + 0.3·max regime prob), 0, 1) with causal
 * rule-based regimes (cheap and filtered; unavailable regime → conf 0, prob 0).
 */
export function heuristicTicker(bars: Bars): TickerHeuristic {
  const n = bars.close.length;
  const fm = computeFeatures(
    HEURISTIC_WEIGHTS.map((w) => w.feature),
    bars,
    null,
  );
  const zs = fm.columns.map((col) => rollingZ(col, HEURISTIC_Z_WINDOW, HEURISTIC_Z_MIN));
  let wAbs = 0;
  for (const w of HEURISTIC_WEIGHTS) wAbs += Math.abs(w.weight);
  const predicted = new Float64Array(n).fill(Number.NaN);
  const confidence = new Float64Array(n).fill(Number.NaN);
  const regime = new Int32Array(n).fill(-1);
  const reg = n >= 2 ? causalRegimes(bars, { method: 'rules' }) : null;
  for (let t = 0; t < n; t++) {
    let s = 0;
    let ok = true;
    for (let f = 0; f < zs.length && ok; f++) {
      const z = zs[f][t];
      if (Number.isFinite(z)) s += HEURISTIC_WEIGHTS[f].weight * z;
      else ok = false;
    }
    if (!ok) continue;
    predicted[t] = Math.tanh(s / wAbs) * 0.03;
    let rc = 0;
    let pmax = 0;
    if (reg) {
      const c = reg.confidence[t];
      if (Number.isFinite(c)) rc = c;
      for (let k = 0; k < 4; k++) {
        const p = reg.probs[t * 4 + k];
        if (Number.isFinite(p) && p > pmax) pmax = p;
      }
      regime[t] = reg.regime[t];
    }
    confidence[t] = Math.min(1, Math.max(0, (0.45 + 0.35 * rc) * (0.7 + 0.3 * pmax)));
  }
  return { predicted, confidence, regime };
}

/** Heuristic predictions for every ticker of the matrix, with cross-sectional z-scores. */
export function heuristicPredictions(m: PriceMatrix, horizon: number): PredictionPanel {
  const size = m.rows * m.cols;
  const predicted = new Float64Array(size).fill(Number.NaN);
  const confidence = new Float64Array(size).fill(Number.NaN);
  const regime = new Int32Array(size).fill(-1);
  for (let i = 0; i < m.cols; i++) {
    const { rows, bars } = tickerBars(m, i);
    if (rows.length === 0) continue;
    scatterTicker(m, i, rows, heuristicTicker(bars), predicted, confidence, regime);
  }
  return {
    predictor: 'heuristic',
    horizon,
    predicted,
    confidence,
    regime,
    csZscore: crossSectionalZscore(predicted, m.rows, m.cols),
    notes: ['heuristic predictor (spec §5.1): tanh of weighted rolling z-scores × 0.03; rule-based causal regimes'],
  };
}

export function scatterTicker(
  m: PriceMatrix,
  i: number,
  rows: Int32Array,
  h: TickerHeuristic,
  predicted: Float64Array,
  confidence: Float64Array,
  regime: Int32Array,
): void {
  for (let j = 0; j < rows.length; j++) {
    const k = rows[j] * m.cols + i;
    predicted[k] = h.predicted[j];
    confidence[k] = h.confidence[j];
    regime[k] = h.regime[j];
  }
}

/** Per row: (x − mean)/std (ddof 1) over the row's finite values; NaN with < 2 values or zero std. */
export function crossSectionalZscore(x: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols).fill(Number.NaN);
  for (let t = 0; t < rows; t++) {
    let s = 0;
    let c = 0;
    for (let i = 0; i < cols; i++) {
      const v = x[t * cols + i];
      if (Number.isFinite(v)) {
        s += v;
        c++;
      }
    }
    if (c < 2) continue;
    const mean = s / c;
    let v2 = 0;
    for (let i = 0; i < cols; i++) {
      const v = x[t * cols + i];
      if (Number.isFinite(v)) v2 += (v - mean) ** 2;
    }
    const sd = Math.sqrt(v2 / (c - 1));
    if (!(sd > 1e-15)) continue;
    for (let i = 0; i < cols; i++) {
      const v = x[t * cols + i];
      if (Number.isFinite(v)) out[t * cols + i] = (v - mean) / sd;
    }
  }
  return out;
}

/**
 * Spec §5.3.1: per date with ≥ 2 z-scores, predicted_return is set to 0 where cs_zscore is
 * below the (1 − keep) quantile (linear interpolation) — the top `keep` share stays. Returns a new panel.
 */
export function topKFilter(p: PredictionPanel, cols: number, keep = 0.7): PredictionPanel {
  const predicted = p.predicted.slice();
  const rows = predicted.length / cols;
  const buf = new Float64Array(cols);
  for (let t = 0; t < rows; t++) {
    let c = 0;
    for (let i = 0; i < cols; i++) {
      const z = p.csZscore[t * cols + i];
      if (Number.isFinite(z)) buf[c++] = z;
    }
    if (c < 2) continue;
    const sorted = buf.subarray(0, c).slice().sort();
    const q = quantileSorted(sorted, 1 - keep);
    for (let i = 0; i < cols; i++) {
      const k = t * cols + i;
      if (p.csZscore[k] < q) predicted[k] = 0;
    }
  }
  return { ...p, predicted, notes: [...p.notes, `top ${Math.round(keep * 100)} % cross-sectional filter`] };
}

/** Last row with a finite prediction per ticker (tickers without one are left out). */
export function latestPredictions(m: PriceMatrix, p: PredictionPanel): LatestPredictions {
  const out: LatestPredictions = { tickers: [], dates: [], predicted: new Float64Array(0), confidence: new Float64Array(0), regime: new Int32Array(0) };
  const pr: number[] = [];
  const cf: number[] = [];
  const rg: number[] = [];
  for (let i = 0; i < m.cols; i++) {
    for (let t = m.rows - 1; t >= 0; t--) {
      const k = t * m.cols + i;
      if (Number.isFinite(p.predicted[k])) {
        out.tickers.push(m.tickers[i]);
        out.dates.push(isoFromDay(m.days[t]));
        pr.push(p.predicted[k]);
        cf.push(Number.isFinite(p.confidence[k]) ? p.confidence[k] : 0);
        rg.push(p.regime[k]);
        break;
      }
    }
  }
  out.predicted = Float64Array.from(pr);
  out.confidence = Float64Array.from(cf);
  out.regime = Int32Array.from(rg);
  return out;
}
