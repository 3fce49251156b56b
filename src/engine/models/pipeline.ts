/**
 * From clean daily bars to model inputs, the same way for training and prediction: core
 * features (contract B; benchmark-only features dropped when there is no benchmark), causal
 * regime probabilities (expanding-window HMM refits, filtered forward probabilities only —
 * never smoothed ones), aligned benchmark closes for excess-return targets, and the dataset
 * entries of the model manifest.
 */
import type { Bars, Json } from '../contracts';
import { checkpoint, type JobContext, NULL_CONTEXT } from '../core/context';
import { checksumColumns } from '../core/hash';
import { isoDay } from '../core/time';
import { CORE_FEATURE_NAMES, computeFeatures, getFeature } from '../features/registry';
import { type CausalRegimeOptions, causalRegimes } from '../regime/causal';
import { type EnsembleConfig, type EnsembleTrainResult, trainEnsemble } from './ensemble';
import type { ManifestDataset } from './manifest';
import { buildPanel, type Panel, type TickerInput } from './panel';
import type { EnsembleModel, EnsemblePrediction } from './predictor';
import { alignBenchmarkClose } from './targets';

export interface TickerBars {
  ticker: string;
  bars: Bars;
}

export interface RegimeSettings {
  method: 'hmm';
  features?: readonly string[];
  states?: number;
  minObservations?: number;
  refitEvery?: number;
}

export const DEFAULT_REGIME_SETTINGS: RegimeSettings = { method: 'hmm' };

/** Core features usable with or without a benchmark. */
export function modelFeatureNames(hasBenchmark: boolean, names: readonly string[] = CORE_FEATURE_NAMES): string[] {
  return names.filter((n) => hasBenchmark || !getFeature(n).needs.includes('benchmark'));
}

export function datasetEntry(ticker: string, bars: Bars): ManifestDataset {
  const n = bars.ts.length;
  return {
    key: `${ticker}|1d`,
    checksum: checksumColumns({ ts: bars.ts, open: bars.open, high: bars.high, low: bars.low, close: bars.close, volume: bars.volume }),
    rows: n,
    first: n ? isoDay(bars.ts[0]) : '',
    last: n ? isoDay(bars.ts[n - 1]) : '',
  };
}

