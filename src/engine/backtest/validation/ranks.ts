/** Ranks (ties averaged, 1-based) and Spearman's rank correlation on index subsets. */

/**
 * Average ranks of x[idx[k]] (1..n), written into out[k]. The values are sorted natively
 * (no comparator callback: the rank windows of the validation battery call this thousands of
 * times) and each value's tie group is found by binary search: rank = (first + last)/2 + 1.
 * NaN has no place in an order; ranks involving it are NaN.
 */
export function averageRanks(x: ArrayLike<number>, idx: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = idx.length;
  const sorted = new Float64Array(n);
  for (let k = 0; k < n; k++) sorted[k] = x[idx[k]];
  sorted.sort();
  for (let k = 0; k < n; k++) {
    const v = x[idx[k]];
    if (Number.isNaN(v)) {
      out[k] = Number.NaN;
      continue;
    }
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    let end = lo;
    hi = n;
    while (end < hi) {
      const mid = (end + hi) >>> 1;
      if (sorted[mid] <= v) end = mid + 1;
      else hi = mid;
    }
    out[k] = (lo + end - 1) / 2 + 1;
  }
  return out;
}

function pearsonArrays(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n < 2) return Number.NaN;
  let ma = 0;
  let mb = 0;
  for (let k = 0; k < n; k++) {
    ma += a[k];
    mb += b[k];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let k = 0; k < n; k++) {
    const da = a[k] - ma;
    const db = b[k] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  const den = Math.sqrt(saa * sbb);
  return den > 0 ? sab / den : Number.NaN;
}

/** Spearman correlation of x and y over the rows `idx` (all rows when omitted); NaN if undefined. */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>, idx?: ArrayLike<number>): number {
  let rows: ArrayLike<number>;
  if (idx) rows = idx;
  else {
    const all = new Int32Array(x.length);
    for (let k = 0; k < all.length; k++) all[k] = k;
    rows = all;
  }
  const n = rows.length;
  return pearsonArrays(averageRanks(x, rows, new Float64Array(n)), averageRanks(y, rows, new Float64Array(n)));
}

/** The integer range [from, to) as an index column. */
export function range(from: number, to: number): Int32Array {
  const out = new Int32Array(Math.max(0, to - from));
  for (let k = 0; k < out.length; k++) out[k] = from + k;
  return out;
}

/**
 * Ascending order of the non-NaN values of x, ties in index order — without a comparator
 * callback: a native sort of the values, then each index drops into the next free slot of its
 * value's run (found by binary search).
 */
export function argsort(x: ArrayLike<number>): Int32Array {
  const n = x.length;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = x[i];
  sorted.sort();
  let m = n;
  while (m > 0 && Number.isNaN(sorted[m - 1])) m--; // NaNs sort last
  const used = new Int32Array(m);
  const order = new Int32Array(m);
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (Number.isNaN(v)) continue;
    let lo = 0;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    order[lo + used[lo]++] = i;
  }
  return order;
}

/**
 * Average ranks within a subset from the full order: walk x's order once, rank the members
 * (pos[i] ≥ 0 is i's slot in the subset) run by run. Returns how many members were ranked.
 */
function ranksFromOrder(x: ArrayLike<number>, order: Int32Array, pos: Int32Array, out: Float64Array): number {
  const N = order.length;
  let r = 0;
  let k = 0;
  while (k < N) {
    const v = x[order[k]];
    let j = k;
    let c = pos[order[k]] >= 0 ? 1 : 0;
    while (j + 1 < N && x[order[j + 1]] === v) {
      j++;
      if (pos[order[j]] >= 0) c++;
    }
    if (c > 0) {
      const avg = r + (c + 1) / 2;
      for (let t = k; t <= j; t++) {
        const p = pos[order[t]];
        if (p >= 0) out[p] = avg;
      }
      r += c;
    }
    k = j + 1;
  }
  return r;
}

/**
 * Spearman correlations of x and y over many row subsets (CPCV splits, walk-forward folds,
 * regimes): both orders are computed once, so a large subset costs one linear pass instead of
 * two sorts. Small subsets (where sorting is cheaper than a pass over all rows) go through
 * `spearman`. Subsets must not repeat a row. Same values as `spearman`, bit for bit.
 */
export function subsetSpearman(x: ArrayLike<number>, y: ArrayLike<number>): (idx: ArrayLike<number>) => number {
  const N = x.length;
  if (y.length !== N) throw new RangeError(`subsetSpearman: x has ${N} rows, y has ${y.length}`);
  let orders: { x: Int32Array; y: Int32Array } | null = null;
  const pos = new Int32Array(N).fill(-1);
  return (idx) => {
    const m = idx.length;
    if (m * Math.log2(m + 2) * 4 < N) return spearman(x, y, idx);
    orders ??= { x: argsort(x), y: argsort(y) };
    for (let k = 0; k < m; k++) {
      const i = idx[k];
      if (pos[i] >= 0) {
        for (let t = 0; t < k; t++) pos[idx[t]] = -1;
        throw new RangeError(`subsetSpearman: row ${i} appears twice in the subset`);
      }
      pos[i] = k;
    }
    const rx = new Float64Array(m);
    const ry = new Float64Array(m);
    const complete = ranksFromOrder(x, orders.x, pos, rx) === m && ranksFromOrder(y, orders.y, pos, ry) === m;
    for (let k = 0; k < m; k++) pos[idx[k]] = -1;
    // a NaN member has no rank, and makes the correlation NaN (as in `spearman`)
    return complete ? pearsonArrays(rx, ry) : Number.NaN;
  };
}
