import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CandidateMetrics, promotionGate } from '../../../src/engine/autopilot';
import { passingMetrics } from './fixtures';

/** Each rule: a metric change that breaks only that rule, and the exact reason it must give. */
const RULES: [string, Partial<CandidateMetrics>, string][] = [
  ['trades', { total_trades: 79 }, 'insufficient_trades<80'],
  ['win rate', { win_rate: 0.49 }, 'win_rate<0.50'],
  ['sharpe', { sharpe: 0.74 }, 'sharpe<0.75'],
  ['profit factor', { profit_factor: 1.09 }, 'profit_factor<1.10'],
  ['drawdown', { max_drawdown: -0.21 }, 'max_drawdown<-0.20'],
  ['annual return', { annualized_return: 0.049 }, 'annualized_return<0.05'],
  ['dsr', { dsr_significant: false, dsr_p_value: 0.2 }, 'dsr_not_significant(p=0.2000)'],
  ['dsr p', { dsr_p_value: 0.06 }, 'dsr_not_significant(p=0.0600)'],
  ['monte carlo', { mc_significant: false, mc_p_value: 0.3 }, 'mc_not_significant(p=0.3000)'],
  ['pbo missing', { pbo: null }, 'pbo_unavailable'],
  ['pbo', { pbo: 0.46 }, 'pbo>0.45'],
  ['capacity', { capacity_constrained: true }, 'capacity_constrained'],
  ['utilization', { capacity_utilization: 1.01 }, 'capacity_utilization>1.00'],
  ['utilization ∞', { capacity_utilization: null }, 'capacity_utilization>1.00'],
  ['stress capacity', { stress_capacity_usd: 400_000, estimated_capacity_usd: 1_000_000 }, 'stress_capacity(400000<500000)'],
  ['stress ratio', { stress_capacity_usd: 600_000, estimated_capacity_usd: 1e7 }, 'stress_capacity_ratio(0.0600<0.20)'],
  ['wf corr', { wf_oos_corr: 0.009 }, 'wf_oos_corr<0.010'],
  ['wf folds', { wf_positive_fold_fraction: 0.59 }, 'wf_positive_fold_fraction<0.60'],
  ['wf gap', { wf_is_oos_gap: 0.21 }, 'wf_is_oos_gap>0.20'],
  ['regimes', { regime_positive_fraction: 0.49 }, 'regime_positive_fraction<0.50'],
  ['stat tests', { stat_tests_pass: false }, 'stat_tests_failed'],
  ['cpcv', { cpcv_passes: false }, 'cpcv_failed'],
  ['stress regime 2 dd', { stress_regimes: { '2': { n_trades: 5, sharpe: 0.1, max_drawdown: -0.16 } } }, 'stress_regime_2_drawdown(-0.1600)'],
  ['stress regime 3 sharpe', { stress_regimes: { '3': { n_trades: 6, sharpe: -0.6, max_drawdown: -0.05 } } }, 'stress_regime_3_sharpe(-0.6000)'],
  ['transition', { transition_drawdown: 0.11 }, 'Transition drawdown 0.1100 > 0.10'],
];

describe('promotionGate', () => {
  it('passes the crafted good candidate with no reasons', () => {
    expect(promotionGate(passingMetrics())).toEqual({ passed: true, reasons: [] });
  });

  for (const [name, change, reason] of RULES) {
    it(`${name}: fails with exactly "${reason}"`, () => {
      const r = promotionGate(passingMetrics(change));
      expect(r.passed).toBe(false);
      expect(r.reasons).toEqual([reason]);
    });
  }

  it('thresholds are inclusive where the spec says < / > (boundary values pass)', () => {
    const edge = passingMetrics({
      total_trades: 80,
      win_rate: 0.5,
      sharpe: 0.75,
      profit_factor: 1.1,
      max_drawdown: -0.2,
      annualized_return: 0.05,
      dsr_p_value: 0.05,
      pbo: 0.45,
      capacity_utilization: 1.0,
      wf_oos_corr: 0.01,
      wf_positive_fold_fraction: 0.6,
      wf_is_oos_gap: 0.2,
      regime_positive_fraction: 0.5,
      transition_drawdown: 0.1,
    });
    expect(promotionGate(edge)).toEqual({ passed: true, reasons: [] });
  });

  it('a negative Sharpe adds the sign reason too; ∞ profit factor passes; SPA only when required', () => {
    expect(promotionGate(passingMetrics({ sharpe: -0.2 })).reasons).toEqual(['sharpe<0.75', 'negative_sharpe(-0.2000)']);
    expect(promotionGate(passingMetrics({ profit_factor: null })).passed).toBe(true);
    const noSpa = passingMetrics({ spa_passes: false, spa_pvalue: 0.4 });
    expect(promotionGate(noSpa).passed).toBe(true);
    expect(promotionGate(noSpa, { requireSpa: true }).reasons).toEqual(['spa_failed(p=0.4000)']);
  });

  it('stress regimes with < 5 trades and a walk-forward that did not run', () => {
    const few = passingMetrics({ stress_regimes: { '2': { n_trades: 4, sharpe: -3, max_drawdown: -0.9 } } });
    expect(promotionGate(few).passed).toBe(true);
    const noWf = promotionGate(passingMetrics({ wf_oos_corr: null, wf_positive_fold_fraction: null, wf_is_oos_gap: null }));
    expect(noWf.reasons).toEqual(['wf_oos_corr<0.010', 'wf_positive_fold_fraction<0.60', 'wf_is_oos_gap>0.20']);
  });

  it('without the advanced contract only base rules and the transition drawdown apply', () => {
    const m = passingMetrics({ mc_significant: false, pbo: null, cpcv_passes: false, transition_drawdown: 0.2 });
    expect(promotionGate(m, { requireAdvanced: false }).reasons).toEqual(['Transition drawdown 0.2000 > 0.10']);
  });

  it('property: passed ⇔ no reasons, and each base rule reports iff its condition holds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.option(fc.double({ min: 0, max: 4, noNaN: true }), { nil: null }),
        fc.double({ min: -0.6, max: 0, noNaN: true }),
        fc.double({ min: -0.2, max: 0.3, noNaN: true }),
        fc.boolean(),
        (trades, win, sharpe, pf, dd, ann, mc) => {
          const m = passingMetrics({ total_trades: trades, win_rate: win, sharpe, profit_factor: pf, max_drawdown: dd, annualized_return: ann, mc_significant: mc });
          const r = promotionGate(m);
          expect(r.passed).toBe(r.reasons.length === 0);
          expect(r.reasons.includes('insufficient_trades<80')).toBe(trades < 80);
          expect(r.reasons.includes('win_rate<0.50')).toBe(win < 0.5);
          expect(r.reasons.includes('sharpe<0.75')).toBe(sharpe < 0.75);
          expect(r.reasons.some((x) => x.startsWith('negative_sharpe('))).toBe(sharpe <= 0);
          expect(r.reasons.includes('profit_factor<1.10')).toBe(pf !== null && pf < 1.1);
          expect(r.reasons.includes('max_drawdown<-0.20')).toBe(dd < -0.2);
          expect(r.reasons.includes('annualized_return<0.05')).toBe(ann < 0.05);
          expect(r.reasons.some((x) => x.startsWith('mc_not_significant('))).toBe(!mc);
        },
      ),
    );
  });
});
