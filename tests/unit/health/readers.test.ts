import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/engine/contracts';
import { computeHealth } from '../../../src/engine/health';
import { readGate, readModel, readQualityReport, readRegistry } from '../../../src/workers/health/readers';

/** The `qe train` report shape (engine/models/report-json.ts `trainReportJson`), trimmed. */
const TRAIN_REPORT: Json = {
  status: 'trained',
  horizon: 10,
  rows: 4000,
  features: ['logret_1', 'vol_20', 'custom_thing'],
  global: {
    cv: {
      oos_rank_ic: 0.02,
      is_rank_ic: 0.09,
      cv_gap: 0.07,
      folds: [
        { fold: 0, train: ['2015-01-02', '2017-12-15'], test: ['2018-01-02', '2018-12-31'], n_train: 700, n_test: 250, rank_ic: 0.03, is_rank_ic: 0.1 },
        { fold: 1, train: ['2015-01-02', '2018-12-14'], test: ['2019-01-02', '2019-12-31'], n_train: 950, n_test: 250, rank_ic: -0.01, is_rank_ic: 0.08 },
      ],
    },
  },
};

describe('health readers', () => {
  it('reads a model artifact holding a training report: folds with dates, purge from the horizon', () => {
    const r = readModel({ report: TRAIN_REPORT }, 'model/abc', '2024-06-01T00:00:00.000Z');
    expect(r).not.toBeNull();
    expect(r?.model).toMatchObject({ key: 'model/abc', rows: 4000, features: ['logret_1', 'vol_20', 'custom_thing'] });
    expect(r?.walkForward?.purge).toBe(10);
    expect(r?.walkForward?.folds[1]).toEqual({
      fold: 1,
      trainStart: Date.UTC(2015, 0, 2),
      trainEnd: Date.UTC(2018, 11, 14),
      testStart: Date.UTC(2019, 0, 2),
      testEnd: Date.UTC(2019, 11, 31),
      isMetric: 0.08,
      oosMetric: -0.01,
    });
    // a pointer or prediction document is not a training report
    expect(readModel({ key: 'model/abc' }, 'model/latest', '2024-06-01T00:00:00.000Z')).toBeNull();
  });

  it('feeds recorded folds into walk-forward checks and windows unchanged', () => {
    const m = readModel(TRAIN_REPORT, 'model/abc', '2024-06-01T00:00:00.000Z');
    const r = computeHealth({ now: Date.UTC(2024, 6, 1), datasets: [], registry: null, gate: null, backtests: [], models: m ? [m.model] : [], walkForward: m?.walkForward ? [m.walkForward] : [] });
    expect(r.wf_windows.map((w) => [w.fold, w.train_end, w.test_start, w.oos_metric])).toEqual([
      [0, '2017-12-15', '2018-01-02', 0.03],
      [1, '2018-12-14', '2019-01-02', -0.01],
    ]);
    expect(r.checks.find((c) => c.id === 'positive_folds')?.raw_value).toBe(0.5);
    expect(r.checks.find((c) => c.id === 'is_oos_gap')?.raw_value).toBeCloseTo((0.07 + 0.09) / 2, 12);
    // unknown feature names land in "other"; registry names in their family
    expect(r.feature_inventory.other).toBe(1);
    expect(Object.values(r.feature_inventory).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('refuses malformed documents with a message naming the field', () => {
    expect(() => readRegistry({ active: [], history: [{ strategy_id: 's', passed: 'yes' }] }, 'autopilot/strategies')).toThrow(
      /autopilot\/strategies: history\[0\] needs strategy_id and a boolean passed/,
    );
    expect(() => readQualityReport({ report: { status: 'great', rows: 1 } }, 'quality/X|1d/abc')).toThrow(/report.status is "great"/);
    expect(readGate({ min_trades: 80, note: 'x', require_spa: false }, 'g')).toEqual({ min_trades: 80, require_spa: false });
  });
});
