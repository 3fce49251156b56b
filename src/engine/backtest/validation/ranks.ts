/** Ranks (ties averaged, 1-based) and Spearman's rank correlation on index subsets. */

/** Average ranks of x[idx[k]] (1..n), written into out[k]. */
export function averageRanks(x: ArrayLike<number>, idx: ArrayLike<number>, out: Float64Array): Float64Array {
  const n = idx.length;
  const order = new Int32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  order.sort((a, b) => x[idx[a]] - x[idx[b]] || a - b);
  let k = 0;
  while (k < n) {
    let j = k;
    const v = x[idx[order[k]]];
    while (j + 1 < n && x[idx[order[j + 1]]] === v) j++;
    const r = (k + j) / 2 + 1;
    for (let m = k; m <= j; m++) out[order[m]] = r;
    k = j + 1;
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
