/**
 * Intraday bars → a higher timeframe: first open, max high, min low, last close, summed volume.
 *
 * - Sub-daily targets: buckets of the target length aligned to the 09:30 New York session open
 *   (09:30, 10:30, … for 1h; 09:30, 13:30 for 4h) on the bar's session date; bars before 09:30
 *   fall into buckets counted backwards from 09:30. A bucket never spans two session dates.
 *   The output timestamp is the bucket start (UTC), computed with the New York offset of the
 *   bucket's first bar (offsets only change at 02:00 on a Sunday).
 * - Daily target: one bar per session date, timestamp 00:00 UTC of that date (the daily-bar
 *   convention of `Bars`).
 * - `rthOnly` drops bars outside 09:30–16:00 New York time first.
 *
 * NaN handling: missing values are skipped — open is the first non-missing open of the bucket,
 * close the last non-missing close, high/low the max/min of the non-missing values, volume the
 * sum of the non-missing volumes; a field with no value in the bucket is NaN (volume too: missing
 * is not zero). Input must be one ticker's bars in ascending time (C is).
 */
import { type Bars, TIMEFRAME_MINUTES, type Timeframe } from '../contracts/datasets';
import { DAY_MS, HOUR_MS, MINUTE_MS, utcToNewYorkWall } from './calendar';

const SESSION_OPEN_MS = 9 * HOUR_MS + 30 * MINUTE_MS;
const SESSION_CLOSE_MS = 16 * HOUR_MS;

export interface SessionBars {
  bars: Bars;
  /** New York session date (day number) of each bar */
  sessionDays: Int32Array;
}

export interface ResampleOptions {
  from: Timeframe;
  to: Timeframe;
  rthOnly?: boolean;
}

export function resampleBars(input: SessionBars, opts: ResampleOptions): SessionBars {
  const { from, to } = opts;
  const fromMin = TIMEFRAME_MINUTES[from];
  const toMin = TIMEFRAME_MINUTES[to];
  if (fromMin === undefined || toMin === undefined) throw new Error(`unknown timeframe ${from} → ${to}`);
  if (from === '1d') {
    if (to !== '1d') throw new Error(`cannot resample daily bars to ${to}`);
  } else if (to !== '1d' && (toMin < fromMin || toMin % fromMin !== 0)) {
    throw new Error(`cannot resample ${from} bars to ${to}: the target must be a whole multiple of the source`);
  }
  const { bars, sessionDays } = input;
  const n = bars.ts.length;
  const daily = to === '1d';
  const bucketMs = toMin * MINUTE_MS;

  const ts = new Float64Array(n);
  const open = new Float64Array(n);
  const high = new Float64Array(n);
  const low = new Float64Array(n);
  const close = new Float64Array(n);
  const volume = new Float64Array(n);
  const days = new Int32Array(n);
  let m = -1;
  let curDay = Number.NaN;
  let curBucket = Number.NaN;

  for (let i = 0; i < n; i++) {
    const t = bars.ts[i];
    const day = sessionDays[i];
    let bucket = 0;
    let bucketStart = day * DAY_MS;
    if (!daily || opts.rthOnly) {
      const wall = from === '1d' ? t : utcToNewYorkWall(t);
      const tod = wall - day * DAY_MS;
      if (opts.rthOnly && from !== '1d' && (tod < SESSION_OPEN_MS || tod >= SESSION_CLOSE_MS)) continue;
      if (!daily) {
        bucket = Math.floor((tod - SESSION_OPEN_MS) / bucketMs);
        bucketStart = t - (tod - (SESSION_OPEN_MS + bucket * bucketMs));
      }
    }
    const o = bars.open[i];
    const h = bars.high[i];
    const l = bars.low[i];
    const c = bars.close[i];
    const v = bars.volume[i];
    if (day !== curDay || bucket !== curBucket) {
      m++;
      curDay = day;
      curBucket = bucket;
      ts[m] = bucketStart;
      days[m] = day;
      open[m] = o;
      high[m] = h;
      low[m] = l;
      close[m] = c;
      volume[m] = v;
      continue;
    }
    if (Number.isNaN(open[m])) open[m] = o;
    if (h > high[m] || Number.isNaN(high[m])) high[m] = h;
    if (l < low[m] || Number.isNaN(low[m])) low[m] = l;
    if (!Number.isNaN(c)) close[m] = c;
    if (!Number.isNaN(v)) volume[m] = Number.isNaN(volume[m]) ? v : volume[m] + v;
  }
  const k = m + 1;
  return {
    bars: {
      ts: ts.slice(0, k),
      open: open.slice(0, k),
      high: high.slice(0, k),
      low: low.slice(0, k),
      close: close.slice(0, k),
      volume: volume.slice(0, k),
    },
    sessionDays: days.slice(0, k),
  };
}
