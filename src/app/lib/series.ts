import { formatNumber } from './format';

export interface SeriesStats {
  count: number;
  /** finite observations */
  valid: number;
  min: number;
  max: number;
  last: number;
  /** x of the last finite value, NaN when none */
  lastX: number;
}

/** One pass over a series; NaN values are counted but not used for min/max/last. */
export function seriesStats(x: Float64Array, y: Float64Array): SeriesStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let last = Number.NaN;
  let lastX = Number.NaN;
  let valid = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) continue;
    valid++;
    if (v < min) min = v;
    if (v > max) max = v;
    last = v;
    lastX = x[i];
  }
  if (valid === 0) return { count: y.length, valid, min: Number.NaN, max: Number.NaN, last, lastX };
  return { count: y.length, valid, min, max, last, lastX };
}

/** One-line chart summary, e.g. "Last 101.20 on 2024-03-01 · min 88.10 · max 120.00 · 1,250 points". */
export function summarizeSeries(label: string, x: Float64Array, y: Float64Array, formatX: (x: number) => string): string {
  const s = seriesStats(x, y);
  if (s.valid === 0) return `${label}: no values`;
  return `${label}: last ${formatNumber(s.last)} on ${formatX(s.lastX)} · min ${formatNumber(s.min)} · max ${formatNumber(s.max)} · ${s.count.toLocaleString('en-US')} points`;
}
