/**
 * Trailing-window statistics with pandas `rolling(n, min_periods=n)` semantics: the value at t
 * covers rows t−n+1..t and is NaN unless all n values are present (finite). `var`/`std`/`cov`
 * use ddof = 1; skew and kurtosis are pandas' bias-corrected forms (contract B).
 *
 * Numerics: running sums of x and x² lose all digits on price levels, so every kernel keeps
 * power sums of (x − K) about a shift K that is re-centred to the exact window mean with a
 * two-pass recomputation (a) at the start of every complete window, (b) every n steps, and
 * (c) whenever a running bound on accumulated rounding exceeds ~1e-12 of the statistic
 * (near-constant windows). Cost is O(1) amortised per row; results match exact two-pass
 * window statistics to ~1e-12 relative, and each output depends only on rows ≤ t, so
 * appending rows never changes earlier values.
 */

const EPS = 2.220446049250313e-16;
/** Recompute exactly when the rounding bound exceeds this fraction of the statistic. */
const REL = 1e-12;

function checkWindow(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`rolling window must be a positive integer, got ${n}`);
}

function output(len: number, out: Float64Array | undefined, what: string): Float64Array {
  if (!out) return new Float64Array(len);
  if (out.length !== len) throw new Error(`${what}: output length ${out.length} != input length ${len}`);
  return out;
}

/**
 * Rolling mean and/or sample variance in one pass. Either output may be null.
 * Window sum is n·mean.
 */
export function rollingMeanVar(
  x: Float64Array,
  n: number,
  meanOut: Float64Array | null,
  varOut: Float64Array | null,
): void {
  checkWindow(n);
  const len = x.length;
  let run = 0;
  let since = 0;
  let K = 0;
  let s1 = 0;
  let s2 = 0;
  let acc = 0;
  const denom = n - 1;
  for (let t = 0; t < len; t++) {
    const v = x[t];
    if (v - v !== 0) {
      run = 0;
      if (meanOut) meanOut[t] = Number.NaN;
      if (varOut) varOut[t] = Number.NaN;
      continue;
    }
    run++;
    if (run < n) {
      if (meanOut) meanOut[t] = Number.NaN;
      if (varOut) varOut[t] = Number.NaN;
      continue;
    }
    let exact = run === n || since >= n;
    if (!exact) {
      const a = v - K;
      const b = x[t - n] - K;
      s1 += a - b;
      s2 += a * a - b * b;
      acc += a * a + b * b;
      since++;
      if (varOut !== null && EPS * (4 * acc + s2) > REL * (s2 - (s1 * s1) / n)) exact = true;
    }
    if (exact) {
      const lo = t - n + 1;
      let sum = 0;
      for (let i = lo; i <= t; i++) sum += x[i];
      K = sum / n;
      s1 = 0;
      s2 = 0;
      for (let i = lo; i <= t; i++) {
        const d = x[i] - K;
        s1 += d;
        s2 += d * d;
      }
      acc = s2;
      since = 0;
    }
    const d = s1 / n;
    if (meanOut) meanOut[t] = K + d;
    if (varOut) {
      const m2 = s2 - s1 * d;
      varOut[t] = denom > 0 ? Math.max(m2, 0) / denom : Number.NaN;
    }
  }
}

export function rollingMean(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  const o = output(x.length, out, 'rollingMean');
  rollingMeanVar(x, n, o, null);
  return o;
}

export function rollingSum(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  const o = rollingMean(x, n, out);
  for (let i = 0; i < o.length; i++) o[i] *= n;
  return o;
}

/** Sample variance (ddof = 1). */
export function rollingVar(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  const o = output(x.length, out, 'rollingVar');
  rollingMeanVar(x, n, null, o);
  return o;
}

/** Sample standard deviation (ddof = 1). */
export function rollingStd(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  const o = rollingVar(x, n, out);
  for (let i = 0; i < o.length; i++) o[i] = Math.sqrt(o[i]);
  return o;
}

/** Rolling mean and sample std of the same window, written into the two buffers. */
export function rollingMeanStd(x: Float64Array, n: number, meanOut: Float64Array, stdOut: Float64Array): void {
  output(x.length, meanOut, 'rollingMeanStd');
  output(x.length, stdOut, 'rollingMeanStd');
  rollingMeanVar(x, n, meanOut, stdOut);
  for (let i = 0; i < stdOut.length; i++) stdOut[i] = Math.sqrt(stdOut[i]);
}

