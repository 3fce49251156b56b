import { createEffect, createMemo, createSignal, For, type JSX, on, Show } from 'solid-js';
import { exportFileName, toCsv } from '../../lib/csv';
import { downloadText } from '../../lib/research-table';
import { errorMessage } from '../../lib/trace';
import { ChartOverlay, createLazyChart } from './lazy-chart';
import type { PointsTrace, SurfaceHandle, SurfaceInput } from './plotlySurface';

export type { PointsTrace };

export interface Surface3dProps {
  /** chart title (text alternative) */
  title: string;
  /** K/S */
  x: readonly number[];
  /** years */
  y: readonly number[];
  /** [y][x] implied vol in percent, null = no value */
  z: readonly (readonly (number | null)[])[];
  /** market quotes drawn as points over the surface */
  points?: PointsTrace;
  zRange?: [number, number];
  height?: number;
  /** data-testid of the figure; its summary line is `${testid}-summary` */
  testid?: string;
  colorscale?: string;
  /** page and dataset parts of the CSV file name */
  csvName?: [string, string];
}

/** min/max/count of a grid, for the summary line and tests. */
export function surfaceStats(z: readonly (readonly (number | null)[])[]): { min: number; max: number; n: number; missing: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let n = 0;
  let missing = 0;
  for (const row of z) {
    for (const v of row) {
      n++;
      if (v === null || !Number.isFinite(v)) {
        missing++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max, n, missing };
}

function hasWebGl(): boolean {
  try {
    const c = document.createElement('canvas');
    return Boolean(c.getContext('webgl2') ?? c.getContext('webgl'));
  } catch (_e) {
    // Some browsers throw instead of returning null when WebGL is blocked: same answer.
    return false;
  }
}

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');
const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');

/**
 * One Plotly 3-D surface per panel: Plotly loads lazily on first use (its own chunk), redraws
 * are coalesced to one per animation frame, the instance is purged on unmount. Comes with its
 * text alternative: a summary line and a "View data" table; without WebGL the table is the view.
 */
export function Surface3d(props: Surface3dProps): JSX.Element {
  const webgl = hasWebGl();
  // Without WebGL the data table is the view.
  const [showData, setShowData] = createSignal(!webgl);
  const [redrawError, setRedrawError] = createSignal('');
  const height = () => props.height ?? 380;
  let frame = 0;

  const input = (): SurfaceInput => ({
    surface: { x: props.x, y: props.y, z: props.z, name: props.title, colorscale: props.colorscale },
    points: props.points,
    zRange: props.zRange,
    xTitle: 'Moneyness (K/S)',
    yTitle: 'Expiry (years)',
    zTitle: 'IV (%)',
  });

  const stats = createMemo(() => surfaceStats(props.z));
  const summary = () => {
    const s = stats();
    if (s.n === s.missing) return `${props.title}: no values`;
    const x = props.x;
    const y = props.y;
    return `IV ${f2(s.min)} %–${f2(s.max)} % over K/S ${f3(x[0])}–${f3(x[x.length - 1])} and T ${f3(y[0])}–${f3(y[y.length - 1])} y · ${s.n} points${s.missing > 0 ? ` (${s.missing} without a value)` : ''}`;
  };

  const chart = createLazyChart<typeof import('./plotlySurface'), SurfaceHandle>({
    title: `3-D chart ${props.title}`,
    load: () => import('./plotlySurface'),
    create: (mod, el) => mod.createSurface(el, input()),
    resize: (h) => h.resize(),
    skip: !webgl,
    onDispose: () => {
      if (frame !== 0) cancelAnimationFrame(frame);
    },
  });

  // Coalesce updates: however many inputs change within a frame, Plotly redraws once.
  createEffect(
    on(input, () => {
      if (!chart.handle() || frame !== 0) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        chart
          .handle()
          ?.update(input())
          .catch((e: unknown) => setRedrawError(`3-D chart failed to redraw: ${errorMessage(e)}`));
      });
    }),
  );


  const downloadCsv = () => {
    const rows: (string | number | null)[][] = [];
    props.y.forEach((t, i) => {
      props.x.forEach((m, j) => {
        rows.push([t, m, props.z[i]?.[j] ?? null]);
      });
    });
    const [page, data] = props.csvName ?? ['iv-surface', props.title];
    downloadText(toCsv(['expiry_years', 'moneyness', 'iv_percent'], rows), exportFileName(page, data, new Date()));
  };

  return (
    <figure class="chart" style={{ margin: 0 }} aria-label={props.title} data-testid={props.testid}>
      <Show when={webgl}>
        <div class="chart-box" style={{ height: `${height()}px` }}>
          <div ref={chart.box} aria-hidden="true" style={{ width: '100%', height: `${height()}px` }} class="surface3d" />
          <ChartOverlay chart={chart} title={`3-D ${props.title}`} errorTitle="3-D chart unavailable" />
        </div>
        <Show when={redrawError()}>
          {(m) => (
            <p class="hint" role="alert">
              {m()}
            </p>
          )}
        </Show>
      </Show>
      <Show when={!webgl}>
        <p class="hint" role="note">
          This browser has WebGL turned off, so the 3-D view cannot be drawn; the table below has every value of the surface.
        </p>
      </Show>
      <figcaption class="chart-summary">
        <span data-testid={props.testid ? `${props.testid}-summary` : undefined}>
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
            <caption class="sr-only">{props.title}: implied vol in percent by expiry (rows) and moneyness K/S (columns)</caption>
            <thead>
              <tr>
                <th scope="col">T (y) \ K/S</th>
                <For each={props.x}>{(m) => <th scope="col" class="r">{m.toFixed(3)}</th>}</For>
              </tr>
            </thead>
            <tbody>
              <For each={props.y}>
                {(t, i) => (
                  <tr>
                    <th scope="row">{t.toFixed(3)}</th>
                    <For each={props.z[i()] ?? []}>{(v) => <td class="r">{v === null ? '—' : v.toFixed(2)}</td>}</For>
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
