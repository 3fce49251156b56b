/**
 * Gaussian quadrature rules, computed once per order and cached (they are pure functions
 * of n, so caching cannot change any result).
 *
 * Gauss–Laguerre: ∫₀^∞ f(x) dx ≈ Σ W_i f(x_i) with W_i = w_i·e^{x_i} (the weight already
 * folded in, so callers integrate f itself). Nodes are the eigenvalues of the Jacobi matrix
 * (diagonal 2i+1, off-diagonal i), found by Sturm-sequence bisection and polished by Newton;
 * weights use Laguerre polynomials scaled by e^{−x/2} so that neither L_n(x) (≈ e^{300} at
 * the last node of n = 144) nor w_i (≈ e^{−600}) leaves double range.
 */

export interface QuadratureRule {
  nodes: Float64Array;
  weights: Float64Array;
}

const laguerreCache = new Map<number, QuadratureRule>();
const legendreCache = new Map<number, QuadratureRule>();

/** Number of eigenvalues of the Laguerre Jacobi matrix below lambda (Sturm count). */
function sturmCount(n: number, lambda: number): number {
  let count = 0;
  let d = 1 - lambda; // diagonal a_0 = 1
  if (d < 0) count++;
  for (let i = 1; i < n; i++) {
    const off = i * i; // b_i² with b_i = i
    const a = 2 * i + 1;
    d = a - lambda - off / (d === 0 ? 1e-300 : d);
    if (d < 0) count++;
  }
  return count;
}

/** [L_n(x)·e^{−x/2}, L_{n−1}(x)·e^{−x/2}] by the three-term recurrence. */
function laguerreScaled(n: number, x: number): [number, number] {
  let p0 = Math.exp(-0.5 * x);
  let p1 = (1 - x) * p0;
  if (n === 0) return [p0, 0];
  for (let k = 1; k < n; k++) {
    const p2 = ((2 * k + 1 - x) * p1 - k * p0) / (k + 1);
    p0 = p1;
    p1 = p2;
  }
  return [p1, p0];
}

/** n-point Gauss–Laguerre rule with weights multiplied by e^{x_i}. */
export function gaussLaguerre(n: number): QuadratureRule {
  const hit = laguerreCache.get(n);
  if (hit) return hit;
  if (!(Number.isInteger(n) && n >= 1 && n <= 400)) throw new RangeError(`gaussLaguerre: n must be 1..400, got ${n}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const upper = 4 * n + 2; // Gershgorin bound on the spectrum
  for (let k = 0; k < n; k++) {
    // k-th smallest eigenvalue: the smallest λ with sturmCount(λ) ≥ k + 1.
    let lo = k > 0 ? nodes[k - 1] : 0;
    let hi = upper;
    for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, hi); it++) {
      const mid = 0.5 * (lo + hi);
      if (sturmCount(n, mid) >= k + 1) hi = mid;
      else lo = mid;
    }
    let x = 0.5 * (lo + hi);
    // Newton polish on L_n (the e^{−x/2} scale cancels in the ratio).
    for (let it = 0; it < 3; it++) {
      const [ln, lnm1] = laguerreScaled(n, x);
      const deriv = (n * (ln - lnm1)) / x; // L'_n(x) = n (L_n − L_{n−1}) / x, scaled
      const dx = ln / (deriv - 0.5 * ln); // derivative of the scaled function includes −½·L_n
      if (!Number.isFinite(dx)) break;
      x -= dx;
    }
    nodes[k] = x;
    const [ln, lnm1] = laguerreScaled(n, x);
    const dScaled = (n * (ln - lnm1)) / x; // L'_n(x)·e^{−x/2}
    // w_i = 1 / (x_i L'_n(x_i)²)  ⇒  w_i e^{x_i} = 1 / (x_i (L'_n(x_i) e^{−x_i/2})²)
    weights[k] = 1 / (x * dScaled * dScaled);
  }
  const rule = { nodes, weights };
  laguerreCache.set(n, rule);
  return rule;
}

/** n-point Gauss–Legendre rule on [−1, 1]. */
export function gaussLegendre(n: number): QuadratureRule {
  const hit = legendreCache.get(n);
  if (hit) return hit;
  if (!(Number.isInteger(n) && n >= 1 && n <= 2000)) throw new RangeError(`gaussLegendre: n must be 1..2000, got ${n}`);
  const nodes = new Float64Array(n);
  const weights = new Float64Array(n);
  const m = (n + 1) >> 1;
  for (let i = 0; i < m; i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1;
      let p2 = 0;
      for (let j = 0; j < n; j++) {
        const p3 = p2;
        p2 = p1;
        p1 = ((2 * j + 1) * z * p2 - j * p3) / (j + 1);
      }
      pp = (n * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / pp;
      z -= dz;
      if (Math.abs(dz) < 1e-16) break;
    }
    nodes[i] = -z;
    nodes[n - 1 - i] = z;
    const w = 2 / ((1 - z * z) * pp * pp);
    weights[i] = w;
    weights[n - 1 - i] = w;
  }
  const rule = { nodes, weights };
  legendreCache.set(n, rule);
  return rule;
}
