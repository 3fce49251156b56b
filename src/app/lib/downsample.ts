/**
 * Min/max downsampling of a line series to a pixel width.
 *
 * The x range [x0, xLast] is cut into `buckets` equal-width slices (one per pixel column).
 * Each slice keeps its minimum and its maximum point, in their original order, so spikes
 * survive at any zoom level and the drawn envelope is identical to drawing every point.
 * The first and last points are always kept. A slice whose values are all NaN keeps one
 * NaN point so the gap still shows as a gap. Inputs are never mutated.
 */

export interface XY {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Indices of the points to keep (ascending). Series at or below 2·buckets + 2 points keep
 * every index.
 */
export function minMaxIndices(x: Float64Array, y: Float64Array, buckets: number): Int32Array {
  const n = x.length;
  if (y.length !== n) {
    throw new Error(`minMaxDownsample: x has ${n} points but y has ${y.length}`);
  }
  const width = Math.max(1, Math.floor(buckets));
  if (n <= 2 * width + 2) return Int32Array.from({ length: n }, (_, i) => i);

  const x0 = x[0];
  const span = x[n - 1] - x0;
  // Worst case per bucket is 2 points, plus the forced first and last points.
  const out = new Int32Array(2 * width + 2);
  let m = 0;
  out[m++] = 0;
  let i = 1;
  const last = n - 1;
  for (let b = 0; b < width && i < last; b++) {
    // Upper edge of bucket b; the final bucket absorbs rounding so every interior point lands somewhere.
    const edge = b === width - 1 || span <= 0 ? Number.POSITIVE_INFINITY : x0 + (span * (b + 1)) / width;
    let minI = -1;
    let maxI = -1;
    let nanI = -1;
    for (; i < last && x[i] < edge; i++) {
      const v = y[i];
      if (Number.isNaN(v)) {
        if (nanI < 0) nanI = i;
        continue;
      }
      if (minI < 0 || v < y[minI]) minI = i;
      if (maxI < 0 || v > y[maxI]) maxI = i;
    }
    if (minI < 0) {
      if (nanI >= 0) out[m++] = nanI;
    } else if (minI === maxI) out[m++] = minI;
    else {
      out[m++] = Math.min(minI, maxI);
      out[m++] = Math.max(minI, maxI);
    }
  }
  out[m++] = last;
  return out.slice(0, m);
}

/** Downsampled copy of (x, y); see minMaxIndices. */
export function minMaxDownsample(x: Float64Array, y: Float64Array, buckets: number): XY {
  const idx = minMaxIndices(x, y, buckets);
  return { x: pick(x, idx), y: pick(y, idx) };
}

/** Union of ascending index lists (for several series sharing one x axis). */
export function mergeIndices(lists: readonly Int32Array[]): Int32Array {
  if (lists.length === 1) return lists[0];
  const seen = new Set<number>();
  for (const l of lists) for (const i of l) seen.add(i);
  return Int32Array.from([...seen].sort((a, b) => a - b));
}

export function pick(values: Float64Array, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = values[idx[k]];
  return out;
}
