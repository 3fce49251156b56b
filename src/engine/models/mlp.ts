/**
 * A small multilayer perceptron regressor in plain TypeScript (the issue asked for tfjs, which
 * cannot be added; the network is small enough that typed-array loops do). Following the
 * spec's TabularNet: hidden layers [64, 32] with ReLU, Adam (lr 1e-3), mini-batches of 256,
 * weighted MSE, gradient-norm clipping at 1, importance = |first-layer weights| per input.
 * BatchNorm and dropout are left out (they make inference depend on batch statistics and
 * training on extra randomness); early stopping on a validation tail regularises instead.
 *
 * Inputs are filled (NaN → training median) and standardised, the target is standardised,
 * so one learning rate suits any feature scale. All parameters live in one Float64Array
 * (`theta`) so Adam, clipping and serialisation are single loops. Every random draw (weight
 * init, batch order) comes from the seeded Prng: same data and seed → identical weights.
 */
import type { JobContext } from '../core/context';
import { checkpoint } from '../core/context';
import { Prng } from '../core/prng';
import { nanMedianOrZero } from '../core/stats';
import { base64ToF64, f64ToBase64 } from './codec';

export interface MlpParams {
  /** hidden layer widths (one or two layers, ReLU) */
  hidden: number[];
  learningRate: number;
  batchSize: number;
  maxEpochs: number;
  /** epochs without a validation improvement before stopping */
  patience: number;
  /** chronological tail held out for early stopping */
  validationFraction: number;
  earlyStopping: boolean;
  /** clip the gradient to this L2 norm (0 = off) */
  clipNorm: number;
  /** L2 penalty on weights (not biases), added to the gradient */
  l2: number;
  seed: number;
}

export const MLP_DEFAULTS: Readonly<MlpParams> = {
  hidden: [64, 32],
  learningRate: 1e-3,
  batchSize: 256,
  maxEpochs: 50,
  patience: 5,
  validationFraction: 0.15,
  earlyStopping: true,
  clipNorm: 1,
  l2: 0,
  seed: 0,
};

export function resolveMlpParams(p: Partial<MlpParams>): MlpParams {
  const r: MlpParams = { ...MLP_DEFAULTS, ...p, hidden: [...(p.hidden ?? MLP_DEFAULTS.hidden)] };
  if (r.hidden.length < 1 || r.hidden.length > 2 || r.hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new Error(`MLP: hidden must be one or two positive integer widths (got [${r.hidden.join(', ')}])`);
  }
  if (!(r.learningRate > 0)) throw new Error(`MLP: learningRate must be > 0 (got ${r.learningRate})`);
  if (!Number.isInteger(r.batchSize) || r.batchSize < 1) throw new Error(`MLP: batchSize must be a positive integer (got ${r.batchSize})`);
  if (!Number.isInteger(r.maxEpochs) || r.maxEpochs < 1) throw new Error(`MLP: maxEpochs must be a positive integer (got ${r.maxEpochs})`);
  if (!(r.validationFraction > 0 && r.validationFraction < 1)) throw new Error(`MLP: validationFraction must be in (0, 1) (got ${r.validationFraction})`);
  if (!(r.clipNorm >= 0) || !(r.l2 >= 0)) throw new Error('MLP: clipNorm and l2 must be ≥ 0');
  return r;
}

/** Offsets of each layer's weights (fan_in × fan_out, row-major) and biases inside theta. */
export interface MlpLayout {
  sizes: number[];
  wOff: number[];
  bOff: number[];
  total: number;
}

export function mlpLayout(sizes: readonly number[]): MlpLayout {
  const wOff: number[] = [];
  const bOff: number[] = [];
  let o = 0;
  for (let l = 1; l < sizes.length; l++) {
    wOff.push(o);
    o += sizes[l - 1] * sizes[l];
    bOff.push(o);
    o += sizes[l];
  }
  return { sizes: [...sizes], wOff, bOff, total: o };
}

/** Per-batch buffers: activations of every layer and their deltas (batch × width). */
class Scratch {
  readonly acts: Float64Array[];
  readonly deltas: Float64Array[];
  constructor(
    readonly layout: MlpLayout,
    readonly rows: number,
  ) {
    this.acts = layout.sizes.map((s) => new Float64Array(rows * s));
    this.deltas = layout.sizes.map((s) => new Float64Array(rows * s));
  }
}

