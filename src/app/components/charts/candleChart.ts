/**
 * Imperative uPlot candlestick + volume chart (loaded lazily by CandleChart). One uPlot with
 * two y scales: candles in the upper part, volume bars (coloured by up/down) in the lower
 * quarter, drawn by a `draw` hook. The visible range is re-aggregated to the pixel width on
 * every zoom (first open, max high, min low, last close, summed volume per bucket), so 100k
 * bars draw as a few hundred candles and zooming in reveals single bars.
 * Zoom: drag to select, mouse wheel, +/−; pan: Shift+wheel, ←/→; Home = all, End = last 500.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Bars } from '../../../engine/contracts';
import { aggregateCandles, extents, lowerBound } from './candle-buckets';

export interface CandleInput {
  bars: Bars;
  /** daily bars: dates on the axis and legend */
  daily: boolean;
  /** bars shown at first (the most recent ones) */
  initialBars?: number;
  /** receives the visible window whenever it changes */
  onView?: (v: CandleView) => void;
}

export interface CandleView {
  from: number;
  to: number;
  /** bars per drawn candle */
  per: number;
}

export interface CandleHandle {
  resize(width: number, height: number): void;
  /** Shows bars [from, to) (indices). */
  showRange(from: number, to: number): void;
  destroy(): void;
}

const UP = '#3fb950';
const DOWN = '#f85149';
const AXIS = {
  stroke: '#8b949e',
  grid: { stroke: '#21262d', width: 0.5 },
  ticks: { stroke: '#30363d', width: 0.5, size: 4 },
  font: '10px Menlo, "SF Mono", "Fira Code", monospace',
} as const;
/** CSS px per drawn candle at most density */
const PX_PER_CANDLE = 3;

function fmtPrice(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(2);
}

