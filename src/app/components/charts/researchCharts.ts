/**
 * Imperative uPlot glue of the research views, loaded lazily (uPlot stays out of the initial
 * bundle): a close-price line over background bands coloured by regime, and stacked
 * probability areas. Both resample the visible window to the pixel width on zoom (min/max for
 * the price, bucket means for probabilities, so stacked rows keep summing to 1).
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { minMaxIndices } from '../../lib/downsample';
import { bucketMeans, stackCumulative } from '../../lib/research-episodes';
import { withAlpha } from '../../lib/research-color';
import type { ChartHandle } from './uplotChart';

export type { ChartHandle };

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

/** Index window [from, to) of x (ms) covering the x scale (seconds) of a plot, one point of margin. */
function visibleWindow(u: uPlot, x: Float64Array): [number, number] | null {
  const min = u.scales.x.min;
  const max = u.scales.x.max;
  if (min === undefined || max === undefined || min === null || max === null) return null;
  return [Math.max(0, lowerBound(x, min * 1000) - 1), Math.min(x.length, lowerBound(x, max * 1000) + 1)];
}

/** Re-sample on every x-scale change (zoom, reset), guarding against the setData re-entry. */
function resampleOnZoom(x: Float64Array, sample: (from: number, to: number, width: number) => uPlot.AlignedData) {
  let busy = false;
  return (u: uPlot, key: string) => {
    if (key !== 'x' || busy) return;
    const w = visibleWindow(u, x);
    if (!w) return;
    busy = true;
    try {
      u.setData(sample(w[0], w[1], Math.max(50, Math.floor(u.width))), false);
    } finally {
      busy = false;
    }
  };
}

/** The x series: its legend value is the bar time in the caller's format, when given. */
function xSeries(formatX: ((ms: number) => string) | undefined): uPlot.Series {
  return formatX ? { value: (_u: uPlot, v: number | null) => (v === null ? '—' : formatX(v * 1000)) } : {};
}

// ---- price coloured by regime --------------------------------------------------------------

export interface RegimeBand {
  /** first and last row (inclusive) of the episode */
  start: number;
  end: number;
  color: string;
}

export interface RegimePriceInput {
  /** epoch ms, ascending */
  x: Float64Array;
  close: Float64Array;
  bands: RegimeBand[];
  /** label of the line in the legend */
  label: string;
  formatY?: (v: number) => string;
  formatX?: (ms: number) => string;
}

const BAND_ALPHA = 0.26;

export function createRegimePriceChart(el: HTMLElement, input: RegimePriceInput, width: number, height: number): ChartHandle {
  const fmt = input.formatY ?? ((v: number) => v.toFixed(2));
  const { x, close } = input;
  const n = x.length;
  const sample = (from: number, to: number, px: number): uPlot.AlignedData => {
    const local = minMaxIndices(x.subarray(from, to), close.subarray(from, to), px);
    const idx: number[] = [];
    if (from > 0) idx.push(0);
    for (const k of local) idx.push(k + from);
    if (to < n) idx.push(n - 1);
    const xs = new Float64Array(idx.length);
    const ys: (number | null)[] = new Array(idx.length);
    for (let k = 0; k < idx.length; k++) {
      xs[k] = x[idx[k]] / 1000;
      const v = close[idx[k]];
      ys[k] = Number.isFinite(v) ? v : null;
    }
    return [xs, ys];
  };
  const fills = input.bands.map((b) => withAlpha(b.color, BAND_ALPHA));
  const drawBands = (u: uPlot) => {
    const { ctx } = u;
    const { left, top, width: bw, height: bh } = u.bbox;
    const xmin = u.scales.x.min ?? Number.NEGATIVE_INFINITY;
    const xmax = u.scales.x.max ?? Number.POSITIVE_INFINITY;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, bw, bh);
    ctx.clip();
    input.bands.forEach((b, i) => {
      const x0 = x[b.start] / 1000;
      // A band reaches to the next bar, so adjacent episodes meet without seams.
      const x1 = (b.end + 1 < n ? x[b.end + 1] : x[b.end]) / 1000;
      if (x1 < xmin || x0 > xmax) return;
      const p0 = u.valToPos(x0, 'x', true);
      const p1 = u.valToPos(x1, 'x', true);
      ctx.fillStyle = fills[i];
      ctx.fillRect(p0, top, Math.max(1, p1 - p0), bh);
    });
    ctx.restore();
  };
  const opts: uPlot.Options = {
    width,
    height,
    padding: [12, 16, 4, 4],
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false }, points: { size: 6 } },
    scales: { x: { time: true } },
    series: [
      xSeries(input.formatX),
      { label: input.label, stroke: '#e6edf3', width: 1.4, spanGaps: false, value: (_u: uPlot, v: number | null) => (v === null ? '—' : fmt(v)) },
    ],
    axes: [
      { ...AXIS },
      { ...AXIS, size: 60, values: (_u, vals) => vals.map((v) => (v === null ? '' : fmt(v))) },
    ],
    hooks: {
      drawAxes: [drawBands],
      setScale: [resampleOnZoom(x, sample)],
    },
  };
  const plot = new uPlot(opts, sample(0, n, Math.max(50, width)), el);
  return {
    resize(w, h) {
      plot.setSize({ width: w, height: h });
    },
    destroy() {
      plot.destroy();
    },
  };
}

