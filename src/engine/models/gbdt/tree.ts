/**
 * A fitted regression tree as flat node arrays (node 0 is the root; the children of a split
 * node are allocated as a pair, so right = left + 1), and the packed forest layout the fast
 * predictor walks: leaves point to themselves and never move a row, so every tree is walked
 * a fixed number of steps (its depth) with no branch on the data.
 */
export interface Tree {
  /** deepest leaf's depth (root = 0) */
  depth: number;
  /** split feature, −1 at leaves */
  feature: Int32Array;
  /** a non-missing x goes left iff x ≤ threshold; +Infinity marks a split of missing vs present */
  threshold: Float64Array;
  /** bin-space threshold: a non-missing bin goes left iff bin ≤ binThreshold */
  binThreshold: Uint8Array;
  /** 1 when missing values go left */
  missingLeft: Uint8Array;
  /** child indices, −1 at leaves */
  left: Int32Array;
  right: Int32Array;
  /** leaf outputs (learning rate applied); 0 at split nodes */
  value: Float64Array;
  /** loss reduction of the split, 0 at leaves */
  gain: Float64Array;
  /** training rows (in the bag) that reached the node */
  count: Int32Array;
}

export interface PackedForest {
  /** per node: split feature (0 at leaves) */
  feat: Int32Array;
  /** per node: 1 when missing values go right (the walk reads the NaN → +∞ copy of the inputs) */
  missRight: Uint8Array;
  /** per node: go right iff x > thr (+∞ at leaves; MAX_VALUE for missing-vs-present splits) */
  thr: Float64Array;
  /** per node: byte offset (16-byte records) of the left child; the right child follows; leaves point to themselves */
  child: Int32Array;
  /** per node: leaf output (0 at split nodes) */
  value: Float64Array;
  /** per tree: byte offset of the root record */
  roots: Int32Array;
  depths: Int32Array;
  nodes: number;
}

/** Bytes of one node record in the packed layout. */
export const NODE_RECORD_BYTES = 16;

/** Concatenates trees into the self-looping-leaf layout of the `predRaw` kernel. */
export function packForest(trees: readonly Tree[]): PackedForest {
  let nodes = 0;
  for (const t of trees) nodes += t.feature.length;
  if (nodes * NODE_RECORD_BYTES >= 2 ** 31) throw new Error(`forest of ${nodes} nodes is too large to pack`);
  const feat = new Int32Array(nodes);
  const missRight = new Uint8Array(nodes);
  const thr = new Float64Array(nodes);
  const child = new Int32Array(nodes);
  const value = new Float64Array(nodes);
  const roots = new Int32Array(trees.length);
  const depths = new Int32Array(trees.length);
  let base = 0;
  for (let t = 0; t < trees.length; t++) {
    const tr = trees[t];
    roots[t] = base * NODE_RECORD_BYTES;
    depths[t] = tr.depth;
    for (let i = 0; i < tr.feature.length; i++) {
      const k = base + i;
      if (tr.feature[i] < 0) {
        thr[k] = Number.POSITIVE_INFINITY;
        child[k] = k * NODE_RECORD_BYTES;
        value[k] = tr.value[i];
      } else {
        feat[k] = tr.feature[i];
        missRight[k] = tr.missingLeft[i] ? 0 : 1;
        // +∞ threshold = "missing vs present": in the NaN → +∞ copy, +∞ inputs read as MAX_VALUE.
        thr[k] = tr.threshold[i] === Number.POSITIVE_INFINITY ? Number.MAX_VALUE : tr.threshold[i];
        child[k] = (base + tr.left[i]) * NODE_RECORD_BYTES;
      }
    }
    base += tr.feature.length;
  }
  return { feat, missRight, thr, child, value, roots, depths, nodes };
}

/** One row through one tree (reference path for tests and single-row use). */
export function predictTreeRow(tree: Tree, row: ArrayLike<number>): number {
  let i = 0;
  while (tree.feature[i] >= 0) {
    const x = row[tree.feature[i]];
    const goLeft = Number.isNaN(x) ? tree.missingLeft[i] === 1 : x <= tree.threshold[i];
    i = goLeft ? tree.left[i] : tree.right[i];
  }
  return tree.value[i];
}

/** Number of leaves. */
export function leafCount(tree: Tree): number {
  let n = 0;
  for (let i = 0; i < tree.feature.length; i++) if (tree.feature[i] < 0) n++;
  return n;
}
