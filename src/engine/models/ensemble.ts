/**
 * Ensemble training (spec §4.1): a global model on every row plus one model per canonical
 * regime on the rows whose filtered probability of that regime is ≥ 0.35 (weighted by it),
 * each a blend of members (GBDT, ridge, …) with weights from purged walk-forward CV.
 *
 * Per sub-model: rows sorted by (date, ticker); a temporal holdout (the last 15 % of the
 * panel's unique dates — one cut for every sub-model, so calibration rows are out of sample
 * for all of them) with development rows whose labels end before it (purged); NaN features
 * filled with development medians; purged walk-forward CV (cv.ts) where each member is fitted
 * on the fold's training rows (GBDT early-stops on their chronological tail) and predicts the
 * fold's test rows; blend weights minimise the out-of-fold squared error (blend.ts); gates:
 * cv_gap = mean IS ρ − mean OOS ρ > 0.15 rejects (> 0.05 warns), and after the final fit on all
 * development rows a holdout R² < 0 (holdout > 10 rows) rejects. A rejected global model
 * rejects the whole ensemble; a rejected regime model is left out.
 *
 * Confidence calibration (spec §4.2) is fitted on the holdout rows in date order (first half
 * fits, second half measures ECE) in the same raw-confidence domain the predictor uses.
 */
import type { Json } from '../contracts';
import { type JobContext, NULL_CONTEXT, checkpoint } from '../core/context';
import { seedFromString } from '../core/hash';
import { R } from '../regime/labels';
import { type BlendResult, blendWeights } from './blend';
import { type Calibrator, calibrate, type ReliabilityBin, expectedCalibrationError, fitIsotonic, fitPlatt, reliabilityCurve } from './calibration';
import { type CvPlan, DEFAULT_MAX_TRAIN_DATES, purgedFolds } from './cv';
import { type PermutationImportance, permutationImportance } from './importance';
import { buildManifest, type ManifestDataset } from './manifest';
import { DEFAULT_MEMBERS, type MemberSpec, memberFactory, type ModelMember } from './member';
import { finiteMean, type RegressionMetrics, regressionMetrics, spearman } from './metrics';
import type { Panel } from './panel';
import { EnsembleModel, SubModel, type SubModelMember } from './predictor';
import { MAX_SELECTED_FEATURES, selectFeatures, stableFeatures } from './selection';
import { importanceStability, type StabilityReport } from './stability';
import { nanMedianOrZero } from '../core/stats';

export interface EnsembleConfig {
  horizon: number;
  members: readonly MemberSpec[];
  /** null: spec default min(5, max(2, U/120)) */
  folds: number | null;
  /** null: spec default max(1, h/2) */
  embargo: number | null;
  maxTrainDates: number | null;
  holdoutFraction: number;
  regimeModels: boolean;
  regimeProbThreshold: number;
  minRegimeSamples: number;
  minRegimeDays: number;
  minDevRows: number;
  maxCvGap: number;
  warnCvGap: number;
  requirePositiveHoldoutR2: boolean;
  /**
   * true (spec): a failed gate rejects the sub-model. false: the failure is recorded in
   * `gateFailures` and the model is still built (its manifest says so), for research use.
   */
  enforceGates: boolean;
  /** 'spec': per-fold correlation pruning + permutation-importance selection with stability voting; 'none': all features */
  featureSelection: 'spec' | 'none';
  /** permutation repeats of the per-fold selector (spec 10) */
  selectionRepeats: number;
  calibration: 'isotonic' | 'platt';
  /** permutation importance of the global model on (up to maxRows evenly spaced) holdout rows */
  permutation: { repeats: number; maxRows: number } | null;
  seed: number;
}

export const ENSEMBLE_DEFAULTS: Readonly<EnsembleConfig> = {
  horizon: 10,
  members: DEFAULT_MEMBERS,
  folds: null,
  embargo: null,
  maxTrainDates: DEFAULT_MAX_TRAIN_DATES,
  holdoutFraction: 0.15,
  regimeModels: true,
  regimeProbThreshold: 0.35,
  minRegimeSamples: 50,
  minRegimeDays: 10,
  minDevRows: 100,
  maxCvGap: 0.15,
  warnCvGap: 0.05,
  requirePositiveHoldoutR2: true,
  enforceGates: true,
  featureSelection: 'spec',
  selectionRepeats: 10,
  calibration: 'isotonic',
  permutation: { repeats: 3, maxRows: 5000 },
  seed: 42,
};

