import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { AutopilotCycleView, GateDecision, StrategyRegistryView } from '../../../workers/autopilot/views';
import { Dialog } from '../Dialog';
import { Panel, type PanelState } from '../Panel';
import { money, num, pct, pf } from './format';
import { type DecisionSortKey, promotionFunnel, sortDecisions } from './model';

/** Funnel needs both the latest report and the registry; its envelope is the report's. */
export function FunnelPanel(props: { state: PanelState; registry: StrategyRegistryView | null }): JSX.Element {
  return (
    <Panel<AutopilotCycleView> title="Promotion Funnel" state={props.state}>
      {(v) => {
        const stages = () => promotionFunnel(v().report, props.registry?.registry ?? v().report.registry);
        const max = () => Math.max(1, ...stages().map((s) => s.count));
        return (
          <div class="ap-funnel" data-testid="ap-funnel">
            <For each={stages()}>
              {(s) => (
                <div class="ap-funnel-row" data-stage={s.stage} data-count={s.count}>
                  <span>{s.label}</span>
                  <div class="ap-funnel-bar" style={{ width: `${(100 * s.count) / max()}%`, background: s.color }} />
                  <strong>{s.count}</strong>
                </div>
              )}
            </For>
            <Show when={v().report.dry_run}>
              <p class="hint">Dry run: the registry and paper account were not changed by this cycle.</p>
            </Show>
          </div>
        );
      }}
    </Panel>
  );
}

const COLUMNS: { key: DecisionSortKey | null; label: string }[] = [
  { key: 'strategy', label: 'Strategy' },
  { key: 'score', label: 'Score' },
  { key: 'passed', label: 'Passed' },
  { key: 'sharpe', label: 'Sharpe' },
  { key: 'win_rate', label: 'Win Rate' },
  { key: 'max_drawdown', label: 'Max DD' },
  { key: null, label: 'PF' },
  { key: null, label: 'DSR p' },
  { key: null, label: 'PBO' },
  { key: 'trades', label: 'Trades' },
  { key: null, label: 'Reasons' },
];

