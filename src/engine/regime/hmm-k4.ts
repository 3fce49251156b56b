/**
 * Forward and backward recursions of the Baum–Welch E-step specialised for K = 4 states (the
 * default of every regime model): the transition matrix, the previous row of α̂ / β̂ and the
 * 16 ξ sums live in locals instead of typed-array cells, which removes most loads and stores
 * of the K×K inner loops.
 *
 * Every sum is formed in the same order as the generic loops in hmm.ts (Σ_i from i = 0, rows
 * in the same direction), so both paths give the same bits — and the fit's filtered
 * probabilities stay bit-identical to the online filter (`HmmFilter`), which uses the generic
 * step. Both work on one sequence, rows [s, e) of the T×4 buffers.
 */
import { expNonPositive } from '../core/stats';

/**
 * Smallest forward normaliser used as is: the smallest normal double, so 1/c is finite. A
 * subnormal c (its reciprocal overflows to ∞, and 0·∞ is NaN) takes the rescue path of an
 * underflowed row instead; every other row keeps its bits.
 */
export const C_MIN = 2.2250738585072014e-308;

/**
 * Scaled forward pass over rows [s, e): α̂ into alpha, normalisers into c; returns Σ ln c_t.
 * `rescue(t)` is called when a row's normaliser is not a finite normal double: it must rewrite
 * alpha[4t..4t+4) unnormalised (after rescaling the row's emissions) and return its normaliser.
 */
export function forwardK4(
  A: Float64Array,
  pi: Float64Array,
  B: Float64Array,
  alpha: Float64Array,
  c: Float64Array,
  s: number,
  e: number,
  rescue: (t: number) => number,
): number {
  const a00 = A[0];
  const a01 = A[1];
  const a02 = A[2];
  const a03 = A[3];
  const a10 = A[4];
  const a11 = A[5];
  const a12 = A[6];
  const a13 = A[7];
  const a20 = A[8];
  const a21 = A[9];
  const a22 = A[10];
  const a23 = A[11];
  const a30 = A[12];
  const a31 = A[13];
  const a32 = A[14];
  const a33 = A[15];
  let o = s * 4;
  let x0 = pi[0] * B[o];
  let x1 = pi[1] * B[o + 1];
  let x2 = pi[2] * B[o + 2];
  let x3 = pi[3] * B[o + 3];
  alpha[o] = x0;
  alpha[o + 1] = x1;
  alpha[o + 2] = x2;
  alpha[o + 3] = x3;
  let ct = x0 + x1 + x2 + x3;
  if (!(ct >= C_MIN && ct < Number.POSITIVE_INFINITY)) {
    ct = rescue(s);
    x0 = alpha[o];
    x1 = alpha[o + 1];
    x2 = alpha[o + 2];
    x3 = alpha[o + 3];
  }
  let ic = 1 / ct;
  let p0 = x0 * ic;
  let p1 = x1 * ic;
  let p2 = x2 * ic;
  let p3 = x3 * ic;
  alpha[o] = p0;
  alpha[o + 1] = p1;
  alpha[o + 2] = p2;
  alpha[o + 3] = p3;
  c[s] = ct;
  let ll = Math.log(ct);
  for (let t = s + 1; t < e; t++) {
    o += 4;
    x0 = (p0 * a00 + p1 * a10 + p2 * a20 + p3 * a30) * B[o];
    x1 = (p0 * a01 + p1 * a11 + p2 * a21 + p3 * a31) * B[o + 1];
    x2 = (p0 * a02 + p1 * a12 + p2 * a22 + p3 * a32) * B[o + 2];
    x3 = (p0 * a03 + p1 * a13 + p2 * a23 + p3 * a33) * B[o + 3];
    ct = x0 + x1 + x2 + x3;
    if (!(ct >= C_MIN && ct < Number.POSITIVE_INFINITY)) {
      ct = rescue(t);
      x0 = alpha[o];
      x1 = alpha[o + 1];
      x2 = alpha[o + 2];
      x3 = alpha[o + 3];
    }
    ic = 1 / ct;
    p0 = x0 * ic;
    p1 = x1 * ic;
    p2 = x2 * ic;
    p3 = x3 * ic;
    alpha[o] = p0;
    alpha[o + 1] = p1;
    alpha[o + 2] = p2;
    alpha[o + 3] = p3;
    c[t] = ct;
    ll += Math.log(ct);
  }
  return ll;
}