export interface FoldReport {
  index: number;
  /** first and last training / test dates (epoch ms) */
  trainDates: [number, number];
  testDates: [number, number];
  nTrain: number;
  nTest: number;
  /** blended out-of-sample metrics on the fold's test rows */
  oos: RegressionMetrics;
  /** blended in-sample rank IC on the fold's training rows */
  isRankIc: number;
  members: { name: string; oosRankIc: number }[];
}

export interface SubModelReport {
  name: string;
  status: 'accepted' | 'rejected' | 'skipped';
  reasons: string[];
  /** gates that failed but were not enforced (enforceGates: false) */
  gateFailures: string[];
  warnings: string[];
  nRows: number;
  nDev: number;
  nHoldout: number;
  /** selected feature names per fold and the stable set the final model uses */
  selection: { folds: string[][]; stable: string[]; method: string } | null;
  cv: { folds: FoldReport[]; skipped: CvPlan['skipped']; oosRankIc: number; isRankIc: number; cvGap: number } | null;
  blend: { members: string[]; weights: number[]; fallback: string | null } | null;
  holdout: RegressionMetrics | null;
  featureImportance: { name: string; importance: number }[];
  stability: StabilityReport | null;
  permutation: { metric: string; baseline: number; repeats: number; rows: number; features: { name: string; mean: number; std: number }[] } | null;
}

export interface CalibrationReport {
  method: string;
  rows: number;
  fitRows: number;
  ece: number;
  curve: ReliabilityBin[];
  warning: string | null;
}

export interface EnsembleReport {
  horizon: number;
  status: 'accepted' | 'rejected';
  holdoutStart: number;
  global: SubModelReport;
  regimes: SubModelReport[];
  calibration: CalibrationReport | null;
}

export interface EnsembleTrainResult {
  model: EnsembleModel | null;
  report: EnsembleReport;
}

export interface TrainOptions {
  /** datasets behind the panel, for the manifest */
  inputs?: ManifestDataset[];
  benchmark?: ManifestDataset | null;
  mode?: 'real' | 'demo';
  /** recorded in the manifest's params next to the ensemble config (e.g. regime settings) */
  extraParams?: { [k: string]: Json };
  ctx?: JobContext;
}

interface SubFit {
  sub: SubModel | null;
  report: SubModelReport;
}

function gather(col: Float64Array, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = col[rows[i]];
  return out;
}

function sampleStd(y: Float64Array): number {
  if (y.length < 2) return Number.NaN;
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let s = 0;
  for (const v of y) s += (v - m) ** 2;
  return Math.sqrt(s / (y.length - 1));
}

