/**
 * Exits on price levels. Two layers:
 * - `checkBarStop`: one bar against a stop level below and a target above, aware of gaps —
 *   used by the simulator. `conservative` (default): a gap through a level fills at the open;
 *   inside the bar the stop is assumed to trade before the target when the range covers both
 *   (the bar's path is unknown, so assume the worse). `close_only`: the close is compared and
 *   fills at the close.
 * - `evaluateSpecStop`: the spec's StopLossManager.evaluate (§4.3) on scalar inputs, rules in
 *   order hard → ATR → trailing → time → regime change → target, first hit exits.
 */

export const STOP_NONE = 0;
export const STOP_HIT = 1;
export const TARGET_HIT = 2;

export type StopBarModel = 'conservative' | 'close_only';

/** Result slot for checkBarStop (reused, no allocation). */
export interface StopFill {
  /** reference price of the exit (before costs) */
  price: number;
}

/**
 * Checks one bar of a long position against `stop` (−∞ = none) and `target` (+∞ = none).
 * Returns STOP_NONE, STOP_HIT or TARGET_HIT and writes the exit reference price.
 */
export function checkBarStop(
  open: number,
  high: number,
  low: number,
  close: number,
  stop: number,
  target: number,
  model: StopBarModel,
  out: StopFill,
): number {
  if (model === 'close_only') {
    if (close <= stop) {
      out.price = close;
      return STOP_HIT;
    }
    if (close >= target) {
      out.price = close;
      return TARGET_HIT;
    }
    return STOP_NONE;
  }
  if (open <= stop) {
    out.price = open;
    return STOP_HIT;
  }
  if (open >= target) {
    out.price = open;
    return TARGET_HIT;
  }
  if (low <= stop) {
    out.price = stop;
    return STOP_HIT;
  }
  if (high >= target) {
    out.price = target;
    return TARGET_HIT;
  }
  return STOP_NONE;
}

export type SpecStopReason = 'hard_stop' | 'atr_stop' | 'trailing_stop' | 'time_stop' | 'regime_change' | 'target_hit';

export interface SpecStopConfig {
  hardStopPct: number;
  atrMultiplier: number;
  trailingAtrMultiplier: number;
  /** trailing stop only once unrealised return ≥ this */
  trailingActivation: number;
  maxHoldingDays: number;
  spreadBufferBps: number;
  regimeChangeExit: boolean;
  /** optional profit target as a return (null = off) */
  profitTarget: number | null;
  /** ATR multiplier scale by current regime */
  regimeStopMultiplier: Record<number, number>;
}

export const DEFAULT_SPEC_STOPS: SpecStopConfig = {
  hardStopPct: 0.08,
  atrMultiplier: 2.0,
  trailingAtrMultiplier: 1.5,
  trailingActivation: 0.02,
  maxHoldingDays: 30,
  spreadBufferBps: 3,
  regimeChangeExit: true,
  profitTarget: null,
  regimeStopMultiplier: { 0: 1.0, 1: 0.8, 2: 1.2, 3: 1.5 },
};

export interface SpecStopInput {
  entry: number;
  current: number;
  /** highest price since entry (lowest for a short) */
  highest: number;
  atr: number;
  barsHeld: number;
  entryRegime: number;
  currentRegime: number;
  side?: 'long' | 'short';
}

export interface SpecStopResult {
  exit: boolean;
  reason: SpecStopReason | null;
  /** the active protective level when not exiting: the tighter of the ATR and trailing stops */
  stopPrice: number;
  unrealized: number;
}

export function evaluateSpecStop(x: SpecStopInput, cfg: SpecStopConfig = DEFAULT_SPEC_STOPS): SpecStopResult {
  const long = (x.side ?? 'long') === 'long';
  const s = long ? 1 : -1;
  const unrealized = (s * (x.current - x.entry)) / x.entry;
  const buf = ((x.entry * cfg.spreadBufferBps) / 1e4) * 0.5;
  const m = cfg.regimeStopMultiplier[x.currentRegime] ?? 1;
  // Levels for a long; a short mirrors them around the entry.
  const hardLevel = x.entry * (1 - s * cfg.hardStopPct) - s * buf;
  const atrLevel = x.entry - s * cfg.atrMultiplier * m * x.atr - s * buf;
  const trailLevel = x.highest - s * cfg.trailingAtrMultiplier * m * x.atr - s * buf;
  const hit = (level: number) => (long ? x.current <= level : x.current >= level);
  const done = (reason: SpecStopReason): SpecStopResult => ({ exit: true, reason, stopPrice: x.current, unrealized });
  if (unrealized <= (s * (hardLevel - x.entry)) / x.entry) return done('hard_stop');
  if (x.atr > 0 && hit(atrLevel)) return done('atr_stop');
  const trailing = unrealized >= cfg.trailingActivation && x.atr > 0;
  if (trailing && hit(trailLevel)) return done('trailing_stop');
  if (x.barsHeld >= cfg.maxHoldingDays) return done('time_stop');
  if (cfg.regimeChangeExit && x.currentRegime !== x.entryRegime) return done('regime_change');
  if (cfg.profitTarget !== null && unrealized >= cfg.profitTarget) return done('target_hit');
  const stopPrice = trailing ? (long ? Math.max(atrLevel, trailLevel) : Math.min(atrLevel, trailLevel)) : atrLevel;
  return { exit: false, reason: null, stopPrice, unrealized };
}

/** Spec `compute_initial_stop`: the tighter of the ATR and hard stops, and risk per share (≥ 0.01). */
export function initialStop(entry: number, atr: number, cfg: SpecStopConfig = DEFAULT_SPEC_STOPS): { stop: number; riskPerShare: number } {
  const stop = Math.max(entry - cfg.atrMultiplier * atr, entry * (1 - cfg.hardStopPct));
  return { stop, riskPerShare: Math.max(0.01, entry - stop) };
}
