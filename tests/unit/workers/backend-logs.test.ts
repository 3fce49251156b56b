// Own file: the log bus is configured once per page (here: per test file), so only one
// back end in this module attaches its database as the log store.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createBackend } from '../../../src/workers/backend';
import { FakeWorker, inProcessCompute, inProcessData } from './harness';
import { openQeDb } from '../../../src/storage/db';

describe('backend logging', () => {
  it('configures logging once at boot, persists records, and follows the log level setting', async () => {
    const factory = new IDBFactory();
    const workerDb = () => openQeDb(factory);
    const backend = createBackend({
      idbFactory: factory,
      poolSize: 1,
      createComputeWorker: () => new FakeWorker(),
      connectCompute: inProcessCompute(workerDb),
      createDataWorker: () => new FakeWorker(),
      connectData: inProcessData(workerDb, () => Promise.reject(new Error('no DuckDB'))),
    });
    const seen: string[] = [];
    backend.onLog((e) => seen.push(e.message));
    await backend.boot();
    await backend.boot();
    expect(seen.filter((m) => m.startsWith('started:'))).toHaveLength(1);
    backend.log({ level: 'ERROR', logger: 'ui.dataExplorer', message: 'import failed: row 12 has no date' });
    const err = backend.recentLogs().at(-1)!;
    expect(err.traceId).toBeTruthy();
    backend.log({ level: 'DEBUG', logger: 'ui', message: 'not captured at INFO' });
    expect(backend.recentLogs().at(-1)).toBe(err);
    await backend.updateSettings({ logLevel: 'DEBUG' });
    backend.log({ level: 'DEBUG', logger: 'ui', message: 'captured at DEBUG' });
    const stored = await backend.queryLogs({ traceId: err.traceId });
    expect(stored).toEqual([err]);
    expect((await backend.queryLogs({ levels: ['DEBUG'] })).map((e) => e.message)).toEqual(['captured at DEBUG']);
    await backend.clearLogs();
    expect(backend.recentLogs()).toEqual([]);
    expect((await backend.queryLogs()).length).toBeGreaterThan(0);
    await backend.clearLogs({ persisted: true });
    expect(await backend.queryLogs()).toEqual([]);
  });
});
