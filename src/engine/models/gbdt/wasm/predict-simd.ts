/**
 * Forest prediction with 128-bit SIMD, sixteen rows per vector, in bin space.
 *
 * Why: the scalar walk (`predRaw`) is bound by instruction count — about a dozen per node
 * step, six steps per tree and row. Here every feature value is first replaced by its rank
 * among the thresholds the forest uses for that feature (exact: x ≤ t_k ⇔ rank(x) ≤ k), so a
 * node test on sixteen rows is one `i8x16.gt_u`. A tree of depth D ≤ 6 is evaluated level by
 * level as a complete tree (missing nodes padded with never-right tests): the level's node
 * tests are packed into bit vectors and each row picks its node's bit with a byte swizzle,
 * so no row ever branches or gathers. Leaf indices then select leaf values, added per row in
 * tree order after the baseline — the same additions in the same order as the scalar paths,
 * so the predictions are bit-identical.
 *
 * Missing values: each row group is stored twice, NaN as rank 255 (copy A, "missing goes
 * right": 255 > any node rank) and as rank 0 (copy B, "missing goes left"); a node reads the
 * copy of its missing direction. Forests with a tree deeper than 6 or a feature with more
 * than 254 distinct thresholds are not eligible (the caller uses the scalar kernel).
 */
import { assembleModule, type Expr, Func, f64, I32, i32, i8x16, type Local, V128, v128 } from './asm';
import { kernelModuleBytes } from './kernels-wasm';
import type { Tree } from '../tree';

export const SIMD_MAX_DEPTH = 6;
/** rows per vector */
const LANES = 16;
/** row groups per block: the block's two bin copies (2·F·256 bytes) stay in L1 */
const BLOCK_GROUPS = 16;
/** bytes of one node record: threshold rank splat (16) | column offset (4) | padding */
const REC = 32;
/** rows binned per chunk (bounds the working memory) */
export const SIMD_CHUNK_ROWS = 65536;

const splatByte = (b: number): Expr => v128.c(new Array(16).fill(b));
/** table[i] = 1 << (i − 8·half) for i in that half, else 0 */
const bitTable = (half: 0 | 1): Expr => v128.c(Array.from({ length: 16 }, (_, i) => ((i >> 3) === half ? 1 << (i & 7) : 0)));

/**
 * predTree{D}(nodes, leaves, bins, g0, g1, groupBytes, out, scratch): for row groups g0..g1−1
 * (group g's copies at bins + g·groupBytes), out[16g + lane] += leaves[leaf index].
 */
