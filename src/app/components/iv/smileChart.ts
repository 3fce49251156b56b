/**
 * Imperative uPlot glue for smile charts (implied vol against moneyness), loaded lazily by
 * SmileChart so uPlot stays out of the initial bundle. Series are lines (model curves) or
 * points (market quotes); each may have its own x values, merged here onto one sorted axis.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SmileSeries {
  label: string;
  x: readonly number[];
  /** percent; null = no value */
  y: readonly (number | null)[];
  color: string;
  kind: 'line' | 'points';
  dash?: number[];
}

export interface SmileInput {
  series: readonly SmileSeries[];
  xLabel: string;
  yLabel: string;
  /** uPlot's live legend (small multiples share one legend outside the charts) */
  legend?: boolean;
}

export interface SmileHandle {
  setData(input: SmileInput): void;
  resize(width: number, height: number): void;
  destroy(): void;
}

const AXIS = {
  stroke: '#8b949e',
  grid: { stroke: '#21262d', width: 0.5 },
  ticks: { stroke: '#30363d', width: 0.5, size: 4 },
  font: '10px Menlo, "SF Mono", "Fira Code", monospace',
  labelFont: '11px system-ui, sans-serif',
} as const;

/** Union of all x values (sorted) and each series' y on it (null where it has no point). */
export function alignSmiles(series: readonly SmileSeries[]): uPlot.AlignedData {
  const xs = [...new Set(series.flatMap((s) => s.x.filter((v) => Number.isFinite(v))))].sort((a, b) => a - b);
  const at = new Map(xs.map((v, i) => [v, i]));
  const ys = series.map((s) => {
    const out: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < s.x.length; i++) {
      const k = at.get(s.x[i]);
      const v = s.y[i];
      if (k !== undefined && v !== null && Number.isFinite(v)) out[k] = v;
    }
    return out;
  });
  return [xs, ...ys];
}

export function createSmileChart(el: HTMLElement, input: SmileInput, width: number, height: number): SmileHandle {
  const opts: uPlot.Options = {
    width,
    height,
    padding: [12, 16, 4, 4],
    legend: { show: input.legend !== false, live: true },
    cursor: { drag: { x: true, y: false }, points: { size: 6 } },
    scales: { x: { time: false } },
    series: [
      { label: 'K/S', value: (_u, v) => (v === null ? '—' : v.toFixed(3)) },
      ...input.series.map(
        (s): uPlot.Series =>
          s.kind === 'points'
            ? {
                label: s.label,
                stroke: s.color,
                width: 0,
                paths: () => null,
                points: { show: true, size: 5, stroke: s.color, fill: s.color },
                value: (_u, v) => (v === null ? '—' : `${v.toFixed(2)} %`),
              }
            : {
                label: s.label,
                stroke: s.color,
                width: 1.5,
                dash: s.dash,
                spanGaps: true,
                points: { show: false },
                value: (_u, v) => (v === null ? '—' : `${v.toFixed(2)} %`),
              },
      ),
    ],
    axes: [
      { ...AXIS, label: input.xLabel, labelSize: 18, values: (_u, vals) => vals.map((v) => (v === null ? '' : v.toFixed(2))) },
      { ...AXIS, label: input.yLabel, labelSize: 18, size: 48, values: (_u, vals) => vals.map((v) => (v === null ? '' : v.toFixed(1))) },
    ],
  };
  const plot = new uPlot(opts, alignSmiles(input.series), el);
  return {
    setData(next) {
      plot.setData(alignSmiles(next.series));
    },
    resize(w, h) {
      plot.setSize({ width: w, height: h });
    },
    destroy() {
      plot.destroy();
    },
  };
}
