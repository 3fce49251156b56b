/** Small hand-made autopilot values for the storage / page-model tests. */
import type { CandidateMetrics, CycleReport, GateDecision, StrategyRegistry } from '../../../src/engine/autopilot/types';
import { candidate, passingMetrics } from '../autopilot/fixtures';

export { candidate };

/** Passing metrics of a smaller, weaker strategy (no stress-regime or transition figures). */
export function metrics(over: Partial<CandidateMetrics> = {}): CandidateMetrics {
  return passingMetrics({
    total_trades: 120,
    win_rate: 0.55,
    sharpe: 1.1,
    profit_factor: 1.4,
    max_drawdown: -0.12,
    annualized_return: 0.09,
    trades_per_year: 24,
    total_return: 0.4,
    daily_sharpe: 0.9,
    mc_p_value: 0.02,
    stress_capacity_usd: null,
    stress_market_impact_bps: null,
    spa_pvalue: 0.03,
    stress_regimes: {},
    transition_drawdown: null,
    n_validation_rows: 500,
    ...over,
  });
}

export function decision(id: string, passed: boolean, score: number, reasons: string[] = passed ? [] : ['sharpe<0.75']): GateDecision {
  return { strategy_id: id, passed, reasons, score, metrics: metrics(), params: candidate(id) };
}

export function report(decisions: GateDecision[], registry: StrategyRegistry, over: Partial<CycleReport> = {}): CycleReport {
  return {
    engine_version: 'test',
    predictor: 'heuristic',
    predictor_note: 'heuristic: requested',
    universe: ['AAA', 'BBB'],
    first_date: '2020-01-01',
    last_date: '2021-01-01',
    horizon: 10,
    dry_run: false,
    signal_topk_quantile: 0.7,
    prediction_rows: 100,
    n_candidates: decisions.length,
    n_passed: decisions.filter((d) => d.passed).length,
    n_promoted: 0,
    n_active: registry.active.length,
    decisions,
    pbo: { value: 0.2, is_overfit: false, note: '' },
    registry,
    paper: null,
    paper_state: null,
    timings: {},
    manifest: { inputs: [], params: {}, seed_key: 'k' },
    warnings: [],
    ...over,
  };
}
