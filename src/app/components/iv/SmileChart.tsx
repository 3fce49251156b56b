import { createEffect, createMemo, createSignal, For, type JSX, on, onCleanup, onMount, Show } from 'solid-js';
import { exportFileName, toCsv } from '../../lib/csv';
import { errorMessage } from '../../lib/trace';
import { ErrorPanel } from '../ErrorPanel';
import { LoadingState } from '../LoadingState';
import type { SmileHandle, SmileInput, SmileSeries } from './smileChart';
import { observeWidth } from '../../lib/observe-width';

export type { SmileSeries };

export interface SmileChartProps {
  title: string;
  series: readonly SmileSeries[];
  height?: number;
  xLabel?: string;
  yLabel?: string;
  testid?: string;
  csvName?: [string, string];
  /** hide the summary line and data toggle (small multiples show them once for the group) */
  compact?: boolean;
}

/** Structure key: a change of series (not of values) rebuilds the chart. */
const shape = (s: readonly SmileSeries[]) => s.map((x) => `${x.label}|${x.kind}|${x.color}`).join(';');

function seriesSummary(s: SmileSeries): string {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let n = 0;
  for (const v of s.y) {
    if (v === null || !Number.isFinite(v)) continue;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return n === 0 ? `${s.label}: no values` : `${s.label} ${min.toFixed(2)}–${max.toFixed(2)} %`;
}

/**
 * Implied-vol smiles (uPlot, loaded lazily): model curves as lines, market quotes as points.
 * Redraws are coalesced to one per animation frame; disposed on unmount; text alternative
 * (summary + "View data" table) and CSV export of every series.
 */
export function SmileChart(props: SmileChartProps): JSX.Element {
  const [status, setStatus] = createSignal<'loading' | 'ready' | 'error'>('loading');
  const [loadError, setLoadError] = createSignal('');
  const [showData, setShowData] = createSignal(false);
  const height = () => props.height ?? 300;
  let box: HTMLDivElement | undefined;
  let handle: SmileHandle | undefined;
  let builtShape = '';
  let stopObserving: (() => void) | undefined;
  let frame = 0;
  let disposed = false;
  let mod: typeof import('./smileChart') | undefined;

  const input = (): SmileInput => ({
    series: props.series,
    xLabel: props.xLabel ?? 'Moneyness (K/S)',
    yLabel: props.yLabel ?? 'IV (%)',
    legend: !props.compact,
  });

  const build = () => {
    if (!mod || !box || disposed) return;
    handle?.destroy();
    box.replaceChildren();
    const width = Math.max(120, Math.floor(box.clientWidth));
    handle = mod.createSmileChart(box, input(), width, height());
    builtShape = shape(props.series);
  };

  const mount = () => {
    setStatus('loading');
    import('./smileChart').then(
      (m) => {
        if (disposed || !box) return;
        mod = m;
        build();
        setStatus('ready');
        stopObserving = observeWidth(box, box.clientWidth, 50, (w) => handle?.resize(w, height()));
      },
      (e) => {
        if (disposed) return;
        setLoadError(`Chart module failed to load: ${errorMessage(e)}`);
        setStatus('error');
      },
    );
  };

  createEffect(
    on(
      () => props.series,
      () => {
        if (!handle || frame !== 0) return;
        frame = requestAnimationFrame(() => {
          frame = 0;
          if (disposed) return;
          if (shape(props.series) !== builtShape) build();
          else handle?.setData(input());
        });
      },
    ),
  );

  onMount(mount);
  onCleanup(() => {
    disposed = true;
    if (frame !== 0) cancelAnimationFrame(frame);
    stopObserving?.();
    handle?.destroy();
  });

  const table = () => {
    if (!mod) return { x: [] as number[], rows: [] as (number | null)[][] };
    const [x, ...ys] = mod.alignSmiles(props.series);
    return { x: Array.from(x as ArrayLike<number>), rows: ys as (number | null)[][] };
  };

  const shown = createMemo(() => (showData() && status() === 'ready' ? table() : { x: [] as number[], rows: [] as (number | null)[][] }));

  const downloadCsv = () => {
    const t = table();
    const rows = t.x.map((x, i) => [x, ...t.rows.map((r) => r[i])]);
    const blob = new Blob([toCsv(['moneyness', ...props.series.map((s) => `${s.label} (IV %)`)], rows)], { type: 'text/csv' });
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    const [page, data] = props.csvName ?? ['iv-surface', props.title];
    a.download = exportFileName(page, data, new Date());
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <figure class="chart" style={{ margin: 0 }} aria-label={props.title} data-testid={props.testid}>
      <div class="chart-box" style={{ 'min-height': `${height()}px` }}>
        <div ref={box} aria-hidden="true" />
        <Show when={status() === 'loading'}>
          <div style={{ position: 'absolute', inset: 0 }}>
            <LoadingState label={`Loading chart ${props.title}`} />
          </div>
        </Show>
        <Show when={status() === 'error'}>
          <div style={{ position: 'absolute', inset: 0 }}>
            <ErrorPanel title="Chart unavailable" message={loadError()} retry={mount} />
          </div>
        </Show>
      </div>
      <figcaption class="chart-summary">
        <span data-testid={props.testid ? `${props.testid}-summary` : undefined}>
          <span class="sr-only">{props.title}. </span>
          {props.series.map(seriesSummary).join(' · ')}
        </span>
        <Show when={!props.compact}>
          <span style={{ display: 'flex', gap: '6px' }}>
            <button type="button" class="btn btn-sm" aria-expanded={showData()} onClick={() => setShowData((v) => !v)}>
              {showData() ? 'Hide data' : 'View data'}
            </button>
            <button type="button" class="btn btn-sm" onClick={downloadCsv}>
              Export CSV
            </button>
          </span>
        </Show>
      </figcaption>
      <Show when={showData()}>
        <div class="table-wrap" style={{ 'max-height': '260px' }}>
          <table class="data">
            <caption class="sr-only">{props.title}: implied vol in percent by moneyness</caption>
            <thead>
              <tr>
                <th scope="col">K/S</th>
                <For each={props.series}>{(s) => <th scope="col" class="r">{s.label}</th>}</For>
              </tr>
            </thead>
            <tbody>
              <For each={shown().x}>
                {(x, i) => (
                  <tr>
                    <td>{x.toFixed(3)}</td>
                    <For each={shown().rows}>{(r) => <td class="r">{r[i()] === null ? '—' : (r[i()] as number).toFixed(2)}</td>}</For>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </figure>
  );
}
