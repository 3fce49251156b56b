// Parquet import with hyparquet (no DuckDB, no network): files written by `qe import`'s writer
// (barsToParquet) from real CSVs, the real DuckDB-written (ZSTD) Parquet files of the shared
// data, hand-built schemas (DATE, zone-less and pandas tz-aware timestamps, nulls, strings in a
// price column) and the failures that must name the file and column.
import 'fake-indexeddb/auto';
import { gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import type { Bars } from '../../../src/engine/contracts';
import { ImportError } from '../../../src/engine/data/errors';
import { importCsvText } from '../../../src/engine/data/normalize';
import { getArtifact } from '../../../src/storage/artifacts';
import { listDatasets, loadDataset, putDataset } from '../../../src/storage/datasets';
import { barsToParquet } from '../../../src/storage/parquet';
import { type ImportFileData, importFiles } from '../../../src/storage/sources/file-import';
import { qualityArtifactKey, type QualityArtifact } from '../../../src/storage/sources/import-types';
import { freshDb, input, makeBars } from '../storage/helpers';
import { bitsEqual, readReal, realFile } from './helpers';

const AT = '2026-03-01T12:00:00.000Z';
const opts = { mode: 'files' as const, storedAt: AT };

function bytesFile(name: string, buf: ArrayBuffer): ImportFileData {
  return { name, path: name, size: buf.byteLength, lastModified: 0, bytes: buf };
}

/** Clean bars per ticker of a real CSV, through the engine's CSV importer (the reference). */
function csvBars(rel: string): Map<string, Bars> {
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  return new Map(importCsvText(readReal(rel), { file: name }).tickers.map((t) => [t.ticker, t.bars]));
}

const DAILY_TICKERS = [
  'AAPL', 'ABBV', 'AMZN', 'BA', 'BAC', 'CAT', 'CMCSA', 'COST', 'CVX', 'DIS', 'GE', 'GOOGL', 'GS', 'HD', 'JNJ', 'JPM',
  'LIN', 'LLY', 'MCD', 'META', 'MSFT', 'NEE', 'NVDA', 'ORCL', 'PFE', 'PG', 'PLD', 'SPY', 'TSLA', 'UNH', 'XOM',
];

describe('Parquet written by barsToParquet (qe import / app export) reads back to the same bars', () => {
  it('daily MSFT: CSV → clean frame → Parquet → import gives bit-identical bars, and the file has the documented schema', async () => {
    const direct = importCsvText(readReal('daily/csv/MSFT.csv'), { file: 'MSFT.csv' }).tickers[0].bars;
    const pq = barsToParquet('MSFT', direct, 'daily');
    const md = parquetMetadata(pq);
    expect(md.schema.slice(1).map((e) => [e.name, e.type, e.converted_type ?? null])).toEqual([
      ['ticker', 'BYTE_ARRAY', 'UTF8'],
      ['date', 'INT64', 'TIMESTAMP_MILLIS'],
      ['open', 'DOUBLE', null],
      ['high', 'DOUBLE', null],
      ['low', 'DOUBLE', null],
      ['close', 'DOUBLE', null],
      ['volume', 'DOUBLE', null],
    ]);
    const db = await freshDb();
    const { metas, info } = await importFiles(db, [bytesFile('MSFT_1d.parquet', pq)], opts);
    expect(metas.map((m) => [m.id, m.rows, m.source])).toEqual([['MSFT|1d', direct.ts.length, 'MSFT_1d.parquet']]);
    expect(info.files[0]).toMatchObject({ format: 'parquet', rows: direct.ts.length, tickers: ['MSFT'], timeframe: '1d' });
    expect(bitsEqual((await loadDataset(db, 'MSFT|1d')).bars, direct)).toBe(true);
  });

  it('intraday (1h, three tickers): one Parquet per ticker imports to the CSV bars, timeframe detected as 1h', async () => {
    const ref = csvBars('intraday/bars_1hour_SPY_AAPL_JPM.csv');
    const files = [...ref].map(([t, bars]) => bytesFile(`${t}_1h.parquet`, barsToParquet(t, bars, 'intraday')));
    const db = await freshDb();
    const { metas } = await importFiles(db, files, opts);
    expect(metas.map((m) => m.id)).toEqual(['AAPL|1h', 'JPM|1h', 'SPY|1h']);
    for (const [t, bars] of ref) expect(bitsEqual((await loadDataset(db, `${t}|1h`)).bars, bars), t).toBe(true);
  });
});

describe('real Parquet files of the shared data (DuckDB 1.5, ZSTD pages)', () => {
  it('daily_bars_31.parquet (ticker, DATE, doubles; 2 row groups) imports 31 datasets identical to the 31 CSVs', async () => {
    const f = realFile('daily/daily_bars_31.parquet');
    const md = parquetMetadata(f.bytes as ArrayBuffer);
    // what the file is (inspected with parquetMetadata): so the test fails loudly if it changes
    expect(md.schema.slice(1).map((e) => `${e.name}:${e.type}:${e.converted_type ?? ''}`)).toEqual([
      'ticker:BYTE_ARRAY:UTF8',
      'date:INT32:DATE',
      'open:DOUBLE:',
      'high:DOUBLE:',
      'low:DOUBLE:',
      'close:DOUBLE:',
      'volume:DOUBLE:',
    ]);
    expect(new Set(md.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)))).toEqual(new Set(['ZSTD']));
    expect(md.row_groups.length).toBe(2);

    const db = await freshDb();
    const { metas, info } = await importFiles(db, [f], opts);
    expect(metas.map((m) => m.ticker)).toEqual(DAILY_TICKERS);
    expect(info.files[0]).toMatchObject({ format: 'parquet', rows: Number(md.num_rows), timeframe: '1d' });
    for (const t of DAILY_TICKERS) {
      const expected = csvBars(`daily/csv/${t}.csv`).get(t) as Bars;
      const stored = (await loadDataset(db, `${t}|1d`)).bars;
      expect(bitsEqual(stored, expected), t).toBe(true);
    }
    // the quality report is computed on the Parquet input as on the CSV
    const msft = metas.find((m) => m.ticker === 'MSFT');
    const q = (await getArtifact(db, qualityArtifactKey('MSFT|1d', msft?.checksum ?? '')))?.value as unknown as QualityArtifact;
    expect(q.input).toBe('daily_bars_31.parquet');
    expect(q.report.status).toBe(msft?.quality);
  });

  it('bars_1hour_SPY_AAPL_JPM.parquet (UTC-adjusted TIMESTAMP_MICROS column "ts") imports to the CSV bars', async () => {
    const f = realFile('intraday/bars_1hour_SPY_AAPL_JPM.parquet');
    const md = parquetMetadata(f.bytes as ArrayBuffer);
    expect(md.schema[2]).toMatchObject({ name: 'ts', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' } });
    const db = await freshDb();
    const { metas } = await importFiles(db, [f], opts);
    expect(metas.map((m) => [m.id, m.rows])).toEqual([
      ['AAPL|1h', 18166],
      ['JPM|1h', 18166],
      ['SPY|1h', 18159],
    ]);
    for (const [t, bars] of csvBars('intraday/bars_1hour_SPY_AAPL_JPM.csv')) {
      expect(bitsEqual((await loadDataset(db, `${t}|1h`)).bars, bars), t).toBe(true);
    }
  });
});

describe('Parquet column types', () => {
  const days = [19724, 19725, 19726]; // 2024-01-02 .. 2024-01-04
  const prices = { open: [10, 11, 12], high: [11, 12, 13], low: [9, 10, 11], close: [10.5, 11.5, 12.5], volume: [100, 200, 300] };
  /** untyped: these tests give the writer a schema */
  const priceColumns = Object.entries(prices).map(([name, data]) => ({ name, data: Float64Array.from(data) }));

  it('a DATE column (INT32 days) is a daily date', async () => {
    const pq = parquetWriteBuffer({
      columnData: [{ name: 'Date', data: Int32Array.from(days) }, ...priceColumns],
      schema: [
        { name: 'root', num_children: 6 },
        { name: 'Date', type: 'INT32', converted_type: 'DATE', repetition_type: 'REQUIRED' },
        ...Object.keys(prices).map((name) => ({ name, type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const })),
      ],
    });
    const db = await freshDb();
    const { metas } = await importFiles(db, [bytesFile('QQQ.parquet', pq)], opts);
    expect(metas.map((m) => [m.id, m.first, m.last])).toEqual([['QQQ|1d', '2024-01-02T00:00:00.000Z', '2024-01-04T00:00:00.000Z']]);
    expect(Array.from((await loadDataset(db, 'QQQ|1d')).bars.close)).toEqual(prices.close);
  });

  it('a timestamp without UTC adjustment is a New York wall clock; a pandas index with its zone in the metadata keeps local dates', async () => {
    // 09:30 and 10:30 wall clock on 2024-01-02, stored as if UTC (isAdjustedToUTC = false)
    const wall = [Date.UTC(2024, 0, 2, 9, 30), Date.UTC(2024, 0, 2, 10, 30), Date.UTC(2024, 0, 2, 11, 30)].map((ms) => BigInt(ms) * 1000n);
    const naive = parquetWriteBuffer({
      columnData: [{ name: 'ticker', data: ['IWM', 'IWM', 'IWM'] }, { name: 'datetime', data: BigInt64Array.from(wall) }, ...priceColumns],
      schema: [
        { name: 'root', num_children: 7 },
        { name: 'ticker', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' },
        { name: 'datetime', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' }, repetition_type: 'REQUIRED' },
        ...Object.keys(prices).map((name) => ({ name, type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const })),
      ],
    });
    const db = await freshDb();
    await importFiles(db, [bytesFile('iwm.parquet', naive)], opts);
    const iwm = await loadDataset(db, 'IWM|1h');
    // January: New York is UTC−5
    expect(Array.from(iwm.bars.ts, (t) => new Date(t).toISOString())).toEqual([
      '2024-01-02T14:30:00.000Z',
      '2024-01-02T15:30:00.000Z',
      '2024-01-02T16:30:00.000Z',
    ]);

    // pandas: tz-aware DatetimeIndex (Asia/Tokyo, local midnight) written as `__index_level_0__`; its
    // UTC instants fall on the previous day (15:00 UTC), so only the recorded zone gives the right dates
    const midnights = days.map((d) => BigInt(d * 86_400_000 - 9 * 3_600_000) * 1_000_000n);
    const pandasMeta = {
      index_columns: ['__index_level_0__'],
      columns: [{ name: null, field_name: '__index_level_0__', pandas_type: 'datetimetz', numpy_type: 'datetime64[ns]', metadata: { timezone: 'Asia/Tokyo' } }],
    };
    const indexed = parquetWriteBuffer({
      columnData: [...priceColumns, { name: '__index_level_0__', data: BigInt64Array.from(midnights) }],
      schema: [
        { name: 'schema', num_children: 6 },
        ...Object.keys(prices).map((name) => ({ name, type: 'DOUBLE' as const, repetition_type: 'REQUIRED' as const })),
        { name: '__index_level_0__', type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'NANOS' }, repetition_type: 'REQUIRED' },
      ],
      kvMetadata: [{ key: 'pandas', value: JSON.stringify(pandasMeta) }],
    });
    const { metas } = await importFiles(db, [bytesFile('DIA_1d.parquet', indexed)], opts);
    expect(metas.map((m) => [m.id, m.first, m.last])).toEqual([['DIA|1d', '2024-01-02T00:00:00.000Z', '2024-01-04T00:00:00.000Z']]);
  });

  it('nulls and text in a price column are missing values in the quality report (rows named), as in a CSV', async () => {
    const col = (name: string, data: number[]) => ({ name, data: Float64Array.from(data), type: 'DOUBLE' as const });
    const pq = parquetWriteBuffer({
      columnData: [
        { name: 'date', data: [2, 3, 4, 5].map((d) => new Date(Date.UTC(2024, 0, d))), type: 'TIMESTAMP' },
        col('open', [10, 11, 12, 13]),
        col('high', [10, 11, 12, 13]),
        { name: 'low', data: ['10', '11', '12.5x', '13'], type: 'STRING' },
        { name: 'close', data: [10, null, 12, 13], type: 'DOUBLE', nullable: true },
        col('volume', [1, 2, 3, 4]),
      ],
    });
    const db = await freshDb();
    const { metas } = await importFiles(db, [bytesFile('NUL.parquet', pq)], opts);
    expect(metas.map((m) => [m.id, m.rows])).toEqual([['NUL|1d', 2]]);
    expect(Array.from((await loadDataset(db, 'NUL|1d')).bars.close)).toEqual([10, 13]);
    const q = (await getArtifact(db, qualityArtifactKey('NUL|1d', metas[0].checksum)))?.value as unknown as QualityArtifact;
    expect(q.rows['missing_values.close'].file).toEqual([1]);
    expect(q.rows['missing_values.low'].file).toEqual([2]);
  });
});

describe('Parquet failures name the file (and column) and store nothing', () => {
  it('garbage, an unknown codec, an unsupported column type, no usable column, text in prices', async () => {
    const db = await freshDb();
    const before = await putDataset(db, input('AAPL', makeBars(30)));
    const fail = (f: ImportFileData) => importFiles(db, [f], opts).then(() => 'imported', (e: Error) => e.message);

    expect(await fail(bytesFile('junk.parquet', new TextEncoder().encode('date,close\n2024-01-02,1\n').buffer as ArrayBuffer))).toMatch(
      /^junk\.parquet: not a readable Parquet file \(parquet file invalid/,
    );
    const base = { columnData: [{ name: 'date', data: [new Date(Date.UTC(2024, 0, 2))], type: 'TIMESTAMP' as const }] };
    const gz = parquetWriteBuffer({
      columnData: [...base.columnData, { name: 'close', data: Float64Array.of(1), type: 'DOUBLE' }],
      codec: 'GZIP',
      compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)) },
    });
    expect(await fail(bytesFile('gz.parquet', gz))).toBe(
      'gz.parquet: column "date" is compressed with GZIP, which the importer does not decode (it reads uncompressed, Snappy and ZSTD Parquet); re-save the file with snappy or zstd compression',
    );
    const json = parquetWriteBuffer({ columnData: [...base.columnData, { name: 'close', data: [{ v: 1 }], type: 'JSON' }] });
    expect(await fail(bytesFile('json.parquet', json))).toBe('json.parquet: column "close" has an unsupported type (Parquet JSON)');
    const none = parquetWriteBuffer({ columnData: [{ name: 'when', data: [1], type: 'DOUBLE' }, { name: 'price', data: [1], type: 'DOUBLE' }] });
    expect(await fail(bytesFile('none.parquet', none))).toBe('none.parquet: no column has an accepted name (header is: when, price)');
    const text = parquetWriteBuffer({
      columnData: [...base.columnData, { name: 'close', data: ['12.5x'], type: 'STRING' }, { name: 'volume', data: [1], type: 'DOUBLE' }],
    });
    const err = await importFiles(db, [bytesFile('TXT.parquet', text)], opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toMatch(/^TXT\.parquet: ticker TXT has no usable bars/);

    expect(await listDatasets(db)).toEqual([before]);
  });
});
