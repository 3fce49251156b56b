/** Pure view logic of the Autopilot page (funnel, decision sorting), kept apart for tests. */
import type { CycleReport, GateDecision, StrategyRegistry } from '../../../workers/autopilot/views';

export interface FunnelStage {
  stage: 'evaluated' | 'passed' | 'promoted' | 'active';
  label: string;
  count: number;
  color: string;
}

/**
 * Evaluated → passed gate → promoted → active, from the latest report and the current
 * registry. A dry run promotes nothing (its would-be promotions are not applied).
 */
export function promotionFunnel(report: CycleReport, registry: StrategyRegistry): FunnelStage[] {
  const passed = report.decisions.filter((d) => d.passed).length;
  const activeIds = new Set(registry.active.map((a) => a.strategy_id));
  const promoted = report.dry_run ? 0 : report.decisions.filter((d) => d.passed && activeIds.has(d.strategy_id)).length;
  return [
    { stage: 'evaluated', label: 'Candidates', count: report.decisions.length, color: '#58a6ff' },
    { stage: 'passed', label: 'Passed gate', count: passed, color: '#d29922' },
    { stage: 'promoted', label: 'Promoted', count: promoted, color: '#3fb950' },
    { stage: 'active', label: 'Active', count: registry.active.length, color: '#bc8cff' },
  ];
}

export type DecisionSortKey = 'strategy' | 'score' | 'passed' | 'sharpe' | 'win_rate' | 'max_drawdown' | 'trades';

function keyOf(d: GateDecision, k: DecisionSortKey): number | string {
  switch (k) {
    case 'strategy':
      return d.strategy_id;
    case 'score':
      return d.score;
    case 'passed':
      return d.passed ? 1 : 0;
    case 'sharpe':
      return d.metrics.sharpe;
    case 'win_rate':
      return d.metrics.win_rate;
    case 'max_drawdown':
      return d.metrics.max_drawdown;
    case 'trades':
      return d.metrics.total_trades;
  }
}

/** A sorted copy; NaN sorts last either way, ties keep the report's (score) order. */
export function sortDecisions(list: readonly GateDecision[], key: DecisionSortKey, dir: 'asc' | 'desc'): GateDecision[] {
  const sign = dir === 'asc' ? 1 : -1;
  return list
    .map((d, i) => ({ d, i }))
    .sort((a, b) => {
      const x = keyOf(a.d, key);
      const y = keyOf(b.d, key);
      if (typeof x === 'number' && typeof y === 'number') {
        const xn = Number.isNaN(x);
        const yn = Number.isNaN(y);
        if (xn || yn) return xn === yn ? a.i - b.i : xn ? 1 : -1;
        return x === y ? a.i - b.i : (x - y) * sign;
      }
      const c = String(x).localeCompare(String(y));
      return c === 0 ? a.i - b.i : c * sign;
    })
    .map((e) => e.d);
}
