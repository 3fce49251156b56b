import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type TickerBars, readBarsFile } from '../../../src/cli/read-bars';
import type { Bars } from '../../../src/engine/contracts';

export const REPO = resolve(__dirname, '../../..');
export const REAL_DAILY = resolve(REPO, '../shared/data/real/daily/csv');
export const FIXTURES = resolve(REPO, 'tests/fixtures/features');

/** The single ticker of a real daily file as a clean frame. */
export function loadReal(ticker: string): Bars {
  const r = readBarsFile(resolve(REAL_DAILY, `${ticker}.csv`));
  if (r.tickers.length !== 1) throw new Error(`${ticker}.csv: expected one ticker, got ${r.tickers.length}`);
  return (r.tickers[0] as TickerBars).bars;
}

/** Keeps the rows i with keep(i). */
export function filterRows(b: Bars, keep: (i: number) => boolean): Bars {
  const idx: number[] = [];
  for (let i = 0; i < b.ts.length; i++) if (keep(i)) idx.push(i);
  const pick = (a: Float64Array) => Float64Array.from(idx, (i) => a[i]);
  return {
    ts: pick(b.ts),
    open: pick(b.open),
    high: pick(b.high),
    low: pick(b.low),
    close: pick(b.close),
    volume: pick(b.volume),
  };
}

/** The first n rows. */
export function head(b: Bars, n: number): Bars {
  return filterRows(b, (i) => i < n);
}

export interface RefTable {
  header: string[];
  rows: number[];
  dates: string[];
  /** values[col][k] for the k-th stored row; NaN for empty */
  values: Float64Array[];
}

/** Reads a gzip CSV fixture written by tests/reference/features/*.py (`row,date,<cols…>`). */
export function readRefTable(name: string): RefTable {
  const text = gunzipSync(readFileSync(resolve(FIXTURES, name))).toString('utf8');
  const lines = text.trimEnd().split('\n');
  const header = lines[0].split(',').slice(2);
  const rows: number[] = [];
  const dates: string[] = [];
  const values = header.map(() => new Float64Array(lines.length - 1));
  for (let k = 1; k < lines.length; k++) {
    const f = lines[k].split(',');
    rows.push(Number(f[0]));
    dates.push(f[1]);
    for (let j = 0; j < header.length; j++) {
      const s = f[j + 2];
      values[j][k - 1] = s === '' ? Number.NaN : Number(s);
    }
  }
  return { header, rows, dates, values };
}

/** Largest |x − ref| / max(1, |ref|) over the rows, or Infinity if NaN positions differ. */
export function worstRelError(x: ArrayLike<number>, ref: ArrayLike<number>): { worst: number; at: number } {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < ref.length; i++) {
    const a = x[i];
    const b = ref[i];
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) return { worst: Number.POSITIVE_INFINITY, at: i };
      continue;
    }
    const e = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (e > worst) {
      worst = e;
      at = i;
    }
  }
  return { worst, at };
}
