/**
 * Walk-forward out-of-sample predictions with the models engine (spec §5.1): the pooled panel
 * (features + causal regimes per ticker) is cut into 6 contiguous blocks of unique dates;
 * fold f = 1..5 trains a fresh ensemble on every row whose label ends before the first date
 * of block f (expanding window, horizon purge through `labelEnd`) and predicts block f. Only
 * these OOS rows are kept; block 0 never gets predictions. A fold whose ensemble is rejected
 * by its gates leaves its block empty (named in the notes).
 */
import type { PriceMatrix } from '../backtest/matrix';
import { findDay } from '../backtest/signals';
import type { JobContext } from '../core/context';
import { checkpoint } from '../core/context';
import { DAY_MS } from '../core/time';
import { type EnsembleConfig, trainEnsemble } from '../models/ensemble';
import { buildPanel, type Panel, type TickerInput } from '../models/panel';
import { MODEL_REGIME_SETTINGS, type RegimeSettings, modelFeatureNames, tickerInput } from '../models/pipeline';
import { crossSectionalZscore, tickerBars } from './predictions';
import type { PredictionPanel } from './types';

/** Rows `idx` of a panel (dates and names shared). */
export function subsetPanel(p: Panel, idx: Int32Array): Panel {
  const n = idx.length;
  const pick = (src: Float64Array) => Float64Array.from(idx, (k) => src[k]);
  const pickI = (src: Int32Array) => Int32Array.from(idx, (k) => src[k]);
  const probs = new Float64Array(n * 4);
  for (let j = 0; j < n; j++) for (let r = 0; r < 4; r++) probs[j * 4 + r] = p.regimeProbs[idx[j] * 4 + r];
  return {
    tickers: p.tickers,
    featureNames: p.featureNames,
    horizon: p.horizon,
    n,
    columns: p.columns.map(pick),
    y: pick(p.y),
    ts: pick(p.ts),
    ticker: pickI(p.ticker),
    barRow: pickI(p.barRow),
    dates: p.dates,
    dateIndex: pickI(p.dateIndex),
    labelEnd: pickI(p.labelEnd),
    regimeProbs: probs,
    regimeConfidence: pick(p.regimeConfidence),
  };
}

export interface WalkForwardPredictionOptions {
  horizon: number;
  folds?: number;
  config?: Partial<EnsembleConfig>;
  regime?: RegimeSettings;
}

export async function walkForwardPredictions(m: PriceMatrix, opts: WalkForwardPredictionOptions, ctx: JobContext): Promise<PredictionPanel> {
  const h = opts.horizon;
  const F = opts.folds ?? 5;
  const names = modelFeatureNames(false);
  const inputs: TickerInput[] = [];
  const notes: string[] = [];
  for (let i = 0; i < m.cols; i++) {
    const { rows, bars } = tickerBars(m, i);
    if (rows.length < 300) {
      notes.push(`${m.tickers[i]}: ${rows.length} bars, too few for a model (left out)`);
      continue;
    }
    inputs.push(tickerInput({ ticker: m.tickers[i], bars }, null, names, opts.regime ?? MODEL_REGIME_SETTINGS));
    ctx.progress((0.3 * (i + 1)) / m.cols, `features and regimes: ${m.tickers[i]}`);
    await checkpoint(ctx);
  }
  if (inputs.length === 0) throw new Error('walk-forward predictions: no ticker has enough bars');
  const panel = buildPanel(inputs, { horizon: h, requireTarget: false });
  const U = panel.dates.length;
  const block = Math.floor(U / (F + 1));
  if (block < 60) throw new Error(`walk-forward predictions: ${U} dates are too few for ${F} folds`);
  const size = m.rows * m.cols;
  const predicted = new Float64Array(size).fill(Number.NaN);
  const confidence = new Float64Array(size).fill(Number.NaN);
  const regime = new Int32Array(size).fill(-1);
  const colOf = new Map<string, number>();
  for (let i = 0; i < m.tickers.length; i++) colOf.set(m.tickers[i], i);
  for (let f = 1; f <= F; f++) {
    const testStart = f * block;
    const testEnd = f === F ? U : (f + 1) * block;
    const train: number[] = [];
    const test: number[] = [];
    for (let k = 0; k < panel.n; k++) {
      const d = panel.dateIndex[k];
      if (panel.labelEnd[k] < testStart && Number.isFinite(panel.y[k])) train.push(k);
      else if (d >= testStart && d < testEnd) test.push(k);
    }
    const sub = subsetPanel(panel, Int32Array.from(train));
    // The strategy gate judges these predictions out of sample; the ensemble's own promotion
    // gates are recorded (not enforced) so every fold yields predictions.
    const res = await trainEnsemble(sub, { enforceGates: false, ...(opts.config ?? {}), horizon: h }, {
      ctx: { signal: ctx.signal, yield: () => ctx.yield(), progress: (x, s) => ctx.progress(0.3 + (0.7 * (f - 1 + x)) / F, `fold ${f}/${F}: ${s}`) },
    });
    if (!res.model) {
      notes.push(`fold ${f}: no ensemble could be built, no predictions for ${test.length} rows`);
      continue;
    }
    const failures = [res.report.global, ...res.report.regimes].flatMap((r) => r.gateFailures.map((x) => `${r.name}: ${x}`));
    if (failures.length > 0) notes.push(`fold ${f}: ensemble gate failures (not enforced): ${failures.join('; ')}`);
    const ts = subsetPanel(panel, Int32Array.from(test));
    const pr = res.model.predict({ features: { names: ts.featureNames, columns: ts.columns }, regimeProbs: ts.regimeProbs, regimeConfidence: ts.regimeConfidence });
    for (let j = 0; j < ts.n; j++) {
      const i = colOf.get(panel.tickers[ts.ticker[j]]) as number;
      const t = findDay(m.days, Math.floor(ts.ts[j] / DAY_MS));
      if (t < 0) continue;
      const k = t * m.cols + i;
      predicted[k] = pr.predictedReturn[j];
      confidence[k] = pr.confidence[j];
      regime[k] = pr.regime[j];
    }
    notes.push(`fold ${f}: trained on ${train.length} rows, predicted ${test.length}`);
  }
  let made = 0;
  for (let k = 0; k < size; k++) if (Number.isFinite(predicted[k])) made++;
  if (made === 0) throw new Error(`walk-forward predictions: no fold produced predictions (${notes.join('; ')})`);
  return {
    predictor: 'ensemble',
    horizon: h,
    predicted,
    confidence,
    regime,
    csZscore: crossSectionalZscore(predicted, m.rows, m.cols),
    notes: [`walk-forward OOS: ${F} expanding folds over ${U} dates, purge ${h} (label end), fresh ensemble per fold`, ...notes],
  };
}