function rollingExtreme(x: Float64Array, n: number, out: Float64Array, wantMax: boolean): Float64Array {
  checkWindow(n);
  // Monotonic deque of indices in a ring buffer: values decrease (max) / increase (min) from head.
  const cap = n + 1;
  const dq = new Int32Array(cap);
  let head = 0;
  let size = 0;
  let run = 0;
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    if (v - v !== 0) {
      run = 0;
      size = 0;
      out[t] = Number.NaN;
      continue;
    }
    run++;
    while (size > 0) {
      const last = x[dq[(head + size - 1) % cap]];
      if (wantMax ? last <= v : last >= v) size--;
      else break;
    }
    dq[(head + size) % cap] = t;
    size++;
    if (dq[head] <= t - n) {
      head = (head + 1) % cap;
      size--;
    }
    out[t] = run >= n ? x[dq[head]] : Number.NaN;
  }
  return out;
}

export function rollingMax(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  return rollingExtreme(x, n, output(x.length, out, 'rollingMax'), true);
}

export function rollingMin(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  return rollingExtreme(x, n, output(x.length, out, 'rollingMin'), false);
}

/**
 * Rolling bias-corrected skewness and excess kurtosis (pandas forms, contract B) and,
 * optionally, the sample std of the same window. Any output may be null. A window with
 * S2 == 0 (constant) gives NaN skew/kurt; n must be ≥ 3 for skew and ≥ 4 for kurt.
 */
export function rollingSkewKurt(
  x: Float64Array,
  n: number,
  skewOut: Float64Array | null,
  kurtOut: Float64Array | null,
  stdOut: Float64Array | null = null,
): void {
  checkWindow(n);
  const len = x.length;
  const skewC = n >= 3 ? Math.sqrt(n * (n - 1)) / (n - 2) : Number.NaN;
  const kurtA = n >= 4 ? ((n + 1) * n * (n - 1)) / ((n - 2) * (n - 3)) : Number.NaN;
  const kurtB = n >= 4 ? (3 * (n - 1) * (n - 1)) / ((n - 2) * (n - 3)) : Number.NaN;
  let run = 0;
  let since = 0;
  let K = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let acc2 = 0;
  let acc3 = 0;
  let acc4 = 0;
  for (let t = 0; t < len; t++) {
    const v = x[t];
    run = v - v === 0 ? run + 1 : 0;
    if (run < n) {
      if (skewOut) skewOut[t] = Number.NaN;
      if (kurtOut) kurtOut[t] = Number.NaN;
      if (stdOut) stdOut[t] = Number.NaN;
      continue;
    }
    let exact = run === n || since >= n;
    let d = 0;
    let M2 = 0;
    let M3 = 0;
    let M4 = 0;
    if (!exact) {
      const a = v - K;
      const b = x[t - n] - K;
      const a2 = a * a;
      const b2 = b * b;
      s1 += a - b;
      s2 += a2 - b2;
      s3 += a2 * a - b2 * b;
      s4 += a2 * a2 - b2 * b2;
      acc2 += a2 + b2;
      acc3 += a2 * Math.abs(a) + b2 * Math.abs(b);
      acc4 += a2 * a2 + b2 * b2;
      since++;
      d = s1 / n;
      const d2 = d * d;
      M2 = s2 - n * d2;
      M3 = s3 - 3 * d * s2 + 2 * n * d2 * d;
      M4 = s4 - 4 * d * s3 + 6 * d2 * s2 - 3 * n * d2 * d2;
      const ad = Math.abs(d);
      const e2 = 4 * EPS * (acc2 + n * d2);
      const e3 = 4 * EPS * (acc3 + 3 * ad * acc2 + 2 * n * d2 * ad);
      const e4 = 4 * EPS * (acc4 + 4 * ad * acc3 + 6 * d2 * acc2 + 3 * n * d2 * d2);
      if (e2 > REL * M2 || e4 > REL * M4 || e3 > REL * M2 * Math.sqrt(M2 > 0 ? M2 / n : 0)) exact = true;
    }
    if (exact) {
      const lo = t - n + 1;
      let sum = 0;
      for (let i = lo; i <= t; i++) sum += x[i];
      K = sum / n;
      s1 = 0;
      s2 = 0;
      s3 = 0;
      s4 = 0;
      for (let i = lo; i <= t; i++) {
        const e = x[i] - K;
        const e2 = e * e;
        s1 += e;
        s2 += e2;
        s3 += e2 * e;
        s4 += e2 * e2;
      }
      acc2 = s2;
      acc4 = s4;
      acc3 = 0;
      for (let i = lo; i <= t; i++) {
        const e = Math.abs(x[i] - K);
        acc3 += e * e * e;
      }
      since = 0;
      d = s1 / n;
      const d2 = d * d;
      M2 = s2 - n * d2;
      M3 = s3 - 3 * d * s2 + 2 * n * d2 * d;
      M4 = s4 - 4 * d * s3 + 6 * d2 * s2 - 3 * n * d2 * d2;
    }
    if (M2 < 0) M2 = 0;
    if (stdOut) stdOut[t] = n > 1 ? Math.sqrt(M2 / (n - 1)) : Number.NaN;
    if (M2 === 0) {
      if (skewOut) skewOut[t] = Number.NaN;
      if (kurtOut) kurtOut[t] = Number.NaN;
      continue;
    }
    if (skewOut) {
      const m2 = M2 / n;
      skewOut[t] = (skewC * (M3 / n)) / (m2 * Math.sqrt(m2));
    }
    if (kurtOut) kurtOut[t] = (kurtA * M4) / (M2 * M2) - kurtB;
  }
}

