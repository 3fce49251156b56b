/**
 * Retrain triggers (spec §4.6) as pure functions of a model's track record and the current
 * time, which the caller injects (the engine never reads the clock). Each trigger that fires
 * yields a reason the UI shows as a warning.
 */

export const RETRAIN_DEFAULTS = {
  maxDays: 30,
  maxTrades: 50,
  tradeWindow: 30,
  minWinRate: 0.45,
  minOosSpearman: 0.05,
  minRollingIc: 0.02,
  minRollingSharpe: 0.3,
  maxMeanPsi: 0.25,
  cusumK: 0.5,
  cusumH: 5,
} as const;

const DAY_MS = 86_400_000;

/** Population stability index of `current` against `reference` over `bins` equal-width bins of the reference range. */
export function psi(reference: ArrayLike<number>, current: ArrayLike<number>, bins = 10, eps = 1e-6): number {
  const ref: number[] = [];
  for (let i = 0; i < reference.length; i++) if (Number.isFinite(reference[i])) ref.push(reference[i]);
  const cur: number[] = [];
  for (let i = 0; i < current.length; i++) if (Number.isFinite(current[i])) cur.push(current[i]);
  if (ref.length === 0 || cur.length === 0) return Number.NaN;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of ref) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const bin = (v: number) => {
    if (hi === lo) return 0;
    // numpy.histogram edges: the last bin is closed; values outside the reference range clamp to the end bins.
    const b = Math.floor(((v - lo) / (hi - lo)) * bins);
    return Math.min(bins - 1, Math.max(0, b));
  };
  const rc = new Float64Array(bins);
  const cc = new Float64Array(bins);
  for (const v of ref) rc[bin(v)]++;
  for (const v of cur) cc[bin(v)]++;
  let s = 0;
  for (let b = 0; b < bins; b++) {
    const p = Math.max(rc[b] / ref.length, eps);
    const q = Math.max(cc[b] / cur.length, eps);
    s += (q - p) * Math.log(q / p);
  }
  return s;
}

/** Two-sample Kolmogorov–Smirnov statistic sup |F_a − F_b| (NaN if either side is empty). */
export function ksStatistic(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Float64Array.from(a).filter(Number.isFinite).sort();
  const y = Float64Array.from(b).filter(Number.isFinite).sort();
  if (x.length === 0 || y.length === 0) return Number.NaN;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/**
 * Two-sided CUSUM on standardised errors: S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k)
 * with z = (e − mean)/σ of the series; alarm at the first S > h.
 */
export function cusumAlarm(errors: ArrayLike<number>, k: number = RETRAIN_DEFAULTS.cusumK, h: number = RETRAIN_DEFAULTS.cusumH): { alarm: boolean; index: number } {
  const e = Array.from(errors).filter(Number.isFinite);
  if (e.length < 2) return { alarm: false, index: -1 };
  const m = e.reduce((s, v) => s + v, 0) / e.length;
  const sd = Math.sqrt(e.reduce((s, v) => s + (v - m) ** 2, 0) / e.length);
  if (!(sd > 0)) return { alarm: false, index: -1 };
  let up = 0;
  let down = 0;
  for (let i = 0; i < e.length; i++) {
    const z = (e[i] - m) / sd;
    up = Math.max(0, up + z - k);
    down = Math.max(0, down - z - k);
    if (up > h || down > h) return { alarm: true, index: i };
  }
  return { alarm: false, index: -1 };
}

export interface TrackRecord {
  /** epoch ms of the last training, null if never trained */
  lastTrainedMs: number | null;
  tradesSinceTraining?: number;
  /** recent trade P&L signs or returns, oldest first */
  recentTradeReturns?: number[];
  /** recent ±1 sign agreements of prediction and outcome, oldest first */
  recentIcSigns?: number[];
  oosSpearman?: number | null;
  /** per feature: reference (training) and current values, for PSI */
  featureDrift?: { name: string; reference: ArrayLike<number>; current: ArrayLike<number> }[];
  /** recent prediction errors (outcome − prediction), oldest first */
  predictionErrors?: number[];
}

export interface TriggerResult {
  retrain: boolean;
  reasons: string[];
  meanPsi: number;
}

export function retrainTriggers(r: TrackRecord, nowMs: number, cfg: Partial<typeof RETRAIN_DEFAULTS> = {}): TriggerResult {
  const c = { ...RETRAIN_DEFAULTS, ...cfg };
  const reasons: string[] = [];
  if (r.lastTrainedMs === null) {
    reasons.push('never trained');
  } else {
    const days = (nowMs - r.lastTrainedMs) / DAY_MS;
    if (days > c.maxDays) reasons.push(`model is ${Math.floor(days)} days old (limit ${c.maxDays})`);
  }
  if ((r.tradesSinceTraining ?? 0) >= c.maxTrades) reasons.push(`${r.tradesSinceTraining} trades since training (limit ${c.maxTrades})`);
  const trades = (r.recentTradeReturns ?? []).slice(-c.tradeWindow);
  if (trades.length >= c.tradeWindow) {
    const wins = trades.filter((t) => t > 0).length / trades.length;
    if (wins < c.minWinRate) reasons.push(`win rate ${wins.toFixed(2)} over the last ${trades.length} trades < ${c.minWinRate}`);
    const m = trades.reduce((s, v) => s + v, 0) / trades.length;
    const sd = Math.sqrt(trades.reduce((s, v) => s + (v - m) ** 2, 0) / (trades.length - 1));
    const sharpe = sd > 0 ? (m / sd) * Math.sqrt(252 / c.tradeWindow) : Number.NaN;
    if (Number.isFinite(sharpe) && sharpe < c.minRollingSharpe) reasons.push(`rolling Sharpe ${sharpe.toFixed(2)} < ${c.minRollingSharpe}`);
  }
  const oos = r.oosSpearman;
  if (oos !== undefined && oos !== null && Number.isFinite(oos)) {
    if (oos < 0) reasons.push(`OOS Spearman ${oos.toFixed(3)} < 0 (model is actively wrong)`);
    else if (oos < c.minOosSpearman) reasons.push(`OOS Spearman ${oos.toFixed(3)} < ${c.minOosSpearman}`);
  }
  const ic = (r.recentIcSigns ?? []).slice(-c.tradeWindow);
  if (ic.length >= c.tradeWindow) {
    const m = ic.reduce((s, v) => s + v, 0) / ic.length;
    if (m < c.minRollingIc) reasons.push(`rolling IC ${m.toFixed(3)} < ${c.minRollingIc}`);
  }
  let meanPsi = Number.NaN;
  if (r.featureDrift && r.featureDrift.length > 0) {
    const vals = r.featureDrift.map((f) => psi(f.reference, f.current)).filter(Number.isFinite);
    if (vals.length > 0) {
      meanPsi = vals.reduce((s, v) => s + v, 0) / vals.length;
      if (meanPsi > c.maxMeanPsi) reasons.push(`feature distribution shift: mean PSI ${meanPsi.toFixed(3)} > ${c.maxMeanPsi}`);
    }
  }
  if (r.predictionErrors && cusumAlarm(r.predictionErrors, c.cusumK, c.cusumH).alarm) {
    reasons.push('CUSUM alarm on prediction errors');
  }
  return { retrain: reasons.length > 0, reasons, meanPsi };
}
