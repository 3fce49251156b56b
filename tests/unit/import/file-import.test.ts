// Import of real files into the durable store (fake-indexeddb): formats, splitting, atomicity,
// quota, cancel, folder layout with sidecars, quality artifacts with offending rows.
import 'fake-indexeddb/auto';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/engine/data/errors';
import { importCsvText } from '../../../src/engine/data/normalize';
import { getArtifact } from '../../../src/storage/artifacts';
import { listDatasets, loadDataset, putDataset } from '../../../src/storage/datasets';
import { StorageQuotaError } from '../../../src/storage/errors';
import { type ImportFileData, importFiles } from '../../../src/storage/sources/file-import';
import { qualityArtifactKey, type QualityArtifact } from '../../../src/storage/sources/import-types';
import { barsToCsv } from '../../../src/workers/dataset-export';
import { freshDb, input, makeBars, quotaAfter } from '../storage/helpers';
import { bitsEqual, readReal, realFile, testContext, textFile } from './helpers';

const AT = '2026-03-01T12:00:00.000Z';
const opts = { mode: 'files' as const, storedAt: AT };

describe('import: formats on real files', () => {
  it('imports a close-only daily CSV (AAPL): one dataset, quality warn with flat_bars, bars identical to the engine', async () => {
    const db = await freshDb();
    const { metas, info } = await importFiles(db, [realFile('daily/csv/AAPL.csv')], opts);
    expect(metas.map((m) => m.id)).toEqual(['AAPL|1d']);
    const m = metas[0];
    expect(m).toMatchObject({ origin: 'file', source: 'AAPL.csv', rows: 5032, quality: 'warn', storedAt: AT });
    expect(m.first).toBe('2006-02-21T00:00:00.000Z');
    expect(m.last).toBe('2026-02-20T00:00:00.000Z');
    const direct = importCsvText(readReal('daily/csv/AAPL.csv'), { file: 'AAPL.csv' }).tickers[0].bars;
    expect(bitsEqual((await loadDataset(db, 'AAPL|1d')).bars, direct)).toBe(true);
    const q = (await getArtifact(db, qualityArtifactKey('AAPL|1d', m.checksum)))?.value as unknown as QualityArtifact;
    expect(q.report.status).toBe('warn');
    const issues = q.report.issues as { check: string; level: string; value: number }[];
    // 4748 rows with o == h == l == c (counted independently with awk on the file)
    expect(issues).toContainEqual({ check: 'flat_bars', level: 'warn', value: 4748 });
    expect(q.rows.flat_bars.file.length).toBe(4748);
    // the file is sorted, unique and clean: file row i is stored bar i
    expect(q.rows.flat_bars.bars).toEqual(q.rows.flat_bars.file);
    expect(info.files).toEqual([{ path: 'AAPL.csv', format: 'csv', rows: 5032, tickers: ['AAPL'], timeframe: '1d', sidecar: null }]);
  });

  it('splits a multi-ticker intraday file per ticker with the detected timeframe (1h)', async () => {
    const db = await freshDb();
    const { metas } = await importFiles(db, [realFile('intraday/bars_1hour_SPY_AAPL_JPM.csv')], opts);
    expect(metas.map((m) => [m.id, m.rows])).toEqual([
      ['AAPL|1h', 18166],
      ['JPM|1h', 18166],
      ['SPY|1h', 18159],
    ]);
    expect(metas.every((m) => m.source === 'bars_1hour_SPY_AAPL_JPM.csv')).toBe(true);
    const aapl = (await loadDataset(db, 'AAPL|1h')).bars;
    expect(new Date(aapl.ts[0]).toISOString()).toBe('2015-10-12T13:30:00.000Z');
  });

  it('imports a CRSP export with extra columns (SPY with permno, ret, dlret …)', async () => {
    const db = await freshDb();
    const { metas } = await importFiles(db, [realFile('daily/SPY_crsp_84398.csv')], opts);
    expect(metas.map((m) => [m.id, m.rows])).toEqual([['SPY|1d', 3487]]);
  });

  it('applies Adj Close to all four prices for a Yahoo-style header (Date,Open,High,Low,Close,Adj Close,Volume)', async () => {
    const db = await freshDb();
    const text = 'Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,12,9,11,5.5,100\n2024-01-03,11,13,10,12,6,200\n';
    await importFiles(db, [textFile('MSFT.csv', text)], opts);
    const b = (await loadDataset(db, 'MSFT|1d')).bars;
    expect(Array.from(b.open)).toEqual([5, 5.5]);
    expect(Array.from(b.high)).toEqual([6, 6.5]);
    expect(Array.from(b.low)).toEqual([4.5, 5]);
    expect(Array.from(b.close)).toEqual([5.5, 6]);
    expect(Array.from(b.volume)).toEqual([100, 200]);
  });

  it('imports Arrow IPC (file and stream) to the same bars as the CSV it was built from', async () => {
    const csv = readReal('daily/csv/MSFT.csv').trim().split('\n').slice(1);
    const col = (i: number) => Float64Array.from(csv, (l) => Number(l.split(',')[i]));
    // Date32 values are epoch days; apache-arrow builds them from Date objects
    const table = tableFromArrays({
      Date: csv.map((l) => new Date(`${l.split(',')[1]}T00:00:00Z`)),
      Open: col(2),
      High: col(3),
      Low: col(4),
      Close: col(5),
      Volume: col(6),
    });
    const direct = importCsvText(readReal('daily/csv/MSFT.csv'), { file: 'MSFT.csv' }).tickers[0].bars;
    for (const fmt of ['file', 'stream'] as const) {
      const db = await freshDb();
      const bytes = tableToIPC(table, fmt);
      const f: ImportFileData = { name: `MSFT.${fmt === 'file' ? 'arrow' : 'arrows'}`, path: 'x', size: bytes.byteLength, lastModified: 0, bytes: bytes.slice().buffer };
      const { metas } = await importFiles(db, [f], opts);
      expect(metas.map((m) => m.id)).toEqual(['MSFT|1d']);
      expect(bitsEqual((await loadDataset(db, 'MSFT|1d')).bars, direct)).toBe(true);
    }
  });

  it('imports Parquet in-process (hyparquet, no DuckDB) and names the file when it is not Parquet', async () => {
    const db = await freshDb();
    const f = (name: string, buf: ArrayBuffer): ImportFileData => ({ name, path: name, size: buf.byteLength, lastModified: 0, bytes: buf });
    const pq = parquetWriteBuffer({
      columnData: [
        { name: 'ticker', data: ['QQQ', 'QQQ'], type: 'STRING' },
        { name: 'ts_utc', data: [new Date('2024-01-02T14:30:00Z'), new Date('2024-01-02T15:30:00Z')], type: 'TIMESTAMP' },
        ...['open', 'high', 'low', 'close'].map((name) => ({ name, data: Float64Array.from([1, 2]), type: 'DOUBLE' as const })),
        { name: 'volume', data: Float64Array.from([5, 6]), type: 'DOUBLE' },
      ],
    });
    const { metas } = await importFiles(db, [f('qqq.parquet', pq)], opts);
    expect(metas.map((m) => [m.id, m.rows, m.first])).toEqual([['QQQ|1h', 2, '2024-01-02T14:30:00.000Z']]);
    await expect(importFiles(db, [f('bad.parquet', new Uint8Array([80, 65, 82, 49]).buffer)], opts)).rejects.toThrow(
      /^bad\.parquet: not a readable Parquet file/,
    );
  });

  it('rejects files it cannot read, naming the file', async () => {
    const db = await freshDb();
    await expect(importFiles(db, [textFile('notes.txt', 'hello')], opts)).rejects.toThrow(/^notes\.txt: not a CSV, Parquet or Arrow IPC file/);
    const garbage: ImportFileData = { name: 'x.arrow', path: 'x.arrow', size: 3, lastModified: 0, bytes: new Uint8Array([1, 2, 3]).buffer };
    await expect(importFiles(db, [garbage], opts)).rejects.toThrow(/^x\.arrow: not a readable Arrow IPC file/);
    const huge = { ...textFile('BIG.csv', 'date,close\n'), size: 2 * 1024 ** 3 };
    await expect(importFiles(db, [huge], opts)).rejects.toThrow(/^BIG\.csv: 2\.0 GB is larger than the 1 GB/);
    expect(await listDatasets(db)).toEqual([]);
  });
});

