/**
 * `regime_detect` job: one regime method over one dataset (`datasetId`) or over many
 * (`datasetIds`, the other params shared), one `regime_ticker` shard per dataset fanned out over
 * the pool. Each result is stored under the manifest of its own inputs, so an identical request
 * over unchanged data reuses it. One dataset: the result key is that result's; many: a summary
 * stored as `regime-run/<jobId>`.
 */
import type { Json } from '../../engine/contracts';
import { SchemaError } from '../../engine/contracts';
import { checkpoint, type JobContext } from '../../engine/core/context';
import { fitPooledHmm, type PooledHmm, type PooledSequence, pooledSample, standardisedObservations } from '../../engine/regime/pooled';
import { putArtifact } from '../../storage/artifacts';
import { loadDataset } from '../../storage/datasets';
import { measurePhase } from '../measure';
import { type NormalisedRegimeParams, normaliseRegimeParams } from '../research-results';
import type { RegimeRunEntry, RegimeTickerInput } from '../shards/regime-ticker';
import type { HandlerEnv, JobHandler } from './types';

/** The universe model as stored with the run summary. */
function pooledModelJson(m: PooledHmm): Json {
  return {
    id: m.id,
    features: m.features,
    sample: m.sample,
    rows: m.rows,
    loglik: m.loglik,
    iterations: m.iterations,
    converged: m.converged,
    startprob: Array.from(m.params.startprob),
    transmat: Array.from(m.params.transmat),
    means: Array.from(m.params.means),
    variances: Array.from(m.params.variances),
  };
}

export { regimeView } from '../shards/regime-ticker';

/** One normalised request per dataset (`datasetIds` expands into `datasetId`s). */
function perDataset(params: { [k: string]: Json }): NormalisedRegimeParams[] {
  const { datasetIds, pooled: _pooled, ...rest } = params;
  if (datasetIds === undefined) return [normaliseRegimeParams(params)];
  if (!Array.isArray(datasetIds) || datasetIds.length === 0 || datasetIds.some((d) => typeof d !== 'string')) {
    throw new SchemaError('params.datasetIds', 'a non-empty list of dataset ids', datasetIds);
  }
  if (new Set(datasetIds).size !== datasetIds.length) throw new SchemaError('params.datasetIds', 'distinct dataset ids', datasetIds);
  if (rest.datasetId !== undefined) throw new SchemaError('params.datasetId', 'absent when datasetIds is given', rest.datasetId);
  return datasetIds.map((id) => normaliseRegimeParams({ ...rest, datasetId: id }));
}

/** Tickers the universe HMM is fitted on (evenly spaced through the sorted ids). */
export const POOLED_SAMPLE_MAX = 6;

/**
 * `pooled: true` (with `datasetIds`, method hmm): fit one universe HMM on a sample of the
 * tickers' standardised observations, here, before the fan-out; the shards only apply it.
 */
async function fitUniverseModel(requests: NormalisedRegimeParams[], ctx: JobContext, env: HandlerEnv): Promise<PooledHmm> {
  const p0 = requests[0];
  const db = await env.db();
  const bench = p0.benchmarkId ? await loadDataset(db, p0.benchmarkId) : null;
  const sample = pooledSample(
    requests.map((r) => r.datasetId),
    POOLED_SAMPLE_MAX,
  );
  const seqs: PooledSequence[] = [];
  for (const id of sample) {
    ctx.progress(0.02, `Universe HMM: observations of ${id}`);
    const { bars } = await loadDataset(db, id);
    seqs.push({ id, obs: standardisedObservations(bars, p0.features, bench?.bars ?? null) });
    await checkpoint(ctx);
  }
  ctx.progress(0.05, `Universe HMM: fitting ${p0.states} states on ${sample.length} of ${requests.length} tickers`);
  const t0 = env.monotonic();
  const model = fitPooledHmm(seqs, p0.features, p0.states);
  measurePhase('qe:regime:pooled_fit', t0, env.monotonic(), { jobId: env.jobId, rows: model.rows });
  env.log.info(`universe HMM ${model.id}: ${model.rows} rows of ${sample.join(', ')}, ${model.iterations} iterations`, { jobId: env.jobId });
  return model;
}

export const regimeHandler: JobHandler = async (params, ctx, env) => {
  const requests = perDataset(params);
  const single = params.datasetIds === undefined;
  const N = requests.length;
  if (params.pooled !== undefined && typeof params.pooled !== 'boolean') throw new SchemaError('params.pooled', 'a boolean', params.pooled);
  const pooled = params.pooled === true;
  if (pooled && (single || requests[0].method !== 'hmm')) {
    throw new SchemaError('params.pooled', 'only with datasetIds and method "hmm"', params.pooled);
  }
  const model = pooled ? await fitUniverseModel(requests, ctx, env) : null;
  const inputs: RegimeTickerInput[] = requests.map((p) =>
    model ? { params: { ...p, pooledModel: model.id }, jobId: env.jobId, verbose: false, pooled: model } : { params: p, jobId: env.jobId, verbose: single },
  );
  const entries = await env.parallelMap<RegimeTickerInput, RegimeRunEntry>('regime_ticker', inputs, {
    onShardDone: (done, total) => {
      if (!single) ctx.progress((model ? 0.1 : 0) + ((model ? 0.9 : 1) * done) / total, `Ticker ${done}/${total} done`);
    },
  });
  if (single) return { resultKey: entries[0].key };
  const reused = entries.filter((e) => e.reused).length;
  const resultKey = `regime-run/${env.jobId}`;
  await putArtifact(
    await env.db(),
    resultKey,
    {
      method: requests[0].method,
      datasets: entries.map((e) => ({ ...e })),
      computed: N - reused,
      reused,
      ...(model ? { pooledModel: pooledModelJson(model) } : {}),
    },
    new Date(env.now()).toISOString(),
    { jobId: env.jobId, manifestId: env.manifest.id },
  );
  ctx.progress(1, `Done · ${N - reused} computed, ${reused} reused`);
  return { resultKey };
};