export function rollingSkew(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  const o = output(x.length, out, 'rollingSkew');
  rollingSkewKurt(x, n, o, null);
  return o;
}

export function rollingKurt(x: Float64Array, n: number, out?: Float64Array): Float64Array {
  const o = output(x.length, out, 'rollingKurt');
  rollingSkewKurt(x, n, null, o);
  return o;
}

/**
 * Rolling sample covariance of x and y (ddof = 1) and, optionally, the sample variance of y
 * over the same windows. A window counts only when all n pairs are present in both series.
 */
export function rollingCovVar(
  x: Float64Array,
  y: Float64Array,
  n: number,
  covOut: Float64Array | null,
  varYOut: Float64Array | null,
): void {
  checkWindow(n);
  const len = x.length;
  if (y.length !== len) throw new Error(`rollingCov: series lengths differ (${len} vs ${y.length})`);
  const denom = n - 1;
  let run = 0;
  let since = 0;
  let Kx = 0;
  let Ky = 0;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let syy = 0;
  let accXY = 0;
  let accYY = 0;
  for (let t = 0; t < len; t++) {
    const u = x[t];
    const w = y[t];
    run = u - u === 0 && w - w === 0 ? run + 1 : 0;
    if (run < n || denom <= 0) {
      if (covOut) covOut[t] = Number.NaN;
      if (varYOut) varYOut[t] = Number.NaN;
      continue;
    }
    let exact = run === n || since >= n;
    if (!exact) {
      const a = u - Kx;
      const b = w - Ky;
      const pa = x[t - n] - Kx;
      const pb = y[t - n] - Ky;
      sx += a - pa;
      sy += b - pb;
      sxy += a * b - pa * pb;
      syy += b * b - pb * pb;
      accXY += Math.abs(a * b) + Math.abs(pa * pb);
      accYY += b * b + pb * pb;
      since++;
      const myy = syy - (sy * sy) / n;
      // Covariance error is judged against var(y): beta = cov/var needs it absolutely small.
      if (EPS * (4 * accYY + syy) > REL * myy || EPS * (4 * accXY + Math.abs(sxy)) > REL * myy) exact = true;
    }
    if (exact) {
      const lo = t - n + 1;
      let mx = 0;
      let my = 0;
      for (let i = lo; i <= t; i++) {
        mx += x[i];
        my += y[i];
      }
      Kx = mx / n;
      Ky = my / n;
      sx = 0;
      sy = 0;
      sxy = 0;
      syy = 0;
      accXY = 0;
      for (let i = lo; i <= t; i++) {
        const a = x[i] - Kx;
        const b = y[i] - Ky;
        sx += a;
        sy += b;
        sxy += a * b;
        syy += b * b;
        accXY += Math.abs(a * b);
      }
      accYY = syy;
      since = 0;
    }
    if (covOut) covOut[t] = (sxy - (sx * sy) / n) / denom;
    if (varYOut) {
      const m = syy - (sy * sy) / n;
      varYOut[t] = Math.max(m, 0) / denom;
    }
  }
}

export function rollingCov(x: Float64Array, y: Float64Array, n: number, out?: Float64Array): Float64Array {
  const o = output(x.length, out, 'rollingCov');
  rollingCovVar(x, y, n, o, null);
  return o;
}
