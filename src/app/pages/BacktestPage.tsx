import { createEffect, createMemo, createSignal, For, type JSX, Match, on, Show, Switch } from 'solid-js';
import type { BacktestRunSummary } from '../../workers/api';
import { BacktestForm, type BacktestSubmission } from '../components/backtest/BacktestForm';
import { EquityPanels, RiskPanels, TradesPanel, ValidationPanel } from '../components/backtest/BacktestResults';
import { SweepPanel } from '../components/backtest/SweepPanel';
import { JobMonitor } from '../components/JobMonitor';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import { Section } from '../components/Section';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { combineModes } from '../../engine/contracts';
import { formatDuration } from '../lib/format';
import { modeForOrigin } from '../lib/provenance';
import { errorMessage } from '../lib/trace';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty, GO_DATA, NO_BACKTEST } from './common';

type BtTab = 'equity' | 'risk' | 'trades' | 'sweep';
const TABS: readonly TabDef<BtTab>[] = [
  { id: 'equity', label: 'Equity Curve' },
  { id: 'risk', label: 'Risk Metrics' },
  { id: 'trades', label: 'Trade Analysis' },
  { id: 'sweep', label: 'Parameter Sweep' },
];

function runSummary(r: BacktestRunSummary): string {
  const p = r.params;
  const ids = Array.isArray(p.datasetIds) ? p.datasetIds.map((x) => String(x).split('|')[0]).join(', ') : '?';
  const rule =
    p.signal_source === 'predictions'
      ? `predictions ${String(p.predictions_run ?? '').slice(0, 8)}`
      : p.rule && typeof p.rule === 'object' && !Array.isArray(p.rule)
        ? `SMA ${p.rule.fast}/${p.rule.slow}`
        : 'SMA';
  return `${ids} · ${rule} · hold ${p.holding_period ?? '?'} · max ${p.max_positions ?? '?'} · size ${p.position_size ?? '?'}`;
}

function runDuration(r: BacktestRunSummary): string {
  if (!r.startedAt || !r.completedAt) return '—';
  return formatDuration(Date.parse(r.completedAt) - Date.parse(r.startedAt));
}

