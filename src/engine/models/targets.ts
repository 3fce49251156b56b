/**
 * Forward-return labels (spec §2.13): target_h(t) = C[t+h]/C[t] − 1, minus the benchmark's
 * B[t+h]/B[t] − 1 when a benchmark is given (excess return; the benchmark close is aligned to
 * the stock's dates and forward-filled). The last h rows are NaN: the label at t uses only
 * bars t+1..t+h. Simple returns, whatever the feature return type.
 */

export const FORWARD_HORIZONS: readonly number[] = [5, 10, 20];
/** spec §4.1: the trainer's default horizon */
export const DEFAULT_HORIZON = 10;

export function checkHorizon(h: number): void {
  if (!(Number.isInteger(h) && h >= 1 && h <= 252)) throw new Error(`horizon must be an integer from 1 to 252 bars (got ${h})`);
}

/**
 * The benchmark close on the stock's timestamps: the last benchmark close at or before each
 * stock date (forward fill), NaN before the benchmark's first date. Both inputs ascending.
 */
export function alignBenchmarkClose(ts: Float64Array, benchTs: Float64Array, benchClose: Float64Array): Float64Array {
  if (benchTs.length !== benchClose.length) throw new Error(`benchmark: ${benchTs.length} timestamps but ${benchClose.length} closes`);
  const out = new Float64Array(ts.length).fill(Number.NaN);
  let j = -1;
  for (let i = 0; i < ts.length; i++) {
    while (j + 1 < benchTs.length && benchTs[j + 1] <= ts[i]) j++;
    if (j >= 0) out[i] = benchClose[j];
  }
  return out;
}

/** target_h for one ticker's closes; `benchClose` (aligned, same length) makes it an excess return. */
export function forwardReturnTarget(close: Float64Array, h: number, benchClose: Float64Array | null = null): Float64Array {
  checkHorizon(h);
  const n = close.length;
  if (benchClose && benchClose.length !== n) throw new Error(`target: benchmark has ${benchClose.length} rows, closes have ${n}`);
  const out = new Float64Array(n).fill(Number.NaN);
  for (let t = 0; t + h < n; t++) {
    let r = close[t + h] / close[t] - 1;
    if (benchClose) r -= benchClose[t + h] / benchClose[t] - 1;
    out[t] = Number.isFinite(r) ? r : Number.NaN;
  }
  return out;
}
