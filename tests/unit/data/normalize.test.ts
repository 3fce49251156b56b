import { describe, expect, it } from 'vitest';
import { CancelledError, type JobContext } from '../../../src/engine/core/context';
import { FIELD_ALIASES, normalizeHeaderName } from '../../../src/engine/data/header';
import { importCsvChunks, importCsvText, tickerFromFileName } from '../../../src/engine/data/normalize';
import { imp, importError } from './helpers';

const D = (y: number, m: number, d: number) => Date.UTC(y, m - 1, d);

describe('header names', () => {
  it('normalises: trim, lower-case, runs of spaces/hyphens → _', () => {
    expect(normalizeHeaderName('  Adj Close ')).toBe('adj_close');
    expect(normalizeHeaderName('Adj-Close')).toBe('adj_close');
    expect(normalizeHeaderName('ADJ - -  CLOSE')).toBe('adj_close');
    expect(normalizeHeaderName('TS_New-York')).toBe('ts_new_york');
    expect(normalizeHeaderName('adj__close')).toBe('adj__close');
  });

  it('accepts every alias of every field', () => {
    const cols = { open: 2, high: 3, low: 4, close: 5, volume: 6 } as const;
    for (const ts of FIELD_ALIASES.timestamp) {
      for (const tk of FIELD_ALIASES.ticker) {
        const header = [ts, tk, 'o', 'h', 'l', 'c', 'v'].join(',');
        const r = imp(`${header}\n2020-01-02,abc,1,2,0.5,1.5,10\n`);
        expect(r.columns.timestamp).toBe(ts);
        expect(r.columns.ticker).toBe(tk);
        expect(r.tickers[0].ticker).toBe('ABC');
      }
    }
    for (const field of ['open', 'high', 'low', 'close', 'volume'] as const) {
      for (const alias of FIELD_ALIASES[field]) {
        const names = ['date', 'open', 'high', 'low', 'close', 'volume'];
        names[cols[field] - 1] = alias.toUpperCase();
        const r = imp(`${names.join(',')}\n2020-01-02,1,2,0.5,1.5,10\n`, 'X.csv');
        const b = r.tickers[0].bars;
        expect([b.open[0], b.high[0], b.low[0], b.close[0], b.volume[0]]).toEqual([1, 2, 0.5, 1.5, 10]);
      }
    }
    for (const alias of ['Adj Close', 'adjclose', 'Adjusted-Close', 'ADJ_CLOSE']) {
      const r = imp(`date,close,${alias}\n2020-01-02,10,5\n`, 'X.csv');
      expect(r.adjCloseUsed).toBe(true);
      expect(r.columns.adjClose).toBe(alias);
    }
  });

  it('first alias in list order wins, then the leftmost column; other columns are ignored', () => {
    // ts_new_york comes first in the file but ts_utc is earlier in the alias list
    const r = imp('ticker,ts_new_york,ts_utc,close,junk\nA,2020-01-02T09:30:00,2020-01-02T14:30:00Z,1,x\n');
    expect(r.columns.timestamp).toBe('ts_utc');
    const two = imp('date,Date,close\n2020-01-02,2021-01-01,1\n', 'A.csv');
    expect(two.columns.timestamp).toBe('date');
    expect(two.tickers[0].r.ts[0]).toBe(D(2020, 1, 2));
    const oc = imp('date,o,open,close\n2020-01-02,1,2,3\n', 'A.csv');
    expect(oc.columns.open).toBe('open');
    expect(oc.tickers[0].r.open[0]).toBe(2);
  });

  it('requires timestamp and close; a missing open/high/low/volume column is all missing', () => {
    expect(importError('ticker,open,close\nA,1,2\n').message).toBe(
      'test.csv: no timestamp column (accepted names: ts_utc, timestamp, datetime, date, time, ts, ts_new_york; header is: ticker, open, close)',
    );
    expect(importError('ticker,date,open\nA,2020-01-02,1\n').code).toBe('missing_column');
    const r = imp('date,close\n2020-01-02,5\n', 'SPY.csv');
    const f = r.tickers[0];
    expect(Array.from(f.r.open)).toEqual([Number.NaN]);
    expect(Array.from(f.r.volume)).toEqual([Number.NaN]);
    expect(f.c.length).toBe(0);
  });
});

