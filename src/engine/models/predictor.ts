/**
 * The trained ensemble as a runtime object, its JSON form, and prediction (spec §4.3).
 *
 * A sub-model is a blend of members fitted on one set of rows (global, or the rows of one
 * regime) with NaN inputs replaced by its training medians and outputs clipped to ±3 target
 * standard deviations. Prediction needs, for every row, the features by name, the causal
 * (filtered) regime probabilities and the regime confidence — inputs without them are refused
 * with a PredictorInputError. Per regime r with a model: w_r = P(r)·clip(holdout ρ_r, 0, 1);
 * regime prediction = Σ w_r·pred_r / Σ w_r; blend α = clip(Σ w_r · regime confidence, 0, 1);
 * predicted return = α·regime + (1 − α)·global. Rows whose probabilities are not available
 * yet (NaN: before the first causal regime fit) get α = 0 and regime −1.
 *
 * Confidence (raw, then calibrated to P(sign correct) by the calibrator fitted on holdout
 * rows in this same domain): (base + α·Σ P(r)·quality_r/Σ P(r)) · (0.6 + 0.4·max P) ·
 * (0.5 + 0.5·min(1, |prediction|/scale)), clipped to [0, 1], with base = √(holdout ρ·cv ρ)
 * (holdout ρ alone when cv ρ ≤ 0, 0 when holdout ρ ≤ 0) and quality_r = √(cv ρ_r·holdout ρ_r)
 * (negatives as 0). The |prediction| factor (scale = max |prediction| on the calibration rows)
 * lets the calibrator separate strong from weak signals.
 */
import { canonicalJson, sha256Hex } from '../core/hash';
import { R } from '../regime/labels';
import { type Calibrator, type CalibratorJson, calibrate, calibratorFromJson, calibratorToJson } from './calibration';
import { jsonNumber, parseJsonNumber } from './codec';
import type { ModelManifest } from './manifest';
import { type MemberJson, memberFromJSON, type ModelMember } from './member';

export class PredictorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PredictorInputError';
  }
}

export interface SubModelMember {
  name: string;
  kind: string;
  weight: number;
  model: ModelMember;
}

export interface SubModelStats {
  targetStd: number;
  cvCorr: number;
  cvGap: number;
  holdoutR2: number;
  holdoutCorr: number;
  nSamples: number;
  nDates: number;
  warnings: string[];
  featureImportance: number[];
}

export class SubModel {
  constructor(
    readonly name: string,
    readonly members: readonly SubModelMember[],
    /** per ensemble feature, substituted for NaN inputs */
    readonly medians: Float64Array,
    readonly stats: SubModelStats,
    /** the ensemble features the members use (indices, the members' column order) */
    readonly features: Int32Array,
  ) {
    for (const j of features) if (!(j >= 0 && j < medians.length)) throw new Error(`${name}: feature index ${j} out of range`);
  }

  /** Medians substituted for NaN (new arrays; inputs untouched). */
  fill(columns: readonly Float64Array[]): Float64Array[] {
    if (columns.length !== this.medians.length) throw new Error(`${this.name}: ${columns.length} feature columns, expected ${this.medians.length}`);
    return columns.map((c, j) => {
      const m = this.medians[j];
      const out = new Float64Array(c.length);
      for (let i = 0; i < c.length; i++) out[i] = Number.isNaN(c[i]) ? m : c[i];
      return out;
    });
  }

  /** Each member's predictions on already-filled columns (all ensemble features). */
  memberPredictions(filled: readonly Float64Array[]): Float64Array[] {
    const cols = Array.from(this.features, (j) => filled[j]);
    return this.members.map((m) => m.model.predict(cols));
  }

  /** Weighted blend, clipped to ±3 target std (no clipping when the std is not finite/positive). */
  blend(memberPreds: readonly Float64Array[], n: number): Float64Array {
    const out = new Float64Array(n);
    for (let k = 0; k < this.members.length; k++) {
      const w = this.members[k].weight;
      const p = memberPreds[k];
      for (let i = 0; i < n; i++) out[i] += w * p[i];
    }
    const lim = 3 * this.stats.targetStd;
    if (lim > 0 && Number.isFinite(lim)) for (let i = 0; i < n; i++) out[i] = Math.min(lim, Math.max(-lim, out[i]));
    return out;
  }

  predict(columns: readonly Float64Array[]): Float64Array {
    const filled = this.fill(columns);
    const n = columns.length > 0 ? columns[0].length : 0;
    return this.blend(this.memberPredictions(filled), n);
  }
}