/** One ticker's features, causal regimes and aligned benchmark. */
export function tickerInput(t: TickerBars, benchmark: Bars | null, featureNames: readonly string[], regime: RegimeSettings = DEFAULT_REGIME_SETTINGS): TickerInput {
  const fm = computeFeatures(featureNames, t.bars, benchmark);
  const ro: CausalRegimeOptions = {
    method: regime.method,
    features: regime.features,
    states: regime.states,
    minObservations: regime.minObservations,
    refitEvery: regime.refitEvery,
    benchmark,
  };
  let reg: ReturnType<typeof causalRegimes>;
  try {
    reg = causalRegimes(t.bars, ro);
  } catch (e) {
    throw new Error(`${t.ticker}: causal regimes failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  return {
    ticker: t.ticker,
    ts: t.bars.ts,
    close: t.bars.close,
    features: fm,
    regimeProbs: reg.probs,
    regimeConfidence: reg.confidence,
    benchClose: benchmark ? alignBenchmarkClose(t.bars.ts, benchmark.ts, benchmark.close) : null,
  };
}

/** Regime settings models use by default: yearly expanding-window refits (the HMM refit dominates run time). */
export const MODEL_REGIME_SETTINGS: RegimeSettings = { method: 'hmm', refitEvery: 252 };

export interface TrainFromBarsOptions {
  horizon: number;
  config?: Partial<EnsembleConfig>;
  regime?: RegimeSettings;
  mode?: 'real' | 'demo';
  ctx?: JobContext;
}

export interface TrainFromBarsResult extends EnsembleTrainResult {
  panel: Panel;
  /** tickers left out, with the reason */
  excluded: { ticker: string; reason: string }[];
}

/**
 * Features → causal regimes → targets → panel → ensemble, for a universe of clean daily bars.
 * The benchmark (if any) feeds benchmark features and excess-return targets; a universe ticker
 * identical to the benchmark is left out (its excess return is identically 0).
 */
export async function trainFromBars(universe: readonly TickerBars[], benchmark: TickerBars | null, opts: TrainFromBarsOptions): Promise<TrainFromBarsResult> {
  const ctx = opts.ctx ?? NULL_CONTEXT;
  const regime = opts.regime ?? MODEL_REGIME_SETTINGS;
  const names = modelFeatureNames(benchmark !== null);
  const excluded: { ticker: string; reason: string }[] = [];
  const inputs: TickerInput[] = [];
  const use = universe.filter((t) => {
    if (benchmark && t.ticker === benchmark.ticker) {
      excluded.push({ ticker: t.ticker, reason: 'is the benchmark (excess return is 0)' });
      return false;
    }
    return true;
  });
  if (use.length === 0) throw new Error('no tickers to train on');
  const kept: TickerBars[] = [];
  for (let k = 0; k < use.length; k++) {
    ctx.progress((0.2 * k) / use.length, `features and regimes: ${use[k].ticker}`);
    // A ticker whose inputs cannot be computed is left out and named in the result.
    const r = tryTickerInput(use[k], benchmark?.bars ?? null, names, regime);
    if ('error' in r) excluded.push({ ticker: use[k].ticker, reason: r.error });
    else {
      inputs.push(r.input);
      kept.push(use[k]);
    }
    await checkpoint(ctx);
  }
  if (inputs.length === 0) throw new Error(`no ticker could be prepared: ${excluded.map((e) => `${e.ticker}: ${e.reason}`).join('; ')}`);
  const panel = buildPanel(inputs, { horizon: opts.horizon, requireTarget: true });
  const sub: JobContext = {
    signal: ctx.signal,
    yield: () => ctx.yield(),
    progress: (f, stage) => ctx.progress(0.2 + 0.8 * f, stage),
  };
  const res = await trainEnsemble(panel, opts.config ?? {}, {
    inputs: kept.map((t) => datasetEntry(t.ticker, t.bars)),
    benchmark: benchmark ? datasetEntry(benchmark.ticker, benchmark.bars) : null,
    mode: opts.mode ?? 'real',
    extraParams: { regime: regimeJson(regime), featureSet: 'core' },
    ctx: sub,
  });
  return { ...res, panel, excluded };
}

function regimeJson(r: RegimeSettings): { [k: string]: Json } {
  return JSON.parse(JSON.stringify(r)) as { [k: string]: Json };
}

/** The regime settings a model was trained with (from its manifest). */
export function modelRegimeSettings(model: EnsembleModel): RegimeSettings {
  const r = model.manifest.params.regime as unknown as RegimeSettings | undefined;
  if (r?.method !== 'hmm') throw new Error('model manifest does not record its regime settings (params.regime)');
  return r;
}

export interface PredictFromBarsResult {
  panel: Panel;
  prediction: EnsemblePrediction;
  /** tickers that could not be prepared, with the reason */
  excluded: { ticker: string; reason: string }[];
}

function tryTickerInput(t: TickerBars, benchmark: Bars | null, names: readonly string[], regime: RegimeSettings): { input: TickerInput } | { error: string } {
  try {
    return { input: tickerInput(t, benchmark, names, regime) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Features and causal regimes for each ticker's bars, then the ensemble on every row with a feature. */
export function predictFromBars(model: EnsembleModel, universe: readonly TickerBars[], benchmark: TickerBars | null): PredictFromBarsResult {
  const needs = model.featureNames.filter((n) => getFeature(n).needs.includes('benchmark'));
  if (needs.length > 0 && !benchmark) throw new Error(`the model uses ${needs.join(', ')}: give the benchmark it was trained with`);
  const regime = modelRegimeSettings(model);
  const inputs: TickerInput[] = [];
  const excluded: { ticker: string; reason: string }[] = [];
  for (const t of universe) {
    const r = tryTickerInput(t, benchmark?.bars ?? null, model.featureNames, regime);
    if ('error' in r) excluded.push({ ticker: t.ticker, reason: r.error });
    else inputs.push(r.input);
  }
  if (inputs.length === 0) throw new Error(`no ticker could be prepared: ${excluded.map((e) => `${e.ticker}: ${e.reason}`).join('; ')}`);
  const panel = buildPanel(inputs, { horizon: model.horizon, requireTarget: false });
  const prediction = model.predict({
    features: { names: panel.featureNames, columns: panel.columns },
    regimeProbs: panel.regimeProbs,
    regimeConfidence: panel.regimeConfidence,
  });
  return { panel, prediction, excluded };
}
