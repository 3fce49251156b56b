import { createEffect, createMemo, createSignal, type JSX, lazy, Match, on, Show, Suspense, Switch } from 'solid-js';
import { combineModes, type DatasetMeta } from '../../engine/contracts';
import type { StrategyRegistryView } from '../../workers/autopilot/views';
import { DecisionsPanel, FunnelPanel } from '../components/autopilot/Candidates';
import { LatestCyclePanel, RegistryHistoryPanel, RunHistoryPanel } from '../components/autopilot/Lifecycle';
import { PaperAccountPanel, PnlPanels, PositionsPanel, ResetDialog } from '../components/autopilot/Paper';
import { type CycleSubmission, RunCycleForm } from '../components/autopilot/RunCycleForm';
import '../components/autopilot/autopilot.css';
import { JobMonitor } from '../components/JobMonitor';
import { LoadingState } from '../components/LoadingState';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import { type TabDef, Tabs, useTab } from '../components/Tabs';
import { modeForOrigin } from '../lib/provenance';
import { errorMessage } from '../lib/trace';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader, type LoadState } from '../state/loader';
import { empty, GO_DATA } from './common';

type ApTab = 'candidates' | 'paper' | 'pnl' | 'kalshi' | 'lifecycle';
const TABS: readonly TabDef<ApTab>[] = [
  { id: 'candidates', label: 'Strategy Candidates' },
  { id: 'paper', label: 'Paper Trading' },
  { id: 'pnl', label: 'Live P&L' },
  { id: 'kalshi', label: 'Kalshi Events' },
  { id: 'lifecycle', label: 'Lifecycle' },
];

const NO_CYCLES = 'No autopilot cycles have been run';
const NO_PAPER = 'Paper trading data is not currently available';
const AUTOPILOT_JOBS = new Set(['autopilot_cycle', 'paper_cycle']);

// The Kalshi tab is its own module (Kalshi engineer's), loaded when the tab is first shown.
const KalshiTab = lazy(() => import('./autopilot/KalshiTab').then((m) => ({ default: m.KalshiTab })));

function stateOf<T>(s: LoadState<T | null>, retry: () => void, whenNull: PanelState): PanelState {
  if (s.status === 'error') return { kind: 'error', message: s.message, traceId: s.traceId, retry };
  if (s.status !== 'ready') return { kind: 'loading' };
  return s.value === null ? whenNull : { kind: 'ready', envelope: s.value };
}

