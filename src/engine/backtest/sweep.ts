/**
 * Vectorised dual-SMA parameter sweep: thousands of (fast, slow) combinations over one dense
 * close series, or an equal-weighted set of dense series on one calendar.
 *
 * Definition, per combination and ticker i (rows t = 0..T−1, closes C):
 *   a_t = C_t/C_{t−1} − 1;  s_t = 1 if SMA_fast(t) > SMA_slow(t) (both defined) else 0;
 *   w_t = s_{t−lag} (0 when t < lag) — the position held after the close of t. lag = 1 (the
 *   default) means a crossover seen at the close of t is traded at the close of t + 1,
 *   the simulator's `fill: 'close'` timing; lag = 0 is the classic vectorised convention.
 *   Portfolio weight per ticker is w/N. Returns for t = 1..T−1 (n = T − 1 rows):
 *   r_t = Σ_i (w_{i,t−1}·a_{i,t} − c·|w_{i,t} − w_{i,t−1}|)/N with c = costBps/1e4.
 * Metrics (contract E conventions, rf = 0): total_return = Π(1 + r) − 1;
 * sharpe = mean(r)/std(r, ddof 1)·√252 (NaN when std = 0, e.g. never invested);
 * max_drawdown = min_t E_t/max(1, E_1..E_t) − 1; turnover = Σ_t Σ_i |w_{i,t} − w_{i,t−1}|/N;
 * trades = number of entries (0 → 1 switches, summed over tickers).
 * SMAs come from one prefix sum per ticker (see sma.ts), computed once per distinct window and
 * shared by every combination; each combination is then one tight loop over the rows. The
 * mean/variance use running Σr and Σr² (daily returns have mean² ≪ variance, so this loses
 * ≲ 1e-12 relative). Work splits by combination index ranges, so a worker pool can share it:
 * every worker prepares the same series and evaluates its own [from, to).
 */
import { BacktestInputError } from './matrix';
import { prefixSums, smaFromPrefix } from './sma';
import type { BlockSums } from './validation/pbo';

export interface SmaGrid {
  fast: Int32Array;
  slow: Int32Array;
}

export interface WindowRange {
  from: number;
  to: number;
  step?: number;
}

function windowsOf(r: WindowRange, what: string): number[] {
  const step = r.step ?? 1;
  if (!Number.isInteger(r.from) || !Number.isInteger(r.to) || !Number.isInteger(step) || r.from < 1 || r.to < r.from || step < 1) {
    throw new BacktestInputError(`${what} windows must be integers with 1 ≤ from ≤ to and step ≥ 1`, what);
  }
  const out: number[] = [];
  for (let w = r.from; w <= r.to; w += step) out.push(w);
  return out;
}

/** Every (fast, slow) pair of the two ranges with fast < slow, fast-major. */
export function smaGrid(fast: WindowRange, slow: WindowRange): SmaGrid {
  const fs = windowsOf(fast, 'fast');
  const ss = windowsOf(slow, 'slow');
  const f: number[] = [];
  const s: number[] = [];
  for (const a of fs) {
    for (const b of ss) {
      if (a < b) {
        f.push(a);
        s.push(b);
      }
    }
  }
  if (f.length === 0) throw new BacktestInputError('the grid has no pair with fast < slow', 'grid');
  return { fast: Int32Array.from(f), slow: Int32Array.from(s) };
}

export interface PreparedSweep {
  rows: number;
  cols: number;
  /** a_t per row × col (row 0 is 0) */
  assetRet: Float64Array;
  windows: Int32Array;
  /** window → index into `sma` blocks (−1 if absent) */
  windowIndex: Int32Array;
  /** windows.length blocks of rows × cols SMAs, row-major inside a block */
  sma: Float64Array;
}

/**
 * Precomputes returns and every SMA the grid needs. `closes` is one dense series or several
 * dense series of equal length (one per ticker, same calendar); every value must be a
 * positive number.
 */
