import { type Accessor, For, type JSX, Show } from 'solid-js';
import type { Envelope } from '../../../engine/contracts';
import type { BacktestView } from '../../../workers/api';
import { toCsv } from '../../lib/csv';
import { formatNumber, formatPercent } from '../../lib/format';
import { downloadText } from '../../lib/research-table';
import { LineChart } from '../charts/LineChart';
import { KpiCard } from '../KpiCard';
import { Panel, type PanelState } from '../Panel';
import { VirtualTable } from '../VirtualTable';

type Rec = Record<string, unknown>;

/** A number from the report JSON (null = not defined, e.g. no trades). */
export function reportNum(view: BacktestView, ...path: string[]): number | null {
  let cur: unknown = view.report;
  for (const k of path) {
    if (typeof cur !== 'object' || cur === null) return null;
    cur = (cur as Rec)[k];
  }
  return typeof cur === 'number' && Number.isFinite(cur) ? cur : null;
}

export const pct = (v: number | null, d = 1) => (v === null ? null : formatPercent(v, d));
export const num = (v: number | null, d = 2) => (v === null ? null : formatNumber(v, d));

export function f64(xs: readonly (number | null)[]): Float64Array {
  return Float64Array.from(xs, (v) => (v === null ? Number.NaN : v));
}

export function EquityPanels(props: { state: PanelState }): JSX.Element {
  return (
    <>
      <Panel<BacktestView> title="Equity Curve" state={props.state}>
        {(v) => (
          <LineChart
            title="Strategy equity vs benchmark"
            x={Float64Array.from(v().dates)}
            series={[
              { label: 'Strategy', y: Float64Array.from(v().equity), color: 'var(--accent-blue, #3b82f6)' },
              ...(v().benchmarkEquity
                ? [{ label: v().comparison?.benchmark ?? 'Benchmark', y: Float64Array.from(v().benchmarkEquity ?? []), color: '#9ca3af', dash: [4, 4] }]
                : []),
            ]}
            formatY={(y) => formatNumber(y, 0)}
            csvName="equity.csv"
          />
        )}
      </Panel>
      <Panel<BacktestView> title="Drawdown" state={props.state}>
        {(v) => (
          <LineChart
            title="Underwater (drawdown from the running peak)"
            x={Float64Array.from(v().dates)}
            series={[{ label: 'Drawdown', y: f64(v().drawdown), color: '#ef4444' }]}
            formatY={(y) => formatPercent(y, 1)}
            csvName="drawdown.csv"
          />
        )}
      </Panel>
    </>
  );
}

function histogram(returns: readonly number[], bins = 40): { x: Float64Array; y: Float64Array } {
  const finite = returns.filter((r) => Number.isFinite(r));
  if (finite.length === 0) return { x: new Float64Array(0), y: new Float64Array(0) };
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of finite) {
    lo = Math.min(lo, r);
    hi = Math.max(hi, r);
  }
  const w = hi > lo ? (hi - lo) / bins : 1;
  const y = new Float64Array(bins);
  for (const r of finite) y[Math.min(bins - 1, Math.floor((r - lo) / w))]++;
  return { x: Float64Array.from({ length: bins }, (_, i) => lo + (i + 0.5) * w), y };
}

