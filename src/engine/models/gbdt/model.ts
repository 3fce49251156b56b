/**
 * Histogram gradient-boosted regression trees (squared error): training loop, fast
 * prediction and compact JSON serialisation.
 *
 * Training follows scikit-learn's HistGradientBoostingRegressor (baseline = mean target,
 * gradients raw − y with unit hessians, quantile bins, leaf value −G/(H + λ) times the
 * learning rate) plus row subsampling and per-split feature subsampling drawn from the seeded
 * PRNG. Early stopping watches the validation loss like scikit-learn (stop when none of the
 * last `nIterNoChange` scores beats the score before them by `tol`); without explicit
 * validation rows it holds out the chronological tail, since rows here are time-ordered.
 */
import type { JobContext } from '../../core/context';
import { checkpoint } from '../../core/context';
import { Prng } from '../../core/prng';
import { base64ToBytes, base64ToF64, base64ToI32, bytesToBase64, f64ToBase64, i32ToBase64 } from '../codec';
import { fitBinMapper, sampleSorted } from './binning';
import { type FeatureBins, type GrowParams, growTree, loadTreeScratch, Workspace } from './grower';
import { featuresPerSplit, type GbdtParams, MIN_HESSIAN_TO_SPLIT, resolveGbdtParams } from './params';
import { NODE_RECORD_BYTES, type PackedForest, packForest, type Tree } from './tree';
import { Arena, aligned, type KernelKind, resolveKernelKind } from './wasm/kernels';
import { MAX_QUANTISED_ROWS, PREDICT_BLOCK } from './wasm/kernels-wasm';
import { binForest, SimdPredictor, simdAvailability, simdIneligibility } from './wasm/predict-simd';

export interface GbdtValidation {
  columns: readonly Float64Array[];
  y: Float64Array;
  sampleWeight?: Float64Array | null;
}

export interface GbdtFitOptions {
  sampleWeight?: Float64Array | null;
  /** explicit early-stopping rows (otherwise the tail `validationFraction` of the rows) */
  validation?: GbdtValidation | null;
  /** 'js' forces the JavaScript kernels (same numbers, slower) */
  kernels?: KernelKind;
}

function checkMatrix(columns: readonly Float64Array[], n: number, what: string): void {
  if (columns.length === 0) throw new Error(`${what}: need at least one feature column`);
  for (let j = 0; j < columns.length; j++) {
    if (columns[j].length !== n) throw new Error(`${what}: feature column ${j} has ${columns[j].length} rows, expected ${n}`);
  }
}

function checkFinite(a: Float64Array, what: string, nonNegative = false): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (!Number.isFinite(v) || (nonNegative && v < 0)) {
      throw new Error(`${what}: row ${i} is ${v} (must be finite${nonNegative ? ' and ≥ 0' : ''})`);
    }
  }
}

/** Half squared error, weighted mean (scikit-learn's loss); the score is its negative. */
function halfSquaredError(arena: Arena, raw: number, y: number, w: number, n: number, weighted: boolean): number {
  const f8 = arena.f64;
  let s = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const d = f8[(y >> 3) + i] - f8[(raw >> 3) + i];
    const wi = weighted ? f8[(w >> 3) + i] : 1;
    s += wi * 0.5 * d * d;
    sw += wi;
  }
  return s / sw;
}

/** One boosting run, advanced an iteration at a time (so async callers can yield between). */
export class GbdtTrainer {
  readonly params: GbdtParams;
  readonly nFeatures: number;
  private readonly ws: Workspace;
  private readonly arena: Arena;
  private readonly bins: FeatureBins;
  private readonly grow: GrowParams;
  private readonly prng: Prng;
  private readonly identity: Int32Array;
  private readonly nVal: number;
  private readonly valWeighted: boolean;
  readonly baseline: number;
  readonly trees: Tree[] = [];
  readonly trainScores: number[] = [];
  readonly validationScores: number[] = [];
  private stopped = false;

