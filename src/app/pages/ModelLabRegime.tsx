/**
 * Model Lab — Regime: pick a dataset, a method and the number of states, run detection as a
 * `regime_detect` job (reused when the inputs are unchanged), then inspect the stored result:
 * current regime, transition matrix, price coloured by the causal state path, filtered vs
 * smoothed probabilities and per-state statistics.
 */
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { RegimeMethodName, RegimeView } from '../../workers/api';
import { JobMonitor } from '../components/JobMonitor';
import { Panel, type PanelState } from '../components/Panel';
import { RegimePriceChart, StackedProbabilityChart } from '../components/research/RegimeCharts';
import { CurrentRegimeBlock, methodName, TransitionMatrix } from '../components/research/RegimeSummary';
import { Segmented } from '../components/research/Segmented';
import { StateStatsTable } from '../components/research/StateStatsTable';
import { Section } from '../components/Section';
import { stateColors } from '../lib/research-color';
import { defaultMarket, keepOrDefault } from '../lib/research-datasets';
import { barTimeFormatter, barUnit, timeframeOf } from '../lib/research-table';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { catalogState, createDemoLoader, createJobTracker, DatasetSelect, loadedData, loadedMeta, ReuseNote, storedResultState, useCatalog } from './ModelLabShared';

const LOGGER = 'ui.modelLab.regime';

const METHODS: readonly { id: RegimeMethodName; label: string; title: string }[] = [
  { id: 'hmm', label: 'HMM', title: 'Gaussian hidden Markov model (filtered and smoothed probabilities)' },
  { id: 'jump', label: 'Jump', title: 'Statistical jump model with causal online inference' },
  { id: 'rules', label: 'Rules', title: 'Rule-based detector (trend and volatility rules)' },
  { id: 'consensus', label: 'Consensus', title: 'Weighted consensus of HMM, rules and jump model' },
];
const STATE_CHOICES = [2, 3, 4, 5, 6] as const;
type Scope = 'ticker' | 'universe';
const SCOPES: readonly { id: Scope; label: string; title: string }[] = [
  { id: 'ticker', label: 'Per ticker', title: "An HMM fitted on this dataset's own observations" },
  { id: 'universe', label: 'Universe', title: 'The latest universe HMM (one model for every daily dataset) applied to this dataset' },
];

/** Diagnostics worth showing, in order, with labels. */
const DIAGNOSTICS: readonly [string, string][] = [
  ['rows', 'Bars analysed'],
  ['hmmLoglik', 'HMM log-likelihood'],
  ['hmmIterations', 'HMM iterations'],
  ['hmmConverged', 'HMM converged'],
  ['jumpPenalty', 'Jump penalty λ'],
  ['jumpObjective', 'Jump objective'],
  ['jumpIterations', 'Jump iterations'],
  ['jumpConverged', 'Jump converged'],
  ['rulesMinDuration', 'Rules min duration'],
  ['weightHmm', 'Weight HMM'],
  ['weightRules', 'Weight rules'],
  ['weightJump', 'Weight jump'],
  ['uncertainFallbackShare', 'Uncertain fallback share'],
];

function diagText(v: number | string | boolean | null): string {
  if (v === null) return '—';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(4);
  return String(v);
}

// The tab's choices (ids only) outlive the tab, so switching tabs keeps them.
const [dsSel, setDsSel] = createSignal<string | null>(null);
const [method, setMethod] = createSignal<RegimeMethodName>('hmm');
const [states, setStates] = createSignal(4);
const [scopeSel, setScope] = createSignal<Scope>('ticker');
const jobIdSignal = createSignal<string | null>(null);

