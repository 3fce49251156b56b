/**
 * Workload for the `metrics.full_5000` bench stage: contract E on 5,000 seeded daily
 * returns with a benchmark (one missing benchmark day in 50, so the join does real work)
 * and a long/flat weight column. Timing is done by the caller (`qe bench`).
 */
import { seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import { type MetricsInput, computeMetrics } from './metrics';

export function syntheticMetricsInput(n: number, seedKey = `metrics.bench:${n}`): MetricsInput {
  const rng = new Prng(seedFromString(seedKey));
  const dates = new Int32Array(n);
  const asset = new Float64Array(n);
  const weights = new Float64Array(n);
  const bDates: number[] = [];
  const bRets: number[] = [];
  let day = 13_000; // 2005-08-05; weekends skipped below
  let w = 0;
  const returns = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    day += (day + 4) % 7 === 5 ? 3 : 1; // Friday → Monday
    dates[t] = day;
    const market = 0.0003 + 0.011 * rng.normal();
    asset[t] = 0.0002 + 1.2 * market + 0.012 * rng.normal();
    returns[t] = w * asset[t]; // weight decided at the previous close
    if (rng.next() < 0.05) w = w === 0 ? 1 : 0;
    weights[t] = w;
    if (rng.int(50) !== 0) {
      bDates.push(day);
      bRets.push(market);
    }
  }
  return {
    dates,
    returns,
    benchmark: { dates: Int32Array.from(bDates), returns: Float64Array.from(bRets) },
    weights,
    rfAnnual: 0.02,
    corrWindow: 63,
  };
}

let cached: MetricsInput | undefined;

/**
 * Structurally a `BenchStage` (src/cli/bench/stages.ts); the engine does not import the CLI.
 * The input is built once, so the best-of-runs time is computeMetrics alone.
 */
export const metricsBenchStage = {
  name: 'metrics.full_5000',
  async run(): Promise<Record<string, number | string>> {
    cached ??= syntheticMetricsInput(5000);
    const m = computeMetrics(cached);
    return { rows: m.n_periods, benchmark_rows: m.n_benchmark_rows ?? 0, sharpe: m.sharpe ?? 'null' };
  },
};
