/**
 * The promotion gate (spec §5.4): every rule with its exact reason string. A candidate passes
 * iff no reason is recorded. Numbers in reasons use 4 decimals (spec: `p=1.0000`).
 */
import type { CandidateMetrics, GateConfig, GateResult } from './types';

export const DEFAULT_GATE: GateConfig = {
  minTrades: 80,
  minWinRate: 0.5,
  minSharpe: 0.75,
  minProfitFactor: 1.1,
  maxDrawdown: -0.2,
  minAnnualReturn: 0.05,
  requireAdvanced: true,
  dsrMaxP: 0.05,
  maxPbo: 0.45,
  requireCapacityUnconstrained: true,
  maxCapacityUtilization: 1.0,
  minStressCapacityUsd: 500_000,
  minStressCapacityRatio: 0.2,
  minWfOosCorr: 0.01,
  minWfPositiveFolds: 0.6,
  maxWfIsOosGap: 0.2,
  minRegimePositiveFraction: 0.5,
  requireStatTests: true,
  requireCpcv: true,
  requireSpa: false,
  stressRegimeMaxDrawdown: -0.15,
  stressRegimeMinSharpe: -0.5,
  stressRegimeMinTrades: 5,
  maxTransitionDrawdown: 0.1,
  eventMode: false,
  minWorstEventLoss: -0.08,
  minSurpriseHitRate: 0.5,
  minEventRegimeStability: 0.4,
};

const f4 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));
const f2 = (x: number) => x.toFixed(2);

export function promotionGate(m: CandidateMetrics, config: Partial<GateConfig> = {}): GateResult {
  const c = { ...DEFAULT_GATE, ...config };
  const reasons: string[] = [];
  if (m.total_trades < c.minTrades) reasons.push(`insufficient_trades<${c.minTrades}`);
  if (m.win_rate < c.minWinRate) reasons.push(`win_rate<${f2(c.minWinRate)}`);
  if (m.sharpe < c.minSharpe) reasons.push(`sharpe<${f2(c.minSharpe)}`);
  // profit_factor null = ∞, which passes
  if (m.profit_factor !== null && m.profit_factor < c.minProfitFactor) reasons.push(`profit_factor<${f2(c.minProfitFactor)}`);
  if (m.max_drawdown < c.maxDrawdown) reasons.push(`max_drawdown<${f2(c.maxDrawdown)}`);
  if (m.annualized_return < c.minAnnualReturn) reasons.push(`annualized_return<${f2(c.minAnnualReturn)}`);
  if (m.sharpe <= 0) reasons.push(`negative_sharpe(${f4(m.sharpe)})`);

  if (c.requireAdvanced) {
    if (!m.dsr_significant || m.dsr_p_value > c.dsrMaxP) reasons.push(`dsr_not_significant(p=${f4(m.dsr_p_value)})`);
    if (!m.mc_significant) reasons.push(`mc_not_significant(p=${f4(m.mc_p_value)})`);
    if (m.pbo === null) {
      if (!c.eventMode) reasons.push('pbo_unavailable');
    } else if (m.pbo > c.maxPbo) reasons.push(`pbo>${f2(c.maxPbo)}`);
    if (c.requireCapacityUnconstrained && m.capacity_constrained) reasons.push('capacity_constrained');
    // null utilization = ∞ (capacity 0)
    if (m.capacity_utilization === null || m.capacity_utilization > c.maxCapacityUtilization) {
      reasons.push(`capacity_utilization>${f2(c.maxCapacityUtilization)}`);
    }
    if (m.stress_capacity_usd !== null) {
      if (m.stress_capacity_usd < c.minStressCapacityUsd) reasons.push(`stress_capacity(${m.stress_capacity_usd.toFixed(0)}<${c.minStressCapacityUsd})`);
      const ratio = m.estimated_capacity_usd > 0 ? m.stress_capacity_usd / m.estimated_capacity_usd : 0;
      if (ratio < c.minStressCapacityRatio) reasons.push(`stress_capacity_ratio(${f4(ratio)}<${f2(c.minStressCapacityRatio)})`);
    }
    // a walk-forward that did not run has no OOS evidence: its checks fail (gap = ∞)
    if (m.wf_oos_corr === null || m.wf_oos_corr < c.minWfOosCorr) reasons.push(`wf_oos_corr<${c.minWfOosCorr.toFixed(3)}`);
    if (m.wf_positive_fold_fraction === null || m.wf_positive_fold_fraction < c.minWfPositiveFolds) {
      reasons.push(`wf_positive_fold_fraction<${f2(c.minWfPositiveFolds)}`);
    }
    if (m.wf_is_oos_gap === null || m.wf_is_oos_gap > c.maxWfIsOosGap) reasons.push(`wf_is_oos_gap>${f2(c.maxWfIsOosGap)}`);
    if (!c.eventMode && m.regime_positive_fraction !== null && m.regime_positive_fraction < c.minRegimePositiveFraction) {
      reasons.push(`regime_positive_fraction<${f2(c.minRegimePositiveFraction)}`);
    }
    if (!c.eventMode && c.requireStatTests && !m.stat_tests_pass) reasons.push('stat_tests_failed');
    if (!c.eventMode && c.requireCpcv && !m.cpcv_passes) reasons.push('cpcv_failed');
    if (c.requireSpa && !m.spa_passes) reasons.push(`spa_failed(p=${f4(m.spa_pvalue ?? 1)})`);
    for (const r of ['2', '3']) {
      const s = m.stress_regimes[r];
      if (!s || s.n_trades < c.stressRegimeMinTrades) continue;
      if (s.max_drawdown < c.stressRegimeMaxDrawdown) reasons.push(`stress_regime_${r}_drawdown(${f4(s.max_drawdown)})`);
      if (s.sharpe !== null && s.sharpe < c.stressRegimeMinSharpe) reasons.push(`stress_regime_${r}_sharpe(${f4(s.sharpe)})`);
    }
  }
  if (m.transition_drawdown !== null && Math.abs(m.transition_drawdown) > c.maxTransitionDrawdown) {
    reasons.push(`Transition drawdown ${f4(Math.abs(m.transition_drawdown))} > ${f2(c.maxTransitionDrawdown)}`);
  }
  const ev = m.event;
  if (ev) {
    // NaN (no folds, no surprises) fails: there is no evidence for the event strategy
    if (!(ev.worst_event_loss >= c.minWorstEventLoss)) reasons.push(`worst_event_loss<${f2(c.minWorstEventLoss)}`);
    if (!(ev.surprise_hit_rate >= c.minSurpriseHitRate)) reasons.push(`surprise_hit_rate<${f2(c.minSurpriseHitRate)}`);
    if (!(ev.event_regime_stability >= c.minEventRegimeStability)) reasons.push(`event_regime_stability<${f2(c.minEventRegimeStability)}`);
  }
  return { passed: reasons.length === 0, reasons };
}
