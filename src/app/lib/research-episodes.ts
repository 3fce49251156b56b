/**
 * Shapes of regime paths for display: runs of one state ("episodes"), cumulative sums of
 * probability rows for stacked areas, and bucket means that shrink T×K probability rows to a
 * pixel width without breaking their sum. Pure, typed arrays in and out, inputs untouched.
 */

export interface Episode {
  /** the path value of the run (state or regime) */
  value: number;
  /** first row of the run */
  start: number;
  /** last row of the run (inclusive) */
  end: number;
  length: number;
}

/** Maximal runs of equal values, in order; together they cover every row exactly once. */
export function extractEpisodes(path: ArrayLike<number>): Episode[] {
  const out: Episode[] = [];
  const n = path.length;
  let start = 0;
  for (let i = 1; i <= n; i++) {
    if (i === n || path[i] !== path[start]) {
      out.push({ value: path[start], start, end: i - 1, length: i - start });
      start = i;
    }
  }
  return out;
}

/**
 * Running sums across each row of a T×K row-major matrix: out[k][t] = Σ_{j≤k} p[t·K + j].
 * Out column K−1 is each row's total (1 for a probability row). A NaN makes that row's
 * remaining sums NaN (shown as a gap, never as zero).
 */
export function stackCumulative(probs: Float64Array, T: number, K: number): Float64Array[] {
  if (probs.length !== T * K) throw new Error(`stackCumulative: expected ${T}×${K} = ${T * K} values, got ${probs.length}`);
  const out = Array.from({ length: K }, () => new Float64Array(T));
  for (let t = 0; t < T; t++) {
    let acc = 0;
    const row = t * K;
    for (let k = 0; k < K; k++) {
      acc += probs[row + k];
      out[k][t] = acc;
    }
  }
  return out;
}

export interface Bucketed {
  /** x of each bucket (its first row's x) */
  x: Float64Array;
  /** bucket means, B×K row-major */
  probs: Float64Array;
}

/**
 * Rows [from, to) of a T×K matrix cut into at most `buckets` contiguous runs of (nearly) equal
 * length; each bucket is the mean of its rows that hold no NaN (NaN when none do). Means of rows
 * that sum to 1 sum to 1, so a stacked area of the buckets still fills [0, 1]. With no more rows
 * than buckets, the rows are returned as they are.
 */
export function bucketMeans(
  x: Float64Array,
  probs: Float64Array,
  K: number,
  buckets: number,
  from = 0,
  to: number = x.length,
): Bucketed {
  const T = x.length;
  if (probs.length !== T * K) throw new Error(`bucketMeans: expected ${T}×${K} values, got ${probs.length}`);
  const lo = Math.max(0, Math.min(T, from));
  const hi = Math.max(lo, Math.min(T, to));
  const n = hi - lo;
  const B = Math.max(1, Math.floor(buckets));
  if (n <= B) return { x: x.slice(lo, hi), probs: probs.slice(lo * K, hi * K) };
  const xs = new Float64Array(B);
  const out = new Float64Array(B * K);
  const acc = new Float64Array(K);
  for (let b = 0; b < B; b++) {
    const s = lo + Math.floor((b * n) / B);
    const e = lo + Math.floor(((b + 1) * n) / B);
    xs[b] = x[s];
    acc.fill(0);
    let m = 0;
    for (let t = s; t < e; t++) {
      let ok = true;
      for (let k = 0; k < K; k++) {
        if (Number.isNaN(probs[t * K + k])) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      m++;
      for (let k = 0; k < K; k++) acc[k] += probs[t * K + k];
    }
    for (let k = 0; k < K; k++) out[b * K + k] = m > 0 ? acc[k] / m : Number.NaN;
  }
  return { x: xs, probs: out };
}

/** Length in rows of the run that ends at the last row (the current episode), 0 for an empty path. */
export function currentRunLength(path: ArrayLike<number>): number {
  const n = path.length;
  if (n === 0) return 0;
  let i = n - 1;
  while (i > 0 && path[i - 1] === path[n - 1]) i--;
  return n - i;
}

/** Share of rows per value 0..K−1 (values outside are ignored, shares over all rows). */
export function valueShares(path: ArrayLike<number>, K: number): Float64Array {
  const out = new Float64Array(K);
  const n = path.length;
  if (n === 0) return out;
  for (let i = 0; i < n; i++) {
    const v = path[i];
    if (v >= 0 && v < K) out[v]++;
  }
  for (let k = 0; k < K; k++) out[k] /= n;
  return out;
}
