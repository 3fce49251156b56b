/**
 * `features` job: the feature set of each requested dataset, one ticker at a time (progress
 * "Ticker i/N", a cancel checkpoint between tickers). Each result is stored under the manifest
 * of its own inputs (dataset + benchmark checksums, set), so a re-run over unchanged data finds
 * it and skips the computation ("reused"). A summary of the run is stored as
 * `features-run/<jobId>`, the job's result.
 */
import type { Bars, DatasetMeta, Json } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { ENGINE_VERSION } from '../../engine/core/version';
import { computeFeatureSet } from '../../engine/features/pipeline';
import { FEATURES } from '../../engine/features/registry';
import { getArtifact, putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { loadDataset } from '../../storage/datasets';
import type { QeDb } from '../../storage/db';
import type { FeatureView } from '../api';
import {
  featureLatestKey,
  featureResultKey,
  featureResultManifest,
  normaliseFeatureParams,
  readFeatureView,
  resultInput,
} from '../research-results';
import type { JobHandler } from './types';

const FAMILY = new Map(FEATURES.map((f) => [f.name, f.family]));

export interface FeaturesRunEntry {
  datasetId: string;
  key: string;
  reused: boolean;
  rows: number;
  checksum: string;
}

async function requireMeta(db: QeDb, id: string): Promise<DatasetMeta> {
  const m = await getDatasetMeta(db, id);
  if (!m) throw new DatasetNotFoundError(id);
  return m;
}

/** True when a valid result is stored under `key` (a corrupt one is recomputed, not trusted). */
async function storedValid(db: QeDb, key: string, warn: (msg: string) => void): Promise<FeatureView | null> {
  const rec = await getArtifact(db, key);
  if (!rec) return null;
  try {
    return readFeatureView(rec.value, key);
  } catch (e) {
    warn(`stored feature set ${key} is unreadable (${e instanceof Error ? e.message : String(e)}); recomputing it`);
    return null;
  }
}

export const featuresHandler: JobHandler = async (params, ctx, env) => {
  const p = normaliseFeatureParams(params);
  const db = await env.db();
  const metas = await Promise.all(p.datasetIds.map((id) => requireMeta(db, id)));
  const benchMeta = p.benchmarkId ? await requireMeta(db, p.benchmarkId) : null;
  let bench: { meta: DatasetMeta; bars: Bars } | null = null;
  const N = metas.length;
  const entries: FeaturesRunEntry[] = [];
  const warn = (message: string) => env.log.warning(message, { jobId: env.jobId });
  for (let i = 0; i < N; i++) {
    await checkpoint(ctx);
    let meta = metas[i];
    ctx.progress(i / N, `Ticker ${i + 1}/${N}: ${meta.ticker}`);
    let manifest = featureResultManifest(meta.id, p.set, meta, benchMeta);
    let key = featureResultKey(manifest.id, meta.id);
    const stored = await storedValid(db, key, warn);
    let reused = stored !== null;
    let rows = stored?.dates.length ?? 0;
    let checksum = stored?.checksum ?? '';
    if (!stored) {
      if (benchMeta && !bench) bench = await loadDataset(db, benchMeta.id);
      const loaded = await loadDataset(db, meta.id);
      if (loaded.meta.checksum !== meta.checksum || (bench && bench.meta.checksum !== benchMeta?.checksum)) {
        // Re-imported while the job ran: key the result by the data actually used.
        meta = loaded.meta;
        manifest = featureResultManifest(meta.id, p.set, meta, bench?.meta ?? null);
        key = featureResultKey(manifest.id, meta.id);
      }
      const fs = computeFeatureSet(loaded.bars, bench?.bars ?? null, { set: p.set });
      const warnings: string[] = [];
      if (fs.missingBenchmark.length > 0) {
        warnings.push(`${fs.missingBenchmark.join(', ')} need a benchmark; run with one (e.g. SPY) to fill them.`);
      }
      if (meta.timeframe !== '1d') warnings.push(`Features assume daily bars; ${meta.id} has ${meta.timeframe} bars.`);
      const view: FeatureView = {
        datasetId: meta.id,
        ticker: meta.ticker,
        set: p.set,
        benchmarkId: bench?.meta.id ?? null,
        names: fs.names,
        families: fs.names.map((n) => FAMILY.get(n) ?? 'unknown'),
        dates: loaded.bars.ts.slice(),
        columns: fs.columns,
        warmup: Array.from(fs.warmup),
        firstValid: Array.from(fs.firstValid),
        missing: Array.from(fs.missing),
        missingBenchmark: fs.missingBenchmark,
        checksum: fs.checksum,
        inputs: [resultInput(meta, 'dataset'), ...(bench ? [resultInput(bench.meta, 'benchmark')] : [])],
        warnings,
        engineVersion: ENGINE_VERSION,
        manifestId: manifest.id,
        computedAt: new Date(env.now()).toISOString(),
      };
      // Typed arrays are stored as such (IndexedDB structured clone); readFeatureView checks them on the way back.
      await putArtifact(db, key, view as unknown as Json, view.computedAt, { jobId: env.jobId, manifestId: manifest.id });
      rows = fs.rows;
      checksum = fs.checksum;
      reused = false;
    }
    await putArtifact(db, featureLatestKey(meta.id, p.set), { key }, new Date(env.now()).toISOString(), {
      jobId: env.jobId,
      manifestId: manifest.id,
    });
    entries.push({ datasetId: meta.id, key, reused, rows, checksum });
    ctx.progress((i + 1) / N, `Ticker ${i + 1}/${N}: ${meta.ticker} ${reused ? 'reused' : 'computed'}`);
  }
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
