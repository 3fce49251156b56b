/**
 * Seeded synthetic demo universe: ten correlated fake tickers plus a benchmark, ten years of
 * daily bars and one year of hourly regular-trading-hours bars.
 *
 * Model (all in log-returns):
 * - a hidden 4-state Markov regime chain (0 Trending Bull, 1 Trending Bear, 2 Mean Reverting,
 *   3 High Volatility — the engine's regime colour order) sets drift, volatility, idiosyncratic
 *   scale, jump intensity and volume level of each day;
 * - one market factor with GARCH(1,1)-style volatility clustering inside each regime, an
 *   error-correction pull towards its own moving anchor in the mean-reverting regime, and
 *   compound-Poisson market jumps;
 * - each ticker = beta × market + idiosyncratic noise + compound-Poisson idiosyncratic
 *   ("earnings") gaps, so cross-ticker correlation rises when idiosyncratic scale falls
 *   relative to market volatility (bear / high-vol regimes);
 * - every day is split into an overnight gap and seven RTH bars by a Gaussian bridge (U-shaped
 *   intraday variance), bar highs/lows are drawn from the exact Brownian-bridge extreme
 *   distribution, and daily bars are aggregated from the hourly ones, so the two timeframes agree;
 * - volume follows the regime, |return| and a U-shaped intraday profile.
 *
 * Every random draw comes from `Prng` streams seeded by `seedFromString` of the key (one stream
 * for the regime chain and market, one per ticker), so the same key gives the same bytes in
 * every runtime and a ticker can be generated on its own (the loader yields between tickers).
 */
