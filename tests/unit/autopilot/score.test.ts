import { describe, expect, it } from 'vitest';
import { candidateScore, foldConsistency } from '../../../src/engine/autopilot';
import { passingMetrics } from './fixtures';

describe('candidateScore (worked by hand)', () => {
  it('every term of the spec formula', () => {
    // base: 1.3·1.5 + 0.8·0.12 + 0.35·0.56 + 0.2·1.6 + 0.25·200/5000 + 0.8·(−0.1) = 2.492
    // + 0.75·0.05 (wf) + 0.4·0.75 (regimes) = 2.8295; + 0.5 + 0.45 + 0.3 + 0.35 + 0.4 = 4.8295
    // stress regimes 2 and 3 (≥ 5 trades): clip(0.25·mean(0.2, 0.1), −0.3, 0.5) = 0.0375 → 4.867
    expect(candidateScore(passingMetrics())).toBeCloseTo(4.867, 12);
  });

  it('caps PF at 5, trades at 5000, drawdown at −0.5, the stress term at −0.3; optional terms only when present', () => {
    const m = passingMetrics({
      sharpe: 0.5,
      annualized_return: 0.02,
      win_rate: 0.4,
      profit_factor: 10,
      total_trades: 9000,
      max_drawdown: -0.8,
      wf_oos_corr: null,
      regime_positive_fraction: null,
      dsr_significant: false,
      mc_significant: false,
      stat_tests_pass: false,
      cpcv_passes: false,
      spa_passes: false,
      stress_regimes: { '3': { n_trades: 5, sharpe: -3, max_drawdown: -0.3 }, '2': { n_trades: 4, sharpe: 9, max_drawdown: 0 } },
    });
    // 0.65 + 0.016 + 0.14 + 1.0 + 0.25 − 0.4 − 0.3 = 1.356
    expect(candidateScore(m)).toBeCloseTo(1.356, 12);
    expect(candidateScore({ ...m, profit_factor: null })).toBeCloseTo(1.356, 12);
  });

  it('fold consistency: 0.15·clip(1 − std/|mean|) of fold Sharpes with ≥ 3 folds', () => {
    const folds = [1, 2, 3].map((s, i) => ({ fold: i, train_corr: 0, test_corr: 0, test_mean_return: 0, sharpe: s }));
    const fc = 1 - Math.sqrt(2 / 3) / 2;
    expect(foldConsistency([1, 2, 3])).toBeCloseTo(fc, 14);
    expect(candidateScore(passingMetrics({ fold_metrics: folds }))).toBeCloseTo(4.867 + 0.15 * fc, 12);
    expect(candidateScore(passingMetrics({ fold_metrics: folds.slice(0, 2) }))).toBeCloseTo(4.867, 12);
    expect(foldConsistency([-1, -2, 0])).toBe(0);
    expect(foldConsistency([2])).toBe(1);
    expect(foldConsistency([1, 100, -50])).toBe(0);
  });
});
