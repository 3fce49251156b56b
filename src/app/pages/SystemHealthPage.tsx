import { createMemo, createSignal, For, type JSX, Match, on, Show, Switch } from 'solid-js';
import type { Envelope, EnvelopeMeta } from '../../engine/contracts';
import { overallMethodology } from '../../engine/health/scoring';
import { DOMAIN_INFO, HEALTH_DOMAINS, SEVERITY_WEIGHT } from '../../engine/health/types';
import type { StorageEstimate, WorkerStatus } from '../../workers/api';
import type { HealthCheckItem, HealthDomain, HealthSnapshot } from '../../workers/health/view';
import { LineChart } from '../components/charts/LineChart';
import { ErrorPanel } from '../components/ErrorPanel';
import { HealthBars } from '../components/health/HealthBars';
import { HealthCheckList } from '../components/health/HealthCheckList';
import { HealthRadar } from '../components/health/HealthRadar';
import { HealthScoreCards } from '../components/health/HealthScoreCards';
import { WfWindows } from '../components/health/WfWindows';
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

/** What each domain's checks cover (the weights come from the engine's DOMAIN_INFO). */
const DOMAIN_COVERS: Record<HealthDomain, string> = {
  data_integrity: 'history coverage, cache freshness, quality reports, gaps, splits, anomalies, survivorship',
  promotion: 'gate criteria, gate selectivity, multiple-testing and walk-forward evidence of active strategies',
  walk_forward: 'recorded folds: count, train-before-test order, IS vs OOS gap, positive folds, OOS skill, purge',
  execution: 'cost model of recorded backtests, realised cost per fill, turnover vs costs, trade sample',
  complexity: 'features per observation, tunable knobs, multiple-testing haircut',
};

const NO_SNAPSHOT = 'No health check has run yet';

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

/** A part of the snapshot under the snapshot's own provenance. */
function part<T>(meta: EnvelopeMeta, data: T): Envelope<T> {
  return { data, meta };
}

