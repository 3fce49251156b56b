import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { runCycle } from '../../../src/engine/autopilot';
import { alignBars } from '../../../src/engine/backtest/matrix';
import type { JobManifest, Json } from '../../../src/engine/contracts';
import { NULL_CONTEXT } from '../../../src/engine/core/context';
import { getArtifact } from '../../../src/storage/artifacts';
import {
  cycleReportKey,
  freshPaperState,
  getLatestCyclePointer,
  getPaperState,
  getStrategyRegistry,
  resetPaperState,
} from '../../../src/storage/autopilot';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { createAutopilotOps } from '../../../src/workers/autopilot/backend-ops';
import type { AutopilotCycleView } from '../../../src/workers/autopilot/views';
import { ComputeHost } from '../../../src/workers/compute-host';
import { normaliseAutopilotParams } from '../../../src/workers/handlers/autopilot';
import { buildManifest } from '../../../src/workers/manifest';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { setImmediateYield } from '../workers/harness';

const N = 700;
const TICKERS = ['AAPL', 'JPM', 'XOM', 'MSFT'] as const;
const BARS = Object.fromEntries(TICKERS.map((t) => [t, head(loadReal(t), N)]));
const IDS = TICKERS.map((t) => `${t}|1d`);
const BASE = { datasetIds: IDS, predictor: 'heuristic', horizon: 5, max_candidates: 3 };

async function setup(origin: 'file' | 'demo' = 'file') {
  const db = await openQeDb(new IDBFactory());
  await putDatasets(
    db,
    TICKERS.map((t) => input(t, BARS[t], { origin })),
  );
  const host = new ComputeHost({
    db: async () => db,
    now: () => Date.parse('2024-06-03T12:00:00Z'),
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: new LogBus().logger('worker.compute'),
    // every progress report: the cancel tests act on a specific one
    progressIntervalMs: 0,
  });
  let n = 0;
  const run = async (type: 'autopilot_cycle' | 'paper_cycle', params: { [k: string]: Json }, onProgress: (f: number, s: string) => void = () => undefined) => {
    const m: JobManifest = buildManifest({ type, params });
    const id = `job${++n}`;
    const res = await host.run(id, type, params, m, onProgress);
    return { id, res };
  };
  const ops = createAutopilotOps({ ready: async () => db, now: () => Date.parse('2024-06-03T12:00:00Z'), listJobs: async () => [] });
  return { db, host, run, ops };
}

async function storedCycle(db: QeDb, jobId: string): Promise<AutopilotCycleView> {
  return (await getArtifact(db, cycleReportKey(jobId)))?.value as unknown as AutopilotCycleView;
}

