import type { Candidate, CandidateMetrics, GateDecision } from '../../../src/engine/autopilot';

/** Metrics that clear every gate rule with margin. */
export function passingMetrics(over: Partial<CandidateMetrics> = {}): CandidateMetrics {
  return {
    total_trades: 200,
    win_rate: 0.56,
    sharpe: 1.5,
    profit_factor: 1.6,
    max_drawdown: -0.1,
    annualized_return: 0.12,
    trades_per_year: 40,
    total_return: 0.8,
    daily_sharpe: 1.1,
    dsr_significant: true,
    dsr_p_value: 0.01,
    mc_significant: true,
    mc_p_value: 0.01,
    pbo: 0.2,
    capacity_constrained: false,
    capacity_utilization: 0.1,
    estimated_capacity_usd: 1e7,
    stress_capacity_usd: 5e6,
    stress_market_impact_bps: 2,
    wf_oos_corr: 0.05,
    wf_positive_fold_fraction: 0.8,
    wf_is_oos_gap: 0.05,
    fold_metrics: [],
    regime_positive_fraction: 0.75,
    stat_tests_pass: true,
    ic_mean: 0.03,
    ic_ir: 0.4,
    cpcv_passes: true,
    cpcv_mean_corr: 0.04,
    spa_passes: true,
    spa_pvalue: 0.01,
    stress_regimes: { '2': { n_trades: 20, sharpe: 0.2, max_drawdown: -0.05 }, '3': { n_trades: 10, sharpe: 0.1, max_drawdown: -0.08 } },
    transition_drawdown: 0.05,
    n_validation_rows: 5000,
    ...over,
  };
}

export function candidate(id: string, over: Partial<Candidate> = {}): Candidate {
  return {
    strategy_id: id,
    horizon: 10,
    entry_threshold: 0.005,
    confidence_threshold: 0.6,
    use_risk_management: false,
    max_positions: 10,
    position_size_pct: 0.05,
    ...over,
  };
}

export function decision(id: string, passed: boolean, score: number): GateDecision {
  return { strategy_id: id, passed, reasons: passed ? [] : ['sharpe<0.75'], score, metrics: passingMetrics(), params: candidate(id) };
}