  constructor(columns: readonly Float64Array[], y: Float64Array, params: Partial<GbdtParams> = {}, opts: GbdtFitOptions = {}) {
    const p = resolveGbdtParams(params);
    this.params = p;
    const nAll = y.length;
    checkMatrix(columns, nAll, 'GBDT fit');
    checkFinite(y, 'GBDT fit: target');
    const F = columns.length;
    this.nFeatures = F;
    const sw = opts.sampleWeight ?? null;
    if (sw) {
      if (sw.length !== nAll) throw new Error(`GBDT fit: sampleWeight has ${sw.length} rows, y has ${nAll}`);
      checkFinite(sw, 'GBDT fit: sampleWeight', true);
    }

    // Training vs early-stopping rows.
    let trainCols = columns;
    let yTrain = y;
    let wTrain = sw;
    let val: GbdtValidation | null = null;
    if (opts.validation) {
      val = opts.validation;
      checkMatrix(val.columns, val.y.length, 'GBDT fit: validation');
      if (val.columns.length !== F) throw new Error(`GBDT fit: validation has ${val.columns.length} features, training has ${F}`);
      checkFinite(val.y, 'GBDT fit: validation target');
    } else if (p.earlyStopping) {
      const nv = Math.ceil(p.validationFraction * nAll);
      const nt = nAll - nv;
      if (nt < 1 || nv < 1) throw new Error(`GBDT fit: ${nAll} rows cannot be split for early stopping (fraction ${p.validationFraction})`);
      trainCols = columns.map((c) => c.subarray(0, nt));
      yTrain = y.subarray(0, nt);
      wTrain = sw ? sw.subarray(0, nt) : null;
      val = { columns: columns.map((c) => c.subarray(nt)), y: y.subarray(nt), sampleWeight: sw ? sw.subarray(nt) : null };
    }
    const n = yTrain.length;
    if (n < 1) throw new Error('GBDT fit: no training rows');
    const nVal = val ? val.y.length : 0;
    this.nVal = nVal;
    // Quantised histograms count up to 2^24 rows; beyond that, unit weights take the f64 path.
    if (wTrain === null && yTrain.length >= MAX_QUANTISED_ROWS) wTrain = new Float64Array(yTrain.length).fill(1);
    const weighted = wTrain !== null;
    this.valWeighted = !!val?.sampleWeight;
    if (val?.sampleWeight && val.sampleWeight.length !== nVal) {
      throw new Error(`GBDT fit: validation sampleWeight has ${val.sampleWeight.length} rows, expected ${nVal}`);
    }

    this.prng = new Prng(p.seed);
    this.grow = {
      maxDepth: p.maxDepth,
      maxLeafNodes: p.maxLeafNodes,
      minSamplesLeaf: p.minSamplesLeaf,
      l2Regularization: p.l2Regularization,
      minGainToSplit: p.minGainToSplit,
      minHessianToSplit: MIN_HESSIAN_TO_SPLIT,
      featuresPerSplit: featuresPerSplit(p.maxFeatures, F),
      learningRate: p.learningRate,
    };
    const kind = resolveKernelKind(opts.kernels ?? 'wasm');
    const shape = { n, nVal, F, weighted, params: this.grow, kind };
    const plan = Workspace.plan(shape);
    this.arena = new Arena(plan.bytes + aligned(8 * nVal) + (this.valWeighted ? aligned(8 * nVal) : 0), kind);
    this.ws = new Workspace(this.arena, shape);
    const ws = this.ws;
    const a = this.arena;
    this.yValAddr = a.alloc(8 * nVal);
    this.wValAddr = this.valWeighted ? a.alloc(8 * nVal) : 0;
    const mapper = fitBinMapper(trainCols, null, p.maxBins, this.prng, (v) => ws.sort(v));

    const hasMissing = new Uint8Array(F);
    const binInto = (dst: number, col: Float64Array, rows: number, j: number) => {
      const thr = mapper.thresholds[j];
      a.f64.set(col, ws.colScratch >> 3);
      a.f64.set(thr, ws.thrScratch >> 3);
      a.kernels.binColumn(dst, ws.colScratch, rows, ws.thrScratch, thr.length);
    };
    for (let j = 0; j < F; j++) {
      binInto(ws.binned + j * n, trainCols[j], n, j);
      hasMissing[j] = a.u8.subarray(ws.binned + j * n, ws.binned + (j + 1) * n).indexOf(255) >= 0 ? 1 : 0;
      if (val) binInto(ws.vbinned + j * nVal, val.columns[j], nVal, j);
    }
    this.bins = { thresholds: mapper.thresholds, nBinsNonMissing: mapper.nBinsNonMissing, hasMissing };

    a.f64.set(yTrain, ws.y >> 3);
    if (wTrain) a.f64.set(wTrain, ws.w >> 3);
    if (val) {
      a.f64.set(val.y, this.yValAddr >> 3);
      if (val.sampleWeight) a.f64.set(val.sampleWeight, this.wValAddr >> 3);
    }
    let sy = 0;
    let sw0 = 0;
    for (let i = 0; i < n; i++) {
      const wi = wTrain ? wTrain[i] : 1;
      sy += wi * yTrain[i];
      sw0 += wi;
    }
    if (!(sw0 > 0)) throw new Error('GBDT fit: sample weights sum to 0');
    this.baseline = sy / sw0;
    a.f64.fill(this.baseline, ws.raw >> 3, (ws.raw >> 3) + n);
    if (nVal > 0) a.f64.fill(this.baseline, ws.rawVal >> 3, (ws.rawVal >> 3) + nVal);
    this.identity = Int32Array.from({ length: n }, (_, i) => i);
    this.recordScores();
  }

