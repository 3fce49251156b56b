/**
 * Workload for the `data.demo_universe` bench stage: the whole seeded demo universe (11 tickers,
 * 10 years daily + 1 year hourly). Timing is done by the caller (`qe bench`).
 */
import { DEMO_KEY, generateDemoUniverse } from './synthetic';

export const demoUniverseBenchStage = {
  name: 'data.demo_universe',
  async run(): Promise<Record<string, number | string>> {
    const u = generateDemoUniverse(DEMO_KEY);
    let rows = 0;
    for (const s of u.series) rows += s.bars.ts.length;
    return { series: u.series.length, rows };
  },
};
