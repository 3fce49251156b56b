/**
 * Grows one regression tree on binned data held in an arena (see wasm/kernels.ts), the way
 * scikit-learn's histogram GBDT does: per node, gradient/hessian histograms over the node's
 * rows; the best split per feature scans bins left→right (missing values right) and, for
 * features that had missing values, right→left (missing values left); only the smaller child's
 * histogram is built from rows, the larger one is parent − smaller. With a leaf limit nodes
 * are split best-first (largest gain, ties to the older node); without one, depth-first, which
 * gives the same tree and keeps O(depth) histograms alive.
 */
import type { Prng } from '../../core/prng';
import type { Tree } from './tree';
import {
  type Arena,
  aligned,
  type KernelKind,
  MISSING_BIN,
  quantisedFeatureBytes,
  SCAN_OUT_BYTES,
  WFEAT_BYTES,
} from './wasm/kernels';
import { QUANTISED_ABS_SUM } from './wasm/kernels-wasm';

export interface GrowParams {
  maxDepth: number | null;
  maxLeafNodes: number | null;
  minSamplesLeaf: number;
  l2Regularization: number;
  minGainToSplit: number;
  minHessianToSplit: number;
  /** features considered per split (≤ F); F = all */
  featuresPerSplit: number;
  learningRate: number;
}

export interface WorkspaceShape {
  n: number;
  nVal: number;
  F: number;
  weighted: boolean;
  params: GrowParams;
  kind: KernelKind;
}

/** Byte offsets of everything one fit keeps in its arena. */
export class Workspace {
  readonly n: number;
  readonly nVal: number;
  readonly F: number;
  readonly weighted: boolean;
  readonly featBytes: number;
  readonly slotBytes: number;
  readonly slots: number;
  readonly maxNodes: number;
  readonly binned: number;
  readonly vbinned: number;
  readonly y: number;
  readonly w: number;
  readonly raw: number;
  readonly rawVal: number;
  readonly grad: number;
  /** quantised gradients (unweighted) */
  readonly q: number;
  readonly hess: number;
  readonly og: number;
  readonly oh: number;
  readonly part: number;
  readonly tmp: number;
  readonly rows: number;
  readonly hist: number;
  readonly out: number;
  readonly tChild: number;
  readonly tFeat: number;
  readonly tBinThr: number;
  readonly tMissRight: number;
  readonly tValue: number;
  readonly colScratch: number;
  readonly sortTmp: number;
  readonly counts: number;
  readonly thrScratch: number;

  /** Sorts doubles with the arena's radix-sort kernel (result valid until the next sort). */
  sort(present: Float64Array): Float64Array {
    const a = this.arena;
    if (present.length > Math.max(this.n, this.nVal)) throw new Error(`GBDT sort: ${present.length} values exceed the scratch of ${Math.max(this.n, this.nVal)}`);
    a.f64.set(present, this.colScratch >> 3);
    a.kernels.sortF64(this.colScratch, this.sortTmp, present.length, this.counts);
    return a.f64.subarray(this.colScratch >> 3, (this.colScratch >> 3) + present.length);
  }

  /** Histogram slots and node capacity for a shape. */
  static capacity(s: WorkspaceShape): { slots: number; maxNodes: number; slotBytes: number } {
    const { n, F, weighted, params } = s;
    const slotBytes = F * (weighted ? WFEAT_BYTES : quantisedFeatureBytes(s.kind));
    const { maxDepth, maxLeafNodes, minSamplesLeaf } = params;
    // Leaves possible given the minimum leaf size bound the node count in every mode.
    const leafBound = Math.max(1, Math.floor(n / Math.max(1, minSamplesLeaf)));
    let leaves = leafBound;
    if (maxLeafNodes !== null) leaves = Math.min(leaves, maxLeafNodes);
    if (maxDepth !== null) leaves = Math.min(leaves, 2 ** Math.min(maxDepth, 30));
    const maxNodes = 2 * leaves - 1;
    // Best-first keeps one histogram per splittable node; depth-first one per level.
    const slots = maxLeafNodes !== null ? Math.min(maxLeafNodes, leaves) + 2 : Math.min(maxDepth ?? 64, leaves) + 3;
    return { slots, maxNodes, slotBytes };
  }

