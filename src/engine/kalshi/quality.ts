/** Quality dimensions of a snapshot (quality.py::compute_quality_dimensions). */

export interface QualityInputs {
  observed: number;
  expected: number;
  /** median relative spread of live quotes (NaN = unknown) */
  medianRelSpread: number;
  /** median live quote age in seconds (NaN = unknown) */
  medianAgeSeconds: number;
  medianVolume: number;
  medianOi: number;
  /** monotonic violation magnitude + renormalisation delta */
  violation: number;
}

export interface QualityDimensions {
  coverage: number;
  spread_score: number;
  age_score: number;
  volume_oi_proxy: number;
  constraint_score: number;
  quality_score: number;
}

const clip01 = (x: number) => Math.min(1, Math.max(0, x));
const log1pOrZero = (x: number) => (Number.isFinite(x) && x > -1 ? Math.log1p(x) : 0);

export function qualityDimensions(q: QualityInputs): QualityDimensions {
  const coverage = q.expected > 0 ? clip01(q.observed / q.expected) : 0;
  const spread_score = Number.isFinite(q.medianRelSpread) ? clip01(1 - q.medianRelSpread) : 0.5;
  const age_score = Number.isFinite(q.medianAgeSeconds) ? Math.exp(-q.medianAgeSeconds / 300) : 0.5;
  const volume_oi_proxy = Math.tanh((log1pOrZero(q.medianVolume) + log1pOrZero(q.medianOi)) / 8);
  const constraint_score = Math.exp(-(Number.isFinite(q.violation) ? q.violation : 0));
  const quality_score = clip01(0.35 * coverage + 0.2 * spread_score + 0.2 * age_score + 0.1 * volume_oi_proxy + 0.15 * constraint_score);
  return { coverage, spread_score, age_score, volume_oi_proxy, constraint_score, quality_score };
}

/** Median of the finite values among `v[0..n)` (NaN when none). Sorts a copy. */
export function finiteMedian(v: ArrayLike<number>, n = v.length): number {
  const a: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(v[i])) a.push(v[i]);
  if (a.length === 0) return Number.NaN;
  a.sort((x, y) => x - y);
  const h = a.length >> 1;
  return a.length % 2 ? a[h] : (a[h - 1] + a[h]) / 2;
}
