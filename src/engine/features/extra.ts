/**
 * Non-core feature families from engine-research §2 (raw OHLCV §2.4, technical indicators
 * §2.3, HAR volatility §2.5), under the names the original pipeline used. They follow the
 * research spec's formulas with the contract's general rules (section 0: rolling windows need
 * every value present, ddof = 1, ±inf and division by exactly 0 → NaN). Unlike the core set
 * they are not checked against an external reference; their tests are hand-computed values
 * and the causal/determinism/warm-up properties.
 */
import { rollingCovVar, rollingMax, rollingMean, rollingMeanVar, rollingMin, rollingSum } from '../core/rolling';
import { ewmMean, sanitizeInPlace } from '../core/stats';
import type { FeatureContext } from './context';
import type { FeatureDef, FeatureFamily } from './types';

const SQRT_252 = Math.sqrt(252);
const LN2 = Math.log(2);

function def(
  name: string,
  family: FeatureFamily,
  warmup: number,
  description: string,
  compute: (ctx: FeatureContext) => Float64Array,
): FeatureDef {
  return { name, family, warmup, needs: [], core: false, description, compute };
}

/** scale·(a/b − shift) elementwise; ±inf → NaN and `a / 0` is NaN by the contract's rule. */
function divide(a: Float64Array, b: Float64Array, scale = 1, shift = 0): Float64Array {
  const out = new Float64Array(a.length);
  for (let t = 0; t < out.length; t++) out[t] = b[t] === 0 ? Number.NaN : scale * (a[t] / b[t] - shift);
  return sanitizeInPlace(out);
}

/** Sample std of simple 1-row returns over n rows (shared). */
function retStd(ctx: FeatureContext, n: number): Float64Array {
  return ctx.shared(`retstd${n}`, () => {
    const v = new Float64Array(ctx.length);
    rollingMeanVar(ctx.simpleReturns(1), n, null, v);
    for (let t = 0; t < v.length; t++) v[t] = Math.sqrt(v[t]);
    return v;
  });
}

/** Rolling min of low / max of high over n rows (shared). */
function lowMin(ctx: FeatureContext, n: number): Float64Array {
  return ctx.shared(`lmin${n}`, () => rollingMin(ctx.bars.low, n));
}
function highMax(ctx: FeatureContext, n: number): Float64Array {
  return ctx.shared(`hmax${n}`, () => rollingMax(ctx.bars.high, n));
}

/** Typical price (h + l + c) / 3 (shared). */
function typical(ctx: FeatureContext): Float64Array {
  return ctx.shared('tp', () => {
    const { high: h, low: l, close: c } = ctx.bars;
    const tp = new Float64Array(ctx.length);
    for (let t = 0; t < tp.length; t++) tp[t] = (h[t] + l[t] + c[t]) / 3;
    return tp;
  });
}

function pctChange(x: Float64Array, k: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  for (let t = k; t < x.length; t++) out[t] = x[t - k] === 0 ? Number.NaN : x[t] / x[t - k] - 1;
  return sanitizeInPlace(out);
}

function returns(k: number): FeatureDef {
  return def(`return_${k}d`, 'returns', k, `c.pct_change(${k})`, (ctx) => sanitizeInPlace(ctx.simpleReturns(k).slice()));
}

function returnVol(n: number): FeatureDef {
  return def(`return_vol_${n}d`, 'volatility', n, `std_${n}(ret)`, (ctx) => retStd(ctx, n).slice());
}

function priceInRange(n: number): FeatureDef {
  return def(`price_in_range_${n}d`, 'mean_reversion', n - 1, `(c − min_${n} l) / (max_${n} h − min_${n} l + 1e-10)`, (ctx) => {
    const lo = lowMin(ctx, n);
    const hi = highMax(ctx, n);
    const c = ctx.bars.close;
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) out[t] = (c[t] - lo[t]) / (hi[t] - lo[t] + 1e-10);
    return sanitizeInPlace(out);
  });
}

