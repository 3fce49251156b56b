/**
 * Monotone repair of a threshold curve by pool-adjacent-violators (equal weights), with the
 * pre-repair diagnostics the snapshot reports.
 */

/** Least-squares non-decreasing fit of `y` (new array; the input is not touched). */
export function isotonicIncreasing(y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const level = new Float64Array(n);
  const weight = new Float64Array(n);
  const end = new Int32Array(n);
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    level[blocks] = y[i];
    weight[blocks] = 1;
    end[blocks] = i;
    blocks++;
    while (blocks > 1 && level[blocks - 2] > level[blocks - 1]) {
      const w = weight[blocks - 2] + weight[blocks - 1];
      level[blocks - 2] = (level[blocks - 2] * weight[blocks - 2] + level[blocks - 1] * weight[blocks - 1]) / w;
      weight[blocks - 2] = w;
      end[blocks - 2] = end[blocks - 1];
      blocks--;
    }
  }
  const out = new Float64Array(n);
  let start = 0;
  for (let b = 0; b < blocks; b++) {
    for (let i = start; i <= end[b]; i++) out[i] = level[b];
    start = end[b] + 1;
  }
  return out;
}

export interface MonotoneRepair {
  repaired: Float64Array;
  /** steps in the wrong direction before repair */
  violations: number;
  /** sum of the wrong-direction step sizes */
  magnitude: number;
  /** Σ|repaired − raw| */
  l1: number;
  /** √Σ(repaired − raw)² */
  l2: number;
}

/** Repairs a curve that must be non-increasing (`decreasing`) or non-decreasing. */
export function repairMonotone(raw: ArrayLike<number>, decreasing: boolean): MonotoneRepair {
  const n = raw.length;
  let violations = 0;
  let magnitude = 0;
  for (let i = 1; i < n; i++) {
    const step = raw[i] - raw[i - 1];
    const wrong = decreasing ? step : -step;
    if (wrong > 0) {
      violations++;
      magnitude += wrong;
    }
  }
  let repaired: Float64Array;
  if (decreasing) {
    const neg = new Float64Array(n);
    for (let i = 0; i < n; i++) neg[i] = -raw[i];
    repaired = isotonicIncreasing(neg);
    for (let i = 0; i < n; i++) repaired[i] = -repaired[i];
  } else {
    repaired = isotonicIncreasing(raw);
  }
  let l1 = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = repaired[i] - raw[i];
    l1 += Math.abs(d);
    sq += d * d;
  }
  return { repaired, violations, magnitude, l1, l2: Math.sqrt(sq) };
}
