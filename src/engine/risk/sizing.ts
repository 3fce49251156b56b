/**
 * Position sizing (spec §4.1): Kelly with a small-sample penalty and a convex drawdown
 * governor, volatility targeting, ATR risk budgeting, and the state-weighted blend of the
 * three that `PositionSizer.size_position` returns. Sizes are fractions of capital.
 * Turnover-budget bookkeeping (step 11's history) is the caller's state and is not kept here.
 */

export interface WinStats {
  /** share of winning trades, in (0, 1) */
  winRate: number;
  /** mean return of winners, > 0 */
  avgWin: number;
  /** mean return of losers, < 0 */
  avgLoss: number;
  /** trades behind the statistics (small-sample penalty min(1, n/50)); omit for none */
  nTrades?: number;
}

/**
 * Full Kelly fraction f = (p·b − (1 − p))/b with b = |avgWin/avgLoss|, times min(1, n/50),
 * capped at maxPosition. Invalid inputs or a non-positive edge give 0 (never a minimum size).
 */
export function kellyFraction(s: WinStats, maxPosition = 0.1): number {
  const { winRate: p, avgWin, avgLoss } = s;
  if (!(avgLoss < -1e-9) || !(p > 0 && p < 1) || !(avgWin > 0)) return 0;
  const b = Math.abs(avgWin / avgLoss);
  let f = (p * b - (1 - p)) / b;
  if (!(f > 0)) return 0;
  if (s.nTrades !== undefined) f *= Math.min(1, Math.max(0, s.nTrades) / 50);
  return Math.min(f, maxPosition);
}

/** × exp(−2·ratio²) with ratio = |dd|/|maxDd|; 0 once |dd| ≥ |maxDd|; unchanged when dd ≥ 0. */
export function drawdownGovernor(size: number, drawdown: number, maxDrawdown = 0.2): number {
  if (!(drawdown < 0)) return size;
  const ratio = Math.abs(drawdown) / Math.abs(maxDrawdown);
  if (ratio >= 1) return 0;
  return size * Math.exp(-2 * ratio * ratio);
}

/** Regime-uncertainty gate: piecewise-linear {0 → 1.0, 0.5 → 0.95, 1 → 0.85}, clamped to [0.80, 1.0]. */
export function uncertaintyGate(u: number): number {
  if (!Number.isFinite(u)) return 1;
  const x = Math.min(1, Math.max(0, u));
  const g = x <= 0.5 ? 1 - 0.1 * x : 0.95 - 0.2 * (x - 0.5);
  return Math.min(1, Math.max(0.8, g));
}

export interface SizeBounds {
  min: number;
  max: number;
}

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/**
 * Volatility-targeted fraction target/(σ_ann·√(h/252)·√max(1, maxPositions)), clipped to
 * [min, max]; σ ≤ 0 or missing → min.
 */
export function volTargetFraction(
  targetVol: number,
  sigmaAnn: number,
  horizonDays: number,
  maxPositions: number,
  b: SizeBounds,
): number {
  if (!(sigmaAnn > 0) || !Number.isFinite(sigmaAnn)) return b.min;
  const f = targetVol / (sigmaAnn * Math.sqrt(horizonDays / 252) * Math.sqrt(Math.max(1, maxPositions)));
  return clip(f, b.min, b.max);
}

/** ATR risk budget maxRisk/(atrMult·ATR/price), clipped; invalid inputs → min. */
export function atrFraction(maxRisk: number, atrMult: number, atr: number, price: number, b: SizeBounds): number {
  if (!(atr > 0) || !(price > 0) || !(atrMult > 0)) return b.min;
  return clip(maxRisk / ((atrMult * atr) / price), b.min, b.max);
}

export type SizingState = 'NORMAL' | 'WARNING' | 'CAUTION' | 'CRITICAL' | 'RECOVERY';

/** Blend weights (Kelly, vol, ATR) per state. */
export const BLEND_WEIGHTS: Record<SizingState, readonly [number, number, number]> = {
  NORMAL: [0.35, 0.35, 0.3],
  WARNING: [0.25, 0.45, 0.3],
  CAUTION: [0.15, 0.5, 0.35],
  CRITICAL: [0.05, 0.5, 0.45],
  RECOVERY: [0.2, 0.4, 0.4],
};

/** Regime label → blend state: bull/mean-reverting NORMAL, bear WARNING, high-vol CAUTION. */
export const REGIME_BLEND_STATE: Record<number, SizingState> = { 0: 'NORMAL', 1: 'WARNING', 2: 'NORMAL', 3: 'CAUTION' };

/** Cold-start win statistics per regime (spec step 1). */
export const REGIME_PRIORS: Record<number, WinStats> = {
  0: { winRate: 0.55, avgWin: 0.03, avgLoss: -0.02 },
  1: { winRate: 0.45, avgWin: 0.02, avgLoss: -0.025 },
  2: { winRate: 0.5, avgWin: 0.02, avgLoss: -0.02 },
  3: { winRate: 0.42, avgWin: 0.04, avgLoss: -0.035 },
};

