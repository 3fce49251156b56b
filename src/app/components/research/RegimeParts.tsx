import { For, type JSX } from 'solid-js';
import { formatPercent } from '../../lib/format';
import './research.css';

/** Coloured dot + regime name; the name is the signal, the colour reinforces it. */
export function RegimeBadge(props: { label: string; color: string; testid?: string }): JSX.Element {
  return (
    <span class="rs-regime-badge" style={{ color: props.color }} data-testid={props.testid}>
      <span class="rs-dot" aria-hidden="true" />
      <span class="rs-regime-name">{props.label}</span>
    </span>
  );
}

/** Horizontal probability bars, one per label, coloured like their regime/state. */
export function ProbabilityBars(props: {
  labels: readonly string[];
  probs: readonly number[];
  colors: readonly string[];
  caption: string;
  testid?: string;
}): JSX.Element {
  return (
    <div class="rs-probs" role="list" aria-label={props.caption} data-testid={props.testid}>
      <For each={props.labels}>
        {(l, i) => (
          <div role="listitem" style={{ display: 'contents' }}>
            <span>
              <span class="rs-swatch" style={{ background: props.colors[i()] }} aria-hidden="true" />
              {l}
            </span>
            <span class="rs-prob-track" aria-hidden="true">
              <span
                style={{
                  width: `${Math.max(0, Math.min(1, Number.isFinite(props.probs[i()]) ? props.probs[i()] : 0)) * 100}%`,
                  background: props.colors[i()],
                }}
              />
            </span>
            <span class="rs-prob-val">{formatPercent(props.probs[i()], 1)}</span>
          </div>
        )}
      </For>
    </div>
  );
}

/** Swatches with names (colour is never the only signal). */
export function ColorLegend(props: { labels: readonly string[]; colors: readonly string[]; extra?: readonly string[] }): JSX.Element {
  return (
    <div class="rs-legend">
      <For each={props.labels}>
        {(l, i) => (
          <span>
            <span class="rs-swatch" style={{ background: props.colors[i()] }} aria-hidden="true" />
            {l}
            {props.extra?.[i()] ? <span class="hint"> {props.extra[i()]}</span> : null}
          </span>
        )}
      </For>
    </div>
  );
}
