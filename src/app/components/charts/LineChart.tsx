import { createEffect, createSignal, For, type JSX, Show } from 'solid-js';
import { toCsv } from '../../lib/csv';
import { formatNumber } from '../../lib/format';
import { downloadText } from '../../lib/research-table';
import { summarizeSeries } from '../../lib/series';
import type { ChartHandle, ChartSeries } from './uplotChart';
import { ChartOverlay, createLazyChart } from './lazy-chart';

export type { ChartSeries };

const TABLE_ROWS = 50;

export interface LineChartProps {
  /** chart title (also the text alternative's title) */
  title: string;
  /** epoch milliseconds, ascending */
  x: Float64Array;
  series: ChartSeries[];
  height?: number;
  yLabel?: string;
  formatY?: (v: number) => string;
  /** formats x for the summary and the data table (default: ISO date) */
  formatX?: (ms: number) => string;
  /** file name of the "Download CSV" of the full series */
  csvName?: string;
  /** replay: draw only the first n points on the full-period axes (undefined/null = all) */
  reveal?: number | null;
}

const isoDate = (ms: number) => (Number.isFinite(ms) ? new Date(ms).toISOString().slice(0, 10) : '—');

/**
 * One uPlot line chart per panel (life cycle from createLazyChart). Comes with its text
 * alternative: a one-line summary and a "View data" toggle showing the latest rows as a
 * table (full series as CSV).
 */
export function LineChart(props: LineChartProps): JSX.Element {
  const [showData, setShowData] = createSignal(false);
  const height = () => props.height ?? 320;
  const fmtX = () => props.formatX ?? isoDate;
  const fmtY = (v: number) => (props.formatY ? props.formatY(v) : formatNumber(v));

  const chart = createLazyChart<typeof import('./uplotChart'), ChartHandle>({
    title: props.title,
    load: () => import('./uplotChart'),
    create: (mod, el, width) => mod.createChart(el, { x: props.x, series: props.series, yLabel: props.yLabel, formatY: props.formatY }, width, height()),
    resize: (h, w) => h.resize(w, height()),
    minWidth: 100,
  });
  createEffect(() => {
    const n = props.reveal ?? null;
    if (chart.status() === 'ready') chart.handle()?.reveal?.(n);
  });

  const summary = () =>
    props.series.map((s) => summarizeSeries(s.label, props.x, s.y, fmtX())).join(' | ');

  const tableRows = () => {
    const n = props.x.length;
    const from = Math.max(0, n - TABLE_ROWS);
    const rows: { x: number; ys: number[] }[] = [];
    for (let i = n - 1; i >= from; i--) rows.push({ x: props.x[i], ys: props.series.map((s) => s.y[i]) });
    return rows;
  };

  const downloadCsv = () => {
    const header = ['date', ...props.series.map((s) => s.label)];
    const rows: (string | number)[][] = [];
    for (let i = 0; i < props.x.length; i++) {
      rows.push([new Date(props.x[i]).toISOString(), ...props.series.map((s) => s.y[i])]);
    }
    downloadText(toCsv(header, rows), props.csvName ?? 'series.csv');
  };

  return (
    <figure class="chart" style={{ margin: 0 }} aria-label={props.title}>
      <div class="chart-box" style={{ 'min-height': `${height()}px` }}>
        <div ref={chart.box} aria-hidden="true" />
        <ChartOverlay chart={chart} title={props.title} />
      </div>
      <figcaption class="chart-summary">
        <span>
          <span class="sr-only">{props.title}. </span>
          {summary()}
        </span>
        <span style={{ display: 'flex', gap: '6px' }}>
          <button type="button" class="btn btn-sm" aria-expanded={showData()} onClick={() => setShowData((v) => !v)}>
            {showData() ? 'Hide data' : 'View data'}
          </button>
          <button type="button" class="btn btn-sm" onClick={downloadCsv}>
            Export CSV
          </button>
        </span>
      </figcaption>
      <Show when={showData()}>
        <div class="table-wrap" style={{ 'max-height': '260px' }}>
          <table class="data">
            <caption class="sr-only">{props.title} — latest rows</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <For each={props.series}>
                  {(s) => (
                    <th scope="col" class="r">
                      {s.label}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <For each={tableRows()}>
                {(r) => (
                  <tr>
                    <td>{fmtX()(r.x)}</td>
                    <For each={r.ys}>{(v) => <td class="r">{fmtY(v)}</td>}</For>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
        <p class="hint" style={{ margin: 0 }}>
          Showing the latest {Math.min(TABLE_ROWS, props.x.length)} of {props.x.length.toLocaleString('en-US')} rows, newest
          first. Export CSV has every row.
        </p>
      </Show>
    </figure>
  );
}