/**
 * Backward pass over rows [s, e) after forwardK4: γ_t = α̂_t β̂_t (normalised) into gamma, and
 * Σ_t α̂_t(i) b_j(x_{t+1}) β̂_{t+1}(j) / c_{t+1} added onto xi (the caller multiplies by A_ij).
 */
export function backwardK4(
  A: Float64Array,
  B: Float64Array,
  alpha: Float64Array,
  c: Float64Array,
  gamma: Float64Array,
  xi: Float64Array,
  s: number,
  e: number,
): void {
  const a00 = A[0];
  const a01 = A[1];
  const a02 = A[2];
  const a03 = A[3];
  const a10 = A[4];
  const a11 = A[5];
  const a12 = A[6];
  const a13 = A[7];
  const a20 = A[8];
  const a21 = A[9];
  const a22 = A[10];
  const a23 = A[11];
  const a30 = A[12];
  const a31 = A[13];
  const a32 = A[14];
  const a33 = A[15];
  let x00 = xi[0];
  let x01 = xi[1];
  let x02 = xi[2];
  let x03 = xi[3];
  let x10 = xi[4];
  let x11 = xi[5];
  let x12 = xi[6];
  let x13 = xi[7];
  let x20 = xi[8];
  let x21 = xi[9];
  let x22 = xi[10];
  let x23 = xi[11];
  let x30 = xi[12];
  let x31 = xi[13];
  let x32 = xi[14];
  let x33 = xi[15];
  // β̂ of the current row
  let b0 = 1;
  let b1 = 1;
  let b2 = 1;
  let b3 = 1;
  for (let t = e - 1, n = t * 4; t >= s; t--, n -= 4) {
    const v0 = alpha[n] * b0;
    const v1 = alpha[n + 1] * b1;
    const v2 = alpha[n + 2] * b2;
    const v3 = alpha[n + 3] * b3;
    const ig = 1 / (v0 + v1 + v2 + v3);
    gamma[n] = v0 * ig;
    gamma[n + 1] = v1 * ig;
    gamma[n + 2] = v2 * ig;
    gamma[n + 3] = v3 * ig;
    if (t === s) break;
    const invC = 1 / c[t];
    const w0 = B[n] * b0 * invC;
    const w1 = B[n + 1] * b1 * invC;
    const w2 = B[n + 2] * b2 * invC;
    const w3 = B[n + 3] * b3 * invC;
    const q0 = alpha[n - 4];
    const q1 = alpha[n - 3];
    const q2 = alpha[n - 2];
    const q3 = alpha[n - 1];
    x00 += q0 * w0;
    x01 += q0 * w1;
    x02 += q0 * w2;
    x03 += q0 * w3;
    x10 += q1 * w0;
    x11 += q1 * w1;
    x12 += q1 * w2;
    x13 += q1 * w3;
    x20 += q2 * w0;
    x21 += q2 * w1;
    x22 += q2 * w2;
    x23 += q2 * w3;
    x30 += q3 * w0;
    x31 += q3 * w1;
    x32 += q3 * w2;
    x33 += q3 * w3;
    b0 = a00 * w0 + a01 * w1 + a02 * w2 + a03 * w3;
    b1 = a10 * w0 + a11 * w1 + a12 * w2 + a13 * w3;
    b2 = a20 * w0 + a21 * w1 + a22 * w2 + a23 * w3;
    b3 = a30 * w0 + a31 * w1 + a32 * w2 + a33 * w3;
  }
  xi[0] = x00;
  xi[1] = x01;
  xi[2] = x02;
  xi[3] = x03;
  xi[4] = x10;
  xi[5] = x11;
  xi[6] = x12;
  xi[7] = x13;
  xi[8] = x20;
  xi[9] = x21;
  xi[10] = x22;
  xi[11] = x23;
  xi[12] = x30;
  xi[13] = x31;
  xi[14] = x32;
  xi[15] = x33;
}

/**
 * B[i] = e^{B[i]} for i < n (all B[i] ≤ 0). A loop of its own so the exponential is inlined
 * at its one call site (V8's inlining budget does not cover four calls in the emission loop).
 */
