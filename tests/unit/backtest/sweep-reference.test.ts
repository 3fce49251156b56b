/**
 * The dual-SMA sweep against the independent pandas reference
 * (tests/reference/backtest/sweep_ref.py → tests/fixtures/backtest/sweep_ref.json) on real
 * SPY (and an SPY/JPM/XOM equal-weight set), every metric within 1e-9·max(1, |ref|).
 */
import { describe, expect, it } from 'vitest';
import { type SmaGrid, chunkRanges, mergeSweepChunks, prepareSweep, runSweep, sweepChunk } from '../../../src/engine/backtest/sweep';
import { close, fixture, realBars } from './helpers';

interface RefRow {
  fast: number;
  slow: number;
  total_return: number;
  sharpe: number | null;
  max_drawdown: number;
  turnover: number;
  trades: number;
}
interface RefCase {
  name: string;
  tickers: string[];
  lag: number;
  cost_bps: number;
  rows: number;
  sign_disagreements_vs_rolling_mean: number;
  results: RefRow[];
}

const ref = fixture<{ cases: RefCase[] }>('sweep_ref.json');

/** Closes of the tickers on the dates all of them have. */
function commonCloses(tickers: string[]): Float64Array[] {
  const bars = tickers.map(realBars);
  const sets = bars.map((b) => new Set(b.ts));
  const common = [...sets[0]].filter((t) => sets.every((s) => s.has(t))).sort((a, b) => a - b);
  return bars.map((b) => {
    const at = new Map<number, number>();
    b.ts.forEach((t, j) => {
      at.set(t, b.close[j]);
    });
    return Float64Array.from(common, (t) => at.get(t)!);
  });
}

describe('dual-SMA sweep vs pandas reference', () => {
  for (const c of ref.cases) {
    it(c.name, () => {
      const closes = commonCloses(c.tickers);
      expect(closes[0].length).toBe(c.rows);
      // the prefix-sum SMAs agree with pandas rolling means on every crossover decision
      expect(c.sign_disagreements_vs_rolling_mean).toBe(0);
      const grid: SmaGrid = {
        fast: Int32Array.from(c.results, (r) => r.fast),
        slow: Int32Array.from(c.results, (r) => r.slow),
      };
      const res = runSweep(closes.length === 1 ? closes[0] : closes, grid, { lag: c.lag, costBps: c.cost_bps });
      c.results.forEach((r, k) => {
        const what = `${c.name} fast=${r.fast} slow=${r.slow}`;
        close(res.totalReturn[k], r.total_return, 1e-9, `${what} total_return`);
        if (r.sharpe === null) expect(res.sharpe[k]).toBeNaN();
        else close(res.sharpe[k], r.sharpe, 1e-9, `${what} sharpe`);
        close(res.maxDrawdown[k], r.max_drawdown, 1e-9, `${what} max_drawdown`);
        close(res.turnover[k], r.turnover, 1e-9, `${what} turnover`);
        expect(res.trades[k]).toBe(r.trades);
      });
    });
  }

  it('chunks evaluated separately and merged equal the single pass bit for bit', () => {
    const c = ref.cases[1];
    const closes = commonCloses(c.tickers)[0];
    const grid: SmaGrid = { fast: Int32Array.from(c.results, (r) => r.fast), slow: Int32Array.from(c.results, (r) => r.slow) };
    const whole = runSweep(closes, grid, { costBps: c.cost_bps });
    const p = prepareSweep(closes, grid);
    const chunks = chunkRanges(grid.fast.length, 7)
      .reverse()
      .map(([a, b]) => sweepChunk(p, grid, a, b, { costBps: c.cost_bps }));
    const merged = mergeSweepChunks(grid, chunks);
    expect(Array.from(merged.sharpe)).toEqual(Array.from(whole.sharpe));
    expect(Array.from(merged.maxDrawdown)).toEqual(Array.from(whole.maxDrawdown));
    expect(Array.from(merged.totalReturn)).toEqual(Array.from(whole.totalReturn));
  });
});
