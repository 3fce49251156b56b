/**
 * What drives a simulation: a score per date × ticker (a model's predicted return, or a rule's
 * strength), optional confidence and regime, in the price matrix's row-major layout. A score
 * at row t is known at the close of t; the simulator acts on it at the next bar. Rule signals
 * are computed per ticker over its own bars, so a missing day of one ticker does not shift
 * another's windows.
 */
import { isoFromDay } from '../risk/dates';
import { BacktestInputError, type PriceMatrix } from './matrix';
import { prefixSums, smaFromPrefix } from './sma';

export interface SignalMatrix {
  /** predicted return or rule score, rows × cols; NaN = no signal */
  score: Float64Array;
  /** confidence in [0, 1]; null = 1 everywhere */
  confidence: Float64Array | null;
  /** regime code per cell (0–3 in the spec), −1 = unknown; null = unknown everywhere */
  regime: Int32Array | null;
}

/** A rule that turns prices into scores: entries when score > entry threshold, exits when ≤ exit threshold. */
export type RuleSpec = { kind: 'sma'; fast: number; slow: number } | { kind: 'momentum'; lookback: number };

/** "sma:20,50" or "momentum:20" → RuleSpec (errors name the text). */
export function parseRule(text: string): RuleSpec {
  const m = /^\s*([a-z_]+)\s*:\s*([0-9,\s]+)$/i.exec(text);
  if (!m) throw new BacktestInputError(`rule "${text}" is not of the form sma:FAST,SLOW or momentum:LOOKBACK`, 'rule');
  const kind = m[1].toLowerCase();
  const args = m[2].split(',').map((s) => Number(s.trim()));
  const bad = args.some((a) => !Number.isInteger(a) || a < 1);
  if (kind === 'sma') {
    if (args.length !== 2 || bad) throw new BacktestInputError(`rule "${text}": sma needs two positive integer windows`, 'rule');
    if (args[0] >= args[1]) throw new BacktestInputError(`rule "${text}": the fast window must be shorter than the slow one`, 'rule');
    return { kind: 'sma', fast: args[0], slow: args[1] };
  }
  if (kind === 'momentum') {
    if (args.length !== 1 || bad) throw new BacktestInputError(`rule "${text}": momentum needs one positive integer lookback`, 'rule');
    return { kind: 'momentum', lookback: args[0] };
  }
  throw new BacktestInputError(`rule "${text}": unknown rule "${kind}" (known: sma, momentum)`, 'rule');
}

/** Rows at which ticker i has a bar, ascending. */
export function tradingRows(m: PriceMatrix, i: number): Int32Array {
  let n = 0;
  for (let t = 0; t < m.rows; t++) if (m.close[t * m.cols + i] > 0) n++;
  const rows = new Int32Array(n);
  n = 0;
  for (let t = 0; t < m.rows; t++) if (m.close[t * m.cols + i] > 0) rows[n++] = t;
  return rows;
}

/**
 * Score of a rule: sma → SMA_fast/SMA_slow − 1 of the close (> 0 exactly when fast > slow);
 * momentum → C_t/C_{t−L} − 1 over the ticker's own bars. NaN until the window is complete.
 */
export function ruleSignals(m: PriceMatrix, rule: RuleSpec): SignalMatrix {
  const score = new Float64Array(m.rows * m.cols).fill(Number.NaN);
  for (let i = 0; i < m.cols; i++) {
    const rows = tradingRows(m, i);
    const n = rows.length;
    const c = new Float64Array(n);
    for (let j = 0; j < n; j++) c[j] = m.close[rows[j] * m.cols + i];
    if (rule.kind === 'sma') {
      const cs = prefixSums(c);
      const f = new Float64Array(n);
      const s = new Float64Array(n);
      smaFromPrefix(cs, rule.fast, f);
      smaFromPrefix(cs, rule.slow, s);
      for (let j = rule.slow - 1; j < n; j++) score[rows[j] * m.cols + i] = f[j] / s[j] - 1;
    } else {
      for (let j = rule.lookback; j < n; j++) score[rows[j] * m.cols + i] = c[j] / c[j - rule.lookback] - 1;
    }
  }
  return { score, confidence: null, regime: null };
}

export interface PredictionRows {
  /** epoch day of the signal (prediction made at that day's close) */
  days: Int32Array;
  tickers: readonly string[];
  predicted: Float64Array;
  confidence?: Float64Array;
  regime?: Int32Array;
}

/**
 * Scatters prediction rows onto the matrix. Unknown tickers, dates outside the price calendar,
 * days on which the ticker has no bar, duplicates and non-finite values are errors naming the row.
 */
export function predictionSignals(m: PriceMatrix, p: PredictionRows): SignalMatrix {
  const n = p.days.length;
  if (p.tickers.length !== n || p.predicted.length !== n) {
    throw new BacktestInputError('prediction columns have different lengths', 'predictions');
  }
  if (p.confidence && p.confidence.length !== n) throw new BacktestInputError('confidence column length differs', 'confidence');
  if (p.regime && p.regime.length !== n) throw new BacktestInputError('regime column length differs', 'regime');
  const col = new Map<string, number>();
  m.tickers.forEach((t, i) => {
    col.set(t, i);
  });
  const size = m.rows * m.cols;
  const score = new Float64Array(size).fill(Number.NaN);
  const confidence = p.confidence ? new Float64Array(size).fill(Number.NaN) : null;
  const regime = p.regime ? new Int32Array(size).fill(-1) : null;
  for (let r = 0; r < n; r++) {
    const where = `prediction row ${r + 1} (${p.tickers[r]} ${isoFromDay(p.days[r])})`;
    const i = col.get(p.tickers[r]);
    if (i === undefined) throw new BacktestInputError(`${where}: ticker ${p.tickers[r]} has no price data`, 'ticker');
    const t = findDay(m.days, p.days[r]);
    if (t < 0 || !(m.close[t * m.cols + i] > 0)) {
      throw new BacktestInputError(`${where}: ${p.tickers[r]} has no bar on that date`, 'date');
    }
    const k = t * m.cols + i;
    if (!Number.isNaN(score[k])) throw new BacktestInputError(`${where}: duplicate prediction for this ticker and date`, 'date');
    const v = p.predicted[r];
    if (!Number.isFinite(v)) throw new BacktestInputError(`${where}: predicted_return is not finite`, 'predicted_return');
    score[k] = v;
    if (confidence && p.confidence) {
      const c = p.confidence[r];
      if (!(c >= 0 && c <= 1)) throw new BacktestInputError(`${where}: confidence ${c} is not in [0, 1]`, 'confidence');
      confidence[k] = c;
    }
    if (regime && p.regime) regime[k] = p.regime[r];
  }
  return { score, confidence, regime };
}

/** Binary search for an epoch day; −1 if absent. */
export function findDay(days: Int32Array, day: number): number {
  let lo = 0;
  let hi = days.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = days[mid];
    if (v === day) return mid;
    if (v < day) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** The all-NaN signal: a run with it trades nothing. */
export function emptySignals(m: PriceMatrix): SignalMatrix {
  return { score: new Float64Array(m.rows * m.cols).fill(Number.NaN), confidence: null, regime: null };
}
