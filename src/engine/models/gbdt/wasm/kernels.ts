/**
 * One interface over the two implementations of the GBDT kernels: WebAssembly (fast) and
 * JavaScript (the fallback where wasm cannot be compiled, and the reference the wasm is
 * tested against). Both take byte offsets into one memory (`Arena`) and produce identical
 * numbers. Only the private layout of quantised histograms differs (wasm packs count and
 * gradient sum in one i64, JavaScript keeps two exact f64 integers), so their size comes
 * from `quantisedFeatureBytes`.
 */
import { HIST_BINS, kernelModuleBytes, MISSING_BIN, PREDICT_BLOCK, QFEAT_BYTES, WFEAT_BYTES } from './kernels-wasm';

export { HIST_BINS, MISSING_BIN, WFEAT_BYTES };
/** byte layout of a scan result: gain, GL, HL, NL (f64), bin, missingLeft (i32) */
export const SCAN_OUT_BYTES = 40;

export type KernelKind = 'wasm' | 'js';

export interface Kernels {
  readonly kind: KernelKind;
  /** bytes one feature's quantised histogram occupies */
  readonly qFeatBytes: number;
  quant(q: number, grad: number, n: number, scale: number): void;
  histQ(dst: number, binned: number, n: number, F: number, q: number, part: number, start: number, stop: number, og: number, identity: number): void;
  subQ(dst: number, a: number, b: number, F: number): void;
  totalsQ(hist: number, out: number): void;
  scanQ(
    hist: number,
    nbnm: number,
    hasMissing: number,
    sumG: number,
    sumH: number,
    nNode: number,
    minLeaf: number,
    minHess: number,
    l2: number,
    parentLoss: number,
    minGain: number,
    bestGain: number,
    out: number,
    invScale: number,
  ): number;
  scanW(
    hist: number,
    nbnm: number,
    hasMissing: number,
    sumG: number,
    sumH: number,
    nNode: number,
    minLeaf: number,
    minHess: number,
    l2: number,
    parentLoss: number,
    minGain: number,
    bestGain: number,
    out: number,
  ): number;
  histW(
    dst: number,
    binned: number,
    n: number,
    F: number,
    grad: number,
    hess: number,
    part: number,
    start: number,
    stop: number,
    og: number,
    oh: number,
  ): void;
  subW(dst: number, a: number, b: number, len: number): void;
  partition(part: number, tmp: number, start: number, stop: number, col: number, binThr: number, missingLeft: number): number;
  addLeaf(raw: number, part: number, start: number, stop: number, value: number): void;
  predBinned(
    raw: number,
    binned: number,
    n: number,
    rows: number,
    nRows: number,
    useRows: number,
    child: number,
    feat: number,
    binThr: number,
    missRight: number,
    value: number,
    depth: number,
  ): void;
  predRaw(
    out: number,
    X: number,
    n: number,
    F: number,
    block: number,
    nodes: number,
    value: number,
    roots: number,
    depths: number,
    T: number,
    baseline: number,
  ): void;
  binColumn(dst: number, src: number, n: number, thr: number, nThr: number): void;
  grad(grad: number, raw: number, y: number, n: number): void;
  gradW(grad: number, hess: number, raw: number, y: number, w: number, n: number): void;
  /** ascending in-place sort of n NaN-free doubles at `a` (tmp: n doubles, counts: 256 i32 of scratch) */
  sortF64(a: number, tmp: number, n: number, counts: number): void;
}