function roc(n: number): FeatureDef {
  return def(`ROC_${n}`, 'momentum', n, `100·(c / c₋${n} − 1)`, (ctx) => {
    const r = ctx.simpleReturns(n);
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) out[t] = 100 * r[t];
    return sanitizeInPlace(out);
  });
}

/** Simple-mean RSI (research §2.3: not Wilder); NaN when the mean loss is 0. */
function rsiSimple(n: number): FeatureDef {
  return def(`RSI_${n}`, 'momentum', n, `100 − 100/(1 + mean_${n}(gain)/mean_${n}(loss))`, (ctx) => {
    const c = ctx.bars.close;
    const up = new Float64Array(ctx.length).fill(Number.NaN);
    const dn = new Float64Array(ctx.length).fill(Number.NaN);
    for (let t = 1; t < c.length; t++) {
      const d = c[t] - c[t - 1];
      up[t] = Math.max(d, 0);
      dn[t] = Math.max(-d, 0);
    }
    const g = rollingMean(up, n);
    const l = rollingMean(dn, n);
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) out[t] = l[t] === 0 ? Number.NaN : 100 - 100 / (1 + g[t] / l[t]);
    return sanitizeInPlace(out);
  });
}

function stoch(ctx: FeatureContext): Float64Array {
  return ctx.shared('stoch14', () => {
    const lo = lowMin(ctx, 14);
    const hi = highMax(ctx, 14);
    const c = ctx.bars.close;
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) {
      const range = hi[t] - lo[t];
      out[t] = range === 0 ? Number.NaN : (100 * (c[t] - lo[t])) / range;
    }
    return sanitizeInPlace(out);
  });
}

/** Mean absolute deviation from the window mean, O(n·W). */
function rollingMad(x: Float64Array, n: number, mean: Float64Array): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  for (let t = n - 1; t < x.length; t++) {
    const m = mean[t];
    if (Number.isNaN(m)) continue;
    let s = 0;
    for (let i = t - n + 1; i <= t; i++) s += Math.abs(x[i] - m);
    out[t] = s / n;
  }
  return out;
}

function adx(ctx: FeatureContext): Float64Array {
  return ctx.shared('adx14', () => {
    const { high: h, low: l, close: c } = ctx.bars;
    const n = ctx.length;
    const plus = new Float64Array(n).fill(Number.NaN);
    const minus = new Float64Array(n).fill(Number.NaN);
    const tr = new Float64Array(n).fill(Number.NaN);
    for (let t = 1; t < n; t++) {
      const up = h[t] - h[t - 1];
      const down = l[t - 1] - l[t];
      // +DM is decided first, so a tie up = down > 0 ends up as −DM (research §2.3).
      plus[t] = up > down && up > 0 ? up : 0;
      minus[t] = down > up && down > 0 ? down : 0;
      if (up === down && up > 0) minus[t] = down;
      tr[t] = Math.max(h[t] - l[t], Math.abs(h[t] - c[t - 1]), Math.abs(l[t] - c[t - 1]));
    }
    const mp = rollingMean(plus, 14);
    const mm = rollingMean(minus, 14);
    const mt = rollingMean(tr, 14);
    const dx = new Float64Array(n);
    for (let t = 0; t < n; t++) {
      const dip = mt[t] === 0 ? Number.NaN : (100 * mp[t]) / mt[t];
      const dim = mt[t] === 0 ? Number.NaN : (100 * mm[t]) / mt[t];
      const s = dip + dim;
      dx[t] = s === 0 ? Number.NaN : (100 * Math.abs(dip - dim)) / s;
    }
    return sanitizeInPlace(rollingMean(sanitizeInPlace(dx), 14));
  });
}

function har(ctx: FeatureContext): { d: Float64Array; w: Float64Array; m: Float64Array } {
  return { d: retStd(ctx, 5), w: retStd(ctx, 21), m: retStd(ctx, 22) };
}

