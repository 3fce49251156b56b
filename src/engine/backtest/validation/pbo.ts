/**
 * Probability of backtest overfitting by combinatorially symmetric cross-validation
 * (Bailey, Borwein, López de Prado & Zhu 2015).
 *
 * The T × N performance matrix (T periods, N strategies) is cut into S contiguous blocks of
 * ⌊T/S⌋ rows (the last T mod S rows are dropped). For every one of the C(S, S/2) ways to
 * pick half of the blocks as in-sample (IS) set J, the rest J̄ being out-of-sample (OOS):
 * the IS-best strategy n* = argmax_n SR_n(J) (ties → lowest index); its OOS relative rank
 * ω̄ = rank(SR_{n*}(J̄)) / (N + 1) with ranks 1..N ascending, ties averaged; the logit
 * λ = ln(ω̄ / (1 − ω̄)). PBO = share of combinations with λ ≤ 0 (the IS winner is at or below
 * the OOS median). SR is the per-period Sharpe mean/std (ddof 1); a strategy with zero
 * variance in a set has Sharpe −∞ there (never selected, ranked last).
 *
 * Works from per-block sums (count, Σr, Σr²) so callers that cannot hold a T × N matrix (a
 * sweep over thousands of combinations) can accumulate them on the fly.
 */
import { binomial, subsetMasks } from './combinations';

export interface BlockSums {
  /** S blocks */
  blocks: number;
  /** N strategies */
  strategies: number;
  /** rows per block */
  count: Int32Array;
  /** blocks × strategies, row-major: Σr and Σr² of each strategy in each block */
  sum: Float64Array;
  sumSq: Float64Array;
}

export interface PboResult {
  pbo: number;
  /** false when the input cannot support the test (fewer than 2 strategies, blocks too small) */
  valid: boolean;
  blocks: number;
  combinations: number;
  /** λ per combination (in subset-mask order) */
  logits: Float64Array;
  /** n* per combination */
  bestIs: Int32Array;
  /** IS and OOS Sharpe of n* per combination */
  isSharpe: Float64Array;
  oosSharpe: Float64Array;
  /** share of combinations where n* has an OOS Sharpe < 0 */
  probOosLoss: number;
  /** OLS of OOS on IS Sharpe of n*: slope and intercept (performance degradation) */
  degradationSlope: number;
  degradationIntercept: number;
}

/** Per-block sums of a column-per-strategy return matrix (row-major rows × strategies). */
export function blockSums(matrix: Float64Array, rows: number, strategies: number, blocks: number): BlockSums {
  if (matrix.length !== rows * strategies) throw new RangeError(`matrix has ${matrix.length} cells, expected ${rows}×${strategies}`);
  const size = Math.floor(rows / blocks);
  const count = new Int32Array(blocks).fill(size);
  const sum = new Float64Array(blocks * strategies);
  const sumSq = new Float64Array(blocks * strategies);
  for (let b = 0; b < blocks; b++) {
    for (let t = b * size; t < (b + 1) * size; t++) {
      const row = t * strategies;
      const out = b * strategies;
      for (let n = 0; n < strategies; n++) {
        const v = matrix[row + n];
        sum[out + n] += v;
        sumSq[out + n] += v * v;
      }
    }
  }
  return { blocks, strategies, count, sum, sumSq };
}

function sharpeFromSums(n: number, s: number, ss: number): number {
  if (n < 2) return Number.NEGATIVE_INFINITY;
  const mean = s / n;
  const v = (ss - s * mean) / (n - 1);
  if (!(v > 1e-300)) return Number.NEGATIVE_INFINITY;
  return mean / Math.sqrt(v);
}

export function pboFromBlocks(b: BlockSums): PboResult {
  const S = b.blocks;
  const N = b.strategies;
  const invalid = (): PboResult => ({
    pbo: Number.NaN,
    valid: false,
    blocks: S,
    combinations: 0,
    logits: new Float64Array(0),
    bestIs: new Int32Array(0),
    isSharpe: new Float64Array(0),
    oosSharpe: new Float64Array(0),
    probOosLoss: Number.NaN,
    degradationSlope: Number.NaN,
    degradationIntercept: Number.NaN,
  });
  if (!Number.isInteger(S) || S < 2 || S % 2 !== 0) throw new RangeError(`CSCV needs an even number of blocks ≥ 2 (got ${S})`);
  if (S > 24) throw new RangeError(`CSCV with ${S} blocks would need ${binomial(S, S / 2)} combinations; use ≤ 24`);
  if (N < 2) return invalid();
  for (let k = 0; k < S; k++) if (b.count[k] < 2) return invalid();
  const masks = subsetMasks(S, S / 2);
  const C = masks.length;
  const logits = new Float64Array(C);
  const bestIs = new Int32Array(C);
  const isSharpe = new Float64Array(C);
  const oosSharpe = new Float64Array(C);
  const oos = new Float64Array(N);
  let degraded = 0;
  let losses = 0;
  for (let c = 0; c < C; c++) {
    const mask = masks[c];
    let nIs = 0;
    let nOos = 0;
    for (let k = 0; k < S; k++) {
      if (mask & (1 << k)) nIs += b.count[k];
      else nOos += b.count[k];
    }
    let best = -1;
    let bestSr = Number.NEGATIVE_INFINITY;
    for (let n = 0; n < N; n++) {
      let si = 0;
      let qi = 0;
      let so = 0;
      let qo = 0;
      for (let k = 0; k < S; k++) {
        const at = k * N + n;
        if (mask & (1 << k)) {
          si += b.sum[at];
          qi += b.sumSq[at];
        } else {
          so += b.sum[at];
          qo += b.sumSq[at];
        }
      }
      const sr = sharpeFromSums(nIs, si, qi);
      if (sr > bestSr) {
        bestSr = sr;
        best = n;
      }
      oos[n] = sharpeFromSums(nOos, so, qo);
    }
    if (best < 0) best = 0;
    const target = oos[best];
    let less = 0;
    let equal = 0;
    for (let n = 0; n < N; n++) {
      if (oos[n] < target) less++;
      else if (oos[n] === target) equal++;
    }
    const rank = less + (equal + 1) / 2;
    const w = rank / (N + 1);
    const lam = Math.log(w / (1 - w));
    logits[c] = lam;
    bestIs[c] = best;
    isSharpe[c] = bestSr;
    oosSharpe[c] = target;
    if (lam <= 0) degraded++;
    if (target < 0) losses++;
  }
  const fit = ols(isSharpe, oosSharpe);
  return {
    pbo: degraded / C,
    valid: true,
    blocks: S,
    combinations: C,
    logits,
    bestIs,
    isSharpe,
    oosSharpe,
    probOosLoss: losses / C,
    degradationSlope: fit.slope,
    degradationIntercept: fit.intercept,
  };
}

/** CSCV on a row-major rows × strategies return matrix. */
export function probabilityOfBacktestOverfitting(matrix: Float64Array, rows: number, strategies: number, blocks = 16): PboResult {
  return pboFromBlocks(blockSums(matrix, rows, strategies, blocks));
}

function ols(x: Float64Array, y: Float64Array): { slope: number; intercept: number } {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    n++;
    sx += x[i];
    sy += y[i];
  }
  if (n < 2) return { slope: Number.NaN, intercept: Number.NaN };
  const mx = sx / n;
  const my = sy / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
  }
  const slope = sxx > 0 ? sxy / sxx : Number.NaN;
  return { slope, intercept: my - slope * mx };
}