function predTree(D: number): Func {
  const f = new Func(`predTree${D}`, [I32, I32, I32, I32, I32, I32, I32, I32], null);
  const [nodes, leaves, bins, g0, g1, groupBytes, out, scratch] = f.params;
  const G = f.get.bind(f);
  const g = f.local(I32);
  const base = f.local(I32);
  const o = f.local(I32);
  const idx = f.local(V128);
  const idx2 = f.local(V128);
  const hit = f.local(V128);
  const bits: Local[] = Array.from({ length: 4 }, () => f.local(V128));
  // The eight bit masks and the zero vector live in locals (built once per call, not per use).
  const masks: Local[] = Array.from({ length: 8 }, () => f.local(V128));
  for (let b = 0; b < 8; b++) f.set(masks[b], splatByte(1 << b));
  const zero = f.local(V128);
  f.set(zero, splatByte(0));
  const one = f.get(masks[0]);
  // Ranks and thresholds are stored with the sign bit flipped, so a signed byte compare
  // (one instruction on every target) orders them as unsigned ranks.
  const test = (p: number): Expr =>
    i8x16.gtS(v128.load(i32.add(G(base), i32.load(G(nodes), p * REC + 16))), v128.load(G(nodes), p * REC));
  f.forRange(g, G(g0), G(g1), () => {
    f.set(base, i32.add(G(bins), i32.mul(G(g), G(groupBytes))));
    if (D === 0) f.set(idx, G(zero));
    else f.set(idx, v128.and(test(0), one));
    for (let d = 1; d < D; d++) {
      const width = 1 << d;
      const groups = Math.max(1, width >> 3);
      for (let q = 0; q < width; q++) {
        const p = width - 1 + q;
        const term = v128.and(test(p), f.get(masks[q & 7]));
        const b = bits[q >> 3];
        f.set(b, (q & 7) === 0 ? term : v128.or(f.get(b), term));
      }
      // The bit of each row's node at this level (idx < width).
      if (groups === 1) f.set(hit, v128.and(f.get(bits[0]), i8x16.swizzle(bitTable(0), G(idx))));
      else {
        f.set(hit, v128.or(v128.and(f.get(bits[0]), i8x16.swizzle(bitTable(0), G(idx))), v128.and(f.get(bits[1]), i8x16.swizzle(bitTable(1), G(idx)))));
        if (groups === 4) {
          // Nodes 16..31: index with idx − 16 (rows below 16 wrap above 15 and read 0).
          f.set(idx2, i8x16.sub(G(idx), splatByte(16)));
          f.set(hit, v128.or(G(hit), v128.or(v128.and(f.get(bits[2]), i8x16.swizzle(bitTable(0), G(idx2))), v128.and(f.get(bits[3]), i8x16.swizzle(bitTable(1), G(idx2))))));
        }
      }
      f.set(idx, i8x16.add(i8x16.add(G(idx), G(idx)), v128.and(i8x16.ne(G(hit), G(zero)), one)));
    }
    f.storeV128(G(scratch), G(idx));
    f.set(o, i32.add(G(out), i32.shl(G(g), i32.c(7))));
    for (let u = 0; u < LANES; u++) {
      f.storeF64(
        G(o),
        f64.add(f64.load(G(o), u * 8), f64.load(i32.add(G(leaves), i32.shl(i32.load8u(G(scratch), u), i32.c(3))))),
        u * 8,
      );
    }
  });
  return f;
}

/**
 * layoutBins(dst, src, nPad, F, nGroups): column-major ranks (nPad per feature) → per row
 * group, copy A (F×16 bytes, missing = 255) then copy B (missing = 0), sign bits flipped.
 */
function layoutBins(): Func {
  const f = new Func('layoutBins', [I32, I32, I32, I32, I32], null);
  const [dst, src, nPad, F, nGroups] = f.params;
  const G = f.get.bind(f);
  const g = f.local(I32);
  const j = f.local(I32);
  const d = f.local(I32);
  const a = f.local(V128);
  f.forRange(g, i32.c(0), G(nGroups), () => {
    f.set(d, i32.add(G(dst), i32.mul(G(g), i32.shl(G(F), i32.c(5)))));
    f.forRange(j, i32.c(0), G(F), () => {
      f.set(a, v128.load(i32.add(i32.add(G(src), i32.mul(G(j), G(nPad))), i32.shl(G(g), i32.c(4)))));
      f.storeV128(i32.add(G(d), i32.shl(G(j), i32.c(4))), v128.xor(G(a), splatByte(0x80)));
      f.storeV128(
        i32.add(i32.add(G(d), i32.shl(G(F), i32.c(4))), i32.shl(G(j), i32.c(4))),
        v128.xor(v128.andnot(G(a), i8x16.eq(G(a), splatByte(255))), splatByte(0x80)),
      );
    });
  });
  return f;
}

let simdModule: WebAssembly.Module | null | undefined;
let simdFailure = '';
let kernelModule: WebAssembly.Module | null = null;

function compiled(): WebAssembly.Module | null {
  if (simdModule !== undefined) return simdModule;
  try {
    if (typeof WebAssembly === 'undefined') throw new Error('WebAssembly is not available in this runtime');
    const funcs = [layoutBins()];
    for (let D = 0; D <= SIMD_MAX_DEPTH; D++) funcs.push(predTree(D));
    simdModule = new WebAssembly.Module(assembleModule(funcs) as BufferSource);
    kernelModule = new WebAssembly.Module(kernelModuleBytes() as BufferSource);
  } catch (e) {
    // Recorded, not swallowed: `simdAvailability()` says why the scalar kernel runs.
    simdFailure = e instanceof Error ? e.message : String(e);
    simdModule = null;
  }
  return simdModule;
}

