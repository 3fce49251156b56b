/**
 * Hurst_100 (engine-research §2.3): rescaled-range estimate on the 99 log returns of the last
 * 100 closes. Block sizes start at the full length m = 99 and halve (integer division) while
 * ≥ 8: 99, 49, 24, 12. For each size the series is cut into ⌊99/size⌋ consecutive blocks from
 * its start; a block's R/S is the range of the cumulative deviations from the block mean over
 * the block's population std (ddof 0; the spec leaves the ddof open); blocks with S ≤ 1e-12
 * are skipped. H = OLS slope of ln(mean R/S) on ln(size) over the sizes with a value; at least
 * two sizes are needed. The value at t uses closes t−99..t only (causal); NaN while any of
 * them is missing or non-positive.
 */

export const HURST_WINDOW = 100;
const MIN_BLOCK = 8;
const S_MIN = 1e-12;

function blockSizes(m: number): number[] {
  const out: number[] = [];
  for (let s = m; s >= MIN_BLOCK; s = Math.floor(s / 2)) out.push(s);
  return out;
}

/** Mean R/S over the ⌊len/size⌋ blocks of r[from..from+len); NaN when no block has S > 1e-12. */
function meanRescaledRange(r: Float64Array, from: number, len: number, size: number): number {
  const blocks = Math.floor(len / size);
  let sum = 0;
  let used = 0;
  for (let b = 0; b < blocks; b++) {
    const o = from + b * size;
    let mean = 0;
    for (let i = 0; i < size; i++) mean += r[o + i];
    mean /= size;
    let cum = 0;
    let mx = Number.NEGATIVE_INFINITY;
    let mn = Number.POSITIVE_INFINITY;
    let ss = 0;
    for (let i = 0; i < size; i++) {
      const z = r[o + i] - mean;
      cum += z;
      if (cum > mx) mx = cum;
      if (cum < mn) mn = cum;
      ss += z * z;
    }
    const S = Math.sqrt(ss / size);
    if (S <= S_MIN) continue;
    sum += (mx - mn) / S;
    used++;
  }
  return used > 0 ? sum / used : Number.NaN;
}

/** Hurst exponent of the returns r[from..from+len) (NaN if fewer than two block sizes give a value). */
export function hurstRS(r: Float64Array, from: number, len: number): number {
  const sizes = blockSizes(len);
  let n = 0;
  let sx = 0;
  let sy = 0;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const size of sizes) {
    const rs = meanRescaledRange(r, from, len, size);
    if (!(rs > 0)) continue;
    const x = Math.log(size);
    const y = Math.log(rs);
    xs.push(x);
    ys.push(y);
    sx += x;
    sy += y;
    n++;
  }
  if (n < 2) return Number.NaN;
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) * (xs[i] - mx);
  }
  return sxx > 0 ? sxy / sxx : Number.NaN;
}

/** Hurst_100 of every row of a close series. */
export function hurst100(close: Float64Array): Float64Array {
  const n = close.length;
  const out = new Float64Array(n).fill(Number.NaN);
  const lr = new Float64Array(n).fill(Number.NaN);
  for (let t = 1; t < n; t++) {
    const v = Math.log(close[t] / close[t - 1]);
    lr[t] = v - v === 0 ? v : Number.NaN;
  }
  const m = HURST_WINDOW - 1;
  let bad = 0; // missing returns among lr[t−m+1..t]
  for (let t = 1; t < n; t++) {
    if (Number.isNaN(lr[t])) bad++;
    if (t - m >= 1 && Number.isNaN(lr[t - m])) bad--;
    if (t >= m && bad === 0) out[t] = hurstRS(lr, t - m + 1, m);
  }
  return out;
}
