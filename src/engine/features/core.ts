/**
 * The 24 core daily features of contract B, in contract order. Each definition mirrors the
 * pandas expression in the contract; comments note where evaluation order matters for bits.
 */
import { rollingMax, rollingMean } from '../core/rolling';
import { ewmMean, sanitizeInPlace } from '../core/stats';
import type { FeatureContext } from './context';
import type { FeatureDef } from './types';

const SQRT_252 = Math.sqrt(252);
const FOUR_LN2 = 4 * Math.log(2);

/** Std denominators at or below this fraction of the window mean are treated as zero. */
const STD_FLOOR_REL = 1e-12;

/** out[t] = a[t] / b[t] − 1 (NaN/±inf → NaN). */
function ratioMinusOne(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let t = 0; t < out.length; t++) out[t] = a[t] / b[t] - 1;
  return sanitizeInPlace(out);
}

/** out[t] = x[t] · k (NaN/±inf → NaN). */
function scaled(x: Float64Array, k: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let t = 0; t < out.length; t++) out[t] = x[t] * k;
  return sanitizeInPlace(out);
}

function ret(k: number) {
  return (ctx: FeatureContext) => sanitizeInPlace(ctx.simpleReturns(k).slice());
}

/** True range: max(h−l, |h−c₋₁|, |l−c₋₁|), row 0: h−l. */
function trueRange(ctx: FeatureContext): Float64Array {
  const { high: h, low: l, close: c } = ctx.bars;
  const tr = new Float64Array(ctx.length);
  if (tr.length > 0) tr[0] = h[0] - l[0];
  for (let t = 1; t < tr.length; t++) {
    const pc = c[t - 1];
    tr[t] = Math.max(h[t] - l[t], Math.abs(h[t] - pc), Math.abs(l[t] - pc));
  }
  return tr;
}

/** Shared (do not mutate). */
function atr14(ctx: FeatureContext): Float64Array {
  return ctx.shared('atr14', () => ewmMean(trueRange(ctx), { alpha: 1 / 14, minPeriods: 14 }));
}

/** Shared (do not mutate). */
function macdLine(ctx: FeatureContext): Float64Array {
  return ctx.shared('macd', () => {
    const c = ctx.bars.close;
    const fast = ewmMean(c, { span: 12, minPeriods: 12 });
    const slow = ewmMean(c, { span: 26, minPeriods: 26 });
    for (let t = 0; t < fast.length; t++) fast[t] -= slow[t];
    return fast;
  });
}

/** Shared (do not mutate). */
function macdSignal(ctx: FeatureContext): Float64Array {
  return ctx.shared('macd_signal', () => ewmMean(macdLine(ctx), { span: 9, minPeriods: 9 }));
}

/** True where the window std is too small (relative to the window mean) to divide by. */
function degenerate(m: number, s: number): boolean {
  return !(s > STD_FLOOR_REL * Math.abs(m));
}

/** (x − m) / s, NaN where the std is degenerate. */
function zScore(x: Float64Array, mean: Float64Array, std: Float64Array): Float64Array {
  const out = new Float64Array(x.length);
  for (let t = 0; t < out.length; t++) {
    const m = mean[t];
    const s = std[t];
    out[t] = degenerate(m, s) ? Number.NaN : (x[t] - m) / s;
  }
  return sanitizeInPlace(out);
}