export function simdAvailability(): { simd: boolean; reason: string } {
  const m = compiled();
  return { simd: m !== null, reason: m ? 'compiled' : simdFailure };
}

/** The forest in bin space: per-feature thresholds, node records, padded leaf tables. */
export interface BinnedForest {
  nFeatures: number;
  /** distinct thresholds per feature, ascending */
  cuts: Float64Array[];
  /** REC-byte node records of every tree (complete-tree heap order) */
  records: Uint8Array;
  /** 2^D leaf values per tree */
  leaves: Float64Array;
  recordOffset: Int32Array;
  leafOffset: Int32Array;
  depths: Int32Array;
}

/** Why a forest cannot take the SIMD path, or null when it can. */
export function simdIneligibility(trees: readonly Tree[], nFeatures: number): string | null {
  for (let t = 0; t < trees.length; t++) if (trees[t].depth > SIMD_MAX_DEPTH) return `tree ${t} has depth ${trees[t].depth} > ${SIMD_MAX_DEPTH}`;
  const sets = Array.from({ length: nFeatures }, () => new Set<number>());
  for (const tr of trees) for (let i = 0; i < tr.feature.length; i++) if (tr.feature[i] >= 0) sets[tr.feature[i]].add(tr.threshold[i]);
  const big = sets.findIndex((s) => s.size > 254);
  return big >= 0 ? `feature ${big} has ${sets[big].size} distinct thresholds > 254` : null;
}

export function binForest(trees: readonly Tree[], nFeatures: number): BinnedForest {
  const why = simdIneligibility(trees, nFeatures);
  if (why) throw new Error(`GBDT SIMD predict: ${why}`);
  const sets = Array.from({ length: nFeatures }, () => new Set<number>());
  for (const tr of trees) for (let i = 0; i < tr.feature.length; i++) if (tr.feature[i] >= 0) sets[tr.feature[i]].add(tr.threshold[i]);
  const cuts = sets.map((s) => Float64Array.from(s).sort());
  const rank = cuts.map((c) => new Map(Array.from(c, (v, k) => [v, k] as const)));
  const T = trees.length;
  const recordOffset = new Int32Array(T);
  const leafOffset = new Int32Array(T);
  const depths = new Int32Array(T);
  let nRec = 0;
  let nLeaf = 0;
  for (let t = 0; t < T; t++) {
    const D = trees[t].depth;
    depths[t] = D;
    recordOffset[t] = nRec * REC;
    leafOffset[t] = nLeaf * 8;
    nRec += (1 << D) - 1;
    nLeaf += 1 << D;
  }
  const records = new Uint8Array(nRec * REC);
  const rec32 = new Int32Array(records.buffer);
  const leaves = new Float64Array(nLeaf);
  const F16 = nFeatures * LANES;
  for (let t = 0; t < T; t++) {
    const tr = trees[t];
    const D = depths[t];
    const r0 = recordOffset[t];
    const l0 = leafOffset[t] >> 3;
    const setRecord = (p: number, thr: number, col: number) => {
      records.fill(thr ^ 0x80, r0 + p * REC, r0 + p * REC + 16);
      rec32[(r0 + p * REC + 16) >> 2] = col;
    };
    const visit = (i: number, d: number, q: number) => {
      const j = tr.feature[i];
      if (j < 0) {
        // A leaf above the last level: every test below it sends rows left (rank ≤ 255 always).
        for (let dd = d; dd < D; dd++) {
          const span = 1 << (dd - d);
          for (let k = 0; k < span; k++) setRecord((1 << dd) - 1 + q * span + k, 255, 0);
        }
        leaves[l0 + q * (1 << (D - d))] = tr.value[i];
        return;
      }
      const k = rank[j].get(tr.threshold[i]) as number;
      setRecord((1 << d) - 1 + q, k, (tr.missingLeft[i] ? F16 : 0) + j * LANES);
      visit(tr.left[i], d + 1, 2 * q);
      visit(tr.right[i], d + 1, 2 * q + 1);
    };
    visit(0, 0, 0);
  }
  return { nFeatures, cuts, records, leaves, recordOffset, leafOffset, depths };
}

