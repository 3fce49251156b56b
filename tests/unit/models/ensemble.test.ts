import { describe, expect, it } from 'vitest';
import { CancelledError } from '../../../src/engine/core/context';
import { Prng } from '../../../src/engine/core/prng';
import { calibrate, type Calibrator } from '../../../src/engine/models/calibration';
import { trainEnsemble } from '../../../src/engine/models/ensemble';
import { buildManifest } from '../../../src/engine/models/manifest';
import { type MemberJson, type ModelMember, registerMember } from '../../../src/engine/models/member';
import { buildPanel, type TickerInput } from '../../../src/engine/models/panel';
import { EnsembleModel, PredictorInputError, SubModel } from '../../../src/engine/models/predictor';

/** A member that predicts a fixed linear function (for hand-checked blending). */
class FixedLinear implements ModelMember {
  readonly kind = 'test-fixed';
  constructor(
    readonly coef: number[],
    readonly bias: number,
  ) {}
  get nFeatures() {
    return this.coef.length;
  }
  predict(cols: readonly Float64Array[]) {
    const n = cols[0].length;
    return Float64Array.from({ length: n }, (_, i) => this.bias + this.coef.reduce((s, b, j) => s + b * cols[j][i], 0));
  }
  featureImportance() {
    return new Float64Array(this.coef.length);
  }
  toJSON(): MemberJson {
    return { kind: this.kind, coef: this.coef, bias: this.bias } as MemberJson;
  }
}
registerMember({
  kind: 'test-fixed',
  reportsImportance: false,
  fit: () => {
    throw new Error('not fitted in tests');
  },
  fromJSON: (j) => {
    const o = j as unknown as { coef: number[]; bias: number };
    return new FixedLinear(o.coef, o.bias);
  },
});

const stats = (o: { cv: number; holdout: number; std: number }) => ({
  targetStd: o.std,
  cvCorr: o.cv,
  cvGap: 0,
  holdoutR2: 0.01,
  holdoutCorr: o.holdout,
  nSamples: 100,
  nDates: 50,
  warnings: [],
  featureImportance: [0, 0],
});

const manifest = buildManifest({
  kind: 'qe-ensemble',
  seed: 1,
  horizon: 5,
  inputs: [],
  benchmark: null,
  features: ['a', 'b'],
  params: {},
  metrics: { oosSpearman: 0.09, cvGap: 0, holdoutSpearman: 0.04, holdoutR2: 0.01, ece: null, samples: 100 },
  mode: 'real',
  gateFailures: [],
});

function handModel(calibrator: Calibrator = { method: 'identity', x: [], y: [], a: 0, b: 0 }) {
  // global: 0.75·(x_a) + 0.25·(2·x_b), NaN → medians (0.5, −1); clip ±3·0.1
  const global = new SubModel(
    'global',
    [
      { name: 'm1', kind: 'test-fixed', weight: 0.75, model: new FixedLinear([1, 0], 0) },
      { name: 'm2', kind: 'test-fixed', weight: 0.25, model: new FixedLinear([0, 2], 0) },
    ],
    Float64Array.of(0.5, -1),
    stats({ cv: 0.09, holdout: 0.04, std: 0.1 }),
    Int32Array.of(0, 1),
  );
  const r0 = new SubModel('regime0', [{ name: 'm', kind: 'test-fixed', weight: 1, model: new FixedLinear([0, 0], 0.2) }], Float64Array.of(0, 0), stats({ cv: 0.16, holdout: 0.25, std: 1 }), Int32Array.of(0, 1));
  const r3 = new SubModel('regime3', [{ name: 'm', kind: 'test-fixed', weight: 1, model: new FixedLinear([0, 0], -0.1) }], Float64Array.of(0, 0), stats({ cv: 0.04, holdout: 0.5, std: 1 }), Int32Array.of(0, 1));
  return new EnsembleModel(5, ['a', 'b'], global, [r0, null, null, r3], calibrator, 0.2, manifest, null);
}

