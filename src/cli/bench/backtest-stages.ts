/**
 * Bench stages of the backtest issue. Real data is loaded once per process and cached, so
 * the best-of-runs time `qe bench` reports is the engine work alone; each stage also times
 * its own phases.
 * - backtest.sweep_10000x5000: 10,000 dual-SMA combinations (fast 5..104 × slow 110..407
 *   step 3) over the first 5,000 daily closes of SPY, one worker (this thread): the SMA
 *   precomputation plus every combination's loop, with 1 bp costs per unit of turnover.
 *   bar_steps = combinations × bars.
 * - backtest.portfolio_31x20y: the event-driven simulator over all 31 real tickers (20 years
 *   daily, split-adjusted) with the default rules (dual SMA 20/50, spec default costs and
 *   sizing, 20 positions of 5 %). Loading, alignment and signals are outside the timing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type SimulatorConfig, DEFAULT_SIMULATOR, RULE_DEFAULTS, resolveConfig } from '../../engine/backtest/config';
import { type PriceMatrix, alignBars } from '../../engine/backtest/matrix';
import { type SignalMatrix, ruleSignals } from '../../engine/backtest/signals';
import { simulate } from '../../engine/backtest/simulator';
import { adjustSuspectedSplits } from '../../engine/backtest/splits';
import { type SmaGrid, prepareSweep, smaGrid, sweepChunk } from '../../engine/backtest/sweep';
import { readBarsFile } from '../read-bars';
import type { BenchStage } from './stages';

const DAILY_DIR = fileURLToPath(new URL('../../../../shared/data/real/daily/csv/', import.meta.url));
const ms = (x: number) => Math.round(x * 100) / 100;

let sweepInput: { closes: Float64Array; grid: SmaGrid } | null = null;

function loadSweep(): { closes: Float64Array; grid: SmaGrid } {
  if (sweepInput) return sweepInput;
  const spy = readBarsFile(join(DAILY_DIR, 'SPY.csv')).tickers[0].bars;
  if (spy.close.length < 5000) throw new Error(`SPY.csv has ${spy.close.length} bars; the sweep stage needs 5,000`);
  const grid = smaGrid({ from: 5, to: 104 }, { from: 110, to: 407, step: 3 });
  if (grid.fast.length !== 10_000) throw new Error(`sweep grid has ${grid.fast.length} combinations, expected 10,000`);
  sweepInput = { closes: spy.close.slice(0, 5000), grid };
  return sweepInput;
}

let portfolio: { m: PriceMatrix; signals: SignalMatrix; config: SimulatorConfig } | null = null;

function loadPortfolio(): { m: PriceMatrix; signals: SignalMatrix; config: SimulatorConfig } {
  if (portfolio) return portfolio;
  const files = readdirSync(DAILY_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  if (files.length !== 31) throw new Error(`expected 31 daily CSV files in ${DAILY_DIR}, found ${files.length}`);
  const series = files.flatMap((f) => readBarsFile(join(DAILY_DIR, f)).tickers.map((t) => ({ ticker: t.ticker, bars: adjustSuspectedSplits(t.bars).bars })));
  const m = alignBars(series);
  portfolio = {
    m,
    signals: ruleSignals(m, { kind: 'sma', fast: 20, slow: 50 }),
    config: resolveConfig(RULE_DEFAULTS, DEFAULT_SIMULATOR),
  };
  return portfolio;
}

export const BACKTEST_BENCH_STAGES: BenchStage[] = [
  {
    name: 'backtest.sweep_10000x5000',
    targetMs: 500,
    async run() {
      const { closes, grid } = loadSweep();
      const t0 = performance.now();
      const prep = prepareSweep(closes, grid);
      const t1 = performance.now();
      const out = sweepChunk(prep, grid, 0, grid.fast.length, { costBps: 1 });
      const t2 = performance.now();
      const steps = grid.fast.length * closes.length;
      let best = 0;
      for (let k = 1; k < out.sharpe.length; k++) if (out.sharpe[k] > out.sharpe[best]) best = k;
      return {
        compute_ms: ms(t2 - t0),
        prepare_ms: ms(t1 - t0),
        kernel_ms: ms(t2 - t1),
        combos: grid.fast.length,
        bars: closes.length,
        bar_steps: steps,
        bar_steps_per_s: Math.round(steps / ((t2 - t0) / 1000)),
        kernel_bar_steps_per_s: Math.round(steps / ((t2 - t1) / 1000)),
        best: `sma:${grid.fast[best]},${grid.slow[best]} sharpe ${out.sharpe[best].toFixed(3)}`,
      };
    },
  },
  {
    name: 'backtest.portfolio_31x20y',
    targetMs: 200,
    async run() {
      const { m, signals, config } = loadPortfolio();
      const t0 = performance.now();
      const r = simulate({ matrix: m, signals, config });
      const t1 = performance.now();
      return {
        compute_ms: ms(t1 - t0),
        tickers: m.cols,
        bars: m.rows,
        trades: r.trades.n,
        final_equity: Math.round(r.equity[m.rows - 1]),
      };
    },
  },
];