function expInPlace(B: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) B[i] = expNonPositive(B[i]);
}

/**
 * Scaled emissions for K = 4 states and D = 3 features: B[t, k] = exp(log b_k(x_t) − m_t) with
 * m_t = max_k log b_k(x_t); returns Σ_t m_t. Same arithmetic as the generic emission loop of
 * hmm.ts (the maximum's own term is exp(0) = 1 exactly there too).
 */
export function emissionK4D3(means: Float64Array, cst: Float64Array, inv: Float64Array, X: Float64Array, B: Float64Array, T: number): number {
  const m00 = means[0];
  const m01 = means[1];
  const m02 = means[2];
  const m10 = means[3];
  const m11 = means[4];
  const m12 = means[5];
  const m20 = means[6];
  const m21 = means[7];
  const m22 = means[8];
  const m30 = means[9];
  const m31 = means[10];
  const m32 = means[11];
  const i00 = inv[0];
  const i01 = inv[1];
  const i02 = inv[2];
  const i10 = inv[3];
  const i11 = inv[4];
  const i12 = inv[5];
  const i20 = inv[6];
  const i21 = inv[7];
  const i22 = inv[8];
  const i30 = inv[9];
  const i31 = inv[10];
  const i32 = inv[11];
  const c0 = cst[0];
  const c1 = cst[1];
  const c2 = cst[2];
  const c3 = cst[3];
  let total = 0;
  for (let t = 0, o = 0, xo = 0; t < T; t++, o += 4, xo += 3) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    const x2 = X[xo + 2];
    let z0 = x0 - m00;
    let z1 = x1 - m01;
    let z2 = x2 - m02;
    const l0 = c0 - 0.5 * (z0 * z0 * i00 + z1 * z1 * i01 + z2 * z2 * i02);
    z0 = x0 - m10;
    z1 = x1 - m11;
    z2 = x2 - m12;
    const l1 = c1 - 0.5 * (z0 * z0 * i10 + z1 * z1 * i11 + z2 * z2 * i12);
    z0 = x0 - m20;
    z1 = x1 - m21;
    z2 = x2 - m22;
    const l2 = c2 - 0.5 * (z0 * z0 * i20 + z1 * z1 * i21 + z2 * z2 * i22);
    z0 = x0 - m30;
    z1 = x1 - m31;
    z2 = x2 - m32;
    const l3 = c3 - 0.5 * (z0 * z0 * i30 + z1 * z1 * i31 + z2 * z2 * i32);
    let mx = l0;
    if (l1 > mx) mx = l1;
    if (l2 > mx) mx = l2;
    if (l3 > mx) mx = l3;
    B[o] = l0 - mx;
    B[o + 1] = l1 - mx;
    B[o + 2] = l2 - mx;
    B[o + 3] = l3 - mx;
    total += mx;
  }
  expInPlace(B, T * 4);
  return total;
}

/** As emissionK4D3 for D = 2 features. */
export function emissionK4D2(means: Float64Array, cst: Float64Array, inv: Float64Array, X: Float64Array, B: Float64Array, T: number): number {
  const m00 = means[0];
  const m01 = means[1];
  const m10 = means[2];
  const m11 = means[3];
  const m20 = means[4];
  const m21 = means[5];
  const m30 = means[6];
  const m31 = means[7];
  const i00 = inv[0];
  const i01 = inv[1];
  const i10 = inv[2];
  const i11 = inv[3];
  const i20 = inv[4];
  const i21 = inv[5];
  const i30 = inv[6];
  const i31 = inv[7];
  const c0 = cst[0];
  const c1 = cst[1];
  const c2 = cst[2];
  const c3 = cst[3];
  let total = 0;
  for (let t = 0, o = 0, xo = 0; t < T; t++, o += 4, xo += 2) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    let z0 = x0 - m00;
    let z1 = x1 - m01;
    const l0 = c0 - 0.5 * (z0 * z0 * i00 + z1 * z1 * i01);
    z0 = x0 - m10;
    z1 = x1 - m11;
    const l1 = c1 - 0.5 * (z0 * z0 * i10 + z1 * z1 * i11);
    z0 = x0 - m20;
    z1 = x1 - m21;
    const l2 = c2 - 0.5 * (z0 * z0 * i20 + z1 * z1 * i21);
    z0 = x0 - m30;
    z1 = x1 - m31;
    const l3 = c3 - 0.5 * (z0 * z0 * i30 + z1 * z1 * i31);
    let mx = l0;
    if (l1 > mx) mx = l1;
    if (l2 > mx) mx = l2;
    if (l3 > mx) mx = l3;
    B[o] = l0 - mx;
    B[o + 1] = l1 - mx;
    B[o + 2] = l2 - mx;
    B[o + 3] = l3 - mx;
    total += mx;
  }
  expInPlace(B, T * 4);
  return total;
}

