import { describe, expect, it } from 'vitest';
import { eventContractMetrics } from '../../../src/engine/kalshi/contract-metrics';
import type { EventTable, WalkForwardFold, WalkForwardResult } from '../../../src/engine/kalshi/walkforward';

const DAY = 86_400_000;

function setup(): { wf: WalkForwardResult; table: EventTable } {
  const table: EventTable = {
    event_id: ['A', 'B', 'C', 'D'],
    event_type: ['CPI', 'CPI', 'FOMC', 'FOMC'],
    release_ts: Float64Array.from([0, 1, 2, 3], (d) => Date.UTC(2024, 0, 1) + d * DAY),
    names: [],
    columns: [],
    label: Float64Array.from([0.5, -0.2, -0.1, 0.3]),
  };
  const fold = { test_ids: ['A', 'B', 'C', 'D'], predictions: [1, -1, 1, 1] } as WalkForwardFold;
  const wf = { folds: [fold], n_trials_total: 3 } as WalkForwardResult;
  return { wf, table };
}

describe('event contract metrics', () => {
  it('match a hand-worked example', () => {
    const { wf, table } = setup();
    const m = eventContractMetrics(wf, table);
    const std = Math.sqrt(0.046875);
    expect(m.n_events).toBe(4);
    expect(m.mean_return).toBeCloseTo(0.225, 12);
    expect(m.sharpe).toBeCloseTo((0.225 / std) * Math.sqrt(252), 10);
    expect(m.turnover_proxy).toBeCloseTo(4 / 3, 12);
    expect(m.events_per_day).toBeCloseTo(4 / 3, 12);
    expect(m.capacity_utilization).toBeCloseTo(4 / 18, 12);
    expect(m.capacity_constrained).toBe(false);
    expect(m.event_type_stability).toBeCloseTo(Math.exp(-0.125 / std), 12);
    expect(m.bootstrap_mean_lo).toBeGreaterThanOrEqual(-0.1);
    expect(m.bootstrap_mean_hi).toBeLessThanOrEqual(0.5);
    expect(m.bootstrap_mean_lo).toBeLessThan(0.225);
    expect(m.bootstrap_mean_hi).toBeGreaterThan(0.225);
    expect(m.dsr).toBeGreaterThan(0);
    expect(m.dsr).toBeLessThan(1);
    // seeded: the same inputs give the same bootstrap
    expect(eventContractMetrics(wf, table)).toEqual(m);
  });

  it('are empty (NaN) without out-of-sample events', () => {
    const { table } = setup();
    const m = eventContractMetrics({ folds: [], n_trials_total: 3 } as unknown as WalkForwardResult, table);
    expect(m.n_events).toBe(0);
    expect(Number.isNaN(m.sharpe) && Number.isNaN(m.bootstrap_mean_lo)).toBe(true);
  });
});
