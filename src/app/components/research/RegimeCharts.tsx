import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { formatNumber, formatPercent } from '../../lib/format';
import { extractEpisodes } from '../../lib/research-episodes';
import { ColorLegend } from './RegimeParts';
import { UplotFrame } from './UplotFrame';
import './research.css';

const TABLE_ROWS = 50;

/** Latest rows of a series table behind a "View data" toggle (a chart's text alternative). */
function LatestRows(props: { title: string; header: readonly string[]; rows: () => string[][] }): JSX.Element {
  return (
    <div class="table-wrap" style={{ 'max-height': '260px' }}>
      <table class="data">
        <caption class="sr-only">{props.title} — latest rows</caption>
        <thead>
          <tr>
            <For each={props.header}>{(h, i) => <th class={i() > 0 ? 'r' : undefined}>{h}</th>}</For>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows()}>
            {(r) => (
              <tr>
                <For each={r}>{(c, i) => <td class={i() > 0 ? 'r' : undefined}>{c}</td>}</For>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

/**
 * Close price over background bands coloured by a state path (one band per episode), with the
 * state names and their share of time in the legend.
 */
export function RegimePriceChart(props: {
  title: string;
  dates: Float64Array;
  close: Float64Array;
  /** state per bar (index into labels/colors); negative = no state */
  path: Int32Array;
  labels: readonly string[];
  colors: readonly string[];
  formatDate: (ms: number) => string;
  height?: number;
  testid?: string;
}): JSX.Element {
  const [showData, setShowData] = createSignal(false);
  const episodes = createMemo(() => extractEpisodes(props.path).filter((e) => e.value >= 0 && e.value < props.colors.length));
  const shares = createMemo(() => {
    const s = new Array<number>(props.labels.length).fill(0);
    for (const e of episodes()) s[e.value] += e.length;
    return s.map((c) => formatPercent(c / Math.max(1, props.path.length), 0));
  });
  const last = () => props.path.length - 1;
  return (
    <figure class="chart" style={{ margin: 0 }} aria-label={props.title}>
      <UplotFrame
        title={props.title}
        height={props.height ?? 340}
        testid={props.testid}
        create={(mod, el, w, h) =>
          mod.createRegimePriceChart(
            el,
            {
              x: props.dates,
              close: props.close,
              bands: episodes().map((e) => ({ start: e.start, end: e.end, color: props.colors[e.value] })),
              label: 'Close',
              formatX: props.formatDate,
            },
            w,
            h,
          )
        }
      />
      <ColorLegend labels={props.labels} colors={props.colors} extra={shares()} />
      <figcaption class="chart-summary">
        <span>
          <span class="sr-only">{props.title}. </span>
          {last() >= 0
            ? `Close ${formatNumber(props.close[last()])} on ${props.formatDate(props.dates[last()])} · ${props.labels[props.path[last()]] ?? 'no state'} · ${episodes().length} episodes`
            : 'No bars'}
        </span>
        <button type="button" class="btn btn-sm" aria-expanded={showData()} onClick={() => setShowData((v) => !v)}>
          {showData() ? 'Hide data' : 'View data'}
        </button>
      </figcaption>
      <Show when={showData()}>
        <LatestRows
          title={props.title}
          header={['Date', 'Close', 'State']}
          rows={() => {
            const out: string[][] = [];
            for (let i = last(); i >= Math.max(0, last() - TABLE_ROWS + 1); i--) {
              out.push([props.formatDate(props.dates[i]), formatNumber(props.close[i]), props.labels[props.path[i]] ?? '—']);
            }
            return out;
          }}
        />
      </Show>
    </figure>
  );
}

/** Stacked probability areas (rows sum to 1), legend values are each state's own probability. */
export function StackedProbabilityChart(props: {
  title: string;
  dates: Float64Array;
  /** T×K row-major */
  probs: Float64Array;
  labels: readonly string[];
  colors: readonly string[];
  formatDate: (ms: number) => string;
  height?: number;
  testid?: string;
}): JSX.Element {
  const [showData, setShowData] = createSignal(false);
  const K = () => props.labels.length;
  const T = () => props.dates.length;
  const lastRow = () => {
    const k = K();
    const t = T() - 1;
    return t < 0 ? [] : Array.from({ length: k }, (_, j) => props.probs[t * k + j]);
  };
  return (
    <figure class="chart" style={{ margin: 0 }} aria-label={props.title}>
      <UplotFrame
        title={props.title}
        height={props.height ?? 220}
        testid={props.testid}
        create={(mod, el, w, h) =>
          mod.createStackedChart(
            el,
            { x: props.dates, probs: props.probs, K: K(), labels: [...props.labels], colors: [...props.colors], formatX: props.formatDate },
            w,
            h,
          )
        }
      />
      <figcaption class="chart-summary">
        <span>
          <span class="sr-only">{props.title}. </span>
          {T() > 0
            ? `Last bar ${props.formatDate(props.dates[T() - 1])}: ${lastRow()
                .map((p, j) => `${props.labels[j]} ${formatPercent(p, 0)}`)
                .join(' · ')}`
            : 'No bars'}
        </span>
        <button type="button" class="btn btn-sm" aria-expanded={showData()} onClick={() => setShowData((v) => !v)}>
          {showData() ? 'Hide data' : 'View data'}
        </button>
      </figcaption>
      <Show when={showData()}>
        <LatestRows
          title={props.title}
          header={['Date', ...props.labels]}
          rows={() => {
            const out: string[][] = [];
            const k = K();
            for (let t = T() - 1; t >= Math.max(0, T() - TABLE_ROWS); t--) {
              out.push([props.formatDate(props.dates[t]), ...Array.from({ length: k }, (_, j) => formatPercent(props.probs[t * k + j], 1))]);
            }
            return out;
          }}
        />
      </Show>
    </figure>
  );
}
