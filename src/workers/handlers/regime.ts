/**
 * `regime_detect` job: one regime method over one dataset, stored as a `RegimeView` under the
 * manifest of its inputs (dataset/benchmark checksums + normalised params) — an identical
 * request over unchanged data reuses the stored result.
 */
import type { Bars, DatasetMeta, Json } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { isoDay } from '../../engine/core/time';
import { ENGINE_VERSION } from '../../engine/core/version';
import { analyseRegimes, currentRegime, type RegimeAnalysis } from '../../engine/regime/analysis';
import { uncertaintyMultiplier } from '../../engine/regime/consensus';
import { R, regimeName } from '../../engine/regime/labels';
import { getArtifact, putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { loadDataset } from '../../storage/datasets';
import type { QeDb } from '../../storage/db';
import type { RegimeComponentView, RegimeView, ResultInput } from '../api';
import {
  type NormalisedRegimeParams,
  normaliseRegimeParams,
  readRegimeView,
  regimeLatestKey,
  regimeResultKey,
  regimeResultManifest,
  resultInput,
} from '../research-results';
import type { JobHandler } from './types';

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

function diagnostics(a: RegimeAnalysis): RegimeView['diagnostics'] {
  const d: RegimeView['diagnostics'] = { rows: a.rows.length };
  if (a.hmm) {
    const f = a.hmm.fit;
    Object.assign(d, { hmmLoglik: f.loglik, hmmIterations: f.iterations, hmmConverged: f.converged, hmmStates: f.params.states });
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
  if (a.hmm && !a.hmm.fit.converged) warnings.push(`The HMM did not converge in ${a.hmm.fit.iterations} iterations.`);
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
    diagnostics: { ...diagnostics(a), penaltyParam: p.penalty },
    components,
    inputs,
    warnings,
    engineVersion: ENGINE_VERSION,
    manifestId,
    computedAt,
  };
}

export const regimeHandler: JobHandler = async (params, ctx, env) => {
  const p = normaliseRegimeParams(params);
  const db = await env.db();
  let meta = await requireMeta(db, p.datasetId);
  const benchMeta = p.benchmarkId ? await requireMeta(db, p.benchmarkId) : null;
  let manifest = regimeResultManifest(p, meta, benchMeta);
  let key = regimeResultKey(manifest.id);
  const stored = await getArtifact(db, key);
  if (stored) {
    try {
      readRegimeView(stored.value, key);
      await putArtifact(db, regimeLatestKey(meta.id, p.method), { key }, new Date(env.now()).toISOString(), {
        jobId: env.jobId,
        manifestId: manifest.id,
      });
      ctx.progress(1, `Reused stored ${p.method} result for ${meta.ticker}`);
      env.log.info(`${p.method} regimes of ${meta.id} reused (${key})`, { jobId: env.jobId });
      return { resultKey: key };
    } catch (e) {
      env.log.warning(`stored regime result ${key} is unreadable (${e instanceof Error ? e.message : String(e)}); recomputing it`, {
        jobId: env.jobId,
      });
    }
  }
  ctx.progress(0.05, `Loading ${meta.ticker}`);
  const loaded = await loadDataset(db, meta.id);
  const bench = benchMeta ? await loadDataset(db, benchMeta.id) : null;
  if (loaded.meta.checksum !== meta.checksum || (bench && bench.meta.checksum !== benchMeta?.checksum)) {
    meta = loaded.meta;
    manifest = regimeResultManifest(p, meta, bench?.meta ?? null);
    key = regimeResultKey(manifest.id);
  }
  await checkpoint(ctx);
  ctx.progress(0.2, `Fitting ${p.method} on ${meta.ticker} (${loaded.bars.ts.length} bars)`);
  const t0 = env.monotonic();
  const a = analyseRegimes(loaded.bars, {
    method: p.method,
    features: p.features.length > 0 ? p.features : undefined,
    states: p.states,
    penalty: p.penalty ?? undefined,
    benchmark: bench?.bars ?? null,
  });
  const elapsed = env.monotonic() - t0;
  await checkpoint(ctx);
  ctx.progress(0.9, 'Storing result');
  const inputs = [resultInput(meta, 'dataset'), ...(bench ? [resultInput(bench.meta, 'benchmark')] : [])];
  const view = regimeView(a, loaded.bars, p, meta, inputs, manifest.id, new Date(env.now()).toISOString());
  await putArtifact(db, key, view as unknown as Json, view.computedAt, { jobId: env.jobId, manifestId: manifest.id });
  await putArtifact(db, regimeLatestKey(meta.id, p.method), { key }, view.computedAt, {
    jobId: env.jobId,
    manifestId: manifest.id,
  });
  env.log.info(`${p.method} regimes of ${meta.id}: ${a.rows.length} rows in ${elapsed.toFixed(0)} ms`, {
    jobId: env.jobId,
    context: { rows: a.rows.length, ms: elapsed },
  });
  ctx.progress(1, `Done · current regime ${view.current?.label ?? 'n/a'}`);
  return { resultKey: key };
};