  private readonly yValAddr: number;
  private readonly wValAddr: number;

  private recordScores(): void {
    const ws = this.ws;
    if (!this.params.earlyStopping && this.nVal === 0) return;
    this.trainScores.push(-halfSquaredError(this.arena, ws.raw, ws.y, ws.w, ws.n, ws.weighted));
    if (this.nVal > 0) {
      this.validationScores.push(-halfSquaredError(this.arena, ws.rawVal, this.yValAddr, this.wValAddr, this.nVal, this.valWeighted));
    }
  }

  get done(): boolean {
    return this.stopped || this.trees.length >= this.params.maxIter;
  }

  /** scikit-learn's _should_stop on the validation (else training) scores. */
  private shouldStop(): boolean {
    const scores = this.nVal > 0 ? this.validationScores : this.trainScores;
    const ref = this.params.nIterNoChange + 1;
    if (scores.length < ref) return false;
    const refScore = scores[scores.length - ref] + this.params.tol;
    for (let i = scores.length - ref + 1; i < scores.length; i++) if (scores[i] > refScore) return false;
    return true;
  }

  /** Fits one more tree. */
  step(): void {
    if (this.done) return;
    const ws = this.ws;
    const a = this.arena;
    const K = a.kernels;
    const n = ws.n;
    if (ws.weighted) K.gradW(ws.grad, ws.hess, ws.raw, ws.y, ws.w, n);
    else K.grad(ws.grad, ws.raw, ws.y, n);
    let m = n;
    let nOob = 0;
    if (this.params.subsample < 1) {
      m = Math.max(1, Math.floor(this.params.subsample * n));
      const bag = sampleSorted(n, m, this.prng);
      a.i32.set(bag, ws.part >> 2);
      // Out-of-bag rows, ascending.
      const r4 = ws.rows >> 2;
      let k = 0;
      for (let i = 0; i < n; i++) {
        if (k < m && bag[k] === i) k++;
        else a.i32[r4 + nOob++] = i;
      }
    } else {
      a.i32.set(this.identity, ws.part >> 2);
    }
    const tree = growTree(ws, m, this.bins, this.grow, this.prng, m === n);
    if (nOob > 0 || this.nVal > 0) {
      loadTreeScratch(ws, tree);
      if (nOob > 0) {
        K.predBinned(ws.raw, ws.binned, n, ws.rows, nOob, 1, ws.tChild, ws.tFeat, ws.tBinThr, ws.tMissRight, ws.tValue, tree.depth);
      }
      if (this.nVal > 0) {
        K.predBinned(ws.rawVal, ws.vbinned, this.nVal, 0, this.nVal, 0, ws.tChild, ws.tFeat, ws.tBinThr, ws.tMissRight, ws.tValue, tree.depth);
      }
    }
    this.trees.push(tree);
    this.recordScores();
    if (this.params.earlyStopping && this.shouldStop()) this.stopped = true;
  }