import type { Bars, Timeframe } from '../contracts';
import { seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import {
  parseDay,
  RTH_BAR_MINUTES,
  RTH_BARS_PER_DAY,
  rthBarStartUtc,
  weekdaysBetween,
} from './synthetic-calendar';

export const DEMO_KEY = 'quant-engine-demo-v1';
export const DEMO_BENCHMARK = 'BENCH';
export const DEMO_REGIME_NAMES = ['Trending Bull', 'Trending Bear', 'Mean Reverting', 'High Volatility'] as const;

export interface DemoCalendar {
  /** first daily bar on or after this day (YYYY-MM-DD) */
  startDay: string;
  /** last daily and hourly bar on or before this day */
  endDay: string;
  /** hourly bars from this day on */
  hourlyStartDay: string;
}

/** Fixed (not clock-derived) so the same key always yields the same bytes. */
export const DEMO_CALENDAR: DemoCalendar = {
  startDay: '2016-01-01',
  endDay: '2025-12-31',
  hourlyStartDay: '2025-01-01',
};

export interface DemoTickerSpec {
  ticker: string;
  /** loading on the market factor */
  beta: number;
  /** daily idiosyncratic volatility (log-return sd) at regime scale 1 */
  idioVol: number;
  /** daily idiosyncratic log drift */
  alpha: number;
  startPrice: number;
  /** typical shares traded per day */
  baseVolume: number;
  /** expected idiosyncratic gaps per day (≈ 4 per year: earnings) */
  jumpRate: number;
  /** sd of an idiosyncratic gap (log) */
  jumpVol: number;
}

const EARNINGS = 4 / 252;

/** Clearly fake names (NATO alphabet); the UI labels them DEMO anyway. */
export const DEMO_TICKERS: readonly DemoTickerSpec[] = [
  { ticker: 'ALPHA', beta: 1.25, idioVol: 0.014, alpha: 0.0002, startPrice: 142.5, baseVolume: 9e6, jumpRate: EARNINGS, jumpVol: 0.05 },
  { ticker: 'BRAVO', beta: 0.85, idioVol: 0.011, alpha: 0.0001, startPrice: 58.2, baseVolume: 1.2e7, jumpRate: EARNINGS, jumpVol: 0.04 },
  { ticker: 'CHARLIE', beta: 1.1, idioVol: 0.016, alpha: 0, startPrice: 311.0, baseVolume: 4e6, jumpRate: EARNINGS, jumpVol: 0.06 },
  { ticker: 'DELTA', beta: 0.7, idioVol: 0.01, alpha: 0.0001, startPrice: 87.4, baseVolume: 6e6, jumpRate: EARNINGS, jumpVol: 0.035 },
  { ticker: 'ECHO', beta: 1.45, idioVol: 0.019, alpha: 0.0003, startPrice: 24.9, baseVolume: 2.5e7, jumpRate: EARNINGS, jumpVol: 0.08 },
  { ticker: 'FOXTROT', beta: 0.95, idioVol: 0.012, alpha: -0.0001, startPrice: 176.3, baseVolume: 5e6, jumpRate: EARNINGS, jumpVol: 0.045 },
  { ticker: 'GOLF', beta: 0.6, idioVol: 0.009, alpha: 0.0001, startPrice: 64.8, baseVolume: 8e6, jumpRate: EARNINGS, jumpVol: 0.03 },
  { ticker: 'HOTEL', beta: 1.2, idioVol: 0.015, alpha: 0, startPrice: 45.1, baseVolume: 1.5e7, jumpRate: EARNINGS, jumpVol: 0.055 },
  { ticker: 'INDIA', beta: 1.0, idioVol: 0.013, alpha: 0.0001, startPrice: 98.6, baseVolume: 7e6, jumpRate: EARNINGS, jumpVol: 0.045 },
  { ticker: 'JULIET', beta: 0.8, idioVol: 0.012, alpha: -0.0001, startPrice: 132.0, baseVolume: 3e6, jumpRate: EARNINGS, jumpVol: 0.04 },
  // The benchmark is (nearly) the market factor itself: beta 1, tiny tracking noise, no gaps.
  { ticker: DEMO_BENCHMARK, beta: 1, idioVol: 0.0008, alpha: 0, startPrice: 200.0, baseVolume: 8e7, jumpRate: 0, jumpVol: 0 },
];

interface RegimeParams {
  /** market daily log drift */
  drift: number;
  /** market daily diffusive vol */
  vol: number;
  /** scale of idiosyncratic vol */
  idioScale: number;
  /** daily pull of the market level towards its moving anchor */
  meanReversion: number;
  /** market jumps per day, mean and sd of a jump */
  jumpRate: number;
  jumpMean: number;
  jumpVol: number;
  /** multiplier of the typical volume */
  volumeLevel: number;
}

export const DEMO_REGIMES: readonly RegimeParams[] = [
  { drift: 0.0008, vol: 0.007, idioScale: 1.0, meanReversion: 0, jumpRate: 0.004, jumpMean: -0.01, jumpVol: 0.02, volumeLevel: 1.0 },
  { drift: -0.0008, vol: 0.015, idioScale: 1.15, meanReversion: 0, jumpRate: 0.015, jumpMean: -0.025, jumpVol: 0.03, volumeLevel: 1.35 },
  { drift: 0.0001, vol: 0.006, idioScale: 0.9, meanReversion: 0.12, jumpRate: 0.004, jumpMean: 0, jumpVol: 0.015, volumeLevel: 0.85 },
  { drift: -0.0002, vol: 0.026, idioScale: 1.3, meanReversion: 0, jumpRate: 0.04, jumpMean: -0.02, jumpVol: 0.045, volumeLevel: 1.8 },
];

/** Daily regime transition probabilities (rows sum to 1); mean stays of 25–65 days. */
const TRANSITIONS: readonly (readonly number[])[] = [
  [0.985, 0.00525, 0.00675, 0.003],
  [0.0075, 0.975, 0.005, 0.0125],
  [0.01, 0.006, 0.98, 0.004],
  [0.01, 0.018, 0.012, 0.96],
];

/** GARCH(1,1) multiplier of the regime variance: unconditional mean 1. */
const GARCH_A = 0.07;
const GARCH_B = 0.88;
/** EMA weight of the mean-reversion anchor. */
const ANCHOR_WEIGHT = 0.1;

/** Segments of a day: 0 = overnight gap, 1..7 = RTH bars. */
const SEGMENTS = 1 + RTH_BARS_PER_DAY;
/** Intraday variance per minute is U-shaped: high at the open and into the close. */
const RTH_INTENSITY = [1.5, 1.0, 0.8, 0.7, 0.8, 1.0, 1.6] as const;
const OVERNIGHT_VAR_SHARE = 0.15;
/** Share of the day's diffusive variance in each segment (sums to 1). */
export const SEGMENT_VAR_SHARE: Float64Array = (() => {
  const w = new Float64Array(SEGMENTS);
  let sum = 0;
  for (let k = 0; k < RTH_BARS_PER_DAY; k++) sum += RTH_BAR_MINUTES[k] * RTH_INTENSITY[k];
  w[0] = OVERNIGHT_VAR_SHARE;
  for (let k = 0; k < RTH_BARS_PER_DAY; k++) w[k + 1] = ((1 - OVERNIGHT_VAR_SHARE) * RTH_BAR_MINUTES[k] * RTH_INTENSITY[k]) / sum;
  return w;
})();
/** U-shaped share of the day's volume per RTH bar (closing auction in the last half hour). */
const VOLUME_PROFILE = [0.2, 0.13, 0.11, 0.1, 0.11, 0.15, 0.2] as const;

/** Shared part of the universe: calendar, regime path and market-factor segments. */
export interface DemoMarket {
  key: string;
  /** trading days, 00:00 UTC epoch ms */
  days: Float64Array;
  /** hidden regime of each day (index into DEMO_REGIME_NAMES) */
  regimes: Int32Array;
  /** market log-return of each segment, day-major: days × 8 (overnight, 7 RTH bars), jumps included */
  segments: Float64Array;
  /** diffusive market variance of each day (before splitting into segments) */
  variance: Float64Array;
  /** index of the first day that also gets hourly bars */
  hourlyFrom: number;
}

export interface DemoTickerBars {
  daily: Bars;
  hourly: Bars;
}

export interface DemoSeries {
  ticker: string;
  timeframe: Timeframe;
  bars: Bars;
}

export interface DemoUniverse {
  key: string;
  seed: number;
  benchmark: string;
  tickers: string[];
  /** the hidden regime path on daily bars, for display and tests */
  regimes: { ts: Float64Array; state: Int32Array };
  /** per ticker: daily ('1d') then hourly ('1h') */
  series: DemoSeries[];
}

/** Number of events of a Poisson(λ) draw (Knuth; λ here is far below 1). */
function poisson(rng: Prng, lambda: number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Splits `total` into per-segment increments with variances share×variance, conditioned on their sum. */
function bridgeSplit(rng: Prng, total: number, variance: number, out: Float64Array, offset: number): void {
  let sum = 0;
  for (let k = 0; k < SEGMENTS; k++) {
    const x = Math.sqrt(SEGMENT_VAR_SHARE[k] * variance) * rng.normal();
    out[offset + k] = x;
    sum += x;
  }
  const gap = total - sum;
  for (let k = 0; k < SEGMENTS; k++) out[offset + k] += SEGMENT_VAR_SHARE[k] * gap;
}

function nextRegime(rng: Prng, from: number): number {
  const row = TRANSITIONS[from];
  const u = rng.next();
  let acc = 0;
  for (let s = 0; s < row.length; s++) {
    acc += row[s];
    if (u < acc) return s;
  }
  return row.length - 1;
}

/** Generates the regime chain and the market factor for a key. */
export function planDemoMarket(key: string = DEMO_KEY, calendar: DemoCalendar = DEMO_CALENDAR): DemoMarket {
  const start = parseDay(calendar.startDay);
  const end = parseDay(calendar.endDay);
  const hourlyStart = parseDay(calendar.hourlyStartDay);
  const days = weekdaysBetween(start, end);
  const n = days.length;
  if (n < 2) throw new Error(`demo calendar ${calendar.startDay}..${calendar.endDay} has fewer than 2 weekdays`);
  let hourlyFrom = n;
  for (let i = 0; i < n; i++) {
    if (days[i] >= hourlyStart) {
      hourlyFrom = i;
      break;
    }
  }

  const rng = new Prng(seedFromString(`${key}|market`));
  const regimes = new Int32Array(n);
  const segments = new Float64Array(n * SEGMENTS);
  const variance = new Float64Array(n);
  let state = 0;
  let garch = 1;
  let lastShock = 0;
  let level = 0;
  let anchor = 0;
  for (let t = 0; t < n; t++) {
    if (t > 0) {
      state = nextRegime(rng, state);
      garch = 1 - GARCH_A - GARCH_B + GARCH_A * lastShock * lastShock * garch + GARCH_B * garch;
    }
    regimes[t] = state;
    const p = DEMO_REGIMES[state];
    const v = p.vol * p.vol * garch;
    variance[t] = v;
    const z = rng.normal();
    lastShock = z;
    const drift = p.drift - p.meanReversion * (level - anchor);
    const diffusive = drift + Math.sqrt(v) * z;
    const off = t * SEGMENTS;
    bridgeSplit(rng, diffusive, v, segments, off);
    let dayReturn = diffusive;
    const jumps = poisson(rng, p.jumpRate);
    for (let j = 0; j < jumps; j++) {
      const size = p.jumpMean + p.jumpVol * rng.normal();
      // Half of market jumps gap overnight, the rest hit one RTH bar.
      const seg = rng.next() < 0.5 ? 0 : 1 + rng.int(RTH_BARS_PER_DAY);
      segments[off + seg] += size;
      dayReturn += size;
    }
    level += dayReturn;
    anchor += ANCHOR_WEIGHT * (level - anchor);
  }
  return { key, days, regimes, segments, variance, hourlyFrom };
}

function emptyBars(n: number): Bars {
  return {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
  };
}

/** Prices are quoted in cents; rounding is monotone so OHLC ordering survives it. */
function cents(x: number): number {
  return Math.max(0.01, Math.round(x * 100) / 100);
}

/** Daily and hourly bars of one ticker on a market plan (independent of other tickers). */
export function generateDemoTicker(market: DemoMarket, spec: DemoTickerSpec): DemoTickerBars {
  const rng = new Prng(seedFromString(`${market.key}|ticker|${spec.ticker}`));
  const n = market.days.length;
  const nh = (n - market.hourlyFrom) * RTH_BARS_PER_DAY;
  const daily = emptyBars(n);
  const hourly = emptyBars(nh);
  const idioSeg = new Float64Array(SEGMENTS);
  const seg = new Float64Array(SEGMENTS);
  const segVar = new Float64Array(SEGMENTS);
  const barVolume = new Float64Array(RTH_BARS_PER_DAY);
  let prevClose = cents(spec.startPrice);
  let h = 0;
  for (let t = 0; t < n; t++) {
    const p = DEMO_REGIMES[market.regimes[t]];
    const idioSd = spec.idioVol * p.idioScale;
    const idioVar = idioSd * idioSd;
    const diffVar = spec.beta * spec.beta * market.variance[t] + idioVar;

    bridgeSplit(rng, spec.alpha + idioSd * rng.normal(), idioVar, idioSeg, 0);
    const off = t * SEGMENTS;
    let dayReturn = 0;
    for (let k = 0; k < SEGMENTS; k++) {
      seg[k] = spec.beta * market.segments[off + k] + idioSeg[k];
      segVar[k] = SEGMENT_VAR_SHARE[k] * diffVar;
    }
    // Idiosyncratic (earnings-like) gaps happen overnight.
    const gaps = poisson(rng, spec.jumpRate);
    for (let j = 0; j < gaps; j++) seg[0] += spec.jumpVol * rng.normal();
    for (let k = 0; k < SEGMENTS; k++) dayReturn += seg[k];

    // Volume: regime level × |standardised return| × lognormal noise, split by a noisy U profile.
    const dayShock = Math.min(Math.abs(dayReturn) / Math.sqrt(diffVar), 6);
    const dayVolume = spec.baseVolume * p.volumeLevel * Math.exp(0.3 * rng.normal() + 0.35 * (dayShock - 0.8));
    let weightSum = 0;
    for (let k = 0; k < RTH_BARS_PER_DAY; k++) {
      const barShock = Math.min(Math.abs(seg[k + 1]) / Math.sqrt(segVar[k + 1]), 6);
      const w = VOLUME_PROFILE[k] * Math.exp(0.2 * rng.normal() + 0.3 * (barShock - 0.8));
      barVolume[k] = w;
      weightSum += w;
    }

    let price = cents(prevClose * Math.exp(seg[0]));
    const dayOpen = price;
    let dayHigh = price;
    let dayLow = price;
    let dayVol = 0;
    const storeHourly = t >= market.hourlyFrom;
    for (let k = 0; k < RTH_BARS_PER_DAY; k++) {
      const b = seg[k + 1];
      const v = segVar[k + 1];
      // Extremes of a Brownian bridge from 0 to b with variance v: P(max > m) = exp(-2m(m-b)/v).
      const up = (b + Math.sqrt(b * b - 2 * v * Math.log(1 - rng.next()))) / 2;
      const down = (b - Math.sqrt(b * b - 2 * v * Math.log(1 - rng.next()))) / 2;
      const open = price;
      const close = cents(open * Math.exp(b));
      const high = Math.max(cents(open * Math.exp(up)), open, close);
      const low = Math.min(cents(open * Math.exp(down)), open, close);
      const vol = Math.max(1, Math.round((dayVolume * barVolume[k]) / weightSum));
      if (storeHourly) {
        hourly.ts[h] = rthBarStartUtc(market.days[t], k);
        hourly.open[h] = open;
        hourly.high[h] = high;
        hourly.low[h] = low;
        hourly.close[h] = close;
        hourly.volume[h] = vol;
        h++;
      }
      if (high > dayHigh) dayHigh = high;
      if (low < dayLow) dayLow = low;
      dayVol += vol;
      price = close;
    }
    daily.ts[t] = market.days[t];
    daily.open[t] = dayOpen;
    daily.high[t] = dayHigh;
    daily.low[t] = dayLow;
    daily.close[t] = price;
    daily.volume[t] = dayVol;
    prevClose = price;
  }
  return { daily, hourly };
}

/** The whole demo universe for a key: every ticker's daily and hourly bars plus the regime path. */
export function generateDemoUniverse(key: string = DEMO_KEY, calendar: DemoCalendar = DEMO_CALENDAR): DemoUniverse {
  const market = planDemoMarket(key, calendar);
  const series: DemoSeries[] = [];
  for (const spec of DEMO_TICKERS) {
    const { daily, hourly } = generateDemoTicker(market, spec);
    series.push({ ticker: spec.ticker, timeframe: '1d', bars: daily });
    series.push({ ticker: spec.ticker, timeframe: '1h', bars: hourly });
  }
  return {
    key,
    seed: seedFromString(key),
    benchmark: DEMO_BENCHMARK,
    tickers: DEMO_TICKERS.map((s) => s.ticker),
    regimes: { ts: market.days.slice(), state: market.regimes.slice() },
    series,
  };
}
