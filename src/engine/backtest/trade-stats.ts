/**
 * Trade-level statistics (spec §1.5/§1.6) of a simulated trade log. With r_i = net_return_i ×
 * size_i (the trade's contribution to the portfolio, in trade order):
 * win_rate = #(r > 0)/n; avg_return/avg_win/avg_loss = mean of r / of r > 0 / of r < 0 (0 if
 * none); compounded_return = Π(1 + r) − 1 (the spec's trade-compounded total, an
 * approximation — the equity curve's total return is the exact one); profit_factor =
 * Σ(r > 0)/|Σ(r < 0)| (null for ∞, 0 when neither); years = (last − first distinct entry
 * date)/365.25 days floored at 0.5 (1.0 with fewer than 2 dates); winning/losing trades
 * count unweighted net returns > 0 / ≤ 0. Breakdowns by exit reason and regime use the
 * unweighted net returns. turnover = Σ 2·size (each trade's entry and exit).
 */
import { isoFromDay } from '../risk/dates';
import { EXIT_REASONS, type TradeColumns } from './trade-log';

export interface RegimeStats {
  n_trades: number;
  avg_return: number;
  win_rate: number;
  /** mean/std (ddof 1) of the unweighted net returns, not annualised; null if undefined */
  sharpe: number | null;
}

export interface TradeStats {
  total_trades: number;
  winning_trades: number;
  losing_trades: number;
  win_rate: number | null;
  avg_return: number | null;
  avg_win: number;
  avg_loss: number;
  avg_net_return: number | null;
  compounded_return: number;
  annualized_return: number | null;
  years: number;
  trades_per_year: number;
  profit_factor: number | null;
  avg_holding_days: number | null;
  total_pnl: number;
  total_commission: number;
  avg_entry_cost_bps: number | null;
  avg_exit_cost_bps: number | null;
  turnover_total: number;
  exit_reasons: Record<string, number>;
  regime_breakdown: Record<string, RegimeStats>;
  first_entry: string | null;
  last_exit: string | null;
}

export function tradeStats(t: TradeColumns, days: Int32Array): TradeStats {
  const n = t.n;
  let pos = 0;
  let sumR = 0;
  let sumWin = 0;
  let nWin = 0;
  let sumLoss = 0;
  let nLoss = 0;
  let growth = 1;
  let winningNet = 0;
  let sumNet = 0;
  let hold = 0;
  let pnl = 0;
  let commission = 0;
  let entryBps = 0;
  let exitBps = 0;
  let turnover = 0;
  const reasons: Record<string, number> = {};
  const byRegime = new Map<number, number[]>();
  const entryDays = new Set<number>();
  let lastExit = -1;
  for (let i = 0; i < n; i++) {
    const r = t.netReturn[i] * t.size[i];
    sumR += r;
    growth *= 1 + r;
    if (r > 0) {
      pos++;
      sumWin += r;
      nWin++;
    } else if (r < 0) {
      sumLoss += r;
      nLoss++;
    }
    if (t.netReturn[i] > 0) winningNet++;
    sumNet += t.netReturn[i];
    hold += t.holdingDays[i];
    pnl += t.pnl[i];
    commission += t.entryCommission[i] + t.exitCommission[i];
    entryBps += t.entryCostBps[i];
    exitBps += t.exitCostBps[i];
    turnover += 2 * t.size[i];
    const name = EXIT_REASONS[t.exitReason[i]];
    reasons[name] = (reasons[name] ?? 0) + 1;
    const list = byRegime.get(t.regime[i]) ?? [];
    list.push(t.netReturn[i]);
    byRegime.set(t.regime[i], list);
    entryDays.add(days[t.entryBar[i]]);
    lastExit = Math.max(lastExit, t.exitBar[i]);
  }
  const sortedDays = [...entryDays].sort((a, b) => a - b);
  let years = 1;
  if (sortedDays.length >= 2) years = Math.max(0.5, (sortedDays[sortedDays.length - 1] - sortedDays[0]) / 365.25);
  let profitFactor: number | null = 0;
  if (sumLoss < 0) profitFactor = sumWin / Math.abs(sumLoss);
  else if (sumWin > 0) profitFactor = null;
  const regimes: Record<string, RegimeStats> = {};
  for (const [code, list] of [...byRegime.entries()].sort((a, b) => a[0] - b[0])) {
    const m = list.reduce((s, x) => s + x, 0) / list.length;
    let v = 0;
    for (const x of list) v += (x - m) ** 2;
    const sd = list.length > 1 ? Math.sqrt(v / (list.length - 1)) : 0;
    regimes[code < 0 ? 'unknown' : String(code)] = {
      n_trades: list.length,
      avg_return: m,
      win_rate: list.filter((x) => x > 0).length / list.length,
      sharpe: sd > 0 ? m / sd : null,
    };
  }
  return {
    total_trades: n,
    winning_trades: winningNet,
    losing_trades: n - winningNet,
    win_rate: n > 0 ? pos / n : null,
    avg_return: n > 0 ? sumR / n : null,
    avg_win: nWin > 0 ? sumWin / nWin : 0,
    avg_loss: nLoss > 0 ? sumLoss / nLoss : 0,
    avg_net_return: n > 0 ? sumNet / n : null,
    compounded_return: growth - 1,
    annualized_return: n > 0 ? (growth <= 0 ? -1 : growth ** (1 / years) - 1) : null,
    years,
    trades_per_year: n / years,
    profit_factor: profitFactor,
    avg_holding_days: n > 0 ? hold / n : null,
    total_pnl: pnl,
    total_commission: commission,
    avg_entry_cost_bps: n > 0 ? entryBps / n : null,
    avg_exit_cost_bps: n > 0 ? exitBps / n : null,
    turnover_total: turnover,
    exit_reasons: reasons,
    regime_breakdown: regimes,
    first_entry: n > 0 ? isoFromDay(sortedDays[0]) : null,
    last_exit: n > 0 ? isoFromDay(days[lastExit]) : null,
  };
}

/** r_i = net_return × size per trade, in trade order (the Monte Carlo input). */
export function weightedTradeReturns(t: TradeColumns): Float64Array {
  const out = new Float64Array(t.n);
  for (let i = 0; i < t.n; i++) out[i] = t.netReturn[i] * t.size[i];
  return out;
}
