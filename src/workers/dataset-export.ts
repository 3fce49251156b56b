/**
 * Dataset exports built off the main thread: RFC-4180 CSV (CRLF line ends, ISO dates, raw
 * numbers in shortest round-trip form, empty field for missing) that the importer reads back
 * to the same bars, and derived (resampled) views of stored intraday bars.
 */
import type { Bars, DatasetMeta, Timeframe } from '../engine/contracts';
import { TIMEFRAME_MINUTES } from '../engine/contracts';
import { DAY_MS, formatDay, formatInstant, newYorkSessionDay } from '../engine/data/calendar';
import { resampleBars } from '../engine/data/resample';

function num(x: number): string {
  return Number.isFinite(x) ? String(x) : '';
}

function quoted(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Daily: `ticker,date,…` (YYYY-MM-DD); intraday: `ticker,ts_utc,…` (YYYY-MM-DDTHH:MM:SSZ). */
export function barsToCsv(ticker: string, timeframe: Timeframe, bars: Bars): string {
  const daily = timeframe === '1d';
  const t = quoted(ticker);
  const lines: string[] = [`ticker,${daily ? 'date' : 'ts_utc'},open,high,low,close,volume`];
  const { ts, open, high, low, close, volume } = bars;
  for (let i = 0; i < ts.length; i++) {
    const when = daily ? formatDay(Math.floor(ts[i] / DAY_MS)) : formatInstant(ts[i]);
    lines.push(`${t},${when},${num(open[i])},${num(high[i])},${num(low[i])},${num(close[i])},${num(volume[i])}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

export class ResampleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResampleError';
  }
}

/** Timeframes a stored dataset of `from` can be resampled to (whole multiples, and daily). */
export function resampleTargets(from: Timeframe): Timeframe[] {
  if (from === '1d') return [];
  const m = TIMEFRAME_MINUTES[from];
  return (Object.keys(TIMEFRAME_MINUTES) as Timeframe[]).filter(
    (tf) => tf !== from && (tf === '1d' || (TIMEFRAME_MINUTES[tf] > m && TIMEFRAME_MINUTES[tf] % m === 0)),
  );
}

/**
 * Stored intraday bars → a higher timeframe with the engine's `resampleBars` (first open, max
 * high, min low, last close, summed volume; buckets never span sessions). The returned meta
 * describes the derived series: same origin (so provenance follows), source text saying
 * "derived", checksum of the source dataset.
 */
export function resampleDataset(meta: DatasetMeta, bars: Bars, to: Timeframe): { meta: DatasetMeta; bars: Bars } {
  if (!resampleTargets(meta.timeframe).includes(to)) {
    throw new ResampleError(`${meta.id} cannot be resampled to ${to} (possible: ${resampleTargets(meta.timeframe).join(', ') || 'none'})`);
  }
  const sessionDays = new Int32Array(bars.ts.length);
  for (let i = 0; i < bars.ts.length; i++) sessionDays[i] = newYorkSessionDay(bars.ts[i]);
  const out = resampleBars({ bars, sessionDays }, { from: meta.timeframe, to }).bars;
  const n = out.ts.length;
  return {
    meta: {
      ...meta,
      id: `${meta.ticker}|${to}`,
      timeframe: to,
      source: `${meta.source} — resampled from ${meta.timeframe} to ${to} (derived, not stored)`,
      rows: n,
      first: n > 0 ? new Date(out.ts[0]).toISOString() : null,
      last: n > 0 ? new Date(out.ts[n - 1]).toISOString() : null,
      bytes: 0,
    },
    bars: out,
  };
}