interface Exports {
  layoutBins(dst: number, src: number, nPad: number, F: number, nGroups: number): void;
  binColumn(dst: number, src: number, n: number, thr: number, nThr: number): void;
  [k: `predTree${number}`]: (nodes: number, leaves: number, bins: number, g0: number, g1: number, groupBytes: number, out: number, scratch: number) => void;
}

/** A memory with the SIMD and binning kernels bound to it, sized for one chunk of one forest. */
export class SimdPredictor {
  private readonly memory: WebAssembly.Memory;
  private readonly k: Exports;
  private readonly layout: { col: number; thr: number; src: number; bins: number; out: number; scratch: number; nodes: number; leaves: number; end: number };

  constructor(
    readonly forest: BinnedForest,
    readonly chunkRows = SIMD_CHUNK_ROWS,
  ) {
    const simd = compiled();
    if (!simd || !kernelModule) throw new Error(`GBDT SIMD predict unavailable: ${simdFailure}`);
    const F = forest.nFeatures;
    const nPad = Math.ceil(chunkRows / LANES) * LANES;
    let top = 0;
    const take = (bytes: number) => {
      const at = top;
      top += Math.ceil(bytes / 64) * 64;
      return at;
    };
    const col = take(8 * nPad);
    const thr = take(8 * 256);
    const src = take(F * nPad);
    const bins = take(2 * F * nPad);
    const out = take(8 * nPad);
    const scratch = take(LANES);
    const nodes = take(forest.records.length);
    const leaves = take(8 * forest.leaves.length);
    this.layout = { col, thr, src, bins, out, scratch, nodes, leaves, end: top };
    this.memory = new WebAssembly.Memory({ initial: Math.ceil(top / 65536) + 1 });
    const a = new WebAssembly.Instance(simd, { env: { mem: this.memory } }).exports;
    const b = new WebAssembly.Instance(kernelModule, { env: { mem: this.memory } }).exports;
    this.k = { ...(a as object), binColumn: (b as unknown as Exports).binColumn } as Exports;
    new Uint8Array(this.memory.buffer).set(forest.records, nodes);
    new Float64Array(this.memory.buffer, leaves, forest.leaves.length).set(forest.leaves);
  }

  /** baseline + Σ trees, in tree order, for the rows of `columns` (NaN = missing). */
  predict(columns: readonly Float64Array[], baseline: number): Float64Array {
    const F = this.forest.nFeatures;
    const n = columns[0].length;
    const out = new Float64Array(n);
    const L = this.layout;
    const f8 = new Float64Array(this.memory.buffer);
    const u8 = new Uint8Array(this.memory.buffer);
    const groupBytes = 2 * F * LANES;
    const T = this.forest.depths.length;
    const fns = Array.from({ length: SIMD_MAX_DEPTH + 1 }, (_, D) => this.k[`predTree${D}`]);
    for (let s = 0; s < n; s += this.chunkRows) {
      const m = Math.min(this.chunkRows, n - s);
      const nGroups = Math.ceil(m / LANES);
      const nPad = nGroups * LANES;
      for (let j = 0; j < F; j++) {
        const cuts = this.forest.cuts[j];
        f8.set(columns[j].subarray(s, s + m), L.col >> 3);
        f8.set(cuts, L.thr >> 3);
        this.k.binColumn(L.src + j * nPad, L.col, m, L.thr, cuts.length);
        u8.fill(0, L.src + j * nPad + m, L.src + (j + 1) * nPad);
      }
      this.k.layoutBins(L.bins, L.src, nPad, F, nGroups);
      f8.fill(baseline, L.out >> 3, (L.out >> 3) + nPad);
      for (let g0 = 0; g0 < nGroups; g0 += BLOCK_GROUPS) {
        const g1 = Math.min(nGroups, g0 + BLOCK_GROUPS);
        for (let t = 0; t < T; t++) {
          fns[this.forest.depths[t]](L.nodes + this.forest.recordOffset[t], L.leaves + this.forest.leafOffset[t], L.bins, g0, g1, groupBytes, L.out, L.scratch);
        }
      }
      out.set(f8.subarray(L.out >> 3, (L.out >> 3) + m), s);
    }
    return out;
  }
}
