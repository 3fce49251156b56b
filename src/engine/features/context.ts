/**
 * Input of feature computations: the clean frame C of one ticker (and optionally of the
 * benchmark) plus memoised intermediate series, so features that share a window statistic
 * (mean/std of close over 20 rows, moments of log returns over 60, …) compute it once.
 * Intermediates are internal; features return their own arrays.
 */
import type { Bars } from '../contracts';
import { rollingCovVar, rollingMeanVar, rollingSkewKurt } from '../core/rolling';
import { innerJoinSorted } from './align';

export interface MeanStd {
  mean: Float64Array;
  std: Float64Array;
}

export interface Moments {
  std: Float64Array;
  skew: Float64Array;
  kurt: Float64Array;
}

export class FeatureContext {
  readonly length: number;
  private readonly memo = new Map<string, unknown>();

  constructor(
    readonly bars: Bars,
    readonly benchmark: Bars | null = null,
  ) {
    const n = bars.ts.length;
    for (const col of ['open', 'high', 'low', 'close', 'volume'] as const) {
      if (bars[col].length !== n) throw new Error(`bars.${col} has ${bars[col].length} rows, ts has ${n}`);
    }
    for (let t = 1; t < n; t++) {
      if (!(bars.ts[t] > bars.ts[t - 1])) {
        throw new Error(`bars.ts must be strictly ascending (clean frame); row ${t} is not after row ${t - 1}`);
      }
    }
    this.length = n;
  }

  /**
   * Memoises an intermediate under a key for the lifetime of this context. Callers must not
   * mutate or return the cached value itself (copy it).
   */
  shared<T>(key: string, build: () => T): T {
    const hit = this.memo.get(key);
    if (hit !== undefined) return hit as T;
    const v = build();
    this.memo.set(key, v);
    return v;
  }

  /** A fresh NaN-filled column of the frame's length. */
  column(): Float64Array {
    return new Float64Array(this.length).fill(Number.NaN);
  }

  /** `lr = np.log(c).diff()` — the difference of logs, exactly as pandas forms it. */
  logReturns(): Float64Array {
    return this.shared('lr', () => {
      const c = this.bars.close;
      const out = this.column();
      let prev = c.length > 0 ? Math.log(c[0]) : 0;
      for (let t = 1; t < c.length; t++) {
        const cur = Math.log(c[t]);
        out[t] = cur - prev;
        prev = cur;
      }
      return out;
    });
  }

  /** `c / c.shift(k) - 1` */
  simpleReturns(k: number): Float64Array {
    return this.shared(`ret${k}`, () => {
      const c = this.bars.close;
      const out = this.column();
      for (let t = k; t < c.length; t++) out[t] = c[t] / c[t - k] - 1;
      return out;
    });
  }

  /** Rolling mean and sample std of close over n rows. */
  closeMeanStd(n: number): MeanStd {
    return this.shared(`cms${n}`, () => meanStd(this.bars.close, n));
  }

  /** Rolling mean of close over n rows. */
  closeMean(n: number): Float64Array {
    return this.shared(`cm${n}`, () => {
      const m = new Float64Array(this.length);
      rollingMeanVar(this.bars.close, n, m, null);
      return m;
    });
  }

  volumeMeanStd(n: number): MeanStd {
    return this.shared(`vms${n}`, () => meanStd(this.bars.volume, n));
  }

  /** Rolling sample std of log returns over n rows. */
  logReturnStd(n: number): Float64Array {
    return this.shared(`lrs${n}`, () => {
      const v = new Float64Array(this.length);
      rollingMeanVar(this.logReturns(), n, null, v);
      for (let i = 0; i < v.length; i++) v[i] = Math.sqrt(v[i]);
      return v;
    });
  }

  /** Sample std, skew and kurtosis of log returns over the same n-row windows. */
  logReturnMoments(n: number): Moments {
    return this.shared(`lrm${n}`, () => {
      const lr = this.logReturns();
      const std = new Float64Array(this.length);
      const skew = new Float64Array(this.length);
      const kurt = new Float64Array(this.length);
      rollingSkewKurt(lr, n, skew, kurt, std);
      return { std, skew, kurt };
    });
  }

  /**
   * Rolling beta of simple returns on the inner join with the benchmark, mapped back to this
   * frame's rows (NaN where the date is not in the join, all NaN without a benchmark).
   */
  beta(n: number): Float64Array {
    return this.shared(`beta${n}`, () => {
      const out = this.column();
      const bm = this.benchmark;
      if (!bm) return out;
      const { left, right } = innerJoinSorted(this.bars.ts, bm.ts);
      const m = left.length;
      const ra = new Float64Array(m).fill(Number.NaN);
      const rb = new Float64Array(m).fill(Number.NaN);
      const c = this.bars.close;
      const b = bm.close;
      for (let k = 1; k < m; k++) {
        ra[k] = c[left[k]] / c[left[k - 1]] - 1;
        rb[k] = b[right[k]] / b[right[k - 1]] - 1;
      }
      const cov = new Float64Array(m);
      const varB = new Float64Array(m);
      rollingCovVar(ra, rb, n, cov, varB);
      for (let k = 0; k < m; k++) out[left[k]] = varB[k] === 0 ? Number.NaN : cov[k] / varB[k];
      return out;
    });
  }
}

function meanStd(x: Float64Array, n: number): MeanStd {
  const mean = new Float64Array(x.length);
  const std = new Float64Array(x.length);
  rollingMeanVar(x, n, mean, std);
  for (let i = 0; i < std.length; i++) std[i] = Math.sqrt(std[i]);
  return { mean, std };
}