/** Round half to even, like wasm's f64.nearest. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

type ScanArgs = [number, number, number, number, number, number, number, number, number, number, number, number, number];

/** JavaScript twin of every wasm kernel, over views of one ArrayBuffer. */
export function jsKernels(buffer: ArrayBuffer): Kernels {
  const F8 = new Float64Array(buffer);
  const I4 = new Int32Array(buffer);
  const U1 = new Uint8Array(buffer);
  const QB = HIST_BINS * 16;

  /** Shared scan: `binAt(b)` returns the bin's (g, h, count) contribution in order. */
  const scanCore = (
    binG: (b: number) => number,
    binH: (b: number) => number,
    binC: (b: number) => number,
    [, nbnm, hasMissing, sumG, sumH, nNode, minLeaf, minHess, l2, parentLoss, minGain, bestGain, out]: ScanArgs,
    cumulate: (acc: number, v: number) => number,
    finishG: (acc: number) => number,
  ): number => {
    let found = 0;
    let best = bestGain;
    const consider = (gl: number, hl: number, nl: number, gr: number, hr: number, b: number, missingLeft: number) => {
      const dl = hl + l2;
      const dr = hr + l2;
      if (gl * gl * dr + gr * gr * dl < (Math.max(best, minGain) - parentLoss) * (dl * dr) * (1 - 1e-9)) return;
      const gain = parentLoss - gl * (-gl / (hl + l2 + 1e-15)) - gr * (-gr / (hr + l2 + 1e-15));
      if (gain > best && gain > minGain) {
        best = gain;
        found = 1;
        F8[out >> 3] = gain;
        F8[(out >> 3) + 1] = gl;
        F8[(out >> 3) + 2] = hl;
        F8[(out >> 3) + 3] = nl;
        I4[(out >> 2) + 8] = b;
        I4[(out >> 2) + 9] = missingLeft;
      }
    };
    let gAcc = 0;
    let hl = 0;
    let nl = 0;
    const end = nbnm - 1 + hasMissing;
    for (let b = 0; b < end; b++) {
      gAcc = cumulate(gAcc, binG(b));
      hl += binH(b);
      nl += binC(b);
      const gl = finishG(gAcc);
      const nr = nNode - nl;
      const hr = sumH - hl;
      const gr = sumG - gl;
      if (nl < minLeaf) continue;
      if (nr < minLeaf) break;
      if (hl < minHess) continue;
      if (hr < minHess) break;
      consider(gl, hl, nl, gr, hr, b, 0);
    }
    if (hasMissing) {
      let gAccR = 0;
      let hr = 0;
      let nr = 0;
      for (let b = nbnm - 2; b >= 0; b--) {
        gAccR = cumulate(gAccR, binG(b + 1));
        hr += binH(b + 1);
        nr += binC(b + 1);
        const gr = finishG(gAccR);
        const nl2 = nNode - nr;
        const hl2 = sumH - hr;
        const gl = sumG - gr;
        if (nr < minLeaf) continue;
        if (nl2 < minLeaf) break;
        if (hr < minHess) continue;
        if (hl2 < minHess) break;
        consider(gl, hl2, nl2, gr, hr, b, 1);
      }
    }
    return found;
  };

  return {
    kind: 'js',
    qFeatBytes: QB,
    quant(q, grad, n, scale) {
      for (let k = 0; k < n; k++) F8[(q >> 3) + k] = roundHalfEven(F8[(grad >> 3) + k] * scale);
    },
    histQ(dst, binned, n, F, q, part, start, stop, og, _identity) {
      const m = stop - start;
      const pp = (part >> 2) + start;
      const o8 = og >> 3;
      for (let k = 0; k < m; k++) F8[o8 + k] = F8[(q >> 3) + I4[pp + k]];
      F8.fill(0, dst >> 3, (dst >> 3) + F * (QB >> 3));
      for (let j = 0; j < F; j++) {
        const c0 = binned + j * n;
        const h0 = (dst >> 3) + j * (QB >> 3);
        for (let k = 0; k < m; k++) {
          const a = h0 + (U1[c0 + I4[pp + k]] << 1);
          F8[a] += F8[o8 + k];
          F8[a + 1] += 1;
        }
      }
    },
    subQ(dst, a, b, F) {
      const len = F * (QB >> 3);
      for (let k = 0; k < len; k++) F8[(dst >> 3) + k] = F8[(a >> 3) + k] - F8[(b >> 3) + k];
    },
    totalsQ(hist, out) {
      let g = 0;
      let c = 0;
      for (let b = 0; b < HIST_BINS; b++) {
        g += F8[(hist >> 3) + 2 * b];
        c += F8[(hist >> 3) + 2 * b + 1];
      }
      F8[out >> 3] = g;
      F8[(out >> 3) + 1] = c;
    },
    scanQ(hist, nbnm, hasMissing, sumG, sumH, nNode, minLeaf, minHess, l2, parentLoss, minGain, bestGain, out, invScale) {
      const h8 = hist >> 3;
      return scanCore(
        (b) => F8[h8 + 2 * b],
        (b) => F8[h8 + 2 * b + 1],
        (b) => F8[h8 + 2 * b + 1],
        [hist, nbnm, hasMissing, sumG, sumH, nNode, minLeaf, minHess, l2, parentLoss, minGain, bestGain, out],
        (acc, v) => acc + v,
        (acc) => acc * invScale,
      );
    },
    scanW(hist, nbnm, hasMissing, sumG, sumH, nNode, minLeaf, minHess, l2, parentLoss, minGain, bestGain, out) {
      const h8 = hist >> 3;
      return scanCore(
        (b) => F8[h8 + 3 * b],
        (b) => F8[h8 + 3 * b + 1],
        (b) => F8[h8 + 3 * b + 2],
        [hist, nbnm, hasMissing, sumG, sumH, nNode, minLeaf, minHess, l2, parentLoss, minGain, bestGain, out],
        (acc, v) => acc + v,
        (acc) => acc,
      );
    },
    histW(dst, binned, n, F, grad, hess, part, start, stop, og, oh) {
      const m = stop - start;
      const pp = (part >> 2) + start;
      const o8 = og >> 3;
      const oh8 = oh >> 3;
      for (let k = 0; k < m; k++) {
        const r = I4[pp + k];
        F8[o8 + k] = F8[(grad >> 3) + r];
        F8[oh8 + k] = F8[(hess >> 3) + r];
      }
      F8.fill(0, dst >> 3, (dst >> 3) + F * HIST_BINS * 3);
      for (let j = 0; j < F; j++) {
        const c0 = binned + j * n;
        const h0 = (dst >> 3) + j * HIST_BINS * 3;
        for (let k = 0; k < m; k++) {
          const a = h0 + U1[c0 + I4[pp + k]] * 3;
          F8[a] += F8[o8 + k];
          F8[a + 1] += F8[oh8 + k];
          F8[a + 2] += 1;
        }
      }
    },
    subW(dst, a, b, len) {
      for (let k = 0; k < len; k++) F8[(dst >> 3) + k] = F8[(a >> 3) + k] - F8[(b >> 3) + k];
    },
    partition(part, tmp, start, stop, col, binThr, missingLeft) {
      const p4 = part >> 2;
      const t4 = tmp >> 2;
      let nl = 0;
      let nr = 0;
      for (let k = start; k < stop; k++) {
        const r = I4[p4 + k];
        const b = U1[col + r];
        const left = b === MISSING_BIN ? missingLeft : b <= binThr ? 1 : 0;
        I4[p4 + start + nl] = r;
        I4[t4 + nr] = r;
        nl += left;
        nr += left ^ 1;
      }
      I4.copyWithin(p4 + start + nl, t4, t4 + nr);
      return nl;
    },
    addLeaf(raw, part, start, stop, value) {
      const r8 = raw >> 3;
      const p4 = part >> 2;
      for (let k = start; k < stop; k++) F8[r8 + I4[p4 + k]] += value;
    },
    predBinned(raw, binned, n, rows, nRows, useRows, child, feat, binThr, missRight, value, depth) {
      const c4 = child >> 2;
      const f4 = feat >> 2;
      const t4 = binThr >> 2;
      const m4 = missRight >> 2;
      for (let k = 0; k < nRows; k++) {
        const r = useRows ? I4[(rows >> 2) + k] : k;
        let i = 0;
        for (let d = 0; d < depth; d++) {
          const b = U1[binned + I4[f4 + i] * n + r];
          const right = b === MISSING_BIN ? I4[m4 + i] : b > I4[t4 + i] ? 1 : 0;
          i = I4[c4 + i] + right;
        }
        F8[(raw >> 3) + r] += F8[(value >> 3) + i];
      }
    },
    predRaw(out, X, n, F, block, nodes, value, roots, depths, T, baseline) {
      const B = PREDICT_BLOCK;
      const copyB = F * B * 8;
      for (let r0 = 0; r0 < n; r0 += B) {
        const m = Math.min(B, n - r0);
        for (let j = 0; j < F; j++) {
          for (let r = 0; r < B; r++) {
            const x = r < m ? F8[(X >> 3) + j * n + r0 + r] : 0;
            const a8 = (block + j * B * 8) >> 3;
            F8[a8 + r] = Number.isNaN(x) ? Number.POSITIVE_INFINITY : x === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : x;
            F8[((block + copyB) >> 3) + j * B + r] = Number.isNaN(x) ? Number.NEGATIVE_INFINITY : x;
          }
        }
        for (let r = 0; r < m; r++) F8[(out >> 3) + r0 + r] = baseline;
        for (let t = 0; t < T; t++) {
          const root = I4[(roots >> 2) + t];
          const D = I4[(depths >> 2) + t];
          for (let r = 0; r < m; r++) {
            let off = root;
            for (let d = 0; d < D; d++) {
              const a = nodes + off;
              const x = F8[(block + r * 8 + I4[(a + 8) >> 2]) >> 3];
              off = I4[(a + 12) >> 2] + (x > F8[a >> 3] ? 16 : 0);
            }
            F8[(out >> 3) + r0 + r] += F8[(value + (off >>> 1)) >> 3];
          }
        }
      }
    },
    binColumn(dst, src, n, thr, nThr) {
      const t8 = thr >> 3;
      for (let k = 0; k < n; k++) {
        const x = F8[(src >> 3) + k];
        let lo = 0;
        let hi = nThr;
        while (lo < hi) {
          const mid = lo + ((hi - lo - 1) >> 1);
          if (x <= F8[t8 + mid]) hi = mid;
          else lo = mid + 1;
        }
        U1[dst + k] = Number.isNaN(x) ? MISSING_BIN : lo;
      }
    },
    grad(grad, raw, y, n) {
      for (let k = 0; k < n; k++) F8[(grad >> 3) + k] = F8[(raw >> 3) + k] - F8[(y >> 3) + k];
    },
    sortF64(a, _tmp, n, _counts) {
      F8.subarray(a >> 3, (a >> 3) + n).sort();
    },
    gradW(grad, hess, raw, y, w, n) {
      for (let k = 0; k < n; k++) {
        const wk = F8[(w >> 3) + k];
        F8[(grad >> 3) + k] = wk * (F8[(raw >> 3) + k] - F8[(y >> 3) + k]);
        F8[(hess >> 3) + k] = wk;
      }
    },
  };
}

