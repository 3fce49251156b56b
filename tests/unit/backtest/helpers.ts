import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readBarsFile } from '../../../src/cli/read-bars';
import type { Bars } from '../../../src/engine/contracts';

export const REAL_DAILY = fileURLToPath(new URL('../../../../shared/data/real/daily/csv/', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('../../fixtures/backtest/', import.meta.url));

const cache = new Map<string, Bars>();

/** Clean daily bars of a real ticker (contract-A importer), cached per test file. */
export function realBars(ticker: string): Bars {
  let b = cache.get(ticker);
  if (!b) {
    b = readBarsFile(`${REAL_DAILY}${ticker}.csv`).tickers[0].bars;
    cache.set(ticker, b);
  }
  return b;
}

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(`${FIXTURES}${name}`, 'utf8')) as T;
}

/** |x − ref| ≤ tol·max(1, |ref|), with a message naming what differs. */
export function close(actual: number, expected: number, tol: number, what: string): void {
  const err = Math.abs(actual - expected);
  if (!(err <= tol * Math.max(1, Math.abs(expected)))) {
    throw new Error(`${what}: ${actual} vs reference ${expected} (error ${err})`);
  }
}

/** Epoch ms of 00:00 UTC of an ISO date. */
export function ms(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`);
}
