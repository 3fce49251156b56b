import { For, type JSX, Show } from 'solid-js';
import type { AutopilotCycleView, AutopilotRunSummary, StrategyRegistryView } from '../../../workers/autopilot/views';
import { formatDuration } from '../../lib/format';
import { KpiCard } from '../KpiCard';
import { Panel, type PanelState } from '../Panel';
import { money, num } from './format';

export function LatestCyclePanel(props: { state: PanelState }): JSX.Element {
  return (
    <Panel<AutopilotCycleView> title="Latest Cycle Summary" state={props.state}>
      {(v) => {
        const r = () => v().report;
        const years = () => {
          const a = Date.parse(r().first_date);
          const b = Date.parse(r().last_date);
          return Number.isFinite(a) && Number.isFinite(b) ? ((b - a) / (365.25 * 86_400_000)).toFixed(1) : '—';
        };
        const timings = () => Object.entries(r().timings);
        return (
          <>
            <div class="kpi-grid" data-testid="ap-cycle-summary">
              <KpiCard label="Horizon" value={`${r().horizon} days`} subtitle={`${years()} years of data`} />
              <KpiCard label="Predictor" value={v().predictor.type === 'ensemble' ? 'Ensemble' : 'Heuristic'} subtitle={v().predictor.note} />
              <KpiCard label="Candidates" value={String(r().n_candidates)} subtitle={`${r().n_passed} passed`} testid="ap-summary-candidates" />
              <KpiCard label="Promoted" value={String(r().n_promoted)} subtitle={`${r().n_active} active${r().dry_run ? ' · dry run' : ''}`} />
              <KpiCard label="Paper Cash" value={r().paper ? money(r().paper?.cash) : null} subtitle={r().paper ? `as of ${r().paper?.as_of}` : 'no paper cycle (dry run)'} />
              <KpiCard label="Paper Equity" value={r().paper ? money(r().paper?.equity) : null} />
              <KpiCard label="Realized P&L" value={r().paper ? money(r().paper?.realized_pnl) : null} />
              <KpiCard label="Open Positions" value={r().paper ? String(r().paper?.open_positions) : null} />
            </div>
            <h3>Top decisions</h3>
            <ul data-testid="ap-top-decisions">
              <For each={r().decisions.slice(0, 5)}>
                {(d) => (
                  <li>
                    <span class="ap-chip" data-passed={String(d.passed)}>
                      {d.passed ? 'PASSED' : 'FAILED'}
                    </span>{' '}
                    <code>{d.strategy_id}</code> score {num(d.score, 3)}
                  </li>
                )}
              </For>
            </ul>
            <Show when={timings().length > 0}>
              <h3>Timings</h3>
              <div class="ap-kv" data-testid="ap-timings">
                <For each={timings()}>
                  {([stage, ms]) => (
                    <>
                      <span>{stage}</span>
                      <span>{formatDuration(ms)}</span>
                    </>
                  )}
                </For>
              </div>
            </Show>
            <p class="hint">
              Universe {r().universe.join(', ')} · {r().first_date} → {r().last_date} · PBO {num(r().pbo.value, 2)} {r().pbo.note}
            </p>
          </>
        );
      }}
    </Panel>
  );
}

function duration(r: AutopilotRunSummary): string {
  if (!r.startedAt || !r.completedAt) return '—';
  return formatDuration(Date.parse(r.completedAt) - Date.parse(r.startedAt));
}

function summary(r: AutopilotRunSummary): string {
  if (r.type === 'paper_cycle') return 'paper cycle';
  const p = r.params;
  const n = Array.isArray(p.datasetIds) ? p.datasetIds.length : '?';
  return `${n} tickers · h${p.horizon ?? '?'} · ${p.predictor ?? 'auto'}${p.dry_run ? ' · dry run' : ''}${p.max_candidates ? ` · max ${p.max_candidates}` : ''}`;
}

export function RunHistoryPanel(props: { state: PanelState; onOpen: (jobId: string) => void; selected: string }): JSX.Element {
  return (
    <Panel<AutopilotRunSummary[]> title="Cycle History" state={props.state}>
      {(list) => (
        <table class="data-table" data-testid="ap-history">
          <thead>
            <tr>
              <th>Started</th>
              <th>Job</th>
              <th>Parameters</th>
              <th>Status</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            <For each={list()}>
              {(r) => (
                <tr data-testid="ap-history-row" data-job-type={r.type} aria-selected={props.selected === r.jobId}>
                  <td>{new Date(r.createdAt).toLocaleString()}</td>
                  <td>
                    <Show when={r.type === 'autopilot_cycle' && r.status === 'succeeded'} fallback={r.type}>
                      <button type="button" class="btn btn-sm" onClick={() => props.onOpen(r.jobId)}>
                        cycle {r.jobId.slice(0, 8)}
                      </button>
                    </Show>
                  </td>
                  <td>{summary(r)}</td>
                  <td title={r.error}>{r.status}</td>
                  <td>{duration(r)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      )}
    </Panel>
  );
}

const HISTORY_SHOWN = 200;

/** The registry's evaluation history (one row per candidate per applied cycle), newest first. */
export function RegistryHistoryPanel(props: { state: PanelState }): JSX.Element {
  return (
    <Panel<StrategyRegistryView> title="Registry History" state={props.state}>
      {(r) => {
        const rows = () => r().registry.history.slice(-HISTORY_SHOWN).reverse();
        return (
          <Show when={rows().length > 0} fallback={<p class="hint">No evaluations recorded — an applied (not dry-run) cycle adds one row per candidate.</p>}>
            <p class="hint">
              {r().registry.history.length} rows stored (the registry keeps the last 2000){r().registry.history.length > HISTORY_SHOWN ? `; newest ${HISTORY_SHOWN} shown` : ''}.
            </p>
            <div style={{ 'max-height': '24rem', 'overflow-y': 'auto' }}>
              <table class="data-table" data-testid="ap-registry-history">
                <thead>
                  <tr>
                    <th>Time</th>
                    <th>Strategy</th>
                    <th>Result</th>
                    <th>Score</th>
                    <th>Reasons</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={rows()}>
                    {(h) => (
                      <tr>
                        <td>{h.timestamp.replace('T', ' ').slice(0, 19)}</td>
                        <td>
                          <code>{h.strategy_id}</code>
                        </td>
                        <td>
                          <span class="ap-chip" data-passed={String(h.passed)}>
                            {h.passed ? 'PASSED' : 'FAILED'}
                          </span>
                        </td>
                        <td>{num(h.score, 3)}</td>
                        <td class="ap-reasons">{h.reasons.length === 0 ? '—' : h.reasons.join(', ')}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        );
      }}
    </Panel>
  );
}
