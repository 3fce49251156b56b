import { createSignal, For, type JSX, Match, Show, Switch } from 'solid-js';
import type { Envelope } from '../../engine/contracts';
import type { StorageEstimate, WorkerStatus } from '../../workers/api';
import { ErrorPanel } from '../components/ErrorPanel';
import { JobMonitor } from '../components/JobMonitor';
import { KpiCard } from '../components/KpiCard';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import { formatBytes, formatDuration } from '../lib/format';
import { jobElapsedMs } from '../lib/jobs';
import { errorMessage } from '../lib/trace';
import { pageById } from '../pages';
import { latestJobOfType, runSelftest } from '../state/actions';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty, GO_BACKTEST, GO_DATA } from './common';

/** Health domains and weights: the one source of truth for the methodology text and score cards. */
export const HEALTH_DOMAINS = [
  { name: 'Data Integrity', weight: 25, covers: 'survivorship and data-quality checks' },
  { name: 'Promotion Gate', weight: 25, covers: 'strategy promotion criteria (Sharpe, DSR, PBO, trade count)' },
  { name: 'Walk-Forward', weight: 20, covers: 'purged walk-forward validity and IS vs OOS degradation' },
  { name: 'Execution', weight: 15, covers: 'cost model and execution realism' },
  { name: 'Complexity', weight: 15, covers: 'features per observation and tunable knobs' },
] as const;

const NO_HEALTH = 'Health checks need datasets, models and backtests — none recorded yet';

/** The self-test's stored artifact (throughput and the statistics check), read by its result key. */
function SelftestResult(props: { resultKey: string | undefined; durationMs: number | null }): JSX.Element {
  const app = useApp();
  const [artifact] = createLoader(
    () => props.resultKey,
    (key) => app.backend.getArtifact(key),
    'ui.systemHealth.selftest',
  );
  const rows = (): [string, string][] => {
    const s = artifact();
    if (s.status !== 'ready' || !s.value) return [];
    const v = s.value.value;
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return [['Result', JSON.stringify(v)]];
    return Object.entries(v).map(([k, x]) => [k, typeof x === 'number' ? formatResultNumber(x) : JSON.stringify(x)]);
  };
  return (
    <div data-testid="selftest-result">
      <Switch>
        <Match when={!props.resultKey}>
          <p class="hint">Completed in {formatDuration(props.durationMs ?? Number.NaN)}; the job stored no result artifact.</p>
        </Match>
        <Match when={artifact().status === 'error'}>
          <ErrorPanel
            title="Self-test result unreadable"
            message={(() => {
              const s = artifact();
              return s.status === 'error' ? s.message : '';
            })()}
            traceId={(() => {
              const s = artifact();
              return s.status === 'error' ? s.traceId : undefined;
            })()}
          />
        </Match>
        <Match when={artifact().status === 'ready' && rows().length === 0}>
          <p class="error-text">Result artifact {props.resultKey} was not found in storage.</p>
        </Match>
        <Match when={rows().length > 0}>
          <dl class="kv">
            <For each={rows()}>
              {([k, v]) => (
                <>
                  <dt>{k}</dt>
                  <dd>{v}</dd>
                </>
              )}
            </For>
          </dl>
        </Match>
      </Switch>
    </div>
  );
}

function formatResultNumber(x: number): string {
  if (Number.isInteger(x)) return x.toLocaleString('en-US');
  return Math.abs(x) >= 1000 || Math.abs(x) < 0.01 ? x.toPrecision(6) : x.toFixed(3);
}