  /** Bytes the workspace takes (the constructor's allocations, counted). */
  static plan(s: WorkspaceShape): { bytes: number } {
    let bytes = 0;
    Workspace.layout(s, (b) => {
      const off = bytes;
      bytes += aligned(b);
      return off;
    });
    return { bytes };
  }

  /** The one allocation sequence, shared by `plan` and the constructor. */
  private static layout(s: WorkspaceShape, alloc: (bytes: number) => number) {
    const c = Workspace.capacity(s);
    const rows = Math.max(s.n, s.nVal);
    return {
      binned: alloc(s.n * s.F),
      vbinned: alloc(s.nVal * s.F),
      y: alloc(8 * s.n),
      raw: alloc(8 * s.n),
      grad: alloc(8 * s.n),
      q: alloc(8 * s.n),
      og: alloc(8 * s.n),
      w: s.weighted ? alloc(8 * s.n) : 0,
      hess: s.weighted ? alloc(8 * s.n) : 0,
      oh: s.weighted ? alloc(8 * s.n) : 0,
      rawVal: alloc(8 * s.nVal),
      part: alloc(4 * s.n),
      tmp: alloc(4 * s.n),
      rows: alloc(4 * s.n),
      hist: alloc(c.slots * c.slotBytes),
      out: alloc(SCAN_OUT_BYTES),
      tChild: alloc(4 * c.maxNodes),
      tFeat: alloc(4 * c.maxNodes),
      tBinThr: alloc(4 * c.maxNodes),
      tMissRight: alloc(4 * c.maxNodes),
      tValue: alloc(8 * c.maxNodes),
      colScratch: alloc(8 * rows),
      sortTmp: alloc(8 * rows),
      counts: alloc(1024),
      thrScratch: alloc(8 * MAX_THRESHOLDS),
    };
  }

  constructor(
    readonly arena: Arena,
    s: WorkspaceShape,
  ) {
    const c = Workspace.capacity(s);
    this.n = s.n;
    this.nVal = s.nVal;
    this.F = s.F;
    this.weighted = s.weighted;
    if (arena.kernels.kind !== s.kind) throw new Error(`GBDT workspace planned for ${s.kind} kernels, arena has ${arena.kernels.kind}`);
    this.featBytes = s.weighted ? WFEAT_BYTES : arena.kernels.qFeatBytes;
    this.slotBytes = c.slotBytes;
    this.slots = c.slots;
    this.maxNodes = c.maxNodes;
    const l = Workspace.layout(s, (b) => arena.alloc(b));
    this.binned = l.binned;
    this.vbinned = l.vbinned;
    this.y = l.y;
    this.raw = l.raw;
    this.grad = l.grad;
    this.q = l.q;
    this.og = l.og;
    this.w = l.w;
    this.hess = l.hess;
    this.oh = l.oh;
    this.rawVal = l.rawVal;
    this.part = l.part;
    this.tmp = l.tmp;
    this.rows = l.rows;
    this.hist = l.hist;
    this.out = l.out;
    this.tChild = l.tChild;
    this.tFeat = l.tFeat;
    this.tBinThr = l.tBinThr;
    this.tMissRight = l.tMissRight;
    this.tValue = l.tValue;
    this.colScratch = l.colScratch;
    this.sortTmp = l.sortTmp;
    this.counts = l.counts;
    this.thrScratch = l.thrScratch;
  }
}

const MAX_THRESHOLDS = 256;

/** Per-feature facts the splitter needs. */
export interface FeatureBins {
  thresholds: Float64Array[];
  nBinsNonMissing: Int32Array;
  /** 1 where the training rows had missing values */
  hasMissing: Uint8Array;
}

interface Split {
  feature: number;
  bin: number;
  missingLeft: number;
  gain: number;
  gl: number;
  hl: number;
  nl: number;
}

/** Mutable node records while a tree grows. */
class Nodes {
  feature: number[] = [];
  bin: number[] = [];
  missingLeft: number[] = [];
  left: number[] = [];
  gain: number[] = [];
  value: number[] = [];
  count: number[] = [];
  depth: number[] = [];
  start: number[] = [];
  stop: number[] = [];
  sumG: number[] = [];
  sumH: number[] = [];
  slot: number[] = [];
  split: (Split | null)[] = [];