let wasmModule: WebAssembly.Module | null | undefined;
let wasmFailure = '';

/** The compiled kernel module, or null where WebAssembly is unavailable or refuses to compile. */
function compiledModule(): WebAssembly.Module | null {
  if (wasmModule !== undefined) return wasmModule;
  try {
    if (typeof WebAssembly === 'undefined') throw new Error('WebAssembly is not available in this runtime');
    wasmModule = new WebAssembly.Module(kernelModuleBytes() as BufferSource);
  } catch (e) {
    // Recorded, not swallowed: `kernelAvailability()` reports why the JavaScript kernels run.
    wasmFailure = e instanceof Error ? e.message : String(e);
    wasmModule = null;
  }
  return wasmModule;
}

export function kernelAvailability(): { wasm: boolean; reason: string } {
  const m = compiledModule();
  return { wasm: m !== null, reason: m ? 'compiled' : wasmFailure };
}

/** The kind an Arena preferring `prefer` will actually get. */
export function resolveKernelKind(prefer: KernelKind): KernelKind {
  return prefer === 'wasm' && compiledModule() ? 'wasm' : 'js';
}

/** Bytes per feature of a quantised histogram for a kernel kind. */
export function quantisedFeatureBytes(kind: KernelKind): number {
  return kind === 'wasm' ? QFEAT_BYTES : HIST_BINS * 16;
}

