import { type JSX, Show } from 'solid-js';
import type { RegimeView } from '../../../workers/api';
import { formatNumber, formatPercent } from '../../lib/format';
import { REGIME_COLORS, REGIME_LABELS, SEQUENTIAL_STOPS, sequentialColor } from '../../lib/research-color';
import { currentRunLength } from '../../lib/research-episodes';
import { barTimeFormatter, barUnit, timeframeOf } from '../../lib/research-table';
import { Heatmap } from './Heatmap';
import { ProbabilityBars, RegimeBadge } from './RegimeParts';
import './research.css';

/** One-line definitions of the canonical regimes (how the state mapping characterises them). */
export const REGIME_DEFINITIONS: readonly string[] = [
  'Positive drift with moderate volatility — trend-following conditions.',
  'Negative drift with elevated volatility — drawdown conditions.',
  'Little drift and low volatility — moves tend to reverse.',
  'The most volatile conditions; also the consensus fallback when the methods disagree.',
];

const METHOD_NAMES: Record<RegimeView['method'], string> = {
  hmm: 'Gaussian HMM',
  jump: 'Statistical jump model',
  rules: 'Rule-based detector',
  consensus: 'Weighted consensus (HMM, rules, jump)',
};

export function methodName(m: RegimeView['method']): string {
  return METHOD_NAMES[m];
}

/**
 * The current regime of a result: badge, definition, as-of date, how long it has lasted, the
 * causal probability vector, confidence and the uncertainty-gate size multiplier.
 */
export function CurrentRegimeBlock(props: { view: RegimeView; showBars?: boolean }): JSX.Element {
  const tf = () => timeframeOf(props.view.datasetId);
  const duration = () => currentRunLength(props.view.regime);
  return (
    <Show when={props.view.current} fallback={<p class="hint">No current regime: the method produced no causal state for the last bar.</p>}>
      {(c) => (
        <div class="rs-current" data-testid="current-regime" data-regime={c().regime}>
          <div class="rs-current-head">
            <RegimeBadge label={c().label} color={REGIME_COLORS[c().regime]} testid="current-regime-badge" />
            <dl class="kv">
              <dt>As of</dt>
              <dd>{barTimeFormatter(tf())(Date.parse(c().date))}</dd>
              <dt>Confidence</dt>
              <dd>{formatPercent(c().confidence, 1)}</dd>
              <dt>Duration</dt>
              <dd>
                {duration()} {barUnit(tf())}
              </dd>
            </dl>
            <dl class="kv">
              <dt>Uncertainty</dt>
              <dd>{formatPercent(c().uncertainty, 1)} (entropy)</dd>
              <dt>Position size</dt>
              <dd>×{formatNumber(c().sizeMultiplier, 2)}</dd>
              <dt>Detection</dt>
              <dd>
                {methodName(props.view.method)} · {props.view.ticker}
              </dd>
            </dl>
          </div>
          <p class="rs-note">{REGIME_DEFINITIONS[c().regime]}</p>
          <Show when={props.showBars !== false}>
            <ProbabilityBars
              caption="Current regime probabilities"
              labels={REGIME_LABELS}
              probs={c().probs}
              colors={REGIME_COLORS}
              testid="current-regime-probs"
            />
          </Show>
        </div>
      )}
    </Show>
  );
}

/** K×K transition matrix heatmap (rows From, columns To) with the sequential scale and cell values. */
export function TransitionMatrix(props: { view: RegimeView; testid?: string }): JSX.Element {
  const labels = () => props.view.stateLabels.map((l) => l.replace(/^State (\d+) · /, 'S$1 · '));
  return (
    <div class="stack">
      <Heatmap
        title="Transition matrix"
        rowLabels={labels()}
        colLabels={labels()}
        values={props.view.transmat}
        color={sequentialColor}
        format={(v, compact) => (Number.isFinite(v) ? (compact ? v.toFixed(2).replace(/^0/, '') : v.toFixed(3)) : '')}
        legend={{ stops: SEQUENTIAL_STOPS, labels: ['0', '0.5', '1'] }}
        rowAxis="From"
        colAxis="To"
        cellTitle={(r, c, v) => `P(${props.view.stateLabels[c]} tomorrow | ${props.view.stateLabels[r]} today) = ${Number.isFinite(v) ? v.toFixed(4) : 'n/a'}`}
        testid={props.testid}
        maxCell={72}
      />
      <p class="rs-note">
        Row = state today, column = state on the next bar; each row sums to 1. The diagonal is the chance of staying, so the
        expected stay is 1/(1 − Aᵢᵢ) bars.{' '}
        {props.view.transmatSource === 'fitted'
          ? 'Fitted by the model.'
          : 'Counted from the causal state path (the method has no fitted transition matrix); a state never left shows no row.'}
      </p>
    </div>
  );
}
