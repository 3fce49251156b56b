// Faults across tabs: two tabs writing the same data (no lost or mixed writes), and a tab
// closed in the middle of an import (the next start marks its job interrupted; nothing
// half-written becomes current; a tab that is still open keeps its running job).
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_ERROR } from '../../../src/engine/contracts';
import { checksumColumns } from '../../../src/engine/core/hash';
import { openQeDb } from '../../../src/storage/db';
import { loadDataset } from '../../../src/storage/datasets';
import { getRegistryDoc, updateRegistryDoc } from '../../../src/storage/registry';
import { QUALITY_ARTIFACT_PREFIX } from '../../../src/storage/sources/import-types';
import { REAL } from '../import/helpers';
import { FakeWorker } from '../workers/harness';
import { collect, makeTab, sharedLocks } from './harness';

afterEach(() => {
  FakeWorker.created = [];
});

const text = (rel: string) => readFileSync(`${REAL}${rel}`, 'utf8');

describe('two tabs on the same data', () => {
  it('registry read-modify-write from two connections loses no update', async () => {
    const factory = new IDBFactory();
    const [tabA, tabB] = await Promise.all([openQeDb(factory), openQeDb(factory)]);
    const bump = (db: typeof tabA, who: string) =>
      updateRegistryDoc(
        db,
        'strategies',
        (cur) => {
          const c = (cur ?? { n: 0, log: [] }) as { n: number; log: string[] };
          return { n: c.n + 1, log: [...c.log, who] };
        },
        '2026-11-25T00:00:00.000Z',
      );
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 40; i++) writes.push(bump(tabA, `A${i}`), bump(tabB, `B${i}`));
    await Promise.all(writes);
    const doc = (await getRegistryDoc(tabA, 'strategies'))?.value as { n: number; log: string[] };
    expect(doc.n).toBe(80);
    expect(new Set(doc.log).size).toBe(80);
    tabA.close();
    tabB.close();
  });

  it('concurrent imports from two tabs: every dataset lands, a contested one is wholly one version', async () => {
    const factory = new IDBFactory();
    const a = makeTab(factory);
    const b = makeTab(factory);
    await Promise.all([a.backend.boot(), b.backend.boot()]);
    const ca = collect(a.backend);
    const cb = collect(b.backend);
    const aapl = text('daily/csv/AAPL.csv');
    // Tab B's AAPL is a different version (its first 500 rows) of the same (ticker, timeframe).
    const aaplShort = `${aapl.split('\n').slice(0, 501).join('\n')}\n`;
    const [ja, jb] = await Promise.all([
      a.backend.importFiles([
        { blob: new Blob([aapl]), name: 'AAPL.csv' },
        { blob: new Blob([text('daily/csv/MSFT.csv')]), name: 'MSFT.csv' },
      ]),
      b.backend.importFiles([
        { blob: new Blob([aaplShort]), name: 'AAPL.csv' },
        { blob: new Blob([text('daily/csv/JPM.csv')]), name: 'JPM.csv' },
      ]),
    ]);
    await Promise.all([ca.waitDone(ja.id), cb.waitDone(jb.id)]);
    expect((await a.backend.getJob(ja.id))?.status).toBe('succeeded');
    expect((await b.backend.getJob(jb.id))?.status).toBe('succeeded');
    expect((await a.backend.listDatasets()).map((m) => m.id)).toEqual(['AAPL|1d', 'JPM|1d', 'MSFT|1d']);

    const db = await openQeDb(factory);
    for (const id of ['AAPL|1d', 'JPM|1d', 'MSFT|1d']) {
      const { meta, bars } = await loadDataset(db, id);
      // Catalog, blob and quality report agree: no mix of the two versions.
      expect(checksumColumns({ ...bars }), id).toBe(meta.checksum);
      expect(bars.ts.length, id).toBe(meta.rows);
      const reports = await db.getAllKeys('artifacts', IDBKeyRange.bound(`${QUALITY_ARTIFACT_PREFIX}${id}/`, `${QUALITY_ARTIFACT_PREFIX}${id}/\uffff`));
      expect(reports, id).toHaveLength(1);
      expect(String(reports[0]), id).toContain(meta.checksum);
    }
    const aaplRows = (await loadDataset(db, 'AAPL|1d')).meta.rows;
    expect([500, aapl.trim().split('\n').length - 1]).toContain(aaplRows);
    db.close();
  });
});

describe('a tab closed mid-import', () => {
  /** A file whose stream delivers one chunk and then never ends (the page froze or closed). */
  function stalledFile(head: string): Blob {
    const bytes = new TextEncoder().encode(head);
    const stream = () =>
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes);
        },
      });
    return { size: bytes.length * 100, type: 'text/csv', stream, arrayBuffer: () => new Promise(() => undefined), slice: () => new Blob() } as unknown as Blob;
  }

  it('the next start marks the job interrupted; the earlier dataset stays current and nothing partial appears', async () => {
    const factory = new IDBFactory();
    const locks = sharedLocks();
    const a = makeTab(factory, { locks });
    await a.backend.boot();
    const ca = collect(a.backend);
    const first = await a.backend.importFiles([{ blob: new Blob([text('daily/csv/AAPL.csv')]), name: 'AAPL.csv' }]);
    await ca.waitDone(first.id);
    const before = await a.backend.listDatasets();

    const aapl = text('daily/csv/AAPL.csv');
    const rec = await a.backend.importFiles([
      { blob: new Blob([text('daily/csv/MSFT.csv')]), name: 'MSFT.csv' },
      { blob: stalledFile(aapl.slice(0, 40_000)), name: 'AAPL.csv' },
    ]);
    const t0 = Date.now();
    while ((await a.backend.getJob(rec.id))?.status !== 'running') {
      if (Date.now() - t0 > 5_000) throw new Error('import job never started');
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 100));

    // While tab A is open, a second tab leaves its running job alone.
    const b = makeTab(factory, { locks });
    expect((await b.backend.boot()).interruptedJobs).toBe(0);
    expect((await b.backend.getJob(rec.id))?.status).toBe('running');

    // Tab A closes: the browser drops its locks and its workers with them.
    locks.held.clear();
    const c = makeTab(factory, { locks });
    const boot = await c.backend.boot();
    expect(boot.interruptedJobs).toBe(1);
    expect(await c.backend.getJob(rec.id)).toMatchObject({ status: 'failed', error: INTERRUPTED_ERROR });
    expect(await c.backend.listDatasets()).toEqual(before);
    expect(await c.backend.getArtifact(`import/${rec.id}`)).toBeUndefined();
    // The earlier job is untouched.
    expect((await c.backend.getJob(first.id))?.status).toBe('succeeded');
  });
});
