import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, type JobContext } from '../../../src/engine/core/context';
import { checksumColumns } from '../../../src/engine/core/hash';
import { DEMO_TICKERS, type DemoCalendar, generateDemoUniverse } from '../../../src/engine/data/synthetic';
import { listDatasets, loadDataset, putDataset } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { loadDemoDataset } from '../../../src/storage/sources/demo';

const SHORT: DemoCalendar = { startDay: '2024-01-01', endDay: '2024-06-28', hourlyStartDay: '2024-05-01' };
const STORED_AT = '2026-01-02T03:04:05.000Z';

let db: QeDb | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

async function freshDb(): Promise<QeDb> {
  db = await openQeDb({ factory: new IDBFactory() });
  return db;
}

function recordingContext(cancelAfterYields = Number.POSITIVE_INFINITY): JobContext & { events: [number, string][] } {
  const signal = { cancelled: false };
  let yields = 0;
  const events: [number, string][] = [];
  return {
    signal,
    events,
    progress: (f, stage) => {
      events.push([f, stage]);
    },
    yield: async () => {
      yields++;
      if (yields >= cancelAfterYields) signal.cancelled = true;
    },
  };
}

describe('loadDemoDataset', () => {
  it('stores every demo ticker, daily and hourly, labelled demo, with the generator checksums', async () => {
    const store = await freshDb();
    const ctx = recordingContext();
    const metas = await loadDemoDataset(store, ctx, { key: 'loader-test', calendar: SHORT, storedAt: STORED_AT });
    expect(metas).toHaveLength(DEMO_TICKERS.length * 2);
    const expected = generateDemoUniverse('loader-test', SHORT);
    for (const s of expected.series) {
      const meta = metas.find((m) => m.id === `${s.ticker}|${s.timeframe}`);
      expect(meta, `${s.ticker}|${s.timeframe}`).toBeDefined();
      expect(meta).toMatchObject({
        origin: 'demo',
        source: 'demo:loader-test',
        quality: 'unchecked',
        storedAt: STORED_AT,
        rows: s.bars.ts.length,
        checksum: checksumColumns({ ...s.bars }),
      });
    }
    const listed = await listDatasets(store);
    expect(listed.map((m) => m.id).sort()).toEqual(metas.map((m) => m.id).sort());
    const { bars } = await loadDataset(store, 'ALPHA|1h');
    expect(bars.close).toEqual(expected.series.find((s) => s.ticker === 'ALPHA' && s.timeframe === '1h')!.bars.close);

    // Progress is monotone, starts at 0, ends at 1 and names each ticker.
    const fractions = ctx.events.map(([f]) => f);
    expect(fractions[0]).toBe(0);
    expect(fractions[fractions.length - 1]).toBe(1);
    for (let i = 1; i < fractions.length; i++) expect(fractions[i]).toBeGreaterThanOrEqual(fractions[i - 1]);
    for (const spec of DEMO_TICKERS) expect(ctx.events.some(([, s]) => s.includes(spec.ticker))).toBe(true);
  });

  it('uses the default key as the source when none is given', async () => {
    const store = await freshDb();
    const metas = await loadDemoDataset(store, recordingContext(), { calendar: SHORT, storedAt: STORED_AT });
    expect(new Set(metas.map((m) => m.source))).toEqual(new Set(['demo:quant-engine-demo-v1']));
  });

  it('is all-or-nothing: a cancel between tickers stores nothing and leaves existing data untouched', async () => {
    const store = await freshDb();
    const before = await putDataset(store, {
      ticker: 'ALPHA',
      timeframe: '1d',
      origin: 'file',
      source: 'alpha.csv',
      quality: 'pass',
      storedAt: STORED_AT,
      bars: {
        ts: Float64Array.of(Date.UTC(2024, 0, 2)),
        open: Float64Array.of(10),
        high: Float64Array.of(11),
        low: Float64Array.of(9),
        close: Float64Array.of(10.5),
        volume: Float64Array.of(1000),
      },
    });
    await expect(loadDemoDataset(store, recordingContext(5), { calendar: SHORT })).rejects.toBeInstanceOf(CancelledError);
    const listed = await listDatasets(store);
    expect(listed).toEqual([before]);
  });
});