  /** Training-row predictions so far (a copy). */
  trainPredictions(): Float64Array {
    return this.arena.f64.slice(this.ws.raw >> 3, (this.ws.raw >> 3) + this.ws.n);
  }

  model(): GbdtModel {
    return new GbdtModel({
      nFeatures: this.nFeatures,
      baseline: this.baseline,
      trees: this.trees.slice(),
      params: this.params,
      trainScores: this.trainScores.slice(),
      validationScores: this.validationScores.slice(),
    });
  }
}

export function fitGbdt(columns: readonly Float64Array[], y: Float64Array, params: Partial<GbdtParams> = {}, opts: GbdtFitOptions = {}): GbdtModel {
  const t = new GbdtTrainer(columns, y, params, opts);
  while (!t.done) t.step();
  return t.model();
}

/** As fitGbdt, yielding to the host (and honouring cancel) every `every` trees. */
export async function fitGbdtAsync(
  columns: readonly Float64Array[],
  y: Float64Array,
  params: Partial<GbdtParams>,
  opts: GbdtFitOptions,
  ctx: JobContext,
  every = 10,
): Promise<GbdtModel> {
  const t = new GbdtTrainer(columns, y, params, opts);
  while (!t.done) {
    t.step();
    if (t.trees.length % every === 0) await checkpoint(ctx);
  }
  return t.model();
}

export interface GbdtModelInit {
  nFeatures: number;
  baseline: number;
  trees: Tree[];
  params: GbdtParams;
  trainScores: number[];
  validationScores: number[];
}

/**
 * Rows (over all calls) after which a model builds its SIMD predictor (see `predict`).
 * Measured on the 200-tree bench forest: building it and the first call on unoptimised wasm
 * cost ~0.4 s more than the steady state (~0.8 µs/row vs ~2 µs/row for the scalar walk), so a
 * single call pays off from ~200k rows and repeated calls much sooner.
 */
export const SIMD_BUILD_ROWS = 65536;

/** Rows per predict chunk: bounds the working memory (chunk × features × 8 bytes). */
const PREDICT_CHUNK = 65536;

export interface GbdtJson {
  kind: 'gbdt';
  format: 1;
  nFeatures: number;
  baseline: number;
  params: GbdtParams;
  nIter: number;
  trainScores: number[];
  validationScores: number[];
  trees: {
    offsets: string;
    depth: string;
    feature: string;
    threshold: string;
    binThreshold: string;
    missingLeft: string;
    left: string;
    value: string;
    gain: string;
    count: string;
  };
}

export class GbdtModel {
  readonly kind = 'gbdt' as const;
  readonly nFeatures: number;
  readonly baseline: number;
  readonly trees: readonly Tree[];
  readonly params: GbdtParams;
  readonly trainScores: readonly number[];
  readonly validationScores: readonly number[];
  private packed: PackedForest | null = null;
  /** undefined until decided; null = this forest or host cannot use the SIMD path */
  private simd: SimdPredictor | null | undefined = undefined;
  /** rows predicted on the scalar path while the SIMD predictor was not worth building yet */
  private scalarRows = 0;
  private arena: { arena: Arena; rows: number; kind: KernelKind } | null = null;

  constructor(init: GbdtModelInit) {
    this.nFeatures = init.nFeatures;
    this.baseline = init.baseline;
    this.trees = init.trees;
    this.params = init.params;
    this.trainScores = init.trainScores;
    this.validationScores = init.validationScores;
  }

  get nIter(): number {
    return this.trees.length;
  }

  private forest(): PackedForest {
    if (!this.packed) this.packed = packForest(this.trees);
    return this.packed;
  }

  /**
   * Predictions for the rows of `columns` (one Float64Array per feature, NaN = missing). With
   * wasm kernels, forests of depth ≤ 6 take the SIMD bin-space path (bit-identical to the
   * scalar walk, tested) once this model has predicted SIMD_BUILD_ROWS rows, since building
   * it (binning the forest, generating and compiling its kernels) has a one-off cost. Others,
   * or hosts without wasm SIMD, take the scalar kernel.
   */
  predict(columns: readonly Float64Array[], kernels: KernelKind = 'wasm'): Float64Array {
    if (kernels === 'wasm' && columns.length === this.nFeatures && columns.length > 0 && columns[0].length > 0) {
      const n = columns[0].length;
      checkMatrix(columns, n, 'GBDT predict');
      const simd = this.simdPredictor(n);
      if (simd) return simd.predict(columns, this.baseline);
      this.scalarRows += n;
    }
    return this.predictScalar(columns, kernels);
  }

