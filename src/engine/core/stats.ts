/**
 * Whole-array statistics and exponentially weighted means (contract section 0).
 *
 * Missing values are NaN (any non-finite input counts as missing). Every function is pure and
 * allocation-light: callers may pass an output buffer to reuse.
 */

/** True for finite numbers; `v - v` is 0 only when v is finite (NaN and ±inf give NaN). */
export function isPresent(v: number): boolean {
  return v - v === 0;
}

/** Arithmetic mean of the finite values (NaN when there are none). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v === 0) {
      s += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}

/**
 * Variance of the finite values with `ddof` (0 = population, 1 = sample), computed with the
 * corrected two-pass algorithm so level offsets do not cancel digits.
 */
export function variance(x: ArrayLike<number>, ddof = 0): number {
  const m = mean(x);
  if (Number.isNaN(m)) return Number.NaN;
  let s1 = 0;
  let s2 = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v === 0) {
      const d = v - m;
      s1 += d;
      s2 += d * d;
      n++;
    }
  }
  if (n - ddof <= 0) return Number.NaN;
  return (s2 - (s1 * s1) / n) / (n - ddof);
}

/**
 * Median of the non-NaN values (0 when there are none — the imputation value models use), by
 * selection instead of a full sort: O(n) on average, the same value a sort would give.
 */
export function nanMedianOrZero(x: ArrayLike<number>): number {
  const v = new Float64Array(x.length);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (!Number.isNaN(x[i])) v[n++] = x[i];
  if (n === 0) return 0;
  const h = n >> 1;
  const upper = selectKth(v, n, h);
  if (n % 2) return upper;
  // after selecting h, every value left of it is ≤ it: the lower middle is their maximum
  let lower = v[0];
  for (let i = 1; i < h; i++) if (v[i] > lower) lower = v[i];
  return (lower + upper) / 2;
}

/** Rearranges v[0..n) so v[k] is the k-th smallest, smaller values before it (Hoare quickselect). */
function selectKth(v: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    // median of three as pivot keeps sorted or constant runs from going quadratic
    const mid = (lo + hi) >>> 1;
    const a = v[lo];
    const b = v[mid];
    const c = v[hi];
    const pivot = a < b ? (b < c ? b : Math.max(a, c)) : a < c ? a : Math.max(b, c);
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (v[i] < pivot) i++;
      while (v[j] > pivot) j--;
      if (i <= j) {
        const t = v[i];
        v[i] = v[j];
        v[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return v[k];
  }
  return v[k];
}

/** Replaces ±inf with NaN in place and returns the same array. */
export function sanitizeInPlace(x: Float64Array): Float64Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v - v !== 0) x[i] = Number.NaN;
  }
  return x;
}

export interface EwmOptions {
  /** smoothing factor in (0, 1]; give exactly one of alpha and span */
  alpha?: number;
  /** α = 2 / (span + 1); span ≥ 1 */
  span?: number;
  /** outputs before the m-th present input (counted from the first present one) are NaN; default 1 */
  minPeriods?: number;
}

export function ewmAlpha(opts: EwmOptions): number {
  const { alpha, span } = opts;
  if ((alpha === undefined) === (span === undefined)) throw new Error('ewm: give exactly one of alpha and span');
  const a = alpha ?? 2 / ((span as number) + 1);
  if (!(a > 0 && a <= 1)) throw new Error(`ewm: alpha must be in (0, 1], got ${a}`);
  return a;
}

/**
 * `x.ewm(alpha|span, adjust=False, min_periods=m).mean()` as pandas computes it: the recursion
 * starts at the first present input (y = x there), then y_t = (1−α)·y_{t−1} + α·x_t.
 * A missing input after the start repeats the previous output and, like pandas
 * (ignore_na=False), the next present input is weighted against the decayed old weight
 * (1−α)^gap — the contract's inputs never contain such gaps, but the behaviour is defined.
 */
export function ewmMean(x: Float64Array, opts: EwmOptions, out = new Float64Array(x.length)): Float64Array {
  const a = ewmAlpha(opts);
  const minp = Math.max(1, opts.minPeriods ?? 1);
  const decay = 1 - a;
  let y = Number.NaN;
  let started = false;
  let nobs = 0;
  let oldWt = 1;
  for (let t = 0; t < x.length; t++) {
    const v = x[t];
    const present = v - v === 0;
    if (!started) {
      if (present) {
        y = v;
        started = true;
        nobs = 1;
        oldWt = 1;
      }
    } else if (present) {
      nobs++;
      oldWt *= decay;
      if (oldWt === decay) {
        // No gap since the previous input: the contract's recursion, evaluated literally.
        y = decay * y + a * v;
      } else {
        y = (oldWt * y + a * v) / (oldWt + a);
      }
      oldWt = 1;
    } else {
      oldWt *= decay;
    }
    out[t] = started && nobs >= minp ? y : Number.NaN;
  }
  return out;
}

// fdlibm e_exp.c constants (shortest round-trip spelling of the same doubles).
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = Math.LOG2E;
const EXP_P1 = 0.16666666666666602;
const EXP_P2 = -0.0027777777777015593;
const EXP_P3 = 0.00006613756321437934;
const EXP_P4 = -0.0000016533902205465252;
const EXP_P5 = 4.1381367970572385e-8;
/** POW2_NEG[i] = 2^−i, exact (denormals included). */
const POW2_NEG = (() => {
  const a = new Float64Array(1076);
  let v = 1;
  for (let i = 0; i < a.length; i++) {
    a[i] = v;
    v /= 2;
  }
  return a;
})();

/**
 * e^x for x ≤ 0 (probabilities relative to a maximum): fdlibm's algorithm, the one V8 uses
 * for Math.exp, written in JS so the JIT can inline it into hot loops (about a quarter faster
 * than the builtin call here). It is deterministic in every runtime, whatever that runtime's
 * Math.exp does. Returns NaN for NaN and for x > 0.
 */
export function expNonPositive(x: number): number {
  if (!(x <= 0)) return Number.NaN;
  if (x < -745.1332191019411) return 0;
  const k = Math.round(x * INV_LN2);
  const hi = x - k * LN2_HI;
  const lo = k * LN2_LO;
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (EXP_P1 + t * (EXP_P2 + t * (EXP_P3 + t * (EXP_P4 + t * EXP_P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  // k ≤ 0; below −1020 the result is subnormal: scale in two exact-then-rounded steps.
  return k < -1020 ? y * POW2_NEG[-k - 100] * POW2_NEG[100] : y * POW2_NEG[-k];
}