// ---- stacked probabilities -----------------------------------------------------------------

export interface StackedInput {
  /** epoch ms, ascending */
  x: Float64Array;
  /** T×K row-major probabilities */
  probs: Float64Array;
  K: number;
  labels: string[];
  colors: string[];
  formatX?: (ms: number) => string;
}

const AREA_ALPHA = 0.72;

export function createStackedChart(el: HTMLElement, input: StackedInput, width: number, height: number): ChartHandle {
  const { x, probs, K } = input;
  const n = x.length;
  // The plotted (bucketed) rows, kept so the legend can show each state's own probability.
  let shown: Float64Array = probs;
  const sample = (from: number, to: number, px: number): uPlot.AlignedData => {
    const b = bucketMeans(x, probs, K, px, from, to);
    // Keep the full extent reachable: the overall first/last rows flank a zoomed window.
    const head = from > 0 ? 1 : 0;
    const tail = to < n ? 1 : 0;
    const m = b.x.length + head + tail;
    const xs = new Float64Array(m);
    const rows = new Float64Array(m * K);
    if (head) {
      xs[0] = x[0] / 1000;
      rows.set(probs.subarray(0, K), 0);
    }
    for (let i = 0; i < b.x.length; i++) xs[i + head] = b.x[i] / 1000;
    rows.set(b.probs, head * K);
    if (tail) {
      xs[m - 1] = x[n - 1] / 1000;
      rows.set(probs.subarray((n - 1) * K, n * K), (m - 1) * K);
    }
    shown = rows;
    const cum = stackCumulative(rows, m, K);
    return [xs, ...cum.map((c) => Array.from(c, (v) => (Number.isFinite(v) ? v : null)))];
  };
  const fills = input.colors.map((c) => withAlpha(c, AREA_ALPHA));
  const drawAreas = (u: uPlot) => {
    const { ctx } = u;
    const xs = u.data[0];
    const m = xs.length;
    if (m === 0) return;
    const { left, top, width: bw, height: bh } = u.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, bw, bh);
    ctx.clip();
    const px = new Float64Array(m);
    for (let i = 0; i < m; i++) px[i] = u.valToPos(xs[i], 'x', true);
    const y0 = u.valToPos(0, 'y', true);
    for (let k = 0; k < K; k++) {
      const upper = u.data[k + 1];
      const lower = k > 0 ? u.data[k] : null;
      ctx.fillStyle = fills[k];
      // One polygon per run of defined rows (NaN rows are gaps).
      let i = 0;
      while (i < m) {
        while (i < m && (upper[i] === null || upper[i] === undefined)) i++;
        const s = i;
        while (i < m && upper[i] !== null && upper[i] !== undefined) i++;
        if (i - s < 1) continue;
        ctx.beginPath();
        for (let j = s; j < i; j++) {
          const py = u.valToPos(upper[j] as number, 'y', true);
          if (j === s) ctx.moveTo(px[j], py);
          else ctx.lineTo(px[j], py);
        }
        for (let j = i - 1; j >= s; j--) {
          const lv = lower ? lower[j] : 0;
          ctx.lineTo(px[j], lv === null || lv === undefined ? y0 : u.valToPos(lv, 'y', true));
        }
        ctx.closePath();
        ctx.fill();
      }
    }
    ctx.restore();
  };
  const opts: uPlot.Options = {
    width,
    height,
    padding: [12, 16, 4, 4],
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false }, points: { show: false } },
    scales: { x: { time: true }, y: { range: [0, 1] } },
    series: [
      xSeries(input.formatX),
      ...input.labels.map((label, k) => ({
        label,
        stroke: input.colors[k],
        width: 1,
        spanGaps: false,
        // The legend shows this state's own probability, not the running sum that is plotted.
        value: (_u: uPlot, _v: number | null, _si: number, idx: number | null) => {
          if (idx === null || idx === undefined) return '—';
          const p = shown[idx * K + k];
          return Number.isFinite(p) ? `${(p * 100).toFixed(1)}%` : '—';
        },
      })),
    ],
    axes: [
      { ...AXIS },
      { ...AXIS, size: 48, values: (_u, vals) => vals.map((v) => (v === null ? '' : `${Math.round(v * 100)}%`)) },
    ],
    hooks: {
      drawAxes: [drawAreas],
      setScale: [resampleOnZoom(x, sample)],
    },
  };
  const plot = new uPlot(opts, sample(0, n, Math.max(50, width)), el);
  return {
    resize(w, h) {
      plot.setSize({ width: w, height: h });
    },
    destroy() {
      plot.destroy();
    },
  };
}
