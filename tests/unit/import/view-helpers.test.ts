// Pure helpers behind the Data Explorer view: candle aggregation to pixel buckets, stat cards,
// derived (resampled) series, folder planning rules.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Bars, DatasetMeta } from '../../../src/engine/contracts';
import { aggregateCandles, extents, lowerBound } from '../../../src/app/components/charts/candle-buckets';
import { seriesStatsView } from '../../../src/app/pages/DataExplorer/stats';
import { cacheRole, planImport } from '../../../src/storage/sources/file-import-plan';
import { resampleDataset, resampleTargets } from '../../../src/workers/dataset-export';

function bars(rows: [number, number, number, number, number, number][]): Bars {
  const col = (k: number) => Float64Array.from(rows, (r) => r[k]);
  return { ts: col(0), open: col(1), high: col(2), low: col(3), close: col(4), volume: col(5) };
}

describe('aggregateCandles', () => {
  const b = bars([
    [1, 10, 12, 9, 11, 100],
    [2, 11, 15, 10, 14, 200],
    [3, 14, 14, 8, 9, 50],
    [4, 9, 10, 7, 8, 10],
    [5, 8, 9, 8, 9, Number.NaN],
  ]);

  it('groups equal-count buckets: first open, max high, min low, last close, summed volume', () => {
    const a = aggregateCandles(b, 0, 5, 2); // ceil(5/2) = 3 bars per bucket
    expect(a.per).toBe(3);
    expect(Array.from(a.x)).toEqual([1, 4]);
    expect(Array.from(a.open)).toEqual([10, 9]);
    expect(Array.from(a.high)).toEqual([15, 10]);
    expect(Array.from(a.low)).toEqual([8, 7]);
    expect(Array.from(a.close)).toEqual([9, 9]);
    expect(Array.from(a.volume)).toEqual([350, 10]); // NaN volume skipped
    expect(Array.from(a.first)).toEqual([0, 3]);
    expect(extents(a)).toEqual({ low: 7, high: 15, maxVolume: 350 });
  });

  it('keeps one candle per bar when the range fits, and respects [from, to)', () => {
    const a = aggregateCandles(b, 1, 3, 100);
    expect(a.per).toBe(1);
    expect(Array.from(a.close)).toEqual([14, 9]);
  });

  it('never draws more candles than buckets, and the envelope equals the raw extremes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.double({ min: 1, max: 100, noNaN: true }), fc.double({ min: 0, max: 10, noNaN: true })), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 60 }),
        (rows, buckets) => {
          const input = bars(rows.map(([p, d], i) => [i, p, p + d, p - d, p + d / 2, d]));
          const a = aggregateCandles(input, 0, rows.length, buckets);
          expect(a.x.length).toBeLessThanOrEqual(buckets);
          expect(Math.max(...a.high)).toBe(Math.max(...input.high));
          expect(Math.min(...a.low)).toBe(Math.min(...input.low));
          expect(a.open[0]).toBe(input.open[0]);
          expect(a.close[a.close.length - 1]).toBe(input.close[rows.length - 1]);
          const sum = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
          expect(sum(a.volume)).toBeCloseTo(sum(input.volume), 9);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('lowerBound finds the first ts ≥ t', () => {
    const ts = Float64Array.from([1, 3, 3, 7]);
    expect([0, 1, 2, 3, 7, 8].map((t) => lowerBound(ts, t))).toEqual([0, 0, 1, 1, 3, 4]);
  });
});

describe('stat cards', () => {
  it('daily: last, change vs previous close, 52-week high/low, 20-session average volume', () => {
    const day = 86_400_000;
    const rows: [number, number, number, number, number, number][] = [];
    for (let i = 0; i < 400; i++) rows.push([i * day, 100 + i, 101 + i, 99 + i, 100 + i, 1000 + i]);
    const s = seriesStatsView(bars(rows), '1d')!;
    expect(s.last).toBe(499);
    expect(s.change).toBe(1);
    expect(s.changePct).toBeCloseTo(1 / 498, 12);
    // the last 365 days are bars 35..399 (ts > last − 365 days): high 500, low 99 + 35
    expect(s.high52).toBe(500);
    expect(s.low52).toBe(134);
    // mean of volumes 1380..1399
    expect(s.avgVolume20).toBe(1389.5);
  });

  it('intraday: change and volume per New York session', () => {
    const t = (d: number, h: number) => Date.UTC(2024, 0, 2 + d, h, 30);
    const s = seriesStatsView(
      bars([
        [t(0, 14), 10, 10, 10, 10, 5],
        [t(0, 20), 10, 10, 10, 12, 5],
        [t(1, 14), 12, 12, 12, 13, 7],
        [t(1, 20), 13, 13, 13, 15, 1],
      ]),
      '1h',
    )!;
    expect(s.change).toBe(3); // 15 vs the previous session's last close 12
    expect(s.sessions).toBe(2);
    expect(Number.isNaN(s.avgVolume20)).toBe(true); // fewer than 20 sessions
  });
});

describe('derived timeframes', () => {
  const meta: DatasetMeta = {
    id: 'AAPL|1h',
    ticker: 'AAPL',
    timeframe: '1h',
    origin: 'file',
    source: 'a.csv',
    storedAt: '2024-01-01T00:00:00.000Z',
    rows: 4,
    first: null,
    last: null,
    checksum: 'c',
    quality: 'pass',
    bytes: 1,
  };

  it('targets are whole multiples and daily', () => {
    expect(resampleTargets('1h')).toEqual(['4h', '1d']);
    expect(resampleTargets('5m')).toEqual(['15m', '30m', '1h', '4h', '1d']);
    expect(resampleTargets('1d')).toEqual([]);
  });

  it('1h → 1d by hand: per New York session, first open / max high / min low / last close / summed volume', () => {
    // 2024-01-02 and 2024-01-03 (EST, UTC−5): 09:30 and 10:30 New York = 14:30 and 15:30 UTC
    const t = (d: number, h: number) => Date.UTC(2024, 0, 2 + d, h, 30);
    const b = bars([
      [t(0, 14), 10, 12, 9, 11, 100],
      [t(0, 15), 11, 13, 10, 12, 200],
      [t(1, 14), 20, 21, 19, 20, 5],
      [t(1, 15), 20, 25, 18, 24, 6],
    ]);
    const d = resampleDataset(meta, b, '1d');
    expect(Array.from(d.bars.ts)).toEqual([Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3)]);
    expect(Array.from(d.bars.open)).toEqual([10, 20]);
    expect(Array.from(d.bars.high)).toEqual([13, 25]);
    expect(Array.from(d.bars.low)).toEqual([9, 18]);
    expect(Array.from(d.bars.close)).toEqual([12, 24]);
    expect(Array.from(d.bars.volume)).toEqual([300, 11]);
    expect(d.meta).toMatchObject({ id: 'AAPL|1d', timeframe: '1d', rows: 2, origin: 'file', source: 'a.csv — resampled from 1h to 1d (derived, not stored)' });
    expect(() => resampleDataset(meta, b, '30m')).toThrow('AAPL|1h cannot be resampled to 30m (possible: 4h, 1d)');
  });
});

describe('cache layout roles', () => {
  it('ranks the original file patterns', () => {
    expect(cacheRole('AAPL_1d.parquet')).toEqual({ ticker: 'AAPL', timeframe: '1d', rank: 0 });
    expect(cacheRole('AAPL_daily_20060101_20241231.parquet')).toEqual({ ticker: 'AAPL', timeframe: '1d', rank: 1 });
    expect(cacheRole('AAPL_1d.csv')).toEqual({ ticker: 'AAPL', timeframe: '1d', rank: 2 });
    expect(cacheRole('AAPL.csv')).toEqual({ ticker: 'AAPL', timeframe: '1d', rank: 3 });
    expect(cacheRole('AAPL_daily_2006_2024.csv')).toEqual({ ticker: 'AAPL', timeframe: '1d', rank: 4 });
    expect(cacheRole('AAPL_2024.csv')).toEqual({ ticker: 'AAPL', timeframe: '1d', rank: 5 });
    expect(cacheRole('AAPL_1hour_20240101_20241231.parquet')).toEqual({ ticker: 'AAPL', timeframe: '1h', rank: 0 });
    expect(cacheRole('bars_1hour_SPY_AAPL_JPM.csv')).toBeNull();
    expect(cacheRole('AAPL_1h.csv')).toEqual({ ticker: 'AAPL', timeframe: '1h', rank: 11 });
    expect(cacheRole('notes.txt')).toBeNull();
  });

  it('canonical parquet beats legacy parquet in a folder; sidecars pair by name', () => {
    const f = (path: string) => ({ name: path.slice(path.lastIndexOf('/') + 1), path, size: 1, lastModified: 0 });
    const plan = planImport(
      [f('c/AAPL_daily_2006_2024.parquet'), f('c/AAPL_1d.parquet'), f('c/AAPL_1d.meta.json'), f('c/AAPL_daily_2006_2024.meta.json')],
      'folder',
    );
    expect(plan.files).toEqual([{ index: 1, format: 'parquet', nameTicker: 'AAPL', sidecar: { index: 2, kind: 'canonical' } }]);
    expect(plan.skipped).toEqual([{ path: 'c/AAPL_daily_2006_2024.parquet', reason: 'superseded by c/AAPL_1d.parquet (cache layout precedence)' }]);
  });
});