/**
 * M-step sums for K = 4 states and D = 3 features, in locals: mass_k = Σ_t γ_tk,
 * s1_kd = Σ_t γ_tk (x_td − m_kd), s2_kd = Σ_t γ_tk (x_td − m_kd)², added onto mass/s1/s2 in the
 * same order as the generic moment loop of hmm.ts (rows ascending).
 */
export function momentsK4D3(
  means: Float64Array,
  X: Float64Array,
  gamma: Float64Array,
  T: number,
  mass: Float64Array,
  s1: Float64Array,
  s2: Float64Array,
): void {
  const m00 = means[0];
  const m01 = means[1];
  const m02 = means[2];
  const m10 = means[3];
  const m11 = means[4];
  const m12 = means[5];
  const m20 = means[6];
  const m21 = means[7];
  const m22 = means[8];
  const m30 = means[9];
  const m31 = means[10];
  const m32 = means[11];
  let g0s = mass[0];
  let g1s = mass[1];
  let g2s = mass[2];
  let g3s = mass[3];
  let a00 = s1[0];
  let q00 = s2[0];
  let a01 = s1[1];
  let q01 = s2[1];
  let a02 = s1[2];
  let q02 = s2[2];
  let a10 = s1[3];
  let q10 = s2[3];
  let a11 = s1[4];
  let q11 = s2[4];
  let a12 = s1[5];
  let q12 = s2[5];
  let a20 = s1[6];
  let q20 = s2[6];
  let a21 = s1[7];
  let q21 = s2[7];
  let a22 = s1[8];
  let q22 = s2[8];
  let a30 = s1[9];
  let q30 = s2[9];
  let a31 = s1[10];
  let q31 = s2[10];
  let a32 = s1[11];
  let q32 = s2[11];
  for (let t = 0, go = 0, xo = 0; t < T; t++, go += 4, xo += 3) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    const x2 = X[xo + 2];
    const g0 = gamma[go];
    g0s += g0;
    const z00 = x0 - m00;
    const w00 = g0 * z00;
    a00 += w00;
    q00 += w00 * z00;
    const z01 = x1 - m01;
    const w01 = g0 * z01;
    a01 += w01;
    q01 += w01 * z01;
    const z02 = x2 - m02;
    const w02 = g0 * z02;
    a02 += w02;
    q02 += w02 * z02;
    const g1 = gamma[go + 1];
    g1s += g1;
    const z10 = x0 - m10;
    const w10 = g1 * z10;
    a10 += w10;
    q10 += w10 * z10;
    const z11 = x1 - m11;
    const w11 = g1 * z11;
    a11 += w11;
    q11 += w11 * z11;
    const z12 = x2 - m12;
    const w12 = g1 * z12;
    a12 += w12;
    q12 += w12 * z12;
    const g2 = gamma[go + 2];
    g2s += g2;
    const z20 = x0 - m20;
    const w20 = g2 * z20;
    a20 += w20;
    q20 += w20 * z20;
    const z21 = x1 - m21;
    const w21 = g2 * z21;
    a21 += w21;
    q21 += w21 * z21;
    const z22 = x2 - m22;
    const w22 = g2 * z22;
    a22 += w22;
    q22 += w22 * z22;
    const g3 = gamma[go + 3];
    g3s += g3;
    const z30 = x0 - m30;
    const w30 = g3 * z30;
    a30 += w30;
    q30 += w30 * z30;
    const z31 = x1 - m31;
    const w31 = g3 * z31;
    a31 += w31;
    q31 += w31 * z31;
    const z32 = x2 - m32;
    const w32 = g3 * z32;
    a32 += w32;
    q32 += w32 * z32;
  }
  mass[0] = g0s;
  mass[1] = g1s;
  mass[2] = g2s;
  mass[3] = g3s;
  s1[0] = a00;
  s2[0] = q00;
  s1[1] = a01;
  s2[1] = q01;
  s1[2] = a02;
  s2[2] = q02;
  s1[3] = a10;
  s2[3] = q10;
  s1[4] = a11;
  s2[4] = q11;
  s1[5] = a12;
  s2[5] = q12;
  s1[6] = a20;
  s2[6] = q20;
  s1[7] = a21;
  s2[7] = q21;
  s1[8] = a22;
  s2[8] = q22;
  s1[9] = a30;
  s2[9] = q30;
  s1[10] = a31;
  s2[10] = q31;
  s1[11] = a32;
  s2[11] = q32;
}

