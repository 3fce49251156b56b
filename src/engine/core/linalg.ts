/**
 * Dense linear algebra on row-major Float64Array matrices: products, Cholesky factorisation
 * and solves for symmetric positive-definite systems (normal equations, ridge). Small
 * matrices (features × features), so plain loops in a fixed order: results are reproducible.
 */

export class NotPositiveDefiniteError extends Error {
  constructor(
    readonly pivot: number,
    readonly value: number,
  ) {
    super(`matrix is not positive definite: pivot ${pivot} is ${value}`);
    this.name = 'NotPositiveDefiniteError';
  }
}

/** C (m×p) = A (m×n) · B (n×p), all row-major. */
export function matmul(A: Float64Array, B: Float64Array, m: number, n: number, p: number, out = new Float64Array(m * p)): Float64Array {
  if (A.length !== m * n) throw new Error(`matmul: A has ${A.length} entries, expected ${m}×${n}`);
  if (B.length !== n * p) throw new Error(`matmul: B has ${B.length} entries, expected ${n}×${p}`);
  out.fill(0);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < n; k++) {
      const a = A[i * n + k];
      if (a === 0) continue;
      for (let j = 0; j < p; j++) out[i * p + j] += a * B[k * p + j];
    }
  }
  return out;
}

/** y (m) = A (m×n) · x (n). */
export function matvec(A: Float64Array, x: Float64Array, m: number, n: number, out = new Float64Array(m)): Float64Array {
  if (A.length !== m * n) throw new Error(`matvec: A has ${A.length} entries, expected ${m}×${n}`);
  if (x.length !== n) throw new Error(`matvec: x has ${x.length} entries, expected ${n}`);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += A[i * n + k] * x[k];
    out[i] = s;
  }
  return out;
}

/** Aᵀ (n×m) of A (m×n). */
export function transpose(A: Float64Array, m: number, n: number): Float64Array {
  const T = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = A[i * n + j];
  return T;
}

/**
 * Lower-triangular L with A = L·Lᵀ for symmetric positive-definite A (n×n, row-major; only
 * the lower triangle is read). Throws NotPositiveDefiniteError on a non-positive pivot.
 */
export function cholesky(A: Float64Array, n: number): Float64Array {
  if (A.length !== n * n) throw new Error(`cholesky: A has ${A.length} entries, expected ${n}×${n}`);
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    if (!(d > 0)) throw new NotPositiveDefiniteError(j, d);
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / ljj;
    }
  }
  return L;
}

/** Solves L·Lᵀ·x = b given the Cholesky factor L. */
export function choleskySolve(L: Float64Array, b: Float64Array, n: number): Float64Array {
  if (b.length !== n) throw new Error(`choleskySolve: b has ${b.length} entries, expected ${n}`);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k];
    x[i] = s / L[i * n + i];
  }
  return x;
}

/** x solving A·x = b for symmetric positive-definite A. */
export function solveSpd(A: Float64Array, b: Float64Array, n: number): Float64Array {
  return choleskySolve(cholesky(A, n), b, n);
}

/**
 * x solving A·x = b for a general square A (Gaussian elimination with partial pivoting).
 * Returns null when A is singular to working precision (a pivot below 1e-12·max|A|).
 */
export function solveLinear(A: Float64Array, b: Float64Array, n: number): Float64Array | null {
  if (A.length !== n * n || b.length !== n) throw new Error(`solveLinear: expected a ${n}×${n} system`);
  const M = A.slice();
  const x = b.slice();
  let scale = 0;
  for (const v of M) scale = Math.max(scale, Math.abs(v));
  const tol = 1e-12 * (scale || 1);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[p * n + c])) p = r;
    if (Math.abs(M[p * n + c]) <= tol) return null;
    if (p !== c) {
      for (let k = 0; k < n; k++) {
        const t = M[c * n + k];
        M[c * n + k] = M[p * n + k];
        M[p * n + k] = t;
      }
      const t = x[c];
      x[c] = x[p];
      x[p] = t;
    }
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / M[c * n + c];
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= M[r * n + k] * x[k];
    x[r] = s / M[r * n + r];
  }
  return x;
}
