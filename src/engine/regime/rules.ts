/**
 * Rule-based regime detector (engine-research §3.5) on one ticker's clean daily bars.
 *
 * Inputs: Hurst_100 (NaN → 0.5), ADX_14 (→ 15), NATR_14 = 100·mean_14(TR)/C (→ 10) and the
 * 50-bar SMA slope. The original read a column `SMASlope_50` the pipeline never produced, so
 * its slope was always 0 and every trending bar was "bear" (§7, OPEN); we use SMASlope_50_5
 * = 100·(SMA50/SMA50[−5] − 1), the column it meant (→ 0 when missing).
 *
 * Per row t (all inputs trailing, so the raw label is causal):
 *   high_vol  = NATR > rolling-252 80th percentile of NATR (min_periods 60)
 *   trending  = Hurst > 0.55 ∧ ADX > 20;  bull = trending ∧ slope > 0;  bear = trending ∧ slope ≤ 0
 *   mean_rev  = Hurst < 0.45
 *   label: 2 by default; mean_rev → 2, bull → 0, bear → 1, then high_vol → 3 overrides.
 *   confidence: trending 0.5 + 2(H − 0.5); mean-reverting 0.5 + 2(0.5 − H);
 *   high-vol 0.5 + 0.2·z(NATR; 252, min_periods 60); each clipped to [0.3, 1]; otherwise 0.5.
 * The percentile and z-score windows use the NATR values actually present (the fill value
 * 10 is for the comparison only, so warm-up fills do not distort the window statistics).
 *
 * Three label paths:
 * - `raw`: the rules above (causal).
 * - `online`: causal minimum duration — a new label is adopted only after it has held for
 *   `minDuration` consecutive rows (the current label is kept meanwhile, with the neutral
 *   confidence 0.5). This is what downstream consumers get (probabilities = its one-hot).
 * - `smoothed`: the spec's two-sided smoothing (runs shorter than `minDuration` join the
 *   neighbour whose adjacent run has the higher mean confidence; ties → left). It looks at
 *   rows after t: display only.
 * Rows before every input has its first value (the warm-up, ~99 rows for Hurst_100) have no
 * label (−1, NaN) rather than the label the fill values would produce.
 */
import type { Bars } from '../contracts';
import { rollingMean } from '../core/rolling';
import { computeFeatures } from '../features/registry';
import { hurst100 } from './hurst';
import { HIGH_VOLATILITY, MEAN_REVERTING, R, TRENDING_BEAR, TRENDING_BULL } from './labels';
import { rollingMeanStdMinPeriods, rollingQuantile } from './window';

export interface RuleOptions {
  /** minimum run length in rows, default 3 */
  minDuration?: number;
}

export interface RuleInputs {
  hurst: Float64Array;
  adx: Float64Array;
  natr: Float64Array;
  slope: Float64Array;
  /** rolling 80th percentile of NATR */
  natrQ80: Float64Array;
  /** rolling z-score of NATR */
  natrZ: Float64Array;
}

export interface RuleRegimes {
  /** first row with every input present (earlier rows: label −1) */
  warmup: number;
  raw: Int32Array;
  rawConfidence: Float64Array;
  /** causal labels with minimum-duration confirmation */
  online: Int32Array;
  onlineConfidence: Float64Array;
  /** two-sided minimum-duration smoothing of `raw` (display only) */
  smoothed: Int32Array;
  /** one-hot of `online`, T×4 (NaN rows during warm-up) */
  probs: Float64Array;
  inputs: RuleInputs;
  minDuration: number;
}

const WINDOW = 252;
const MIN_PERIODS = 60;

/** max(a, b) ignoring NaN (NaN only when both are). */
function maxPresent(a: number, b: number): number {
  if (a - a !== 0) return b - b === 0 ? b : Number.NaN;
  return b - b === 0 && b > a ? b : a;
}

