/**
 * Daily bars for `qe features` / `qe regime`: a CSV file through the shared importer
 * (src/engine/data/normalize.ts, contract A), keeping each ticker's clean frame C
 * (sorted, duplicates removed keeping the last, rows with a missing/non-positive price or a
 * missing/negative volume removed).
 */
import { readFileSync } from 'node:fs';
import type { Bars } from '../engine/contracts';
import { importCsvText } from '../engine/data/normalize';

export interface TickerBars {
  ticker: string;
  bars: Bars;
}

export interface ReadBarsResult {
  /** one clean frame per ticker, tickers ascending */
  tickers: TickerBars[];
  /** rows dropped for an unparseable timestamp */
  badTimestamps: number;
}

/** Parses daily bars CSV text; `source` names the file in errors and supplies the ticker if there is no ticker column. */
export function parseBarsCsv(text: string, source: string): ReadBarsResult {
  const r = importCsvText(text, { file: source });
  if (r.kind !== 'daily') {
    throw new Error(`${source}: features and regimes need daily bars, but the file has intraday timestamps`);
  }
  return {
    tickers: r.tickers.map((t) => ({ ticker: t.ticker, bars: t.bars })),
    badTimestamps: r.badTimestamps,
  };
}

export function readBarsFile(path: string): ReadBarsResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return parseBarsCsv(text, path);
}
