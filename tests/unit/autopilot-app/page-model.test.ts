import { describe, expect, it } from 'vitest';
import { applyPromotions } from '../../../src/engine/autopilot/registry';
import { promotionFunnel, sortDecisions } from '../../../src/app/components/autopilot/model';
import { decision, metrics, report } from './fixtures';

describe('promotion funnel', () => {
  it('counts evaluated → passed → promoted (passers holding a slot) → active from report and registry', () => {
    const ds = [decision('a', true, 3), decision('b', true, 2), decision('c', false, 1), decision('d', false, 0)];
    // An incumbent 'z' already active, then this cycle: max 2 active, so 'b' does not get a slot.
    const before = applyPromotions({ active: [], history: [] }, [decision('z', true, 5)], 't0');
    const after = applyPromotions(before, ds, 't1', { maxActive: 2 });
    const f = promotionFunnel(report(ds, after), after);
    expect(f.map((s) => [s.stage, s.count])).toEqual([
      ['evaluated', 4],
      ['passed', 2],
      ['promoted', 1],
      ['active', 2],
    ]);
  });

  it('a dry run promotes nothing', () => {
    const ds = [decision('a', true, 3)];
    const reg = { active: [], history: [] };
    expect(promotionFunnel(report(ds, reg, { dry_run: true }), reg).map((s) => s.count)).toEqual([1, 1, 0, 0]);
  });
});

describe('decision sorting', () => {
  const a = { ...decision('a', true, 1), metrics: metrics({ sharpe: 0.5, total_trades: 10 }) };
  const b = { ...decision('b', false, 3), metrics: metrics({ sharpe: Number.NaN, total_trades: 30 }) };
  const c = { ...decision('c', true, 2), metrics: metrics({ sharpe: 1.5, total_trades: 20 }) };
  it('sorts by a numeric key either way with NaN last, and by strategy id', () => {
    expect(sortDecisions([a, b, c], 'score', 'desc').map((d) => d.strategy_id)).toEqual(['b', 'c', 'a']);
    expect(sortDecisions([a, b, c], 'sharpe', 'asc').map((d) => d.strategy_id)).toEqual(['a', 'c', 'b']);
    expect(sortDecisions([a, b, c], 'sharpe', 'desc').map((d) => d.strategy_id)).toEqual(['c', 'a', 'b']);
    expect(sortDecisions([c, b, a], 'strategy', 'asc').map((d) => d.strategy_id)).toEqual(['a', 'b', 'c']);
    expect(sortDecisions([a, b, c], 'passed', 'desc').map((d) => d.strategy_id)).toEqual(['a', 'c', 'b']);
  });
  it('does not mutate its input', () => {
    const list = [a, b, c];
    sortDecisions(list, 'trades', 'desc');
    expect(list.map((d) => d.strategy_id)).toEqual(['a', 'b', 'c']);
  });
});