/** Index of the last sorted value ≤ x (−1 if none). */
function lastAtOrBelow(sorted: Int32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

class Trainer {
  constructor(
    readonly panel: Panel,
    readonly cfg: EnsembleConfig,
    readonly ctx: JobContext,
  ) {}

  private seedFor(...parts: (string | number)[]): number {
    return seedFromString(['qe-ensemble', this.cfg.seed, ...parts].join('|'));
  }

  private async fitMembers(
    sub: string,
    stage: string,
    cols: Float64Array[],
    y: Float64Array,
    w: Float64Array | null,
    earlyStopping: boolean,
  ): Promise<ModelMember[]> {
    const out: ModelMember[] = [];
    for (const spec of this.cfg.members) {
      const f = memberFactory(spec.kind);
      out.push(await f.fit({ columns: cols, y, sampleWeight: w, seed: this.seedFor(sub, stage, spec.name), earlyStopping, ctx: this.ctx }, spec.params ?? {}));
      await checkpoint(this.ctx);
    }
    return out;
  }

  async trainSub(
    name: string,
    rows: Int32Array,
    weights: Float64Array | null,
    holdoutStart: number,
    progress: [number, number],
    maxFeatures = MAX_SELECTED_FEATURES,
  ): Promise<SubFit> {
    const p = this.panel;
    const cfg = this.cfg;
    const F = p.featureNames.length;
    const report: SubModelReport = {
      name,
      status: 'rejected',
      reasons: [],
      gateFailures: [],
      warnings: [],
      nRows: rows.length,
      nDev: 0,
      nHoldout: 0,
      selection: null,
      cv: null,
      blend: null,
      holdout: null,
      featureImportance: [],
      stability: null,
      permutation: null,
    };
    const reject = (why: string): SubFit => {
      report.status = 'rejected';
      report.reasons.push(why);
      return { sub: null, report };
    };
    /** A quality gate: rejects when enforced, else is recorded and training goes on. */
    const gate = (why: string): SubFit | null => {
      if (cfg.enforceGates) return reject(why);
      report.gateFailures.push(why);
      return null;
    };
    const devList: number[] = [];
    const holdList: number[] = [];
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      if (p.dateIndex[r] >= holdoutStart) holdList.push(k);
      else if (p.labelEnd[r] < holdoutStart) devList.push(k);
    }
    const dev = Int32Array.from(devList, (k) => rows[k]);
    const hold = Int32Array.from(holdList, (k) => rows[k]);
    const devW = weights ? Float64Array.from(devList, (k) => weights[k]) : null;
    report.nDev = dev.length;
    report.nHoldout = hold.length;
    if (dev.length < cfg.minDevRows) return reject(`${dev.length} development rows (< ${cfg.minDevRows})`);

    const medians = new Float64Array(F);
    for (let j = 0; j < F; j++) medians[j] = nanMedianOrZero(gather(p.columns[j], dev));
    const filled = (idx: Int32Array) =>
      p.columns.map((c, j) => {
        const out = gather(c, idx);
        for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = medians[j];
        return out;
      });
    const devX = filled(dev);
    const devY = gather(p.y, dev);
    const targetStd = sampleStd(devY);

    // CV in the development rows' own date units.
    const devDatesSorted = Int32Array.from(new Set(Array.from(dev, (r) => p.dateIndex[r]))).sort();
    const localDate = Int32Array.from(dev, (r) => lastAtOrBelow(devDatesSorted, p.dateIndex[r]));
    const localEnd = Int32Array.from(dev, (r) => {
      const le = p.labelEnd[r];
      return le > devDatesSorted[devDatesSorted.length - 1] ? devDatesSorted.length + (le - devDatesSorted[devDatesSorted.length - 1]) : lastAtOrBelow(devDatesSorted, le);
    });
    const plan = purgedFolds(localDate, localEnd, devDatesSorted.length, {
      horizon: p.horizon,
      folds: cfg.folds ?? undefined,
      embargo: cfg.embargo ?? undefined,
      maxTrainDates: cfg.maxTrainDates,
    });
    if (plan.folds.length === 0) {
      return reject(`no valid CV folds (${plan.skipped.map((s) => s.reason).join('; ') || 'none planned'})`);
    }
    const M = cfg.members.length;
    const oos = Array.from({ length: M }, () => new Float64Array(dev.length).fill(Number.NaN));
    const isPreds: Float64Array[][] = [];
    const foldImportances: Float64Array[] = [];
    const [p0, p1] = progress;
    const steps = plan.folds.length + 1;
    const all = Array.from({ length: F }, (_, j) => j);
    const select = (X: Float64Array[], y: Float64Array, w: Float64Array | null, stage: string): number[] =>
      cfg.featureSelection === 'spec'
        ? selectFeatures(X, y, { maxFeatures, repeats: cfg.selectionRepeats, seed: this.seedFor(name, stage, 'select'), weights: w }).features
        : all.slice(0, maxFeatures);
    const foldSelections: number[][] = [];
    const usedFolds: typeof plan.folds = [];
    for (let fi = 0; fi < plan.folds.length; fi++) {
      const fold = plan.folds[fi];
      this.ctx.progress(p0 + ((p1 - p0) * fi) / steps, `${name}: fold ${fi + 1}/${plan.folds.length}`);
      const trAll = devX.map((c) => gather(c, fold.train));
      const trY = gather(devY, fold.train);
      const trW = devW ? gather(devW, fold.train) : null;
      const feats = select(trAll, trY, trW, `fold${fold.index}`);
      if (cfg.featureSelection === 'spec' && feats.length < 3) {
        plan.skipped.push({ index: fold.index, reason: `${feats.length} features selected (< 3)` });
        continue;
      }
      foldSelections.push(feats);
      usedFolds.push(fold);
      const trX = feats.map((j) => trAll[j]);
      const teX = feats.map((j) => gather(devX[j], fold.test));
      const members = await this.fitMembers(name, `fold${fold.index}`, trX, trY, trW, true);
      const isFold: Float64Array[] = [];
      for (let m = 0; m < M; m++) {
        const pt = members[m].predict(teX);
        for (let i = 0; i < fold.test.length; i++) oos[m][fold.test[i]] = pt[i];
        isFold.push(members[m].predict(trX));
      }
      isPreds.push(isFold);
      foldImportances.push(this.spread(this.weightedImportance(members, new Float64Array(M).fill(1 / M)), feats));
    }
    if (usedFolds.length === 0) return reject(`no valid CV folds (${plan.skipped.map((s) => s.reason).join('; ')})`);
    let stable = cfg.featureSelection === 'spec' ? stableFeatures(foldSelections) : all.slice(0, maxFeatures);
    if (stable.length === 0) stable = select(devX, devY, devW, 'dev');
    if (stable.length === 0) return reject('no features selected');
    if (stable.length < 5) report.warnings.push(`only ${stable.length} features selected`);
    report.selection = {
      folds: foldSelections.map((f) => f.map((j) => p.featureNames[j])),
      stable: stable.map((j) => p.featureNames[j]),
      method: cfg.featureSelection,
    };
    const blend: BlendResult = blendWeights(oos, devY);
    if (blend.fallback) report.warnings.push(`blend: ${blend.fallback}`);
    const mix = (preds: readonly Float64Array[], n: number) => {
      const out = new Float64Array(n);
      for (let m = 0; m < M; m++) for (let i = 0; i < n; i++) out[i] += blend.weights[m] * preds[m][i];
      return out;
    };
    const oosBlend = mix(oos, dev.length);
    const folds: FoldReport[] = usedFolds.map((fold, fi) => {
      const yt = gather(devY, fold.test);
      return {
        index: fold.index,
        trainDates: [p.dates[devDatesSorted[fold.trainDates[0]]], p.dates[devDatesSorted[Math.max(fold.trainDates[0], fold.trainDates[1] - 1)]]],
        testDates: [p.dates[devDatesSorted[fold.testDates[0]]], p.dates[devDatesSorted[fold.testDates[1] - 1]]],
        nTrain: fold.train.length,
        nTest: fold.test.length,
        oos: regressionMetrics(gather(oosBlend, fold.test), yt),
        isRankIc: spearman(mix(isPreds[fi], fold.train.length), gather(devY, fold.train)),
        members: cfg.members.map((s, m) => ({ name: s.name, oosRankIc: spearman(gather(oos[m], fold.test), yt) })),
      };
    });
    const oosRankIc = finiteMean(folds.map((f) => f.oos.rankIc));
    const isRankIc = finiteMean(folds.map((f) => f.isRankIc));
    const cvGap = isRankIc - oosRankIc;
    report.cv = { folds, skipped: plan.skipped, oosRankIc, isRankIc, cvGap };
    report.blend = { members: cfg.members.map((s) => s.name), weights: Array.from(blend.weights), fallback: blend.fallback };
    report.stability = importanceStability(foldImportances, p.featureNames);
    if (report.stability.alert) report.warnings.push(`feature-importance stability ${report.stability.vsPrevious.at(-1)?.toFixed(2)} < 0.5 between the last folds`);
    if (cvGap > cfg.maxCvGap) {
      const g = gate(`cv_gap ${cvGap.toFixed(3)} > ${cfg.maxCvGap} (in-sample rank IC ${isRankIc.toFixed(3)}, out-of-sample ${oosRankIc.toFixed(3)})`);
      if (g) return g;
    } else if (cvGap > cfg.warnCvGap) report.warnings.push(`cv_gap ${cvGap.toFixed(3)} > ${cfg.warnCvGap}`);

    this.ctx.progress(p0 + ((p1 - p0) * plan.folds.length) / steps, `${name}: final fit`);
    const finalMembers = await this.fitMembers(
      name,
      'final',
      stable.map((j) => devX[j]),
      devY,
      devW,
      false,
    );
    const members: SubModelMember[] = cfg.members.map((s, m) => ({ name: s.name, kind: s.kind, weight: blend.weights[m], model: finalMembers[m] }));
    const importance = this.spread(this.weightedImportance(finalMembers, blend.weights), stable);
    report.featureImportance = p.featureNames.map((nm, j) => ({ name: nm, importance: importance[j] })).sort((a, b) => b.importance - a.importance);
    const stats = {
      targetStd,
      cvCorr: oosRankIc,
      cvGap,
      holdoutR2: Number.NaN,
      holdoutCorr: Number.NaN,
      nSamples: dev.length,
      nDates: devDatesSorted.length,
      warnings: report.warnings,
      featureImportance: Array.from(importance),
    };
    const sub = new SubModel(name, members, medians, stats, Int32Array.from(stable));
    if (hold.length > 0) {
      const hp = sub.predict(p.columns.map((c) => gather(c, hold)));
      const hm = regressionMetrics(hp, gather(p.y, hold));
      report.holdout = hm;
      stats.holdoutR2 = hm.r2;
      stats.holdoutCorr = hm.rankIc;
      if (cfg.requirePositiveHoldoutR2 && hold.length > 10 && hm.r2 < 0) {
        const g = gate(`holdout R² ${hm.r2.toFixed(4)} < 0 on ${hold.length} rows`);
        if (g) return g;
      }
      if (oosRankIc - hm.rankIc > 0.05) report.warnings.push(`holdout rank IC ${hm.rankIc.toFixed(3)} is below the CV rank IC ${oosRankIc.toFixed(3)} by more than 0.05`);
    } else {
      report.warnings.push('no holdout rows');
    }
    report.status = 'accepted';
    return { sub, report };
  }

  /** Importance over a feature subset placed into the full feature list. */
  private spread(imp: Float64Array, features: readonly number[]): Float64Array {
    const out = new Float64Array(this.panel.featureNames.length);
    features.forEach((j, k) => {
      out[j] = imp[k];
    });
    return out;
  }

  /** Importance averaged over members that report it, by blend weight (spec: linear members excluded). */
  private weightedImportance(members: readonly ModelMember[], weights: ArrayLike<number>): Float64Array {
    const F = members.length > 0 ? members[0].nFeatures : 0;
    const out = new Float64Array(F);
    let ws = 0;
    members.forEach((m, k) => {
      if (!memberFactory(m.kind).reportsImportance) return;
      const imp = m.featureImportance();
      for (let j = 0; j < F; j++) out[j] += weights[k] * imp[j];
      ws += weights[k];
    });
    if (ws > 0) for (let j = 0; j < F; j++) out[j] /= ws;
    return out;
  }

  permutation(sub: SubModel, hold: Int32Array): SubModelReport['permutation'] {
    const perm = this.cfg.permutation;
    if (!perm || hold.length < 20) return null;
    const step = Math.max(1, Math.ceil(hold.length / perm.maxRows));
    const rows = Int32Array.from({ length: Math.ceil(hold.length / step) }, (_, k) => hold[k * step]);
    const cols = sub.fill(this.panel.columns.map((c) => gather(c, rows)));
    const y = gather(this.panel.y, rows);
    const res: PermutationImportance = permutationImportance(
      (c) => sub.blend(sub.memberPredictions(c), rows.length),
      cols,
      y,
      { repeats: perm.repeats, seed: this.cfg.seed, metric: 'rank_ic' },
    );
    return {
      metric: res.metric,
      baseline: res.baseline,
      repeats: res.repeats,
      rows: rows.length,
      features: this.panel.featureNames.map((name, j) => ({ name, mean: res.mean[j], std: res.std[j] })).sort((a, b) => b.mean - a.mean),
    };
  }
}

