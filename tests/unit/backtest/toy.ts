/** Tiny hand-made price matrices for the simulator tests. */
import type { Bars } from '../../../src/engine/contracts';
import { alignBars, type PriceMatrix } from '../../../src/engine/backtest/matrix';
import type { SignalMatrix } from '../../../src/engine/backtest/signals';

const DAY = 86_400_000;
/** 2024-01-02 (a Tuesday) */
export const T0 = Date.UTC(2024, 0, 2);

/** Bars from [open, high, low, close] rows on consecutive days from T0 (volume 1e6). */
export function bars(rows: Array<[number, number, number, number]>, volume = 1e6, startDay = 0): Bars {
  const n = rows.length;
  return {
    ts: Float64Array.from({ length: n }, (_, j) => T0 + (startDay + j) * DAY),
    open: Float64Array.from(rows, (r) => r[0]),
    high: Float64Array.from(rows, (r) => r[1]),
    low: Float64Array.from(rows, (r) => r[2]),
    close: Float64Array.from(rows, (r) => r[3]),
    volume: new Float64Array(n).fill(volume),
  };
}

export function matrix(series: Record<string, Bars>): PriceMatrix {
  return alignBars(Object.entries(series).map(([ticker, b]) => ({ ticker, bars: b })));
}

/**
 * Signals from sparse entries: { row: { ticker: [predicted, confidence] } }.
 */
export function signals(m: PriceMatrix, cells: Record<number, Record<string, [number, number]>>): SignalMatrix {
  const score = new Float64Array(m.rows * m.cols).fill(Number.NaN);
  const confidence = new Float64Array(m.rows * m.cols).fill(Number.NaN);
  for (const [row, byTicker] of Object.entries(cells)) {
    for (const [ticker, [p, c]] of Object.entries(byTicker)) {
      const i = m.tickers.indexOf(ticker);
      if (i < 0) throw new Error(`no ticker ${ticker}`);
      score[Number(row) * m.cols + i] = p;
      confidence[Number(row) * m.cols + i] = c;
    }
  }
  return { score, confidence, regime: null };
}
