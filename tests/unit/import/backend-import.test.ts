// The facade end to end under Node: importFiles → runner → (in-process) data worker host →
// storage; cancel; refusal to re-run without files; resample and CSV export through the host.
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../src/engine/contracts';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import type { Backend, ImportResultInfo } from '../../../src/workers/api';
import { createBackend } from '../../../src/workers/backend';
import type { DataConnection } from '../../../src/workers/data-client';
import { DataHost } from '../../../src/workers/data-host';
import type { WorkerLike } from '../../../src/workers/pool';
import { FakeWorker, inProcessCompute, setImmediateYield } from '../workers/harness';
import { REAL } from './helpers';

/** The real DataHost in-process, including the job/export/resample surface. */
function inProcessDataHost(db: () => Promise<QeDb>) {
  return (w: WorkerLike): DataConnection => {
    const host = new DataHost({
      db,
      openDuck: () => Promise.reject(new Error('no DuckDB in this test')),
      logger: new LogBus().logger('worker.data'),
      now: () => performance.now(),
      yieldFn: setImmediateYield,
    });
    (w as FakeWorker).onTerminate.push(() => {
      for (const id of running) host.cancelJob(id);
    });
    const running = new Set<string>();
    return {
      watchState: async (cb) => host.watchState(cb),
      sql: (q) => host.sql(q),
      loadDataset: (id) => host.loadDataset(id),
      runJob: (record, files, onProgress) => {
        running.add(record.id);
        return host
          .runJob(record.id, record.type, record.manifest.params, record.manifest, files, onProgress)
          .finally(() => running.delete(record.id));
      },
      cancelJob: async (id) => host.cancelJob(id),
      resampleDataset: (id, to) => host.resampleDataset(id, to),
      exportDataset: (id, f, to) => host.exportDataset(id, f, to),
    };
  };
}

function make() {
  const factory = new IDBFactory();
  const workerDb = () => openQeDb(factory);
  const backend = createBackend({
    idbFactory: factory,
    poolSize: 1,
    createComputeWorker: () => new FakeWorker(),
    connectCompute: inProcessCompute(workerDb),
    createDataWorker: () => new FakeWorker(),
    connectData: inProcessDataHost(workerDb),
    storageManager: { estimate: async () => ({ usage: 10, quota: 100 }), persisted: async () => false },
    locks: null,
  });
  return backend;
}

function collect(backend: Backend) {
  const events: JobEvent[] = [];
  backend.onJobEvent((e) => events.push(e));
  const waitDone = (id: string) =>
    new Promise<void>((resolve) => {
      const check = () => (events.some((e) => e.event === 'done' && e.jobId === id) ? resolve() : setTimeout(check, 5));
      check();
    });
  return { events, waitDone };
}

const realBlob = (rel: string) => new Blob([readFileSync(`${REAL}${rel}`)]);

afterEach(() => {
  FakeWorker.created = [];
});