describe('import: atomicity', () => {
  it('a failure in a later file stores nothing and leaves earlier datasets intact', async () => {
    const db = await freshDb();
    const before = await putDataset(db, input('AAPL', makeBars(30)));
    const bad = textFile('BAD.csv', 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1,10\n2024-01-03,1,2,0.5\n');
    const err = await importFiles(db, [realFile('daily/csv/AAPL.csv'), realFile('daily/csv/MSFT.csv'), bad], opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as Error).message).toBe('BAD.csv: row 2 (line 3): 4 fields, but the header has 6');
    const list = await listDatasets(db);
    expect(list).toEqual([before]);
    expect((await loadDataset(db, 'AAPL|1d')).meta.checksum).toBe(before.checksum);
  });

  it('a refused write (quota) becomes StorageQuotaError and the catalog is unchanged', async () => {
    const db = await freshDb();
    const before = await putDataset(db, input('AAPL', makeBars(30)));
    const full = quotaAfter(db, 'catalog', 0);
    const err = await importFiles(full, [realFile('daily/csv/AAPL.csv'), realFile('daily/csv/MSFT.csv')], opts).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as Error).message).toMatch(/^Browser storage is full: could not save 2 imported datasets; earlier data is unchanged/);
    expect(await listDatasets(db)).toEqual([before]);
    expect((await loadDataset(db, 'AAPL|1d')).meta.checksum).toBe(before.checksum);
  });

  it('a cancel between chunks stores nothing', async () => {
    const db = await freshDb();
    const ctx = testContext(3);
    const err = await importFiles(db, [realFile('intraday/bars_1hour_SPY_AAPL_JPM.csv')], opts, ctx).catch((e: unknown) => e);
    expect((err as Error).name).toBe('CancelledError');
    expect(await listDatasets(db)).toEqual([]);
  });

  it('re-import replaces the dataset and its quality artifact in one step', async () => {
    const db = await freshDb();
    const one = await importFiles(db, [textFile('ZZ.csv', 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1,10\n')], opts);
    const two = await importFiles(db, [textFile('ZZ.csv', 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1,10\n2024-01-03,1,2,0.5,1.5,0\n')], opts);
    expect(one.info.datasets[0].replaced).toBe(false);
    expect(two.info.datasets[0].replaced).toBe(true);
    expect((await loadDataset(db, 'ZZ|1d')).meta.rows).toBe(2);
    expect(await getArtifact(db, qualityArtifactKey('ZZ|1d', one.metas[0].checksum))).toBeUndefined();
    expect(await getArtifact(db, qualityArtifactKey('ZZ|1d', two.metas[0].checksum))).toBeDefined();
  });

  it('two inputs with the same (ticker, timeframe) are refused before anything is stored', async () => {
    const db = await freshDb();
    const a = textFile('AAPL.csv', 'date,close,open,high,low,volume\n2024-01-02,1,1,1,1,1\n');
    const b = textFile('AAPL_prices.csv', 'date,close,open,high,low,volume\n2024-01-02,1,1,1,1,1\n');
    await expect(importFiles(db, [a, b], opts)).rejects.toThrow('AAPL|1d comes from both AAPL.csv and AAPL_prices.csv');
    expect(await listDatasets(db)).toEqual([]);
  });
});

describe('import: quality artifact rows', () => {
  it('maps every offending file row to its stored bar (−1 when not stored)', async () => {
    const db = await freshDb();
    // rows (0-based): 0 ok; 1 zero volume; 2 missing close; 3 duplicate of row 0's date (last wins); 4 flat bar
    const text = [
      'date,open,high,low,close,volume',
      '2024-01-02,10,11,9,10.5,100',
      '2024-01-03,10,11,9,10.5,0',
      '2024-01-04,10,11,9,,100',
      '2024-01-02,10,12,9,11,150',
      '2024-01-05,10,10,10,10,100',
    ].join('\n');
    const { metas } = await importFiles(db, [textFile('QQ.csv', text)], opts);
    const m = metas[0];
    expect(m.rows).toBe(3); // C = [2024-01-02 (row 3), 2024-01-03 (row 1), 2024-01-05 (row 4)]
    const q = (await getArtifact(db, qualityArtifactKey(m.id, m.checksum)))?.value as unknown as QualityArtifact;
    expect(q.rows.zero_volume).toEqual({ file: [1], bars: [1], truncated: 0 });
    expect(q.rows['missing_values.close']).toEqual({ file: [2], bars: [-1], truncated: 0 });
    expect(q.rows.duplicate_timestamps).toEqual({ file: [3], bars: [0], truncated: 0 });
    expect(q.rows.flat_bars).toEqual({ file: [4], bars: [2], truncated: 0 });
    expect(q.report.duplicate_timestamps).toBe(1);
    expect(q.report.non_monotonic_steps).toBe(1);
  });

  it('export CSV round-trips to the same stored bars', async () => {
    const db = await freshDb();
    const { metas } = await importFiles(db, [realFile('intraday/bars_1hour_SPY_AAPL_JPM.csv')], opts);
    const jpm = await loadDataset(db, 'JPM|1h');
    const csv = barsToCsv('JPM', '1h', jpm.bars);
    expect(csv.startsWith('ticker,ts_utc,open,high,low,close,volume\r\nJPM,2015-10-12T13:30:00Z,')).toBe(true);
    const db2 = await freshDb();
    const again = await importFiles(db2, [textFile('JPM_export.csv', csv)], opts);
    expect(again.metas[0].checksum).toBe(metas.find((m) => m.id === 'JPM|1h')?.checksum);
  });
});

describe('import: folder with the original cache layout', () => {
  const daily = 'date,open,high,low,close,volume\n2024-01-02,10,11,9,10.5,100\n2024-01-03,10,11,9,10.7,120\n';
  const sidecar = (source: string, extra: Record<string, unknown> = {}) => JSON.stringify({ ticker: 'AAPL', source, saved_at_utc: '2025-06-01T00:00:00Z', ...extra });
  const folder = { mode: 'folder' as const, storedAt: AT };

  it('canonical sidecar wins over the legacy one next to the data file', async () => {
    const db = await freshDb();
    const files = [
      textFile('AAPL_daily_20060101_20241231.csv', daily, 'cache/AAPL_daily_20060101_20241231.csv'),
      textFile('AAPL_daily_20060101_20241231.meta.json', sidecar('ibkr'), 'cache/AAPL_daily_20060101_20241231.meta.json'),
      textFile('AAPL_1d.meta.json', sidecar('wrds', { permno: 14593 }), 'cache/AAPL_1d.meta.json'),
    ];
    const { metas, info } = await importFiles(db, files, folder);
    expect(metas[0].source).toBe(
      'cache/AAPL_daily_20060101_20241231.csv · source wrds · sidecar cache/AAPL_1d.meta.json (canonical) · saved 2025-06-01T00:00:00Z · permno 14593',
    );
    expect(info.files[0].sidecar).toBe('cache/AAPL_1d.meta.json');
  });

  it('uses the legacy sidecar when there is no canonical one; no sidecar → untrusted', async () => {
    const db = await freshDb();
    const files = [
      textFile('AAPL_daily_2006_2024.csv', daily, 'c/AAPL_daily_2006_2024.csv'),
      textFile('AAPL_daily_2006_2024.meta.json', sidecar('ibkr'), 'c/AAPL_daily_2006_2024.meta.json'),
      textFile('MSFT_1d.csv', daily, 'c/MSFT_1d.csv'),
    ];
    const { metas } = await importFiles(db, files, folder);
    expect(metas.map((m) => m.source)).toEqual([
      'c/AAPL_daily_2006_2024.csv · source ibkr · sidecar c/AAPL_daily_2006_2024.meta.json (legacy) · saved 2025-06-01T00:00:00Z',
      'c/MSFT_1d.csv (no metadata sidecar: source unknown, untrusted)',
    ]);
  });

  it('a PERMNO-named file takes its ticker from the sidecar; precedence and quarantine skip files', async () => {
    const db = await freshDb();
    const files = [
      textFile('14593_1d.csv', daily, 'cache/14593_1d.csv'),
      textFile('14593_1d.meta.json', sidecar('wrds', { permno: 14593 }), 'cache/14593_1d.meta.json'),
      textFile('MSFT_1d.csv', daily, 'cache/MSFT_1d.csv'),
      textFile('MSFT.csv', 'garbage that would fail', 'cache/MSFT.csv'),
      textFile('GE_1d.csv', 'garbage that would fail', 'cache/quarantine/GE_1d.csv'),
      textFile('README.md', '# cache', 'cache/README.md'),
    ];
    const { metas, info } = await importFiles(db, files, folder);
    expect(metas.map((m) => m.id)).toEqual(['AAPL|1d', 'MSFT|1d']);
    expect(info.skipped).toEqual([
      { path: 'cache/MSFT.csv', reason: 'superseded by cache/MSFT_1d.csv (cache layout precedence)' },
      { path: 'cache/README.md', reason: 'not a data file (.csv, .parquet, .arrow, .feather) or a .meta.json sidecar' },
      { path: 'cache/quarantine/GE_1d.csv', reason: 'in a quarantine folder (rejected by the original quality gate)' },
    ]);
  });

  it('a broken sidecar is a warning, not a failure', async () => {
    const db = await freshDb();
    const files = [textFile('AAPL_1d.csv', daily, 'AAPL_1d.csv'), textFile('AAPL_1d.meta.json', '{nope', 'AAPL_1d.meta.json')];
    const { metas, info } = await importFiles(db, files, folder);
    expect(metas[0].source).toBe('AAPL_1d.csv (no metadata sidecar: source unknown, untrusted)');
    expect(info.warnings[0]).toMatch(/^AAPL_1d\.meta\.json: metadata sidecar is not valid JSON/);
  });
});

describe('import: picked files are read one ahead of the parser', () => {
  it('imports several blob-backed files, each exactly as the engine parses its text', async () => {
    const db = await freshDb();
    const a = 'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10,100\n2024-01-03,10,12,10,11,120\n';
    const b = 'Date,Open,High,Low,Close,Volume\n2024-01-02,20,21,19,20,5\n2024-01-03,20,20,18,19,6\n2024-01-04,19,22,19,21,7\n';
    const { metas } = await importFiles(db, [textFile('AAA.csv', a), textFile('BBB.csv', b)], opts);
    expect(metas.map((m) => [m.id, m.rows])).toEqual([
      ['AAA|1d', 2],
      ['BBB|1d', 3],
    ]);
    const direct = importCsvText(b, { file: 'BBB.csv' }).tickers[0].bars;
    expect(bitsEqual((await loadDataset(db, 'BBB|1d')).bars, direct)).toBe(true);
  });

  it('a file that cannot be read is named, and nothing of the import is stored', async () => {
    const db = await freshDb();
    const broken = new Blob(['Date,Open,High,Low,Close,Volume\n2024-01-02,1,1,1,1,1\n']);
    Object.defineProperty(broken, 'arrayBuffer', { value: () => Promise.reject(new DOMException('the file changed', 'NotReadableError')) });
    const files = [textFile('AAA.csv', 'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10,100\n'), { name: 'GONE.csv', path: 'dir/GONE.csv', size: broken.size, lastModified: 0, blob: broken }];
    await expect(importFiles(db, files, opts)).rejects.toThrow(/dir\/GONE\.csv.*could not be read \(NotReadableError: the file changed\)/);
    expect(await listDatasets(db)).toEqual([]);
  });
});
