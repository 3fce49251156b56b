import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { DAY_MS, newYorkSessionDay } from '../../../src/engine/data/calendar';
import { importCsvText } from '../../../src/engine/data/normalize';
import { resampleBars, type SessionBars } from '../../../src/engine/data/resample';
import { REAL, readText } from './helpers';

const NaN_ = Number.NaN;

/** Bars from [utc ms, o, h, l, c, v] rows; session days from the New York date. */
function input(rows: number[][]): SessionBars {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  const bars: Bars = { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
  return { bars, sessionDays: Int32Array.from(rows, (r) => newYorkSessionDay(r[0])) };
}

function rows(s: SessionBars): number[][] {
  const b = s.bars;
  return Array.from(b.ts, (t, i) => [t, b.open[i], b.high[i], b.low[i], b.close[i], b.volume[i]]);
}

const U = (d: number, h: number, m: number) => Date.UTC(2021, 2, d, h, m); // March 2021, EDT from the 14th

describe('resampleBars', () => {
  // 30-minute bars, Mon 15 and Tue 16 March 2021 (EDT: 09:30 New York = 13:30Z), plus a pre-market bar
  const src = input([
    [U(15, 12, 0), 9, 9.5, 8.5, 9.2, 5], // 08:00 NY
    [U(15, 13, 30), 10, 11, 9, 10.5, 100], // 09:30
    [U(15, 14, 0), 10.5, 12, 10, 11, 200], // 10:00
    [U(15, 14, 30), 11, 11.5, 10.5, 11.2, 50], // 10:30
    [U(15, 15, 0), 11.2, 13, 11, 12, 70], // 11:00
    [U(15, 19, 30), 12, 12.5, 11.8, 12.1, 30], // 15:30
    [U(16, 13, 30), 20, 21, 19, 20.5, 1], // next session 09:30
    [U(16, 14, 0), 20.5, 22, 20, 21, 2], // 10:00
  ]);

  it('1h buckets start at 09:30 New York and keep first/max/min/last/sum', () => {
    expect(rows(resampleBars(src, { from: '30m', to: '1h' }))).toEqual([
      [U(15, 11, 30), 9, 9.5, 8.5, 9.2, 5], // 07:30–08:30 bucket before the open
      [U(15, 13, 30), 10, 12, 9, 11, 300],
      [U(15, 14, 30), 11, 13, 10.5, 12, 120],
      [U(15, 19, 30), 12, 12.5, 11.8, 12.1, 30],
      [U(16, 13, 30), 20, 22, 19, 21, 3],
    ]);
  });

  it('4h buckets are 09:30–13:30 and 13:30–17:30 and never span two sessions', () => {
    const out = resampleBars(src, { from: '30m', to: '4h' });
    expect(rows(out)).toEqual([
      [U(15, 9, 30), 9, 9.5, 8.5, 9.2, 5], // 05:30–09:30 New York
      [U(15, 13, 30), 10, 13, 9, 12, 420],
      [U(15, 17, 30), 12, 12.5, 11.8, 12.1, 30],
      [U(16, 13, 30), 20, 22, 19, 21, 3],
    ]);
    expect(Array.from(out.sessionDays)).toEqual([src.sessionDays[0], src.sessionDays[0], src.sessionDays[0], src.sessionDays[7]]);
  });

  it('daily bars: one per session date at 00:00 UTC; rthOnly drops pre/post-market bars', () => {
    expect(rows(resampleBars(src, { from: '30m', to: '1d' }))).toEqual([
      [Date.UTC(2021, 2, 15), 9, 13, 8.5, 12.1, 455],
      [Date.UTC(2021, 2, 16), 20, 22, 19, 21, 3],
    ]);
    expect(rows(resampleBars(src, { from: '30m', to: '1d', rthOnly: true }))[0]).toEqual([
      Date.UTC(2021, 2, 15),
      10,
      13,
      9,
      12.1,
      450,
    ]);
  });

  it('buckets follow the session open across the DST switch (EST: 09:30 = 14:30Z)', () => {
    const est = input([
      [Date.UTC(2021, 2, 12, 14, 30), 1, 2, 0.5, 1.5, 1],
      [Date.UTC(2021, 2, 12, 15, 0), 1.5, 3, 1, 2, 1],
      [Date.UTC(2021, 2, 15, 13, 30), 5, 6, 4, 5.5, 1],
    ]);
    expect(rows(resampleBars(est, { from: '30m', to: '1h' }))).toEqual([
      [Date.UTC(2021, 2, 12, 14, 30), 1, 3, 0.5, 2, 2],
      [Date.UTC(2021, 2, 15, 13, 30), 5, 6, 4, 5.5, 1],
    ]);
  });

  it('never merges bars of different session dates even inside one clock bucket', () => {
    // 23:30 and 00:15 New York (EDT): same 4h clock bucket length, different dates
    const late = input([
      [Date.UTC(2021, 2, 16, 3, 30), 1, 1, 1, 1, 1],
      [Date.UTC(2021, 2, 16, 4, 15), 2, 2, 2, 2, 2],
    ]);
    expect(resampleBars(late, { from: '15m', to: '4h' }).bars.ts.length).toBe(2);
  });

  it('skips missing values: first/last non-missing, NaN only when a bucket has none', () => {
    const gaps = input([
      [U(15, 13, 30), NaN_, 11, NaN_, 10.5, NaN_],
      [U(15, 14, 0), 10.5, NaN_, 10, NaN_, 7],
      [U(15, 14, 30), NaN_, NaN_, NaN_, NaN_, NaN_],
    ]);
    expect(rows(resampleBars(gaps, { from: '30m', to: '1h' }))).toEqual([
      [U(15, 13, 30), 10.5, 11, 10, 10.5, 7],
      [U(15, 14, 30), NaN_, NaN_, NaN_, NaN_, NaN_],
    ]);
  });

  it('resampling to the same aligned timeframe is the identity; bad targets throw', () => {
    const hourly = input([
      [U(15, 13, 30), 1, 2, 0.5, 1.5, 1],
      [U(15, 14, 30), 1.5, 3, 1, 2, 1],
    ]);
    expect(rows(resampleBars(hourly, { from: '1h', to: '1h' }))).toEqual(rows(hourly));
    expect(() => resampleBars(hourly, { from: '1h', to: '15m' })).toThrow(/whole multiple/);
    expect(() => resampleBars(hourly, { from: '1d', to: '1h' })).toThrow(/daily bars/);
  });

  it('does not modify its input', () => {
    const before = rows(src);
    resampleBars(src, { from: '30m', to: '4h' });
    expect(rows(src)).toEqual(before);
  });
});

describe('resampleBars on the real hourly file', () => {
  const result = importCsvText(readText(join(REAL, 'intraday', 'bars_1hour_SPY_AAPL_JPM.csv')), {
    file: 'bars_1hour_SPY_AAPL_JPM.csv',
  });

  it('conserves volume, keeps extremes and never crosses a session', () => {
    expect(result.timeframe).toBe('1h');
    for (const f of result.tickers) {
      const src: SessionBars = { bars: f.bars, sessionDays: f.sessionDays };
      const sum = (x: Float64Array) => x.reduce((a, b) => a + b, 0);
      for (const to of ['4h', '1d'] as const) {
        const out = resampleBars(src, { from: '1h', to });
        expect(sum(out.bars.volume)).toBeCloseTo(sum(f.bars.volume), 0);
        expect(Math.max(...out.bars.high)).toBe(Math.max(...f.bars.high));
        expect(Math.min(...out.bars.low)).toBe(Math.min(...f.bars.low));
        for (let i = 1; i < out.bars.ts.length; i++) expect(out.bars.ts[i]).toBeGreaterThan(out.bars.ts[i - 1]);
        // every source bar lies in an output bar of its own session date
        let j = 0;
        for (let i = 0; i < f.bars.ts.length; i++) {
          while (j + 1 < out.bars.ts.length && out.sessionDays[j + 1] <= f.sessionDays[i] && out.bars.ts[j + 1] <= f.bars.ts[i]) j++;
          expect(out.sessionDays[j]).toBe(f.sessionDays[i]);
        }
      }
      const daily = resampleBars(src, { from: '1h', to: '1d' });
      const sessions = new Set(f.sessionDays).size;
      expect(daily.bars.ts.length).toBe(sessions);
      expect(Array.from(daily.bars.ts)).toEqual(Array.from(daily.sessionDays, (d) => d * DAY_MS));
      const fourH = resampleBars(src, { from: '1h', to: '4h' });
      // 09:30 bar + 10:00…13:00 in the first bucket, 14:00 and 15:00 in the second
      expect(fourH.bars.ts.length).toBeLessThanOrEqual(2 * sessions);
    }
  });
});