export function prepareSweep(closes: Float64Array | readonly Float64Array[], grid: SmaGrid): PreparedSweep {
  const series = closes instanceof Float64Array ? [closes] : closes;
  const cols = series.length;
  if (cols === 0) throw new BacktestInputError('no price series to sweep', 'closes');
  const rows = series[0].length;
  series.forEach((c, i) => {
    if (c.length !== rows) throw new BacktestInputError(`series ${i} has ${c.length} rows, series 0 has ${rows}`, 'closes');
    for (let t = 0; t < rows; t++) {
      if (!(c[t] > 0) || !Number.isFinite(c[t])) {
        throw new BacktestInputError(`series ${i} row ${t}: close ${c[t]} is not a positive number (the sweep needs dense prices)`, 'closes');
      }
    }
  });
  if (rows < 2) throw new BacktestInputError('the sweep needs at least 2 rows', 'closes');
  let maxW = 0;
  for (let k = 0; k < grid.fast.length; k++) maxW = Math.max(maxW, grid.fast[k], grid.slow[k]);
  const windowIndex = new Int32Array(maxW + 1).fill(-1);
  const list: number[] = [];
  for (let k = 0; k < grid.fast.length; k++) {
    for (const w of [grid.fast[k], grid.slow[k]]) {
      if (!Number.isInteger(w) || w < 1) throw new BacktestInputError(`grid window ${w} is not a positive integer`, 'grid');
      if (windowIndex[w] < 0) {
        windowIndex[w] = list.length;
        list.push(w);
      }
    }
  }
  const block = rows * cols;
  const sma = new Float64Array(list.length * block);
  const assetRet = new Float64Array(block);
  const tmp = new Float64Array(rows);
  for (let i = 0; i < cols; i++) {
    const c = series[i];
    for (let t = 1; t < rows; t++) assetRet[t * cols + i] = c[t] / c[t - 1] - 1;
    const cs = prefixSums(c);
    list.forEach((w, wi) => {
      smaFromPrefix(cs, w, tmp);
      const base = wi * block;
      if (cols === 1) sma.set(tmp, base);
      else for (let t = 0; t < rows; t++) sma[base + t * cols + i] = tmp[t];
    });
  }
  return { rows, cols, assetRet, windows: Int32Array.from(list), windowIndex, sma };
}

export interface SweepOptions {
  lag?: number;
  costBps?: number;
  /** accumulate per-block return sums for CSCV/PBO over this many blocks (0 = off) */
  pboBlocks?: number;
}

/** Metrics of combinations [from, to) — one entry per combination in each column. */
export interface SweepChunk {
  from: number;
  to: number;
  totalReturn: Float64Array;
  sharpe: Float64Array;
  maxDrawdown: Float64Array;
  turnover: Float64Array;
  trades: Int32Array;
  /** per-block sums of the chunk's combinations (strategies = to − from), when requested */
  blocks: BlockSums | null;
}

const SQRT_252 = Math.sqrt(252);