describe('tickers', () => {
  it('splits a multi-ticker file, tickers ascending, upper-cased and trimmed, file order kept', () => {
    const r = imp('symbol,date,close,open,high,low,volume\nmsft ,2020-01-03,2,2,2,2,1\n AAPL,2020-01-02,1,1,1,1,1\nMsft,2020-01-02,3,3,3,3,1\naapl,2020-01-03,4,4,4,4,1\n');
    expect(r.tickers.map((t) => t.ticker)).toEqual(['AAPL', 'MSFT']);
    expect(Array.from(r.tickers[0].r.fileRow)).toEqual([1, 3]);
    expect(Array.from(r.tickers[1].r.close)).toEqual([2, 3]);
    expect(Array.from(r.tickers[1].bars.close)).toEqual([3, 2]);
    expect(r.tickerFromFileName).toBe(false);
  });

  it('takes the ticker from the file name when there is no ticker column', () => {
    expect(tickerFromFileName('MSFT_split.csv')).toBe('MSFT');
    expect(tickerFromFileName('/data/in/brk.b.csv')).toBe('BRK');
    expect(tickerFromFileName('C:\\data\\spy.csv')).toBe('SPY');
    expect(tickerFromFileName('qqq')).toBe('QQQ');
    const r = importCsvText('date,close\n2020-01-02,1\n', { file: '../x/nvda_daily_2020.csv' });
    expect(r.file).toBe('nvda_daily_2020.csv');
    expect(r.tickers.map((t) => t.ticker)).toEqual(['NVDA']);
    expect(r.tickerFromFileName).toBe(true);
  });

  it('rejects empty or invalid tickers naming the row and field', () => {
    const e = importError('Ticker,date,close\nA,2020-01-02,1\n  ,2020-01-03,1\n');
    expect(e.message).toBe('test.csv: row 2 (line 3), field "Ticker": empty ticker');
    expect(importError('ticker,date,close\nA|B,2020-01-02,1\n').code).toBe('bad_ticker');
    expect(importError('date,close\n2020-01-02,1\n', '.csv').message).toContain('file name gives no valid ticker');
    expect(importError('date,close\n2020-01-02,1\n', 'my data.csv').code).toBe('bad_ticker');
  });
});

describe('values', () => {
  it('rescales open/high/low/close by adj_close/close; volume unchanged; flat stays flat', () => {
    const r = imp('date,open,high,low,close,adj close,volume\n2020-01-02,10,12,9,11,5.5,100\n2020-01-03,8,8,8,8,2,50\n', 'A.csv');
    const f = r.tickers[0];
    const f0 = 5.5 / 11;
    expect(Array.from(f.r.open)).toEqual([10 * f0, 8 * (2 / 8)]);
    expect(Array.from(f.r.high)).toEqual([12 * f0, 2]);
    expect(Array.from(f.r.low)).toEqual([9 * f0, 2]);
    expect(f.r.close[0]).toBe(11 * f0);
    expect(Math.abs(f.r.close[0] - 5.5)).toBeLessThanOrEqual(Number.EPSILON * 8);
    expect(Array.from(f.r.volume)).toEqual([100, 50]);
    expect(r.adjCloseUsed).toBe(true);
  });

  it('missing adj or close, or close 0, makes all four prices missing', () => {
    const r = imp('date,open,high,low,close,adj_close,volume\n2020-01-02,1,1,1,1,,5\n2020-01-03,1,1,1,,1,5\n2020-01-06,1,1,1,0,1,5\n2020-01-07,1,1,1,0,0,5\n', 'A.csv');
    const f = r.tickers[0];
    for (const col of [f.r.open, f.r.high, f.r.low, f.r.close]) expect(Array.from(col).every(Number.isNaN)).toBe(true);
    expect(Array.from(f.r.volume)).toEqual([5, 5, 5, 5]);
  });

  it('unparseable or non-finite numbers are missing', () => {
    const r = imp('date,open,high,low,close,volume\n2020-01-02,"1,5",abc,NaN,inf,\n2020-01-03,1e400,-1e999, 2 ,"3",4e0\n', 'A.csv');
    const f = r.tickers[0];
    expect([f.r.open[0], f.r.high[0], f.r.low[0], f.r.close[0], f.r.volume[0]].every(Number.isNaN)).toBe(true);
    expect([f.r.open[1], f.r.high[1], f.r.low[1], f.r.close[1], f.r.volume[1]]).toEqual([Number.NaN, Number.NaN, 2, 3, 4]);
  });
});