describe('ensemble predictor', () => {
  it('blends global and regime models by hand (spec §4.3)', () => {
    const m = handModel();
    // Features given in another order, with an extra column: aligned by name.
    const input = {
      features: { names: ['b', 'extra', 'a'], columns: [Float64Array.of(0.05, Number.NaN, 1), Float64Array.of(9, 9, 9), Float64Array.of(0.1, 0.2, 1)] },
      regimeProbs: Float64Array.of(0.6, 0.1, 0.1, 0.2, 0.25, 0.25, 0.25, 0.25, Number.NaN, Number.NaN, Number.NaN, Number.NaN),
      regimeConfidence: Float64Array.of(0.8, 0.25, Number.NaN),
    };
    const p = m.predict(input);
    // Row 0: global = 0.75·0.1 + 0.25·0.1 = 0.1; w0 = 0.6·0.25 = 0.15, w3 = 0.2·0.5 = 0.1
    // regime = (0.15·0.2 + 0.1·(−0.1))/0.25 = 0.08; α = 0.25·0.8 = 0.2 → 0.2·0.08 + 0.8·0.1
    expect(p.globalPrediction[0]).toBeCloseTo(0.1, 15);
    expect(p.regimePrediction[0]).toBeCloseTo(0.08, 15);
    expect(p.blendAlpha[0]).toBeCloseTo(0.2, 15);
    expect(p.predictedReturn[0]).toBeCloseTo(0.096, 15);
    expect(p.regime[0]).toBe(0);
    // base = √(0.04·0.09) = 0.06; quality0 = √(0.16·0.25) = 0.2, quality3 = √(0.04·0.5);
    // raw = (0.06 + 0.2·(0.6·0.2 + 0.2·√0.02)/1) · (0.6 + 0.4·0.6) · (0.5 + 0.5·0.096/0.2)
    const raw0 = (0.06 + 0.2 * (0.6 * 0.2 + 0.2 * Math.sqrt(0.02))) * (0.6 + 0.4 * 0.6) * (0.5 + 0.5 * (0.096 / 0.2));
    expect(p.rawConfidence[0]).toBeCloseTo(raw0, 14);
    expect(p.confidence[0]).toBeCloseTo(raw0, 14);
    // Members and their disagreement: m1 = 0.1, m2 = 0.1 → std 0.
    expect(p.members.map((x) => x.name)).toEqual(['m1', 'm2', 'regime0', 'regime1', 'regime2', 'regime3']);
    expect(p.ensembleStd[0]).toBe(0);
    // Row 1: b missing → median −1: m1 = 0.2, m2 = −2 → global = 0.15 − 0.5 = −0.35 → clipped −0.3.
    expect(p.globalPrediction[1]).toBeCloseTo(-0.3, 15);
    expect(p.ensembleStd[1]).toBeCloseTo(1.1, 14);
    // w0 = 0.25·0.25, w3 = 0.25·0.5 → regime = (0.0625·0.2 − 0.125·0.1)/0.1875 = 0; α = 0.1875·0.25
    expect(p.regimePrediction[1]).toBeCloseTo(0, 15);
    expect(p.blendAlpha[1]).toBeCloseTo(0.046875, 15);
    expect(p.predictedReturn[1]).toBeCloseTo((1 - 0.046875) * -0.3, 15);
    // Row 2: probabilities not available yet → global only, regime −1.
    expect(p.blendAlpha[2]).toBe(0);
    expect(p.regime[2]).toBe(-1);
    expect(p.predictedReturn[2]).toBe(p.globalPrediction[2]);
    expect(p.regimePrediction[2]).toBeNaN();
  });

  it('refuses inputs missing regimes or confidence with a clear PredictorInputError', () => {
    const m = handModel();
    const features = { names: ['a', 'b'], columns: [Float64Array.of(1), Float64Array.of(2)] };
    const probs = Float64Array.of(0.25, 0.25, 0.25, 0.25);
    expect(() => m.predict({ features, regimeConfidence: Float64Array.of(1) })).toThrow(PredictorInputError);
    expect(() => m.predict({ features, regimeConfidence: Float64Array.of(1) })).toThrow(/no regime probabilities/);
    expect(() => m.predict({ features, regimeProbs: probs })).toThrow(/no regime confidence/);
    expect(() => m.predict({ features, regimeProbs: probs, regimeConfidence: null })).toThrow(PredictorInputError);
    expect(() => m.predict({ features, regimeProbs: Float64Array.of(1, 0, 0), regimeConfidence: Float64Array.of(1) })).toThrow(/expected 1 rows × 4/);
    expect(() => m.predict({ features: { names: ['a'], columns: [Float64Array.of(1)] }, regimeProbs: probs, regimeConfidence: Float64Array.of(1) })).toThrow(
      /missing feature\(s\) b/,
    );
  });

  it('applies the calibrator to the raw confidence and survives a JSON round trip; tampering is detected', () => {
    const cal: Calibrator = { method: 'isotonic', x: [0, 1], y: [0.4, 0.7], a: 0, b: 0 };
    const m = handModel(cal);
    const input = {
      features: { names: ['a', 'b'], columns: [Float64Array.of(0.1, 2), Float64Array.of(0.3, -3)] },
      regimeProbs: Float64Array.of(0.1, 0.2, 0.3, 0.4, 1, 0, 0, 0),
      regimeConfidence: Float64Array.of(0.5, 0.9),
    };
    const p = m.predict(input);
    expect(p.confidence[0]).toBeCloseTo(calibrate(cal, p.rawConfidence[0]), 15);
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    const back = EnsembleModel.fromJSON(json);
    const q = back.predict(input);
    expect(Array.from(q.predictedReturn)).toEqual(Array.from(p.predictedReturn));
    expect(Array.from(q.confidence)).toEqual(Array.from(p.confidence));
    json.global.members[0].weight = 0.8;
    expect(() => EnsembleModel.fromJSON(json)).toThrow(/checksum mismatch/);
  });
});