export const EXTRA_FEATURES: readonly FeatureDef[] = [
  // §2.4 raw OHLCV
  returns(2),
  returns(3),
  returns(10),
  def('intraday_range', 'volatility', 0, '(h − l) / c', (ctx) => {
    const { high: h, low: l, close: c } = ctx.bars;
    const num = new Float64Array(ctx.length);
    for (let t = 0; t < num.length; t++) num[t] = h[t] - l[t];
    return divide(num, c);
  }),
  def('log_volume', 'liquidity', 0, 'ln(1 + v)', (ctx) => sanitizeInPlace(ctx.bars.volume.map((v) => Math.log1p(v)))),
  def('dollar_volume', 'liquidity', 0, 'ln(1 + c·v)', (ctx) => {
    const { close: c, volume: v } = ctx.bars;
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) out[t] = Math.log1p(c[t] * v[t]);
    return sanitizeInPlace(out);
  }),
  def('volume_change', 'liquidity', 1, 'v.pct_change() (NaN after a zero-volume bar)', (ctx) => pctChange(ctx.bars.volume, 1)),
  returnVol(5),
  returnVol(20),
  returnVol(60),
  priceInRange(20),
  priceInRange(60),
  // §2.3 technical indicators
  def('HV_20', 'volatility', 20, '100·√252·std_20(ret)', (ctx) => sanitizeInPlace(retStd(ctx, 20).map((s) => 100 * SQRT_252 * s))),
  def('GKVol_20', 'volatility', 19, 'Garman–Klass: 100·√(252·max(0, mean_20(½ln(h/l)² − (2ln2−1)ln(c/o)²)))', (ctx) => {
    const { open: o, high: h, low: l, close: c } = ctx.bars;
    const x = new Float64Array(ctx.length);
    for (let t = 0; t < x.length; t++) {
      const hl = Math.log(h[t] / l[t]);
      const co = Math.log(c[t] / o[t]);
      x[t] = 0.5 * hl * hl - (2 * LN2 - 1) * co * co;
    }
    const m = rollingMean(sanitizeInPlace(x), 20);
    for (let t = 0; t < m.length; t++) m[t] = 100 * Math.sqrt(252 * Math.max(0, m[t]));
    return sanitizeInPlace(m);
  }),
  def('BBWidth_20', 'volatility', 19, '100·4·std_20(c) / mean_20(c)', (ctx) => {
    const { mean, std } = ctx.closeMeanStd(20);
    return divide(std.map((s) => 4 * s), mean, 100);
  }),
  def('VolTS_10_60', 'volatility', 60, 'std_10(ret) / std_60(ret)', (ctx) => divide(retStd(ctx, 10), retStd(ctx, 60))),
  def('RV_daily', 'volatility', 5, 'HAR: std_5(ret)', (ctx) => har(ctx).d.slice()),
  def('RV_weekly', 'volatility', 21, 'HAR: std_21(ret) (21 rows, as the original)', (ctx) => har(ctx).w.slice()),
  def('RV_monthly', 'volatility', 22, 'HAR: std_22(ret)', (ctx) => har(ctx).m.slice()),
  def('HAR_composite', 'volatility', 22, '0.5·RV_daily + 0.3·RV_weekly + 0.2·RV_monthly', (ctx) => {
    const { d, w, m } = har(ctx);
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) out[t] = 0.5 * d[t] + 0.3 * w[t] + 0.2 * m[t];
    return sanitizeInPlace(out);
  }),
  def('HAR_ratio_dw', 'volatility', 21, 'RV_daily / RV_weekly', (ctx) => divide(har(ctx).d, har(ctx).w)),
  def('HAR_ratio_wm', 'volatility', 22, 'RV_weekly / RV_monthly', (ctx) => divide(har(ctx).w, har(ctx).m)),
  roc(10),
  roc(20),
  roc(50),
  rsiSimple(5),
  def('Stoch_14', 'momentum', 13, '100·(c − min_14 l) / (max_14 h − min_14 l)', (ctx) => stoch(ctx).slice()),
  def('StochD_14_3', 'momentum', 15, 'mean_3(Stoch_14)', (ctx) => rollingMean(stoch(ctx), 3)),
  def('WillR_14', 'momentum', 13, '−100·(max_14 h − c) / (max_14 h − min_14 l)', (ctx) => {
    const lo = lowMin(ctx, 14);
    const hi = highMax(ctx, 14);
    const c = ctx.bars.close;
    const num = new Float64Array(ctx.length);
    const den = new Float64Array(ctx.length);
    for (let t = 0; t < num.length; t++) {
      num[t] = hi[t] - c[t];
      den[t] = hi[t] - lo[t];
    }
    return divide(num, den, -100);
  }),
  def('CCI_20', 'mean_reversion', 19, '(tp − mean_20 tp) / (0.015·MAD_20(tp))', (ctx) => {
    const tp = typical(ctx);
    const m = rollingMean(tp, 20);
    const mad = rollingMad(tp, 20, m);
    const num = new Float64Array(ctx.length);
    for (let t = 0; t < num.length; t++) num[t] = tp[t] - m[t];
    return divide(num, mad.map((v) => 0.015 * v));
  }),
  def('ADX_14', 'trend', 27, 'simple-mean ADX over 14 rows', (ctx) => adx(ctx).slice()),
  def('PriceVsSMA_20', 'trend', 19, '100·(c / sma_20 − 1)', (ctx) => divide(ctx.bars.close, ctx.closeMean(20), 100, 1)),
  def('SMASlope_50_5', 'trend', 54, '100·(sma_50 / sma_50[−5] − 1)', (ctx) => {
    const m = ctx.closeMean(50);
    return sanitizeInPlace(pctChange(m, 5).map((v) => 100 * v));
  }),
  def('EMAAlign_8_21_50', 'trend', 0, 'sign(e8 − e21) + sign(e21 − e50) + sign(c − e8)', (ctx) => {
    const c = ctx.bars.close;
    const e8 = ewmMean(c, { span: 8 });
    const e21 = ewmMean(c, { span: 21 });
    const e50 = ewmMean(c, { span: 50 });
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) out[t] = Math.sign(e8[t] - e21[t]) + Math.sign(e21[t] - e50[t]) + Math.sign(c[t] - e8[t]);
    return sanitizeInPlace(out);
  }),
  def('ZScore_50', 'mean_reversion', 49, '(c − mean_50 c) / std_50 c', (ctx) => {
    const { mean, std } = ctx.closeMeanStd(50);
    const c = ctx.bars.close;
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) {
      out[t] = std[t] > 1e-12 * Math.abs(mean[t]) ? (c[t] - mean[t]) / std[t] : Number.NaN;
    }
    return sanitizeInPlace(out);
  }),
  def('DistHigh_252', 'risk', 251, '100·(c / max_252 h − 1)', (ctx) => divide(ctx.bars.close, highMax(ctx, 252), 100, 1)),
  def('DistLow_252', 'risk', 251, '100·(c / min_252 l − 1)', (ctx) => divide(ctx.bars.close, lowMin(ctx, 252), 100, 1)),
  def('AutoCorr_20_1', 'mean_reversion', 20, 'lag-1 autocorrelation of the last 20 returns (0 if degenerate)', (ctx) => {
    const r = ctx.simpleReturns(1);
    const lag = new Float64Array(ctx.length).fill(Number.NaN);
    if (ctx.length > 1) lag.set(r.subarray(0, ctx.length - 1), 1);
    // 19 pairs (r_j, r_{j−1}) inside the last 20 returns.
    const cov = new Float64Array(ctx.length);
    const varLag = new Float64Array(ctx.length);
    const varCur = new Float64Array(ctx.length);
    rollingCovVar(r, lag, 19, cov, varLag);
    rollingCovVar(lag, r, 19, null, varCur);
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) {
      const den = Math.sqrt(varLag[t] * varCur[t]);
      out[t] = Number.isNaN(den) ? Number.NaN : den <= 1e-12 ? 0 : cov[t] / den;
    }
    return sanitizeInPlace(out);
  }),
  def('VarRatio_100_5', 'mean_reversion', 104, 'var_100(5-row returns) / (5·var_100(ret))', (ctx) => {
    const v5 = new Float64Array(ctx.length);
    const v1 = new Float64Array(ctx.length);
    rollingMeanVar(ctx.simpleReturns(5), 100, null, v5);
    rollingMeanVar(ctx.simpleReturns(1), 100, null, v1);
    return divide(v5, v1.map((v) => 5 * v));
  }),
  def('VolRatio_20', 'liquidity', 19, 'v / mean_20(v)', (ctx) => divide(ctx.bars.volume, ctx.volumeMeanStd(20).mean)),
  def('OBV', 'liquidity', 0, 'cumsum(v·sign(c − c₋₁)), first bar 0', (ctx) => {
    const { close: c, volume: v } = ctx.bars;
    const out = new Float64Array(ctx.length);
    let s = 0;
    for (let t = 1; t < out.length; t++) {
      s += v[t] * Math.sign(c[t] - c[t - 1]);
      out[t] = s;
    }
    return sanitizeInPlace(out);
  }),
  def('MFI_14', 'liquidity', 14, '100 − 100/(1 + Σ_14 MF⁺ / Σ_14 MF⁻), MF = tp·v', (ctx) => {
    const tp = typical(ctx);
    const v = ctx.bars.volume;
    const pos = new Float64Array(ctx.length).fill(Number.NaN);
    const neg = new Float64Array(ctx.length).fill(Number.NaN);
    for (let t = 1; t < tp.length; t++) {
      const mf = tp[t] * v[t];
      pos[t] = tp[t] > tp[t - 1] ? mf : 0;
      neg[t] = tp[t] < tp[t - 1] ? mf : 0;
    }
    const sp = rollingSum(pos, 14);
    const sn = rollingSum(neg, 14);
    const out = new Float64Array(ctx.length);
    for (let t = 0; t < out.length; t++) out[t] = sn[t] === 0 ? Number.NaN : 100 - 100 / (1 + sp[t] / sn[t]);
    return sanitizeInPlace(out);
  }),
  def('VWAP_20', 'liquidity', 19, 'Σ_20(tp·v) / Σ_20 v', (ctx) => vwap20(ctx).slice()),
  def('PriceVsVWAP_20', 'mean_reversion', 19, '100·(c / VWAP_20 − 1)', (ctx) => divide(ctx.bars.close, vwap20(ctx), 100, 1)),
  def('Kalman_0p01_1p0', 'trend', 0, 'scalar random-walk Kalman filter of c (Q = 0.01, R = 1)', (ctx) => {
    const c = ctx.bars.close;
    const out = new Float64Array(ctx.length);
    if (out.length === 0) return out;
    let x = c[0];
    let p = 1;
    out[0] = x;
    for (let t = 1; t < out.length; t++) {
      const pm = p + 0.01;
      const k = pm / (pm + 1);
      x += k * (c[t] - x);
      p = (1 - k) * pm;
      out[t] = x;
    }
    return sanitizeInPlace(out);
  }),
];

function vwap20(ctx: FeatureContext): Float64Array {
  return ctx.shared('vwap20', () => {
    const tp = typical(ctx);
    const v = ctx.bars.volume;
    const pv = new Float64Array(ctx.length);
    for (let t = 0; t < pv.length; t++) pv[t] = tp[t] * v[t];
    return divide(rollingSum(pv, 20), rollingSum(v, 20));
  });
}