function checkPanel(p: Panel): void {
  for (let i = 0; i < p.n; i++) {
    if (!Number.isFinite(p.y[i])) throw new Error(`training panel row ${i} has no target (build it with requireTarget: true)`);
    if (i > 0 && (p.dateIndex[i] < p.dateIndex[i - 1] || (p.dateIndex[i] === p.dateIndex[i - 1] && p.ticker[i] <= p.ticker[i - 1]))) {
      throw new Error(`training panel rows must be sorted by (date, ticker); row ${i} is not`);
    }
  }
}

export function resolveEnsembleConfig(c: Partial<EnsembleConfig> = {}): EnsembleConfig {
  const cfg = { ...ENSEMBLE_DEFAULTS, ...c };
  if (!(cfg.holdoutFraction > 0 && cfg.holdoutFraction < 1)) throw new Error(`holdoutFraction must be in (0, 1) (got ${cfg.holdoutFraction})`);
  if (cfg.members.length === 0) throw new Error('the ensemble needs at least one member');
  const names = cfg.members.map((m) => m.name);
  if (new Set(names).size !== names.length) throw new Error(`member names must be unique (${names.join(', ')})`);
  for (const m of cfg.members) memberFactory(m.kind);
  return cfg;
}

export async function trainEnsemble(panel: Panel, config: Partial<EnsembleConfig> = {}, opts: TrainOptions = {}): Promise<EnsembleTrainResult> {
  const cfg = resolveEnsembleConfig({ ...config, horizon: panel.horizon });
  const ctx = opts.ctx ?? NULL_CONTEXT;
  checkPanel(panel);
  if (panel.n === 0) throw new Error('training panel is empty (no rows with a target and a feature)');
  const uniq = Int32Array.from(new Set(panel.dateIndex)).sort();
  const hd = Math.max(1, Math.floor(cfg.holdoutFraction * uniq.length));
  const holdoutStart = uniq[uniq.length - hd];
  const t = new Trainer(panel, cfg, ctx);
  const all = Int32Array.from({ length: panel.n }, (_, i) => i);
  const regimeShare = cfg.regimeModels ? 0.5 : 0;
  const g = await t.trainSub('global', all, null, holdoutStart, [0, 1 - regimeShare - 0.05]);
  const report: EnsembleReport = { horizon: panel.horizon, status: 'rejected', holdoutStart: panel.dates[holdoutStart], global: g.report, regimes: [], calibration: null };
  if (!g.sub) return { model: null, report };
  const holdRows = all.filter((r) => panel.dateIndex[r] >= holdoutStart);
  g.report.permutation = t.permutation(g.sub, holdRows);

  const regimes: (SubModel | null)[] = new Array(R).fill(null);
  if (cfg.regimeModels) {
    for (let r = 0; r < R; r++) {
      const rows: number[] = [];
      const w: number[] = [];
      for (let i = 0; i < panel.n; i++) {
        const pr = panel.regimeProbs[i * R + r];
        if (pr >= cfg.regimeProbThreshold) {
          rows.push(i);
          w.push(pr);
        }
      }
      const name = `regime${r}`;
      const days = new Set(rows.map((i) => panel.dateIndex[i])).size;
      if (rows.length < cfg.minRegimeSamples || days < cfg.minRegimeDays) {
        report.regimes.push({
          ...skippedReport(name, rows.length),
          reasons: [`${rows.length} rows on ${days} dates (need ${cfg.minRegimeSamples} rows, ${cfg.minRegimeDays} dates)`],
        });
        continue;
      }
      const a = 1 - regimeShare - 0.05 + (regimeShare * r) / R;
      // spec: at most min(30, n/20) features per regime model; fewer than 5 → no model
      const maxF = Math.min(MAX_SELECTED_FEATURES, Math.floor(rows.length / 20), panel.featureNames.length);
      if (maxF < Math.min(5, panel.featureNames.length)) {
        report.regimes.push({ ...skippedReport(name, rows.length), reasons: [`${rows.length} rows allow only ${maxF} features (need 5)`] });
        continue;
      }
      const fit = await t.trainSub(name, Int32Array.from(rows), Float64Array.from(w), holdoutStart, [a, a + regimeShare / R], maxF);
      regimes[r] = fit.sub;
      report.regimes.push(fit.report);
    }
  }

  // Calibration on the holdout rows, in date order, in the predictor's raw-confidence domain.
  ctx.progress(0.97, 'calibration');
  const holdFeatures = { names: panel.featureNames, columns: panel.columns.map((c) => gather(c, holdRows)) };
  const holdProbs = new Float64Array(holdRows.length * R);
  holdRows.forEach((row, k) => {
    for (let s = 0; s < R; s++) holdProbs[k * R + s] = panel.regimeProbs[row * R + s];
  });
  const holdConf = gather(panel.regimeConfidence, holdRows);
  const provisional = (cal: Calibrator, scale: number) =>
    new EnsembleModel(panel.horizon, panel.featureNames, g.sub as SubModel, regimes, cal, scale, placeholderManifest(), null);
  const identity: Calibrator = { method: 'identity', x: [], y: [], a: 0, b: 0 };
  const first = provisional(identity, 0).predict({ features: holdFeatures, regimeProbs: holdProbs, regimeConfidence: holdConf });
  let scale = 0;
  for (const v of first.predictedReturn) if (Math.abs(v) > scale) scale = Math.abs(v);
  const pre = provisional(identity, scale).predict({ features: holdFeatures, regimeProbs: holdProbs, regimeConfidence: holdConf });
  const yHold = gather(panel.y, holdRows);
  const outcome = Float64Array.from(yHold, (y, k) => (pre.predictedReturn[k] > 0 === y > 0 ? 1 : 0));
  const n = holdRows.length;
  let calibrator: Calibrator = identity;
  let ece = Number.NaN;
  let curve: ReliabilityBin[] = [];
  let warning: string | null = null;
  let fitRows = 0;
  if (n >= 20) {
    const half = Math.floor(n / 2);
    const fitOn = half >= 10 ? half : n;
    fitRows = fitOn;
    const raw = pre.rawConfidence;
    calibrator = cfg.calibration === 'platt' ? fitPlatt(raw.subarray(0, fitOn), outcome.subarray(0, fitOn)) : fitIsotonic(raw.subarray(0, fitOn), outcome.subarray(0, fitOn));
    if (fitOn < n) {
      const evalProb = Float64Array.from(raw.subarray(fitOn), (v) => calibrate(calibrator, v));
      ece = expectedCalibrationError(evalProb, outcome.subarray(fitOn));
      curve = reliabilityCurve(evalProb, outcome.subarray(fitOn));
    }
  } else {
    warning = `${n} holdout rows: too few to calibrate (need 20); confidence is the raw score`;
  }
  report.calibration = { method: calibrator.method, rows: n, fitRows, ece, curve, warning };
  report.status = 'accepted';

  const manifest = buildManifest({
    kind: 'qe-ensemble',
    seed: cfg.seed,
    horizon: panel.horizon,
    inputs: opts.inputs ?? [],
    benchmark: opts.benchmark ?? null,
    features: [...panel.featureNames],
    params: { ...configJson(cfg), ...(opts.extraParams ?? {}) },
    metrics: {
      oosSpearman: g.sub.stats.cvCorr,
      cvGap: g.sub.stats.cvGap,
      holdoutSpearman: g.sub.stats.holdoutCorr,
      holdoutR2: g.sub.stats.holdoutR2,
      ece,
      samples: panel.n,
    },
    mode: opts.mode ?? 'real',
    gateFailures: [g.report, ...report.regimes].flatMap((r) => r.gateFailures.map((f) => `${r.name}: ${f}`)),
  });
  const model = new EnsembleModel(panel.horizon, panel.featureNames, g.sub, regimes, calibrator, scale, manifest, jsonReport(report));
  ctx.progress(1, 'done');
  return { model, report };
}

function skippedReport(name: string, nRows: number): SubModelReport {
  return {
    name,
    status: 'skipped',
    reasons: [],
    gateFailures: [],
    warnings: [],
    nRows,
    nDev: 0,
    nHoldout: 0,
    selection: null,
    cv: null,
    blend: null,
    holdout: null,
    featureImportance: [],
    stability: null,
    permutation: null,
  };
}

function placeholderManifest() {
  return buildManifest({
    kind: 'qe-ensemble',
    seed: 0,
    horizon: 1,
    inputs: [],
    benchmark: null,
    features: [],
    params: {},
    metrics: { oosSpearman: null, cvGap: null, holdoutSpearman: null, holdoutR2: null, ece: null, samples: 0 },
    mode: 'real',
    gateFailures: [],
  });
}

function configJson(cfg: EnsembleConfig): { [k: string]: Json } {
  return JSON.parse(JSON.stringify(cfg)) as { [k: string]: Json };
}

/** The report as plain JSON (NaN → null), for storage inside the model file. */
export function jsonReport(r: EnsembleReport): Json {
  return JSON.parse(JSON.stringify(r)) as Json;
}
