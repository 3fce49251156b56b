/**
 * Imperative uPlot glue, loaded lazily by LineChart so uPlot stays out of the initial
 * bundle. Owns one uPlot instance: dark-theme axes, min/max downsampling to the pixel
 * width, re-sampling of the visible window on zoom (detail appears when zoomed in).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { mergeIndices, minMaxIndices } from '../../lib/downsample';

export interface ChartSeries {
  label: string;
  y: Float64Array;
  color: string;
  dash?: number[];
}

export interface ChartInput {
  /** epoch milliseconds, ascending */
  x: Float64Array;
  series: ChartSeries[];
  /** y-axis label */
  yLabel?: string;
  /** format of y tick/legend values */
  formatY?: (v: number) => string;
}

export interface ChartHandle {
  resize(width: number, height: number): void;
  /** shows only the first `count` points (null = all) on unchanged scales — for replays */
  reveal?(count: number | null): void;
  destroy(): void;
}

const AXIS = {
  stroke: '#8b949e',
  grid: { stroke: '#21262d', width: 0.5 },
  ticks: { stroke: '#30363d', width: 0.5, size: 4 },
  font: '10px Menlo, "SF Mono", "Fira Code", monospace',
  labelFont: '11px system-ui, sans-serif',
} as const;

function lowerBound(x: Float64Array, v: number): number {
  let lo = 0;
  let hi = x.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Downsampled aligned data of x[from..to) for `width` pixel columns, x in seconds for uPlot.
 * The overall first and last points are always included so a double-click (auto-range)
 * returns to the full extent.
 */
function sample(input: ChartInput, from: number, to: number, width: number): uPlot.AlignedData {
  const n = input.x.length;
  const xs = input.x.subarray(from, to);
  const local = mergeIndices(input.series.map((s) => minMaxIndices(xs, s.y.subarray(from, to), width)));
  const idx: number[] = [];
  if (from > 0) idx.push(0);
  for (const k of local) idx.push(k + from);
  if (to < n) idx.push(n - 1);
  const xOut = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) xOut[k] = input.x[idx[k]] / 1000;
  const ys = input.series.map((s) => {
    const out: (number | null)[] = new Array(idx.length);
    for (let k = 0; k < idx.length; k++) {
      const v = s.y[idx[k]];
      out[k] = Number.isFinite(v) ? v : null;
    }
    return out;
  });
  return [xOut, ...ys];
}

export function createChart(el: HTMLElement, input: ChartInput, width: number, height: number): ChartHandle {
  const fmt = input.formatY ?? ((v: number) => v.toFixed(2));
  let resampling = false;
  // points shown (a replay shows a growing prefix); zoom re-sampling never reaches past it
  let limit = input.x.length;
  const full = () => sample(input, 0, limit, Math.max(50, Math.floor(width)));

  const opts: uPlot.Options = {
    width,
    height,
    padding: [12, 16, 4, 4],
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false }, points: { size: 6 } },
    scales: { x: { time: true } },
    series: [
      {},
      ...input.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        dash: s.dash,
        spanGaps: false,
        value: (_u: uPlot, v: number | null) => (v === null ? '—' : fmt(v)),
      })),
    ],
    axes: [
      { ...AXIS },
      {
        ...AXIS,
        label: input.yLabel,
        labelSize: input.yLabel ? 18 : 0,
        size: 56,
        values: (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))),
      },
    ],
    hooks: {
      setScale: [
        (u, key) => {
          if (key !== 'x' || resampling) return;
          const min = u.scales.x.min;
          const max = u.scales.x.max;
          if (min === undefined || max === undefined || min === null || max === null) return;
          const from = Math.max(0, lowerBound(input.x, min * 1000) - 1);
          const to = Math.min(limit, lowerBound(input.x, max * 1000) + 1);
          resampling = true;
          try {
            const isFull = from === 0 && to === limit;
            u.setData(isFull ? full() : sample(input, from, to, Math.max(50, Math.floor(u.width))), false);
          } finally {
            resampling = false;
          }
        },
      ],
    },
  };
  const plot = new uPlot(opts, full(), el);
  return {
    resize(w, h) {
      width = w;
      plot.setSize({ width: w, height: h });
    },
    reveal(count) {
      const next = count === null ? input.x.length : Math.max(1, Math.min(input.x.length, count));
      if (next === limit) return;
      limit = next;
      resampling = true;
      try {
        // keep the scales: the axes stay put while the lines grow
        plot.setData(full(), false);
        plot.redraw();
      } finally {
        resampling = false;
      }
    },
    destroy() {
      plot.destroy();
    },
  };
}
