/**
 * `regime_detect` job: one regime method over one dataset (`datasetId`) or over many
 * (`datasetIds`, the other params shared), one `regime_ticker` shard per dataset fanned out over
 * the pool. Each result is stored under the manifest of its own inputs, so an identical request
 * over unchanged data reuses it. One dataset: the result key is that result's; many: a summary
 * stored as `regime-run/<jobId>`.
 */
import type { Json } from '../../engine/contracts';
import { SchemaError } from '../../engine/contracts';
import { putArtifact } from '../../storage/artifacts';
import { type NormalisedRegimeParams, normaliseRegimeParams } from '../research-results';
import type { RegimeRunEntry, RegimeTickerInput } from '../shards/regime-ticker';
import type { JobHandler } from './types';

export { regimeView } from '../shards/regime-ticker';

/** One normalised request per dataset (`datasetIds` expands into `datasetId`s). */
function perDataset(params: { [k: string]: Json }): NormalisedRegimeParams[] {
  const { datasetIds, ...rest } = params;
  if (datasetIds === undefined) return [normaliseRegimeParams(params)];
  if (!Array.isArray(datasetIds) || datasetIds.length === 0 || datasetIds.some((d) => typeof d !== 'string')) {
    throw new SchemaError('params.datasetIds', 'a non-empty list of dataset ids', datasetIds);
  }
  if (new Set(datasetIds).size !== datasetIds.length) throw new SchemaError('params.datasetIds', 'distinct dataset ids', datasetIds);
  if (rest.datasetId !== undefined) throw new SchemaError('params.datasetId', 'absent when datasetIds is given', rest.datasetId);
  return datasetIds.map((id) => normaliseRegimeParams({ ...rest, datasetId: id }));
}

export const regimeHandler: JobHandler = async (params, ctx, env) => {
  const requests = perDataset(params);
  const single = params.datasetIds === undefined;
  const N = requests.length;
  const inputs: RegimeTickerInput[] = requests.map((p) => ({ params: p, jobId: env.jobId, verbose: single }));
  const entries = await env.parallelMap<RegimeTickerInput, RegimeRunEntry>('regime_ticker', inputs, {
    onShardDone: (done, total) => {
      if (!single) ctx.progress(done / total, `Ticker ${done}/${total} done`);
    },
  });
  if (single) return { resultKey: entries[0].key };
  const reused = entries.filter((e) => e.reused).length;
  const resultKey = `regime-run/${env.jobId}`;
  await putArtifact(
    await env.db(),
    resultKey,
    { method: requests[0].method, datasets: entries.map((e) => ({ ...e })), computed: N - reused, reused },
    new Date(env.now()).toISOString(),
    { jobId: env.jobId, manifestId: env.manifest.id },
  );
  ctx.progress(1, `Done · ${N - reused} computed, ${reused} reused`);
  return { resultKey };
};