export interface SubModelJson {
  name: string;
  features: number[];
  members: { name: string; kind: string; weight: number; model: MemberJson }[];
  medians: (number | string)[];
  stats: {
    targetStd: number | string;
    cvCorr: number | string;
    cvGap: number | string;
    holdoutR2: number | string;
    holdoutCorr: number | string;
    nSamples: number;
    nDates: number;
    warnings: string[];
    featureImportance: (number | string)[];
  };
}

export function subModelToJson(s: SubModel): SubModelJson {
  const st = s.stats;
  return {
    name: s.name,
    features: Array.from(s.features),
    members: s.members.map((m) => ({ name: m.name, kind: m.kind, weight: m.weight, model: m.model.toJSON() })),
    medians: Array.from(s.medians, jsonNumber),
    stats: {
      targetStd: jsonNumber(st.targetStd),
      cvCorr: jsonNumber(st.cvCorr),
      cvGap: jsonNumber(st.cvGap),
      holdoutR2: jsonNumber(st.holdoutR2),
      holdoutCorr: jsonNumber(st.holdoutCorr),
      nSamples: st.nSamples,
      nDates: st.nDates,
      warnings: st.warnings,
      featureImportance: st.featureImportance.map(jsonNumber),
    },
  };
}

export function subModelFromJson(j: SubModelJson, nFeatures: number): SubModel {
  const w = `model ${j.name}`;
  if (j.medians.length !== nFeatures) throw new Error(`${w}: ${j.medians.length} medians for ${nFeatures} features`);
  const features = Int32Array.from(j.features);
  const members = j.members.map((m) => {
    const model = memberFromJSON(m.model);
    if (model.nFeatures !== features.length) throw new Error(`${w}: member ${m.name} expects ${model.nFeatures} features, the sub-model selects ${features.length}`);
    return { name: m.name, kind: m.kind, weight: m.weight, model };
  });
  const p = (v: number | string, f: string) => parseJsonNumber(v, `${w} ${f}`);
  return new SubModel(
    j.name,
    members,
    Float64Array.from(j.medians, (v, i) => p(v, `medians[${i}]`)),
    {
      targetStd: p(j.stats.targetStd, 'targetStd'),
      cvCorr: p(j.stats.cvCorr, 'cvCorr'),
      cvGap: p(j.stats.cvGap, 'cvGap'),
      holdoutR2: p(j.stats.holdoutR2, 'holdoutR2'),
      holdoutCorr: p(j.stats.holdoutCorr, 'holdoutCorr'),
      nSamples: j.stats.nSamples,
      nDates: j.stats.nDates,
      warnings: j.stats.warnings,
      featureImportance: j.stats.featureImportance.map((v, i) => p(v, `featureImportance[${i}]`)),
    },
    features,
  );
}

export interface PredictorInput {
  /** feature columns by name; every feature the model was trained on must be present */
  features: { names: readonly string[]; columns: readonly Float64Array[] };
  /** filtered (causal) canonical regime probabilities, rows×4 row-major */
  regimeProbs?: Float64Array | null;
  /** regime confidence per row */
  regimeConfidence?: Float64Array | null;
}

export interface EnsemblePrediction {
  n: number;
  predictedReturn: Float64Array;
  /** calibrated: probability that the predicted sign is right */
  confidence: Float64Array;
  rawConfidence: Float64Array;
  globalPrediction: Float64Array;
  /** NaN where no regime model contributes */
  regimePrediction: Float64Array;
  blendAlpha: Float64Array;
  /** argmax regime, −1 where probabilities are unavailable */
  regime: Int32Array;
  regimeConfidence: Float64Array;
  /** population std of the global members' predictions (disagreement) */
  ensembleStd: Float64Array;
  /** global members by name, then "regime0".."regime3" (NaN rows/absent models as NaN) */
  members: { name: string; prediction: Float64Array }[];
}

const sqrtPos = (a: number, b: number) => Math.sqrt(Math.max(0, a) * Math.max(0, b));

/** Base confidence of the global model (spec §4.2/§4.3). */
export function baseConfidence(holdoutCorr: number, cvCorr: number): number {
  const h = Number.isFinite(holdoutCorr) ? holdoutCorr : 0;
  const c = Number.isFinite(cvCorr) ? cvCorr : 0;
  if (h <= 0) return 0;
  return c > 0 ? Math.sqrt(h * c) : h;
}

