import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SIMULATOR, resolveConfig, RULE_DEFAULTS } from '../../../src/engine/backtest/config';
import { alignBars } from '../../../src/engine/backtest/matrix';
import { ruleSignals } from '../../../src/engine/backtest/signals';
import { simulate } from '../../../src/engine/backtest/simulator';
import type { JobEvent, JobManifest, Json } from '../../../src/engine/contracts';
import { canonicalJson } from '../../../src/engine/core/hash';
import { getArtifact } from '../../../src/storage/artifacts';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import type { Backend, BacktestView } from '../../../src/workers/api';
import { readBacktestView } from '../../../src/workers/backtest/backend-ops';
import { createBackend } from '../../../src/workers/backend';
import { ComputeHost } from '../../../src/workers/compute-host';
import { backtestConfig, normaliseBacktestParams } from '../../../src/workers/handlers/backtest';
import { buildManifest } from '../../../src/workers/manifest';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { FakeWorker, inProcessCompute, inProcessData, setImmediateYield } from './harness';

const AAPL = head(loadReal('AAPL'), 500);
const JPM = head(loadReal('JPM'), 500);
const SPY = head(loadReal('SPY'), 500);

const BASE = { datasetIds: ['AAPL|1d', 'JPM|1d'], benchmarkId: 'SPY|1d', rule: { kind: 'sma', fast: 10, slow: 30 } };

async function setup(origin: 'file' | 'demo' = 'file') {
  const factory = new IDBFactory();
  const db = await openQeDb(factory);
  await putDatasets(db, [input('AAPL', AAPL, { origin }), input('JPM', JPM, { origin }), input('SPY', SPY, { origin: 'file' })]);
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.now(),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: new LogBus().logger('worker.compute'),
  });
  let n = 0;
  const run = async (params: { [k: string]: Json }, onProgress: (f: number, s: string) => void = () => undefined) => {
    const m: JobManifest = buildManifest({ type: 'backtest', params });
    const id = `job${++n}`;
    const res = await host.run(id, 'backtest', params, m, onProgress);
    const view = readBacktestView((await getArtifact(db, res.resultKey!))!.value, res.resultKey!);
    return { id, res, view };
  };
  return { db, host, run };
}

describe('backtest job', () => {
  it('stores the engine simulation of the params (trades equal a direct simulate call)', async () => {
    const { run } = await setup();
    const params = { ...BASE, holding_period: 5, max_positions: 2, position_size: 0.2, commission_bps: 2, spread_bps: 4 };
    const { res, view } = await run(params);
    expect(res.resultKey).toMatch(/^backtest\/[0-9a-f]{64}$/);
    // Independent path: the engine called directly with a hand-built config.
    const m = alignBars([
      { ticker: 'AAPL', bars: AAPL },
      { ticker: 'JPM', bars: JPM },
    ]);
    const config = resolveConfig(
      {
        ...RULE_DEFAULTS,
        holdingDays: 5,
        maxPositions: 2,
        sizing: { method: 'fixed', fraction: 0.2 },
        costs: { commissionBps: 2, spreadBps: 4 },
        recordWeights: true,
      },
      DEFAULT_SIMULATOR,
    );
    const direct = simulate({ matrix: m, signals: ruleSignals(m, { kind: 'sma', fast: 10, slow: 30 }), config });
    expect(view.trades.n).toBe(direct.trades.n);
    expect(view.trades.n).toBeGreaterThan(0);
    expect(view.equity.at(-1)).toBe(direct.equity.at(-1));
    expect(Math.max(...view.trades.holdingDays)).toBeLessThanOrEqual(5);
    expect(view.benchmarkEquity).not.toBeNull();
    const perf = view.report.performance as { beta: number | null; sharpe: number };
    expect(perf.beta).not.toBeNull();
    expect(view.comparison?.benchmark).toBe('SPY');
  });

  it('maps every param into the simulator config', () => {
    const p = normaliseBacktestParams({
      ...BASE,
      holding_period: 7,
      max_positions: 3,
      entry_threshold: 0.01,
      position_size: 0.15,
      fill: 'close',
      stop_loss: 0.05,
      take_profit: 0.2,
      trailing_stop: 0.08,
      commission_bps: 3,
      spread_bps: 6,
      risk_management: true,
    });
    const c = backtestConfig(p);
    expect([c.holdingDays, c.maxPositions, c.entryThreshold, c.fill]).toEqual([7, 3, 0.01, 'close']);
    expect(c.sizing).toEqual({ method: 'fixed', fraction: 0.15 });
    expect([c.stops.stopLoss, c.stops.takeProfit, c.stops.trailingStop]).toEqual([0.05, 0.2, 0.08]);
    expect([c.costs.commissionBps, c.costs.spreadBps]).toEqual([3, 6]);
    expect(c.drawdownControl).not.toBeNull();
    expect(backtestConfig(normaliseBacktestParams(BASE)).drawdownControl).toBeNull();
    expect(() => normaliseBacktestParams({ ...BASE, holding_period: 61 })).toThrow(/params.holding_period: must be in \[1, 60\]/);
    expect(() => normaliseBacktestParams({ ...BASE, rule: { kind: 'sma', fast: 30, slow: 10 } })).toThrow(/fast \(30\) must be shorter/);
  });

  it('changing the holding period changes the trades', async () => {
    const { run } = await setup();
    const a = (await run({ ...BASE, holding_period: 3 })).view;
    const b = (await run({ ...BASE, holding_period: 40 })).view;
    expect(a.manifestId).not.toBe(b.manifestId);
    expect(a.trades.n).not.toBe(b.trades.n);
    expect(Math.max(...a.trades.holdingDays)).toBeLessThanOrEqual(3);
    expect(Math.max(...b.trades.holdingDays)).toBeGreaterThan(3);
  });

  it('same manifest → identical result bytes (fresh stores), including the seeded Monte Carlo', async () => {
    const strip = (v: BacktestView) => canonicalJson({ ...v, computedAt: '' } as unknown as Json);
    const one = (await (await setup()).run({ ...BASE, holding_period: 8 })).view;
    const two = (await (await setup()).run({ ...BASE, holding_period: 8 })).view;
    expect(one.manifestId).toBe(two.manifestId);
    expect(strip(one)).toBe(strip(two));
    const mc = (one.report.validation as { monte_carlo_trades?: { shuffle: { seed: number } } }).monte_carlo_trades;
    expect(mc?.shuffle.seed).toBeTypeOf('number');
  });

  it('stops at a checkpoint when cancelled and stores nothing', async () => {
    const { db, host } = await setup();
    const params = { ...BASE, holding_period: 5 };
    const m = buildManifest({ type: 'backtest', params });
    let cancelled = false;
    const job = host.run('jobX', 'backtest', params, m, (_, stage) => {
      if (!cancelled && stage.startsWith('Loading')) {
        cancelled = true;
        host.cancel('jobX');
      }
    });
    await expect(job).rejects.toMatchObject({ name: 'CancelledError' });
    const { listArtifacts } = await import('../../../src/storage/artifacts');
    expect(await listArtifacts(db, 'backtest/')).toEqual([]);
  });
});