  /** The SIMD predictor, once `n` more rows make it worth building; null on the scalar path. */
  private simdPredictor(n: number): SimdPredictor | null {
    if (this.simd !== undefined) return this.simd;
    if (this.scalarRows + n < SIMD_BUILD_ROWS) return null;
    this.simd = simdAvailability().simd && simdIneligibility(this.trees, this.nFeatures) === null ? new SimdPredictor(binForest(this.trees, this.nFeatures)) : null;
    return this.simd;
  }

  /** The scalar walk (`predRaw`): every forest, wasm or JavaScript kernels. */
  predictScalar(columns: readonly Float64Array[], kernels: KernelKind = 'wasm'): Float64Array {
    if (columns.length !== this.nFeatures) {
      throw new Error(`GBDT predict: model has ${this.nFeatures} features, input has ${columns.length}`);
    }
    const n = columns[0].length;
    checkMatrix(columns, n, 'GBDT predict');
    const out = new Float64Array(n);
    if (n === 0) return out;
    const pf = this.forest();
    const rows = Math.min(n, PREDICT_CHUNK);
    const F = this.nFeatures;
    const T = this.trees.length;
    const B = PREDICT_BLOCK;
    // Layout: X (rows×F f64) | out (rows f64) | block copies (2·F·B f64) | node records | values | roots | depths
    const bytes = 8 * rows * F + 8 * rows + 16 * F * B + pf.nodes * (NODE_RECORD_BYTES + 8) + T * 8 + 64;
    if (!this.arena || this.arena.rows < rows || this.arena.kind !== kernels) {
      this.arena = { arena: new Arena(bytes, kernels), rows, kind: kernels };
    }
    const a = this.arena.arena;
    const X = 0;
    const o = 8 * this.arena.rows * F;
    const block = o + 8 * this.arena.rows;
    const nodes = block + 16 * F * B;
    const value = nodes + NODE_RECORD_BYTES * pf.nodes;
    const roots = value + 8 * pf.nodes;
    const depths = roots + 4 * T;
    for (let i = 0; i < pf.nodes; i++) {
      const r = nodes + i * NODE_RECORD_BYTES;
      a.f64[r >> 3] = pf.thr[i];
      // Column offset inside the block copies: copy A (missing → right) first, then copy B.
      a.i32[(r + 8) >> 2] = (pf.missRight[i] ? 0 : F * B * 8) + pf.feat[i] * B * 8;
      a.i32[(r + 12) >> 2] = pf.child[i];
    }
    a.f64.set(pf.value, value >> 3);
    a.i32.set(pf.roots, roots >> 2);
    a.i32.set(pf.depths, depths >> 2);
    for (let s = 0; s < n; s += rows) {
      const m = Math.min(rows, n - s);
      for (let j = 0; j < F; j++) a.f64.set(columns[j].subarray(s, s + m), (X >> 3) + j * m);
      a.kernels.predRaw(o, X, m, F, block, nodes, value, roots, depths, T, this.baseline);
      out.set(a.f64.subarray(o >> 3, (o >> 3) + m), s);
    }
    return out;
  }

  /** Total split gain per feature, normalised to sum 1 (all zeros for a model without splits). */
  featureImportance(): Float64Array {
    const imp = new Float64Array(this.nFeatures);
    for (const t of this.trees) for (let i = 0; i < t.feature.length; i++) if (t.feature[i] >= 0) imp[t.feature[i]] += t.gain[i];
    let s = 0;
    for (const v of imp) s += v;
    if (s > 0) for (let j = 0; j < imp.length; j++) imp[j] /= s;
    return imp;
  }