/** Evaluates combinations [from, to) of the grid. */
export function sweepChunk(p: PreparedSweep, grid: SmaGrid, from: number, to: number, opts: SweepOptions = {}): SweepChunk {
  const lag = opts.lag ?? 1;
  const cost = (opts.costBps ?? 0) / 1e4;
  const S = opts.pboBlocks ?? 0;
  if (!Number.isInteger(lag) || lag < 0) throw new BacktestInputError(`lag must be an integer ≥ 0 (got ${lag})`, 'lag');
  if (!(cost >= 0)) throw new BacktestInputError(`costBps must be ≥ 0 (got ${opts.costBps})`, 'costBps');
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > grid.fast.length || from > to) {
    throw new BacktestInputError(`combination range [${from}, ${to}) is outside [0, ${grid.fast.length})`, 'range');
  }
  const m = to - from;
  const out: SweepChunk = {
    from,
    to,
    totalReturn: new Float64Array(m),
    sharpe: new Float64Array(m),
    maxDrawdown: new Float64Array(m),
    turnover: new Float64Array(m),
    trades: new Int32Array(m),
    blocks: null,
  };
  const n = p.rows - 1;
  let blockSize = 0;
  if (S > 0) {
    if (!Number.isInteger(S) || S < 2) throw new BacktestInputError(`pboBlocks must be an integer ≥ 2 (got ${S})`, 'pboBlocks');
    blockSize = Math.floor(n / S);
    if (blockSize < 2) throw new BacktestInputError(`${n} returns are too few for ${S} PBO blocks`, 'pboBlocks');
    out.blocks = {
      blocks: S,
      strategies: m,
      count: new Int32Array(S).fill(blockSize),
      sum: new Float64Array(S * m),
      sumSq: new Float64Array(S * m),
    };
  }
  const block = p.rows * p.cols;
  const stats = new Float64Array(6);
  const wPrev = new Float64Array(p.cols);
  const blockSums = out.blocks;
  for (let c = from; c < to; c++) {
    const fi = p.windowIndex[grid.fast[c]];
    const si = p.windowIndex[grid.slow[c]];
    if (fi < 0 || si < 0) throw new BacktestInputError(`combination ${c} uses a window the sweep was not prepared for`, 'grid');
    const j = c - from;
    if (blockSums) {
      combineBlocks(p, fi * block, si * block, lag, cost, stats, wPrev, blockSums, j, blockSize);
    } else if (p.cols === 1) {
      combineSingle(p.assetRet, p.sma, fi * block, si * block, p.rows, lag, cost, Math.max(grid.slow[c] - 1 + lag, 1), stats);
    } else {
      combineMatrix(p, fi * block, si * block, lag, cost, stats, wPrev);
    }
    const [sum, sumSq, equity, minRatio, turnover, trades] = stats;
    const mean = sum / n;
    const v = (sumSq - sum * mean) / (n - 1);
    out.totalReturn[j] = equity - 1;
    out.sharpe[j] = v > 0 ? (mean / Math.sqrt(v)) * SQRT_252 : Number.NaN;
    out.maxDrawdown[j] = minRatio - 1;
    out.turnover[j] = turnover;
    out.trades[j] = trades;
  }
  return out;
}

/**
 * One combination on one series. Rows before `t0` (= slow − 1 + lag) hold no position and
 * contribute r = 0, so the loop starts there. stats ← [Σr, Σr², equity, min E/peak, turnover, trades].
 */
function combineSingle(
  a: Float64Array,
  sma: Float64Array,
  fo: number,
  so: number,
  rows: number,
  lag: number,
  cost: number,
  t0: number,
  stats: Float64Array,
): void {
  let sum = 0;
  let sumSq = 0;
  let e = 1;
  let peak = 1;
  let minRatio = 1;
  let turnover = 0;
  let trades = 0;
  const fOff = fo - lag;
  const sOff = so - lag;
  if (cost === 0) {
    // Alternate between a flat scan (find the next entry) and an invested run (compound
    // until the signal drops): two predictable loops instead of one branchy one.
    let t = t0;
    while (t < rows) {
      while (t < rows && !(sma[fOff + t] > sma[sOff + t])) t++;
      if (t >= rows) break;
      turnover++;
      trades++;
      t++;
      while (t < rows) {
        const r = a[t];
        sum += r;
        sumSq += r * r;
        e *= 1 + r;
        if (e > peak) peak = e;
        else if (e < peak * minRatio) minRatio = e / peak;
        const stay = sma[fOff + t] > sma[sOff + t];
        t++;
        if (!stay) {
          turnover++;
          break;
        }
      }
    }
  } else {
    // Same two phases; the entry costs c at the entry row, the exit c at the exit row.
    let t = t0;
    while (t < rows) {
      while (t < rows && !(sma[fOff + t] > sma[sOff + t])) t++;
      if (t >= rows) break;
      turnover++;
      trades++;
      {
        const r = -cost;
        sum += r;
        sumSq += r * r;
        e *= 1 + r;
        if (e < peak * minRatio) minRatio = e / peak;
      }
      t++;
      while (t < rows) {
        const stay = sma[fOff + t] > sma[sOff + t];
        const r = stay ? a[t] : a[t] - cost;
        sum += r;
        sumSq += r * r;
        e *= 1 + r;
        if (e > peak) peak = e;
        else if (e < peak * minRatio) minRatio = e / peak;
        t++;
        if (!stay) {
          turnover++;
          break;
        }
      }
    }
  }
  stats[0] = sum;
  stats[1] = sumSq;
  stats[2] = e;
  stats[3] = minRatio;
  stats[4] = turnover;
  stats[5] = trades;
}