/** Forward pass of B rows already in `s.acts[0]` (row-major); output in `s.acts[last]`. */
function forward(L: MlpLayout, theta: Float64Array, s: Scratch, B: number): void {
  const nl = L.sizes.length - 1;
  for (let l = 1; l <= nl; l++) {
    const nin = L.sizes[l - 1];
    const nout = L.sizes[l];
    const a = s.acts[l - 1];
    const z = s.acts[l];
    const w0 = L.wOff[l - 1];
    const b0 = L.bOff[l - 1];
    const relu = l < nl;
    for (let r = 0; r < B; r++) {
      const zo = r * nout;
      for (let k = 0; k < nout; k++) z[zo + k] = theta[b0 + k];
      const ao = r * nin;
      for (let i = 0; i < nin; i++) {
        const x = a[ao + i];
        if (x === 0) continue;
        const wo = w0 + i * nout;
        for (let k = 0; k < nout; k++) z[zo + k] += x * theta[wo + k];
      }
      if (relu) for (let k = 0; k < nout; k++) if (z[zo + k] < 0) z[zo + k] = 0;
    }
  }
}

/**
 * Weighted MSE Σwᵢ(ŷᵢ − yᵢ)² / Σwᵢ of a batch (rows in `s.acts[0]`) and its gradient w.r.t.
 * theta, written into `grad` (overwritten). Exported for the finite-difference test.
 */
export function mlpLossAndGradient(
  L: MlpLayout,
  theta: Float64Array,
  s: Scratch,
  B: number,
  y: Float64Array,
  w: Float64Array | null,
  grad: Float64Array,
): number {
  forward(L, theta, s, B);
  const nl = L.sizes.length - 1;
  const out = s.acts[nl];
  let sw = 0;
  for (let r = 0; r < B; r++) sw += w ? w[r] : 1;
  let loss = 0;
  const dOut = s.deltas[nl];
  for (let r = 0; r < B; r++) {
    const wr = w ? w[r] : 1;
    const e = out[r] - y[r];
    loss += wr * e * e;
    dOut[r] = sw > 0 ? (2 * wr * e) / sw : 0;
  }
  grad.fill(0);
  for (let l = nl; l >= 1; l--) {
    const nin = L.sizes[l - 1];
    const nout = L.sizes[l];
    const a = s.acts[l - 1];
    const d = s.deltas[l];
    const w0 = L.wOff[l - 1];
    const b0 = L.bOff[l - 1];
    for (let r = 0; r < B; r++) {
      const dOff = r * nout;
      const aOff = r * nin;
      for (let k = 0; k < nout; k++) grad[b0 + k] += d[dOff + k];
      for (let i = 0; i < nin; i++) {
        const x = a[aOff + i];
        if (x === 0) continue;
        const go = w0 + i * nout;
        for (let k = 0; k < nout; k++) grad[go + k] += x * d[dOff + k];
      }
    }
    if (l > 1) {
      // δ_{l−1} = (δ_l Wᵀ) ⊙ relu'(z_{l−1}); a ReLU output of 0 means a zero derivative.
      const dPrev = s.deltas[l - 1];
      for (let r = 0; r < B; r++) {
        const dOff = r * nout;
        const pOff = r * nin;
        for (let i = 0; i < nin; i++) {
          if (a[pOff + i] <= 0) {
            dPrev[pOff + i] = 0;
            continue;
          }
          const wo = w0 + i * nout;
          let t = 0;
          for (let k = 0; k < nout; k++) t += theta[wo + k] * d[dOff + k];
          dPrev[pOff + i] = t;
        }
      }
    }
  }
  return sw > 0 ? loss / sw : 0;
}

/** A scratch sized for `rows` rows of a layout (for mlpLossAndGradient callers). */
export function mlpScratch(L: MlpLayout, rows: number): Scratch {
  return new Scratch(L, rows);
}

export interface MlpJson {
  kind: 'mlp';
  format: 1;
  sizes: number[];
  params: MlpParams;
  theta: string;
  means: string;
  scales: string;
  fill: string;
  yMean: number;
  yScale: number;
  epochs: number;
  trainLoss: number[];
  validationLoss: number[];
}

export class MlpModel {
  readonly kind = 'mlp' as const;
  readonly layout: MlpLayout;

  constructor(
    readonly params: MlpParams,
    sizes: readonly number[],
    /** all weights and biases */
    readonly theta: Float64Array,
    readonly means: Float64Array,
    readonly scales: Float64Array,
    readonly fill: Float64Array,
    readonly yMean: number,
    readonly yScale: number,
    /** epochs run (the weights are those of the best validation epoch when early stopping) */
    readonly epochs: number,
    readonly trainLoss: readonly number[],
    readonly validationLoss: readonly number[],
  ) {
    this.layout = mlpLayout(sizes);
    if (theta.length !== this.layout.total) throw new Error(`MLP model: theta has ${theta.length} values, layout needs ${this.layout.total}`);
  }