/** NATR_14 of §2.3: 100·mean_14(TR)/C with TR_0 = H − L (a simple, not Wilder, mean). */
export function natr14Percent(bars: Bars): Float64Array {
  const { high: h, low: l, close: c } = bars;
  const n = c.length;
  const tr = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const hl = h[t] - l[t];
    if (t === 0) {
      tr[t] = hl;
      continue;
    }
    const pc = c[t - 1];
    // NaN terms are ignored (pandas max over columns skips NaN); all NaN → NaN.
    tr[t] = maxPresent(maxPresent(hl, Math.abs(h[t] - pc)), Math.abs(l[t] - pc));
  }
  const atr = rollingMean(tr, 14);
  const out = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const v = (100 * atr[t]) / c[t];
    out[t] = v - v === 0 ? v : Number.NaN;
  }
  return out;
}

export function ruleInputs(bars: Bars): RuleInputs {
  const f = computeFeatures(['ADX_14', 'SMASlope_50_5'], bars);
  const natr = natr14Percent(bars);
  const q = rollingQuantile(natr, WINDOW, MIN_PERIODS, 0.8);
  const { mean, std } = rollingMeanStdMinPeriods(natr, WINDOW, MIN_PERIODS);
  const z = new Float64Array(natr.length);
  for (let t = 0; t < z.length; t++) {
    const v = std[t] > 0 ? (natr[t] - mean[t]) / std[t] : Number.NaN;
    z[t] = v - v === 0 ? v : Number.NaN;
  }
  return { hurst: hurst100(bars.close), adx: f.columns[0], natr, slope: f.columns[1], natrQ80: q, natrZ: z };
}

function fill(v: number, dflt: number): number {
  return v - v === 0 ? v : dflt;
}

function clipConf(v: number): number {
  return Math.min(1, Math.max(0.3, v));
}

/** Raw rule label and confidence of one row. */
export function ruleLabel(
  hurst: number,
  adx: number,
  natr: number,
  slope: number,
  natrQ80: number,
  natrZ: number,
): { label: number; confidence: number } {
  const H = fill(hurst, 0.5);
  const A = fill(adx, 15);
  const N = fill(natr, 10);
  const S = fill(slope, 0);
  const trending = H > 0.55 && A > 20;
  let label = MEAN_REVERTING;
  let confidence = 0.5;
  if (H < 0.45) confidence = clipConf(0.5 + 2 * (0.5 - H));
  if (trending) {
    label = S > 0 ? TRENDING_BULL : TRENDING_BEAR;
    confidence = clipConf(0.5 + 2 * (H - 0.5));
  }
  if (N > natrQ80) {
    label = HIGH_VOLATILITY;
    confidence = clipConf(0.5 + 0.2 * fill(natrZ, 0));
  }
  return { label, confidence };
}

interface Run {
  start: number;
  len: number;
  label: number;
  confSum: number;
}

/**
 * Two-sided minimum-duration smoothing (§3.5): repeatedly take the leftmost run shorter than
 * minDuration and relabel it to the neighbour whose adjacent run has the higher mean
 * confidence (ties → left; an edge run takes its only neighbour), merging equal neighbours.
 * Ends when no short run is left or a single run remains. Rows with label −1 are left alone
 * and separate runs.
 */
export function smoothMinDuration(labels: Int32Array, confidence: Float64Array, minDuration: number): Int32Array {
  const out = labels.slice();
  // Segments of consecutive labelled rows are smoothed independently.
  let t = 0;
  while (t < out.length) {
    if (out[t] < 0) {
      t++;
      continue;
    }
    let e = t;
    while (e < out.length && out[e] >= 0) e++;
    smoothSegment(out, confidence, t, e, minDuration);
    t = e;
  }
  return out;
}