/** Signal of ticker i at row t (0 before the lag reaches row 0). */
function signalAt(sma: Float64Array, fo: number, so: number, t: number, lag: number, cols: number, i: number): number {
  const u = t - lag;
  if (u < 0) return 0;
  const k = u * cols + i;
  return sma[fo + k] > sma[so + k] ? 1 : 0;
}

/** One combination on an equal-weighted set of series (general case, also used for PBO blocks). */
function stepRow(p: PreparedSweep, fo: number, so: number, t: number, lag: number, cost: number, wPrev: Float64Array, acc: Float64Array): number {
  const N = p.cols;
  let r = 0;
  let turn = 0;
  let entries = 0;
  for (let i = 0; i < N; i++) {
    const w = signalAt(p.sma, fo, so, t, lag, N, i);
    const d = w - wPrev[i];
    r += wPrev[i] * p.assetRet[t * N + i] - cost * Math.abs(d);
    if (d !== 0) {
      turn++;
      if (d > 0) entries++;
    }
    wPrev[i] = w;
  }
  acc[4] += turn / N;
  acc[5] += entries;
  return r / N;
}

function combineMatrix(p: PreparedSweep, fo: number, so: number, lag: number, cost: number, stats: Float64Array, wPrev: Float64Array): void {
  stats.fill(0);
  for (let i = 0; i < p.cols; i++) wPrev[i] = signalAt(p.sma, fo, so, 0, lag, p.cols, i);
  let e = 1;
  let peak = 1;
  let minRatio = 1;
  for (let t = 1; t < p.rows; t++) {
    const r = stepRow(p, fo, so, t, lag, cost, wPrev, stats);
    stats[0] += r;
    stats[1] += r * r;
    e *= 1 + r;
    if (e > peak) peak = e;
    else if (e < peak * minRatio) minRatio = e / peak;
  }
  stats[2] = e;
  stats[3] = minRatio;
}

function combineBlocks(
  p: PreparedSweep,
  fo: number,
  so: number,
  lag: number,
  cost: number,
  stats: Float64Array,
  wPrev: Float64Array,
  b: BlockSums,
  j: number,
  blockSize: number,
): void {
  stats.fill(0);
  for (let i = 0; i < p.cols; i++) wPrev[i] = signalAt(p.sma, fo, so, 0, lag, p.cols, i);
  let e = 1;
  let peak = 1;
  let minRatio = 1;
  const m = b.strategies;
  for (let t = 1; t < p.rows; t++) {
    const r = stepRow(p, fo, so, t, lag, cost, wPrev, stats);
    stats[0] += r;
    stats[1] += r * r;
    e *= 1 + r;
    if (e > peak) peak = e;
    else if (e < peak * minRatio) minRatio = e / peak;
    const blk = Math.floor((t - 1) / blockSize);
    if (blk < b.blocks) {
      b.sum[blk * m + j] += r;
      b.sumSq[blk * m + j] += r * r;
    }
  }
  stats[2] = e;
  stats[3] = minRatio;
}

export interface SweepResult {
  grid: SmaGrid;
  totalReturn: Float64Array;
  sharpe: Float64Array;
  maxDrawdown: Float64Array;
  turnover: Float64Array;
  trades: Int32Array;
  blocks: BlockSums | null;
}

