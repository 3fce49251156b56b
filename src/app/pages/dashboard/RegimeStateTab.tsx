/**
 * Dashboard — Regime State: the newest stored regime detection (any dataset, any method) as
 * current regime, episode timeline, causal probability history, current probabilities and
 * transition matrix, each labelled with the provenance of the data it came from. Its own lazy
 * chunk: the research components load only when this tab opens.
 */
import { A } from '@solidjs/router';
import { createMemo, type JSX, Show } from 'solid-js';
import type { Envelope } from '../../../engine/contracts';
import type { RegimeView } from '../../../workers/api';
import { Panel, type PanelState } from '../../components/Panel';
import { StackedProbabilityChart } from '../../components/research/RegimeCharts';
import { ProbabilityBars } from '../../components/research/RegimeParts';
import { CurrentRegimeBlock, methodName, TransitionMatrix } from '../../components/research/RegimeSummary';
import { RegimeTimeline } from '../../components/research/RegimeTimeline';
import { formatPercent } from '../../lib/format';
import { REGIME_COLORS, REGIME_LABELS } from '../../lib/research-color';
import { parseRegimePointer, REGIME_POINTER_PREFIX } from '../../lib/research-pointers';
import { barTimeFormatter, barUnit, timeframeOf } from '../../lib/research-table';
import { useApp } from '../../state/app';
import { createLoader } from '../../state/loader';

const LOGGER = 'ui.dashboard.regime';
const RUN_DETECTION = { label: 'Run regime detection', href: '/model-lab?tab=regime', primary: true };

export default function RegimeStateTab(props: { refresh: number }): JSX.Element {
  const app = useApp();
  // A finished detection anywhere (Model Lab, another tab) makes the newest result change.
  const lastDetection = createMemo(() => app.jobs().find((j) => j.type === 'regime_detect' && j.status === 'succeeded')?.id ?? '');
  const [result, reload] = createLoader(
    () => ({ r: props.refresh, v: app.datasetsVersion(), j: lastDetection() }),
    async (): Promise<Envelope<RegimeView> | null> => {
      const ptr = await app.backend.latestArtifact(REGIME_POINTER_PREFIX);
      if (!ptr) return null;
      const { datasetId, method } = parseRegimePointer(ptr.key);
      return app.backend.getRegimeResult(datasetId, method);
    },
    LOGGER,
  );

  const state = (emptyMessage: string): PanelState => {
    const r = result();
    if (r.status === 'error') return { kind: 'error', message: `Could not read the latest regime result: ${r.message}`, traceId: r.traceId, retry: reload };
    if (r.status !== 'ready') return { kind: 'loading' };
    if (r.value === null) {
      return {
        kind: 'empty',
        message: emptyMessage,
        detail: 'Run a regime detection (HMM, jump model, rules or consensus) in Model Lab; its newest result appears here.',
        actions: [RUN_DETECTION],
      };
    }
    return { kind: 'ready', envelope: r.value };
  };
  const fmt = (v: RegimeView) => barTimeFormatter(timeframeOf(v.datasetId));

  return (
    <div class="stack">
      <div class="grid-2">
        <Panel<RegimeView> title="Current Regime" state={state('No regime detection yet')}>
          {(v) => (
            <div class="stack">
              <CurrentRegimeBlock view={v()} showBars={false} />
              <p class="rs-note">
                Newest detection: {methodName(v().method)} on {v().ticker} ({v().datasetId}).{' '}
                <A href="/model-lab?tab=regime">Open in Model Lab</A>
              </p>
            </div>
          )}
        </Panel>
        <Panel<RegimeView> title="Regime Timeline" state={state('No regime history available')}>
          {(v) => (
            <Show when={v()} keyed>
              {(d) => (
                <RegimeTimeline
                  title={`${d.ticker} regime episodes (causal)`}
                  path={d.regime}
                  dates={d.dates}
                  labels={REGIME_LABELS}
                  colors={REGIME_COLORS}
                  unit={barUnit(timeframeOf(d.datasetId))}
                  formatDate={fmt(d)}
                  testid="regime-timeline"
                />
              )}
            </Show>
          )}
        </Panel>
      </div>

      <Panel<RegimeView> title="Probability History" state={state('No regime history available')}>
        {(v) => (
          <Show when={v()} keyed>
            {(d) => (
              <StackedProbabilityChart
                title={`${d.ticker} regime probabilities (filtered, causal)`}
                dates={d.dates}
                probs={d.canonical}
                labels={REGIME_LABELS}
                colors={REGIME_COLORS}
                formatDate={fmt(d)}
                height={240}
                testid="probability-history"
              />
            )}
          </Show>
        )}
      </Panel>

      <div class="grid-5-7">
        <Panel<RegimeView> title="Current Probabilities" state={state('No current probabilities')}>
          {(v) => (
            <Show when={v().current} fallback={<p class="hint">No current probabilities: the method produced no causal state for the last bar.</p>}>
              {(c) => (
                <div class="stack">
                  <ProbabilityBars caption="Current regime probabilities" labels={REGIME_LABELS} probs={c().probs} colors={REGIME_COLORS} testid="dashboard-regime-probs" />
                  <p class="rs-note">
                    Confidence {formatPercent(c().confidence, 1)} · uncertainty {formatPercent(c().uncertainty, 1)} · as of{' '}
                    {fmt(v())(Date.parse(c().date))}
                  </p>
                </div>
              )}
            </Show>
          )}
        </Panel>
        <Panel<RegimeView> title="Transition Matrix" state={state('No transition matrix available')}>
          {(v) => <TransitionMatrix view={v()} testid="dashboard-transition-heatmap" />}
        </Panel>
      </div>
    </div>
  );
}