export default function SystemHealthPage(): JSX.Element {
  const page = pageById('systemHealth');
  const app = useApp();
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [methodologyOpen, setMethodologyOpen] = createSignal(false);

  const selftest = () => latestJobOfType(app, 'selftest');

  const startSelftest = async () => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      await runSelftest(app);
    } catch (e) {
      setSubmitError({ message: errorMessage(e), traceId: app.reportError('ui.systemHealth', e, { action: 'selftest' }) });
    } finally {
      setSubmitting(false);
    }
  };

  const workersEnvelope = (): Envelope<WorkerStatus> => ({
    data: app.workers(),
    meta: {
      mode: 'live',
      generatedAt: new Date(app.now()).toISOString(),
      asOf: null,
      source: 'worker pool of this browser tab',
      staleness: null,
      warnings: app.workers().dataWorkerError ? [`Data worker: ${app.workers().dataWorkerError}`] : [],
    },
  });

  const storageState = (): PanelState => {
    const s = app.storage();
    if (s.kind === 'loading') return { kind: 'loading' };
    if (s.kind === 'error') return { kind: 'error', message: `Storage estimate unavailable: ${s.error}`, retry: app.refreshStorage };
    const env: Envelope<StorageEstimate> = {
      data: s.estimate,
      meta: {
        mode: 'live',
        generatedAt: new Date(s.at).toISOString(),
        asOf: null,
        source: 'navigator.storage.estimate() of this origin',
        staleness: null,
        warnings: s.estimate.persisted ? [] : ['Storage is best-effort: the browser may evict it under pressure. Request persistent storage in Settings.'],
      },
    };
    return { kind: 'ready', envelope: env };
  };

  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Comprehensive system diagnostics and scoring" />

      <section class="panel" data-testid="methodology">
        <header class="panel-header">
          <h2 id="methodology-h">Methodology</h2>
          <button
            type="button"
            class="btn btn-sm"
            aria-expanded={methodologyOpen()}
            aria-controls="methodology-body"
            onClick={() => setMethodologyOpen((v) => !v)}
          >
            {methodologyOpen() ? 'Hide' : 'Show'}
          </button>
        </header>
        <Show when={methodologyOpen()}>
          <div class="panel-body" id="methodology-body">
            <p style={{ 'margin-top': 0 }}>
              The overall score is the weighted mean of the domain scores. Each domain score averages only the checks that
              could run (UNAVAILABLE checks are excluded, never counted as passes); critical checks weigh 3×, standard 1×,
              informational 0.5×.
            </p>
            <table class="data">
              <thead>
                <tr>
                  <th>Domain</th>
                  <th class="r">Weight</th>
                  <th>Covers</th>
                </tr>
              </thead>
              <tbody>
                <For each={HEALTH_DOMAINS}>
                  {(d) => (
                    <tr>
                      <td>{d.name}</td>
                      <td class="r">{d.weight}%</td>
                      <td>{d.covers}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </section>

      <div class="grid-2">
        <Panel<WorkerStatus> title="Workers" state={{ kind: 'ready', envelope: workersEnvelope() }}>
          {(w) => (
            <div class="stack">
              <div class="kpi-grid">
                <KpiCard label="Pool size" value={String(w().poolSize)} subtitle="compute workers" accent="var(--accent-blue)" />
                <KpiCard label="Busy" value={String(w().busy)} subtitle={`of ${w().poolSize}`} accent="var(--accent-cyan)" />
                <KpiCard
                  label="Restarts"
                  value={String(w().restarts)}
                  subtitle="after crashes"
                  accent={w().restarts > 0 ? 'var(--accent-amber)' : 'var(--accent-green)'}
                />
                <KpiCard
                  label="Data worker"
                  value={w().dataWorker.toUpperCase()}
                  subtitle="DuckDB-WASM"
                  accent={w().dataWorker === 'error' ? 'var(--accent-red)' : 'var(--accent-green)'}
                />
              </div>
              <div class="field-row">
                <button
                  type="button"
                  class="btn btn-primary"
                  data-testid="run-selftest"
                  disabled={submitting()}
                  onClick={() => void startSelftest()}
                >
                  {submitting() ? 'Submitting…' : 'Run worker self-test'}
                </button>
                <span class="hint">A 20-second job on the worker pool: progress, cancel and completion end to end.</span>
              </div>
              <Show when={submitError()}>
                {(err) => (
                  <p class="error-text" role="alert">
                    Could not submit the self-test: {err().message} (trace {err().traceId})
                  </p>
                )}
              </Show>
              <Show when={selftest()}>
                {(j) => (
                  <div class="stack">
                    <JobMonitor jobId={j().id} />
                    <Show when={j().status === 'succeeded'}>
                      <SelftestResult resultKey={j().resultKey} durationMs={jobElapsedMs(j(), app.now())} />
                    </Show>
                  </div>
                )}
              </Show>
            </div>
          )}
        </Panel>

        <Panel<StorageEstimate> title="Storage" state={storageState()}>
          {(s) => (
            <div class="stack">
              <dl class="kv">
                <dt>Used</dt>
                <dd>{formatBytes(s().usage)}</dd>
                <dt>Quota</dt>
                <dd>{formatBytes(s().quota)}</dd>
                <dt>Used share</dt>
                <dd>{s().quota > 0 ? `${((s().usage / s().quota) * 100).toFixed(2)}%` : '—'}</dd>
                <dt>Persistent</dt>
                <dd>{s().persisted ? 'yes' : 'no (best-effort)'}</dd>
              </dl>
              <div class="field-row">
                <button type="button" class="btn" onClick={() => app.ui.setSettingsOpen(true)}>
                  Storage settings
                </button>
                <button type="button" class="btn" onClick={() => app.refreshStorage()}>
                  Re-check
                </button>
              </div>
            </div>
          )}
        </Panel>
      </div>

      <Panel title="Health Scores" state={empty(NO_HEALTH, [GO_DATA, GO_BACKTEST], 'Overall, Data Integrity (25%), Promotion Gate (25%), Walk-Forward (20%), Execution (15%), Complexity (15%).')} />
      <div class="grid-2">
        <Panel title="Health Score Trend" state={empty('Needs at least two health snapshots — none recorded yet')} />
        <Panel title="Health Radar" state={empty(NO_HEALTH)} />
      </div>
      <div class="grid-2">
        <For each={HEALTH_DOMAINS}>{(d) => <Panel title={`${d.name} Checks`} state={empty(NO_HEALTH, undefined, `Covers ${d.covers}.`)} />}</For>
        <Panel title="Walk-Forward Window Structure" state={empty('No walk-forward results recorded', [GO_BACKTEST])} />
      </div>
    </div>
  );
}