/** Concatenates chunks covering [0, combos) in any order (e.g. from a worker pool). */
export function mergeSweepChunks(grid: SmaGrid, chunks: readonly SweepChunk[]): SweepResult {
  const n = grid.fast.length;
  const res: SweepResult = {
    grid,
    totalReturn: new Float64Array(n),
    sharpe: new Float64Array(n),
    maxDrawdown: new Float64Array(n),
    turnover: new Float64Array(n),
    trades: new Int32Array(n),
    blocks: null,
  };
  const covered = new Uint8Array(n);
  const withBlocks = chunks.length > 0 && chunks.every((c) => c.blocks !== null);
  if (withBlocks) {
    const S = chunks[0].blocks!.blocks;
    res.blocks = { blocks: S, strategies: n, count: chunks[0].blocks!.count.slice(), sum: new Float64Array(S * n), sumSq: new Float64Array(S * n) };
  }
  for (const c of chunks) {
    for (let k = c.from; k < c.to; k++) {
      if (covered[k]) throw new BacktestInputError(`combination ${k} is in two chunks`, 'chunks');
      covered[k] = 1;
    }
    res.totalReturn.set(c.totalReturn, c.from);
    res.sharpe.set(c.sharpe, c.from);
    res.maxDrawdown.set(c.maxDrawdown, c.from);
    res.turnover.set(c.turnover, c.from);
    res.trades.set(c.trades, c.from);
    if (res.blocks && c.blocks) {
      const m = c.to - c.from;
      for (let b = 0; b < res.blocks.blocks; b++) {
        res.blocks.sum.set(c.blocks.sum.subarray(b * m, (b + 1) * m), b * n + c.from);
        res.blocks.sumSq.set(c.blocks.sumSq.subarray(b * m, (b + 1) * m), b * n + c.from);
      }
    }
  }
  const missing = covered.indexOf(0);
  if (missing >= 0) throw new BacktestInputError(`combination ${missing} is in no chunk`, 'chunks');
  return res;
}

/** Splits [0, combos) into `parts` contiguous ranges of near-equal size. */
export function chunkRanges(combos: number, parts: number): Array<[number, number]> {
  const k = Math.max(1, Math.min(parts, combos));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < k; i++) out.push([Math.floor((i * combos) / k), Math.floor(((i + 1) * combos) / k)]);
  return out;
}

/** The whole sweep in one call. */
export function runSweep(closes: Float64Array | readonly Float64Array[], grid: SmaGrid, opts: SweepOptions = {}): SweepResult {
  const p = prepareSweep(closes, grid);
  return mergeSweepChunks(grid, [sweepChunk(p, grid, 0, grid.fast.length, opts)]);
}

/**
 * The daily return series r_1..r_{T−1} of one combination (the same definition as the
 * kernels), e.g. to compute the moments of the selected strategy for its deflated Sharpe.
 */
export function sweepReturns(p: PreparedSweep, grid: SmaGrid, combo: number, opts: SweepOptions = {}): Float64Array {
  const lag = opts.lag ?? 1;
  const cost = (opts.costBps ?? 0) / 1e4;
  const fi = p.windowIndex[grid.fast[combo]];
  const si = p.windowIndex[grid.slow[combo]];
  if (fi === undefined || si === undefined || fi < 0 || si < 0) {
    throw new BacktestInputError(`combination ${combo} uses a window the sweep was not prepared for`, 'grid');
  }
  const block = p.rows * p.cols;
  const wPrev = new Float64Array(p.cols);
  const acc = new Float64Array(6);
  for (let i = 0; i < p.cols; i++) wPrev[i] = signalAt(p.sma, fi * block, si * block, 0, lag, p.cols, i);
  const out = new Float64Array(p.rows - 1);
  for (let t = 1; t < p.rows; t++) out[t - 1] = stepRow(p, fi * block, si * block, t, lag, cost, wPrev, acc);
  return out;
}