  add(depth: number, start: number, stop: number, sumG: number, sumH: number): number {
    const id = this.feature.length;
    this.feature.push(-1);
    this.bin.push(0);
    this.missingLeft.push(0);
    this.left.push(-1);
    this.gain.push(0);
    this.value.push(0);
    this.count.push(stop - start);
    this.depth.push(depth);
    this.start.push(start);
    this.stop.push(stop);
    this.sumG.push(sumG);
    this.sumH.push(sumH);
    this.slot.push(-1);
    this.split.push(null);
    return id;
  }
}

/** Max-heap of node ids by split gain; equal gains pop the older (smaller) id first. */
class GainHeap {
  private ids: number[] = [];
  constructor(private readonly gainOf: (id: number) => number) {}
  get size(): number {
    return this.ids.length;
  }
  private before(a: number, b: number): boolean {
    const ga = this.gainOf(a);
    const gb = this.gainOf(b);
    return ga > gb || (ga === gb && a < b);
  }
  push(id: number): void {
    const h = this.ids;
    h.push(id);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }
  pop(): number {
    const h = this.ids;
    const top = h[0];
    const last = h.pop() as number;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l], h[m])) m = l;
        if (r < h.length && this.before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
  drain(): number[] {
    const all = this.ids;
    this.ids = [];
    return all;
  }
}

/**
 * Grows one tree on the first `m` rows listed in ws.part (the bag, ascending; `identityRows`
 * when that list is exactly 0..n−1) using the current gradients (and hessians when weighted),
 * then adds the tree's outputs to ws.raw for the bagged rows. Returns the tree; the caller
 * updates out-of-bag and validation rows.
 */
