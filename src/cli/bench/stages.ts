/**
 * Node-side benchmark stages run by `qe bench`. Each stage does real engine work on real or
 * seeded data and reports its own timing; issues add stages here.
 */
import { metricsBenchStage } from '../../engine/backtest/metrics-bench';
import { demoUniverseBenchStage } from '../../engine/data/synthetic-bench';
import { dataImportQualityStage } from './data-import-stage';
import { storageCodecBenchStage } from '../../storage/bench';
import { IV_BENCH_STAGES } from './iv-stages';
import { FEATURE_REGIME_BENCH_STAGES } from './features-regime-stages';
import { REGIME_BENCH_STAGES } from './regime-stages';
import { BACKTEST_BENCH_STAGES } from './backtest-stages';
import { MODEL_BENCH_STAGES } from './models-stages';
import { SIGNALS_BENCH_STAGES } from './signals-stages';
import { kalshiBenchStage } from '../../engine/kalshi/bench';
import { autopilotBenchStage } from '../commands/autopilot';

export interface BenchStage {
  /** e.g. "data.import_quality_31" */
  name: string;
  /** target in milliseconds, if an issue names one */
  targetMs?: number;
  /** runs the work once; returns extra figures to record (rows, bytes, throughput…) */
  run(): Promise<Record<string, number | string> | undefined>;
}

export const BENCH_STAGES: BenchStage[] = [
  metricsBenchStage,
  demoUniverseBenchStage,
  dataImportQualityStage,
  storageCodecBenchStage,
  ...IV_BENCH_STAGES,
  ...FEATURE_REGIME_BENCH_STAGES,
  ...REGIME_BENCH_STAGES,
  ...BACKTEST_BENCH_STAGES,
  ...MODEL_BENCH_STAGES,
  ...SIGNALS_BENCH_STAGES,
  kalshiBenchStage,
  autopilotBenchStage,
];