  toJSON(): GbdtJson {
    const T = this.trees.length;
    const offsets = new Int32Array(T + 1);
    for (let t = 0; t < T; t++) offsets[t + 1] = offsets[t] + this.trees[t].feature.length;
    const total = offsets[T];
    const cat = <A extends Int32Array | Float64Array | Uint8Array>(make: (k: number) => A, pick: (t: Tree) => A): A => {
      const out = make(total);
      for (let t = 0; t < T; t++) out.set(pick(this.trees[t]), offsets[t]);
      return out;
    };
    return {
      kind: 'gbdt',
      format: 1,
      nFeatures: this.nFeatures,
      baseline: this.baseline,
      params: this.params,
      nIter: T,
      trainScores: [...this.trainScores],
      validationScores: [...this.validationScores],
      trees: {
        offsets: i32ToBase64(offsets),
        depth: i32ToBase64(Int32Array.from(this.trees, (t) => t.depth)),
        feature: i32ToBase64(cat((k) => new Int32Array(k), (t) => t.feature)),
        threshold: f64ToBase64(cat((k) => new Float64Array(k), (t) => t.threshold)),
        binThreshold: bytesToBase64(cat((k) => new Uint8Array(k), (t) => t.binThreshold)),
        missingLeft: bytesToBase64(cat((k) => new Uint8Array(k), (t) => t.missingLeft)),
        left: i32ToBase64(cat((k) => new Int32Array(k), (t) => t.left)),
        value: f64ToBase64(cat((k) => new Float64Array(k), (t) => t.value)),
        gain: f64ToBase64(cat((k) => new Float64Array(k), (t) => t.gain)),
        count: i32ToBase64(cat((k) => new Int32Array(k), (t) => t.count)),
      },
    };
  }

  static fromJSON(j: GbdtJson): GbdtModel {
    if (j.kind !== 'gbdt' || j.format !== 1) throw new Error(`GBDT model: unsupported kind/format ${j.kind}/${j.format}`);
    const w = 'GBDT model';
    const offsets = base64ToI32(j.trees.offsets, `${w} offsets`);
    const depth = base64ToI32(j.trees.depth, `${w} depth`);
    const feature = base64ToI32(j.trees.feature, `${w} feature`);
    const threshold = base64ToF64(j.trees.threshold, `${w} threshold`);
    const binThreshold = base64ToBytes(j.trees.binThreshold, `${w} binThreshold`);
    const missingLeft = base64ToBytes(j.trees.missingLeft, `${w} missingLeft`);
    const left = base64ToI32(j.trees.left, `${w} left`);
    const value = base64ToF64(j.trees.value, `${w} value`);
    const gain = base64ToF64(j.trees.gain, `${w} gain`);
    const count = base64ToI32(j.trees.count, `${w} count`);
    const T = depth.length;
    const total = offsets[T];
    if (offsets.length !== T + 1) throw new Error(`${w}: ${offsets.length} offsets for ${T} trees`);
    for (const [name, arr] of [
      ['feature', feature],
      ['threshold', threshold],
      ['binThreshold', binThreshold],
      ['missingLeft', missingLeft],
      ['left', left],
      ['value', value],
      ['gain', gain],
      ['count', count],
    ] as const) {
      if (arr.length !== total) throw new Error(`${w}: ${name} has ${arr.length} nodes, offsets say ${total}`);
    }
    const trees: Tree[] = [];
    for (let t = 0; t < T; t++) {
      const s = offsets[t];
      const e = offsets[t + 1];
      const f = feature.slice(s, e);
      const l = left.slice(s, e);
      for (let i = 0; i < f.length; i++) {
        if (f[i] >= j.nFeatures || (f[i] >= 0 && !(l[i] > i && l[i] + 1 < f.length))) {
          throw new Error(`${w}: tree ${t} node ${i} is malformed (feature ${f[i]}, left ${l[i]})`);
        }
      }
      trees.push({
        depth: depth[t],
        feature: f,
        threshold: threshold.slice(s, e),
        binThreshold: binThreshold.slice(s, e),
        missingLeft: missingLeft.slice(s, e),
        left: l,
        right: Int32Array.from(l, (v) => (v < 0 ? -1 : v + 1)),
        value: value.slice(s, e),
        gain: gain.slice(s, e),
        count: count.slice(s, e),
      });
    }
    return new GbdtModel({
      nFeatures: j.nFeatures,
      baseline: j.baseline,
      trees,
      params: resolveGbdtParams(j.params),
      trainScores: j.trainScores,
      validationScores: j.validationScores,
    });
  }
}
