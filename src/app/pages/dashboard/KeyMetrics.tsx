import type { JSX } from 'solid-js';
import { num, pct, reportNum } from '../../components/backtest/BacktestResults';
import { KpiCard } from '../../components/KpiCard';
import { Panel, type PanelState } from '../../components/Panel';
import type { BacktestView } from '../../../workers/api';
import { formatLocalTimeMs } from '../../lib/format';

const GREEN = '#3fb950';
const AMBER = '#d29922';
const RED = '#f85149';

/** Spec §1.1 colour rules; null (undefined metric) stays neutral. */
export function winRateColour(v: number | null): string | undefined {
  if (v === null) return undefined;
  return v >= 0.5 ? GREEN : v >= 0.45 ? AMBER : RED;
}
export function returnColour(v: number | null): string | undefined {
  if (v === null) return undefined;
  return v >= 0 ? GREEN : RED;
}
export function sharpeColour(v: number | null): string | undefined {
  if (v === null) return undefined;
  return v >= 1 ? GREEN : v >= 0.5 ? AMBER : RED;
}
/** max drawdown is ≤ 0 (E/peak − 1). */
export function drawdownColour(v: number | null): string | undefined {
  if (v === null) return undefined;
  return v > -0.05 ? GREEN : v > -0.15 ? AMBER : RED;
}

const signedPct = (v: number | null) => (v === null ? null : `${v >= 0 ? '+' : ''}${pct(v, 2)}`);

/** Run time and universe of a stored backtest, for the panel subtitle. */
export function runCaption(v: BacktestView): string {
  const t = Date.parse(v.computedAt);
  const when = Number.isFinite(t) ? formatLocalTimeMs(t) : v.computedAt;
  return `Run ${when} · ${v.tickers.join(', ')}`;
}

/** KPI cards of the latest backtest run (values from its report; N/A where undefined). */
export function KeyMetrics(props: { state: PanelState }): JSX.Element {
  return (
    <Panel<BacktestView> title="Key Metrics" state={props.state}>
      {(v) => {
        const perf = (k: string) => reportNum(v(), 'performance', k);
        const trades = (k: string) => reportNum(v(), 'trades', k);
        return (
          <>
            <p class="hint mono" data-testid="dash-run-caption">
              {runCaption(v())}
            </p>
            <div class="kpi-grid" data-testid="dash-kpis">
              <KpiCard label="Total Return" value={signedPct(perf('total_return'))} subtitle={`CAGR ${signedPct(perf('cagr')) ?? 'N/A'}`} accent={returnColour(perf('total_return'))} />
              <KpiCard label="Annual Return" value={signedPct(perf('cagr'))} subtitle={`Profit factor: ${num(trades('profit_factor')) ?? 'N/A'}`} accent={returnColour(perf('cagr'))} />
              <KpiCard label="Sharpe Ratio" value={num(perf('sharpe'))} subtitle={`Sortino: ${num(perf('sortino')) ?? 'N/A'}`} accent={sharpeColour(perf('sharpe'))} />
              <KpiCard label="Max Drawdown" value={pct(perf('max_drawdown'), 2)} subtitle="Peak-to-trough" accent={drawdownColour(perf('max_drawdown'))} />
              <KpiCard label="Win Rate" value={pct(trades('win_rate'), 1)} subtitle={`${v().trades.n} trades`} accent={winRateColour(trades('win_rate'))} />
              <KpiCard label="Trades" value={String(v().trades.n)} subtitle={`${v().tickers.length} tickers`} />
              <KpiCard label="Profit Factor" value={num(trades('profit_factor'))} subtitle="gross wins / gross losses" />
            </div>
          </>
        );
      }}
    </Panel>
  );
}