describe('timestamps', () => {
  it('a file with only midnight times is daily: written date, time and offset ignored', () => {
    const r = imp('date,close,volume,open,high,low\n2020-01-02T00:00:00-05:00,1,1,1,1,1\n2020-01-03 00:00,1,1,1,1,1\n2020-01-06T00:00:00Z,1,1,1,1,1\n2020-01-07,1,1,1,1,1\n', 'A.csv');
    expect(r.kind).toBe('daily');
    expect(r.timeframe).toBe('1d');
    expect(Array.from(r.tickers[0].bars.ts)).toEqual([D(2020, 1, 2), D(2020, 1, 3), D(2020, 1, 6), D(2020, 1, 7)]);
  });

  it('one non-midnight time makes the file intraday; no offset = America/New_York', () => {
    const text = [
      'ticker,datetime,close',
      'A,2021-03-12 09:30,1', // EST  → 14:30Z
      'A,2021-03-15 09:30:00,1', // EDT → 13:30Z (after the 2nd Sunday of March)
      'A,2021-03-15T10:00:00Z,1',
      'A,2021-03-15T10:00:00+01:00,1',
      'A,2021-03-15T10:00:00-0230,1',
      'A,2021-11-05,1', // date only → midnight New York (EDT) → 04:00Z
      'A,2021-11-08T09:30,1', // EST again after the first Sunday of November
      'A,2006-04-03T09:30,1', // 1987–2006 rule: EDT from Apr 2
      'A,2006-03-13T09:30,1', // EST under the old rule (EDT under the 2007 rule)
      'A,2006-10-30T09:30,1', // EST from Oct 29, 2006
    ].join('\n');
    const r = imp(text);
    expect(r.kind).toBe('intraday');
    const ts = Array.from(r.tickers[0].r.ts);
    expect(ts).toEqual([
      Date.UTC(2021, 2, 12, 14, 30),
      Date.UTC(2021, 2, 15, 13, 30),
      Date.UTC(2021, 2, 15, 10, 0),
      Date.UTC(2021, 2, 15, 9, 0),
      Date.UTC(2021, 2, 15, 12, 30),
      Date.UTC(2021, 10, 5, 4, 0),
      Date.UTC(2021, 10, 8, 14, 30),
      Date.UTC(2006, 3, 3, 13, 30),
      Date.UTC(2006, 2, 13, 14, 30),
      Date.UTC(2006, 9, 30, 14, 30),
    ]);
  });

  it('the session date is the New York date of the instant', () => {
    const r = imp('ticker,ts_utc,open,high,low,close,volume\nA,2021-06-01T03:30:00Z,1,1,1,1,1\nA,2021-06-01T04:30:00Z,1,1,1,1,1\nA,2021-12-01T04:30:00Z,1,1,1,1,1\nA,2021-12-01T05:30:00Z,1,1,1,1,1\n');
    const days = Array.from(r.tickers[0].sessionDays, (d) => new Date(d * 86_400_000).toISOString().slice(0, 10));
    expect(days).toEqual(['2021-05-31', '2021-06-01', '2021-11-30', '2021-12-01']);
  });

  it('drops and counts bad timestamps per ticker', () => {
    const r = imp('ticker,date,close\nA,2020-01-02,1\nA,2020-02-30,1\nB,,1\nB,2020-01-02,1\nB,Jan 3,1\n');
    expect(r.badTimestamps).toBe(3);
    expect(r.tickers.map((t) => [t.ticker, t.r.ts.length, Array.from(t.badTimestampRows)])).toEqual([
      ['A', 1, [1]],
      ['B', 1, [2, 4]],
    ]);
  });
});

