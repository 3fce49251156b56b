/**
 * Shard `features_ticker`: the feature set of one dataset, stored under the manifest of its
 * own inputs (dataset + benchmark checksums, set) — or reused when a valid result is already
 * stored there — plus its "latest" pointer. Returns the run entry. Runs on any compute worker.
 */
import type { Bars, DatasetMeta, Json } from '../../engine/contracts';
import { ENGINE_VERSION } from '../../engine/core/version';
import { computeFeatureSet } from '../../engine/features/pipeline';
import { FEATURES } from '../../engine/features/registry';
import { getArtifact, putArtifact } from '../../storage/artifacts';
import { loadDataset } from '../../storage/datasets';
import type { QeDb } from '../../storage/db';
import type { FeatureSetName, FeatureView } from '../api';
import { featureLatestKey, featureResultKey, featureResultManifest, readFeatureView, resultInput } from '../research-results';
import { measurePhase } from '../measure';
import type { ShardFn } from './index';

/** Performance-timeline measures of each computed ticker (detail: jobId, datasetId, rows). */
export const FEATURE_MEASURES = {
  load: 'qe:features:load',
  compute: 'qe:features:compute',
  store: 'qe:features:store',
} as const;

const FAMILY = new Map(FEATURES.map((f) => [f.name, f.family]));

export interface FeaturesTickerInput {
  meta: DatasetMeta;
  benchMeta: DatasetMeta | null;
  set: FeatureSetName;
  jobId: string;
  /** position in the job, for the progress label */
  index: number;
  total: number;
  /** ignore a stored result for the same inputs (and replace it) */
  recompute?: boolean;
}

export interface FeaturesRunEntry {
  datasetId: string;
  key: string;
  reused: boolean;
  rows: number;
  checksum: string;
}

/** The benchmark of the last shard on this worker: every ticker of a job shares it. */
let benchCache: { id: string; checksum: string; bars: Promise<{ meta: DatasetMeta; bars: Bars }> } | null = null;

function benchmark(db: QeDb, m: DatasetMeta): Promise<{ meta: DatasetMeta; bars: Bars }> {
  if (benchCache?.id !== m.id || benchCache.checksum !== m.checksum) {
    const bars = loadDataset(db, m.id);
    benchCache = { id: m.id, checksum: m.checksum, bars };
    bars.catch(() => {
      if (benchCache?.bars === bars) benchCache = null; // a failed load is not kept
    });
  }
  return benchCache.bars;
}

/** A valid result stored under `key`, or null (a corrupt one is recomputed, not trusted). */
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

export const featuresTickerShard: ShardFn = async (raw, ctx, env) => {
  const { benchMeta, set, jobId, index, total, recompute } = raw as FeaturesTickerInput;
  let meta = (raw as FeaturesTickerInput).meta;
  const db = await env.db();
  const warn = (message: string) => env.log.warning(message, { jobId });
  ctx.progress(index / total, `Ticker ${index + 1}/${total}: ${meta.ticker}`);
  let manifest = featureResultManifest(meta.id, set, meta, benchMeta);
  let key = featureResultKey(manifest.id, meta.id);
  const stored = recompute ? null : await storedValid(db, key, warn);
  let entry: FeaturesRunEntry;
  if (stored) {
    entry = { datasetId: meta.id, key, reused: true, rows: stored.dates.length, checksum: stored.checksum };
  } else {
    const t0 = env.monotonic();
    const bench = benchMeta ? await benchmark(db, benchMeta) : null;
    const loaded = await loadDataset(db, meta.id);
    const t1 = env.monotonic();
    if (loaded.meta.checksum !== meta.checksum || (bench && bench.meta.checksum !== benchMeta?.checksum)) {
      // Re-imported while the job ran: key the result by the data actually used.
      meta = loaded.meta;
      manifest = featureResultManifest(meta.id, set, meta, bench?.meta ?? null);
      key = featureResultKey(manifest.id, meta.id);
    }
    const fs = computeFeatureSet(loaded.bars, bench?.bars ?? null, { set });
    const t2 = env.monotonic();
    const warnings: string[] = [];
    if (fs.missingBenchmark.length > 0) {
      warnings.push(`${fs.missingBenchmark.join(', ')} need a benchmark; run with one (e.g. SPY) to fill them.`);
    }
    if (meta.timeframe !== '1d') warnings.push(`Features assume daily bars; ${meta.id} has ${meta.timeframe} bars.`);
    const view: FeatureView = {
      datasetId: meta.id,
      ticker: meta.ticker,
      set,
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
    await putArtifact(db, key, view as unknown as Json, view.computedAt, { jobId, manifestId: manifest.id });
    entry = { datasetId: meta.id, key, reused: false, rows: fs.rows, checksum: fs.checksum };
    const detail = { jobId, datasetId: meta.id, rows: fs.rows };
    measurePhase(FEATURE_MEASURES.load, t0, t1, detail);
    measurePhase(FEATURE_MEASURES.compute, t1, t2, detail);
    measurePhase(FEATURE_MEASURES.store, t2, env.monotonic(), detail);
  }
  await putArtifact(db, featureLatestKey(meta.id, set), { key }, new Date(env.now()).toISOString(), {
    jobId,
    manifestId: manifest.id,
  });
  return entry;
};
