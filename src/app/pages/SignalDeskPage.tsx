import { createEffect, createMemo, createSignal, For, type JSX, on, Show } from 'solid-js';
import type { PredictionsView, SignalModelsView } from '../../workers/models/signal-views';
import { JobMonitor } from '../components/JobMonitor';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import { HistogramChart } from '../components/research/Histogram';
import { Section } from '../components/Section';
import { ConfidenceScatter } from '../components/signals/ConfidenceScatter';
import { DisagreementView } from '../components/signals/Disagreement';
import { SignalRankings } from '../components/signals/SignalRankings';
import { disagreement, scatterData } from '../components/signals/signal-model';
import { formatPercent } from '../lib/format';
import { histogram, moments } from '../lib/research-stats';
import { errorMessage } from '../lib/trace';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty, GO_MODEL_LAB, jobAvailable, notInBuild } from './common';

const NO_SIGNALS = 'No signals available. Generate predictions first.';
const NO_MODEL = 'No trained model yet — train an ensemble in Model Lab, then generate signals here.';
const NEEDS_MODEL = 'Signals need a trained ensemble model and current features and regimes — never demo signals.';
const CHAMPION = '__champion__';

export default function SignalDeskPage(): JSX.Element {
  const page = pageById('signalDesk');
  const app = useApp();
  const [modelChoice, setModelChoice] = createSignal(CHAMPION);
  const [topN, setTopN] = createSignal(20);
  const [jobId, setJobId] = createSignal<string | null>(null);
  const [selected, setSelected] = createSignal('latest');
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [distSource, setDistSource] = createSignal<'latest' | 'history'>('latest');
  const [includeInSample, setIncludeInSample] = createSignal(false);

  // Changes whenever a predict or train job changes status: models and results reload then.
  const jobsKey = createMemo(() =>
    app
      .jobs()
      .filter((j) => j.type === 'predict' || j.type === 'train')
      .map((j) => `${j.id}:${j.status}`)
      .join(','),
  );
  const [models, reloadModels] = createLoader(() => ({ k: jobsKey() }), () => app.backend.getSignalModels(), 'ui.signals.models');
  const [result, reloadResult] = createLoader(() => ({ id: selected(), k: jobsKey() }), ({ id }) => app.backend.getPredictions(id), 'ui.signals.result');
  createEffect(
    on(
      () => (jobId() ? app.job(jobId() ?? '')?.status : undefined),
      (s) => {
        if (s === 'succeeded' && jobId()) setSelected(jobId() ?? 'latest');
      },
    ),
  );

  const modelList = (): SignalModelsView | null => {
    const m = models();
    return m.status === 'ready' ? m.value : null;
  };
  const chosenModel = () => {
    const list = modelList();
    if (!list) return null;
    const id = modelChoice() === CHAMPION ? list.champion : modelChoice();
    return list.versions.find((v) => v.id === id) ?? null;
  };

  const generate = async () => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const params = { modelId: modelChoice() === CHAMPION ? null : modelChoice(), topN: topN() };
      const rec = await app.submitJob({ type: 'predict', params });
      setJobId(rec.id);
    } catch (e) {
      setSubmitError({ message: errorMessage(e), traceId: app.reportError('ui.signals.submit', e) });
    } finally {
      setSubmitting(false);
    }
  };

  /** The state every result panel shares (loading / error / no model / no run). */
  const baseState = (): PanelState | null => {
    const m = models();
    const r = result();
    if (m.status === 'error') return { kind: 'error', message: m.message, traceId: m.traceId, retry: reloadModels };
    if (r.status === 'error') return { kind: 'error', message: r.message, traceId: r.traceId, retry: reloadResult };
    if (m.status !== 'ready' || r.status !== 'ready') return { kind: 'loading' };
    if (r.value === null) {
      const failed = selected() !== 'latest' ? app.job(selected()) : undefined;
      if (failed?.status === 'failed') return { kind: 'error', title: 'Signal generation failed', message: failed.error ?? 'no error message', traceId: failed.traceId };
      if (m.value.versions.length === 0) return empty(NO_MODEL, [GO_MODEL_LAB], NEEDS_MODEL);
      return empty(NO_SIGNALS, [], 'Pick a model above and press Generate Signals.');
    }
    return null;
  };
  const withResult = (make: (v: PredictionsView) => PanelState | null): PanelState => {
    const b = baseState();
    if (b) return b;
    const r = result();
    const env = r.status === 'ready' ? r.value : null;
    if (!env) return { kind: 'loading' };
    return make(env.data) ?? { kind: 'ready', envelope: env };
  };
  const view = (): PredictionsView | null => {
    const r = result();
    return r.status === 'ready' && r.value ? r.value.data : null;
  };

  const distValues = createMemo(() => {
    const v = view();
    if (!v) return new Float64Array(0);
    const vals: number[] = [];
    if (distSource() === 'latest') for (const s of v.signals) vals.push(s.predictedReturn ?? Number.NaN);
    else for (const h of v.history) for (const p of h.predicted) vals.push(p ?? Number.NaN);
    return Float64Array.from(vals);
  });
  const scatter = createMemo(() => {
    const v = view();
    return v ? scatterData(v.history, includeInSample()) : null;
  });
  const spread = createMemo(() => {
    const v = view();
    return v ? disagreement(v.signals, v.globalMembers) : null;
  });

  const canRun = jobAvailable('predict');
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Current predictions for the universe: ranking, distribution and ensemble disagreement" />
      <Section title="Generate Signals">
        <Show when={canRun} fallback={<p class="hint">{notInBuild('Generating signals', 'predict')}</p>}>
          <Show
            when={(modelList()?.versions.length ?? 0) > 0}
            fallback={
              <p class="hint" data-testid="signal-no-model" style={{ margin: 0 }}>
                {models().status === 'ready' ? (
                  <>
                    {NO_MODEL} <a href="/model-lab">Go to Model Lab</a>
                  </>
                ) : (
                  'Loading models…'
                )}
              </p>
            }
          >
            <div class="field-row">
              <label>
                Model{' '}
                <select data-testid="signal-model" value={modelChoice()} onChange={(e) => setModelChoice(e.currentTarget.value)}>
                  <option value={CHAMPION} disabled={!modelList()?.champion}>
                    {modelList()?.champion ? `Champion (${modelList()?.champion?.slice(0, 12)})` : 'Champion (none promoted)'}
                  </option>
                  <For each={modelList()?.versions ?? []}>
                    {(v) => <option value={v.id}>{`${v.id.slice(0, 12)} · ${new Date(v.createdAt).toLocaleDateString()} · ${v.tickers.length} tickers${v.mode === 'demo' ? ' · DEMO' : ''}`}</option>}
                  </For>
                </select>
              </label>
              <span class="hint" data-testid="signal-horizon">
                {chosenModel() ? `Horizon: ${chosenModel()?.horizon} bars (from the model) · members ${chosenModel()?.members.join(', ')}` : 'No champion: pick a version'}
              </span>
              <label>
                Top-N{' '}
                <input
                  type="number"
                  data-testid="signal-topn"
                  min={1}
                  max={100}
                  value={topN()}
                  style={{ width: '5rem' }}
                  onChange={(e) => {
                    const v = Number(e.currentTarget.value);
                    if (Number.isInteger(v) && v >= 1 && v <= 100) setTopN(v);
                  }}
                />
              </label>
              <button type="button" class="btn btn-primary" data-testid="generate-signals" disabled={submitting() || !chosenModel()} onClick={() => void generate()}>
                Generate Signals
              </button>
            </div>
          </Show>
        </Show>
        <Show when={submitError()}>
          {(e) => (
            <p class="hint" role="alert" data-testid="signal-submit-error">
              Could not submit: {e().message} (trace {e().traceId})
            </p>
          )}
        </Show>
        <Show when={jobId()}>{(id) => <JobMonitor jobId={id()} />}</Show>
      </Section>
      <Panel<PredictionsView> title="Signal Rankings" state={withResult(() => null)}>
        {(v) => <SignalRankings view={v()} topN={topN()} now={app.now()} />}
      </Panel>
      <div class="grid-2">
        <Panel<PredictionsView>
          title="Predicted Return Distribution"
          state={withResult(() => null)}
          tools={
            <select aria-label="Distribution source" data-testid="signal-dist-source" onChange={(e) => setDistSource(e.currentTarget.value as 'latest' | 'history')}>
              <option value="latest">Latest signals</option>
              <option value="history">History (all bars)</option>
            </select>
          }
        >
          {() => (
            <HistogramChart
              title="Predicted return"
              hist={histogram(distValues(), 30)}
              stats={moments(distValues())}
              format={(x) => formatPercent(x, 2)}
              testid="signal-histogram"
            />
          )}
        </Panel>
        <Panel<PredictionsView>
          title="Confidence vs Realised Return"
          state={withResult((v) => (v.history.length === 0 ? empty('No prediction history stored with this run') : null))}
          tools={
            <label class="hint">
              <input type="checkbox" data-testid="signal-include-insample" checked={includeInSample()} onChange={(e) => setIncludeInSample(e.currentTarget.checked)} /> include in-sample
            </label>
          }
        >
          {(v) => (
            <div>
              <p class="hint" data-testid="signal-scatter-status" style={{ margin: '0 0 6px' }}>
                {`${scatter()?.points.length ?? 0} realised points · ${scatter()?.pending ?? 0} pending (the ${v().horizon}-bar horizon has not passed)`}
                {v().benchmark ? ` · returns in excess of ${v().benchmark}` : ''}
                {(scatter()?.inSampleHidden ?? 0) > 0 ? ` · ${scatter()?.inSampleHidden} in-sample hidden` : ''}
                {scatter()?.hitRate !== null && scatter()?.hitRate !== undefined ? ` · hit rate ${formatPercent(scatter()?.hitRate ?? 0, 1)}` : ''}
              </p>
              <Show
                when={(scatter()?.points.length ?? 0) > 0}
                fallback={
                  <p class="hint" data-testid="signal-scatter-empty">
                    No out-of-sample prediction has reached its horizon yet. Tick "include in-sample" to see predictions inside the training window.
                  </p>
                }
              >
                <ConfidenceScatter points={scatter()?.points ?? []} />
              </Show>
            </div>
          )}
        </Panel>
      </div>
      <Panel<PredictionsView>
        title="Ensemble Disagreement"
        state={withResult(() => ((spread()?.total ?? 0) === 0 ? empty('No ensemble member data available', [GO_MODEL_LAB], NEEDS_MODEL) : null))}
      >
        {() => <Show when={spread()}>{(d) => <DisagreementView d={d()} />}</Show>}
      </Panel>
    </div>
  );
}