export class EnsembleModel {
  constructor(
    readonly horizon: number,
    readonly featureNames: readonly string[],
    readonly global: SubModel,
    /** one slot per canonical regime; null where no model was accepted */
    readonly regimes: readonly (SubModel | null)[],
    readonly calibrator: Calibrator,
    /** max |prediction| on the calibration rows (the confidence's signal-strength scale) */
    readonly confidenceScale: number,
    readonly manifest: ModelManifest,
    /** training report (folds, holdout, calibration, importance): display only */
    readonly report: unknown,
  ) {
    if (regimes.length !== R) throw new Error(`ensemble: ${regimes.length} regime slots, expected ${R}`);
  }

  /** Aligns input columns to the model's feature order; refuses missing features. */
  private alignFeatures(features: PredictorInput['features']): { columns: Float64Array[]; n: number } {
    if (!features || !Array.isArray(features.names) || !Array.isArray(features.columns)) {
      throw new PredictorInputError('predictor input has no feature matrix ({names, columns})');
    }
    if (features.names.length !== features.columns.length) {
      throw new PredictorInputError(`predictor input has ${features.names.length} feature names but ${features.columns.length} columns`);
    }
    const idx = new Map(features.names.map((nm, j) => [nm, j]));
    const missing = this.featureNames.filter((nm) => !idx.has(nm));
    if (missing.length > 0) throw new PredictorInputError(`predictor input is missing feature(s) ${missing.join(', ')}`);
    const columns = this.featureNames.map((nm) => features.columns[idx.get(nm) as number]);
    const n = columns.length > 0 ? columns[0].length : 0;
    columns.forEach((c, j) => {
      if (c.length !== n) throw new PredictorInputError(`feature ${this.featureNames[j]} has ${c.length} rows, expected ${n}`);
    });
    return { columns, n };
  }

  predict(input: PredictorInput): EnsemblePrediction {
    if (!input || typeof input !== 'object') throw new PredictorInputError('predictor input must be an object');
    const { columns, n } = this.alignFeatures(input.features);
    const P = input.regimeProbs;
    const conf = input.regimeConfidence;
    if (!(P instanceof Float64Array)) {
      throw new PredictorInputError('predictor input has no regime probabilities (regimeProbs: rows×4 filtered probabilities are required)');
    }
    if (!(conf instanceof Float64Array)) {
      throw new PredictorInputError('predictor input has no regime confidence (regimeConfidence: one value per row is required)');
    }
    if (P.length !== n * R) throw new PredictorInputError(`regimeProbs has ${P.length} values, expected ${n} rows × ${R}`);
    if (conf.length !== n) throw new PredictorInputError(`regimeConfidence has ${conf.length} values, expected ${n}`);

    const filledG = this.global.fill(columns);
    const gMembers = this.global.memberPredictions(filledG);
    const globalPred = this.global.blend(gMembers, n);
    const regimePreds = this.regimes.map((m) => (m ? m.predict(columns) : null));
    const reliability = this.regimes.map((m) => (m ? Math.min(1, Math.max(0, Number.isFinite(m.stats.holdoutCorr) ? m.stats.holdoutCorr : 0)) : 0));
    const quality = this.regimes.map((m) => (m ? sqrtPos(m.stats.cvCorr, m.stats.holdoutCorr) : 0));
    const base = baseConfidence(this.global.stats.holdoutCorr, this.global.stats.cvCorr);

    const out: EnsemblePrediction = {
      n,
      predictedReturn: new Float64Array(n),
      confidence: new Float64Array(n),
      rawConfidence: new Float64Array(n),
      globalPrediction: globalPred,
      regimePrediction: new Float64Array(n).fill(Number.NaN),
      blendAlpha: new Float64Array(n),
      regime: new Int32Array(n).fill(-1),
      regimeConfidence: conf.slice(),
      ensembleStd: new Float64Array(n).fill(Number.NaN),
      members: [
        ...this.global.members.map((m, k) => ({ name: m.name, prediction: gMembers[k] })),
        ...regimePreds.map((p, r) => ({ name: `regime${r}`, prediction: p ?? new Float64Array(n).fill(Number.NaN) })),
      ],
    };
    for (let i = 0; i < n; i++) {
      let available = Number.isFinite(conf[i]);
      let pSum = 0;
      let pMax = 0;
      let best = -1;
      for (let r = 0; r < R; r++) {
        const p = P[i * R + r];
        if (!Number.isFinite(p)) available = false;
        else {
          pSum += p;
          if (p > pMax) {
            pMax = p;
            best = r;
          }
        }
      }
      let alpha = 0;
      let regimePred = Number.NaN;
      let regimeTerm = 0;
      if (available) {
        out.regime[i] = best;
        let ws = 0;
        let wp = 0;
        let q = 0;
        for (let r = 0; r < R; r++) {
          const rp = regimePreds[r];
          const p = P[i * R + r];
          if (rp) {
            const w = p * reliability[r];
            ws += w;
            wp += w * rp[i];
          }
          q += p * quality[r];
        }
        if (ws > 1e-8) {
          regimePred = wp / ws;
          alpha = Math.min(1, Math.max(0, ws * conf[i]));
        }
        regimeTerm = pSum > 0 ? (alpha * q) / pSum : 0;
      } else {
        pMax = 0;
      }
      const pred = alpha > 0 ? alpha * regimePred + (1 - alpha) * globalPred[i] : globalPred[i];
      out.predictedReturn[i] = pred;
      out.regimePrediction[i] = regimePred;
      out.blendAlpha[i] = alpha;
      const strength = this.confidenceScale > 0 ? Math.min(1, Math.abs(pred) / this.confidenceScale) : 1;
      const raw = Math.min(1, Math.max(0, (base + regimeTerm) * (0.6 + 0.4 * pMax) * (0.5 + 0.5 * strength)));
      out.rawConfidence[i] = raw;
      out.confidence[i] = calibrate(this.calibrator, raw);
      // Disagreement across the global members.
      let cnt = 0;
      let mean = 0;
      for (const p of gMembers) {
        if (Number.isFinite(p[i])) {
          cnt++;
          mean += p[i];
        }
      }
      if (cnt >= 2) {
        mean /= cnt;
        let v = 0;
        for (const p of gMembers) if (Number.isFinite(p[i])) v += (p[i] - mean) ** 2;
        out.ensembleStd[i] = Math.sqrt(v / cnt);
      }
    }
    return out;
  }

