import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checksumColumns } from '../../../src/engine/core/hash';
import { listDatasets as listCatalog } from '../../../src/storage/catalog';
import {
  DatasetNotFoundError,
  deleteDataset,
  getDatasetMeta,
  InvalidBarsError,
  listDatasets,
  loadDataset,
  putDataset,
  putDatasets,
} from '../../../src/storage/datasets';
import { StorageQuotaError } from '../../../src/storage/errors';
import { freshDb, input, makeBars, quotaAfter, realSpyBars, sameBits } from './helpers';

const COLS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

describe('datasets', () => {
  it('round-trips the real SPY series bit for bit and records its metadata', async () => {
    const db = await freshDb();
    const bars = realSpyBars();
    const meta = await putDataset(db, input('SPY', bars, { source: 'SPY_crsp_84398.csv' }));
    expect(meta.id).toBe('SPY|1d');
    expect(meta.rows).toBe(3487);
    expect(meta.first).toBe('2011-02-23T00:00:00.000Z');
    expect(meta.last).toBe(new Date(bars.ts[bars.ts.length - 1]).toISOString());
    expect(meta.checksum).toBe(checksumColumns({ ...bars }));
    expect(meta.bytes).toBeGreaterThan(3487 * 6 * 8);
    const loaded = await loadDataset(db, 'SPY|1d');
    for (const c of COLS) expect(sameBits(loaded.bars[c], bars[c])).toBe(true);
    expect(loaded.meta).toEqual(meta);
    // decoded columns own their buffers (transferable without copying neighbours)
    expect(loaded.bars.close.byteOffset).toBe(0);
    expect(loaded.bars.close.buffer.byteLength).toBe(bars.close.byteLength);
    db.close();
  });

  it('round-trips arbitrary doubles (NaN, -0, infinities, subnormals) bit for bit', async () => {
    const db = await freshDb();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double(), { minLength: 0, maxLength: 40 }), async (vals) => {
        const n = vals.length;
        const bars = makeBars(n);
        bars.close = Float64Array.from(vals);
        bars.volume = Float64Array.from(vals.map((v) => -v));
        await putDataset(db, input('PROP', bars));
        const { bars: got, meta } = await loadDataset(db, 'PROP|1d');
        for (const c of COLS) expect(sameBits(got[c], bars[c])).toBe(true);
        expect(meta.rows).toBe(n);
        if (n === 0) expect(meta.first).toBeNull();
      }),
      { numRuns: 40 },
    );
    db.close();
  });

  it('keys by (ticker, timeframe): a second timeframe does not overwrite the first', async () => {
    const db = await freshDb();
    await putDataset(db, input('AAPL', makeBars(10)));
    await putDataset(db, input('AAPL', makeBars(20, Date.UTC(2021, 0, 1)), { timeframe: '1h' }));
    const ids = (await listDatasets(db)).map((m) => m.id);
    expect(ids).toEqual(['AAPL|1d', 'AAPL|1h']);
    expect((await loadDataset(db, 'AAPL|1d')).meta.rows).toBe(10);
    db.close();
  });

  it('replaces a dataset with the same key atomically (blob and catalog agree)', async () => {
    const db = await freshDb();
    await putDataset(db, input('MSFT', makeBars(5, undefined, 1)));
    const second = makeBars(8, undefined, 2);
    const meta = await putDataset(db, input('MSFT', second, { origin: 'proxy', source: 'yahoo' }));
    const { bars, meta: m2 } = await loadDataset(db, 'MSFT|1d');
    expect(m2).toEqual(meta);
    expect(m2.rows).toBe(8);
    expect(m2.origin).toBe('proxy');
    expect(sameBits(bars.close, second.close)).toBe(true);
    expect(await listCatalog(db)).toHaveLength(1);
    db.close();
  });

  it('a quota failure mid-write leaves the earlier dataset and catalog untouched', async () => {
    const db = await freshDb();
    const original = makeBars(30, undefined, 3);
    const before = await putDataset(db, input('SPY', original));
    await putDataset(db, input('QQQ', makeBars(12)));
    // The blob put succeeds, the catalog put hits the quota.
    const full = quotaAfter(db, 'catalog', 0);
    const err = await putDataset(full, input('SPY', makeBars(50, undefined, 9))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as Error).message).toBe(
      'Browser storage is full: could not save dataset SPY|1d; earlier data is unchanged. Free space by deleting datasets or old job results, or request persistent storage in Settings.',
    );
    expect(await getDatasetMeta(db, 'SPY|1d')).toEqual(before);
    const { bars } = await loadDataset(db, 'SPY|1d');
    for (const c of COLS) expect(sameBits(bars[c], original[c])).toBe(true);
    expect((await listDatasets(db)).map((m) => m.id)).toEqual(['QQQ|1d', 'SPY|1d']);
    db.close();
  });

  it('a transaction aborted with QuotaExceededError also becomes StorageQuotaError and rolls back', async () => {
    const db = await freshDb();
    const original = makeBars(7);
    await putDataset(db, input('IWM', original));
    const full = quotaAfter(db, 'datasets', 1, 'abort');
    // Two datasets in one write; the second blob triggers the abort: neither may land.
    const err = await putDatasets(full, [input('IWM', makeBars(9, undefined, 4)), input('DIA', makeBars(9))]).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StorageQuotaError);
    expect((err as Error).message).toContain('could not save 2 datasets (IWM|1d, DIA|1d)');
    expect((await listDatasets(db)).map((m) => m.id)).toEqual(['IWM|1d']);
    expect(sameBits((await loadDataset(db, 'IWM|1d')).bars.close, original.close)).toBe(true);
    db.close();
  });

  it('putDatasets is all-or-nothing when one input is invalid', async () => {
    const db = await freshDb();
    const bad = makeBars(5);
    bad.ts[3] = bad.ts[2];
    const err = await putDatasets(db, [input('A', makeBars(5)), input('B', bad)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidBarsError);
    expect((err as Error).message).toContain('dataset B|1d: row 3: timestamp 2020-01-03T00:00:00.000Z is not after row 2');
    expect(await listDatasets(db)).toEqual([]);
    db.close();
  });

  it('rejects columns of unequal length, naming the column', async () => {
    const db = await freshDb();
    const bars = makeBars(5);
    bars.volume = new Float64Array(4);
    await expect(putDataset(db, input('X', bars))).rejects.toThrow('column "volume" has 4 rows but "ts" has 5');
    await expect(putDataset(db, input('X|Y', makeBars(2)))).rejects.toThrow('must not contain "|"');
    db.close();
  });

  it('deletes blob and catalog together; missing datasets are reported by id', async () => {
    const db = await freshDb();
    await putDataset(db, input('GLD', makeBars(3)));
    await deleteDataset(db, 'GLD|1d');
    expect(await listDatasets(db)).toEqual([]);
    expect(await db.get('datasets', 'GLD|1d')).toBeUndefined();
    await expect(loadDataset(db, 'GLD|1d')).rejects.toBeInstanceOf(DatasetNotFoundError);
    await expect(deleteDataset(db, 'GLD|1d')).rejects.toThrow('dataset "GLD|1d" is not in the local store');
    db.close();
  });

  it('detects a corrupted blob through the catalog checksum', async () => {
    const db = await freshDb();
    await putDataset(db, input('TLT', makeBars(6, undefined, 1)));
    const other = await putDataset(db, input('TLX', makeBars(6, undefined, 2)));
    // Swap in another dataset's blob under TLT's key.
    const blob = await db.get('datasets', other.id);
    await db.put('datasets', { ...blob!, id: 'TLT|1d' });
    await expect(loadDataset(db, 'TLT|1d')).rejects.toThrow(/dataset TLT\|1d is corrupted/);
    db.close();
  });
});