export default function BacktestPage(): JSX.Element {
  const page = pageById('backtests');
  const app = useApp();
  const [tab, setTab] = useTab(TABS, 'equity');
  const [datasets, reloadDatasets] = createLoader(() => ({ v: app.datasetsVersion() }), () => app.backend.listDatasets(), 'ui.backtest.datasets');
  const [jobId, setJobId] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal<string>('latest');
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<{ message: string; traceId: string } | null>(null);
  // Changes whenever a backtest job changes status: history and results reload then.
  const runsKey = createMemo(() =>
    app
      .jobs()
      .filter((j) => j.type === 'backtest')
      .map((j) => `${j.id}:${j.status}`)
      .join(','),
  );
  const predictKey = createMemo(() =>
    app
      .jobs()
      .filter((j) => j.type === 'predict')
      .map((j) => `${j.id}:${j.status}`)
      .join(','),
  );
  const [predictRuns] = createLoader(() => ({ k: predictKey() }), () => app.backend.listPredictRuns(), 'ui.backtest.predict-runs');
  const [runs, reloadRuns] = createLoader(() => ({ k: runsKey() }), () => app.backend.listBacktestRuns(), 'ui.backtest.runs');
  const [result, reloadResult] = createLoader(() => ({ id: selected(), k: runsKey() }), ({ id }) => app.backend.getBacktestResult(id), 'ui.backtest.result');
  createEffect(
    on(
      () => (jobId() ? app.job(jobId() ?? '')?.status : undefined),
      (s) => {
        if (s === 'succeeded' && jobId()) setSelected(jobId() ?? 'latest');
      },
    ),
  );

  const run = async (s: BacktestSubmission) => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const rec = await app.submitJob({ type: 'backtest', params: s.params, inputs: s.inputs });
      setJobId(rec.id);
    } catch (e) {
      setSubmitError({ message: errorMessage(e), traceId: app.reportError('ui.backtest.submit', e) });
    } finally {
      setSubmitting(false);
    }
  };

  const configState = (): PanelState => {
    const d = datasets();
    if (d.status === 'error') return { kind: 'error', message: d.message, traceId: d.traceId, retry: reloadDatasets };
    if (d.status !== 'ready') return { kind: 'loading' };
    if (!d.value.some((m) => m.timeframe === '1d')) {
      return empty('No daily datasets stored — import bars or load the demo dataset first', [
        GO_DATA,
        { label: 'Load demo dataset', onClick: () => void app.loadDemo() },
      ]);
    }
    const daily = d.value.filter((m) => m.timeframe === '1d');
    const meta = { mode: combineModes(daily.map((m) => modeForOrigin(m.origin))), generatedAt: new Date(app.now()).toISOString(), asOf: null, source: 'local dataset catalog', staleness: null, warnings: [] };
    return { kind: 'ready', envelope: { data: d.value, meta } };
  };

  const readyDatasets = () => {
    const d = datasets();
    return d.status === 'ready' ? d.value : [];
  };

  const resultState = (): PanelState => {
    const r = result();
    if (r.status === 'error') return { kind: 'error', message: r.message, traceId: r.traceId, retry: reloadResult };
    if (r.status !== 'ready') return { kind: 'loading' };
    if (r.value === null) {
      const failed = selected() !== 'latest' ? app.job(selected()) : undefined;
      if (failed?.status === 'failed') return { kind: 'error', title: 'Backtest failed', message: failed.error ?? 'no error message', traceId: failed.traceId };
      return empty(NO_BACKTEST, [], 'Configure the run above and press Run Backtest.');
    }
    return { kind: 'ready', envelope: r.value };
  };

  const historyState = (): PanelState => {
    const r = runs();
    if (r.status === 'error') return { kind: 'error', message: r.message, traceId: r.traceId, retry: reloadRuns };
    if (r.status !== 'ready') return { kind: 'loading' };
    if (r.value.length === 0) return empty('No backtest runs yet');
    const d = datasets();
    const modes = d.status === 'ready' ? d.value.filter((m) => m.timeframe === '1d').map((m) => modeForOrigin(m.origin)) : [];
    const meta = { mode: combineModes(modes), generatedAt: new Date(app.now()).toISOString(), asOf: null, source: 'backtest job history (inputs from the local dataset catalog)', staleness: null, warnings: [] };
    return { kind: 'ready', envelope: { data: r.value, meta } };
  };

  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Configure and run a backtest (SMA rule or Signal Desk predictions) as a job, then review equity, risk and trades" />
      <Panel<import('../../engine/contracts').DatasetMeta[]> title="Backtest Configuration" state={configState()}>
        {(d) => {
          const pr = predictRuns();
          return <BacktestForm datasets={d()} predictionRuns={pr.status === 'ready' ? pr.value : []} submitting={submitting()} onRun={(s) => void run(s)} />;
        }}
      </Panel>
      <Show when={submitError()}>
        {(e) => (
          <p class="hint" role="alert" data-testid="bt-submit-error">
            Could not submit: {e().message} (trace {e().traceId})
          </p>
        )}
      </Show>
      <Show when={jobId()}>{(id) => <JobMonitor jobId={id()} />}</Show>
      <Panel<BacktestRunSummary[]> title="Run History" state={historyState()}>
        {(list) => (
          <table class="data-table" data-testid="bt-history">
            <thead>
              <tr>
                <th>Started</th>
                <th>Parameters</th>
                <th>Status</th>
                <th>Duration</th>
              </tr>
            </thead>
            <tbody>
              <For each={list()}>
                {(r) => (
                  <tr data-testid="bt-history-row" aria-selected={selected() === r.jobId}>
                    <td>{new Date(r.createdAt).toLocaleString()}</td>
                    <td>
                      <button type="button" class="btn btn-sm" disabled={r.status !== 'succeeded'} onClick={() => setSelected(r.jobId)}>
                        {runSummary(r)}
                      </button>
                    </td>
                    <td title={r.error}>{r.status}</td>
                    <td>{runDuration(r)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        )}
      </Panel>
      <Section title="Results">
        <Tabs tabs={TABS} value={tab()} onChange={setTab} label="Backtest views" idPrefix="bt">
          {(t) => (
            <Switch>
              <Match when={t === 'equity'}>
                <EquityPanels state={resultState()} />
              </Match>
              <Match when={t === 'risk'}>
                <RiskPanels state={resultState()} />
                <ValidationPanel state={resultState()} />
              </Match>
              <Match when={t === 'trades'}>
                <TradesPanel state={resultState()} />
              </Match>
              <Match when={t === 'sweep'}>
                <Show when={configState().kind === 'ready'} fallback={<Panel title="Sweep Configuration" state={configState()} />}>
                  <SweepPanel datasets={readyDatasets()} />
                </Show>
              </Match>
            </Switch>
          )}
        </Tabs>
      </Section>
    </div>
  );
}
