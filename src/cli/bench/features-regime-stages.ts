/**
 * Bench stages of the features/regimes issue. Inputs (real files, simulated observations) are
 * loaded once per process and cached, so only the first run of a stage pays for loading;
 * `qe bench` reports the best run. Each stage also reports `compute_ms`, its own timing of
 * the engine work alone.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bars } from '../../engine/contracts';
import { seedFromString } from '../../engine/core/hash';
import { Prng } from '../../engine/core/prng';
import { computeCoreFeatures } from '../../engine/features/registry';
import { causalRegimes } from '../../engine/regime/causal';
import { fitGaussianHmm, type HmmParams } from '../../engine/regime/hmm';
import { simulateHmm } from '../../engine/regime/simulate';
import { readBarsFile } from '../read-bars';
import type { BenchStage } from './stages';

const DAILY_DIR = fileURLToPath(new URL('../../../../shared/data/real/daily/csv/', import.meta.url));

interface Universe {
  tickers: string[];
  bars: Bars[];
  spy: Bars;
  rows: number;
}

let universe: Universe | null = null;

function loadUniverse(): Universe {
  if (universe) return universe;
  const files = readdirSync(DAILY_DIR)
    .filter((f) => f.endsWith('.csv'))
    .sort();
  if (files.length !== 31) throw new Error(`expected 31 daily CSV files in ${DAILY_DIR}, found ${files.length}`);
  const tickers: string[] = [];
  const bars: Bars[] = [];
  for (const f of files) {
    for (const t of readBarsFile(join(DAILY_DIR, f)).tickers) {
      tickers.push(t.ticker);
      bars.push(t.bars);
    }
  }
  const i = tickers.indexOf('SPY');
  if (i < 0) throw new Error(`SPY.csv missing from ${DAILY_DIR}`);
  universe = { tickers, bars, spy: bars[i], rows: bars.reduce((s, b) => s + b.ts.length, 0) };
  return universe;
}

const ms = (x: number) => Math.round(x * 100) / 100;

/** A 4-state, 3-feature model with regime-like persistence and overlapping emissions. */
const BENCH_HMM: HmmParams = {
  states: 4,
  dims: 3,
  startprob: Float64Array.from([0.25, 0.25, 0.25, 0.25]),
  transmat: Float64Array.from([
    0.95, 0.03, 0.01, 0.01, 0.02, 0.95, 0.02, 0.01, 0.01, 0.03, 0.94, 0.02, 0.02, 0.02, 0.04, 0.92,
  ]),
  means: Float64Array.from([-2, 1, 0, -0.5, 0, 1, 0.5, -1, 0, 2, 0.5, -1]),
  variances: Float64Array.from([1, 0.5, 1, 0.5, 1, 0.7, 0.8, 0.6, 1, 1.5, 1, 0.5]),
};

let hmmSample: Float64Array | null = null;
let aapl: Bars | null = null;

function loadAapl(): Bars {
  if (aapl) return aapl;
  const file = join(DAILY_DIR, 'AAPL.csv');
  const t = readBarsFile(file).tickers;
  if (t.length !== 1) throw new Error(`${file}: expected one ticker, got ${t.length}`);
  aapl = t[0].bars;
  return aapl;
}

export const FEATURE_REGIME_BENCH_STAGES: BenchStage[] = [
  {
    name: 'features.core_31x20y',
    targetMs: 150,
    async run() {
      const u = loadUniverse();
      const t0 = performance.now();
      let cells = 0;
      for (const b of u.bars) cells += computeCoreFeatures(b, u.spy).columns.length * b.ts.length;
      return { compute_ms: ms(performance.now() - t0), tickers: u.bars.length, rows: u.rows, cells };
    },
  },
  {
    name: 'features.one_ticker_full',
    targetMs: 20,
    async run() {
      const u = loadUniverse();
      const aapl = u.bars[u.tickers.indexOf('AAPL')];
      const t0 = performance.now();
      const { columns } = computeCoreFeatures(aapl, u.spy);
      return { compute_ms: ms(performance.now() - t0), ticker: 'AAPL', rows: aapl.ts.length, features: columns.length };
    },
  },
  {
    name: 'regime.hmm_4x3_5000',
    targetMs: 30,
    async run() {
      if (!hmmSample) hmmSample = simulateHmm(BENCH_HMM, 5000, new Prng(seedFromString('bench.regime.hmm_4x3_5000'))).X;
      const t0 = performance.now();
      const fit = fitGaussianHmm(hmmSample, 5000, 3, { states: 4 });
      return {
        compute_ms: ms(performance.now() - t0),
        rows: 5000,
        iterations: fit.iterations,
        converged: String(fit.converged),
        loglik: Math.round(fit.loglik * 1000) / 1000,
      };
    },
  },
  {
    // Expanding-window HMM refits every 252 observations (the model-training setting) on 20
    // years of AAPL: the cost of the regime features of one ticker.
    name: 'regime.causal_hmm_252_aapl',
    async run() {
      const bars = loadAapl();
      const t0 = performance.now();
      const r = causalRegimes(bars, { method: 'hmm', refitEvery: 252 });
      const compute = performance.now() - t0;
      let last = -1;
      for (let t = r.regime.length - 1; t >= 0 && last < 0; t--) last = r.regime[t];
      return { compute_ms: ms(compute), rows: bars.ts.length, refits: r.refitRows.length, last_regime: last };
    },
  },
];
