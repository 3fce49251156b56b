/**
 * Distances between two distribution snapshots (§6.2 step 10): both PMFs are put on the
 * union of their supports through their piecewise-linear CDFs (0 before the first support
 * point, 1 after the last), then KL, Jensen–Shannon and Wasserstein-1 are taken there.
 */

const EPS = 1e-12;

export interface SnapshotDistances {
  kl: number;
  js: number;
  wasserstein: number;
}

/** Piecewise-linear CDF through (x_i, cumsum_i), evaluated at ascending `grid`. */
function cdfOnGrid(x: ArrayLike<number>, p: ArrayLike<number>, grid: Float64Array, out: Float64Array): void {
  const n = x.length;
  const cum = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cum[i] = acc += p[i];
  let j = 0;
  for (let g = 0; g < grid.length; g++) {
    const u = grid[g];
    while (j < n && x[j] < u) j++;
    if (j >= n) out[g] = 1;
    else if (x[j] === u) out[g] = cum[j];
    else if (j === 0) out[g] = 0;
    else out[g] = cum[j - 1] + ((cum[j] - cum[j - 1]) * (u - x[j - 1])) / (x[j] - x[j - 1]);
  }
}

function kl(p: Float64Array, q: Float64Array): number {
  let s = 0;
  for (let i = 0; i < p.length; i++) s += p[i] * Math.log((p[i] + EPS) / (q[i] + EPS));
  return s;
}

export function snapshotDistances(xa: ArrayLike<number>, pa: ArrayLike<number>, xb: ArrayLike<number>, pb: ArrayLike<number>): SnapshotDistances {
  if (xa.length === 0 || xb.length === 0) return { kl: Number.NaN, js: Number.NaN, wasserstein: Number.NaN };
  const all = Float64Array.from([...Array.from(xa), ...Array.from(xb)]).sort();
  let u = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[u - 1]) all[u++] = all[i];
  const grid = all.subarray(0, u);
  const Fa = new Float64Array(u);
  const Fb = new Float64Array(u);
  cdfOnGrid(xa, pa, grid, Fa);
  cdfOnGrid(xb, pb, grid, Fb);
  const p = new Float64Array(u);
  const q = new Float64Array(u);
  const m = new Float64Array(u);
  let w = 0;
  for (let i = 0; i < u; i++) {
    p[i] = Fa[i] - (i > 0 ? Fa[i - 1] : 0);
    q[i] = Fb[i] - (i > 0 ? Fb[i - 1] : 0);
    m[i] = (p[i] + q[i]) / 2;
    if (i < u - 1) w += Math.abs(Fa[i] - Fb[i]) * (grid[i + 1] - grid[i]);
  }
  return { kl: kl(p, q), js: 0.5 * kl(p, m) + 0.5 * kl(q, m), wasserstein: w };
}
