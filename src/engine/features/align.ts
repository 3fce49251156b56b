/**
 * Inner join of two ascending, duplicate-free timestamp columns (clean frames), as index pairs.
 * Because both inputs are sorted, the join of two prefixes is a prefix of the join, which keeps
 * every join-based feature causal.
 */
export interface JoinIndex {
  /** row in the left frame of each joined row */
  left: Int32Array;
  /** row in the right frame of each joined row */
  right: Int32Array;
}

export function innerJoinSorted(leftTs: Float64Array, rightTs: Float64Array): JoinIndex {
  const cap = Math.min(leftTs.length, rightTs.length);
  const left = new Int32Array(cap);
  const right = new Int32Array(cap);
  let i = 0;
  let j = 0;
  let k = 0;
  let prevL = Number.NEGATIVE_INFINITY;
  let prevR = Number.NEGATIVE_INFINITY;
  while (i < leftTs.length && j < rightTs.length) {
    const a = leftTs[i];
    const b = rightTs[j];
    if (!(a > prevL) || !(b > prevR)) {
      const side = !(a > prevL) ? `left row ${i}` : `right row ${j}`;
      throw new Error(`innerJoinSorted: timestamps must be strictly ascending (${side})`);
    }
    if (a === b) {
      left[k] = i;
      right[k] = j;
      k++;
      prevL = a;
      prevR = b;
      i++;
      j++;
    } else if (a < b) {
      prevL = a;
      i++;
    } else {
      prevR = b;
      j++;
    }
  }
  return { left: left.slice(0, k), right: right.slice(0, k) };
}