describe('frames S and C', () => {
  const csv = [
    'ticker,date,open,high,low,close,volume',
    'A,2020-01-03,1,1,1,30,1', // row 0
    'A,2020-01-02,1,1,1,20,1', // row 1 (out of order)
    'A,2020-01-03,1,1,1,31,1', // row 2: correction of row 0
    'A,2020-01-06,1,1,1,,1', // row 3: missing close → not in C
    'A,2020-01-07,1,1,1,-2,1', // row 4: negative price → not in C
    'A,2020-01-08,1,1,1,5,-1', // row 5: negative volume → not in C
    'A,2020-01-09,1,1,1,6,0', // row 6: zero volume stays
    'A,2020-01-10,2,1,3,7,1', // row 7: OHLC violation stays
    'A,2020-01-03,1,1,1,32,1', // row 8: second correction: keep last
  ].join('\n');

  it('S sorts stably and keeps the last duplicate; C drops missing, non-positive and negative-volume rows', () => {
    const f = imp(csv).tickers[0];
    expect(Array.from(f.s, (k) => f.r.fileRow[k])).toEqual([1, 8, 3, 4, 5, 6, 7]);
    expect(Array.from(f.c, (k) => f.r.fileRow[k])).toEqual([1, 8, 6, 7]);
    expect(Array.from(f.bars.close)).toEqual([20, 32, 6, 7]);
    expect(Array.from(f.bars.ts)).toEqual([D(2020, 1, 2), D(2020, 1, 3), D(2020, 1, 9), D(2020, 1, 10)]);
    expect(Array.from(f.bars.volume)).toEqual([1, 1, 0, 1]);
  });

  it('sorts a clean unsorted file whose last row is also the latest', () => {
    const f = imp('date,open,high,low,close,volume\n2020-01-03,1,1,1,3,1\n2020-01-02,1,1,1,2,1\n2020-01-06,1,1,1,6,1\n', 'A.csv').tickers[0];
    expect(Array.from(f.bars.close)).toEqual([2, 3, 6]);
    expect(Array.from(f.c)).toEqual([1, 0, 2]);
  });

  it('reports progress per chunk and stops when cancelled', async () => {
    const bytes = new TextEncoder().encode(csv);
    const chunks = [bytes.subarray(0, 100), bytes.subarray(100, 200), bytes.subarray(200)];
    const seen: number[] = [];
    const signal = { cancelled: false };
    const ctx: JobContext = {
      signal,
      progress: (f) => seen.push(f),
      yield: () => Promise.resolve(),
    };
    await importCsvChunks(chunks, { file: 'a.csv', totalBytes: bytes.length }, ctx);
    expect(seen).toEqual([100 / bytes.length, 200 / bytes.length, 1, 1]);
    const cancelling: JobContext = {
      ...ctx,
      progress: () => {
        signal.cancelled = true;
      },
    };
    await expect(importCsvChunks(chunks, { file: 'a.csv', totalBytes: bytes.length }, cancelling)).rejects.toBeInstanceOf(
      CancelledError,
    );
  });

  it('streams byte chunks to the same result as one string', async () => {
    const bytes = new TextEncoder().encode(csv);
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 100), bytes.subarray(100)];
    const a = await importCsvChunks(chunks, { file: 'test.csv' });
    const b = imp(csv);
    expect(a.tickers[0].bars).toEqual(b.tickers[0].bars);
  });
});

describe('errors', () => {
  it('names the file for empty files, header-only files and wrong delimiters', () => {
    expect(importError('', 'x.csv').message).toBe('x.csv: empty file (no header row)');
    expect(importError('date,close\n\n', 'x.csv').message).toBe('x.csv: the file has a header but no data rows');
    expect(importError('date;close\n2020-01-02;1\n', 'file.csv').message).toBe(
      'file.csv: line 1: expected comma-separated columns; the header looks semicolon-separated',
    );
    expect(importError('date,close\n2020-01-02,1,2\n', 'x.csv').message).toBe(
      'x.csv: row 1 (line 2): 3 fields, but the header has 2',
    );
  });
});

describe('timeframe', () => {
  const bars = (times: string[]) =>
    ['ticker,datetime,open,high,low,close,volume', ...times.map((t, i) => `A,${t},1,1,1,${1 + i / 100},1`)].join('\n');

  it('detects the median spacing within sessions, ignoring overnight gaps', () => {
    const hourly = bars(['2021-03-01 09:30', '2021-03-01 10:00', '2021-03-01 11:00', '2021-03-01 12:00', '2021-03-02 09:30', '2021-03-02 10:00', '2021-03-02 11:00']);
    expect(imp(hourly).timeframe).toBe('1h');
    const fives = bars(['2021-03-01 09:30', '2021-03-01 09:35', '2021-03-01 09:40', '2021-03-01 09:50', '2021-03-02 09:30', '2021-03-02 09:35']);
    expect(imp(fives).timeframe).toBe('5m');
    const fourh = bars(['2021-03-01 09:30', '2021-03-01 13:30', '2021-03-02 09:30', '2021-03-02 13:30']);
    expect(imp(fourh).timeframe).toBe('4h');
    expect(imp(bars(['2021-03-01 16:00', '2021-03-02 16:00'])).timeframe).toBe('1d');
    expect(imp('date,close\n2020-01-02,1\n', 'A.csv').timeframe).toBe('1d');
  });

  it('accepts a consistent override and rejects one that contradicts the data', () => {
    const hourly = bars(['2021-03-01 09:30', '2021-03-01 10:30']);
    const r = importCsvText(hourly, { file: 'a.csv', timeframe: '30m' });
    expect([r.timeframe, r.detectedTimeframe]).toEqual(['30m', '1h']);
    expect(() => importCsvText(hourly, { file: 'a.csv', timeframe: '1d' })).toThrow(/resample it to daily/);
    expect(() => importCsvText('date,close\n2020-01-02,1\n', { file: 'A.csv', timeframe: '1h' })).toThrow(
      /dates without times/,
    );
  });
});