  get nFeatures(): number {
    return this.layout.sizes[0];
  }

  predict(columns: readonly Float64Array[]): Float64Array {
    const F = this.nFeatures;
    if (columns.length !== F) throw new Error(`MLP predict: model has ${F} features, input has ${columns.length}`);
    const n = F > 0 ? columns[0].length : 0;
    for (let j = 0; j < F; j++) if (columns[j].length !== n) throw new Error(`MLP predict: feature column ${j} has ${columns[j].length} rows, expected ${n}`);
    const out = new Float64Array(n);
    const B = Math.min(1024, Math.max(1, n));
    const s = new Scratch(this.layout, B);
    const nl = this.layout.sizes.length - 1;
    for (let r0 = 0; r0 < n; r0 += B) {
      const m = Math.min(B, n - r0);
      loadRows(s.acts[0], columns, null, r0, m, this.fill, this.means, this.scales);
      forward(this.layout, this.theta, s, m);
      for (let r = 0; r < m; r++) out[r0 + r] = s.acts[nl][r] * this.yScale + this.yMean;
    }
    return out;
  }

  /** Σ|first-layer weights| per input (standardised units), normalised to sum 1. */
  featureImportance(): Float64Array {
    const F = this.nFeatures;
    const h = this.layout.sizes[1];
    const imp = new Float64Array(F);
    for (let j = 0; j < F; j++) for (let k = 0; k < h; k++) imp[j] += Math.abs(this.theta[j * h + k]);
    let s = 0;
    for (const v of imp) s += v;
    if (s > 0) for (let j = 0; j < F; j++) imp[j] /= s;
    return imp;
  }

  toJSON(): MlpJson {
    return {
      kind: 'mlp',
      format: 1,
      sizes: [...this.layout.sizes],
      params: { ...this.params, hidden: [...this.params.hidden] },
      theta: f64ToBase64(this.theta),
      means: f64ToBase64(this.means),
      scales: f64ToBase64(this.scales),
      fill: f64ToBase64(this.fill),
      yMean: this.yMean,
      yScale: this.yScale,
      epochs: this.epochs,
      trainLoss: [...this.trainLoss],
      validationLoss: [...this.validationLoss],
    };
  }

  static fromJSON(j: MlpJson): MlpModel {
    if (j.kind !== 'mlp' || j.format !== 1) throw new Error(`MLP model: unsupported kind/format ${j.kind}/${j.format}`);
    const F = j.sizes[0];
    const vec = (text: string, name: string, len: number) => {
      const a = base64ToF64(text, `MLP model ${name}`);
      if (a.length !== len) throw new Error(`MLP model: ${name} has ${a.length} values, expected ${len}`);
      return a;
    };
    const layout = mlpLayout(j.sizes);
    return new MlpModel(
      resolveMlpParams(j.params),
      j.sizes,
      vec(j.theta, 'theta', layout.total),
      vec(j.means, 'means', F),
      vec(j.scales, 'scales', F),
      vec(j.fill, 'fill', F),
      j.yMean,
      j.yScale,
      j.epochs,
      j.trainLoss,
      j.validationLoss,
    );
  }
}

/** Rows r0..r0+m (or rows[r0..] when `rows` is given) filled and standardised into `dst` (row-major). */
function loadRows(
  dst: Float64Array,
  columns: readonly Float64Array[],
  rows: Int32Array | null,
  r0: number,
  m: number,
  fill: Float64Array,
  means: Float64Array,
  scales: Float64Array,
): void {
  const F = columns.length;
  for (let j = 0; j < F; j++) {
    const c = columns[j];
    const f = fill[j];
    const mu = means[j];
    const inv = 1 / scales[j];
    for (let r = 0; r < m; r++) {
      const x = c[rows ? rows[r0 + r] : r0 + r];
      dst[r * F + j] = ((Number.isNaN(x) ? f : x) - mu) * inv;
    }
  }
}

export interface MlpFitOptions {
  sampleWeight?: Float64Array | null;
}

/** One training run, advanced an epoch at a time (so async callers can yield between). */
export class MlpTrainer {
  readonly params: MlpParams;
  readonly layout: MlpLayout;
  readonly trainLoss: number[] = [];
  readonly validationLoss: number[] = [];
  private readonly theta: Float64Array;
  private best: Float64Array;
  private bestLoss = Number.POSITIVE_INFINITY;
  private sinceBest = 0;
  private epoch = 0;
  private stopped = false;
  private readonly prng: Prng;
  private readonly fill: Float64Array;
  private readonly means: Float64Array;
  private readonly scales: Float64Array;
  private readonly yMean: number;
  private readonly yScale: number;
  private readonly ys: Float64Array;
  private readonly w: Float64Array | null;
  private readonly nTrain: number;
  private readonly nVal: number;
  private readonly grad: Float64Array;
  private readonly m1: Float64Array;
  private readonly m2: Float64Array;
  private step = 0;
  private readonly scratch: Scratch;
  private readonly yb: Float64Array;
  private readonly wb: Float64Array;

