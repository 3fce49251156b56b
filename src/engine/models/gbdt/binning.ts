/**
 * Quantile binning of continuous features, as scikit-learn's `_BinMapper` does it:
 * per feature, thresholds are the midpoints of the distinct values when there are at most
 * `maxBins` of them, else the "midpoint" percentiles at 100·k/maxBins (k = 1..maxBins−1) of
 * the non-missing values. A value x falls in bin i iff thr[i−1] < x ≤ thr[i]; NaN goes to the
 * dedicated missing bin 255. Thresholds are capped at 1e300 so +inf stays a value, not a split.
 */
import type { Prng } from '../../core/prng';

export const MAX_BINS = 255;
const ALMOST_INF = 1e300;
/** rows used to find thresholds (scikit-learn's default subsample) */
export const BINNING_SUBSAMPLE = 200_000;

export interface BinMapper {
  /** per feature, ascending; length = nBinsNonMissing − 1 */
  thresholds: Float64Array[];
  nBinsNonMissing: Int32Array;
}

/**
 * numpy.percentile(sorted, p, method="midpoint") for p = 100·k/maxBins, k = 1..maxBins−1,
 * reproducing numpy's index and interpolation arithmetic (lerp b − (b − a)·0.5).
 */
function midpointPercentiles(sorted: Float64Array, maxBins: number): Float64Array {
  const n = sorted.length;
  const out = new Float64Array(maxBins - 1);
  const step = 100 / maxBins;
  for (let k = 1; k < maxBins; k++) {
    const q = (k * step) / 100;
    const v = (n - 1) * q;
    const virt = 0.5 * (Math.floor(v) + Math.ceil(v));
    const prev = Math.floor(virt);
    const next = Math.min(prev + 1, n - 1);
    const a = sorted[Math.min(Math.max(prev, 0), n - 1)];
    const b = sorted[next];
    // numpy's gamma is 0 at an integral index (the value itself), else 0.5 (lerp from b)
    out[k - 1] = virt % 1 === 0 ? a : b - (b - a) * 0.5;
  }
  return out;
}

/** Sorts NaN-free doubles ascending, in place or into a returned array (valid until the next call). */
export type Sorter = (present: Float64Array) => Float64Array;

const nativeSort: Sorter = (a) => a.sort();

/** Thresholds of one feature from its values (NaN ignored). */
export function featureThresholds(values: Float64Array, maxBins = MAX_BINS, sort: Sorter = nativeSort): Float64Array {
  if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins <= MAX_BINS)) {
    throw new Error(`binning: maxBins must be an integer in [2, ${MAX_BINS}], got ${maxBins}`);
  }
  let m = 0;
  const present = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isNaN(v)) present[m++] = v;
  }
  const sorted = sort(present.subarray(0, m));
  let distinct = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
  let thr: Float64Array;
  if (distinct <= maxBins) {
    const uniq = new Float64Array(distinct);
    let u = 0;
    for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) uniq[u++] = sorted[i];
    thr = new Float64Array(Math.max(0, distinct - 1));
    for (let i = 0; i < thr.length; i++) thr[i] = (uniq[i] + uniq[i + 1]) * 0.5;
  } else {
    thr = midpointPercentiles(sorted, maxBins);
  }
  for (let i = 0; i < thr.length; i++) if (thr[i] > ALMOST_INF) thr[i] = ALMOST_INF;
  return thr;
}

/**
 * Fits thresholds for every column on the given rows (all rows when `rows` is null). Above
 * BINNING_SUBSAMPLE rows, a seeded subsample (without replacement) is used, like scikit-learn.
 */
export function fitBinMapper(columns: readonly Float64Array[], rows: Int32Array | null, maxBins: number, prng: Prng, sort: Sorter = nativeSort): BinMapper {
  const n = rows ? rows.length : columns.length > 0 ? columns[0].length : 0;
  let use = rows;
  if (n > BINNING_SUBSAMPLE) {
    const pick = sampleSorted(n, BINNING_SUBSAMPLE, prng);
    use = rows ? Int32Array.from(pick, (k) => rows[k]) : pick;
  }
  const thresholds: Float64Array[] = [];
  const nBinsNonMissing = new Int32Array(columns.length);
  for (let j = 0; j < columns.length; j++) {
    const col = columns[j];
    const vals = use ? Float64Array.from(use, (r) => col[r]) : col;
    const thr = featureThresholds(vals, maxBins, sort);
    thresholds.push(thr);
    nBinsNonMissing[j] = thr.length + 1;
  }
  return { thresholds, nBinsNonMissing };
}

/**
 * k distinct indices from 0..n−1 in ascending order, uniformly (selection sampling,
 * Knuth's algorithm S): one uniform draw per candidate, no allocation beyond the output.
 */
export function sampleSorted(n: number, k: number, prng: Prng): Int32Array {
  if (!(k >= 0 && k <= n)) throw new Error(`sampleSorted: need 0 ≤ k ≤ n (k=${k}, n=${n})`);
  const out = new Int32Array(k);
  let chosen = 0;
  for (let i = 0; i < n && chosen < k; i++) {
    if ((n - i) * prng.next() < k - chosen) out[chosen++] = i;
  }
  return out;
}
