/**
 * Paper trader (spec §5.6), pure: `paperCycle(state, input)` returns a new state and the
 * cycle's result; the input state is never mutated. One cycle at the as-of close:
 * 1. mark every position to the latest close ≤ as-of (missing → last price);
 * 2. drawdown control from the equity curve derived from trades and closes (never from
 *    stored equity): CRITICAL liquidates everything (flat 20 bps, `drawdown_liquidation`);
 * 3. exits: spec stops (risk/stops.ts: hard, ATR(14), trailing, time, regime change), else
 *    `signal_decay` (no current prediction, predicted < 0.25 × entry threshold or confidence
 *    < 0.75 × confidence threshold), else `time_exit` at max holding days; sells fill at the
 *    close less the execution model's one-side cost;
 * 4. entries for active strategies in registry order: prediction dated at or before the
 *    as-of date with predicted > entry and confidence > conf threshold, best predicted first,
 *    one position per ticker, at most `max_positions`, the spec regime trade policy; size = position_size_pct × regime risk
 *    multiplier × confidence × drawdown size multiplier × health gate (the latest system health
 *    score if younger than 24 h, spec knots) (≥ 0.25 × base to enter), the
 *    portfolio risk check must pass; buys fill at the close plus cost, limited by
 *    participation and cash.
 * Signals are the predictions at the as-of close, so an entry is never dated before its signal.
 */
import { SPEC_REGIME_POLICY } from '../backtest/config';
import { DEFAULT_COSTS, newFillQuote, quoteEntry, quoteExit } from '../backtest/execution';
import type { PriceMatrix } from '../backtest/matrix';
import { computeBarStats } from '../backtest/bar-stats';
import { DAY_MS } from '../core/time';
import { DrawdownController } from '../risk/drawdown-control';
import { isoFromDay } from '../risk/dates';
import { DEFAULT_SPEC_STOPS, evaluateSpecStop } from '../risk/stops';
import { checkNewPosition } from './portfolio-risk';
import type {
  PaperConfig,
  PaperCycleInput,
  PaperCycleResult,
  PaperEntry,
  PaperEquityCurve,
  PaperExit,
  PaperExitReason,
  PaperPosition,
  PaperState,
  PaperTrade,
} from './types';

export const DEFAULT_PAPER_CONFIG: PaperConfig = { initial_capital: 1e6, max_positions: 30, liquidation_cost_bps: 20, health_score: null };

/** Spec §5.6 health gate knots: score/100 → size multiplier, linear in between. */
const HEALTH_KNOTS: readonly (readonly [number, number])[] = [
  [0, 0.05],
  [0.2, 0.2],
  [0.4, 0.5],
  [0.6, 0.8],
  [0.8, 0.95],
  [1, 1],
];

/** Size multiplier for a health score 0–100 (null: no recent score, no scaling). */
export function healthSizeMultiplier(score: number | null): number {
  if (score === null || !Number.isFinite(score)) return 1;
  const x = Math.min(1, Math.max(0, score / 100));
  for (let k = 1; k < HEALTH_KNOTS.length; k++) {
    const [x1, y1] = HEALTH_KNOTS[k];
    if (x <= x1) {
      const [x0, y0] = HEALTH_KNOTS[k - 1];
      return y0 + ((y1 - y0) * (x - x0)) / (x1 - x0);
    }
  }
  return 1;
}

/** Spec regime risk multipliers {0: 1.00, 1: 0.85, 2: 0.95, 3: 0.60}. */
const REGIME_RISK: Record<number, number> = { 0: 1.0, 1: 0.85, 2: 0.95, 3: 0.6 };

export function initialPaperState(initialCapital = DEFAULT_PAPER_CONFIG.initial_capital): PaperState {
  if (!(initialCapital > 0)) throw new RangeError(`initial capital must be positive (got ${initialCapital})`);
  return { initial_capital: initialCapital, cash: initialCapital, realized_pnl: 0, positions: [], trades: [], last_update: null, cycle_dates: [] };
}

const dayOf = (iso: string): number => {
  const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new RangeError(`not an ISO date: "${iso}"`);
  return Math.floor(ms / DAY_MS);
};