export function DecisionsPanel(props: { state: PanelState }): JSX.Element {
  const [sortKey, setSortKey] = createSignal<DecisionSortKey>('score');
  const [dir, setDir] = createSignal<'asc' | 'desc'>('desc');
  const [open, setOpen] = createSignal<GateDecision | null>(null);
  const sortBy = (k: DecisionSortKey) => {
    if (sortKey() === k) setDir((d) => (d === 'asc' ? 'desc' : 'asc'));
    else {
      setSortKey(k);
      setDir(k === 'strategy' ? 'asc' : 'desc');
    }
  };
  return (
    <Panel<AutopilotCycleView> title="Strategy Decisions" state={props.state}>
      {(v) => {
        const rows = createMemo(() => sortDecisions(v().report.decisions, sortKey(), dir()));
        return (
          <>
            <div style={{ 'overflow-x': 'auto' }}>
              <table class="data-table ap-table" data-testid="ap-decisions">
                <thead>
                  <tr>
                    <For each={COLUMNS}>
                      {(c) => (
                        <th aria-sort={c.key && c.key === sortKey() ? (dir() === 'asc' ? 'ascending' : 'descending') : undefined}>
                          <Show when={c.key} fallback={c.label}>
                            {(k) => (
                              <button type="button" data-testid={`ap-sort-${k()}`} onClick={() => sortBy(k())}>
                                {c.label}
                                {sortKey() === k() ? (dir() === 'asc' ? ' ▲' : ' ▼') : ''}
                              </button>
                            )}
                          </Show>
                        </th>
                      )}
                    </For>
                  </tr>
                </thead>
                <tbody>
                  <For each={rows()}>
                    {(d) => (
                      <tr
                        data-testid="ap-decision-row"
                        data-strategy={d.strategy_id}
                        data-passed={String(d.passed)}
                        tabindex={0}
                        onClick={() => setOpen(d)}
                        onKeyDown={(e) => {
                          if (e.key === 'Enter') setOpen(d);
                        }}
                      >
                        <td>
                          <code>{d.strategy_id}</code>
                        </td>
                        <td>{num(d.score, 3)}</td>
                        <td>
                          <span class="ap-chip" data-passed={String(d.passed)}>
                            {d.passed ? '✓ PASSED' : '✗ FAILED'}
                          </span>
                        </td>
                        <td>{num(d.metrics.sharpe)}</td>
                        <td>{pct(d.metrics.win_rate)}</td>
                        <td>{pct(d.metrics.max_drawdown)}</td>
                        <td>{pf(d.metrics.profit_factor)}</td>
                        <td>{num(d.metrics.dsr_p_value, 3)}</td>
                        <td>{num(d.metrics.pbo, 2)}</td>
                        <td>{d.metrics.total_trades}</td>
                        <td class="ap-reasons">{d.reasons.length === 0 ? '—' : d.reasons.join(', ')}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={open()}>{(d) => <CandidateDetail decision={d()} onClose={() => setOpen(null)} />}</Show>
          </>
        );
      }}
    </Panel>
  );
}

function metricText(key: string, v: unknown): string {
  if (v === null) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (key.endsWith('_usd')) return money(v);
    return Number.isInteger(v) ? String(v) : num(v, 4);
  }
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

export function CandidateDetail(props: { decision: GateDecision; onClose: () => void }): JSX.Element {
  const d = () => props.decision;
  const scalarMetrics = () => Object.entries(d().metrics).filter(([, v]) => v === null || typeof v !== 'object');
  return (
    <Dialog label={`Candidate ${d().strategy_id}`} title={d().strategy_id} variant="drawer" testid="ap-detail" onClose={props.onClose}>
      <p>
        <span class="ap-chip" data-passed={String(d().passed)}>
          {d().passed ? 'PASSED' : 'FAILED'}
        </span>{' '}
        score {num(d().score, 3)}
      </p>
      <Show when={d().reasons.length > 0}>
        <h3>Gate reasons</h3>
        <ul data-testid="ap-detail-reasons">
          <For each={d().reasons}>{(r) => <li>{r}</li>}</For>
        </ul>
      </Show>
      <h3>Parameters</h3>
      <div class="ap-kv">
        <span>Horizon</span>
        <span>{d().params.horizon} days</span>
        <span>Entry threshold</span>
        <span>{pct(d().params.entry_threshold, 2)}</span>
        <span>Confidence threshold</span>
        <span>{num(d().params.confidence_threshold)}</span>
        <span>Risk management</span>
        <span>{d().params.use_risk_management ? 'on' : 'off'}</span>
        <span>Max positions</span>
        <span>{d().params.max_positions}</span>
        <span>Position size</span>
        <span>{pct(d().params.position_size_pct)}</span>
      </div>
      <h3>Metrics</h3>
      <div class="ap-kv" data-testid="ap-detail-metrics">
        <For each={scalarMetrics()}>
          {([k, v]) => (
            <>
              <span>{k}</span>
              <span>{metricText(k, v)}</span>
            </>
          )}
        </For>
      </div>
      <Show when={d().metrics.fold_metrics.length > 0}>
        <h3>Walk-forward folds</h3>
        <table class="data-table">
          <thead>
            <tr>
              <th>Fold</th>
              <th>Train corr</th>
              <th>Test corr</th>
              <th>Test mean return</th>
              <th>Sharpe</th>
            </tr>
          </thead>
          <tbody>
            <For each={d().metrics.fold_metrics}>
              {(f) => (
                <tr>
                  <td>{f.fold}</td>
                  <td>{num(f.train_corr, 3)}</td>
                  <td>{num(f.test_corr, 3)}</td>
                  <td>{pct(f.test_mean_return, 2)}</td>
                  <td>{num(f.sharpe)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </Dialog>
  );
}