/** Synthetic tickers whose next-5-bar return is partly predictable from a feature. */
function syntheticUniverse(tickers: number, bars: number, seed: number): TickerInput[] {
  const p = new Prng(seed);
  const out: TickerInput[] = [];
  for (let k = 0; k < tickers; k++) {
    const ts = Float64Array.from({ length: bars }, (_, i) => Date.UTC(2010, 0, 1) + i * 86_400_000);
    const signal = Float64Array.from({ length: bars }, () => p.normal());
    const noise = Float64Array.from({ length: bars }, () => p.normal());
    const close = new Float64Array(bars);
    close[0] = 100;
    // the log return into bar i carries 0.01·signal[i − 5]: the 5-bar forward return from t holds
    // signal[t − 4..t] (rank IC of signal[t] alone ≈ 0.3)
    for (let i = 1; i < bars; i++) close[i] = close[i - 1] * Math.exp(0.01 * signal[Math.max(0, i - 5)] + 0.01 * noise[i]);
    const regimeProbs = new Float64Array(bars * 4);
    const conf = new Float64Array(bars);
    for (let i = 0; i < bars; i++) {
      const r = Math.floor(i / 100) % 2 === 0 ? 0 : 3;
      for (let s = 0; s < 4; s++) regimeProbs[i * 4 + s] = s === r ? 0.7 : 0.1;
      conf[i] = 0.7;
    }
    for (let i = 0; i < 30; i++) {
      regimeProbs.fill(Number.NaN, i * 4, i * 4 + 4);
      conf[i] = Number.NaN;
    }
    const junk = Float64Array.from({ length: bars }, () => p.normal());
    out.push({ ticker: `T${k}`, ts, close, features: { names: ['signal', 'junk'], columns: [signal, junk] }, regimeProbs, regimeConfidence: conf });
  }
  return out;
}