/** Last matrix row with day ≤ `day` (−1 if none). */
function rowAtOrBefore(m: PriceMatrix, day: number): number {
  let lo = 0;
  let hi = m.rows - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (m.days[mid] <= day) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Latest close of column i at or before row (NaN if none). */
function closeAt(m: PriceMatrix, i: number, row: number): number {
  for (let t = row; t >= 0; t--) {
    const c = m.close[t * m.cols + i];
    if (c > 0) return c;
  }
  return Number.NaN;
}

/**
 * Daily equity from the trade log and the closes: cash = initial − Σ entry cash (entered ≤ d)
 * + Σ exit proceeds (exited ≤ d); positions value = Σ shares × latest close ≤ d of positions
 * entered ≤ d and not exited ≤ d. Runs from the first cycle date to the last update.
 */
export function paperEquityCurve(state: PaperState, prices: PriceMatrix): PaperEquityCurve {
  const empty: PaperEquityCurve = { days: new Int32Array(0), equity: new Float64Array(0), cash: new Float64Array(0), positionsValue: new Float64Array(0), nPositions: new Int32Array(0) };
  if (state.last_update === null || state.cycle_dates.length === 0) return empty;
  const start = dayOf(state.cycle_dates[0]);
  const end = dayOf(state.last_update);
  const col = new Map<string, number>();
  for (let i = 0; i < prices.tickers.length; i++) col.set(prices.tickers[i], i);
  type Leg = { col: number; shares: number; entry: number; exit: number; entryCash: number; proceeds: number };
  const legs: Leg[] = [];
  const colOf = (t: string) => {
    const i = col.get(t);
    if (i === undefined) throw new Error(`paper equity: ${t} is held or was traded but has no price data`);
    return i;
  };
  for (const tr of state.trades) {
    legs.push({ col: colOf(tr.ticker), shares: tr.shares, entry: dayOf(tr.entry_date), exit: dayOf(tr.exit_date), entryCash: tr.entry_cash, proceeds: tr.exit_proceeds });
  }
  for (const p of state.positions) {
    legs.push({ col: colOf(p.ticker), shares: p.shares, entry: dayOf(p.entry_date), exit: Number.POSITIVE_INFINITY, entryCash: p.entry_cash, proceeds: 0 });
  }
  const rows: number[] = [];
  for (let t = 0; t < prices.rows; t++) if (prices.days[t] >= start && prices.days[t] <= end) rows.push(t);
  const n = rows.length;
  const out: PaperEquityCurve = {
    days: Int32Array.from(rows, (t) => prices.days[t]),
    equity: new Float64Array(n),
    cash: new Float64Array(n),
    positionsValue: new Float64Array(n),
    nPositions: new Int32Array(n),
  };
  for (let j = 0; j < n; j++) {
    const t = rows[j];
    const d = prices.days[t];
    let cash = state.initial_capital;
    let value = 0;
    let count = 0;
    for (const l of legs) {
      if (l.entry > d) continue;
      cash -= l.entryCash;
      if (l.exit <= d) cash += l.proceeds;
      else {
        value += l.shares * closeAt(prices, l.col, t);
        count++;
      }
    }
    out.cash[j] = cash;
    out.positionsValue[j] = value;
    out.equity[j] = cash + value;
    out.nPositions[j] = count;
  }
  return out;
}

function riskMetrics(curve: PaperEquityCurve, currentDd: number): PaperCycleResult['risk_metrics'] {
  const n = curve.equity.length;
  if (n < 20) return null;
  const r: number[] = [];
  for (let j = 1; j < n; j++) r.push(curve.equity[j] / curve.equity[j - 1] - 1);
  const mean = r.reduce((s, x) => s + x, 0) / r.length;
  const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / (r.length - 1));
  return {
    sharpe: sd > 0 ? (mean * 252) / (sd * Math.sqrt(252)) : null,
    max_drawdown: currentDd,
    volatility: Number.isFinite(sd) ? sd * Math.sqrt(252) : null,
    win_rate: r.length ? r.filter((x) => x > 0).length / r.length : null,
  };
}

