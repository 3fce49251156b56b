/**
 * The strategy registry's promotion step (spec §5.5), pure: incumbents that passed are
 * refreshed (failures reset), incumbents that failed or were not evaluated count one more
 * failure and leave after `grace` consecutive ones, new passers join, the book is sorted by
 * score (desc) and truncated to `maxActive`; one history row per decision, last `historyCap` kept.
 */
import type { ActiveStrategy, GateDecision, HistoryRow, PromotionOptions, StrategyRegistry } from './types';

export const EMPTY_REGISTRY: StrategyRegistry = { active: [], history: [] };

export function applyPromotions(
  registry: StrategyRegistry,
  decisions: readonly GateDecision[],
  nowIso: string,
  opts: PromotionOptions = {},
): StrategyRegistry {
  const maxActive = opts.maxActive ?? 5;
  const grace = opts.grace ?? 3;
  const historyCap = opts.historyCap ?? 2000;
  const byId = new Map<string, GateDecision>();
  for (const d of decisions) byId.set(d.strategy_id, d);

  const active: ActiveStrategy[] = [];
  const incumbent = new Set<string>();
  for (const a of registry.active) {
    incumbent.add(a.strategy_id);
    const d = byId.get(a.strategy_id);
    if (d?.passed) {
      active.push({ ...a, params: d.params, score: d.score, metrics: d.metrics, consecutive_failures: 0 });
    } else {
      const failures = a.consecutive_failures + 1;
      if (failures < grace) active.push({ ...a, consecutive_failures: failures });
    }
  }
  for (const d of decisions) {
    if (!d.passed || incumbent.has(d.strategy_id)) continue;
    incumbent.add(d.strategy_id);
    active.push({
      strategy_id: d.strategy_id,
      promoted_at: nowIso,
      params: d.params,
      score: d.score,
      metrics: d.metrics,
      status: 'active',
      consecutive_failures: 0,
    });
  }
  // stable sort: equal scores keep incumbents first
  active.sort((a, b) => b.score - a.score);

  const rows: HistoryRow[] = decisions.map((d) => ({
    timestamp: nowIso,
    strategy_id: d.strategy_id,
    passed: d.passed,
    score: d.score,
    reasons: [...d.reasons],
    metrics: d.metrics,
    params: d.params,
  }));
  const history = [...registry.history, ...rows];
  return {
    active: active.slice(0, maxActive),
    history: history.length > historyCap ? history.slice(history.length - historyCap) : history,
  };
}
