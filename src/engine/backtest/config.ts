/**
 * Simulator parameters, their defaults (spec "simple mode" defaults: entry 0.005,
 * confidence 0.6, 20 positions of 5 %, 10-day holding, next-open fills, spec costs) and the
 * validation that turns a partial user config into a complete one with errors naming the field.
 */
import { DEFAULT_DRAWDOWN_CONTROL, type DrawdownControlConfig } from '../risk/drawdown-control';
import { DEFAULT_SIZER, type SizerConfig } from '../risk/sizing';
import type { StopBarModel } from '../risk/stops';
import { type CostModel, DEFAULT_COSTS } from './execution';
import { BacktestInputError } from './matrix';

export type SizingConfig =
  /** a fixed fraction of equity per position */
  | { method: 'fixed'; fraction: number }
  /** spec vol targeting: target/(σ·√(h/252)·√maxPositions), clipped to [min, max] */
  | { method: 'vol_target'; targetVol: number; min: number; max: number; horizonDays: number | null }
  /**
   * Kelly fraction × full Kelly of the completed trades' net returns (small-sample penalty
   * min(1, n/50)), capped at max; `fallbackFraction` until more than `minTrades` trades are done.
   * A non-positive edge sizes 0 (no entry).
   */
  | { method: 'kelly'; kellyFraction: number; max: number; minTrades: number; fallbackFraction: number }
  /** spec PositionSizer.size_position blend of Kelly, vol targeting and ATR risk */
  | { method: 'composite'; sizer: SizerConfig };

export interface StopConfig {
  /** exit when the price falls this fraction below the entry fill (null = off) */
  stopLoss: number | null;
  /** exit when the price rises this fraction above the entry fill (null = off) */
  takeProfit: number | null;
  /** exit this fraction below the highest price since entry (null = off) */
  trailingStop: number | null;
  /** the trailing stop arms once the highest price is this fraction above the entry fill */
  trailingActivation: number;
  /** exit this many ATR(14, at the signal bar) below the entry fill (null = off) */
  atrStop: number | null;
  barModel: StopBarModel;
}

export interface RegimeRule {
  enabled: boolean;
  minConfidence: number;
}

export interface SimulatorConfig {
  initialCapital: number;
  /** enter when score > this (strict) */
  entryThreshold: number;
  /** and confidence > this (strict) */
  confidenceThreshold: number;
  maxPositions: number;
  /** exit at the close of the holding-th bar after the entry bar (null = no time exit) */
  holdingDays: number | null;
  /** exit (at the next fill) when an open position's score at a close is ≤ this (null = off) */
  exitThreshold: number | null;
  /** fills of signal-driven orders: the next bar's open (default) or close — never the signal bar */
  fill: 'open' | 'close';
  sizing: SizingConfig;
  costs: CostModel;
  stops: StopConfig;
  /** spec §4.2 controller; null = off */
  drawdownControl: DrawdownControlConfig | null;
  /** spec §1.1 regime trade policy (unknown regimes trade); null = off */
  regimePolicy: Record<number, RegimeRule> | null;
  /**
   * spec §1.1 edge-after-cost gate: skip an entry when |predicted|·1e4 ≤ the estimated
   * round-trip cost (bps, at the signal bar, for the intended notional) + bufferBps; null = off.
   * Meant for predicted returns; rule scores are not returns, so rules default to off.
   */
  edgeGate: { bufferBps: number } | null;
  /** keep the T×N matrix of position weights (value/equity at each close) */
  recordWeights: boolean;
  /** dates per cooperative checkpoint in the async run */
  chunkBars: number;
}

export const NO_STOPS: StopConfig = {
  stopLoss: null,
  takeProfit: null,
  trailingStop: null,
  trailingActivation: 0,
  atrStop: null,
  barModel: 'conservative',
};

/** Spec regime trade policy: mean-reverting (2) off unless confidence ≥ 0.70; high-vol (3) needs 0.60. */
export const SPEC_REGIME_POLICY: Record<number, RegimeRule> = {
  0: { enabled: true, minConfidence: 0 },
  1: { enabled: true, minConfidence: 0 },
  2: { enabled: false, minConfidence: 0.7 },
  3: { enabled: true, minConfidence: 0.6 },
};

export const DEFAULT_SIMULATOR: SimulatorConfig = {
  initialCapital: 1e6,
  entryThreshold: 0.005,
  confidenceThreshold: 0.6,
  maxPositions: 20,
  holdingDays: 10,
  exitThreshold: null,
  fill: 'open',
  sizing: { method: 'fixed', fraction: 0.05 },
  costs: DEFAULT_COSTS,
  stops: NO_STOPS,
  drawdownControl: null,
  regimePolicy: SPEC_REGIME_POLICY,
  edgeGate: { bufferBps: 5 },
  recordWeights: false,
  chunkBars: 250,
};

/**
 * Defaults for rule signals: enter while the rule's score is positive (e.g. fast SMA above
 * slow), leave when it is ≤ 0, no time exit, no confidence filter.
 */
export const RULE_DEFAULTS: Partial<SimulatorConfig> = {
  entryThreshold: 0,
  confidenceThreshold: 0,
  holdingDays: null,
  exitThreshold: 0,
  edgeGate: null,
};

export type SimulatorOverrides = Partial<Omit<SimulatorConfig, 'costs' | 'stops'>> & {
  costs?: Partial<CostModel>;
  stops?: Partial<StopConfig>;
};

/** Complete, validated configuration from defaults and overrides. */
export function resolveConfig(over: SimulatorOverrides = {}, base: SimulatorConfig = DEFAULT_SIMULATOR): SimulatorConfig {
  const cfg: SimulatorConfig = {
    ...base,
    ...over,
    costs: { ...base.costs, ...(over.costs ?? {}) },
    stops: { ...base.stops, ...(over.stops ?? {}) },
  };
  validateConfig(cfg);
  return cfg;
}