export function growTree(ws: Workspace, m: number, bins: FeatureBins, p: GrowParams, prng: Prng, identityRows = false): Tree {
  const a = ws.arena;
  const K = a.kernels;
  const F = ws.F;
  const nodes = new Nodes();
  const freeSlots: number[] = [];
  for (let s = ws.slots - 1; s >= 0; s--) freeSlots.push(s);
  const slotAddr = (s: number) => ws.hist + s * ws.slotBytes;
  const takeSlot = () => {
    const s = freeSlots.pop();
    if (s === undefined) throw new Error('GBDT: histogram pool exhausted (internal sizing error)');
    return s;
  };
  const releaseSlot = (id: number) => {
    if (nodes.slot[id] >= 0) {
      freeSlots.push(nodes.slot[id]);
      nodes.slot[id] = -1;
    }
  };
  const minLeaf = p.minSamplesLeaf;
  const lambda = p.l2Regularization;
  const nodeValue = (g: number, h: number) => -g / (h + lambda + 1e-15);

  // Unweighted: quantise this tree's gradients (see kernels-wasm.ts) with 2^e chosen so that
  // Σ|q| ≤ 2^38 over the bag (rounding adds at most m/2); every node sum is then exact.
  let invScale = 1;
  if (!ws.weighted) {
    const f8 = a.f64;
    const g8 = ws.grad >> 3;
    const p4 = ws.part >> 2;
    let absSum = 0;
    for (let k = 0; k < m; k++) absSum += Math.abs(f8[g8 + a.i32[p4 + k]]);
    const e = absSum > 0 ? Math.floor(Math.log2((QUANTISED_ABS_SUM - m) / absSum)) : 0;
    const scale = 2 ** Math.min(e, 600);
    invScale = 1 / scale;
    K.quant(ws.q, ws.grad, ws.n, scale);
  }

  const buildHist = (id: number) => {
    const s = takeSlot();
    nodes.slot[id] = s;
    if (ws.weighted) {
      K.histW(slotAddr(s), ws.binned, ws.n, F, ws.grad, ws.hess, ws.part, nodes.start[id], nodes.stop[id], ws.og, ws.oh);
    } else {
      const identity = identityRows && nodes.start[id] === 0 && nodes.stop[id] === ws.n ? 1 : 0;
      K.histQ(slotAddr(s), ws.binned, ws.n, F, ws.q, ws.part, nodes.start[id], nodes.stop[id], ws.og, identity);
    }
  };

  const candidates = new Int32Array(F);
  const chooseFeatures = (): number => {
    if (p.featuresPerSplit >= F) {
      for (let j = 0; j < F; j++) candidates[j] = j;
      return F;
    }
    // Partial Fisher–Yates over 0..F−1, then sorted so scan order (and ties) is by feature.
    const perm = Int32Array.from({ length: F }, (_, j) => j);
    for (let j = 0; j < p.featuresPerSplit; j++) {
      const r = j + prng.int(F - j);
      const t = perm[j];
      perm[j] = perm[r];
      perm[r] = t;
    }
    const pick = perm.subarray(0, p.featuresPerSplit).sort();
    candidates.set(pick);
    return p.featuresPerSplit;
  };

  const findSplit = (id: number): Split | null => {
    const G = nodes.sumG[id];
    const H = nodes.sumH[id];
    const cnt = nodes.count[id];
    const parentLoss = G * nodeValue(G, H);
    const base = slotAddr(nodes.slot[id]);
    let best = -1;
    let split: Split | null = null;
    const nf = chooseFeatures();
    const o8 = ws.out >> 3;
    const o4 = ws.out >> 2;
    for (let c = 0; c < nf; c++) {
      const j = candidates[c];
      const h = base + j * ws.featBytes;
      const nb = bins.nBinsNonMissing[j];
      const hm = bins.hasMissing[j];
      const mh = p.minHessianToSplit;
      const mg = p.minGainToSplit;
      const found = ws.weighted
        ? K.scanW(h, nb, hm, G, H, cnt, minLeaf, mh, lambda, parentLoss, mg, best, ws.out)
        : K.scanQ(h, nb, hm, G, H, cnt, minLeaf, mh, lambda, parentLoss, mg, best, ws.out, invScale);
      if (found) {
        const f8 = a.f64;
        best = f8[o8];
        split = {
          feature: j,
          gain: f8[o8],
          gl: f8[o8 + 1],
          hl: f8[o8 + 2],
          nl: f8[o8 + 3],
          bin: a.i32[o4 + 8],
          missingLeft: a.i32[o4 + 9],
        };
      }
    }
    return split;
  };

  // Root: its histogram gives the exact quantised totals; weighted sums run in row order.
  const root = nodes.add(0, 0, m, 0, 0);
  buildHist(root);
  if (ws.weighted) {
    const f8 = a.f64;
    const i4 = a.i32;
    const p4 = ws.part >> 2;
    let G0 = 0;
    let H0 = 0;
    for (let k = 0; k < m; k++) {
      const r = i4[p4 + k];
      G0 += f8[(ws.grad >> 3) + r];
      H0 += f8[(ws.hess >> 3) + r];
    }
    nodes.sumG[root] = G0;
    nodes.sumH[root] = H0;
  } else {
    K.totalsQ(slotAddr(nodes.slot[root]), ws.out);
    nodes.sumG[root] = a.f64[ws.out >> 3] * invScale;
    nodes.sumH[root] = a.f64[(ws.out >> 3) + 1];
  }
  const useHeap = p.maxLeafNodes !== null;
  const heap = new GainHeap((id) => (nodes.split[id] as Split).gain);
  const stack: number[] = [];
  let finalized = 0;
  const finalize = (id: number) => {
    releaseSlot(id);
    nodes.split[id] = null;
    finalized++;
  };
  const splittable = () => (useHeap ? heap.size : stack.length);
  const pushOrFinalize = (id: number) => {
    const s = findSplit(id);
    if (s === null || s.gain <= 0) {
      finalize(id);
      return;
    }
    nodes.split[id] = s;
    if (useHeap) heap.push(id);
    else stack.push(id);
  };
  const tooSmall = (id: number) => nodes.count[id] < 2 * minLeaf || nodes.sumH[id] < p.minHessianToSplit;

  if (tooSmall(root) || (p.maxDepth !== null && p.maxDepth === 0)) {
    finalize(root);
  } else {
    pushOrFinalize(root);
  }

  while (splittable() > 0) {
    const id = useHeap ? heap.pop() : (stack.pop() as number);
    const s = nodes.split[id] as Split;
    const start = nodes.start[id];
    const stop = nodes.stop[id];
    const col = ws.binned + s.feature * ws.n;
    const nl = K.partition(ws.part, ws.tmp, start, stop, col, s.bin, s.missingLeft);
    if (nl !== s.nl) throw new Error(`GBDT: partition sent ${nl} rows left, histogram said ${s.nl} (internal error)`);
    const depth = nodes.depth[id] + 1;
    const G = nodes.sumG[id];
    const H = nodes.sumH[id];
    const L = nodes.add(depth, start, start + nl, s.gl, s.hl);
    const R = nodes.add(depth, start + nl, stop, G - s.gl, H - s.hl);
    nodes.feature[id] = s.feature;
    nodes.bin[id] = s.bin;
    nodes.gain[id] = s.gain;
    nodes.left[id] = L;
    // A feature with no missing values in training sends future missing values to the
    // child that saw more rows (scikit-learn's rule).
    nodes.missingLeft[id] = bins.hasMissing[s.feature] ? s.missingLeft : nl > stop - start - nl ? 1 : 0;
    nodes.split[id] = null;

    const leaves = finalized + splittable() + 2;
    let stopAll = false;
    let leftLeaf = false;
    let rightLeaf = false;
    if (p.maxLeafNodes !== null && leaves >= p.maxLeafNodes) {
      stopAll = true;
    } else if (p.maxDepth !== null && depth >= p.maxDepth) {
      leftLeaf = rightLeaf = true;
    } else {
      leftLeaf = tooSmall(L);
      rightLeaf = tooSmall(R);
    }
    if (stopAll) {
      releaseSlot(id);
      finalize(L);
      finalize(R);
      for (const q of useHeap ? heap.drain() : stack.splice(0)) finalize(q);
      break;
    }
    if (!leftLeaf || !rightLeaf) {
      const small = nodes.count[L] < nodes.count[R] ? L : R;
      const large = small === L ? R : L;
      buildHist(small);
      const sl = takeSlot();
      nodes.slot[large] = sl;
      if (ws.weighted) K.subW(slotAddr(sl), slotAddr(nodes.slot[id]), slotAddr(nodes.slot[small]), (ws.slotBytes / 8) | 0);
      else K.subQ(slotAddr(sl), slotAddr(nodes.slot[id]), slotAddr(nodes.slot[small]), F);
    }
    releaseSlot(id);
    if (leftLeaf) finalize(L);
    else pushOrFinalize(L);
    if (rightLeaf) finalize(R);
    else pushOrFinalize(R);
  }

  // Leaves: output = −lr·G/(H + λ); add to the bagged rows' raw predictions.
  const count = nodes.feature.length;
  const tree: Tree = {
    depth: 0,
    feature: new Int32Array(count),
    threshold: new Float64Array(count),
    binThreshold: new Uint8Array(count),
    missingLeft: new Uint8Array(count),
    left: new Int32Array(count),
    right: new Int32Array(count),
    value: new Float64Array(count),
    gain: new Float64Array(count),
    count: new Int32Array(count),
  };
  for (let i = 0; i < count; i++) {
    tree.count[i] = nodes.count[i];
    if (nodes.depth[i] > tree.depth) tree.depth = nodes.depth[i];
    const f = nodes.feature[i];
    if (f < 0) {
      const v = p.learningRate * nodeValue(nodes.sumG[i], nodes.sumH[i]);
      tree.feature[i] = -1;
      tree.left[i] = -1;
      tree.right[i] = -1;
      tree.binThreshold[i] = MISSING_BIN;
      tree.threshold[i] = Number.NaN;
      tree.value[i] = v;
      K.addLeaf(ws.raw, ws.part, nodes.start[i], nodes.stop[i], v);
    } else {
      const b = nodes.bin[i];
      tree.feature[i] = f;
      tree.binThreshold[i] = b;
      tree.threshold[i] = b === bins.nBinsNonMissing[f] - 1 ? Number.POSITIVE_INFINITY : bins.thresholds[f][b];
      tree.missingLeft[i] = nodes.missingLeft[i];
      tree.left[i] = nodes.left[i];
      tree.right[i] = nodes.left[i] + 1;
      tree.gain[i] = nodes.gain[i];
    }
  }
  return tree;
}

/** Writes a tree into the arena's node scratch in predBinned's self-looping layout. */
export function loadTreeScratch(ws: Workspace, tree: Tree): void {
  const i4 = ws.arena.i32;
  const f8 = ws.arena.f64;
  for (let i = 0; i < tree.feature.length; i++) {
    const leaf = tree.feature[i] < 0;
    i4[(ws.tChild >> 2) + i] = leaf ? i : tree.left[i];
    i4[(ws.tFeat >> 2) + i] = leaf ? 0 : tree.feature[i];
    i4[(ws.tBinThr >> 2) + i] = leaf ? MISSING_BIN : tree.binThreshold[i];
    i4[(ws.tMissRight >> 2) + i] = leaf || tree.missingLeft[i] ? 0 : 1;
    f8[(ws.tValue >> 3) + i] = leaf ? tree.value[i] : 0;
  }
}