/**
 * M-step sums for K = 4 states and D = 2 features, in locals: mass_k = Σ_t γ_tk,
 * s1_kd = Σ_t γ_tk (x_td − m_kd), s2_kd = Σ_t γ_tk (x_td − m_kd)², added onto mass/s1/s2 in the
 * same order as the generic moment loop of hmm.ts (rows ascending).
 */
export function momentsK4D2(
  means: Float64Array,
  X: Float64Array,
  gamma: Float64Array,
  T: number,
  mass: Float64Array,
  s1: Float64Array,
  s2: Float64Array,
): void {
  const m00 = means[0];
  const m01 = means[1];
  const m10 = means[2];
  const m11 = means[3];
  const m20 = means[4];
  const m21 = means[5];
  const m30 = means[6];
  const m31 = means[7];
  let g0s = mass[0];
  let g1s = mass[1];
  let g2s = mass[2];
  let g3s = mass[3];
  let a00 = s1[0];
  let q00 = s2[0];
  let a01 = s1[1];
  let q01 = s2[1];
  let a10 = s1[2];
  let q10 = s2[2];
  let a11 = s1[3];
  let q11 = s2[3];
  let a20 = s1[4];
  let q20 = s2[4];
  let a21 = s1[5];
  let q21 = s2[5];
  let a30 = s1[6];
  let q30 = s2[6];
  let a31 = s1[7];
  let q31 = s2[7];
  for (let t = 0, go = 0, xo = 0; t < T; t++, go += 4, xo += 2) {
    const x0 = X[xo];
    const x1 = X[xo + 1];
    const g0 = gamma[go];
    g0s += g0;
    const z00 = x0 - m00;
    const w00 = g0 * z00;
    a00 += w00;
    q00 += w00 * z00;
    const z01 = x1 - m01;
    const w01 = g0 * z01;
    a01 += w01;
    q01 += w01 * z01;
    const g1 = gamma[go + 1];
    g1s += g1;
    const z10 = x0 - m10;
    const w10 = g1 * z10;
    a10 += w10;
    q10 += w10 * z10;
    const z11 = x1 - m11;
    const w11 = g1 * z11;
    a11 += w11;
    q11 += w11 * z11;
    const g2 = gamma[go + 2];
    g2s += g2;
    const z20 = x0 - m20;
    const w20 = g2 * z20;
    a20 += w20;
    q20 += w20 * z20;
    const z21 = x1 - m21;
    const w21 = g2 * z21;
    a21 += w21;
    q21 += w21 * z21;
    const g3 = gamma[go + 3];
    g3s += g3;
    const z30 = x0 - m30;
    const w30 = g3 * z30;
    a30 += w30;
    q30 += w30 * z30;
    const z31 = x1 - m31;
    const w31 = g3 * z31;
    a31 += w31;
    q31 += w31 * z31;
  }
  mass[0] = g0s;
  mass[1] = g1s;
  mass[2] = g2s;
  mass[3] = g3s;
  s1[0] = a00;
  s2[0] = q00;
  s1[1] = a01;
  s2[1] = q01;
  s1[2] = a10;
  s2[2] = q10;
  s1[3] = a11;
  s2[3] = q11;
  s1[4] = a20;
  s2[4] = q20;
  s1[5] = a21;
  s2[5] = q21;
  s1[6] = a30;
  s2[6] = q30;
  s1[7] = a31;
  s2[7] = q31;
}