function smoothSegment(out: Int32Array, conf: Float64Array, from: number, to: number, minDuration: number): void {
  const runs: Run[] = [];
  for (let t = from; t < to; t++) {
    const c = conf[t] - conf[t] === 0 ? conf[t] : 0;
    const last = runs[runs.length - 1];
    if (last && last.label === out[t]) {
      last.len++;
      last.confSum += c;
    } else {
      runs.push({ start: t, len: 1, label: out[t], confSum: c });
    }
  }
  let i = 0;
  while (runs.length > 1 && i < runs.length) {
    const r = runs[i];
    if (r.len >= minDuration) {
      i++;
      continue;
    }
    const left = i > 0 ? runs[i - 1] : null;
    const right = i < runs.length - 1 ? runs[i + 1] : null;
    const useLeft = !right || (left !== null && left.confSum / left.len >= right.confSum / right.len);
    const into = useLeft ? left! : right!;
    r.label = into.label;
    // Merge r into its chosen neighbour, and with the other neighbour when it has that label too.
    if (useLeft) {
      left!.len += r.len;
      left!.confSum += r.confSum;
      runs.splice(i, 1);
      if (right && right.label === left!.label) {
        left!.len += right.len;
        left!.confSum += right.confSum;
        runs.splice(i, 1);
      }
      i = Math.max(0, i - 1);
    } else {
      right!.start = r.start;
      right!.len += r.len;
      right!.confSum += r.confSum;
      runs.splice(i, 1);
      if (left && left.label === right!.label) {
        left.len += right!.len;
        left.confSum += right!.confSum;
        runs.splice(i, 1);
        i = Math.max(0, i - 1);
      }
    }
  }
  for (const r of runs) out.fill(r.label, r.start, r.start + r.len);
}

/** Causal confirmation: switch only after the new label has held for minDuration rows. */
export function confirmLabels(
  raw: Int32Array,
  rawConfidence: Float64Array,
  minDuration: number,
): { labels: Int32Array; confidence: Float64Array } {
  const n = raw.length;
  const labels = new Int32Array(n).fill(-1);
  const confidence = new Float64Array(n).fill(Number.NaN);
  let cur = -1;
  let streak = 0;
  for (let t = 0; t < n; t++) {
    const r = raw[t];
    if (r < 0) {
      cur = -1;
      streak = 0;
      continue;
    }
    streak = t > 0 && raw[t - 1] === r ? streak + 1 : 1;
    if (cur < 0 || r === cur || streak >= minDuration) cur = r;
    labels[t] = cur;
    confidence[t] = cur === r ? rawConfidence[t] : 0.5;
  }
  return { labels, confidence };
}

/** Runs the rule-based detector over clean daily bars. */
export function detectRuleRegimes(bars: Bars, opts: RuleOptions = {}): RuleRegimes {
  const minDuration = opts.minDuration ?? 3;
  if (!(Number.isInteger(minDuration) && minDuration >= 1)) {
    throw new Error(`rules: minDuration must be an integer ≥ 1, got ${minDuration}`);
  }
  const inputs = ruleInputs(bars);
  const n = bars.close.length;
  let warmup = n;
  for (let t = 0; t < n && warmup === n; t++) {
    const ok = [inputs.hurst[t], inputs.adx[t], inputs.natr[t], inputs.slope[t]].every((v) => v - v === 0);
    if (ok) warmup = t;
  }
  const raw = new Int32Array(n).fill(-1);
  const rawConfidence = new Float64Array(n).fill(Number.NaN);
  for (let t = warmup; t < n; t++) {
    const { label, confidence } = ruleLabel(
      inputs.hurst[t],
      inputs.adx[t],
      inputs.natr[t],
      inputs.slope[t],
      inputs.natrQ80[t],
      inputs.natrZ[t],
    );
    raw[t] = label;
    rawConfidence[t] = confidence;
  }
  const { labels: online, confidence: onlineConfidence } = confirmLabels(raw, rawConfidence, minDuration);
  const probs = new Float64Array(n * R).fill(Number.NaN);
  for (let t = 0; t < n; t++) {
    if (online[t] < 0) continue;
    for (let k = 0; k < R; k++) probs[t * R + k] = k === online[t] ? 1 : 0;
  }
  return {
    warmup,
    raw,
    rawConfidence,
    online,
    onlineConfidence,
    smoothed: smoothMinDuration(raw, rawConfidence, minDuration),
    probs,
    inputs,
    minDuration,
  };
}
