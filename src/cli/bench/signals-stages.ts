/**
 * Bench stages of the signals work: GBDT prediction on the SIMD bin-space path against the
 * scalar walk (same model, same rows, bit-identical outputs), and the pure-TypeScript MLP
 * member (fit and predict at the spec's [64, 32] network) on the seeded synthetic set the
 * GBDT stages use.
 */
import { fitGbdt, type GbdtModel } from '../../engine/models/gbdt/model';
import { simdAvailability } from '../../engine/models/gbdt/wasm/predict-simd';
import { fitMlp, type MlpModel } from '../../engine/models/mlp';
import { r2 } from '../../engine/models/metrics';
import { type SyntheticRegression, syntheticRegression } from '../../engine/models/synthetic';
import type { BenchStage } from './stages';

let data: SyntheticRegression | null = null;
let gbdt: GbdtModel | null = null;
let gbdtData: SyntheticRegression | null = null;

/** The GBDT bench model (issue 7 settings: 100k × 40, 200 trees, depth 6), trained once. */
function benchGbdt(): { model: GbdtModel; d: SyntheticRegression } {
  if (!gbdtData) gbdtData = syntheticRegression({ rows: 100_000, features: 40, seed: 7 });
  if (!gbdt) gbdt = fitGbdt(gbdtData.columns, gbdtData.y, { maxIter: 200, maxDepth: 6, maxLeafNodes: null, learningRate: 0.1, minSamplesLeaf: 20 });
  return { model: gbdt, d: gbdtData };
}
let model: MlpModel | null = null;
const ROWS = 20_000;
const EPOCHS = 10;

function benchData(): SyntheticRegression {
  if (!data) data = syntheticRegression({ rows: ROWS, features: 40, seed: 7 });
  return data;
}

const ms = (x: number) => Math.round(x * 100) / 100;

export const SIGNALS_BENCH_STAGES: BenchStage[] = [
  {
    name: 'models.gbdt_predict_100k_simd_vs_scalar',
    async run() {
      const { model, d } = benchGbdt();
      const t0 = performance.now();
      const fast = model.predict(d.columns);
      const t1 = performance.now();
      const scalar = model.predictScalar(d.columns);
      const t2 = performance.now();
      let mismatches = 0;
      for (let i = 0; i < fast.length; i++) if (!Object.is(fast[i], scalar[i])) mismatches++;
      return {
        simd_ms: ms(t1 - t0),
        scalar_ms: ms(t2 - t1),
        speedup: Math.round(((t2 - t1) / (t1 - t0)) * 100) / 100,
        mismatches,
        simd: simdAvailability().simd ? 'yes' : simdAvailability().reason,
      };
    },
  },
  {
    name: 'models.mlp_fit_20k_40_10ep',
    async run() {
      const d = benchData();
      const t0 = performance.now();
      const m = fitMlp(d.columns, d.y, { hidden: [64, 32], maxEpochs: EPOCHS, earlyStopping: true, seed: 1 });
      const compute = performance.now() - t0;
      model = m;
      return { compute_ms: ms(compute), epochs: m.epochs, ms_per_epoch: ms(compute / m.epochs), rows: ROWS, train_r2: Math.round(r2(m.predict(d.columns), d.y) * 1e4) / 1e4 };
    },
  },
  {
    name: 'models.mlp_predict_20k',
    async run() {
      const d = benchData();
      if (!model) model = fitMlp(d.columns, d.y, { hidden: [64, 32], maxEpochs: EPOCHS, seed: 1 });
      const t0 = performance.now();
      const p = model.predict(d.columns);
      return { compute_ms: ms(performance.now() - t0), rows: p.length };
    },
  },
];