/**
 * A zero-initialised memory of at least `bytes` plus kernels bound to it. `prefer: 'js'`
 * forces the JavaScript kernels (tests compare both); 'wasm' falls back to JavaScript when
 * wasm is unavailable (the numbers are the same either way).
 */
export class Arena {
  readonly buffer: ArrayBuffer;
  readonly kernels: Kernels;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  private top = 0;

  constructor(
    readonly bytes: number,
    kind: KernelKind = 'wasm',
  ) {
    const size = Math.max(65536, Math.ceil(bytes / 65536) * 65536);
    if (size > 4 * 1024 ** 3 - 65536) throw new Error(`GBDT working memory of ${bytes} bytes exceeds the 4 GB wasm32 limit`);
    const module = resolveKernelKind(kind) === 'wasm' ? compiledModule() : null;
    if (module) {
      const memory = new WebAssembly.Memory({ initial: size / 65536 });
      const instance = new WebAssembly.Instance(module, { env: { mem: memory } });
      this.buffer = memory.buffer;
      this.kernels = { kind: 'wasm', qFeatBytes: QFEAT_BYTES, ...(instance.exports as unknown as Omit<Kernels, 'kind' | 'qFeatBytes'>) };
    } else {
      this.buffer = new ArrayBuffer(size);
      this.kernels = jsKernels(this.buffer);
    }
    this.f64 = new Float64Array(this.buffer);
    this.i32 = new Int32Array(this.buffer);
    this.u8 = new Uint8Array(this.buffer);
  }

  /** Reserves `bytes` (8-byte aligned) and returns the byte offset. */
  alloc(bytes: number): number {
    const off = this.top;
    this.top += aligned(bytes);
    if (this.top > this.buffer.byteLength) {
      throw new Error(`GBDT arena overflow: need ${this.top} bytes, planned ${this.buffer.byteLength}`);
    }
    return off;
  }
}

/** Bytes `alloc` will use for `bytes` (for planning an arena's size). */
export function aligned(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}
