/**
 * Observation matrices for regime models: selected feature columns stacked row-major, with
 * every row that has a non-finite value dropped (contract C). The kept row indices map the
 * model's outputs back to dates.
 */
export interface Observations {
  /** T×D row-major */
  X: Float64Array;
  T: number;
  D: number;
  /** index into the input rows of each kept row, ascending */
  kept: Int32Array;
}

export function buildObservations(columns: readonly Float64Array[]): Observations {
  const D = columns.length;
  if (D === 0) throw new Error('observations: need at least one feature column');
  const n = columns[0].length;
  for (let d = 1; d < D; d++) {
    if (columns[d].length !== n) throw new Error(`observations: column ${d} has ${columns[d].length} rows, column 0 has ${n}`);
  }
  const keptBuf = new Int32Array(n);
  let T = 0;
  for (let t = 0; t < n; t++) {
    let ok = true;
    for (let d = 0; d < D && ok; d++) {
      const v = columns[d][t];
      ok = v - v === 0;
    }
    if (ok) keptBuf[T++] = t;
  }
  const kept = keptBuf.slice(0, T);
  const X = new Float64Array(T * D);
  for (let r = 0; r < T; r++) {
    const t = kept[r];
    for (let d = 0; d < D; d++) X[r * D + d] = columns[d][t];
  }
  return { X, T, D, kept };
}
