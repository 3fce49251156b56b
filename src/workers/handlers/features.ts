/**
 * `features` job: the feature set of each requested dataset, one shard per ticker
 * (`features_ticker`, fanned out over idle pool workers and this one; progress "Ticker i/N",
 * cancel between tickers). Each result is stored under the manifest of its own inputs
 * (dataset + benchmark checksums, set), so a re-run over unchanged data finds it and skips the
 * computation ("reused"). A summary of the run is stored as `features-run/<jobId>`, the job's
 * result.
 */
import type { DatasetMeta } from '../../engine/contracts';
import { putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import type { QeDb } from '../../storage/db';
import { normaliseFeatureParams } from '../research-results';
import type { FeaturesRunEntry, FeaturesTickerInput } from '../shards/features-ticker';
import type { JobHandler } from './types';

export type { FeaturesRunEntry } from '../shards/features-ticker';

async function requireMeta(db: QeDb, id: string): Promise<DatasetMeta> {
  const m = await getDatasetMeta(db, id);
  if (!m) throw new DatasetNotFoundError(id);
  return m;
}

export const featuresHandler: JobHandler = async (params, ctx, env) => {
  const p = normaliseFeatureParams(params);
  const db = await env.db();
  const metas = await Promise.all(p.datasetIds.map((id) => requireMeta(db, id)));
  const benchMeta = p.benchmarkId ? await requireMeta(db, p.benchmarkId) : null;
  const N = metas.length;
  const inputs: FeaturesTickerInput[] = metas.map((meta, index) => ({ meta, benchMeta, set: p.set, jobId: env.jobId, index, total: N, recompute: p.recompute }));
  const entries = await env.parallelMap<FeaturesTickerInput, FeaturesRunEntry>('features_ticker', inputs, {
    onShardDone: (done, total) => ctx.progress(done / total, `Ticker ${done}/${total} done`),
  });
  const reusedCount = entries.filter((e) => e.reused).length;
  const resultKey = `features-run/${env.jobId}`;
  await putArtifact(
    db,
    resultKey,
    {
      set: p.set,
      benchmarkId: p.benchmarkId,
      datasets: entries.map((e) => ({ ...e })),
      computed: N - reusedCount,
      reused: reusedCount,
    },
    new Date(env.now()).toISOString(),
    { jobId: env.jobId, manifestId: env.manifest.id },
  );
  env.log.info(`features (${p.set}) for ${N} datasets: ${N - reusedCount} computed, ${reusedCount} reused`, {
    jobId: env.jobId,
    context: { computed: N - reusedCount, reused: reusedCount },
  });
  ctx.progress(1, `Done · ${N - reusedCount} computed, ${reusedCount} reused`);
  return { resultKey };
};