describe('backtest results through the Backend', () => {
  async function makeBackend(origin: 'file' | 'demo') {
    const factory = new IDBFactory();
    const db = await openQeDb(factory);
    await putDatasets(db, [input('AAPL', AAPL, { origin }), input('JPM', JPM, { origin }), input('SPY', SPY, { origin: 'file' })]);
    const workerDb = () => openQeDb(factory);
    const backend = createBackend({
      idbFactory: factory,
      poolSize: 1,
      createComputeWorker: () => new FakeWorker(),
      connectCompute: inProcessCompute(workerDb),
      createDataWorker: () => new FakeWorker(),
      connectData: inProcessData(workerDb, () => Promise.reject(new Error('no DuckDB under Node'))),
      storageManager: { estimate: async () => ({ usage: 1, quota: 2 }), persisted: async () => false },
      locks: null,
    });
    await backend.boot();
    return backend;
  }

  async function runJob(backend: Backend, params: { [k: string]: Json }) {
    const events: JobEvent[] = [];
    const off = backend.onJobEvent((e) => events.push(e));
    const rec = await backend.submitJob({ type: 'backtest', params });
    await new Promise<void>((resolve) => {
      const check = () => (events.some((e) => e.event === 'done' && e.jobId === rec.id) ? resolve() : setTimeout(check, 10));
      check();
    });
    off();
    const done = await backend.getJob(rec.id);
    expect(done?.status, done?.error).toBe('succeeded');
    return done!;
  }

  it('demo inputs → DEMO envelope; history lists the run; latest resolves to it', async () => {
    const backend = await makeBackend('demo');
    expect(await backend.getBacktestResult('latest')).toBeNull();
    const job = await runJob(backend, { ...BASE, holding_period: 5 });
    const runs = await backend.listBacktestRuns();
    expect(runs.map((r) => [r.jobId, r.status])).toEqual([[job.id, 'succeeded']]);
    const latest = await backend.getBacktestResult('latest');
    expect(latest?.meta.mode).toBe('demo');
    expect(latest?.meta.warnings.some((w) => /demo data/.test(w))).toBe(true);
    expect(latest?.meta.manifestId).toBe(latest?.data.manifestId);
    expect((await backend.getBacktestResult(job.id))?.data.manifestId).toBe(latest?.data.manifestId);
  });

  it('file inputs → LIVE envelope', async () => {
    const backend = await makeBackend('file');
    await runJob(backend, { ...BASE, holding_period: 5 });
    expect((await backend.getBacktestResult('latest'))?.meta.mode).toBe('live');
  });
});