function fmtVolume(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}K`;
  return String(Math.round(v));
}

export function createCandleChart(el: HTMLElement, input: CandleInput, width: number, height: number): CandleHandle {
  const { bars } = input;
  const n = bars.ts.length;
  let view = { from: Math.max(0, n - (input.initialBars ?? 500)), to: n };

  const buildData = (from: number, to: number, plotCssWidth: number): uPlot.AlignedData => {
    const b = aggregateCandles(bars, from, to, Math.max(20, Math.floor(plotCssWidth / PX_PER_CANDLE)));
    // The overall first and last bars pad the data so uPlot knows the full extent.
    const padL = from > 0 ? 1 : 0;
    const padR = to < n ? 1 : 0;
    const m = b.x.length + padL + padR;
    const cols = [new Float64Array(m), new Float64Array(m), new Float64Array(m), new Float64Array(m), new Float64Array(m), new Float64Array(m)];
    const put = (k: number, t: number, o: number, h: number, l: number, c: number, v: number) => {
      cols[0][k] = t / 1000;
      cols[1][k] = o;
      cols[2][k] = h;
      cols[3][k] = l;
      cols[4][k] = c;
      cols[5][k] = v;
    };
    if (padL) put(0, bars.ts[0], bars.open[0], bars.high[0], bars.low[0], bars.close[0], bars.volume[0]);
    for (let i = 0; i < b.x.length; i++) put(i + padL, b.x[i], b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]);
    if (padR) put(m - 1, bars.ts[n - 1], bars.open[n - 1], bars.high[n - 1], bars.low[n - 1], bars.close[n - 1], bars.volume[n - 1]);
    const ext = extents(b);
    current = { per: b.per, ext, padL, padR, count: b.x.length };
    // uPlot takes typed arrays; only a column with gaps needs nulls (clean data has none)
    return cols.map((c, i) => (i === 0 || c.every(Number.isFinite) ? c : Array.from(c, (v) => (Number.isFinite(v) ? v : null)))) as uPlot.AlignedData;
  };
  let current: { per: number; ext: ReturnType<typeof extents>; padL: number; padR: number; count: number } = {
    per: 1,
    ext: null,
    padL: 0,
    padR: 0,
    count: 0,
  };

  /** y ranges of the current view: candles in the top ~75 %, volume in the bottom quarter */
  const priceRange = (): uPlot.Range.MinMax => {
    const e = current.ext;
    if (!e) return [0, 1];
    const span = Math.max(e.high - e.low, Math.abs(e.high) * 1e-6, 1e-9);
    return [e.low - span * 0.38, e.high + span * 0.04];
  };
  const volRange = (): uPlot.Range.MinMax => [0, Math.max(1, current.ext?.maxVolume ?? 1) * 4.2];

  const plotCssWidth = (u: uPlot) => u.bbox.width / (devicePixelRatio || 1);

  const draw = (u: uPlot) => {
    const ctx = u.ctx;
    const [xs, os, hs, ls, cs, vs] = u.data as unknown as [number[], (number | null)[], (number | null)[], (number | null)[], (number | null)[], (number | null)[]];
    const { left, top, width: w, height: h } = u.bbox;
    const count = Math.max(1, current.count);
    const slot = w / count;
    const body = Math.max(1, Math.floor(slot * 0.7));
    const dpr = devicePixelRatio || 1;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, w, h);
    ctx.clip();
    const vol0 = u.valToPos(0, 'vol', true);
    for (let i = 0; i < xs.length; i++) {
      const o = os[i];
      const c = cs[i];
      const hi = hs[i];
      const lo = ls[i];
      const x = Math.round(u.valToPos(xs[i], 'x', true) + slot / 2);
      const up = c !== null && o !== null ? c >= o : true;
      ctx.fillStyle = up ? UP : DOWN;
      ctx.strokeStyle = up ? UP : DOWN;
      const v = vs[i];
      if (v !== null && v > 0) {
        const vy = u.valToPos(v, 'vol', true);
        ctx.globalAlpha = 0.45;
        ctx.fillRect(x - body / 2, vy, body, Math.max(1, vol0 - vy));
        ctx.globalAlpha = 1;
      }
      if (o === null || c === null) continue;
      const yo = u.valToPos(o, 'price', true);
      const yc = u.valToPos(c, 'price', true);
      if (hi !== null && lo !== null) {
        ctx.lineWidth = Math.max(1, dpr);
        ctx.beginPath();
        ctx.moveTo(x, u.valToPos(hi, 'price', true));
        ctx.lineTo(x, u.valToPos(lo, 'price', true));
        ctx.stroke();
      }
      const yTop = Math.min(yo, yc);
      ctx.fillRect(x - body / 2, yTop, body, Math.max(dpr, Math.abs(yc - yo)));
    }
    ctx.restore();
  };

  /**
   * Shows [min, max] (seconds): re-aggregates the bars inside to the pixel width first, then
   * sets the x scale in the same batch, so the y ranges (range functions reading `current`)
   * follow the new view. Every zoom and pan goes through here.
   */
  const applyRange = (u: uPlot, min: number, max: number) => {
    if (!(max > min) || n === 0) return;
    const from = Math.max(0, Math.min(n - 1, lowerBound(bars.ts, min * 1000)));
    const to = Math.min(n, Math.max(from + 1, lowerBound(bars.ts, max * 1000 + 1)));
    view = { from, to };
    const data = buildData(from, to, plotCssWidth(u));
    u.batch(() => {
      u.setData(data, false);
      u.setScale('x', { min, max });
    });
    input.onView?.({ from, to, per: current.per });
  };

  const timeFmt = input.daily
    ? (_u: uPlot, v: number) => (v === null ? '—' : new Date(v * 1000).toISOString().slice(0, 10))
    : (_u: uPlot, v: number) => (v === null ? '—' : `${new Date(v * 1000).toISOString().slice(0, 16).replace('T', ' ')}Z`);

  const opts: uPlot.Options = {
    width,
    height,
    padding: [10, 8, 4, 4],
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false }, bind: { dblclick: () => null } },
    scales: {
      x: { time: true, auto: false },
      price: { auto: true, range: () => priceRange() },
      vol: { auto: true, range: () => volRange() },
    },
    series: [
      { value: timeFmt },
      { label: 'Open', scale: 'price', paths: () => null, points: { show: false }, value: (_u, v) => fmtPrice(v), stroke: '#8b949e' },
      { label: 'High', scale: 'price', paths: () => null, points: { show: false }, value: (_u, v) => fmtPrice(v), stroke: UP },
      { label: 'Low', scale: 'price', paths: () => null, points: { show: false }, value: (_u, v) => fmtPrice(v), stroke: DOWN },
      { label: 'Close', scale: 'price', paths: () => null, points: { show: false }, value: (_u, v) => fmtPrice(v), stroke: '#58a6ff' },
      { label: 'Volume', scale: 'vol', paths: () => null, points: { show: false }, value: (_u, v) => fmtVolume(v), stroke: '#6e7681' },
    ],
    axes: [
      { ...AXIS },
      { ...AXIS, scale: 'price', side: 1, size: 60, values: (_u, vals) => vals.map((v) => fmtPrice(v)) },
      { scale: 'vol', show: false },
    ],
    hooks: {
      draw: [draw],
      setSelect: [
        (u) => {
          if (u.select.width < 3) return;
          const min = u.posToVal(u.select.left, 'x');
          const max = u.posToVal(u.select.left + u.select.width, 'x');
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          applyRange(u, min, max);
        },
      ],
    },
  };

  const initialData = buildData(view.from, view.to, Math.max(50, width - 80));
  const plot = new uPlot(opts, initialData, el);

  const showRange = (from: number, to: number) => {
    const f = Math.max(0, Math.min(from, n - 1));
    const t = Math.max(f + 1, Math.min(to, n));
    const min = bars.ts[f] / 1000;
    // half a bar of room after the last bar so its candle is not cut off
    const step = t - 1 > f ? (bars.ts[t - 1] - bars.ts[f]) / (t - 1 - f) : 86_400_000;
    const max = (bars.ts[t - 1] + step * 0.999) / 1000;
    applyRange(plot, min, max);
  };
  if (n > 0) showRange(view.from, view.to);

  const zoom = (factor: number, centerVal?: number) => {
    const min = plot.scales.x.min ?? 0;
    const max = plot.scales.x.max ?? 0;
    const c = centerVal ?? (min + max) / 2;
    const first = bars.ts[0] / 1000;
    const last = bars.ts[n - 1] / 1000;
    let nmin = c - (c - min) * factor;
    let nmax = c + (max - c) * factor;
    if (nmax - nmin >= last - first) {
      nmin = first;
      nmax = last + (last - first) / Math.max(1, n);
    }
    applyRange(plot, Math.max(first, nmin), Math.min(last + (last - first), nmax));
  };
  const pan = (fraction: number) => {
    const min = plot.scales.x.min ?? 0;
    const max = plot.scales.x.max ?? 0;
    const d = (max - min) * fraction;
    const first = bars.ts[0] / 1000;
    const last = bars.ts[n - 1] / 1000;
    const shift = Math.max(first - min, Math.min(last - min - (max - min) * 0.1, d));
    applyRange(plot, min + shift, max + shift);
  };

  const over = plot.over;
  const onWheel = (e: WheelEvent) => {
    if (n < 2) return;
    e.preventDefault();
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      pan((e.shiftKey ? e.deltaY : e.deltaX) > 0 ? 0.15 : -0.15);
      return;
    }
    const rect = over.getBoundingClientRect();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, plot.posToVal(e.clientX - rect.left, 'x'));
  };
  const onDbl = () => showRange(0, n);
  over.addEventListener('wheel', onWheel, { passive: false });
  over.addEventListener('dblclick', onDbl);
  const onKey = (e: KeyboardEvent) => {
    if (n < 2) return;
    const k = e.key;
    if (k === 'ArrowLeft') pan(-0.2);
    else if (k === 'ArrowRight') pan(0.2);
    else if (k === '+' || k === '=') zoom(0.7);
    else if (k === '-' || k === '_') zoom(1.4);
    else if (k === 'Home') showRange(0, n);
    else if (k === 'End') showRange(n - (input.initialBars ?? 500), n);
    else return;
    e.preventDefault();
  };
  el.addEventListener('keydown', onKey);

  return {
    resize(w, h) {
      plot.setSize({ width: w, height: h });
      const min = plot.scales.x.min;
      const max = plot.scales.x.max;
      if (min !== undefined && max !== undefined && min !== null && max !== null) applyRange(plot, min, max);
    },
    showRange,
    destroy() {
      over.removeEventListener('wheel', onWheel);
      over.removeEventListener('dblclick', onDbl);
      el.removeEventListener('keydown', onKey);
      plot.destroy();
    },
  };
}
