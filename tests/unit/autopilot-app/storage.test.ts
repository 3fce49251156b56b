import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { applyPromotions } from '../../../src/engine/autopilot/registry';
import type { StrategyRegistry } from '../../../src/engine/autopilot/types';
import type { Json } from '../../../src/engine/contracts';
import { getArtifact } from '../../../src/storage/artifacts';
import {
  AutopilotConflictError,
  AutopilotStoreError,
  commitCycle,
  cycleReportKey,
  DEFAULT_INITIAL_CAPITAL,
  getLatestCycleReport,
  getPaperState,
  getStrategyRegistry,
  listCycleReports,
  PAPER_STATE_KEY,
  resetPaperState,
  STRATEGY_REGISTRY_KEY,
  updatePaperState,
  updateStrategyRegistry,
} from '../../../src/storage/autopilot';
import { putRegistryDoc } from '../../../src/storage/registry';
import { freshDb } from '../storage/helpers';
import { decision, report } from './fixtures';

const T1 = '2024-01-02T00:00:00.000Z';
const T2 = '2024-01-03T00:00:00.000Z';

describe('strategy registry document', () => {
  it('is empty before the first write and round-trips what applyPromotions made', async () => {
    const db = await freshDb();
    expect((await getStrategyRegistry(db)).registry).toEqual({ active: [], history: [] });
    const next = await updateStrategyRegistry(db, (r) => applyPromotions(r, [decision('a', true, 2), decision('b', false, 1)], T1), T1);
    const back = await getStrategyRegistry(db);
    expect(back.registry).toEqual(next);
    expect(back.updatedAt).toBe(T1);
    expect(back.registry.active.map((a) => a.strategy_id)).toEqual(['a']);
    expect(back.registry.history.map((h) => [h.strategy_id, h.passed])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  it('two concurrent writers both land (read-modify-write in one transaction)', async () => {
    const db = await freshDb();
    const cycle = (id: string, at: string) => (r: StrategyRegistry) => applyPromotions(r, [decision(id, true, id === 'x' ? 3 : 2)], at);
    // Both start before either commits; a get-then-put pair would keep only one of them.
    await Promise.all([updateStrategyRegistry(db, cycle('x', T1), T1), updateStrategyRegistry(db, cycle('y', T2), T2)]);
    const { registry } = await getStrategyRegistry(db);
    expect(registry.history.map((h) => h.strategy_id).sort()).toEqual(['x', 'y']);
    // The second transaction saw the first's promotion: 'x' was an incumbent absent from its
    // decisions, so it carries one failure; 'y' is fresh. Sorted by score.
    expect(registry.active.map((a) => [a.strategy_id, a.consecutive_failures])).toEqual([
      ['x', 1],
      ['y', 0],
    ]);
  });

  it('a throwing update writes nothing', async () => {
    const db = await freshDb();
    await updateStrategyRegistry(db, (r) => applyPromotions(r, [decision('a', true, 2)], T1), T1);
    await expect(
      updateStrategyRegistry(
        db,
        () => {
          throw new Error('boom');
        },
        T2,
      ),
    ).rejects.toThrow(/boom/);
    const back = await getStrategyRegistry(db);
    expect(back.updatedAt).toBe(T1);
    expect(back.registry.active).toHaveLength(1);
  });

  it('names the field of a corrupt document instead of discarding it', async () => {
    const db = await freshDb();
    await putRegistryDoc(db, STRATEGY_REGISTRY_KEY, { active: [{ strategy_id: 'a', score: 'high' }], history: [] } as Json, T1);
    await expect(getStrategyRegistry(db)).rejects.toThrow(AutopilotStoreError);
    await expect(getStrategyRegistry(db)).rejects.toThrow(/autopilot\/strategies: active\[0\]\.score must be a number/);
  });
});

describe('paper state document', () => {
  it('is absent until reset; reset writes a fresh account with the initial capital', async () => {
    const db = await freshDb();
    expect(await getPaperState(db)).toBeNull();
    await resetPaperState(db, 250_000, T1);
    const p = await getPaperState(db);
    expect(p?.state).toEqual({ initial_capital: 250_000, cash: 250_000, realized_pnl: 0, positions: [], trades: [], last_update: null, cycle_dates: [] });
    await expect(resetPaperState(db, 0, T2)).rejects.toThrow(/initial capital must be a positive amount/);
    expect((await getPaperState(db))?.state.initial_capital).toBe(250_000);
  });

  it('updates start from the default 1,000,000 account and reject malformed states', async () => {
    const db = await freshDb();
    const next = await updatePaperState(db, (s) => ({ ...s, cash: s.cash - 100, last_update: '2024-01-02', cycle_dates: ['2024-01-02'] }), T1);
    expect(next.cash).toBe(DEFAULT_INITIAL_CAPITAL - 100);
    await expect(updatePaperState(db, (s) => ({ ...s, cash: Number.NaN }), T2)).rejects.toThrow(/paper.*cash must be a finite number/);
    expect((await getPaperState(db))?.state.cash).toBe(DEFAULT_INITIAL_CAPITAL - 100);
  });

  it('a conflict thrown inside the update aborts it', async () => {
    const db = await freshDb();
    await resetPaperState(db, 1000, T1);
    await expect(
      updatePaperState(
        db,
        () => {
          throw new AutopilotConflictError(PAPER_STATE_KEY, 'cycle count 0 → 1');
        },
        T2,
      ),
    ).rejects.toThrow(/changed while this job ran/);
    expect((await getPaperState(db))?.updatedAt).toBe(T1);
  });
});

describe('cycle commit', () => {
  it('stores report, pointer, registry and paper together', async () => {
    const db = await freshDb();
    const out = await commitCycle(db, {
      jobId: 'job-1',
      manifestId: 'm1',
      createdAt: T1,
      build: ({ registry, paper }) => {
        expect(paper).toBeNull();
        const next = applyPromotions(registry, [decision('a', true, 2)], T1);
        return { record: { report: report([decision('a', true, 2)], next) }, registry: next };
      },
    });
    expect(out.key).toBe(cycleReportKey('job-1'));
    const rec = await getArtifact(db, out.key);
    expect([rec?.jobId, rec?.manifestId]).toEqual(['job-1', 'm1']);
    const latest = await getLatestCycleReport(db);
    expect(latest?.report.n_passed).toBe(1);
    expect((await getLatestCycleReport(db, 'applied'))?.jobId).toBe('job-1');
    expect((await getStrategyRegistry(db)).registry.active).toHaveLength(1);
  });

  it('a dry run stores its report as latest but leaves registry and paper alone', async () => {
    const db = await freshDb();
    await resetPaperState(db, 5000, T1);
    await commitCycle(db, {
      jobId: 'dry',
      manifestId: 'm',
      createdAt: T2,
      build: ({ registry }) => ({ record: { report: report([decision('a', true, 2)], registry, { dry_run: true }) } }),
    });
    expect((await getLatestCycleReport(db))?.jobId).toBe('dry');
    expect(await getLatestCycleReport(db, 'applied')).toBeNull();
    expect((await getStrategyRegistry(db)).updatedAt).toBeNull();
    expect((await getPaperState(db))?.updatedAt).toBe(T1);
  });

  it('a failing build leaves the previous cycle current and writes no artifact', async () => {
    const db = await freshDb();
    await commitCycle(db, { jobId: 'ok', manifestId: 'm', createdAt: T1, build: ({ registry }) => ({ record: { report: report([], registry) } }) });
    await expect(
      commitCycle(db, {
        jobId: 'bad',
        manifestId: 'm',
        createdAt: T2,
        build: () => {
          throw new Error('cancelled mid-write');
        },
      }),
    ).rejects.toThrow(/cancelled mid-write/);
    expect((await getLatestCycleReport(db))?.jobId).toBe('ok');
    expect(await getArtifact(db, cycleReportKey('bad'))).toBeUndefined();
    expect((await listCycleReports(db)).map((r) => r.jobId)).toEqual(['ok']);
  });
});