  toJSON(): EnsembleJson {
    const body: Omit<EnsembleJson, 'checksum'> = {
      kind: 'qe-ensemble',
      format: 1,
      horizon: this.horizon,
      featureNames: [...this.featureNames],
      global: subModelToJson(this.global),
      regimes: this.regimes.map((m) => (m ? subModelToJson(m) : null)),
      calibrator: calibratorToJson(this.calibrator),
      confidenceScale: jsonNumber(this.confidenceScale),
      manifest: this.manifest,
      report: this.report,
    };
    return { ...body, checksum: modelChecksum(body) };
  }

  static fromJSON(j: EnsembleJson, opts: { verifyChecksum?: boolean } = {}): EnsembleModel {
    if (j?.kind !== 'qe-ensemble') throw new Error('not a Quant Engine ensemble model (kind must be "qe-ensemble")');
    if (j.format !== 1) throw new Error(`ensemble model format ${j.format} is not supported (expected 1)`);
    if (opts.verifyChecksum ?? true) {
      const { checksum, ...body } = j;
      const actual = modelChecksum(body);
      if (checksum !== actual) throw new Error(`model checksum mismatch: file says ${checksum}, content hashes to ${actual} (the file was altered or corrupted)`);
    }
    const F = j.featureNames.length;
    if (!Array.isArray(j.regimes) || j.regimes.length !== R) throw new Error(`ensemble model needs ${R} regime slots`);
    return new EnsembleModel(
      j.horizon,
      j.featureNames,
      subModelFromJson(j.global, F),
      j.regimes.map((m) => (m ? subModelFromJson(m, F) : null)),
      calibratorFromJson(j.calibrator),
      parseJsonNumber(j.confidenceScale, 'confidenceScale'),
      j.manifest,
      j.report,
    );
  }
}

export interface EnsembleJson {
  kind: 'qe-ensemble';
  format: 1;
  horizon: number;
  featureNames: string[];
  global: SubModelJson;
  regimes: (SubModelJson | null)[];
  calibrator: CalibratorJson;
  confidenceScale: number | string;
  manifest: ModelManifest;
  report: unknown;
  /** SHA-256 of the canonical JSON of every other field */
  checksum: string;
}

export function modelChecksum(body: Omit<EnsembleJson, 'checksum'>): string {
  return sha256Hex(canonicalJson(body));
}