describe('Backend.importFiles', () => {
  it('imports files handed over as Blobs; params stay JSON (names, sizes), datasets-changed fires', async () => {
    const backend = make();
    await backend.boot();
    const { waitDone } = collect(backend);
    let changed = 0;
    backend.onDatasetsChanged(() => changed++);
    const rec = await backend.importFiles([
      { blob: realBlob('daily/csv/AAPL.csv'), name: 'AAPL.csv', lastModified: 1700000000000 },
      { blob: realBlob('intraday/bars_1hour_SPY_AAPL_JPM.csv'), name: 'bars_1hour_SPY_AAPL_JPM.csv' },
    ]);
    expect(rec.type).toBe('import_files');
    const params = rec.manifest.params as { files: unknown[]; mode: string; uploadId: string };
    expect(params.mode).toBe('files');
    expect(params.files).toEqual([
      { name: 'AAPL.csv', path: 'AAPL.csv', size: 281632, lastModified: 1700000000000 },
      { name: 'bars_1hour_SPY_AAPL_JPM.csv', path: 'bars_1hour_SPY_AAPL_JPM.csv', size: 4359927, lastModified: 0 },
    ]);
    expect(JSON.parse(JSON.stringify(rec.manifest.params))).toEqual(rec.manifest.params);
    await waitDone(rec.id);
    const done = await backend.getJob(rec.id);
    expect(done).toMatchObject({ status: 'succeeded', resultKey: `import/${rec.id}` });
    expect((await backend.listDatasets()).map((d) => d.id)).toEqual(['AAPL|1d', 'AAPL|1h', 'JPM|1h', 'SPY|1h']);
    expect(changed).toBe(1);
    const info = (await backend.getArtifact(`import/${rec.id}`))?.value as unknown as ImportResultInfo;
    expect(info.datasets.map((d) => [d.id, d.quality, d.replaced])).toEqual([
      ['AAPL|1d', 'warn', false],
      ['AAPL|1h', expect.any(String), false],
      ['JPM|1h', expect.any(String), false],
      ['SPY|1h', expect.any(String), false],
    ]);

    // AAPL 1d and AAPL 1h live side by side; the loaded envelope of a file is LIVE
    const env = await backend.loadBars('AAPL|1d');
    expect(env.meta.mode).toBe('live');
    expect(env.meta.source).toBe('AAPL.csv');
    // resampled 1h → 1d is derived, labelled so, never stored
    const derived = await backend.resampleBars('AAPL|1h', '1d');
    expect(derived.data.meta.source).toMatch(/resampled from 1h to 1d \(derived, not stored\)$/);
    expect(derived.meta.warnings.some((w) => w.includes('derived on demand'))).toBe(true);
    expect((await backend.listDatasets()).map((d) => d.id)).not.toContain('AAPL|1d-derived');
    const csv = new TextDecoder().decode((await backend.exportDataset('AAPL|1d', 'csv')).bytes);
    expect(csv.split('\r\n').slice(0, 2)).toEqual(['ticker,date,open,high,low,close,volume', 'AAPL,2006-02-21,69.08,69.08,69.08,69.08,27905392']);
  });

  it('a failing import fails the job with the file/row message and stores nothing', async () => {
    const backend = make();
    await backend.boot();
    const { waitDone } = collect(backend);
    const rec = await backend.importFiles([
      { blob: realBlob('daily/csv/MSFT.csv'), name: 'MSFT.csv' },
      { blob: new Blob(['date;open;close\n2024-01-02;1;1\n']), name: 'EU.csv' },
    ]);
    await waitDone(rec.id);
    expect(await backend.getJob(rec.id)).toMatchObject({
      status: 'failed',
      error: 'EU.csv: line 1: expected comma-separated columns; the header looks semicolon-separated',
    });
    expect(await backend.listDatasets()).toEqual([]);
  });

  it('cancel of a running import stops it and stores nothing', async () => {
    const backend = make();
    await backend.boot();
    const { events, waitDone } = collect(backend);
    const big = realBlob('intraday/bars_1hour_SPY_AAPL_JPM.csv');
    const rec = await backend.importFiles([{ blob: new Blob([big, big.slice(Math.floor(big.size / 2))]), name: 'bars_1hour_X.csv' }]);
    await new Promise<void>((resolve) => {
      const check = () => (events.some((e) => e.event === 'progress' && e.jobId === rec.id) ? resolve() : setTimeout(check, 2));
      check();
    });
    await backend.cancelJob(rec.id);
    await waitDone(rec.id);
    expect((await backend.getJob(rec.id))?.status).toBe('cancelled');
    expect(await backend.listDatasets()).toEqual([]);
  });

  it('refuses an import_files job without files (e.g. a re-run from its params)', async () => {
    const backend = make();
    await backend.boot();
    await expect(backend.submitJob({ type: 'import_files', params: { uploadId: 'x', mode: 'files', files: [] } })).rejects.toThrow(
      /import_files: submitted without files.*choose the files again in Data Explorer/,
    );
  });

  it('refuses files over the size limit before queuing anything', async () => {
    const backend = make();
    await backend.boot();
    const fake = { size: 3 * 1024 ** 3 } as Blob;
    await expect(backend.importFiles([{ blob: fake, name: 'HUGE.csv' }])).rejects.toThrow(/^HUGE\.csv: 3\.0 GB is larger than the 1 GB/);
    expect(await backend.listJobs()).toEqual([]);
  });
});
