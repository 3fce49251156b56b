import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { extractEpisodes } from '../../lib/research-episodes';
import { ColorLegend } from './RegimeParts';
import './research.css';

const RECENT = 10;

/**
 * Episodes of a regime path as proportional blocks (tooltip "Regime: N days (until date)"),
 * a legend with names, and the most recent episodes as a table (the text alternative).
 */
export function RegimeTimeline(props: {
  title: string;
  /** value per bar: index into labels/colors */
  path: Int32Array;
  dates: Float64Array;
  labels: readonly string[];
  colors: readonly string[];
  unit: string;
  formatDate: (ms: number) => string;
  testid?: string;
}): JSX.Element {
  const [showData, setShowData] = createSignal(false);
  const episodes = createMemo(() => extractEpisodes(props.path).filter((e) => e.value >= 0 && e.value < props.labels.length));
  const total = () => Math.max(1, props.path.length);
  const describe = (e: { value: number; end: number; length: number }) =>
    `${props.labels[e.value]}: ${e.length} ${props.unit} (until ${props.formatDate(props.dates[e.end])})`;
  const recent = () => episodes().slice(-RECENT).reverse();
  return (
    <figure class="chart" style={{ margin: 0 }} aria-label={props.title} data-testid={props.testid}>
      <div class="rs-timeline" role="img" aria-label={`${props.title}: ${episodes().length} episodes`}>
        <For each={episodes()}>
          {(e) => (
            <span
              class="rs-tl-block"
              style={{ width: `${(e.length / total()) * 100}%`, background: props.colors[e.value] }}
              title={describe(e)}
              data-regime={e.value}
            />
          )}
        </For>
      </div>
      <div class="rs-timeline-axis">
        <span>{props.path.length > 0 ? props.formatDate(props.dates[0]) : ''}</span>
        <span>{episodes().length} episodes</span>
        <span>{props.path.length > 0 ? props.formatDate(props.dates[props.dates.length - 1]) : ''}</span>
      </div>
      <figcaption class="chart-summary">
        <ColorLegend labels={props.labels} colors={props.colors} />
        <button type="button" class="btn btn-sm" aria-expanded={showData()} onClick={() => setShowData((v) => !v)}>
          {showData() ? 'Hide data' : 'View data'}
        </button>
      </figcaption>
      <Show when={showData()}>
        <table class="data">
          <caption class="sr-only">{props.title} — latest episodes</caption>
          <thead>
            <tr>
              <th scope="col">Regime</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col" class="r">
                Length ({props.unit})
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={recent()}>
              {(e) => (
                <tr>
                  <td>
                    <span class="rs-swatch" style={{ background: props.colors[e.value] }} aria-hidden="true" />
                    {props.labels[e.value]}
                  </td>
                  <td>{props.formatDate(props.dates[e.start])}</td>
                  <td>{props.formatDate(props.dates[e.end])}</td>
                  <td class="r">{e.length}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </figure>
  );
}
