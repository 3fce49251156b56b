/**
 * Shard task `train_inputs`: one ticker's model inputs for the `train` job — its stored bars,
 * features and causal (expanding-window HMM) regimes, computed by the engine's `tickerInput`
 * exactly as `trainFromBars` (and so `qe train`) does. The HMM refits dominate training
 * preparation, so tickers are spread over the pool. A ticker whose inputs cannot be computed
 * comes back as an error (the job leaves it out and names it), like `trainFromBars`.
 */
import type { DatasetMeta } from '../../engine/contracts';
import type { JobContext } from '../../engine/core/context';
import { checkpoint } from '../../engine/core/context';
import type { ManifestDataset } from '../../engine/models/manifest';
import type { TickerInput } from '../../engine/models/panel';
import { datasetEntry, type RegimeSettings, tickerInput } from '../../engine/models/pipeline';
import { loadDataset } from '../../storage/datasets';
import type { ShardEnv } from './index';

export interface TrainInputsShardInput {
  datasetId: string;
  benchmarkId: string | null;
  featureNames: string[];
  regime: RegimeSettings;
}

export type TrainInputsShardOutput =
  | { ok: true; ticker: string; input: TickerInput; dataset: ManifestDataset; origin: DatasetMeta['origin']; checksum: string }
  | { ok: false; ticker: string; error: string };

export async function trainInputsShard(raw: unknown, ctx: JobContext, env: ShardEnv): Promise<TrainInputsShardOutput> {
  const s = raw as TrainInputsShardInput;
  const db = await env.db();
  const { meta, bars } = await loadDataset(db, s.datasetId);
  const bench = s.benchmarkId ? await loadDataset(db, s.benchmarkId) : null;
  await checkpoint(ctx);
  try {
    const input = tickerInput({ ticker: meta.ticker, bars }, bench?.bars ?? null, s.featureNames, s.regime);
    return { ok: true, ticker: meta.ticker, input, dataset: datasetEntry(meta.ticker, bars), origin: meta.origin, checksum: meta.checksum };
  } catch (e) {
    return { ok: false, ticker: meta.ticker, error: e instanceof Error ? e.message : String(e) };
  }
}
