/**
 * Bench stages of the model engine (issue 7). The GBDT stages use the seeded synthetic set
 * the scikit-learn reference regenerates (tests/reference/models/gbdt_ref.py --bench), whose
 * timing on this machine is committed in tests/fixtures/models/bench_sklearn.json: the train
 * stage's target is that time (ratio ≤ 1.0×), and both figures appear in its output.
 * Data are generated once per process; `compute_ms` is the engine work alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fitGbdt, type GbdtModel } from '../../engine/models/gbdt/model';
import { kernelAvailability } from '../../engine/models/gbdt/wasm/kernels';
import { simdAvailability, simdIneligibility } from '../../engine/models/gbdt/wasm/predict-simd';
import { r2 } from '../../engine/models/metrics';
import { type SyntheticRegression, syntheticRegression } from '../../engine/models/synthetic';
import type { BenchStage } from './stages';

const SKLEARN_FILE = fileURLToPath(new URL('../../../tests/fixtures/models/bench_sklearn.json', import.meta.url));

interface SklearnBench {
  fit_seconds_best: number;
  predict_seconds_best: number;
  train_r2: number;
  leaves: number;
  machine: { cpus: number; sklearn: string; omp_threads: string };
}

function sklearnBench(): SklearnBench | null {
  if (!existsSync(SKLEARN_FILE)) return null;
  return JSON.parse(readFileSync(SKLEARN_FILE, 'utf8')) as SklearnBench;
}

/** The bench settings (scikit-learn: max_iter 200, max_depth 6, max_leaf_nodes None, lr 0.1, min_samples_leaf 20). */
export const BENCH_GBDT = { maxIter: 200, maxDepth: 6, maxLeafNodes: null, learningRate: 0.1, minSamplesLeaf: 20 } as const;

let data: SyntheticRegression | null = null;
let model: GbdtModel | null = null;

function benchData(): SyntheticRegression {
  if (!data) data = syntheticRegression({ rows: 100_000, features: 40, seed: 7 });
  return data;
}

const ms = (x: number) => Math.round(x * 100) / 100;
const sk = sklearnBench();

export const MODEL_BENCH_STAGES: BenchStage[] = [
  {
    name: 'models.gbdt_train_100k_40_200',
    ...(sk ? { targetMs: Math.round(sk.fit_seconds_best * 1000) } : {}),
    async run() {
      const d = benchData();
      const t0 = performance.now();
      const m = fitGbdt(d.columns, d.y, BENCH_GBDT);
      const compute = performance.now() - t0;
      model = m;
      let leaves = 0;
      for (const t of m.trees) for (const f of t.feature) if (f < 0) leaves++;
      return {
        compute_ms: ms(compute),
        kernels: kernelAvailability().wasm ? 'wasm' : 'js',
        trees: m.nIter,
        leaves,
        sklearn_ms: sk ? Math.round(sk.fit_seconds_best * 1000) : 'missing: run tests/reference/models/gbdt_ref.py --bench',
        sklearn_threads: sk ? `${sk.machine.omp_threads} (${sk.machine.cpus} cpus)` : '',
        sklearn_leaves: sk ? sk.leaves : '',
        ratio_vs_sklearn: sk ? Math.round((compute / (sk.fit_seconds_best * 1000)) * 1000) / 1000 : '',
      };
    },
  },
  {
    name: 'models.gbdt_predict_100k',
    targetMs: 50,
    async run() {
      const d = benchData();
      if (!model) model = fitGbdt(d.columns, d.y, BENCH_GBDT);
      const t0 = performance.now();
      const p = model.predict(d.columns);
      const compute = performance.now() - t0;
      const simd = simdAvailability();
      const ineligible = simdIneligibility(model.trees, model.nFeatures);
      return {
        compute_ms: ms(compute),
        // the first call builds the SIMD predictor (forest binning, generated kernels) and runs on unoptimised wasm
        path: !simd.simd ? `scalar: ${simd.reason}` : ineligible ? `scalar: ${ineligible}` : 'simd (generated kernels)',
        rows: p.length,
        trees: model.nIter,
        train_r2: Math.round(r2(p, d.y) * 1e4) / 1e4,
        sklearn_train_r2: sk ? Math.round(sk.train_r2 * 1e4) / 1e4 : '',
        sklearn_predict_ms: sk ? Math.round(sk.predict_seconds_best * 1000) : '',
      };
    },
  },
];
