import { createSignal, For, type JSX, Show } from 'solid-js';
import type { PaperAccountView } from '../../../workers/autopilot/views';
import { LineChart } from '../charts/LineChart';
import { Dialog } from '../Dialog';
import { KpiCard } from '../KpiCard';
import { Panel, type PanelState } from '../Panel';
import { money, pct, signClass } from './format';

function lastUpdate(v: PaperAccountView): string | null {
  return v.state.last_update ? `${v.state.last_update.slice(0, 10)} (as-of)` : null;
}

export function PaperAccountPanel(props: { state: PanelState; tools?: JSX.Element }): JSX.Element {
  return (
    <Panel<PaperAccountView> title="Paper Account" state={props.state} tools={props.tools}>
      {(v) => (
        <div class="kpi-grid" data-testid="ap-paper-kpis">
          <KpiCard label="Cash" value={money(v().totals.cash)} subtitle={`initial ${money(v().totals.initialCapital)}`} testid="ap-paper-cash" />
          <KpiCard label="Equity" value={money(v().totals.equity)} subtitle={`return ${pct(v().totals.totalReturn, 2)}`} testid="ap-paper-equity" />
          <KpiCard label="Realized P&L" value={money(v().totals.realized)} subtitle={`${v().state.trades.length} closed trades`} />
          <KpiCard label="Open Positions" value={String(v().positions.length)} />
          <KpiCard label="Last Update" value={lastUpdate(v())} subtitle={v().lastResult ? `${v().lastResult?.entries.length} entries, ${v().lastResult?.exits.length} exits last cycle` : 'no cycle since reset'} />
        </div>
      )}
    </Panel>
  );
}