export function RiskPanels(props: { state: PanelState }): JSX.Element {
  return (
    <>
      <Panel<BacktestView> title="Risk Metrics" state={props.state}>
        {(v) => (
          <div class="kpi-grid" data-testid="bt-kpis">
            <KpiCard label="Total Return" value={pct(reportNum(v(), 'performance', 'total_return'))} subtitle={`CAGR ${pct(reportNum(v(), 'performance', 'cagr')) ?? '—'}`} />
            <KpiCard label="Sharpe Ratio" value={num(reportNum(v(), 'performance', 'sharpe'))} subtitle="annualised, rf 0" />
            <KpiCard label="Sortino Ratio" value={num(reportNum(v(), 'performance', 'sortino'))} />
            <KpiCard label="Max Drawdown" value={pct(reportNum(v(), 'performance', 'max_drawdown'))} />
            <KpiCard label="Annual Volatility" value={pct(reportNum(v(), 'performance', 'ann_vol'))} />
            <KpiCard label="Win Rate" value={pct(reportNum(v(), 'trades', 'win_rate'))} subtitle="of closed trades" />
            <KpiCard label="Profit Factor" value={num(reportNum(v(), 'trades', 'profit_factor'))} />
            <KpiCard label="Trades" value={String(v().trades.n)} subtitle={`${v().tickers.length} tickers`} />
          </div>
        )}
      </Panel>
      <div class="grid-2">
        <Panel<BacktestView> title="Value at Risk" state={props.state}>
          {(v) => (
            <table class="data-table" data-testid="bt-var">
              <thead>
                <tr>
                  <th>Daily</th>
                  <th>Historical</th>
                  <th>Normal</th>
                </tr>
              </thead>
              <tbody>
                <For each={[['VaR 95 %', 'var95', 'var95Normal'], ['ES 95 %', 'es95', 'es95Normal'], ['VaR 99 %', 'var99', 'var99Normal'], ['ES 99 %', 'es99', 'es99Normal']] as const}>
                  {([label, h, n]) => (
                    <tr>
                      <td>{label}</td>
                      <td>{pct(reportNum(v(), 'risk', h), 2) ?? '—'}</td>
                      <td>{pct(reportNum(v(), 'risk', n), 2) ?? '—'}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          )}
        </Panel>
        <Panel<BacktestView> title="Return Distribution" state={props.state}>
          {(v) => {
            const h = histogram(v().returns);
            return (
              <LineChart
                title="Daily returns (count per bin)"
                x={h.x}
                series={[{ label: 'Days', y: h.y, color: 'var(--accent-cyan, #06b6d4)' }]}
                formatX={(x) => formatPercent(x, 2)}
                formatY={(y) => formatNumber(y, 0)}
                csvName="return-distribution.csv"
              />
            );
          }}
        </Panel>
      </div>
      <Panel<BacktestView> title="Rolling Risk Metrics" state={props.state}>
        {(v) => (
          <div class="grid-2">
            <LineChart
              title={`Rolling ${v().rollingWindow}-day volatility (annualised)`}
              x={Float64Array.from(v().dates)}
              series={[{ label: 'Volatility', y: f64(v().rollingVol), color: '#f59e0b' }]}
              formatY={(y) => formatPercent(y, 1)}
            />
            <LineChart
              title={`Rolling ${v().rollingWindow}-day Sharpe`}
              x={Float64Array.from(v().dates)}
              series={[{ label: 'Sharpe', y: f64(v().rollingSharpe), color: '#8b5cf6' }]}
              formatY={(y) => formatNumber(y, 2)}
            />
          </div>
        )}
      </Panel>
    </>
  );
}

function tradesCsv(v: BacktestView): string {
  const t = v.trades;
  const rows = t.ticker.map((tk, i) => [tk, t.entryDate[i], t.exitDate[i], t.entryPrice[i], t.exitPrice[i], t.shares[i], t.netReturn[i], t.pnl[i], t.holdingDays[i], t.exitReason[i]]);
  return toCsv(['ticker', 'entry_date', 'exit_date', 'entry_price', 'exit_price', 'shares', 'net_return', 'pnl', 'holding_days', 'exit_reason'], rows);
}

const fmt = (x: number | null, d = 2) => (x === null ? '—' : formatNumber(x, d));

export function TradesPanel(props: { state: PanelState; title?: string }): JSX.Element {
  return (
    <Panel<BacktestView>
      title={props.title ?? 'Trades'}
      state={props.state}
    >
      {(v) => (
        <Show when={v().trades.n > 0} fallback={<p class="hint">No trades: no signal passed the entry filters with these settings.</p>}>
          <div class="state-actions">
            <button type="button" class="btn btn-sm" data-testid="bt-trades-csv" onClick={() => downloadText(tradesCsv(v()), 'trades.csv')}>
              Export trades.csv ({v().trades.n})
            </button>
          </div>
          <VirtualTable
            caption={`${v().trades.n} trades`}
            rowCount={v().trades.n}
            testid="bt-trades"
            columns={[
              { key: 'ticker', label: 'Ticker', cell: (i) => v().trades.ticker[i] },
              { key: 'entry', label: 'Entry', cell: (i) => v().trades.entryDate[i] },
              { key: 'exit', label: 'Exit', cell: (i) => v().trades.exitDate[i] },
              { key: 'ep', label: 'Entry px', numeric: true, cell: (i) => fmt(v().trades.entryPrice[i]) },
              { key: 'xp', label: 'Exit px', numeric: true, cell: (i) => fmt(v().trades.exitPrice[i]) },
              { key: 'ret', label: 'Net return', numeric: true, cell: (i) => { const r = v().trades.netReturn[i]; return r === null ? '—' : formatPercent(r, 2); } },
              { key: 'pnl', label: 'P&L', numeric: true, cell: (i) => fmt(v().trades.pnl[i], 0) },
              { key: 'days', label: 'Days', numeric: true, cell: (i) => String(v().trades.holdingDays[i]) },
              { key: 'why', label: 'Exit reason', cell: (i) => v().trades.exitReason[i] },
            ]}
          />
        </Show>
      )}
    </Panel>
  );
}

export function ValidationPanel(props: { state: PanelState }): JSX.Element {
  return (
    <Panel<BacktestView> title="Validation" state={props.state}>
      {(v) => {
        const mc = (k: string) => reportNum(v(), 'validation', 'monte_carlo_trades', 'shuffle', 'max_drawdown', k);
        return (
          <div class="kpi-grid" data-testid="bt-validation">
            <KpiCard label="PSR (SR > 0)" value={pct(reportNum(v(), 'validation', 'psr_vs_zero'))} />
            <KpiCard
              label="Deflated Sharpe"
              value={pct(reportNum(v(), 'validation', 'deflated_sharpe', 'dsr'))}
              subtitle={`${reportNum(v(), 'validation', 'deflated_sharpe', 'n_trials') ?? 1} trial(s)`}
            />
            <KpiCard
              label="MC max DD p5 / p50 / p95"
              value={mc('p50') === null ? null : `${pct(mc('p5')) ?? '—'} / ${pct(mc('p50'))} / ${pct(mc('p95')) ?? '—'}`}
              subtitle="trade-order shuffle, seeded from the manifest"
            />
            <KpiCard label="MC P(loss)" value={pct(reportNum(v(), 'validation', 'monte_carlo_trades', 'shuffle', 'prob_loss'))} />
          </div>
        );
      }}
    </Panel>
  );
}

export type BacktestEnvelope = Envelope<BacktestView>;
export type BacktestAccessor = Accessor<BacktestView>;