  constructor(
    private readonly columns: readonly Float64Array[],
    y: Float64Array,
    params: Partial<MlpParams> = {},
    opts: MlpFitOptions = {},
  ) {
    const p = resolveMlpParams(params);
    this.params = p;
    const F = columns.length;
    const n = y.length;
    if (F === 0) throw new Error('MLP fit: need at least one feature column');
    for (let j = 0; j < F; j++) if (columns[j].length !== n) throw new Error(`MLP fit: feature column ${j} has ${columns[j].length} rows, y has ${n}`);
    for (let i = 0; i < n; i++) if (!Number.isFinite(y[i])) throw new Error(`MLP fit: target row ${i} is ${y[i]}`);
    const sw = opts.sampleWeight ?? null;
    if (sw) {
      if (sw.length !== n) throw new Error(`MLP fit: sampleWeight has ${sw.length} rows, y has ${n}`);
      for (let i = 0; i < n; i++) if (!(sw[i] >= 0 && Number.isFinite(sw[i]))) throw new Error(`MLP fit: sampleWeight row ${i} is ${sw[i]}`);
    }
    this.w = sw;
    this.nVal = p.earlyStopping ? Math.ceil(p.validationFraction * n) : 0;
    this.nTrain = n - this.nVal;
    if (this.nTrain < 1 || (p.earlyStopping && this.nVal < 1)) {
      throw new Error(`MLP fit: ${n} rows cannot be split for early stopping (fraction ${p.validationFraction})`);
    }
    // Fill and standardisation from the training rows only (the validation tail is unseen).
    const nt = this.nTrain;
    this.fill = Float64Array.from(columns, (c) => nanMedianOrZero(c.subarray(0, nt)));
    this.means = new Float64Array(F);
    this.scales = new Float64Array(F);
    for (let j = 0; j < F; j++) {
      const c = columns[j];
      let s = 0;
      for (let i = 0; i < nt; i++) s += Number.isNaN(c[i]) ? this.fill[j] : c[i];
      const mu = s / nt;
      let v = 0;
      for (let i = 0; i < nt; i++) {
        const d = (Number.isNaN(c[i]) ? this.fill[j] : c[i]) - mu;
        v += d * d;
      }
      const sd = Math.sqrt(v / nt);
      this.means[j] = mu;
      this.scales[j] = sd > 0 ? sd : 1;
    }
    let ym = 0;
    for (let i = 0; i < nt; i++) ym += y[i];
    ym /= nt;
    let yv = 0;
    for (let i = 0; i < nt; i++) yv += (y[i] - ym) ** 2;
    const ysd = Math.sqrt(yv / nt);
    this.yMean = ym;
    this.yScale = ysd > 0 ? ysd : 1;
    this.ys = Float64Array.from(y, (v) => (v - ym) / this.yScale);

    this.layout = mlpLayout([F, ...p.hidden, 1]);
    this.prng = new Prng(p.seed);
    this.theta = new Float64Array(this.layout.total);
    const L = this.layout;
    for (let l = 1; l < L.sizes.length; l++) {
      // He initialisation for ReLU layers, Glorot-like variance 1/fan_in for the linear output.
      const fanIn = L.sizes[l - 1];
      const sd = Math.sqrt((l < L.sizes.length - 1 ? 2 : 1) / fanIn);
      const len = fanIn * L.sizes[l];
      for (let k = 0; k < len; k++) this.theta[L.wOff[l - 1] + k] = sd * this.prng.normal();
    }
    this.best = this.theta.slice();
    this.grad = new Float64Array(L.total);
    this.m1 = new Float64Array(L.total);
    this.m2 = new Float64Array(L.total);
    const B = Math.min(p.batchSize, nt);
    this.scratch = new Scratch(L, Math.max(B, Math.min(1024, Math.max(1, this.nVal))));
    this.yb = new Float64Array(this.scratch.rows);
    this.wb = new Float64Array(this.scratch.rows);
  }

  get done(): boolean {
    return this.stopped || this.epoch >= this.params.maxEpochs;
  }

  get epochs(): number {
    return this.epoch;
  }

