/** k-subsets of {0..n−1} as bitmasks, in lexicographic order of their sorted members (itertools.combinations order). */

export function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= Math.min(k, n - k); i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/** All C(n, k) subsets as bitmasks (n ≤ 30), lexicographic: {0,1,2}, {0,1,3}, …, {n−3,n−2,n−1}. */
export function subsetMasks(n: number, k: number): Int32Array {
  if (!Number.isInteger(n) || n < 1 || n > 30) throw new RangeError(`subsets need 1 ≤ n ≤ 30 (got ${n})`);
  if (!Number.isInteger(k) || k < 0 || k > n) throw new RangeError(`subset size must be in [0, ${n}] (got ${k})`);
  const out = new Int32Array(binomial(n, k));
  if (k === 0) return out;
  const idx = Int32Array.from({ length: k }, (_, j) => j);
  for (let c = 0; c < out.length; c++) {
    let mask = 0;
    for (let j = 0; j < k; j++) mask |= 1 << idx[j];
    out[c] = mask;
    // advance to the next combination: bump the rightmost index that can still move
    let j = k - 1;
    while (j >= 0 && idx[j] === n - k + j) j--;
    if (j < 0) break;
    idx[j]++;
    for (let m = j + 1; m < k; m++) idx[m] = idx[m - 1] + 1;
  }
  return out;
}

/** Members of a bitmask, ascending. */
export function maskMembers(mask: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (mask & (1 << i)) out.push(i);
  return out;
}
