import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { runSweep, smaGrid } from '../../../src/engine/backtest/sweep';
import type { JobManifest, Json } from '../../../src/engine/contracts';
import { getArtifact } from '../../../src/storage/artifacts';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { readSweepView } from '../../../src/workers/backtest/backend-ops';
import { ComputeHost } from '../../../src/workers/compute-host';
import { normaliseSweepParams } from '../../../src/workers/handlers/sweep';
import { buildManifest } from '../../../src/workers/manifest';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { setImmediateYield } from './harness';

const AAPL = head(loadReal('AAPL'), 600);
const JPM = head(loadReal('JPM'), 600);

async function setup() {
  const db = await openQeDb(new IDBFactory());
  await putDatasets(db, [input('AAPL', AAPL), input('JPM', JPM)]);
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.parse('2024-06-01T00:00:00Z'),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: new LogBus().logger('worker.compute'),
  });
  let n = 0;
  const run = async (params: { [k: string]: Json }, onProgress: (f: number, s: string) => void = () => undefined) => {
    const m: JobManifest = buildManifest({ type: 'sweep', params });
    const res = await host.run(`job${++n}`, 'sweep', params, m, onProgress);
    return readSweepView((await getArtifact(db, res.resultKey!))!.value, res.resultKey!);
  };
  return { db, run };
}

const PARAMS = { datasetIds: ['JPM|1d', 'AAPL|1d'], fast: { from: 5, to: 30, step: 5 }, slow: { from: 20, to: 100, step: 10 }, costBps: 5, pboBlocks: 8 };

describe('sweep job', () => {
  it('merges its shards into exactly the single-pass sweep of the dense closes', async () => {
    const { run } = await setup();
    const progress: string[] = [];
    const v = await run(PARAMS, (_f, s) => progress.push(s));
    expect(v.tickers).toEqual(['AAPL', 'JPM']);
    expect(v.shards).toBe(8);
    expect(progress.at(-1)).toMatch(/^Best \d+\/\d+ · Sharpe -?\d+\.\d\d$/);
    // independent path: the engine in one call on the same dense closes
    const grid = smaGrid(PARAMS.fast, PARAMS.slow);
    const aDays = new Set(Array.from(AAPL.ts));
    const common = Array.from(JPM.ts).filter((t) => aDays.has(t));
    const closeOn = (bars: typeof AAPL) => {
      const at = new Map(Array.from(bars.ts, (t, i) => [t, bars.close[i]] as const));
      return Float64Array.from(common, (t) => at.get(t) as number);
    };
    const ref = runSweep([closeOn(AAPL), closeOn(JPM)], grid, { lag: 1, costBps: 5, pboBlocks: 8 });
    expect(v.rows).toBe(common.length);
    expect(v.fast).toEqual(Array.from(grid.fast));
    expect(v.sharpe).toEqual(Array.from(ref.sharpe, (x) => (Number.isFinite(x) ? x : null)));
    expect(v.trades).toEqual(Array.from(ref.trades));
    let best = 0;
    for (let k = 1; k < ref.sharpe.length; k++) if (ref.sharpe[k] > ref.sharpe[best]) best = k;
    expect(v.best.index).toBe(best);
    expect(v.best.dsr).not.toBeNull();
    expect(v.best.pbo).not.toBeNull();
    expect(v.best.pbo!).toBeGreaterThanOrEqual(0);
    expect(v.best.pbo!).toBeLessThanOrEqual(1);
  });

  it('reuses the stored result of identical inputs', async () => {
    const { run } = await setup();
    const a = await run(PARAMS);
    const b = await run({ ...PARAMS, datasetIds: ['AAPL|1d', 'JPM|1d'] });
    expect(b.manifestId).toBe(a.manifestId);
    expect(b.computedAt).toBe(a.computedAt);
  });

  it('refuses bad params with the field named', () => {
    expect(() => normaliseSweepParams({ datasetIds: [] })).toThrow(/params\.datasetIds/);
    expect(() => normaliseSweepParams({ datasetIds: ['A|1d'], fast: { from: 10, to: 5 } })).toThrow(/params\.fast: to \(5\) is below from \(10\)/);
    expect(() => normaliseSweepParams({ datasetIds: ['A|1d'], pboBlocks: 7 })).toThrow(/pboBlocks: must be even/);
    expect(() => normaliseSweepParams({ datasetIds: ['A|1d'], costBps: -1 })).toThrow(/costBps/);
  });

  it('names a missing dataset', async () => {
    const { run } = await setup();
    await expect(run({ ...PARAMS, datasetIds: ['NOPE|1d'] })).rejects.toThrow(/NOPE\|1d/);
  });
});
