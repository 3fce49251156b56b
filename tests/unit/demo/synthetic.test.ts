import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { checksumColumns } from '../../../src/engine/core/hash';
import {
  DEMO_BENCHMARK,
  DEMO_CALENDAR,
  DEMO_KEY,
  DEMO_TICKERS,
  type DemoCalendar,
  type DemoUniverse,
  generateDemoTicker,
  generateDemoUniverse,
  planDemoMarket,
} from '../../../src/engine/data/synthetic';

const DAY = 86_400_000;

function checksum(bars: Bars): string {
  return checksumColumns({ ...bars });
}

function universeChecksums(u: DemoUniverse): string[] {
  return u.series.map((s) => `${s.ticker}|${s.timeframe}|${checksum(s.bars)}`);
}

function series(u: DemoUniverse, ticker: string, timeframe: '1d' | '1h'): Bars {
  const s = u.series.find((x) => x.ticker === ticker && x.timeframe === timeframe);
  if (!s) throw new Error(`missing ${ticker} ${timeframe}`);
  return s.bars;
}

function logReturns(close: Float64Array): Float64Array {
  const r = new Float64Array(close.length - 1);
  for (let i = 1; i < close.length; i++) r[i - 1] = Math.log(close[i] / close[i - 1]);
  return r;
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function corr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** Weekdays counted by walking the calendar with Date (independent of the generator's calendar). */
function countWeekdays(from: string, to: string): number {
  let n = 0;
  for (let d = new Date(`${from}T00:00:00Z`); d <= new Date(`${to}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) n++;
  }
  return n;
}

function expectConsistentOhlc(bars: Bars, label: string): void {
  const n = bars.ts.length;
  for (let i = 0; i < n; i++) {
    const o = bars.open[i];
    const h = bars.high[i];
    const l = bars.low[i];
    const c = bars.close[i];
    const ok =
      Number.isFinite(o) &&
      Number.isFinite(h) &&
      Number.isFinite(l) &&
      Number.isFinite(c) &&
      l > 0 &&
      h >= Math.max(o, c) &&
      l <= Math.min(o, c) &&
      bars.volume[i] > 0 &&
      Number.isInteger(bars.volume[i]) &&
      (i === 0 || bars.ts[i] > bars.ts[i - 1]);
    if (!ok) throw new Error(`${label} row ${i}: o=${o} h=${h} l=${l} c=${c} v=${bars.volume[i]} ts=${bars.ts[i]}`);
  }
}

let u: DemoUniverse;
beforeAll(() => {
  u = generateDemoUniverse();
});

describe('demo universe: determinism', () => {
  it('gives identical bytes for the same key and different bytes for another key', () => {
    const again = generateDemoUniverse(DEMO_KEY);
    expect(universeChecksums(again)).toEqual(universeChecksums(u));
    const other = generateDemoUniverse('another-demo-key');
    const a = universeChecksums(u);
    const b = universeChecksums(other);
    for (let i = 0; i < a.length; i++) expect(b[i]).not.toBe(a[i]);
  });

  it('generates one ticker alone exactly as inside the universe', () => {
    const market = planDemoMarket(DEMO_KEY, DEMO_CALENDAR);
    const spec = DEMO_TICKERS.find((s) => s.ticker === 'DELTA')!;
    const alone = generateDemoTicker(market, spec);
    expect(checksum(alone.daily)).toBe(checksum(series(u, 'DELTA', '1d')));
    expect(checksum(alone.hourly)).toBe(checksum(series(u, 'DELTA', '1h')));
  });
});

describe('demo universe: shape and calendar', () => {
  it('has ten tickers plus the benchmark, each with daily and hourly bars', () => {
    expect(u.tickers).toHaveLength(11);
    expect(u.tickers).toContain(DEMO_BENCHMARK);
    expect(new Set(u.tickers).size).toBe(11);
    expect(u.series).toHaveLength(22);
    const daily = countWeekdays(DEMO_CALENDAR.startDay, DEMO_CALENDAR.endDay);
    const hourly = 7 * countWeekdays(DEMO_CALENDAR.hourlyStartDay, DEMO_CALENDAR.endDay);
    expect(daily).toBeGreaterThan(2600); // ten years
    for (const s of u.series) expect(s.bars.ts.length).toBe(s.timeframe === '1d' ? daily : hourly);
  });

  it('dates daily bars at 00:00 UTC on weekdays only', () => {
    const ts = series(u, 'ALPHA', '1d').ts;
    expect(new Date(ts[0]).toISOString()).toBe('2016-01-01T00:00:00.000Z');
    expect(new Date(ts[ts.length - 1]).toISOString()).toBe('2025-12-31T00:00:00.000Z');
    for (let i = 0; i < ts.length; i++) {
      expect(ts[i] % DAY).toBe(0);
      const wd = new Date(ts[i]).getUTCDay();
      expect(wd === 0 || wd === 6).toBe(false);
    }
  });

  it('places hourly bars at 09:30…15:30 New York time, shifting in UTC across the DST changes', () => {
    const ts = series(u, 'BRAVO', '1h').ts;
    const nyMinutes = new Intl.DateTimeFormat('en-US', {
      timeZone: 'America/New_York',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    for (let i = 0; i < ts.length; i++) {
      const [hh, mm] = nyMinutes.format(new Date(ts[i])).split(':').map(Number);
      expect(hh * 60 + mm).toBe(570 + 60 * (i % 7));
    }
    const iso = Array.from(ts, (t) => new Date(t).toISOString());
    expect(iso).toContain('2025-03-07T14:30:00.000Z'); // Friday before DST starts: EST
    expect(iso).toContain('2025-03-10T13:30:00.000Z'); // Monday after: EDT
    expect(iso).toContain('2025-10-31T19:30:00.000Z'); // last EDT bar
    expect(iso).toContain('2025-11-03T20:30:00.000Z'); // first Monday of EST again
  });
});

describe('demo universe: price consistency', () => {
  it('has consistent, positive OHLC and positive integer volume in every series', () => {
    for (const s of u.series) expectConsistentOhlc(s.bars, `${s.ticker} ${s.timeframe}`);
  });

  it('aggregates daily bars from the hourly bars of the same day', () => {
    for (const ticker of ['ECHO', DEMO_BENCHMARK]) {
      const d = series(u, ticker, '1d');
      const h = series(u, ticker, '1h');
      const firstHourlyDay = d.ts.length - h.ts.length / 7;
      for (let j = 0; j < h.ts.length / 7; j++) {
        const i = firstHourlyDay + j;
        const rows = [0, 1, 2, 3, 4, 5, 6].map((k) => j * 7 + k);
        expect(d.open[i]).toBe(h.open[rows[0]]);
        expect(d.close[i]).toBe(h.close[rows[6]]);
        expect(d.high[i]).toBe(Math.max(...rows.map((r) => h.high[r])));
        expect(d.low[i]).toBe(Math.min(...rows.map((r) => h.low[r])));
        expect(d.volume[i]).toBe(rows.reduce((s, r) => s + h.volume[r], 0));
        expect(Math.floor(h.ts[rows[0]] / DAY) * DAY).toBe(d.ts[i]);
      }
    }
  });
});

describe('demo universe: statistical structure', () => {
  it('switches between all four regimes many times', () => {
    const st = u.regimes.state;
    expect(st.length).toBe(series(u, 'ALPHA', '1d').ts.length);
    const seen = new Set(st);
    expect(seen.size).toBe(4);
    let switches = 0;
    for (let i = 1; i < st.length; i++) if (st[i] !== st[i - 1]) switches++;
    expect(switches).toBeGreaterThanOrEqual(10);
    expect(switches).toBeLessThan(st.length / 10); // persistent, not i.i.d. noise
  });

  it('clusters volatility: |returns| are autocorrelated and the high-vol regime is far more volatile', () => {
    const r = logReturns(series(u, DEMO_BENCHMARK, '1d').close);
    const abs = r.map(Math.abs);
    expect(corr(abs.subarray(1), abs.subarray(0, -1))).toBeGreaterThan(0.1);
    expect(corr(abs.subarray(5), abs.subarray(0, -5))).toBeGreaterThan(0.1);
    const byRegime = [[], [], [], []] as number[][];
    for (let i = 0; i < r.length; i++) byRegime[u.regimes.state[i + 1]].push(r[i] * r[i]);
    const rms = byRegime.map((x) => Math.sqrt(mean(x)));
    expect(rms[3]).toBeGreaterThan(2 * rms[0]);
    expect(rms[1]).toBeGreaterThan(rms[0]);
  });

  it('correlates every ticker with the benchmark (> 0.2), more so in stressed regimes', () => {
    const rb = logReturns(series(u, DEMO_BENCHMARK, '1d').close);
    let calm = 0;
    let stressed = 0;
    for (const t of u.tickers.filter((x) => x !== DEMO_BENCHMARK)) {
      const r = logReturns(series(u, t, '1d').close);
      expect(corr(r, rb)).toBeGreaterThan(0.2);
      const pick = (state: number) => {
        const a: number[] = [];
        const b: number[] = [];
        for (let i = 0; i < r.length; i++) {
          if (u.regimes.state[i + 1] === state) {
            a.push(r[i]);
            b.push(rb[i]);
          }
        }
        return corr(a, b);
      };
      calm += pick(0);
      stressed += pick(3);
    }
    expect(stressed).toBeGreaterThan(calm);
  });

  it('has fat tails from jumps (excess kurtosis) in single names', () => {
    const r = logReturns(series(u, 'CHARLIE', '1d').close);
    const m = mean(r);
    let m2 = 0;
    let m4 = 0;
    for (const x of r) {
      m2 += (x - m) ** 2;
      m4 += (x - m) ** 4;
    }
    m2 /= r.length;
    m4 /= r.length;
    expect(m4 / (m2 * m2)).toBeGreaterThan(4);
  });

  it('moves volume with |returns| and with the regime', () => {
    const d = series(u, 'FOXTROT', '1d');
    const r = logReturns(d.close);
    const logVol = Array.from(d.volume.subarray(1), Math.log);
    expect(corr(r.map(Math.abs), logVol)).toBeGreaterThan(0.2);
    const vol = (state: number) => mean(Array.from(d.volume).filter((_, i) => u.regimes.state[i] === state));
    expect(vol(3)).toBeGreaterThan(1.3 * vol(0));
  });
});

describe('demo universe: properties over arbitrary keys', () => {
  const short: DemoCalendar = { startDay: '2024-02-01', endDay: '2024-04-30', hourlyStartDay: '2024-03-01' };
  it('is deterministic and OHLC-consistent for any key (across the 2024 DST change)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 24 }), (key) => {
        const a = generateDemoUniverse(key, short);
        const b = generateDemoUniverse(key, short);
        expect(universeChecksums(a)).toEqual(universeChecksums(b));
        for (const s of a.series) expectConsistentOhlc(s.bars, `${key} ${s.ticker} ${s.timeframe}`);
        const h = series(a, 'ALPHA', '1h').ts;
        const iso = Array.from(h, (t) => new Date(t).toISOString());
        expect(iso).toContain('2024-03-08T14:30:00.000Z');
        expect(iso).toContain('2024-03-11T13:30:00.000Z');
      }),
      { numRuns: 25 },
    );
  });

  it('rejects an impossible calendar with a message naming it', () => {
    expect(() => generateDemoUniverse('k', { startDay: '2024-02-30', endDay: '2024-03-01', hourlyStartDay: '2024-03-01' })).toThrow(
      /2024-02-30/,
    );
  });
});
