/**
 * features and regime_detect fanned out over a pool of in-process compute hosts: results and
 * keys equal a run on a single worker (no helpers), and the helpers really took shards.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { JobRecord, Json } from '../../../src/engine/contracts';
import { computeFeatureSet } from '../../../src/engine/features/pipeline';
import { getArtifact } from '../../../src/storage/artifacts';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { buildManifest } from '../../../src/workers/manifest';
import { type ComputeConnection, WorkerPool } from '../../../src/workers/pool';
import { readFeatureView, readRegimeView } from '../../../src/workers/research-results';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { FakeWorker, inProcessCompute } from './harness';

const TICKERS = ['AAPL', 'JPM', 'MSFT', 'XOM', 'SPY'];
const BARS = new Map(TICKERS.map((t) => [t, head(loadReal(t), 500)]));

async function setup(size: number) {
  const db = await openQeDb(new IDBFactory());
  await putDatasets(
    db,
    TICKERS.map((t) => input(t, BARS.get(t)!)),
  );
  const lent: string[] = [];
  const connect = inProcessCompute(async () => db);
  const pool = new WorkerPool({
    size,
    createWorker: () => new FakeWorker(),
    connect: (w): ComputeConnection => {
      const c = connect(w);
      return {
        ...c,
        runShard: (id, task, x) => {
          lent.push(task);
          return c.runShard!(id, task, x);
        },
      };
    },
  });
  let n = 0;
  const run = (type: string, params: { [k: string]: Json }) => {
    const record: JobRecord = {
      id: `job${++n}`,
      type,
      status: 'running',
      createdAt: '2024-01-01T00:00:00Z',
      progress: 0,
      stage: '',
      manifest: buildManifest({ type, params }),
    };
    return pool.run(record, () => undefined);
  };
  return { db, run, lent };
}

async function summary(db: QeDb, key: string) {
  return (await getArtifact(db, key))!.value as { datasets: Array<{ datasetId: string; key: string; reused: boolean }>; computed: number };
}

describe('sharded features job', () => {
  it('a pool of three stores, per ticker, the same keys and numbers as one worker', async () => {
    const params = { datasetIds: TICKERS.slice(0, 4).map((t) => `${t}|1d`), set: 'core', benchmarkId: 'SPY|1d' };
    const wide = await setup(3);
    const res = await wide.run('features', params);
    expect(wide.lent.filter((t) => t === 'features_ticker').length).toBeGreaterThan(0);
    const one = await setup(1);
    const ref = await one.run('features', params);
    expect(one.lent).toEqual([]);
    const a = await summary(wide.db, res.resultKey!);
    const b = await summary(one.db, ref.resultKey!);
    expect(a.datasets.map((d) => d.datasetId)).toEqual(params.datasetIds);
    expect(a.datasets.map((d) => d.key)).toEqual(b.datasets.map((d) => d.key));
    for (const [i, d] of a.datasets.entries()) {
      const view = readFeatureView((await getArtifact(wide.db, d.key))!.value, d.key);
      const expected = computeFeatureSet(BARS.get(TICKERS[i])!, BARS.get('SPY')!, { set: 'core' });
      expect(view.columns).toEqual(expected.columns);
      expect(view.checksum).toBe(expected.checksum);
      expect(view.dates).toBeInstanceOf(Float64Array);
    }
    // a second run over unchanged data reuses every ticker, wherever its shard ran
    const again = await summary(wide.db, (await wide.run('features', params)).resultKey!);
    expect(again.datasets.map((d) => d.reused)).toEqual([true, true, true, true]);
  });
});

describe('sharded regime_detect job', () => {
  it('datasetIds: one result per dataset, each under the key a single-dataset request gets', async () => {
    const wide = await setup(3);
    const res = await wide.run('regime_detect', { datasetIds: ['AAPL|1d', 'JPM|1d', 'XOM|1d'], method: 'hmm' });
    expect(res.resultKey).toBe('regime-run/job1');
    expect(wide.lent.filter((t) => t === 'regime_ticker').length).toBeGreaterThan(0);
    const s = await summary(wide.db, res.resultKey!);
    expect(s.computed).toBe(3);
    const single = await setup(1);
    for (const [i, id] of ['AAPL|1d', 'JPM|1d', 'XOM|1d'].entries()) {
      const one = await single.run('regime_detect', { datasetId: id, method: 'hmm' });
      expect(s.datasets[i].key).toBe(one.resultKey);
      const v1 = readRegimeView((await getArtifact(wide.db, s.datasets[i].key))!.value, 'wide');
      const v2 = readRegimeView((await getArtifact(single.db, one.resultKey!))!.value, 'one');
      expect(v1.filtered).toEqual(v2.filtered);
      expect(v1.datasetId).toBe(id);
    }
  });

  it('rejects datasetIds together with datasetId, and an empty list', async () => {
    const { run } = await setup(1);
    await expect(run('regime_detect', { datasetIds: [], method: 'rules' })).rejects.toThrow(/params.datasetIds/);
    await expect(run('regime_detect', { datasetIds: ['AAPL|1d'], datasetId: 'AAPL|1d', method: 'rules' })).rejects.toThrow(
      /params.datasetId/,
    );
  });
});
