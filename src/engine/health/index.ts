/**
 * Runtime health (engine-trading §7.2, ui-pages §2): every check over plain inputs gathered
 * by the caller, domain and overall scores, and the page's supporting tables. Pure: the
 * evaluation time comes in with the inputs.
 */
import { DAY_MS } from './check';
import { complexityChecks, featureInventory, knobInventory } from './checks-complexity';
import { dataChecks } from './checks-data';
import { executionChecks } from './checks-execution';
import { promotionChecks, promotionFunnel } from './checks-promotion';
import { walkForwardChecks, wfWindows } from './checks-walkforward';
import { overallMethodology, scoreAll, statusFromScore } from './scoring';
import type { HealthHistoryPoint, HealthInputs, HealthReport } from './types';

export * from './types';
export { domainScore, overallMethodology, overallScore, scoreAll, statusFromScore } from './scoring';
export { expectedMaxNormal } from './checks-complexity';

export function computeHealth(inp: HealthInputs): HealthReport {
  const checks = [
    ...dataChecks(inp),
    ...promotionChecks(inp),
    ...walkForwardChecks(inp),
    ...executionChecks(inp),
    ...complexityChecks(inp),
  ];
  const { domains, overall } = scoreAll(checks);
  return {
    generated_at: new Date(inp.now).toISOString(),
    overall_score: overall,
    overall_status: statusFromScore(overall),
    overall_methodology: overallMethodology(),
    domains,
    checks,
    strengths: checks.filter((c) => c.status === 'PASS'),
    promotion_funnel: promotionFunnel(inp),
    feature_inventory: featureInventory(inp),
    knob_inventory: knobInventory(inp),
    wf_windows: wfWindows(inp),
    cache_age: inp.datasets
      .map((d) => ({ id: d.id, ticker: d.ticker, timeframe: d.timeframe, origin: d.origin, days: Math.max(0, (inp.now - d.storedAt) / DAY_MS) }))
      .sort((a, b) => b.days - a.days || (a.id < b.id ? -1 : 1)),
  };
}

/** Maximum snapshots kept in the trend history (spec: ≤ 90). */
export const HEALTH_HISTORY_MAX = 90;

export function historyPoint(r: HealthReport): HealthHistoryPoint {
  return {
    timestamp: r.generated_at,
    overall_score: r.overall_score,
    domain_scores: Object.fromEntries(r.domains.map((d) => [d.domain, d.score])),
  };
}

/** Appends a point (ordered by time, capped); never mutates `history`. */
export function appendHistory(history: readonly HealthHistoryPoint[], p: HealthHistoryPoint, max = HEALTH_HISTORY_MAX): HealthHistoryPoint[] {
  const next = [...history, p].sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return next.length > max ? next.slice(next.length - max) : next;
}
