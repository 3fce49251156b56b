import { describe, expect, it } from 'vitest';
import { EMPTY_REGISTRY, type GateDecision, type StrategyRegistry, applyPromotions } from '../../../src/engine/autopilot';
import { decision } from './fixtures';

const ids = (r: StrategyRegistry) => r.active.map((a) => a.strategy_id);

describe('applyPromotions', () => {
  it('promotes passers sorted by score, keeps at most 5, records one history row per decision', () => {
    const ds = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id, k) => decision(id, id !== 'g', k));
    const r = applyPromotions(EMPTY_REGISTRY, ds, '2026-01-01T00:00:00Z');
    expect(ids(r)).toEqual(['f', 'e', 'd', 'c', 'b']);
    expect(r.active.every((a) => a.promoted_at === '2026-01-01T00:00:00Z' && a.consecutive_failures === 0 && a.status === 'active')).toBe(true);
    expect(r.history).toHaveLength(7);
    expect(r.history.find((h) => h.strategy_id === 'g')?.passed).toBe(false);
    expect(EMPTY_REGISTRY.active).toHaveLength(0);
  });

  it('grace: an incumbent survives 2 failures/absences, leaves on the 3rd, and a pass resets the count', () => {
    let r = applyPromotions(EMPTY_REGISTRY, [decision('x', true, 1)], 't0');
    r = applyPromotions(r, [decision('x', false, 0.5)], 't1');
    expect(r.active[0].consecutive_failures).toBe(1);
    expect(r.active[0].score).toBe(1); // a failure does not refresh the stored score
    r = applyPromotions(r, [], 't2'); // absent counts as a failure
    expect(r.active[0].consecutive_failures).toBe(2);
    const refreshed = applyPromotions(r, [decision('x', true, 3)], 't3');
    expect(refreshed.active[0]).toMatchObject({ consecutive_failures: 0, score: 3, promoted_at: 't0' });
    r = applyPromotions(r, [decision('x', false, 0)], 't3');
    expect(ids(r)).toEqual([]);
  });

  it('eviction by score: a better newcomer pushes the weakest incumbent out of a full book', () => {
    const five = ['a', 'b', 'c', 'd', 'e'].map((id, k) => decision(id, true, 10 + k));
    let r = applyPromotions(EMPTY_REGISTRY, five, 't0');
    r = applyPromotions(r, [...five, decision('n', true, 12.5)], 't1');
    expect(ids(r)).toEqual(['e', 'd', 'n', 'c', 'b']);
    expect(r.active.find((a) => a.strategy_id === 'n')?.promoted_at).toBe('t1');
  });

  it('history keeps the last 2000 rows; the input registry is not mutated', () => {
    const ds: GateDecision[] = Array.from({ length: 36 }, (_, k) => decision(`s${k}`, false, k));
    let r = EMPTY_REGISTRY;
    for (let c = 0; c < 60; c++) r = applyPromotions(r, ds, `t${c}`);
    expect(r.history).toHaveLength(2000);
    expect(r.history[r.history.length - 1].timestamp).toBe('t59');
    expect(r.history[0].timestamp).toBe(`t${60 - Math.ceil(2000 / 36)}`);
    const before = JSON.stringify(r);
    applyPromotions(r, [decision('z', true, 1)], 'later', { historyCap: 10, maxActive: 1 });
    expect(JSON.stringify(r)).toBe(before);
    expect(applyPromotions(r, [decision('z', true, 1)], 'later', { historyCap: 10 }).history).toHaveLength(10);
  });
});