export default function SystemHealthPage(): JSX.Element {
  const page = pageById('systemHealth');
  const app = useApp();
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [healthSubmitting, setHealthSubmitting] = createSignal(false);
  const [healthError, setHealthError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [methodologyOpen, setMethodologyOpen] = createSignal(false);

  const selftest = () => latestJobOfType(app, 'selftest');
  const healthJob = () => latestJobOfType(app, 'health_check');
  // Reload when a health job finishes: the newest succeeded run, else whatever is stored.
  const snapshotRef = createMemo(() => {
    const j = healthJob();
    return j && j.status === 'succeeded' ? `job:${j.id}` : 'latest';
  });
  const [snapshot, reloadSnapshot] = createLoader(
    () => ({ ref: snapshotRef() }),
    ({ ref }) => app.backend.getHealthSnapshot(ref === 'latest' ? 'latest' : ref.slice(4)),
    'ui.systemHealth.snapshot',
  );

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

  const runHealth = async () => {
    setHealthSubmitting(true);
    setHealthError(null);
    try {
      await app.submitJob({ type: 'health_check', params: {} });
    } catch (e) {
      setHealthError({ message: errorMessage(e), traceId: app.reportError('ui.systemHealth', e, { action: 'health_check' }) });
    } finally {
      setHealthSubmitting(false);
    }
  };

  /** Panel state of one part of the snapshot; `pick` returns null for "nothing recorded". */
  const snapState = <T,>(pick: (s: HealthSnapshot) => T | null, emptyMessage: string, actions = [GO_DATA, GO_BACKTEST]): PanelState => {
    const s = snapshot();
    switch (s.status) {
      case 'idle':
      case 'loading':
        return { kind: 'loading' };
      case 'error':
        return { kind: 'error', message: s.message, traceId: s.traceId, retry: reloadSnapshot };
      case 'ready': {
        if (!s.value) return empty(NO_SNAPSHOT, [{ label: 'Run health check', onClick: () => void runHealth() }]);
        const data = pick(s.value.data);
        if (data === null) return empty(emptyMessage, actions);
        return { kind: 'ready', envelope: part(s.value.meta, data) };
      }
    }
  };

  const checksOf = (d: HealthDomain) => (s: HealthSnapshot) => s.report.checks.filter((c) => c.domain === d);
  const domainTools = (d: HealthDomain) => {
    const s = snapshot();
    if (s.status !== 'ready' || !s.value) return undefined;
    const cs = s.value.data.report.checks.filter((c) => c.domain === d);
    const pass = cs.filter((c) => c.status === 'PASS').length;
    const unavail = cs.filter((c) => c.status === 'UNAVAILABLE').length;
    return (
      <span class="hint mono" data-testid={`domain-summary-${d}`}>
        {pass}/{cs.length} PASS{unavail > 0 ? ` (${unavail} unavail.)` : ''}
      </span>
    );
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

  // The storage error comes from the app's periodic estimate: give each distinct failure one
  // log record, so the panel's trace link lands on it.
  const storageTrace = createMemo(
    on(
      () => {
        const s = app.storage();
        return s.kind === 'error' ? s.error : null;
      },
      (error) => (error === null ? undefined : app.reportError('ui.systemHealth.storage', new Error(`storage estimate failed: ${error}`))),
    ),
  );

  const storageState = (): PanelState => {
    const s = app.storage();
    if (s.kind === 'loading') return { kind: 'loading' };
    if (s.kind === 'error') return { kind: 'error', message: `Storage estimate unavailable: ${s.error}`, traceId: storageTrace(), retry: app.refreshStorage };
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
      <PageHeader title={page.title} subtitle="Comprehensive system diagnostics and scoring">
        <button type="button" class="btn btn-primary" data-testid="run-health" disabled={healthSubmitting()} onClick={() => void runHealth()}>
          {healthSubmitting() ? 'Submitting…' : snapshot().status === 'ready' && (snapshot() as { value: unknown }).value ? 'Refresh health' : 'Run health check'}
        </button>
      </PageHeader>
      <Show when={healthError()}>
        {(err) => (
          <ErrorPanel title="Could not start the health check" message={err().message} traceId={err().traceId} retry={() => void runHealth()} />
        )}
      </Show>
      <Show when={healthJob()}>{(j) => <JobMonitor jobId={j().id} />}</Show>

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
            <p style={{ 'margin-top': 0 }}>{overallMethodology()}</p>
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
                      <td>{DOMAIN_INFO[d].label}</td>
                      <td class="r">{Math.round(DOMAIN_INFO[d].weight * 100)}%</td>
                      <td>{DOMAIN_COVERS[d]}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <p class="hint">
              Severity weights: critical {SEVERITY_WEIGHT.critical}×, standard {SEVERITY_WEIGHT.standard}×, informational{' '}
              {SEVERITY_WEIGHT.informational}×. A critical check scoring below 25 is shown as CRITICAL.
            </p>
          </div>
        </Show>
      </section>

      <Panel<HealthSnapshot> title="Health Scores" state={snapState((s) => s, NO_SNAPSHOT)}>
        {(s) => (
          <div class="stack">
            <HealthScoreCards report={s().report} />
            <p class="hint" style={{ margin: 0 }}>
              Computed {new Date(s().computedAt).toLocaleString()} over {s().sources.datasets} datasets ({s().sources.qualityReports} with quality
              reports), {s().sources.backtests} backtests, {s().sources.models} models{s().sources.registry ? ', the strategy registry' : ', no strategy registry'}.
            </p>
            <Show when={s().warnings.length > 0}>
              <ul class="panel-warnings" data-testid="health-input-warnings">
                <For each={s().warnings}>{(w) => <li>{w}</li>}</For>
              </ul>
            </Show>
          </div>
        )}
      </Panel>

      <div class="grid-2">
        <Panel<HealthSnapshot['history']>
          title="Health Score Trend"
          state={snapState((s) => (s.history.filter((h) => h.overall_score !== null).length >= 2 ? s.history.filter((h) => h.overall_score !== null) : null), 'Needs at least two health snapshots with a score — run the health check again later', [])}
        >
          {(h) => (
            <LineChart
              title="Overall health score"
              height={220}
              x={Float64Array.from(h(), (p) => Date.parse(p.timestamp))}
              series={[{ label: 'Overall', y: Float64Array.from(h(), (p) => p.overall_score ?? Number.NaN), color: '#58a6ff' }]}
              formatY={(v) => v.toFixed(0)}
              formatX={(ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}
              csvName="health-trend.csv"
            />
          )}
        </Panel>
        <Panel<HealthSnapshot['report']['domains']> title="Health Radar" state={snapState((s) => s.report.domains, NO_SNAPSHOT)}>
          {(d) => <HealthRadar domains={d()} />}
        </Panel>
      </div>

      <div class="grid-2">
        <For each={HEALTH_DOMAINS}>
          {(d) => (
            <Panel<HealthCheckItem[]> title={`${DOMAIN_INFO[d].label} Checks`} tools={domainTools(d)} state={snapState(checksOf(d), NO_SNAPSHOT)}>
              {(cs) => <HealthCheckList checks={cs()} />}
            </Panel>
          )}
        </For>
        <Panel<HealthCheckItem[]> title="Strengths" state={snapState((s) => (s.report.strengths.length > 0 ? s.report.strengths : null), 'No check passes yet')}>
          {(cs) => (
            <ul class="stack" style={{ margin: 0, 'padding-left': '18px' }}>
              <For each={cs()}>
                {(c) => (
                  <li>
                    <strong>{c.name}</strong> <span class="hint">({DOMAIN_INFO[c.domain].label})</span> — {c.detail}
                  </li>
                )}
              </For>
            </ul>
          )}
        </Panel>
      </div>

      <div class="grid-2">
        <Panel<HealthSnapshot['report']['cache_age']>
          title="Data Cache Age"
          state={snapState((s) => (s.report.cache_age.length > 0 ? s.report.cache_age : null), 'No datasets stored', [GO_DATA])}
        >
          {(rows) => (
            <HealthBars
              testid="cache-age"
              minScale={21}
              caption="Days since each dataset was imported, fetched or generated"
              rows={rows().map((r) => ({
                label: `${r.id}${r.origin === 'demo' ? ' (demo)' : ''}`,
                value: r.days,
                text: `${r.days.toFixed(1)} d`,
                color: r.days <= 3 ? 'var(--accent-green)' : r.days <= 14 ? 'var(--accent-amber)' : 'var(--accent-red)',
              }))}
            />
          )}
        </Panel>
        <Panel<Record<string, number>>
          title="Strategy Promotion Funnel"
          state={snapState((s) => s.report.promotion_funnel, 'No strategy registry recorded — run an autopilot cycle to evaluate candidates', [{ label: 'Go to Autopilot & Events', href: '/autopilot' }])}
        >
          {(f) => (
            <HealthBars
              testid="promotion-funnel"
              caption="Promotion funnel from the strategy registry"
              rows={Object.entries(f()).map(([k, v]) => ({ label: k, value: v, text: String(v) }))}
            />
          )}
        </Panel>
      </div>

      <Panel<HealthSnapshot['report']['wf_windows']>
        title="Walk-Forward Window Structure"
        state={snapState((s) => (s.report.wf_windows.length > 0 ? s.report.wf_windows : null), 'No walk-forward results recorded', [GO_BACKTEST])}
      >
        {(w) => <WfWindows windows={w()} />}
      </Panel>

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
    </div>
  );
}
