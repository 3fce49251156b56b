/**
 * CSV renderings of a simulation: the equity curve (one row per date) and the trade log (one
 * row per trade). Numbers are written in shortest round-trip form; missing values are empty.
 */
import { isoFromDay } from '../risk/dates';
import { DRAWDOWN_STATES } from '../risk/drawdown-control';
import type { SimulationResult } from './simulator';
import { EXIT_REASONS } from './trade-log';

const num = (x: number) => (Number.isFinite(x) ? String(x) : '');

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** date,equity,cash,positions_value,return,drawdown,open_positions[,control_state] */
export function equityCsv(res: SimulationResult): string {
  const head = ['date', 'equity', 'cash', 'positions_value', 'return', 'drawdown', 'open_positions'];
  if (res.controlState) head.push('control_state');
  const lines = [head.join(',')];
  let peak = res.config.initialCapital;
  for (let t = 0; t < res.days.length; t++) {
    const e = res.equity[t];
    if (e > peak) peak = e;
    const row = [
      isoFromDay(res.days[t]),
      num(e),
      num(res.cash[t]),
      num(res.positionsValue[t]),
      num(res.returns[t]),
      num(e / peak - 1),
      String(res.openPositions[t]),
    ];
    if (res.controlState) row.push(DRAWDOWN_STATES[res.controlState[t]]);
    lines.push(row.join(','));
  }
  return `${lines.join('\n')}\n`;
}

export const TRADE_CSV_COLUMNS = [
  'ticker',
  'signal_date',
  'entry_date',
  'exit_date',
  'entry_ref',
  'entry_price',
  'exit_ref',
  'exit_price',
  'shares',
  'entry_notional',
  'exit_notional',
  'commission',
  'entry_cost_bps',
  'exit_cost_bps',
  'fill_ratio',
  'predicted_return',
  'confidence',
  'regime',
  'actual_return',
  'net_return',
  'pnl',
  'size',
  'holding_days',
  'exit_reason',
] as const;

export function tradesCsv(res: SimulationResult): string {
  const t = res.trades;
  const d = (bar: number) => isoFromDay(res.days[bar]);
  const lines = [TRADE_CSV_COLUMNS.join(',')];
  for (let i = 0; i < t.n; i++) {
    lines.push(
      [
        quote(res.tickers[t.ticker[i]]),
        d(t.signalBar[i]),
        d(t.entryBar[i]),
        d(t.exitBar[i]),
        num(t.entryRef[i]),
        num(t.entryPrice[i]),
        num(t.exitRef[i]),
        num(t.exitPrice[i]),
        num(t.shares[i]),
        num(t.entryNotional[i]),
        num(t.exitNotional[i]),
        num(t.entryCommission[i] + t.exitCommission[i]),
        num(t.entryCostBps[i]),
        num(t.exitCostBps[i]),
        num(t.fillRatio[i]),
        num(t.predicted[i]),
        num(t.confidence[i]),
        t.regime[i] < 0 ? '' : String(t.regime[i]),
        num(t.actualReturn[i]),
        num(t.netReturn[i]),
        num(t.pnl[i]),
        num(t.size[i]),
        String(t.holdingDays[i]),
        EXIT_REASONS[t.exitReason[i]],
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
