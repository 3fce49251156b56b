/**
 * Imperative Plotly glue for the 3-D IV surfaces, loaded lazily by Surface3d so the ~1.7 MB
 * gl3d bundle is fetched only on the IV Surface page. Dark theme of the original; one
 * instance per element, updated with Plotly.react (diffing) and purged on destroy.
 */
import Plotly from 'plotly.js-gl3d-dist-min';

export interface SurfaceTrace {
  x: readonly number[];
  y: readonly number[];
  /** [y][x] */
  z: readonly (readonly (number | null)[])[];
  name: string;
  colorscale?: string;
}

export interface PointsTrace {
  x: readonly number[];
  y: readonly number[];
  z: readonly number[];
  name: string;
  color: string;
}

export interface SurfaceInput {
  surface: SurfaceTrace;
  points?: PointsTrace;
  xTitle: string;
  yTitle: string;
  zTitle: string;
  /** fixed z range (e.g. to compare two surfaces side by side) */
  zRange?: [number, number];
}

export interface SurfaceHandle {
  update(input: SurfaceInput): Promise<void>;
  resize(): void;
  destroy(): void;
}

const FONT = { family: 'Menlo, "SF Mono", "Fira Code", monospace', size: 10, color: '#c9d1d9' };

function axis(title: string, range?: [number, number]) {
  return {
    title: { text: title, font: { size: 11, color: '#c9d1d9' } },
    gridcolor: '#21262d',
    zerolinecolor: '#30363d',
    linecolor: '#30363d',
    backgroundcolor: '#161b22',
    showbackground: true,
    tickfont: { size: 10, color: '#8b949e' },
    ...(range ? { range, autorange: false } : {}),
  };
}

function traces(input: SurfaceInput): object[] {
  const s = input.surface;
  const out: object[] = [
    {
      type: 'surface',
      name: s.name,
      x: s.x,
      y: s.y,
      z: s.z,
      colorscale: s.colorscale ?? 'Viridis',
      showscale: true,
      colorbar: { thickness: 10, len: 0.7, tickfont: { size: 10, color: '#8b949e' }, title: { text: 'IV %', font: FONT } },
      hovertemplate: 'K/S %{x:.3f}<br>T %{y:.3f} y<br>IV %{z:.2f} %<extra></extra>',
      ...(input.zRange ? { cmin: input.zRange[0], cmax: input.zRange[1] } : {}),
    },
  ];
  if (input.points && input.points.x.length > 0) {
    out.push({
      type: 'scatter3d',
      mode: 'markers',
      name: input.points.name,
      x: input.points.x,
      y: input.points.y,
      z: input.points.z,
      marker: { size: 2.5, color: input.points.color },
      hovertemplate: 'K/S %{x:.3f}<br>T %{y:.3f} y<br>market IV %{z:.2f} %<extra></extra>',
    });
  }
  return out;
}

function layout(input: SurfaceInput): object {
  return {
    paper_bgcolor: '#0d1117',
    plot_bgcolor: '#161b22',
    font: FONT,
    margin: { l: 0, r: 0, t: 8, b: 0 },
    showlegend: Boolean(input.points),
    legend: { bgcolor: '#161b22', bordercolor: '#30363d', borderwidth: 1, x: 0, y: 1 },
    // keep the user's camera across updates (slider moves must not reset the view)
    uirevision: 'keep',
    scene: {
      xaxis: axis(input.xTitle),
      yaxis: axis(input.yTitle),
      zaxis: axis(input.zTitle, input.zRange),
      camera: { eye: { x: 1.55, y: -1.75, z: 0.95 }, center: { x: 0, y: 0, z: -0.1 } },
      aspectmode: 'manual',
      aspectratio: { x: 1, y: 1, z: 0.7 },
    },
  };
}

const CONFIG = { displaylogo: false, responsive: false, displayModeBar: 'hover', modeBarButtonsToRemove: ['toImage'] };

export async function createSurface(el: HTMLElement, input: SurfaceInput): Promise<SurfaceHandle> {
  await Plotly.react(el, traces(input), layout(input), CONFIG);
  return {
    async update(next) {
      await Plotly.react(el, traces(next), layout(next), CONFIG);
    },
    resize() {
      void Plotly.Plots.resize(el);
    },
    destroy() {
      Plotly.purge(el);
    },
  };
}
