import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { JobManifest, Json } from '../../../src/engine/contracts';
import { getArtifact, putArtifact } from '../../../src/storage/artifacts';
import { getDatasetMeta } from '../../../src/storage/catalog';
import { putDatasets } from '../../../src/storage/datasets';
import { openQeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { putRegistryDoc } from '../../../src/storage/registry';
import { qualityArtifactKey } from '../../../src/storage/sources/import-types';
import { ComputeHost } from '../../../src/workers/compute-host';
import { createHealthOps, readHealthSnapshot } from '../../../src/workers/health/backend-ops';
import { buildManifest } from '../../../src/workers/manifest';
import { head, loadReal } from '../features/helpers';
import { input } from '../storage/helpers';
import { setImmediateYield } from '../workers/harness';

const AAPL = head(loadReal('AAPL'), 600);
const JPM = head(loadReal('JPM'), 600);
const DAY = 86_400_000;
const NOW = Date.UTC(2024, 4, 11); // 10 days after the helper's storedAt (2024-05-01)

function qualityValue(status: 'pass' | 'warn' | 'fail', splits: number): Json {
  return {
    report: {
      ticker: 'X',
      status,
      rows: 600,
      zero_volume_rows: 0,
      missing_weekday_fraction: 0.004,
      gap_runs: [],
      suspected_splits: Array.from({ length: splits }, (_, i) => ({ ts: `2020-01-0${i + 2}`, ret: 0.5, ratio: 2 })),
      stale_runs: [],
      issues: [],
    },
    adjCloseUsed: false,
  };
}

async function setup(origin: 'file' | 'demo' = 'file') {
  const db = await openQeDb(new IDBFactory());
  // demo data is stored unchecked, as the demo generator does
  const quality = origin === 'demo' ? ('unchecked' as const) : ('pass' as const);
  await putDatasets(db, [input('AAPL', AAPL, { origin, quality }), input('JPM', JPM, { origin, quality })]);
  if (origin === 'file') {
    const a = await getDatasetMeta(db, 'AAPL|1d');
    const j = await getDatasetMeta(db, 'JPM|1d');
    await putArtifact(db, qualityArtifactKey(a!.id, a!.checksum), qualityValue('pass', 0), a!.storedAt);
    await putArtifact(db, qualityArtifactKey(j!.id, j!.checksum), qualityValue('fail', 2), j!.storedAt);
  }
  let clock = NOW;
  const host = new ComputeHost({
    db: async () => db,
    now: () => clock,
    monotonic: () => performance.now(),
    yieldFn: setImmediateYield,
    logger: new LogBus().logger('worker.compute'),
  });
  let n = 0;
  const run = async (type: 'backtest' | 'health_check', params: { [k: string]: Json }) => {
    const m: JobManifest = buildManifest({ type, params });
    const id = `job${++n}`;
    return { id, res: await host.run(id, type, params, m, () => undefined) };
  };
  const ops = createHealthOps({ ready: async () => db, now: () => clock });
  return { db, run, ops, advance: (ms: number) => (clock += ms) };
}

const check = (snap: ReturnType<typeof readHealthSnapshot>, id: string) => {
  const c = snap.report.checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

describe('health_check job', () => {
  it('scores stored datasets, quality reports and a real backtest; stores the snapshot and the trend', async () => {
    const { db, run, ops, advance } = await setup();
    const bt = await run('backtest', {
      datasetIds: ['AAPL|1d', 'JPM|1d'],
      benchmarkId: null,
      rule: { kind: 'sma', fast: 10, slow: 30 },
      commission_bps: 2,
      spread_bps: 4,
      trials: 3,
    });
    const { id, res } = await run('health_check', {});
    expect(res.resultKey).toBe(`health/${id}`);
    const snap = readHealthSnapshot((await getArtifact(db, res.resultKey!))!.value, res.resultKey!);

    expect(snap.sources).toEqual({ datasets: 2, qualityReports: 2, backtests: 1, models: 0, registry: false, gate: true });
    // quality: 1 of 2 checked datasets fails → fail share 0.5 → 15 → CRITICAL (critical check)
    expect([check(snap, 'quality_status').score, check(snap, 'quality_status').status]).toEqual([15, 'CRITICAL']);
    expect(check(snap, 'quality_status').detail).toMatch(/JPM\|1d/);
    expect(check(snap, 'suspected_splits').raw_value).toBe(0.5);
    expect(check(snap, 'cache_freshness').raw_value).toBeCloseTo(10, 10);
    // neither delisted names nor total-return prices → 30
    expect(check(snap, 'survivorship').score).toBe(30);

    // execution read from the stored backtest itself (independent of the reader)
    const view = (await getArtifact(db, bt.res.resultKey!))!.value as { report: { trades: { avg_entry_cost_bps: number; avg_exit_cost_bps: number }; run: { bars: number } } };
    const tr = view.report.trades;
    expect(check(snap, 'cost_model').score).toBe(90); // spread 4 bps + the default impact coefficient
    expect(check(snap, 'cost_level').raw_value).toBeCloseTo((tr.avg_entry_cost_bps + tr.avg_exit_cost_bps) / 2, 12);
    const l = Math.log(3);
    const haircut = Math.sqrt(2 * l) * (1 - 0.5772156649 / (2 * l)) * Math.sqrt(252 / view.report.run.bars);
    expect(check(snap, 'multiple_testing').raw_value).toBeCloseTo(haircut, 12);

    // nothing recorded → unavailable, never synthesised
    for (const c of snap.report.checks.filter((x) => (x.domain === 'promotion' && x.id !== 'gate_criteria') || x.domain === 'walk_forward')) {
      expect(c.status).toBe('UNAVAILABLE');
    }
    // without any cycle the gate in force is the engine's default: every criteria family
    expect([check(snap, 'gate_criteria').value, check(snap, 'gate_criteria').status]).toEqual(['6/6', 'PASS']);
    expect(snap.report.knob_inventory.filter((k) => k.module === 'promotion gate').map((k) => k.name)).toContain('minWfPositiveFolds');
    expect(snap.report.promotion_funnel).toBeNull();
    expect(snap.report.wf_windows).toEqual([]);
    expect(snap.report.domains.find((d) => d.domain === 'promotion')?.score).toBeNull();
    expect(snap.history).toHaveLength(1);

    const env = await ops.getHealthSnapshot('latest');
    expect(env?.meta.mode).toBe('live');
    expect(env?.meta.jobId).toBe(id);
    expect(env?.data.report.overall_score).toBe(snap.report.overall_score);

    // a registry appears: funnel counts come from it; the trend grows
    await putRegistryDoc(
      db,
      'autopilot/strategies',
      {
        active: [{ strategy_id: 's1', promoted_at: '2024-05-02T00:00:00Z', params: {}, score: 1, metrics: { dsr_significant: true, pbo: 0.2 }, status: 'active', consecutive_failures: 0 }],
        history: [
          { timestamp: '2024-05-02T00:00:00Z', strategy_id: 's1', passed: true, score: 1, reasons: [], metrics: {}, params: {} },
          { timestamp: '2024-05-02T00:00:00Z', strategy_id: 's2', passed: false, score: 0.1, reasons: ['sharpe<0.75'], metrics: {}, params: {} },
          { timestamp: '2024-05-03T00:00:00Z', strategy_id: 's2', passed: false, score: 0.2, reasons: ['sharpe<0.75'], metrics: {}, params: {} },
        ],
        gate: { min_trades: 80, min_sharpe: 0.75 },
      },
      '2024-05-03T00:00:00Z',
    );
    advance(DAY);
    const second = await run('health_check', {});
    const snap2 = readHealthSnapshot((await getArtifact(db, second.res.resultKey!))!.value, second.res.resultKey!);
    expect(snap2.report.promotion_funnel).toEqual({ 'Candidates evaluated': 3, 'Distinct strategies': 2, 'Passed gate': 1, Active: 1 });
    expect(check(snap2, 'gate_selectivity').raw_value).toBeCloseTo(1 / 3, 12);
    expect(check(snap2, 'gate_criteria').value).toBe('2/6');
    expect(snap2.history).toHaveLength(2);
    expect(await ops.getHealthHistory()).toEqual(snap2.history);
    expect((await ops.getHealthSnapshot('latest'))?.meta.jobId).toBe(second.id);
    expect((await ops.getHealthSnapshot(id))?.data.history).toHaveLength(1);
  });

  it('names an unreadable registry in the warnings and leaves promotion unavailable', async () => {
    const { db, run } = await setup();
    await putRegistryDoc(db, 'autopilot/strategies', { strategies: [] }, '2024-05-03T00:00:00Z');
    const { res } = await run('health_check', {});
    const snap = readHealthSnapshot((await getArtifact(db, res.resultKey!))!.value, res.resultKey!);
    expect(snap.warnings.join(' ')).toMatch(/Strategy registry could not be read.*"active" and "history"/);
    expect(check(snap, 'gate_selectivity').status).toBe('UNAVAILABLE');
  });

  it('a snapshot over demo datasets is labelled demo', async () => {
    const { run, ops } = await setup('demo');
    await run('health_check', {});
    const env = await ops.getHealthSnapshot();
    expect(env?.meta.mode).toBe('demo');
    expect(env?.meta.warnings.join(' ')).toMatch(/synthetic demo data/);
    // one summary line, not one quality warning per input dataset
    expect(env?.meta.warnings.filter((w) => w.includes('quality'))).toEqual(["Input datasets' quality: 2 unchecked — see the Data Integrity checks."]);
    // demo datasets carry no quality report: excluded, not treated as clean
    expect(env?.data.report.checks.find((c) => c.id === 'quality_status')?.status).toBe('UNAVAILABLE');
  });
});

describe('health_check job over a real training run', () => {
  it('reads the train artifact: fold windows and features per observation as recorded', async () => {
    const N = 700;
    const bars = Object.fromEntries(['AAPL', 'JPM', 'XOM', 'SPY'].map((t) => [t, head(loadReal(t), N)]));
    const db = await openQeDb(new IDBFactory());
    await putDatasets(db, ['AAPL', 'JPM', 'XOM', 'SPY'].map((t) => input(t, bars[t])));
    const host = new ComputeHost({
      db: async () => db,
      now: () => NOW,
      monotonic: () => performance.now(),
      yieldFn: setImmediateYield,
      logger: new LogBus().logger('worker.compute'),
    });
    const trainParams = { datasetIds: ['XOM|1d', 'AAPL|1d', 'JPM|1d'], benchmarkId: 'SPY|1d', horizon: 5, folds: 3, regimeModels: false, enforceGates: false, refitEvery: 500 };
    const train = await host.run('t1', 'train', trainParams, buildManifest({ type: 'train', params: trainParams }), () => undefined);
    const h = await host.run('h1', 'health_check', {}, buildManifest({ type: 'health_check', params: {} }), () => undefined);
    const snap = readHealthSnapshot((await getArtifact(db, h.resultKey!))!.value, h.resultKey!);
    const view = (await getArtifact(db, train.resultKey!))!.value as {
      report: { rows: number; features: string[]; horizon: number; global: { cv: { folds: { fold: number; train: string[]; test: string[]; rank_ic: number | null; is_rank_ic: number | null }[] } } };
    };
    const folds = view.report.global.cv.folds;
    expect(folds.length).toBeGreaterThanOrEqual(2);
    expect(snap.sources.models).toBe(1);
    expect(snap.report.wf_windows.map((w) => [w.fold, w.train_start, w.train_end, w.test_start, w.test_end, w.oos_metric])).toEqual(
      folds.map((f) => [f.fold, f.train[0], f.train[1], f.test[0], f.test[1], f.rank_ic]),
    );
    expect(check(snap, 'temporal_order').status).toBe('PASS');
    expect(check(snap, 'fold_count').raw_value).toBe(folds.length);
    expect(check(snap, 'purge_embargo').raw_value).toBe(view.report.horizon);
    expect(check(snap, 'features_per_observation').raw_value).toBeCloseTo(view.report.features.length / view.report.rows, 12);
  }, 60_000);
});
