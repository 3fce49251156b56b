/**
 * Standard normal distribution to full double precision: W. J. Cody's rational Chebyshev
 * approximations (ANORM, ACM TOMS Algorithm 715 — the same ones R's pnorm uses). The tails
 * are computed directly (not as 1 − N), so N(−30) keeps its relative accuracy; the exp(−x²/2)
 * factor is split at x rounded to 1/16 so the square does not lose bits.
 */

// Cody's coefficients, written as the doubles they round to (identical bits at run time).
const A0 = 2.2352520354606837;
const A1 = 161.02823106855587;
const A2 = 1067.6894854603709;
const A3 = 18154.98125334356;
const A4 = 0.06568233791820745;
const B0 = 47.202581904688245;
const B1 = 976.0985517377767;
const B2 = 10260.932208618979;
const B3 = 45507.78933502673;
const C0 = 0.39894151208813466;
const C1 = 8.883149794388377;
const C2 = 93.50665613217785;
const C3 = 597.2702763948002;
const C4 = 2494.5375852903726;
const C5 = 6848.190450536283;
const C6 = 11602.65143764735;
const C7 = 9842.714838383978;
const C8 = 1.0765576773720192e-08;
const D0 = 22.266688044328117;
const D1 = 235.387901782625;
const D2 = 1519.3775994075547;
const D3 = 6485.558298266761;
const D4 = 18615.571640885097;
const D5 = 34900.95272114598;
const D6 = 38912.00328609327;
const D7 = 19685.429676859992;
const P0 = 0.215898534057957;
const P1 = 0.12740116116024736;
const P2 = 0.022235277870649807;
const P3 = 0.0014216191932278934;
const P4 = 2.9112874951168793e-05;
const P5 = 0.023073441764940174;
const Q0 = 1.284260096144911;
const Q1 = 0.4682382124808651;
const Q2 = 0.06598813786892856;
const Q3 = 0.0037823963320275824;
const Q4 = 7.297515550839662e-05;

export const INV_SQRT_2PI = 0.3989422804014327;
const SQRT_32 = 5.656854249492381;

/**
 * Cody's rational factor of the upper tail: for y > 0.66291, 1 − N(y) = R(y)·exp(−y²/2).
 * Exposed so kernels that already know exp(−y²/2) (the implied-vol solver) can skip an exp.
 */
export function normTailRatio(y: number): number {
  if (y <= SQRT_32) {
    let xnum = C8 * y;
    let xden = y;
    xnum = (xnum + C0) * y;
    xden = (xden + D0) * y;
    xnum = (xnum + C1) * y;
    xden = (xden + D1) * y;
    xnum = (xnum + C2) * y;
    xden = (xden + D2) * y;
    xnum = (xnum + C3) * y;
    xden = (xden + D3) * y;
    xnum = (xnum + C4) * y;
    xden = (xden + D4) * y;
    xnum = (xnum + C5) * y;
    xden = (xden + D5) * y;
    xnum = (xnum + C6) * y;
    xden = (xden + D6) * y;
    return (xnum + C7) / (xden + D7);
  }
  const xsq = 1 / (y * y);
  let xnum = P5 * xsq;
  let xden = xsq;
  xnum = (xnum + P0) * xsq;
  xden = (xden + Q0) * xsq;
  xnum = (xnum + P1) * xsq;
  xden = (xden + Q1) * xsq;
  xnum = (xnum + P2) * xsq;
  xden = (xden + Q2) * xsq;
  xnum = (xnum + P3) * xsq;
  xden = (xden + Q3) * xsq;
  return (INV_SQRT_2PI - (xsq * (xnum + P4)) / (xden + Q4)) / y;
}

/** N(x) − 1/2 for |x| ≤ 0.66291 (Cody's first interval). */
export function normCdfCentral(x: number): number {
  const xsq = x * x;
  let xnum = A4 * xsq;
  let xden = xsq;
  xnum = (xnum + A0) * xsq;
  xden = (xden + B0) * xsq;
  xnum = (xnum + A1) * xsq;
  xden = (xden + B1) * xsq;
  xnum = (xnum + A2) * xsq;
  xden = (xden + B2) * xsq;
  return (x * (xnum + A3)) / (xden + B3);
}

/** Upper tail 1 − N(y) for y > 0.66291, with exp(−y²/2) split at y rounded to 1/16. */
function upperTail(y: number): number {
  if (y > 38.5) return 0;
  const ysq = Math.trunc(y * 16) / 16;
  const del = (y - ysq) * (y + ysq);
  return Math.exp(-ysq * ysq * 0.5) * Math.exp(-del * 0.5) * normTailRatio(y);
}

/** Standard normal cumulative distribution N(x); NaN in, NaN out. */
export function normCdf(x: number): number {
  const y = Math.abs(x);
  if (y <= 0.66291) return 0.5 + normCdfCentral(x);
  if (Number.isNaN(y)) return Number.NaN;
  const q = upperTail(y);
  return x > 0 ? 1 - q : q;
}

/** Standard normal density φ(x). */
export function normPdf(x: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * x * x);
}

/**
 * Inverse of N (Acklam's rational approximation refined by one Halley step on normCdf,
 * giving ~1e-15 relative accuracy); used for initial guesses, not in contract maths.
 */
export function normInv(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return Number.NEGATIVE_INFINITY;
    if (p === 1) return Number.POSITIVE_INFINITY;
    return Number.NaN;
  }
  const plow = 0.02425;
  let x: number;
  if (p < plow || p > 1 - plow) {
    const q = Math.sqrt(-2 * Math.log(p < plow ? p : 1 - p));
    x =
      (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q +
        4.374664141464968) *
        q +
        2.938163982698783) /
      ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1);
    if (p > 1 - plow) x = -x;
  } else {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r -
        3.066479806614716e1) *
        r +
        2.506628277459239) *
        q) /
      (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r -
        1.328068155288572e1) *
        r +
        1);
  }
  // One Halley step: e = N(x) − p, u = e/φ(x).
  const e = normCdf(x) - p;
  const u = e / normPdf(x);
  return x - u / (1 + (x * u) / 2);
}