export function PositionsPanel(props: { state: PanelState }): JSX.Element {
  const PAGE = 20;
  const [page, setPage] = createSignal(0);
  return (
    <Panel<PaperAccountView> title="Open Positions" state={props.state}>
      {(v) => (
        <Show when={v().positions.length > 0} fallback={<p class="hint">No open positions — a paper cycle enters positions for active strategies whose signals clear their thresholds.</p>}>
          <table class="data-table" data-testid="ap-positions">
            <thead>
              <tr>
                <th>Ticker</th>
                <th>Strategy</th>
                <th>Shares</th>
                <th>Entry</th>
                <th>Current</th>
                <th>P&L</th>
                <th>P&L %</th>
                <th>Days</th>
              </tr>
            </thead>
            <tbody>
              <For each={v().positions.slice(page() * PAGE, page() * PAGE + PAGE)}>
                {(p) => (
                  <tr data-testid="ap-position-row">
                    <td>{p.ticker}</td>
                    <td>
                      <code>{p.strategy_id}</code>
                    </td>
                    <td>{p.shares.toFixed(2)}</td>
                    <td>{p.entry_price.toFixed(2)}</td>
                    <td>{p.current_price.toFixed(2)}</td>
                    <td class={signClass(p.pnl)}>{money(p.pnl)}</td>
                    <td class={signClass(p.pnl)}>{pct(p.pnl_pct, 2)}</td>
                    <td>{p.holding_days}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <Show when={v().positions.length > PAGE}>
            <div class="field-row">
              <button type="button" class="btn btn-sm" disabled={page() === 0} onClick={() => setPage((x) => x - 1)}>
                Previous
              </button>
              <span class="hint">
                Page {page() + 1} of {Math.ceil(v().positions.length / PAGE)}
              </span>
              <button type="button" class="btn btn-sm" disabled={(page() + 1) * PAGE >= v().positions.length} onClick={() => setPage((x) => x + 1)}>
                Next
              </button>
            </div>
          </Show>
        </Show>
      )}
    </Panel>
  );
}

/** Reset confirmation with the initial capital of the new account. */
export function ResetDialog(props: { busy: boolean; initial: number; onConfirm: (capital: number) => void; onClose: () => void }): JSX.Element {
  const [capital, setCapital] = createSignal(props.initial);
  const valid = () => Number.isFinite(capital()) && capital() > 0;
  return (
    <Dialog
      label="Reset paper account"
      title="Reset paper account?"
      testid="ap-reset-dialog"
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" class="btn btn-danger" data-testid="ap-reset-confirm" disabled={!valid() || props.busy} onClick={() => props.onConfirm(capital())}>
            {props.busy ? 'Resetting…' : 'Reset account'}
          </button>
        </>
      }
    >
      <p>All open positions and closed trades of the paper account are discarded. The strategy registry is kept.</p>
      <label class="field">
        <span>Initial capital ($)</span>
        <input
          type="number"
          data-testid="ap-initial-capital"
          min={1}
          step={1000}
          value={capital()}
          onInput={(e) => setCapital(Number(e.currentTarget.value))}
        />
      </label>
      <Show when={!valid()}>
        <p class="error-text" role="alert">
          Initial capital must be a positive amount.
        </p>
      </Show>
    </Dialog>
  );
}

export function PnlPanels(props: { state: PanelState }): JSX.Element {
  return (
    <>
      <Panel<PaperAccountView> title="Live P&L" slug="live-pnl" state={props.state}>
        {(v) => (
          <div class="kpi-grid" data-testid="ap-pnl-kpis">
            <KpiCard label="Total Value" value={money(v().totals.equity)} testid="ap-total-value" />
            <KpiCard label="Cash" value={money(v().totals.cash)} />
            <KpiCard label="Realized P&L" value={money(v().totals.realized)} />
            <KpiCard label="Unrealized P&L" value={money(v().totals.unrealized)} />
            <KpiCard label="Total Return" value={pct(v().totals.totalReturn, 2)} subtitle={`vs initial ${money(v().totals.initialCapital)}`} />
          </div>
        )}
      </Panel>
      <Panel<PaperAccountView> title="Paper Equity" state={props.state}>
        {(v) => (
          <Show
            when={v().curve.dates.length > 0}
            fallback={<p class="hint">No marks yet — the equity curve starts with the first paper cycle after a reset.</p>}
          >
            <p class="hint" data-testid="ap-equity-current">
              Current: {money(v().totals.equity)} ({pct(v().totals.totalReturn, 2)}) — derived from {v().state.trades.length} trades, {v().positions.length} open positions and daily closes.
              {v().curve.dates.length < 2 ? ' One mark so far: the curve grows as paper cycles run on newer bars.' : ''}
            </p>
            <LineChart
              title="Paper trading equity"
              x={Float64Array.from(v().curve.dates)}
              series={[
                { label: 'Equity', y: Float64Array.from(v().curve.equity), color: '#3fb950' },
                { label: 'Cash', y: Float64Array.from(v().curve.cash), color: '#58a6ff' },
              ]}
              formatY={(y) => money(y)}
              csvName="paper-equity.csv"
            />
          </Show>
        )}
      </Panel>
      <Panel<PaperAccountView> title="Position P&L" slug="position-pnl" state={props.state}>
        {(v) => (
          <Show when={v().positions.length > 0} fallback={<p class="hint">No open positions.</p>}>
            <table class="data-table" data-testid="ap-position-pnl">
              <thead>
                <tr>
                  <th>Ticker</th>
                  <th>Strategy</th>
                  <th>Value</th>
                  <th>P&L</th>
                  <th>P&L %</th>
                </tr>
              </thead>
              <tbody>
                <For each={v().positions}>
                  {(p) => (
                    <tr>
                      <td>{p.ticker}</td>
                      <td>
                        <code>{p.strategy_id}</code>
                      </td>
                      <td>{money(p.value)}</td>
                      <td class={signClass(p.pnl)}>{money(p.pnl)}</td>
                      <td class={signClass(p.pnl)}>{pct(p.pnl_pct, 2)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </Show>
        )}
      </Panel>
    </>
  );
}
