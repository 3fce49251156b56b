import 'fake-indexeddb/auto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCsvText } from '../../../src/engine/data/normalize';
import { main } from '../../../src/cli/main';
import { loadDataset } from '../../../src/storage/datasets';
import { importFiles } from '../../../src/storage/sources/file-import';
import { freshDb } from '../storage/helpers';

const REAL = resolve(__dirname, '../../../../shared/data/real');
let dir: string;

async function run(args: string[]) {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const buf = await readFile(path);
  const file = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  return parquetReadObjects({ file });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qe-import-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('qe import', () => {
  it('writes the clean frame of each ticker as Parquet with a canonical sidecar', async () => {
    const src = join(REAL, 'intraday/bars_1hour_SPY_AAPL_JPM.csv');
    const out = join(dir, 'intraday');
    const r = await run(['import', src, '--out', out]);
    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.datasets.map((d: { ticker: string }) => d.ticker)).toEqual(['AAPL', 'JPM', 'SPY']);
    expect((await readdir(out)).sort()).toEqual([
      'AAPL_1h.meta.json',
      'AAPL_1h.parquet',
      'JPM_1h.meta.json',
      'JPM_1h.parquet',
      'SPY_1h.meta.json',
      'SPY_1h.parquet',
    ]);
    // Independent check: the same file through the engine, compared with what a Parquet reader sees.
    const expected = importCsvText(await readFile(src, 'utf8'), { file: 'bars_1hour_SPY_AAPL_JPM.csv' }).tickers.find(
      (t) => t.ticker === 'JPM',
    )!.bars;
    const rows = await readParquet(join(out, 'JPM_1h.parquet'));
    expect(rows.length).toBe(expected.ts.length);
    for (const i of [0, 1, 777, rows.length - 1]) {
      expect(rows[i].ticker).toBe('JPM');
      expect(Number(rows[i].ts_utc instanceof Date ? rows[i].ts_utc.getTime() : rows[i].ts_utc)).toBe(expected.ts[i]);
      expect(rows[i].close).toBe(expected.close[i]);
      expect(rows[i].volume).toBe(expected.volume[i]);
    }
    const meta = JSON.parse(await readFile(join(out, 'JPM_1h.meta.json'), 'utf8'));
    expect(Object.keys(meta)).toEqual([...Object.keys(meta)].sort());
    expect(meta).toMatchObject({ ticker: 'JPM', format: 'parquet', timeframe: '1h', n_bars: expected.ts.length, start_date: '2015-10-12' });
    expect(meta.source).toBe('file:bars_1hour_spy_aapl_jpm.csv');
  });

  it('daily files get a date column and the ticker from the file name', async () => {
    const out = join(dir, 'daily');
    const r = await run(['import', join(REAL, 'daily/csv/MSFT.csv'), '--out', out]);
    expect(r.code, r.err).toBe(0);
    const rows = await readParquet(join(out, 'MSFT_1d.parquet'));
    expect(Object.keys(rows[0])).toEqual(['ticker', 'date', 'open', 'high', 'low', 'close', 'volume']);
    const meta = JSON.parse(await readFile(join(out, 'MSFT_1d.meta.json'), 'utf8'));
    expect(meta.n_bars).toBe(rows.length);
    expect(meta.quality_status).toBe('warn');
  });

  it("the app imports what qe import wrote (folder of Parquet + sidecars) to the same bars, with the sidecar's checksum and source", async () => {
    const out = join(dir, 'roundtrip');
    const r = await run(['import', join(REAL, 'intraday/bars_1hour_SPY_AAPL_JPM.csv'), '--out', out]);
    expect(r.code, r.err).toBe(0);
    const names = (await readdir(out)).sort();
    const files = await Promise.all(
      names.map(async (name) => {
        const buf = await readFile(join(out, name));
        const bytes = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer;
        return { name, path: `cache/${name}`, size: bytes.byteLength, lastModified: 0, bytes };
      }),
    );
    const db = await freshDb();
    const { metas } = await importFiles(db, files, { mode: 'folder', storedAt: '2026-03-01T00:00:00.000Z' });
    expect(metas.map((m) => m.id)).toEqual(['AAPL|1h', 'JPM|1h', 'SPY|1h']);
    const expected = importCsvText(await readFile(join(REAL, 'intraday/bars_1hour_SPY_AAPL_JPM.csv'), 'utf8'), { file: 'x.csv' }).tickers;
    for (const m of metas) {
      const side = JSON.parse(await readFile(join(out, `${m.ticker}_1h.meta.json`), 'utf8'));
      expect(m.checksum).toBe(side.checksum);
      expect(m.source).toContain('source file:bars_1hour_spy_aapl_jpm.csv');
      const bars = (await loadDataset(db, m.id)).bars;
      const want = expected.find((t) => t.ticker === m.ticker)!.bars;
      expect(Array.from(bars.close)).toEqual(Array.from(want.close));
      expect(Array.from(bars.ts)).toEqual(Array.from(want.ts));
    }
  });

  it('a file that fails to import writes nothing and names the problem', async () => {
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'date,open,high\n2020-01-01,1,2\n');
    const out = join(dir, 'bad-out');
    const r = await run(['import', bad, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/close/i);
    await expect(readdir(out)).rejects.toThrow();
  });

  it('requires --out', async () => {
    const r = await run(['import', join(REAL, 'daily/csv/MSFT.csv')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--out/);
  });
});
