/**
 * Candidate score (spec §5.4, ranking only): base terms from the backtest plus bonuses for
 * each validation that passed, a stress-regime term and a fold-consistency term.
 */
import type { CandidateMetrics } from './types';

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** clip(1 − std/|mean|, 0, 1) of fold Sharpes (population std); 0 if mean ≤ 0, 1 with < 2 values. */
export function foldConsistency(sharpes: readonly number[]): number {
  if (sharpes.length < 2) return 1;
  const mean = sharpes.reduce((s, x) => s + x, 0) / sharpes.length;
  if (mean <= 0) return 0;
  let v = 0;
  for (const x of sharpes) v += (x - mean) ** 2;
  const sd = Math.sqrt(v / sharpes.length);
  return clip(1 - sd / Math.abs(mean), 0, 1);
}

export function candidateScore(m: CandidateMetrics): number {
  const pf = m.profit_factor === null ? 5 : Math.min(m.profit_factor, 5);
  let s =
    1.3 * m.sharpe +
    0.8 * m.annualized_return +
    0.35 * m.win_rate +
    0.2 * pf +
    (0.25 * Math.min(m.total_trades, 5000)) / 5000 +
    0.8 * Math.max(m.max_drawdown, -0.5);
  if (m.wf_oos_corr !== null) s += 0.75 * m.wf_oos_corr;
  if (m.regime_positive_fraction !== null) s += 0.4 * m.regime_positive_fraction;
  if (m.dsr_significant) s += 0.5;
  if (m.mc_significant) s += 0.45;
  if (m.stat_tests_pass) s += 0.3;
  if (m.cpcv_passes) s += 0.35;
  if (m.spa_passes) s += 0.4;
  const stress: number[] = [];
  for (const r of ['2', '3']) {
    const x = m.stress_regimes[r];
    if (x && x.n_trades >= 5 && x.sharpe !== null) stress.push(x.sharpe);
  }
  if (stress.length > 0) s += clip((0.25 * stress.reduce((a, b) => a + b, 0)) / stress.length, -0.3, 0.5);
  if (m.fold_metrics.length >= 3) s += 0.15 * foldConsistency(m.fold_metrics.map((f) => f.sharpe));
  return s;
}
