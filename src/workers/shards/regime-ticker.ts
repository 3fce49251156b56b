/**
 * Shard `regime_ticker`: one regime method over one dataset, stored as a `RegimeView` under
 * the manifest of its inputs (dataset/benchmark checksums + normalised params) — an identical
 * request over unchanged data reuses the stored result — plus the "latest" pointer. Returns
 * the result key. Runs on any compute worker.
 */
import type { Bars, DatasetMeta, Json } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { isoDay } from '../../engine/core/time';
import { ENGINE_VERSION } from '../../engine/core/version';
import { analysePooledHmm, analyseRegimes, currentRegime, type RegimeAnalysis } from '../../engine/regime/analysis';
import type { PooledHmm } from '../../engine/regime/pooled';
import { uncertaintyMultiplier } from '../../engine/regime/consensus';
import { R, regimeName } from '../../engine/regime/labels';
import { getArtifact, putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { loadDataset } from '../../storage/datasets';
import type { QeDb } from '../../storage/db';
import type { RegimeComponentView, RegimeView, ResultInput } from '../api';
import {
  type NormalisedRegimeParams,
  readRegimeView,
  regimeLatestKey,
  regimePooledLatestKey,
  regimeResultKey,
  regimeResultManifest,
  resultInput,
} from '../research-results';
import { measurePhase } from '../measure';
import type { ShardFn } from './index';

async function requireMeta(db: QeDb, id: string): Promise<DatasetMeta> {
  const m = await getDatasetMeta(db, id);
  if (!m) throw new DatasetNotFoundError(id);
  return m;
}

const PATH_KIND: Record<RegimeAnalysis['method'], RegimeView['pathKind']> = {
  hmm: 'viterbi',
  jump: 'jump-dp',
  rules: 'rules-smoothed',
  consensus: 'consensus',
};

function diagnostics(a: RegimeAnalysis, pooled?: PooledHmm): RegimeView['diagnostics'] {
  const d: RegimeView['diagnostics'] = { rows: a.rows.length };
  if (a.hmm) {
    const f = a.hmm.fit;
    // a pooled model's fit ran once for the universe: its iterations and convergence are that fit's
    const fitted = pooled ? { hmmIterations: pooled.iterations, hmmConverged: pooled.converged } : { hmmIterations: f.iterations, hmmConverged: f.converged };
    Object.assign(d, { hmmLoglik: f.loglik, ...fitted, hmmStates: f.params.states });
  }
  if (a.jump) {
    const j = a.jump;
    Object.assign(d, {
      jumpPenalty: j.model.penalty,
      jumpObjective: j.objective,
      jumpIterations: j.iterations,
      jumpConverged: j.converged,
      jumpRestarts: j.restartObjectives.length,
      jumpTemperature: j.model.temperature,
      jumpStates: j.model.states,
    });
  }
  if (a.rules) Object.assign(d, { rulesMinDuration: a.rules.minDuration, rulesWarmupRows: a.rules.warmup });
  if (a.consensus) {
    let fb = 0;
    for (const v of a.consensus.fallback) fb += v;
    Object.assign(d, {
      weightHmm: a.consensus.weights.hmm ?? null,
      weightRules: a.consensus.weights.rules ?? null,
      weightJump: a.consensus.weights.jump ?? null,
      uncertainFallbackShare: a.rows.length > 0 ? fb / a.rows.length : null,
    });
  }
  return d;
}

/** The view-model of one analysis (pure apart from its inputs). */
export function regimeView(
  a: RegimeAnalysis,
  bars: Bars,
  p: NormalisedRegimeParams,
  meta: DatasetMeta,
  inputs: ResultInput[],
  manifestId: string,
  computedAt: string,
  pooled?: PooledHmm,
): RegimeView {
  const K = a.states;
  const fitted = a.method === 'hmm' || a.method === 'jump';
  const stateLabels = Array.from(a.stateRegimes, (r, k) => (fitted ? `State ${k} · ${regimeName(r)}` : regimeName(r)));
  const stats = Array.from({ length: K }, (_, k) => ({
    state: k,
    regime: a.stateRegimes[k],
    label: stateLabels[k],
    count: a.stats.count[k],
    share: a.stats.share[k],
    meanReturn: a.stats.meanReturn[k],
    vol: a.stats.vol[k],
    meanDuration: a.stats.meanDuration[k],
    expectedDuration: a.durations[k],
    runs: a.stats.runs[k],
  }));
  const cur = currentRegime(a);
  const weights = a.consensus?.weights;
  const components: RegimeComponentView[] | null = a.consensus
    ? a.consensus.components.map((c) => ({
        name: c.name,
        weight: weights?.[c.name] ?? 0,
        regime: c.regime.slice(),
        confidence: c.confidence.slice(),
      }))
    : null;
  const warnings: string[] = [];
  if (meta.timeframe !== '1d') warnings.push(`Regime features assume daily bars; ${meta.id} has ${meta.timeframe} bars.`);
  if (pooled) {
    warnings.push(
      `Universe HMM ${pooled.id}: parameters fitted once on the per-ticker standardised observations of ${pooled.sample.length} tickers (${pooled.sample.join(', ')}; ${pooled.iterations} iterations${pooled.converged ? '' : ', not converged'}); ${meta.ticker}'s probabilities use them without a fit of its own.`,
    );
  } else if (a.hmm && !a.hmm.fit.converged) warnings.push(`The HMM did not converge in ${a.hmm.fit.iterations} iterations.`);
  if (a.jump && !a.jump.converged) warnings.push(`The jump model did not converge in ${a.jump.iterations} iterations.`);
  warnings.push(
    'Parameters are fitted on the whole sample: filtered probabilities are causal given them, but for backtests use walk-forward (expanding-window) regimes.',
  );
  return {
    method: a.method,
    datasetId: meta.id,
    ticker: meta.ticker,
    features: a.features,
    states: K,
    stateRegimes: Array.from(a.stateRegimes),
    stateLabels,
    dates: a.ts.slice(),
    close: Float64Array.from(a.rows, (i) => bars.close[i]),
    filtered: a.filtered.slice(),
    smoothed: a.smoothed ? a.smoothed.slice() : null,
    smoothedDisplayOnly: true,
    canonical: a.canonical.probs.slice(),
    regime: a.canonical.regime.slice(),
    confidence: a.canonical.confidence.slice(),
    uncertainty: a.uncertainty.slice(),
    path: a.path.slice(),
    pathKind: PATH_KIND[a.method],
    causalPath: a.causalPath.slice(),
    transmat: a.transmat.slice(),
    transmatSource: a.transmatSource,
    durations: a.durations.slice(),
    stats,
    current: cur
      ? {
          date: isoDay(cur.ts),
          regime: cur.regime,
          label: regimeName(cur.regime),
          state: cur.state,
          probs: cur.probs.slice(0, R),
          confidence: cur.confidence,
          uncertainty: cur.uncertainty,
          sizeMultiplier: uncertaintyMultiplier(cur.uncertainty),
        }
      : null,
    diagnostics: { ...diagnostics(a, pooled), penaltyParam: p.penalty },
    components,
    inputs,
    warnings,
    engineVersion: ENGINE_VERSION,
    manifestId,
    computedAt,
  };
}

export interface RegimeTickerInput {
  params: NormalisedRegimeParams;
  jobId: string;
  /** report stages through the job's context (a single-dataset job run on its own worker) */
  verbose: boolean;
  /** a universe HMM to apply instead of fitting this ticker alone (params.pooledModel is its id) */
  pooled?: PooledHmm;
}

export interface RegimeRunEntry {
  datasetId: string;
  key: string;
  reused: boolean;
}

const latestKey = (datasetId: string, p: NormalisedRegimeParams, pooled: PooledHmm | undefined) =>
  pooled ? regimePooledLatestKey(datasetId) : regimeLatestKey(datasetId, p.method);

export const regimeTickerShard: ShardFn = async (raw, ctx, env) => {
  const { params: p, jobId, verbose, pooled } = raw as RegimeTickerInput;
  const progress = (f: number, stage: string) => {
    if (verbose) ctx.progress(f, stage);
  };
  const db = await env.db();
  let meta = await requireMeta(db, p.datasetId);
  const benchMeta = p.benchmarkId ? await requireMeta(db, p.benchmarkId) : null;
  let manifest = regimeResultManifest(p, meta, benchMeta);
  let key = regimeResultKey(manifest.id);
  const stored = await getArtifact(db, key);
  if (stored) {
    try {
      readRegimeView(stored.value, key);
      await putArtifact(db, latestKey(meta.id, p, pooled), { key }, new Date(env.now()).toISOString(), {
        jobId,
        manifestId: manifest.id,
      });
      progress(1, `Reused stored ${p.method} result for ${meta.ticker}`);
      env.log.info(`${p.method} regimes of ${meta.id} reused (${key})`, { jobId });
      return { datasetId: meta.id, key, reused: true } satisfies RegimeRunEntry;
    } catch (e) {
      env.log.warning(`stored regime result ${key} is unreadable (${e instanceof Error ? e.message : String(e)}); recomputing it`, {
        jobId,
      });
    }
  }
  progress(0.05, `Loading ${meta.ticker}`);
  const loaded = await loadDataset(db, meta.id);
  const bench = benchMeta ? await loadDataset(db, benchMeta.id) : null;
  if (loaded.meta.checksum !== meta.checksum || (bench && bench.meta.checksum !== benchMeta?.checksum)) {
    meta = loaded.meta;
    manifest = regimeResultManifest(p, meta, bench?.meta ?? null);
    key = regimeResultKey(manifest.id);
  }
  await checkpoint(ctx);
  progress(0.2, `Fitting ${p.method} on ${meta.ticker} (${loaded.bars.ts.length} bars)`);
  const t0 = env.monotonic();
  const a = pooled
    ? analysePooledHmm(loaded.bars, pooled, bench?.bars ?? null)
    : analyseRegimes(loaded.bars, {
        method: p.method,
        features: p.features.length > 0 ? p.features : undefined,
        states: p.states,
        penalty: p.penalty ?? undefined,
        benchmark: bench?.bars ?? null,
      });
  const t1 = env.monotonic();
  const elapsed = t1 - t0;
  measurePhase('qe:regime:compute', t0, t1, { jobId, datasetId: meta.id, method: p.method });
  await checkpoint(ctx);
  progress(0.9, 'Storing result');
  const inputs = [resultInput(meta, 'dataset'), ...(bench ? [resultInput(bench.meta, 'benchmark')] : [])];
  const view = regimeView(a, loaded.bars, p, meta, inputs, manifest.id, new Date(env.now()).toISOString(), pooled);
  await putArtifact(db, key, view as unknown as Json, view.computedAt, { jobId, manifestId: manifest.id });
  await putArtifact(db, latestKey(meta.id, p, pooled), { key }, view.computedAt, {
    jobId,
    manifestId: manifest.id,
  });
  env.log.info(`${p.method} regimes of ${meta.id}: ${a.rows.length} rows in ${elapsed.toFixed(0)} ms`, {
    jobId,
    context: { rows: a.rows.length, ms: elapsed },
  });
  progress(1, `Done · current regime ${view.current?.label ?? 'n/a'}`);
  return { datasetId: meta.id, key, reused: false } satisfies RegimeRunEntry;
};