export interface SizerConfig {
  targetPortfolioVol: number;
  maxPosition: number;
  minPosition: number;
  maxRiskPerTrade: number;
  kellyFraction: number;
  atrMultiplier: number;
  maxPortfolioDd: number;
}

export const DEFAULT_SIZER: SizerConfig = {
  targetPortfolioVol: 0.15,
  maxPosition: 0.1,
  minPosition: 0.01,
  maxRiskPerTrade: 0.02,
  kellyFraction: 0.5,
  atrMultiplier: 2.0,
  maxPortfolioDd: 0.2,
};

export interface SizeInputs {
  stats: WinStats;
  /** learned statistics of the entry regime (used when nTrades ≥ 30) */
  regimeStats?: WinStats | null;
  /** regime code 0–3, or −1 / undefined when unknown */
  regime?: number;
  sigmaAnn: number;
  atr: number;
  price: number;
  holdingDays: number;
  maxPositions: number;
  /** current drawdown ≤ 0 */
  drawdown: number;
  confidence: number;
  regimeUncertainty?: number;
  /** open positions (capacity cap) */
  nCurrent: number;
  /** with portfolio equity: cap at 1 − 0.05 and at the 0.20 concentration limit */
  withEquity?: boolean;
}

export interface PositionSize {
  rawKelly: number;
  halfKelly: number;
  volScaled: number;
  atrBased: number;
  composite: number;
  maxAllowed: number;
  finalSize: number;
}

/** Spec `size_position` steps 1–10 (+ the shock-budget and concentration caps of step 11). */
export function sizePosition(x: SizeInputs, cfg: SizerConfig = DEFAULT_SIZER): PositionSize {
  const bounds = { min: cfg.minPosition, max: cfg.maxPosition };
  let stats = x.stats;
  if (x.regimeStats && (x.regimeStats.nTrades ?? 0) >= 30) stats = x.regimeStats;
  let raw = kellyFraction(stats, cfg.maxPosition);
  let half = drawdownGovernor(raw * cfg.kellyFraction, x.drawdown, cfg.maxPortfolioDd);
  const u = x.regimeUncertainty;
  if (u !== undefined && u > 0) {
    const g = uncertaintyGate(u);
    raw *= g;
    half *= g;
  }
  const vol = volTargetFraction(cfg.targetPortfolioVol, x.sigmaAnn, x.holdingDays, x.maxPositions, bounds);
  const atr = atrFraction(cfg.maxRiskPerTrade, cfg.atrMultiplier, x.atr, x.price, bounds);
  const state = x.regime !== undefined && x.regime >= 0 ? (REGIME_BLEND_STATE[x.regime] ?? 'NORMAL') : 'NORMAL';
  let [wk, wv, wa] = BLEND_WEIGHTS[state];
  const sw = wk + wv + wa;
  if (Math.abs(sw - 1) > 0.01) {
    wk /= sw;
    wv /= sw;
    wa /= sw;
  }
  let composite = wk * half + wv * vol + wa * atr;
  composite *= 0.5 + 0.5 * clip(Number.isFinite(x.confidence) ? x.confidence : 0, 0, 1);
  let maxAllowed = cfg.maxPosition;
  if (x.nCurrent > 0) {
    maxAllowed = Math.min(cfg.maxPosition, Math.max(cfg.minPosition, (1 - x.nCurrent / x.maxPositions) * cfg.maxPosition));
  }
  let finalSize = clip(composite, cfg.minPosition, maxAllowed);
  if (x.withEquity) finalSize = Math.min(finalSize, 1 - 0.05, 0.2);
  return { rawKelly: raw, halfKelly: half, volScaled: vol, atrBased: atr, composite, maxAllowed, finalSize };
}

/**
 * Running win/loss statistics of completed trades (wins: return > 0, losses: ≤ 0), updated
 * in O(1) per trade. It is itself a `WinStats`, so a simulator can pass it to
 * `kellyFraction` without allocating.
 */
export class RunningWinStats implements WinStats {
  nTrades = 0;
  wins = 0;
  sumWin = 0;
  losses = 0;
  sumLoss = 0;

  add(r: number): void {
    if (!Number.isFinite(r)) return;
    this.nTrades++;
    if (r > 0) {
      this.wins++;
      this.sumWin += r;
    } else {
      this.losses++;
      this.sumLoss += r;
    }
  }

  get winRate(): number {
    return this.nTrades > 0 ? this.wins / this.nTrades : 0;
  }

  get avgWin(): number {
    return this.wins > 0 ? this.sumWin / this.wins : 0;
  }

  get avgLoss(): number {
    return this.losses > 0 ? this.sumLoss / this.losses : 0;
  }
}