  /** Weighted MSE (standardised target) over rows [r0, r1) with the current weights. */
  private meanLoss(r0: number, r1: number): number {
    const s = this.scratch;
    const nl = this.layout.sizes.length - 1;
    let loss = 0;
    let sw = 0;
    for (let a = r0; a < r1; a += s.rows) {
      const m = Math.min(s.rows, r1 - a);
      loadRows(s.acts[0], this.columns, null, a, m, this.fill, this.means, this.scales);
      forward(this.layout, this.theta, s, m);
      for (let r = 0; r < m; r++) {
        const wr = this.w ? this.w[a + r] : 1;
        const e = s.acts[nl][r] - this.ys[a + r];
        loss += wr * e * e;
        sw += wr;
      }
    }
    return sw > 0 ? loss / sw : 0;
  }

  /** Runs one epoch of shuffled mini-batches. */
  stepEpoch(): void {
    if (this.done) return;
    const p = this.params;
    const L = this.layout;
    const s = this.scratch;
    const order = this.prng.permutation(this.nTrain);
    const B = Math.min(p.batchSize, this.nTrain);
    const b1 = 0.9;
    const b2 = 0.999;
    const eps = 1e-8;
    for (let r0 = 0; r0 < this.nTrain; r0 += B) {
      const m = Math.min(B, this.nTrain - r0);
      loadRows(s.acts[0], this.columns, order, r0, m, this.fill, this.means, this.scales);
      for (let r = 0; r < m; r++) {
        const i = order[r0 + r];
        this.yb[r] = this.ys[i];
        this.wb[r] = this.w ? this.w[i] : 1;
      }
      mlpLossAndGradient(L, this.theta, s, m, this.yb, this.w ? this.wb : null, this.grad);
      if (p.l2 > 0) {
        for (let l = 0; l < L.wOff.length; l++) {
          const len = L.sizes[l] * L.sizes[l + 1];
          for (let k = L.wOff[l]; k < L.wOff[l] + len; k++) this.grad[k] += 2 * p.l2 * this.theta[k];
        }
      }
      if (p.clipNorm > 0) {
        let g2 = 0;
        for (let k = 0; k < L.total; k++) g2 += this.grad[k] * this.grad[k];
        const norm = Math.sqrt(g2);
        if (norm > p.clipNorm) {
          const f = p.clipNorm / norm;
          for (let k = 0; k < L.total; k++) this.grad[k] *= f;
        }
      }
      this.step++;
      const c1 = 1 - b1 ** this.step;
      const c2 = 1 - b2 ** this.step;
      for (let k = 0; k < L.total; k++) {
        const g = this.grad[k];
        this.m1[k] = b1 * this.m1[k] + (1 - b1) * g;
        this.m2[k] = b2 * this.m2[k] + (1 - b2) * g * g;
        this.theta[k] -= (p.learningRate * (this.m1[k] / c1)) / (Math.sqrt(this.m2[k] / c2) + eps);
      }
    }
    this.epoch++;
    this.trainLoss.push(this.meanLoss(0, this.nTrain));
    if (this.nVal > 0) {
      const v = this.meanLoss(this.nTrain, this.nTrain + this.nVal);
      this.validationLoss.push(v);
      if (v < this.bestLoss - 1e-12) {
        this.bestLoss = v;
        this.best = this.theta.slice();
        this.sinceBest = 0;
      } else if (++this.sinceBest >= p.patience) {
        this.stopped = true;
      }
    }
  }

  model(): MlpModel {
    const theta = this.nVal > 0 ? this.best.slice() : this.theta.slice();
    return new MlpModel(
      this.params,
      this.layout.sizes,
      theta,
      this.means.slice(),
      this.scales.slice(),
      this.fill.slice(),
      this.yMean,
      this.yScale,
      this.epoch,
      this.trainLoss.slice(),
      this.validationLoss.slice(),
    );
  }
}

export function fitMlp(columns: readonly Float64Array[], y: Float64Array, params: Partial<MlpParams> = {}, opts: MlpFitOptions = {}): MlpModel {
  const t = new MlpTrainer(columns, y, params, opts);
  while (!t.done) t.stepEpoch();
  return t.model();
}

/** As fitMlp, yielding to the host (and honouring cancel) after every epoch. */
export async function fitMlpAsync(
  columns: readonly Float64Array[],
  y: Float64Array,
  params: Partial<MlpParams>,
  opts: MlpFitOptions,
  ctx: JobContext,
): Promise<MlpModel> {
  const t = new MlpTrainer(columns, y, params, opts);
  while (!t.done) {
    t.stepEpoch();
    await checkpoint(ctx);
  }
  return t.model();
}