function need(ok: boolean, field: string, what: string, got: unknown): void {
  if (!ok) throw new BacktestInputError(`${field} must be ${what} (got ${String(got)})`, field);
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
const positive = (x: unknown) => finite(x) && x > 0;
const nonNeg = (x: unknown) => finite(x) && x >= 0;
const optPositive = (x: unknown) => x === null || positive(x);

export function validateConfig(c: SimulatorConfig): void {
  need(positive(c.initialCapital), 'initialCapital', 'a positive number', c.initialCapital);
  need(finite(c.entryThreshold), 'entryThreshold', 'a finite number', c.entryThreshold);
  need(finite(c.confidenceThreshold), 'confidenceThreshold', 'a finite number', c.confidenceThreshold);
  need(Number.isInteger(c.maxPositions) && c.maxPositions >= 1, 'maxPositions', 'an integer ≥ 1', c.maxPositions);
  need(
    c.holdingDays === null || (Number.isInteger(c.holdingDays) && c.holdingDays >= 1),
    'holdingDays',
    'an integer ≥ 1 or null',
    c.holdingDays,
  );
  need(c.exitThreshold === null || finite(c.exitThreshold), 'exitThreshold', 'a finite number or null', c.exitThreshold);
  need(c.fill === 'open' || c.fill === 'close', 'fill', '"open" or "close"', c.fill);
  need(Number.isInteger(c.chunkBars) && c.chunkBars >= 1, 'chunkBars', 'an integer ≥ 1', c.chunkBars);
  const k = c.costs;
  for (const f of ['commissionBps', 'spreadBps', 'impactCoeffBps', 'maxParticipation', 'minFillRatio'] as const) {
    need(nonNeg(k[f]), `costs.${f}`, 'a number ≥ 0', k[f]);
  }
  need(k.minFillRatio <= 1, 'costs.minFillRatio', 'at most 1', k.minFillRatio);
  need(positive(k.volRef), 'costs.volRef', 'a positive number', k.volRef);
  need(positive(k.dollarVolumeRef), 'costs.dollarVolumeRef', 'a positive number', k.dollarVolumeRef);
  need(Number.isInteger(k.advWindow) && k.advWindow >= 1, 'costs.advWindow', 'an integer ≥ 1', k.advWindow);
  const s = c.stops;
  need(s.stopLoss === null || (positive(s.stopLoss) && s.stopLoss < 1), 'stops.stopLoss', 'in (0, 1) or null', s.stopLoss);
  need(optPositive(s.takeProfit), 'stops.takeProfit', 'positive or null', s.takeProfit);
  need(
    s.trailingStop === null || (positive(s.trailingStop) && s.trailingStop < 1),
    'stops.trailingStop',
    'in (0, 1) or null',
    s.trailingStop,
  );
  need(nonNeg(s.trailingActivation), 'stops.trailingActivation', 'a number ≥ 0', s.trailingActivation);
  need(optPositive(s.atrStop), 'stops.atrStop', 'positive or null', s.atrStop);
  need(s.barModel === 'conservative' || s.barModel === 'close_only', 'stops.barModel', '"conservative" or "close_only"', s.barModel);
  const z = c.sizing;
  switch (z.method) {
    case 'fixed':
      need(positive(z.fraction) && z.fraction <= 1, 'sizing.fraction', 'in (0, 1]', z.fraction);
      break;
    case 'vol_target':
      need(positive(z.targetVol), 'sizing.targetVol', 'positive', z.targetVol);
      need(nonNeg(z.min) && positive(z.max) && z.min <= z.max && z.max <= 1, 'sizing.min/max', '0 ≤ min ≤ max ≤ 1', `${z.min}/${z.max}`);
      need(z.horizonDays === null || positive(z.horizonDays), 'sizing.horizonDays', 'positive or null', z.horizonDays);
      break;
    case 'kelly':
      need(positive(z.kellyFraction) && z.kellyFraction <= 1, 'sizing.kellyFraction', 'in (0, 1]', z.kellyFraction);
      need(positive(z.max) && z.max <= 1, 'sizing.max', 'in (0, 1]', z.max);
      need(Number.isInteger(z.minTrades) && z.minTrades >= 0, 'sizing.minTrades', 'an integer ≥ 0', z.minTrades);
      need(positive(z.fallbackFraction) && z.fallbackFraction <= 1, 'sizing.fallbackFraction', 'in (0, 1]', z.fallbackFraction);
      break;
    case 'composite':
      need(z.sizer.minPosition <= z.sizer.maxPosition, 'sizing.sizer', 'minPosition ≤ maxPosition', z.sizer.minPosition);
      break;
    default:
      throw new BacktestInputError(`sizing.method "${(z as { method: string }).method}" is unknown`, 'sizing.method');
  }
  if (c.edgeGate) need(nonNeg(c.edgeGate.bufferBps), 'edgeGate.bufferBps', 'a number ≥ 0', c.edgeGate.bufferBps);
  if (c.drawdownControl) {
    const d = c.drawdownControl;
    need(d.critical < d.caution && d.caution < d.warning && d.warning < 0, 'drawdownControl', 'critical < caution < warning < 0', `${d.critical}/${d.caution}/${d.warning}`);
    need(Number.isInteger(d.recoveryDays) && d.recoveryDays >= 1, 'drawdownControl.recoveryDays', 'an integer ≥ 1', d.recoveryDays);
  }
}

export { DEFAULT_DRAWDOWN_CONTROL, DEFAULT_SIZER };
