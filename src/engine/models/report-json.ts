/**
 * JSON views of training results and predictions for the CLI (and any consumer that wants
 * plain rows): ISO dates, snake_case metric names, NaN as null.
 */
import type { Json } from '../contracts';
import { isoDay } from '../core/time';
import { regimeName } from '../regime/labels';
import type { FoldReport, SubModelReport } from './ensemble';
import type { RegressionMetrics } from './metrics';
import type { PredictFromBarsResult, TrainFromBarsResult } from './pipeline';
import type { EnsembleModel } from './predictor';

const num = (x: number): number | null => (Number.isFinite(x) ? x : null);
const day = (ms: number): string | null => (Number.isFinite(ms) ? isoDay(ms) : null);

function metricsJson(m: RegressionMetrics | null): Json {
  if (!m) return null;
  return { n: m.n, ic: num(m.ic), rank_ic: num(m.rankIc), hit_rate: num(m.hitRate), rmse: num(m.rmse), mae: num(m.mae), r2: num(m.r2) };
}

function foldJson(f: FoldReport): Json {
  return {
    fold: f.index,
    train: [day(f.trainDates[0]), day(f.trainDates[1])],
    test: [day(f.testDates[0]), day(f.testDates[1])],
    n_train: f.nTrain,
    n_test: f.nTest,
    ...(metricsJson(f.oos) as { [k: string]: Json }),
    is_rank_ic: num(f.isRankIc),
    members: Object.fromEntries(f.members.map((m) => [m.name, num(m.oosRankIc)])),
  };
}

export function subReportJson(r: SubModelReport, top = 10): Json {
  return {
    name: r.name,
    status: r.status,
    reasons: r.reasons,
    gate_failures: r.gateFailures,
    warnings: r.warnings,
    rows: r.nRows,
    dev_rows: r.nDev,
    holdout_rows: r.nHoldout,
    selected_features: r.selection ? { method: r.selection.method, stable: r.selection.stable, folds: r.selection.folds } : null,
    cv: r.cv
      ? {
          oos_rank_ic: num(r.cv.oosRankIc),
          is_rank_ic: num(r.cv.isRankIc),
          cv_gap: num(r.cv.cvGap),
          folds: r.cv.folds.map(foldJson),
          skipped: r.cv.skipped.map((s) => ({ fold: s.index, reason: s.reason })),
        }
      : null,
    blend: r.blend ? Object.fromEntries(r.blend.members.map((m, k) => [m, num(r.blend?.weights[k] ?? Number.NaN)])) : null,
    holdout: metricsJson(r.holdout),
    top_features: r.featureImportance.slice(0, top).map((f) => ({ name: f.name, importance: num(f.importance) })),
    importance_stability: r.stability ? { mean: num(r.stability.mean), vs_previous: r.stability.vsPrevious.map(num), alert: r.stability.alert } : null,
    permutation_importance: r.permutation
      ? {
          metric: r.permutation.metric,
          baseline: num(r.permutation.baseline),
          repeats: r.permutation.repeats,
          rows: r.permutation.rows,
          features: r.permutation.features.slice(0, top).map((f) => ({ name: f.name, mean: num(f.mean), std: num(f.std) })),
        }
      : null,
  };
}

export function trainReportJson(res: TrainFromBarsResult, modelPath: string | null): Json {
  const p = res.panel;
  const r = res.report;
  return {
    status: r.status,
    model: modelPath,
    manifest_id: res.model ? res.model.manifest.id : null,
    horizon: r.horizon,
    tickers: p.tickers,
    excluded: res.excluded.map((e) => ({ ticker: e.ticker, reason: e.reason })),
    rows: p.n,
    first_date: p.n ? day(p.ts[0]) : null,
    last_date: p.n ? day(p.ts[p.n - 1]) : null,
    holdout_start: day(r.holdoutStart),
    features: p.featureNames,
    global: subReportJson(r.global),
    regimes: r.regimes.map((s) => subReportJson(s, 5)),
    calibration: r.calibration
      ? {
          method: r.calibration.method,
          rows: r.calibration.rows,
          fit_rows: r.calibration.fitRows,
          ece: num(r.calibration.ece),
          warning: r.calibration.warning,
          curve: r.calibration.curve.map((b) => ({ lo: b.lo, hi: b.hi, count: b.count, predicted: num(b.meanPredicted), observed: num(b.observed) })),
        }
      : null,
  };
}

/** One JSON row per prediction; `latestOnly` keeps each ticker's last row. */
export function predictionsJson(model: EnsembleModel, res: PredictFromBarsResult, latestOnly: boolean): Json {
  const { panel: p, prediction: q } = res;
  const last = new Map<number, number>();
  for (let i = 0; i < p.n; i++) last.set(p.ticker[i], i);
  const rows: Json[] = [];
  for (let i = 0; i < p.n; i++) {
    if (latestOnly && last.get(p.ticker[i]) !== i) continue;
    const reg = q.regime[i];
    rows.push({
      ticker: p.tickers[p.ticker[i]],
      date: isoDay(p.ts[i]),
      predicted_return: num(q.predictedReturn[i]),
      confidence: num(q.confidence[i]),
      regime: reg,
      regime_name: reg >= 0 ? regimeName(reg) : null,
      regime_confidence: num(q.regimeConfidence[i]),
      blend_alpha: num(q.blendAlpha[i]),
      ensemble_std: num(q.ensembleStd[i]),
      members: Object.fromEntries(q.members.map((m) => [m.name, num(m.prediction[i])])),
    });
  }
  rows.sort((a, b) => {
    const x = a as { ticker: string; date: string };
    const y = b as { ticker: string; date: string };
    return x.ticker < y.ticker ? -1 : x.ticker > y.ticker ? 1 : x.date < y.date ? -1 : x.date > y.date ? 1 : 0;
  });
  return {
    model: model.manifest.id,
    horizon: model.horizon,
    mode: model.manifest.mode,
    gate_failures: model.manifest.gateFailures,
    features: [...model.featureNames],
    excluded: res.excluded.map((e) => ({ ticker: e.ticker, reason: e.reason })),
    rows,
  };
}
