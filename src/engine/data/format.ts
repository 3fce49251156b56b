/**
 * C as CSV text (what `qe normalize` prints and the app exports).
 *
 * Numbers are written in ECMAScript's shortest round-trip form (`String(x)`, precisely specified
 * and the same in every JS engine): integers without ".0" (volume 27905392, not 27905392.0),
 * exponent form below 1e-6 and from 1e21 ("1e-7", "1e+21"). Python's repr picks the same
 * digits but a different notation (1e-07, 100.0, 1e+16), so a reference compares parsed
 * values, not text. Missing values are empty fields; -0 is written "0".
 *
 * Daily:    ticker,date,open,high,low,close,volume            (date YYYY-MM-DD)
 * Intraday: ticker,ts_utc,session_date,open,high,low,close,volume (ts_utc YYYY-MM-DDTHH:MM:SSZ)
 */
import { DAY_MS, formatDay, formatInstant } from './calendar';
import type { FileKind, TickerFrames } from './normalize';

export function formatNumber(x: number): string {
  return Number.isNaN(x) ? '' : String(x);
}

export function cleanCsvHeader(kind: FileKind): string {
  return kind === 'daily'
    ? 'ticker,date,open,high,low,close,volume'
    : 'ticker,ts_utc,session_date,open,high,low,close,volume';
}

/** Appends the CSV lines of one ticker's C to `out` (one string per line, no newline). */
export function cleanCsvLines(f: TickerFrames, kind: FileKind, out: string[]): void {
  const { ts, open, high, low, close, volume } = f.bars;
  const t = f.ticker;
  for (let i = 0; i < ts.length; i++) {
    const when =
      kind === 'daily'
        ? formatDay(Math.floor(ts[i] / DAY_MS))
        : `${formatInstant(ts[i])},${formatDay(f.sessionDays[i])}`;
    out.push(
      `${t},${when},${formatNumber(open[i])},${formatNumber(high[i])},${formatNumber(low[i])},${formatNumber(close[i])},${formatNumber(volume[i])}`,
    );
  }
}

/** The whole clean CSV of an import (tickers ascending), ending with a newline. */
export function cleanCsv(tickers: readonly TickerFrames[], kind: FileKind): string {
  const lines = [cleanCsvHeader(kind)];
  for (const f of tickers) cleanCsvLines(f, kind, lines);
  return `${lines.join('\n')}\n`;
}