export function paperCycle(state: PaperState, input: PaperCycleInput): { state: PaperState; result: PaperCycleResult } {
  const cfg = { ...DEFAULT_PAPER_CONFIG, initial_capital: state.initial_capital, ...(input.config ?? {}) };
  const m = input.prices;
  if (m.rows === 0) throw new Error('paper cycle: the price matrix is empty');
  const asOfDay = input.as_of ? dayOf(input.as_of) : m.days[m.rows - 1];
  const row = rowAtOrBefore(m, asOfDay);
  if (row < 0) throw new Error(`paper cycle: no prices at or before ${isoFromDay(asOfDay)}`);
  const asOf = isoFromDay(asOfDay);
  const col = new Map<string, number>();
  for (let i = 0; i < m.tickers.length; i++) col.set(m.tickers[i], i);
  const advance = state.last_update === null || asOfDay > dayOf(state.last_update);
  const skipped: string[] = [];
  if (!advance) skipped.push(`as-of ${asOf} is not after the last update ${state.last_update}: marked only, no trading`);

  let cash = state.cash;
  let realized = state.realized_pnl;
  const trades: PaperTrade[] = [...state.trades];
  const entries: PaperEntry[] = [];
  const exits: PaperExit[] = [];
  const stats = computeBarStats(m, DEFAULT_COSTS.advWindow, true);
  const q = newFillQuote();
  const healthMult = healthSizeMultiplier(cfg.health_score);

  // 1. mark to market
  let positions: PaperPosition[] = state.positions.map((p) => {
    const i = col.get(p.ticker);
    const c = i === undefined ? Number.NaN : closeAt(m, i, row);
    const last = c > 0 ? c : p.last_price;
    return {
      ...p,
      last_price: last,
      value: p.shares * last,
      highest_price: advance ? Math.max(p.highest_price, last) : p.highest_price,
      holding_days: advance ? p.holding_days + 1 : p.holding_days,
    };
  });

  // latest prediction per ticker, only if dated at the as-of date (older ones are stale)
  const latest = new Map<string, { predicted: number; confidence: number; regime: number; date: string }>();
  for (let k = 0; k < input.latest.tickers.length; k++) {
    const d = input.latest.dates[k];
    if (dayOf(d) > asOfDay) continue;
    if (dayOf(d) !== m.days[row]) continue;
    latest.set(input.latest.tickers[k], { predicted: input.latest.predicted[k], confidence: input.latest.confidence[k], regime: input.latest.regime[k], date: d.slice(0, 10) });
  }

  const close = (p: PaperPosition, reason: PaperExitReason, ref: number, flatBps: number | null, exitRegime: number) => {
    const i = col.get(p.ticker);
    let proceeds: number;
    let price: number;
    if (flatBps !== null || i === undefined) {
      const bps = flatBps ?? cfg.liquidation_cost_bps;
      proceeds = p.shares * ref * (1 - bps / 1e4);
      price = ref * (1 - bps / 1e4);
    } else {
      const k = row * m.cols + i;
      quoteExit(DEFAULT_COSTS, ref, p.shares, stats.advDollar[k], stats.sigma[k], q);
      proceeds = q.notional - q.commission;
      price = q.price;
    }
    cash += proceeds;
    const pnl = proceeds - p.entry_cash;
    realized += pnl;
    trades.push({
      strategy_id: p.strategy_id,
      ticker: p.ticker,
      signal_date: p.signal_date,
      entry_date: p.entry_date,
      exit_date: asOf,
      entry_price: p.entry_price,
      exit_price: price,
      exit_reference: ref,
      shares: p.shares,
      entry_cash: p.entry_cash,
      exit_proceeds: proceeds,
      pnl,
      net_return: pnl / p.entry_cash,
      holding_days: p.holding_days,
      reason,
      position_size_pct: p.position_size_pct,
      entry_regime: p.entry_regime,
      exit_regime: exitRegime,
      regime_changed: exitRegime !== p.entry_regime,
      transaction_cost: p.shares * ref - proceeds + p.entry_cost,
    });
    exits.push({ strategy_id: p.strategy_id, ticker: p.ticker, reason, pnl });
  };

  // 2. drawdown control over the derived curve (with today's marks)
  const provisional: PaperState = { ...state, cash, positions, cycle_dates: advance ? [...state.cycle_dates, asOf] : state.cycle_dates, last_update: advance ? asOf : state.last_update };
  const curve = paperEquityCurve(provisional, m);
  const dd = new DrawdownController();
  for (let j = 1; j < curve.equity.length; j++) dd.update(curve.equity[j] / curve.equity[j - 1] - 1);

  if (advance && dd.forceLiquidate) {
    for (const p of positions) close(p, 'drawdown_liquidation', p.last_price, cfg.liquidation_cost_bps, latest.get(p.ticker)?.regime ?? p.regime);
    positions = [];
  } else if (advance) {
    // 3. exits
    const kept: PaperPosition[] = [];
    for (const p of positions) {
      const i = col.get(p.ticker);
      const sig = latest.get(p.ticker);
      const regime = sig?.regime ?? p.regime;
      const atr = i === undefined ? Number.NaN : (stats.atr as Float64Array)[row * m.cols + i];
      const stop = evaluateSpecStop(
        { entry: p.entry_price, current: p.last_price, highest: p.highest_price, atr: Number.isFinite(atr) ? atr : 0, barsHeld: p.holding_days, entryRegime: p.entry_regime, currentRegime: regime },
        { ...DEFAULT_SPEC_STOPS, maxHoldingDays: 3 * p.max_holding_days },
      );
      let reason: PaperExitReason | null = stop.exit ? (stop.reason as PaperExitReason) : null;
      if (!reason && (!sig || sig.predicted < 0.25 * p.entry_threshold || sig.confidence < 0.75 * p.confidence_threshold)) reason = 'signal_decay';
      if (!reason && p.holding_days >= p.max_holding_days) reason = 'time_exit';
      if (reason) close(p, reason, p.last_price, null, regime);
      else kept.push({ ...p, regime });
    }
    positions = kept;
  }

  // 4. entries
  if (advance && dd.allowNewEntries && !dd.forceLiquidate && input.active.length > 0) {
    let equity = cash;
    for (const p of positions) equity += p.value;
    const held = new Set(positions.map((p) => p.ticker));
    for (const s of input.active) {
      const cand = [...latest.entries()]
        .filter(([, v]) => v.predicted > s.params.entry_threshold && v.confidence > s.params.confidence_threshold)
        .sort((a, b) => b[1].predicted - a[1].predicted || (a[0] < b[0] ? -1 : 1));
      for (const [ticker, v] of cand) {
        if (positions.length >= cfg.max_positions) break;
        if (held.has(ticker)) continue;
        const i = col.get(ticker);
        if (i === undefined) continue;
        const ref = m.close[row * m.cols + i];
        if (!(ref > 0)) {
          skipped.push(`${ticker}: no bar on ${asOf}`);
          continue;
        }
        // spec §1.1 regime trade policy: a disabled regime trades only above its override confidence
        const rule = SPEC_REGIME_POLICY[v.regime];
        if (rule && (rule.enabled ? v.confidence < rule.minConfidence : !(rule.minConfidence > 0 && v.confidence >= rule.minConfidence))) {
          skipped.push(`${ticker}: regime ${v.regime} policy (confidence ${v.confidence.toFixed(2)})`);
          continue;
        }
        const base = s.params.position_size_pct;
        const size = base * (REGIME_RISK[v.regime] ?? 1) * Math.min(1, Math.max(0, v.confidence)) * dd.sizeMultiplier * healthMult;
        if (!(size >= 0.25 * base)) {
          skipped.push(`${ticker}: size ${size.toFixed(4)} below 0.25 × base${healthMult < 1 ? ` (health gate × ${healthMult.toFixed(2)})` : ''}`);
          continue;
        }
        const current = new Map<number, number>();
        for (const p of positions) current.set(col.get(p.ticker) as number, p.value / equity);
        const risk = checkNewPosition(m, row, i, size, current);
        if (!risk.passed) {
          skipped.push(`${ticker}: portfolio risk (${risk.violations.join('; ')})`);
          continue;
        }
        const k = row * m.cols + i;
        quoteEntry(DEFAULT_COSTS, ref, equity * size, cash, stats.advDollar[k], stats.sigma[k], q);
        if (!q.filled) {
          skipped.push(`${ticker}: entry not filled (fill ratio ${q.fillRatio.toFixed(3)})`);
          continue;
        }
        const shares = q.notional / q.price;
        const paid = q.notional + q.commission;
        cash -= paid;
        held.add(ticker);
        positions.push({
          strategy_id: s.strategy_id,
          ticker,
          signal_date: v.date,
          entry_date: asOf,
          entry_price: q.price,
          entry_cash: paid,
          entry_cost: paid - shares * ref,
          last_price: ref,
          value: shares * ref,
          shares,
          holding_days: 0,
          max_holding_days: s.params.horizon,
          entry_threshold: s.params.entry_threshold,
          confidence_threshold: s.params.confidence_threshold,
          position_size_pct: size,
          regime: v.regime,
          entry_regime: v.regime,
          confidence: v.confidence,
          highest_price: ref,
        });
        entries.push({ strategy_id: s.strategy_id, ticker, shares, price: q.price, cash: paid });
      }
    }
  }

  const next: PaperState = {
    initial_capital: state.initial_capital,
    cash,
    realized_pnl: realized,
    positions,
    trades,
    last_update: advance ? asOf : state.last_update,
    cycle_dates: advance ? [...state.cycle_dates, asOf] : [...state.cycle_dates],
  };
  let value = 0;
  for (const p of positions) value += p.value;
  const finalCurve = paperEquityCurve(next, m);
  return {
    state: next,
    result: {
      as_of: asOf,
      entries,
      exits,
      skipped,
      cash,
      equity: cash + value,
      positions_value: value,
      realized_pnl: realized,
      open_positions: positions.length,
      active_strategies: input.active.length,
      drawdown_state: dd.state,
      health_multiplier: healthMult,
      risk_metrics: riskMetrics(finalCurve, dd.drawdown),
    },
  };
}
