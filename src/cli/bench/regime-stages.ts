/**
 * Bench stages of the regime engine beyond the HMM: the jump model on 5,000 simulated
 * observations (4 states, 3 features) and the full consensus (features → HMM + jump + rules →
 * weighted vote) on 5,000 real SPY bars. Inputs are built once per process; each stage reports
 * `compute_ms`, its own timing of the engine work alone.
 */
import { fileURLToPath } from 'node:url';
import type { Bars } from '../../engine/contracts';
import { seedFromString } from '../../engine/core/hash';
import { Prng } from '../../engine/core/prng';
import { analyseRegimes } from '../../engine/regime/analysis';
import type { HmmParams } from '../../engine/regime/hmm';
import { fitJumpModel } from '../../engine/regime/jump';
import { simulateHmm } from '../../engine/regime/simulate';
import { readBarsFile } from '../read-bars';
import type { BenchStage } from './stages';

const SPY_FILE = fileURLToPath(new URL('../../../../shared/data/real/daily/csv/SPY.csv', import.meta.url));
const ROWS = 5000;

/** Persistent regimes with overlapping emissions (the same model as the HMM stage). */
const SIM: HmmParams = {
  states: 4,
  dims: 3,
  startprob: Float64Array.from([0.25, 0.25, 0.25, 0.25]),
  transmat: Float64Array.from([
    0.95, 0.03, 0.01, 0.01, 0.02, 0.95, 0.02, 0.01, 0.01, 0.03, 0.94, 0.02, 0.02, 0.02, 0.04, 0.92,
  ]),
  means: Float64Array.from([-2, 1, 0, -0.5, 0, 1, 0.5, -1, 0, 2, 0.5, -1]),
  variances: Float64Array.from([1, 0.5, 1, 0.5, 1, 0.7, 0.8, 0.6, 1, 1.5, 1, 0.5]),
};

let sim: { X: Float64Array; states: Int32Array } | null = null;
let spy: Bars | null = null;

function head(b: Bars, n: number): Bars {
  if (b.ts.length < n) throw new Error(`${SPY_FILE} has ${b.ts.length} rows; the stage needs ${n}`);
  return {
    ts: b.ts.slice(0, n),
    open: b.open.slice(0, n),
    high: b.high.slice(0, n),
    low: b.low.slice(0, n),
    close: b.close.slice(0, n),
    volume: b.volume.slice(0, n),
  };
}

const ms = (x: number) => Math.round(x * 100) / 100;

export const REGIME_BENCH_STAGES: BenchStage[] = [
  {
    name: 'regime.jump_5000',
    async run() {
      if (!sim) sim = simulateHmm(SIM, ROWS, new Prng(seedFromString('bench.regime.jump_5000')));
      const t0 = performance.now();
      const fit = fitJumpModel(sim.X, ROWS, 3, { states: 4 });
      const compute = performance.now() - t0;
      // Agreement of the online states with the simulated path, best over state permutations.
      const agree = new Float64Array(16);
      for (let t = 0; t < ROWS; t++) agree[fit.online[t] * 4 + sim.states[t]]++;
      let best = 0;
      for (const p of permutations([0, 1, 2, 3])) best = Math.max(best, p.reduce((s, j, i) => s + agree[i * 4 + j], 0));
      return {
        compute_ms: ms(compute),
        rows: ROWS,
        iterations: fit.iterations,
        restarts: fit.restartObjectives.length,
        penalty: fit.model.penalty,
        online_accuracy: Math.round((best / ROWS) * 1e4) / 1e4,
      };
    },
  },
  {
    name: 'regime.consensus_5000',
    async run() {
      if (!spy) {
        const t = readBarsFile(SPY_FILE).tickers;
        if (t.length !== 1) throw new Error(`${SPY_FILE}: expected one ticker`);
        spy = head(t[0].bars, ROWS);
      }
      const t0 = performance.now();
      const a = analyseRegimes(spy, { method: 'consensus' });
      const compute = performance.now() - t0;
      return {
        compute_ms: ms(compute),
        rows: a.rows.length,
        hmm_iterations: a.hmm?.fit.iterations ?? -1,
        jump_iterations: a.jump?.iterations ?? -1,
        last_regime: a.canonical.regime[a.rows.length - 1],
      };
    },
  },
];

function permutations(xs: number[]): number[][] {
  if (xs.length <= 1) return [xs];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
}