export default function AutopilotPage(): JSX.Element {
  const page = pageById('autopilot');
  const app = useApp();
  const [tab, setTab] = useTab(TABS, 'candidates');
  const [cycleJob, setCycleJob] = createSignal<string | null>(null);
  const [paperJob, setPaperJob] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal('latest');
  const [submitting, setSubmitting] = createSignal(false);
  const [actionError, setActionError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [resetOpen, setResetOpen] = createSignal(false);
  const [resetting, setResetting] = createSignal(false);
  const [resetCount, setResetCount] = createSignal(0);

  // Changes whenever an autopilot/paper job changes status (or the account is reset): views reload then.
  const runsKey = createMemo(
    () =>
      `${resetCount()}|${app
        .jobs()
        .filter((j) => AUTOPILOT_JOBS.has(j.type))
        .map((j) => `${j.id}:${j.status}`)
        .join(',')}`,
  );
  const [datasets, reloadDatasets] = createLoader(() => ({ v: app.datasetsVersion() }), () => app.backend.listDatasets(), 'ui.autopilot.datasets');
  const [cycle, reloadCycle] = createLoader(() => ({ id: selected(), k: runsKey() }), ({ id }) => app.backend.getAutopilotCycle(id), 'ui.autopilot.cycle');
  const [registry, reloadRegistry] = createLoader(() => ({ k: runsKey() }), () => app.backend.getStrategyRegistry(), 'ui.autopilot.registry');
  const [paper, reloadPaper] = createLoader(() => ({ k: runsKey() }), () => app.backend.getPaperAccount(), 'ui.autopilot.paper');
  const [models] = createLoader(() => ({ k: runsKey() }), () => app.backend.listModels(), 'ui.autopilot.models');
  const modelChoices = () => {
    const m = models();
    if (m.status !== 'ready') return [];
    return m.value.data.versions.map((v) => ({
      id: v.id,
      label: `Model ${v.id.slice(0, 8)} (h${v.horizon}, ${v.tickers.length} tickers${v.id === m.value.data.champion ? ', champion' : ''})`,
    }));
  };
  const [runs, reloadRuns] = createLoader(() => ({ k: runsKey() }), () => app.backend.listAutopilotRuns(), 'ui.autopilot.runs');
  createEffect(
    on(
      () => (cycleJob() ? app.job(cycleJob() ?? '')?.status : undefined),
      (s) => {
        if (s === 'succeeded') setSelected('latest');
      },
    ),
  );

  const latestCycle = () => {
    const c = cycle();
    return c.status === 'ready' ? c.value : null;
  };
  const predictor = () => latestCycle()?.data.predictor ?? null;
  const registryView = () => {
    const r = registry();
    return r.status === 'ready' ? r.value.data : null;
  };
  // A registry no cycle has written has no provenance to badge: it is an empty state, not a live result.
  const registryState = (): PanelState => {
    const r = registry();
    if (r.status === 'ready' && r.value.data.updatedAt === null) return empty(NO_CYCLES);
    return stateOf(r, reloadRegistry, empty(NO_CYCLES));
  };

  const guard = async (what: string, f: () => Promise<void>) => {
    setActionError(null);
    try {
      await f();
    } catch (e) {
      setActionError({ message: `${what}: ${errorMessage(e)}`, traceId: app.reportError(`ui.autopilot.${what}`, e) });
    }
  };

  const runCycle = (s: CycleSubmission) => {
    setSubmitting(true);
    void guard('run cycle', async () => {
      const rec = await app.submitJob({ type: 'autopilot_cycle', params: s.params, inputs: s.inputs });
      setCycleJob(rec.id);
    }).finally(() => setSubmitting(false));
  };
  const runPaper = () =>
    void guard('paper cycle', async () => {
      const rec = await app.submitJob({ type: 'paper_cycle', params: {} });
      setPaperJob(rec.id);
    });
  const reset = (capital: number) => {
    setResetting(true);
    void guard('reset', async () => {
      await app.backend.resetPaperAccount(capital);
      setResetOpen(false);
      setResetCount((n) => n + 1);
    }).finally(() => setResetting(false));
  };

  const noDaily = () => empty('No daily datasets stored — import bars or load the demo dataset first', [GO_DATA, { label: 'Load demo dataset', onClick: () => void app.loadDemo() }]);

  const formState = (): PanelState => {
    const d = datasets();
    if (d.status === 'error') return { kind: 'error', message: d.message, traceId: d.traceId, retry: reloadDatasets };
    if (d.status !== 'ready') return { kind: 'loading' };
    const daily = d.value.filter((m) => m.timeframe === '1d');
    if (daily.length === 0) return noDaily();
    const meta = { mode: combineModes(daily.map((m) => modeForOrigin(m.origin))), generatedAt: new Date(app.now()).toISOString(), asOf: null, source: 'local dataset catalog', staleness: null, warnings: [] };
    return { kind: 'ready', envelope: { data: d.value, meta } };
  };

  const cycleState = () => stateOf(cycle(), reloadCycle, empty(NO_CYCLES, [], 'Choose the universe above and press Run Cycle (a small max-candidates value makes a quick first run).'));
  const paperState = () =>
    stateOf(paper(), reloadPaper, empty(NO_PAPER, [], 'Paper trading starts with the first autopilot cycle that is not a dry run (or a reset to set the initial capital).'));
  const historyState = (): PanelState => {
    const r = runs();
    if (r.status === 'error') return { kind: 'error', message: r.message, traceId: r.traceId, retry: reloadRuns };
    if (r.status !== 'ready') return { kind: 'loading' };
    if (r.value.length === 0) return empty(NO_CYCLES);
    const d = datasets();
    const modes = d.status === 'ready' ? d.value.filter((m) => m.timeframe === '1d').map((m) => modeForOrigin(m.origin)) : [];
    const meta = { mode: combineModes(modes), generatedAt: new Date(app.now()).toISOString(), asOf: null, source: 'autopilot job history (inputs from the local dataset catalog)', staleness: null, warnings: [] };
    return { kind: 'ready', envelope: { data: r.value, meta } };
  };
  const registryError = (): PanelState | null => {
    const r = registry();
    return r.status === 'error' ? { kind: 'error', message: r.message, traceId: r.traceId, retry: reloadRegistry } : null;
  };

  const paperTools = () => (
    <>
      <button type="button" class="btn btn-sm btn-primary" data-testid="ap-run-paper" onClick={runPaper}>
        Run paper cycle
      </button>
      <button type="button" class="btn btn-sm btn-danger" data-testid="ap-reset" onClick={() => setResetOpen(true)}>
        Reset…
      </button>
    </>
  );

  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Automated strategy lifecycle management">
        <Show when={predictor()}>
          {(p) => (
            <span class="ap-pred-badge" data-testid="ap-predictor-badge" data-predictor={p().type} title={p().note}>
              {p().type === 'ensemble' ? 'Ensemble Model' : 'Heuristic Predictor'}
              {p().modelVersion ? ` · ${p().modelVersion?.slice(0, 8)}` : ''}
            </span>
          )}
        </Show>
      </PageHeader>
      <Show when={predictor()?.type === 'heuristic'}>
        <div class="ap-banner" role="alert" data-testid="ap-heuristic-banner">
          <Show
            when={predictor()?.requested === 'heuristic'}
            fallback={<>Running in heuristic mode — no trained ensemble model found. Train one in <a href="/model-lab">Model Lab</a> for ensemble predictions.</>}
          >
            Running in heuristic mode — the heuristic predictor was requested for this cycle (a trained ensemble from <a href="/model-lab">Model Lab</a> is used with "Auto").
          </Show>
        </div>
      </Show>
      <Show when={actionError()}>
        {(e) => (
          <p class="error-text" role="alert" data-testid="ap-action-error">
            Could not {e().message} (trace {e().traceId})
          </p>
        )}
      </Show>
      <Tabs tabs={TABS} value={tab()} onChange={setTab} label="Autopilot views" idPrefix="ap">
        {(t) => (
          <Switch>
            <Match when={t === 'candidates'}>
              <Panel<DatasetMeta[]> title="Discovery Cycle" state={formState()}>
                {(d) => <RunCycleForm datasets={d()} models={modelChoices()} submitting={submitting()} onRun={runCycle} />}
              </Panel>
              <Show when={models().status === 'error'}>
                <p class="hint" role="alert">
                  Model versions could not be listed ({(() => {
                    const m = models();
                    return m.status === 'error' ? m.message : '';
                  })()}); "Auto" still uses the champion if one exists.
                </p>
              </Show>
              <Show when={cycleJob()}>{(id) => <JobMonitor jobId={id()} />}</Show>
              <div class="grid-2">
                <FunnelPanel state={registryError() ?? cycleState()} registry={registryView()} />
                <Panel<StrategyRegistryView> title="Active Strategies" state={registryState()}>
                  {(r) => (
                    <Show when={r().registry.active.length > 0} fallback={<p class="hint">No active strategies — a candidate must pass every gate rule to be promoted.</p>}>
                      <table class="data-table" data-testid="ap-active">
                        <thead>
                          <tr>
                            <th>Strategy</th>
                            <th>Score</th>
                            <th>Failures</th>
                            <th>Promoted</th>
                          </tr>
                        </thead>
                        <tbody>
                          {r().registry.active.map((a) => (
                            <tr>
                              <td>
                                <code>{a.strategy_id}</code>
                              </td>
                              <td>{a.score.toFixed(3)}</td>
                              <td>{a.consecutive_failures}</td>
                              <td>{a.promoted_at.slice(0, 10)}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </Show>
                  )}
                </Panel>
              </div>
              <DecisionsPanel state={cycleState()} />
            </Match>
            <Match when={t === 'paper'}>
              <Show when={paperJob()}>{(id) => <JobMonitor jobId={id()} />}</Show>
              <PaperAccountPanel state={paperState()} tools={paperTools()} />
              <PositionsPanel state={paperState()} />
            </Match>
            <Match when={t === 'pnl'}>
              <PnlPanels state={paperState()} />
            </Match>
            <Match when={t === 'kalshi'}>
              <Suspense fallback={<LoadingState label="Loading the Kalshi view…" />}>
                <KalshiTab />
              </Suspense>
            </Match>
            <Match when={t === 'lifecycle'}>
              <LatestCyclePanel state={cycleState()} />
              <RunHistoryPanel state={historyState()} selected={selected()} onOpen={(id) => setSelected(id)} />
              <RegistryHistoryPanel state={registryState()} />
            </Match>
          </Switch>
        )}
      </Tabs>
      <Show when={resetOpen()}>
        <ResetDialog
          busy={resetting()}
          initial={(() => {
            const p = paper();
            return p.status === 'ready' && p.value ? p.value.data.totals.initialCapital : 1_000_000;
          })()}
          onConfirm={reset}
          onClose={() => setResetOpen(false)}
        />
      </Show>
    </div>
  );
}

