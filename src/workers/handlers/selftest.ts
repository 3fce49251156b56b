/**
 * Worker self-test: real numeric work for `params.seconds` — seeded Gaussian matrices,
 * dense products, and running (Welford) statistics of the product entries — reporting
 * progress after every chunk and stopping at the next chunk when cancelled. Writes its
 * measured throughput as an artifact. The statistics have a known answer (entries of A·B
 * with i.i.d. N(0,1) A, B have mean 0 and variance N), so the run also checks the machine.
 */
import { num } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { Prng } from '../../engine/core/prng';
import { putArtifact } from '../../storage/artifacts';
import type { JobHandler } from './types';

export const SELFTEST_N = 48;
/** products per chunk: ~5–20 ms of work per chunk on a laptop core */
const PRODUCTS_PER_CHUNK = 8;

/** C = A·B for n×n row-major matrices (i-k-j loop order: unit-stride inner loop). */
export function matmul(a: Float64Array, b: Float64Array, c: Float64Array, n: number): void {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[ri + k];
      const rk = k * n;
      for (let j = 0; j < n; j++) c[ri + j] += aik * b[rk + j];
    }
  }
}

export interface RunningStats {
  count: number;
  mean: number;
  m2: number;
}

export function welfordAdd(s: RunningStats, values: Float64Array): void {
  for (let i = 0; i < values.length; i++) {
    s.count++;
    const d = values[i] - s.mean;
    s.mean += d / s.count;
    s.m2 += d * (values[i] - s.mean);
  }
}

export interface SelftestResult {
  seconds: number;
  chunks: number;
  products: number;
  matrixSize: number;
  flops: number;
  durationMs: number;
  mflops: number;
  productMean: number;
  productVariance: number;
  expectedVariance: number;
  seed: number;
}

export const selftestHandler: JobHandler = async (params, ctx, env) => {
  const seconds = num({ min: 0.05, max: 3600 })(params.seconds ?? 5, 'params.seconds');
  const n = SELFTEST_N;
  const prng = new Prng(env.manifest.seed);
  const a = new Float64Array(n * n);
  const b = new Float64Array(n * n);
  const c = new Float64Array(n * n);
  const stats: RunningStats = { count: 0, mean: 0, m2: 0 };
  const budgetMs = seconds * 1000;
  const start = env.monotonic();
  let chunks = 0;
  let products = 0;
  env.log.info(`self-test started (${seconds} s)`, { jobId: env.jobId });
  ctx.progress(0, 'Starting');
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let p = 0; p < PRODUCTS_PER_CHUNK; p++) {
      for (let i = 0; i < a.length; i++) a[i] = prng.normal();
      for (let i = 0; i < b.length; i++) b[i] = prng.normal();
      matmul(a, b, c, n);
      welfordAdd(stats, c);
      products++;
    }
    chunks++;
    elapsed = env.monotonic() - start;
    const mflops = (2 * n * n * n * products) / (elapsed * 1000);
    ctx.progress(Math.min(0.99, elapsed / budgetMs), `Chunk ${chunks} · ${mflops.toFixed(0)} MFLOP/s`);
    await checkpoint(ctx);
    elapsed = env.monotonic() - start;
  }
  const durationMs = env.monotonic() - start;
  const flops = 2 * n * n * n * products;
  const result: SelftestResult = {
    seconds,
    chunks,
    products,
    matrixSize: n,
    flops,
    durationMs,
    mflops: flops / (durationMs * 1000),
    productMean: stats.mean,
    productVariance: stats.count > 1 ? stats.m2 / (stats.count - 1) : 0,
    expectedVariance: n,
    seed: env.manifest.seed,
  };
  const key = `selftest/${env.jobId}`;
  await putArtifact(await env.db(), key, { ...result }, new Date(env.now()).toISOString(), {
    jobId: env.jobId,
    manifestId: env.manifest.id,
  });
  env.log.info(`self-test finished: ${result.mflops.toFixed(0)} MFLOP/s over ${chunks} chunks`, {
    jobId: env.jobId,
    context: { mflops: result.mflops, chunks, products },
  });
  ctx.progress(1, `Done · ${result.mflops.toFixed(0)} MFLOP/s`);
  return { resultKey: key };
};