describe('autopilot_cycle job', () => {
  it('normalises params and names the bad field', () => {
    expect(normaliseAutopilotParams({ datasetIds: ['B|1d', 'A|1d', 'A|1d'] })).toEqual({
      datasetIds: ['A|1d', 'B|1d'],
      benchmarkId: null,
      horizon: 10,
      predictor: 'auto',
      dry_run: false,
      max_candidates: null,
    });
    expect(() => normaliseAutopilotParams({ datasetIds: [] })).toThrow(/params.datasetIds/);
    expect(() => normaliseAutopilotParams({ datasetIds: ['A'], max_candidates: 37 })).toThrow(/params.max_candidates: must be an integer in \[1, 36\]/);
    expect(() => normaliseAutopilotParams({ datasetIds: ['A'], horizon: 0 })).toThrow(/params.horizon/);
  });

  it('evaluates the first max_candidates grid points on the pool, reports per candidate, applies promotions and paper state', async () => {
    const { db, run } = await setup();
    const stages: string[] = [];
    const { id, res } = await run('autopilot_cycle', BASE, (_f, s) => stages.push(s));
    expect(res.resultKey).toBe(cycleReportKey(id));
    for (const k of [1, 2, 3]) expect(stages.some((x) => x.endsWith(`Candidate ${k}/3 evaluated`))).toBe(true);
    const view = await storedCycle(db, id);
    // Grid order entry → confidence → risk → max positions, ids per spec §5.2 (by hand).
    expect(view.report.decisions.map((d) => d.strategy_id).sort()).toEqual(['h5_e40_c50_r0_m10', 'h5_e40_c50_r0_m20', 'h5_e40_c50_r1_m10']);
    expect(view.predictor).toMatchObject({ type: 'heuristic', requested: 'heuristic' });
    expect(view.report.universe).toEqual([...TICKERS].sort());
    for (const d of view.report.decisions) expect(d.passed).toBe(d.reasons.length === 0);
    const { registry } = await getStrategyRegistry(db);
    expect(registry.history).toHaveLength(3);
    expect(registry.active.map((a) => a.strategy_id).sort()).toEqual(view.report.decisions.filter((d) => d.passed).map((d) => d.strategy_id).sort());
    const paper = await getPaperState(db);
    expect(paper?.state.initial_capital).toBe(1_000_000);
    expect((await getLatestCyclePointer(db))?.jobId).toBe(id);
    // The stored report keeps the active book; the history lives in the registry document only.
    expect(view.report.registry).toEqual({ active: registry.active, history: [] });
    expect(view.report.paper_state).toBeNull();
    expect(view.latest?.tickers.length).toBeGreaterThan(0);

    // The pool-evaluated cycle equals the engine's own sequential cycle on the same inputs.
    const prices = alignBars(TICKERS.map((t) => ({ ticker: t, bars: BARS[t] })).sort((a, b) => a.ticker.localeCompare(b.ticker)));
    const direct = await runCycle(
      { prices, inputs: view.report.manifest.inputs, registry: { active: [], history: [] }, paper: freshPaperState(), nowIso: view.computedAt },
      NULL_CONTEXT,
      { horizon: 5, predictor: 'heuristic', base: { max_candidates: 3 } },
    );
    expect(view.report.decisions.map((d) => [d.strategy_id, d.score, d.reasons])).toEqual(direct.decisions.map((d) => [d.strategy_id, d.score, d.reasons]));
  }, 60_000);

  it('a dry run stores its report but leaves the registry and paper state alone', async () => {
    const { db, run } = await setup();
    await resetPaperState(db, 50_000, '2024-01-01T00:00:00.000Z');
    const { id } = await run('autopilot_cycle', { ...BASE, dry_run: true, max_candidates: 1 });
    expect((await storedCycle(db, id)).report.dry_run).toBe(true);
    expect((await getLatestCyclePointer(db))?.dryRun).toBe(true);
    expect((await getStrategyRegistry(db)).updatedAt).toBeNull();
    expect((await getPaperState(db))?.updatedAt).toBe('2024-01-01T00:00:00.000Z');
  }, 60_000);

  it('cancel stops between candidates and writes nothing', async () => {
    const { db, host, run } = await setup();
    const p = run('autopilot_cycle', BASE, (_f, s) => {
      if (s.endsWith('Candidate 1/3 evaluated')) host.cancel('job1');
    });
    await expect(p).rejects.toThrow(/cancel/i);
    expect(await getArtifact(db, cycleReportKey('job1'))).toBeUndefined();
    expect(await getLatestCyclePointer(db)).toBeNull();
    expect((await getStrategyRegistry(db)).updatedAt).toBeNull();
  }, 60_000);

  it('refuses an unknown model version and writes nothing when the paper account changed mid-cycle', async () => {
    const { db, run } = await setup();
    await expect(run('autopilot_cycle', { ...BASE, predictor: 'no-such-model' })).rejects.toThrow(/params.predictor: model version no-such-model is not in the model registry/);
    let reset: Promise<unknown> | null = null;
    const p = run('autopilot_cycle', BASE, (_f, s) => {
      if (!reset && s.endsWith('Candidate 1/3 evaluated')) reset = resetPaperState(db, 123_456, '2024-02-01T00:00:00.000Z');
    });
    await expect(p).rejects.toThrow(/autopilot\/paper changed while this job ran/);
    await reset;
    expect(await getLatestCyclePointer(db)).toBeNull();
    expect((await getStrategyRegistry(db)).updatedAt).toBeNull();
    expect((await getPaperState(db))?.state.cash).toBe(123_456);
  }, 60_000);

  it('paper_cycle needs an applied cycle, then trades and keeps cash + positions = equity', async () => {
    const { run, ops } = await setup();
    await expect(run('paper_cycle', {})).rejects.toThrow(/No applied autopilot cycle yet/);
    await run('autopilot_cycle', BASE);
    await run('paper_cycle', {});
    const env = await ops.getPaperAccount();
    expect(env).not.toBeNull();
    const v = env!.data;
    const posValue = v.positions.reduce((s, p) => s + p.value, 0);
    expect(v.totals.equity).toBeCloseTo(v.state.cash + posValue, 6);
    expect(v.curve.dates.length).toBeGreaterThan(0);
    expect(v.curve.equity.at(-1)).toBeCloseTo(v.totals.equity, 4);
    // Heuristic predictor on real file data: a substitution → FALLBACK, with the reason.
    expect(env!.meta.mode).toBe('fallback');
  }, 60_000);

  it('provenance: demo inputs → DEMO envelopes', async () => {
    const { run, ops } = await setup('demo');
    await run('autopilot_cycle', { ...BASE, max_candidates: 1 });
    const env = await ops.getAutopilotCycle('latest');
    expect(env?.meta.mode).toBe('demo');
    expect(env?.meta.warnings.join(' ')).toMatch(/demo data/);
    expect((await ops.getStrategyRegistry()).meta.mode).toBe('demo');
  }, 60_000);
});