export function RegimeTab(): JSX.Element {
  const app = useApp();
  const catalog = useCatalog(LOGGER);
  const demo = createDemoLoader(app, LOGGER);
  const tracker = createJobTracker(app, LOGGER, jobIdSignal);

  const datasetId = createMemo(() => keepOrDefault(catalog.list(), dsSel(), defaultMarket));
  const meta = (id: string | null) => catalog.list().find((d) => d.id === id);
  const usesStates = () => method() === 'hmm' || method() === 'jump' || method() === 'consensus';
  // the universe model exists for the HMM only
  const scope = (): Scope => (method() === 'hmm' ? scopeSel() : 'ticker');

  const [result, reloadResult] = createLoader(
    () => {
      const id = datasetId();
      return id ? { id, method: method(), states: states(), scope: scope(), done: tracker.done(), v: app.datasetsVersion() } : null;
    },
    (s) => app.backend.getRegimeResult(s.id, s.method, s.scope === 'universe' ? { pooled: true } : { states: s.states }),
    LOGGER,
  );

  const run = () => {
    const id = datasetId();
    const m = meta(id);
    if (!id || !m) return;
    void tracker.submit({
      type: 'regime_detect',
      params: { datasetId: id, method: method(), states: states() },
      inputs: [{ key: m.id, checksum: m.checksum }],
    });
  };

  /** Daily datasets a universe model can pool (at least two). */
  const universe = () => catalog.list().filter((d) => d.timeframe === '1d');
  const runUniverse = () => {
    const list = universe();
    if (list.length < 2) return;
    setScope('universe');
    void tracker.submit({
      type: 'regime_detect',
      params: { datasetIds: list.map((d) => d.id), method: 'hmm', states: states(), pooled: true },
      inputs: list.map((d) => ({ key: d.id, checksum: d.checksum })),
    });
  };

  const jobForSelection = () => {
    const j = tracker.job();
    if (!j) return undefined;
    const p = j.manifest.params as { datasetId?: string; datasetIds?: string[]; method?: string; states?: number; pooled?: boolean };
    if (scope() === 'universe') return p.pooled === true && (p.datasetIds ?? []).includes(datasetId() ?? '') ? j : undefined;
    const same = p.datasetId === datasetId() && p.method === method() && (method() === 'rules' || p.states === states());
    return same ? j : undefined;
  };

  const state = (): PanelState => {
    const c = catalogState(catalog.state(), catalog.reload, () => void demo.load());
    if (c) return c;
    const ticker = meta(datasetId())?.ticker ?? datasetId();
    return storedResultState(
      result(),
      reloadResult,
      jobForSelection(),
      {
        noun: 'regimes',
        busy: 'Detecting regimes',
        jobNoun: 'detection',
        ...(scope() === 'universe'
          ? {
              missing: `No universe HMM covers ${ticker} yet`,
              hint: 'Fit one HMM on the daily datasets and apply it to each of them, as a job.',
              action: 'Run universe HMM',
            }
          : {
              missing: `No ${methodName(method())} regimes for ${ticker}${usesStates() ? ` with ${states()} states` : ''} yet`,
              hint: 'Run detection as a job; the result is stored and reused while the inputs stay unchanged.',
              action: 'Run detection',
            }),
      },
      scope() === 'universe' ? runUniverse : run,
      tracker.submitting(),
    );
  };

  const view = (): RegimeView | null => loadedData(result());
  const envMeta = () => loadedMeta(result());
  const fmt = (v: RegimeView) => barTimeFormatter(timeframeOf(v.datasetId));

  return (
    <div class="stack">
      <Section title="Regime Detection">
        <div class="stack">
          <div class="rs-controls">
            <DatasetSelect label="Dataset" list={catalog.list()} value={datasetId()} onChange={setDsSel} testid="regime-dataset" />
            <div class="field">
              <span>Method</span>
              <Segmented label="Method" options={METHODS} value={method()} onChange={setMethod} testid="regime-method" />
            </div>
            <Show when={method() === 'hmm'}>
              <div class="field">
                <span>Fit</span>
                <Segmented label="Fit" options={SCOPES} value={scope()} onChange={setScope} testid="regime-scope" />
              </div>
            </Show>
            <label class="field">
              <span>States</span>
              <select
                class="select"
                data-testid="regime-states"
                value={String(states())}
                disabled={!usesStates()}
                title={usesStates() ? 'Hidden states of the HMM (the jump model uses at most 4)' : 'The rule-based detector always has the 4 canonical regimes'}
                onChange={(e) => setStates(Number(e.currentTarget.value))}
              >
                <For each={STATE_CHOICES}>
                  {(k) => (
                    <option value={String(k)} selected={k === states()}>
                      {k}
                    </option>
                  )}
                </For>
              </select>
            </label>
            <button
              type="button"
              class="btn btn-primary"
              data-testid="regime-run"
              disabled={!datasetId() || tracker.submitting()}
              onClick={run}
            >
              {tracker.submitting() ? 'Submitting…' : 'Run detection'}
            </button>
            <button
              type="button"
              class="btn"
              data-testid="regime-run-universe"
              disabled={method() !== 'hmm' || universe().length < 2 || tracker.submitting()}
              title="One HMM fitted on the standardised observations of up to 6 daily datasets, applied to every daily dataset (seconds for hundreds of tickers; states mean the same everywhere)"
              onClick={runUniverse}
            >
              Universe HMM ({universe().length} daily datasets)
            </button>
            <ReuseNote job={jobForSelection()} meta={envMeta()} computedAt={view()?.computedAt} />
          </div>
          <p class="rs-note">
            Observation features: logret_1, vol_20 (the rules use price trend and volatility). Only filtered (causal) probabilities
            feed anything downstream; smoothed ones are for display.
          </p>
          <Show when={tracker.submitError() ?? demo.error()}>
            {(m) => (
              <p class="error-text" role="alert">
                {m()}
              </p>
            )}
          </Show>
          <Show when={tracker.job()}>{(j) => <JobMonitor jobId={j().id} />}</Show>
        </div>
      </Section>

      <div class="grid-5-7">
        <Panel<RegimeView> title="Current Regime" state={state()}>
          {(v) => <CurrentRegimeBlock view={v()} />}
        </Panel>
        <Panel<RegimeView> title="Transition Matrix" state={state()}>
          {(v) => <TransitionMatrix view={v()} testid="transition-heatmap" />}
        </Panel>
      </div>

      <Panel<RegimeView> title="Price by Regime" state={state()}>
        {(v) => (
          <Show when={v()} keyed>
            {(d) => (
              <div class="stack">
                <p class="rs-note">
                  Background = causal state of each bar (argmax of the filtered probabilities
                  {d.method === 'jump' ? ', online jump-model state' : ''}); the {d.pathKind} path uses future bars and is not shown here.
                </p>
                <RegimePriceChart
                  title={`${d.ticker} close by regime`}
                  dates={d.dates}
                  close={d.close}
                  path={d.causalPath}
                  labels={d.stateLabels}
                  colors={stateColors(d.stateRegimes)}
                  formatDate={fmt(d)}
                  testid="regime-price-chart"
                />
              </div>
            )}
          </Show>
        )}
      </Panel>

      <Panel<RegimeView> title="Filtered vs Smoothed Probabilities" slug="regime-probabilities" state={state()}>
        {(v) => (
          <Show when={v()} keyed>
            {(d) => (
              <div class="stack">
                <h3 class="rs-chart-title">
                  Filtered — P(state at t | bars up to t)<span class="rs-tag causal">causal</span>
                </h3>
                <StackedProbabilityChart
                  title="Filtered state probabilities"
                  dates={d.dates}
                  probs={d.filtered}
                  labels={d.stateLabels}
                  colors={stateColors(d.stateRegimes)}
                  formatDate={fmt(d)}
                  testid="filtered-chart"
                />
                <h3 class="rs-chart-title">
                  Smoothed — P(state at t | all bars)<span class="rs-tag">display only — uses future data</span>
                </h3>
                <Show
                  when={d.smoothed}
                  fallback={
                    <p class="rs-note" data-testid="smoothed-none">
                      {methodName(d.method)} has no two-sided (smoothed) probabilities; only the HMM computes them.
                    </p>
                  }
                >
                  {(sm) => (
                    <StackedProbabilityChart
                      title="Smoothed state probabilities (display only, uses future data)"
                      dates={d.dates}
                      probs={sm()}
                      labels={d.stateLabels}
                      colors={stateColors(d.stateRegimes)}
                      formatDate={fmt(d)}
                      testid="smoothed-chart"
                    />
                  )}
                </Show>
              </div>
            )}
          </Show>
        )}
      </Panel>

      <Panel<RegimeView> title="Per-State Statistics" state={state()}>
        {(v) => (
          <div class="stack">
            <StateStatsTable stats={v().stats} colors={stateColors(v().stateRegimes)} unit={barUnit(timeframeOf(v().datasetId))} testid="state-stats" />
            <p class="rs-note">
              Over the causal state path: mean simple return per bar, annualised volatility, share of bars, observed mean run length and
              the expected stay implied by the {v().transmatSource} transition matrix.
            </p>
            <dl class="kv">
              <For each={DIAGNOSTICS.filter(([k]) => v().diagnostics[k] !== undefined && v().diagnostics[k] !== null)}>
                {([k, label]) => (
                  <>
                    <dt>{label}</dt>
                    <dd>{diagText(v().diagnostics[k])}</dd>
                  </>
                )}
              </For>
              <dt>Observation features</dt>
              <dd>{v().features.length > 0 ? v().features.join(', ') : '— (rules)'}</dd>
            </dl>
          </div>
        )}
      </Panel>
    </div>
  );
}