export const CORE_FEATURES: readonly FeatureDef[] = [
  {
    name: 'ret_1',
    family: 'returns',
    warmup: 1,
    needs: [],
    core: true,
    description: 'c / c.shift(1) − 1',
    compute: ret(1),
  },
  {
    name: 'ret_5',
    family: 'returns',
    warmup: 5,
    needs: [],
    core: true,
    description: 'c / c.shift(5) − 1',
    compute: ret(5),
  },
  {
    name: 'ret_20',
    family: 'returns',
    warmup: 20,
    needs: [],
    core: true,
    description: 'c / c.shift(20) − 1',
    compute: ret(20),
  },
  {
    name: 'logret_1',
    family: 'returns',
    warmup: 1,
    needs: [],
    core: true,
    description: 'log(c).diff()',
    compute: (ctx) => sanitizeInPlace(ctx.logReturns().slice()),
  },
  {
    name: 'gap_1',
    family: 'returns',
    warmup: 1,
    needs: [],
    core: true,
    description: 'o / c.shift(1) − 1 (overnight gap)',
    compute: (ctx) => {
      const { open: o, close: c } = ctx.bars;
      const out = new Float64Array(ctx.length);
      if (out.length > 0) out[0] = Number.NaN;
      for (let t = 1; t < out.length; t++) out[t] = o[t] / c[t - 1] - 1;
      return sanitizeInPlace(out);
    },
  },
  {
    name: 'vol_20',
    family: 'volatility',
    warmup: 20,
    needs: [],
    core: true,
    description: 'std of log returns over 20 rows × √252',
    compute: (ctx) => {
      return scaled(ctx.logReturnStd(20), SQRT_252);
    },
  },
  {
    name: 'vol_60',
    family: 'volatility',
    warmup: 60,
    needs: [],
    core: true,
    description: 'std of log returns over 60 rows × √252',
    compute: (ctx) => {
      return scaled(ctx.logReturnMoments(60).std, SQRT_252);
    },
  },
  {
    name: 'parkinson_vol_20',
    family: 'volatility',
    warmup: 19,
    needs: [],
    core: true,
    description: '√(252 · mean₂₀(ln(h/l)²) / (4 ln 2))',
    compute: (ctx) => {
      const { high: h, low: l } = ctx.bars;
      const sq = new Float64Array(ctx.length);
      for (let t = 0; t < sq.length; t++) {
        // Close-only bars (h = l) are common; ln(1) is exactly 0, so skipping the log changes no bits.
        const r = h[t] === l[t] ? 0 : Math.log(h[t] / l[t]);
        sq[t] = r * r;
      }
      const m = rollingMean(sanitizeInPlace(sq), 20);
      for (let t = 0; t < m.length; t++) m[t] = Math.sqrt((252 * m[t]) / FOUR_LN2);
      return sanitizeInPlace(m);
    },
  },
  {
    name: 'atr_14',
    family: 'volatility',
    warmup: 13,
    needs: [],
    core: true,
    description: "Wilder ATR: ewm(alpha=1/14, adjust=False) of the true range",
    compute: (ctx) => sanitizeInPlace(atr14(ctx).slice()),
  },
  {
    name: 'natr_14',
    family: 'volatility',
    warmup: 13,
    needs: [],
    core: true,
    description: 'atr_14 / c',
    compute: (ctx) => {
      const a = atr14(ctx);
      const c = ctx.bars.close;
      const out = new Float64Array(ctx.length);
      for (let t = 0; t < out.length; t++) out[t] = a[t] / c[t];
      return sanitizeInPlace(out);
    },
  },
  {
    name: 'rsi_14',
    family: 'momentum',
    warmup: 14,
    needs: [],
    core: true,
    description: 'Wilder RSI: 100·ag/(ag+al) with ewm(alpha=1/14) gains and losses',
    compute: (ctx) => {
      const c = ctx.bars.close;
      const up = new Float64Array(ctx.length).fill(Number.NaN);
      const dn = new Float64Array(ctx.length).fill(Number.NaN);
      for (let t = 1; t < c.length; t++) {
        const d = c[t] - c[t - 1];
        // clip(lower=0) keeps NaN as NaN (Math.max propagates it).
        up[t] = Math.max(d, 0);
        dn[t] = Math.max(-d, 0);
      }
      const ag = ewmMean(up, { alpha: 1 / 14, minPeriods: 14 });
      const al = ewmMean(dn, { alpha: 1 / 14, minPeriods: 14 });
      for (let t = 0; t < ag.length; t++) {
        const s = ag[t] + al[t];
        ag[t] = s === 0 ? Number.NaN : (100 * ag[t]) / s;
      }
      return sanitizeInPlace(ag);
    },
  },
  {
    name: 'macd',
    family: 'momentum',
    warmup: 25,
    needs: [],
    core: true,
    description: 'ewm(span=12) − ewm(span=26) of close',
    compute: (ctx) => sanitizeInPlace(macdLine(ctx).slice()),
  },
  {
    name: 'macd_signal',
    family: 'momentum',
    warmup: 33,
    needs: [],
    core: true,
    description: 'ewm(span=9) of macd',
    compute: (ctx) => sanitizeInPlace(macdSignal(ctx).slice()),
  },
  {
    name: 'macd_hist',
    family: 'momentum',
    warmup: 33,
    needs: [],
    core: true,
    description: 'macd − macd_signal',
    compute: (ctx) => {
      const m = macdLine(ctx);
      const s = macdSignal(ctx);
      const out = new Float64Array(ctx.length);
      for (let t = 0; t < out.length; t++) out[t] = m[t] - s[t];
      return sanitizeInPlace(out);
    },
  },
  {
    name: 'bb_pctb_20',
    family: 'mean_reversion',
    warmup: 19,
    needs: [],
    core: true,
    description: 'Bollinger %b: (c − (m − 2s)) / (4s) over 20 rows',
    compute: (ctx) => {
      const { mean, std } = ctx.closeMeanStd(20);
      const c = ctx.bars.close;
      const out = new Float64Array(ctx.length);
      for (let t = 0; t < out.length; t++) {
        const m = mean[t];
        const s = std[t];
        out[t] = degenerate(m, s) ? Number.NaN : (c[t] - (m - 2 * s)) / (4 * s);
      }
      return sanitizeInPlace(out);
    },
  },
  {
    name: 'zscore_20',
    family: 'mean_reversion',
    warmup: 19,
    needs: [],
    core: true,
    description: '(c − m) / s over 20 rows',
    compute: (ctx) => {
      const { mean, std } = ctx.closeMeanStd(20);
      return zScore(ctx.bars.close, mean, std);
    },
  },
  {
    name: 'volume_z_20',
    family: 'liquidity',
    warmup: 19,
    needs: [],
    core: true,
    description: 'z-score of volume over 20 rows',
    compute: (ctx) => {
      const { mean, std } = ctx.volumeMeanStd(20);
      return zScore(ctx.bars.volume, mean, std);
    },
  },
  {
    name: 'dist_sma_50',
    family: 'trend',
    warmup: 49,
    needs: [],
    core: true,
    description: 'c / sma₅₀ − 1',
    compute: (ctx) => {
      return ratioMinusOne(ctx.bars.close, ctx.closeMean(50));
    },
  },
  {
    name: 'dist_sma_200',
    family: 'trend',
    warmup: 199,
    needs: [],
    core: true,
    description: 'c / sma₂₀₀ − 1',
    compute: (ctx) => {
      return ratioMinusOne(ctx.bars.close, ctx.closeMean(200));
    },
  },
  {
    name: 'drawdown_252',
    family: 'risk',
    warmup: 251,
    needs: [],
    core: true,
    description: 'c / max₂₅₂(c) − 1',
    compute: (ctx) => {
      const c = ctx.bars.close;
      return ratioMinusOne(c, rollingMax(c, 252));
    },
  },
  {
    name: 'skew_60',
    family: 'distribution',
    warmup: 60,
    needs: [],
    core: true,
    description: 'bias-corrected skewness of log returns over 60 rows',
    compute: (ctx) => sanitizeInPlace(ctx.logReturnMoments(60).skew.slice()),
  },
  {
    name: 'kurt_60',
    family: 'distribution',
    warmup: 60,
    needs: [],
    core: true,
    description: 'bias-corrected excess kurtosis of log returns over 60 rows',
    compute: (ctx) => sanitizeInPlace(ctx.logReturnMoments(60).kurt.slice()),
  },
  {
    name: 'amihud_20',
    family: 'liquidity',
    warmup: 20,
    needs: [],
    core: true,
    description: 'mean₂₀(|ret_1| / (c·v)) × 1e6 (Amihud illiquidity)',
    compute: (ctx) => {
      const r = ctx.simpleReturns(1);
      const { close: c, volume: v } = ctx.bars;
      const ia = new Float64Array(ctx.length);
      for (let t = 0; t < ia.length; t++) {
        const dv = c[t] * v[t];
        ia[t] = dv === 0 ? Number.NaN : Math.abs(r[t]) / dv;
      }
      const m = rollingMean(sanitizeInPlace(ia), 20);
      for (let t = 0; t < m.length; t++) m[t] *= 1e6;
      return sanitizeInPlace(m);
    },
  },
  {
    name: 'beta_60',
    family: 'risk',
    warmup: 60,
    needs: ['benchmark'],
    core: true,
    description: 'cov₆₀(ra, rb) / var₆₀(rb) on dates shared with the benchmark',
    compute: (ctx) => sanitizeInPlace(ctx.beta(60).slice()),
  },
];