describe('ensemble training', () => {
  const inputs = syntheticUniverse(3, 700, 21);
  const panel = buildPanel(inputs, { horizon: 5, requireTarget: true });
  const config = {
    members: [
      { name: 'gbdt', kind: 'gbdt', params: { maxIter: 60, maxDepth: 3, learningRate: 0.1, subsample: 0.8, maxFeatures: null } },
      { name: 'ridge', kind: 'ridge', params: { alpha: 1 } },
    ],
    folds: 3,
    // two features only: the spec selection needs ≥ 3 per fold (tested in selection.test.ts)
    featureSelection: 'none' as const,
    permutation: { repeats: 2, maxRows: 500 },
    seed: 7,
  };

  it('builds a (date, ticker)-sorted panel with label ends h bars ahead', () => {
    expect(panel.n).toBe(3 * (700 - 5));
    for (let i = 1; i < panel.n; i++) expect(panel.dateIndex[i] * 10 + panel.ticker[i]).toBeGreaterThan(panel.dateIndex[i - 1] * 10 + panel.ticker[i - 1]);
    expect(panel.labelEnd[0] - panel.dateIndex[0]).toBe(5);
  });

  it('finds the signal out of sample, passes the gates, and is deterministic to the byte', async () => {
    const a = await trainEnsemble(panel, config);
    expect(a.report.status).toBe('accepted');
    const g = a.report.global;
    expect(g.cv?.folds).toHaveLength(3);
    expect(g.cv?.oosRankIc).toBeGreaterThan(0.2);
    expect(g.holdout?.rankIc).toBeGreaterThan(0.2);
    expect(g.featureImportance[0].name).toBe('signal');
    expect(g.permutation?.features[0].name).toBe('signal');
    expect(a.report.regimes.map((r) => r.status)).toEqual(['accepted', 'skipped', 'skipped', 'accepted']);
    expect(a.report.calibration?.rows).toBeGreaterThan(100);
    const b = await trainEnsemble(panel, config);
    expect(JSON.stringify(b.model?.toJSON())).toBe(JSON.stringify(a.model?.toJSON()));
    // Predictions from the reloaded model match, and confidence is a probability.
    const model = EnsembleModel.fromJSON(JSON.parse(JSON.stringify(a.model?.toJSON())));
    const pred = model.predict({ features: { names: panel.featureNames, columns: panel.columns }, regimeProbs: panel.regimeProbs, regimeConfidence: panel.regimeConfidence });
    for (const c of pred.confidence) expect(c >= 0 && c <= 1).toBe(true);
    expect(model.manifest.features).toEqual(['signal', 'junk']);
    expect(model.manifest.metrics.samples).toBe(panel.n);
  });

  it('reports progress per fold and stops on cancel with CancelledError', async () => {
    const stages: string[] = [];
    const signal = { cancelled: false };
    const ctx = {
      signal,
      progress: (_f: number, stage: string) => {
        stages.push(stage);
        if (stage.includes('fold 2/')) signal.cancelled = true;
      },
      yield: () => Promise.resolve(),
    };
    await expect(trainEnsemble(panel, config, { ctx })).rejects.toThrow(CancelledError);
    expect(stages).toEqual(['global: fold 1/3', 'global: fold 2/3']);
  });

  it('rejects an overfitted model on pure noise (cv_gap gate), unless gates are off', async () => {
    const p = new Prng(99);
    const noise = syntheticUniverse(2, 500, 5).map((t) => {
      const close = new Float64Array(t.close.length);
      close[0] = 100;
      for (let i = 1; i < close.length; i++) close[i] = close[i - 1] * Math.exp(0.01 * p.normal());
      return { ...t, close };
    });
    const np = buildPanel(noise, { horizon: 5, requireTarget: true });
    const overfit = {
      ...config,
      regimeModels: false,
      members: [{ name: 'gbdt', kind: 'gbdt', params: { maxIter: 200, maxDepth: 5, minSamplesLeaf: 5, learningRate: 0.2, subsample: 1, maxFeatures: null } }],
    };
    const r = await trainEnsemble(np, overfit);
    expect(r.model).toBeNull();
    expect(r.report.global.reasons[0]).toMatch(/^cv_gap 0\.\d+ > 0\.15/);
    expect(r.report.global.cv?.isRankIc).toBeGreaterThan(0.3);
    const kept = await trainEnsemble(np, { ...overfit, enforceGates: false });
    expect(kept.model?.manifest.gateFailures[0]).toMatch(/^global: cv_gap/);
  });
});
