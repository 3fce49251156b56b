import { createMemo, createSignal, For, type JSX, onCleanup, onMount, Show } from 'solid-js';
import { readableText } from '../../lib/research-color';
import './research.css';

export interface HeatmapProps {
  /** accessible name (figure label and data-table caption) */
  title: string;
  rowLabels: readonly string[];
  colLabels: readonly string[];
  /** rows × cols, row-major; NaN = no value */
  values: Float64Array;
  color: (v: number) => string;
  /** cell text; `compact` is asked for when cells are narrow */
  format: (v: number, compact: boolean) => string;
  /** legend gradient stops (low → high) and their labels */
  legend: { stops: readonly string[]; labels: readonly string[] };
  /** axis names, e.g. "From" / "To" */
  rowAxis?: string;
  colAxis?: string;
  /** tooltip of a cell (default "row × col: value") */
  cellTitle?: (r: number, c: number, v: number) => string;
  testid?: string;
  /** largest cell edge in px */
  maxCell?: number;
}

const CHAR_W = 6.4; // 11 px monospace advance, for label gutters

/**
 * A labelled SVG heatmap with the value printed in every cell (text colour picked for
 * contrast), a gradient legend and a "View data" table — the heatmap's text alternative.
 */
export function Heatmap(props: HeatmapProps): JSX.Element {
  const [showData, setShowData] = createSignal(false);
  const [avail, setAvail] = createSignal(620);
  let scrollBox: HTMLDivElement | undefined;
  let observer: ResizeObserver | undefined;
  onMount(() => {
    if (!scrollBox) return;
    const measure = (w: number) => {
      // minus the scroll box's own padding
      const v = Math.floor(w) - 12;
      if (v > 100 && v !== avail()) setAvail(v);
    };
    measure(scrollBox.clientWidth);
    observer = new ResizeObserver((e) => measure(e[0]?.contentRect.width ?? 0));
    observer.observe(scrollBox);
  });
  onCleanup(() => observer?.disconnect());

  const layout = createMemo(() => {
    const rows = props.rowLabels.length;
    const cols = Math.max(1, props.colLabels.length);
    const left = Math.ceil(Math.max(...props.rowLabels.map((l) => l.length), 1) * CHAR_W) + 10 + (props.rowAxis ? 16 : 0);
    const longestCol = Math.max(...props.colLabels.map((l) => l.length), 1);
    const slantReach = Math.ceil(longestCol * CHAR_W * 0.72);
    // Cells share the width left by the labels; column labels stand upright when they fit in a
    // cell, else they lean at 45° and need room to the right of the last column.
    const cellFor = (rightPad: number) => Math.max(22, Math.min(props.maxCell ?? 60, Math.floor((avail() - left - rightPad) / cols)));
    let cell = cellFor(4);
    let slanted = longestCol * CHAR_W > cell - 4;
    if (slanted) {
      cell = cellFor(slantReach);
      slanted = longestCol * CHAR_W > cell - 4;
    }
    const top = (slanted ? slantReach + 12 : 18) + (props.colAxis ? 16 : 0);
    const width = left + cols * cell + (slanted ? slantReach : 4);
    const height = top + rows * cell + 2;
    const compact = cell < 36;
    const font = cell >= 44 ? 12 : cell >= 30 ? 10.5 : 9.5;
    return { rows, cols, cell, left, top, width, height, slanted, compact, font };
  });

  const cells = createMemo(() => {
    const { rows, cols } = layout();
    const out: { r: number; c: number; v: number; fill: string; ink: string }[] = [];
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const v = props.values[r * cols + c];
        const fill = props.color(v);
        out.push({ r, c, v, fill, ink: readableText(fill) });
      }
    }
    return out;
  });

  const title = (r: number, c: number, v: number) =>
    props.cellTitle ? props.cellTitle(r, c, v) : `${props.rowLabels[r]} × ${props.colLabels[c]}: ${props.format(v, false) || 'n/a'}`;

  return (
    <figure class="chart rs-heatmap" style={{ margin: 0 }} aria-label={props.title} data-testid={props.testid}>
      <div class="rs-heatmap-scroll" ref={scrollBox}>
        <svg
          width={layout().width}
          height={layout().height}
          viewBox={`0 0 ${layout().width} ${layout().height}`}
          role="img"
          aria-label={`${props.title}: ${layout().rows} × ${layout().cols} cells; use View data for the values`}
        >
          <Show when={props.colAxis}>
            <text x={layout().left + (layout().cols * layout().cell) / 2} y={11} class="rs-axis-title" text-anchor="middle">
              {props.colAxis}
            </text>
          </Show>
          <Show when={props.rowAxis}>
            <text
              x={11}
              y={layout().top + (layout().rows * layout().cell) / 2}
              class="rs-axis-title"
              text-anchor="middle"
              transform={`rotate(-90 11 ${layout().top + (layout().rows * layout().cell) / 2})`}
            >
              {props.rowAxis}
            </text>
          </Show>
          <For each={props.colLabels}>
            {(l, c) => {
              const cx = () => layout().left + c() * layout().cell + layout().cell / 2;
              const y = () => layout().top - 6;
              return (
                <text
                  class="rs-label"
                  x={cx()}
                  y={y()}
                  text-anchor={layout().slanted ? 'start' : 'middle'}
                  transform={layout().slanted ? `rotate(-45 ${cx()} ${y()})` : undefined}
                >
                  {l}
                </text>
              );
            }}
          </For>
          <For each={props.rowLabels}>
            {(l, r) => (
              <text
                class="rs-label"
                x={layout().left - 6}
                y={layout().top + r() * layout().cell + layout().cell / 2}
                text-anchor="end"
                dominant-baseline="central"
              >
                {l}
              </text>
            )}
          </For>
          <For each={cells()}>
            {(k) => (
              <g>
                <rect
                  x={layout().left + k.c * layout().cell}
                  y={layout().top + k.r * layout().cell}
                  width={layout().cell - 1}
                  height={layout().cell - 1}
                  fill={k.fill}
                  rx={2}
                >
                  <title>{title(k.r, k.c, k.v)}</title>
                </rect>
                <text
                  x={layout().left + k.c * layout().cell + (layout().cell - 1) / 2}
                  y={layout().top + k.r * layout().cell + (layout().cell - 1) / 2}
                  text-anchor="middle"
                  dominant-baseline="central"
                  class="rs-cell-text"
                  fill={k.ink}
                  style={{ 'font-size': `${layout().font}px` }}
                >
                  {props.format(k.v, layout().compact)}
                </text>
              </g>
            )}
          </For>
        </svg>
      </div>
      <figcaption class="chart-summary">
        <span class="rs-legend-scale" aria-hidden="true">
          <span class="rs-gradient" style={{ background: `linear-gradient(to right, ${props.legend.stops.join(', ')})` }} />
          <span class="rs-gradient-labels">
            <For each={props.legend.labels}>{(l) => <span>{l}</span>}</For>
          </span>
        </span>
        <button type="button" class="btn btn-sm" aria-expanded={showData()} onClick={() => setShowData((v) => !v)}>
          {showData() ? 'Hide data' : 'View data'}
        </button>
      </figcaption>
      <Show when={showData()}>
        <div class="table-wrap" style={{ 'max-height': '320px' }}>
          <table class="data">
            <caption class="sr-only">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{props.rowAxis ?? ''}</th>
                <For each={props.colLabels}>
                  {(l) => (
                    <th scope="col" class="r">
                      {l}
                    </th>
                  )}
                </For>
              </tr>
            </thead>
            <tbody>
              <For each={props.rowLabels}>
                {(l, r) => (
                  <tr>
                    <th scope="row">{l}</th>
                    <For each={props.colLabels}>
                      {(_c, c) => <td class="r">{props.format(props.values[r() * props.colLabels.length + c()], false) || '—'}</td>}
                    </For>
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
