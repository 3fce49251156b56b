import { describe, expect, it } from 'vitest';
import { promotionGate } from '../../../src/engine/autopilot/gate';
import type { OosEventReturn } from '../../../src/engine/kalshi/contract-metrics';
import { eventBacktest, eventPromotion, NO_LOSS_PROFIT_FACTOR } from '../../../src/engine/kalshi/promotion';
import type { WalkForwardResult } from '../../../src/engine/kalshi/walkforward';

const row = (ret: number, type: string, k: number): OosEventReturn => ({ id: `e${k}`, ts: k, ret, pos: Math.sign(ret) || 1, type });

describe('eventBacktest (spec §6.6)', () => {
  it('matches a hand computation', () => {
    const rows = [row(0.1, 'CPI', 0), row(-0.05, 'CPI', 1), row(0.02, 'JOBS', 2), row(0.03, 'CPI', 3)];
    const b = eventBacktest(rows, 1);
    expect(b.n).toBe(4);
    expect(b.win_rate).toBe(0.75);
    expect(b.avg_win).toBeCloseTo(0.05, 15);
    expect(b.avg_loss).toBeCloseTo(-0.05, 15);
    const total = 1.1 * 0.95 * 1.02 * 1.03 - 1;
    expect(b.total_return).toBeCloseTo(total, 14);
    expect(b.years).toBeCloseTo(4 / 252, 15);
    expect(b.cagr).toBeCloseTo((1 + total) ** (252 / 4) - 1, 6);
    const mean = 0.025;
    const sd = Math.sqrt((0.075 ** 2 + 0.075 ** 2 + 0.005 ** 2 + 0.005 ** 2) / 4);
    expect(b.sharpe).toBeCloseTo((mean / sd) * Math.sqrt(252), 12);
    expect(b.sortino).toBeCloseTo((mean / Math.sqrt(0.05 ** 2 / 4)) * Math.sqrt(252), 12);
    expect(b.profit_factor).toBeCloseTo(0.15 / 0.05, 12);
    expect(b.max_drawdown).toBeCloseTo(-0.05, 14); // 1.1 → 1.045
    // per type: CPI has 3 events, JOBS only 1 (< 3: not reported)
    expect(b.by_type.map((t) => [t.event_type, t.n])).toEqual([['CPI', 3]]);
    expect(b.by_type[0].mean_return).toBeCloseTo(0.08 / 3, 15);
  });

  it('no losses: profit factor 99 and Sortino falls back to Sharpe; holding days scale the annualisation', () => {
    const rows = [0.01, 0.02, 0.03].map((r, k) => row(r, 'X', k));
    const b = eventBacktest(rows, 5);
    expect(b.profit_factor).toBe(NO_LOSS_PROFIT_FACTOR);
    expect(b.sortino).toBe(b.sharpe);
    expect(b.sharpe).toBeCloseTo((0.02 / Math.sqrt(2 / 3) / 0.01) * Math.sqrt(252 / 5), 10);
    expect(b.years).toBeCloseTo(15 / 252, 15);
  });
});

const wf = (over: Partial<WalkForwardResult> = {}): WalkForwardResult => ({
  folds: [
    { fold: 0, train_events: 40, test_events: 20, test_start_ts: 0, train_end_ts: 0, purge_ms: 0, alpha: 1, is_corr: 0.3, oos_corr: 0.2, oos_mse: 0, hit_rate: 0.7, mean_return: 0.01, std_return: 0.02, worst_loss: -0.03, surprise_hit_rate: 0.8, train_ids: [], test_ids: [], predictions: [] },
    { fold: 1, train_events: 60, test_events: 20, test_start_ts: 0, train_end_ts: 0, purge_ms: 0, alpha: 1, is_corr: 0.3, oos_corr: 0.2, oos_mse: 0, hit_rate: 0.7, mean_return: 0.01, std_return: 0.02, worst_loss: -0.03, surprise_hit_rate: 0.6, train_ids: [], test_ids: [], predictions: [] },
  ],
  wf_oos_corr: 0.2,
  wf_positive_fold_fraction: 1,
  wf_is_oos_gap: 0.1,
  worst_event_loss: -0.03,
  hit_rate: 0.7,
  sharpe: 2,
  n_trials_total: 3,
  n_events: 120,
  skipped: [],
  ...over,
});

const contract = {
  n_events: 100,
  mean_return: 0.01,
  sharpe: 2,
  dsr: 0.9,
  bootstrap_mean_lo: 0.005,
  bootstrap_mean_hi: 0.015,
  bootstrap_p_nonpositive: 0,
  turnover_proxy: 0.5,
  events_per_day: 0.1,
  capacity_utilization: 0.1 / 6,
  capacity_constrained: false,
  event_type_stability: 0.9,
};

/** 100 events: 70 wins of +2 %, 30 losses of −1 % (interleaved). */
const goodRows = Array.from({ length: 100 }, (_, k) => row(k % 10 < 7 ? 0.02 : -0.01, k % 2 ? 'CPI' : 'JOBS', k));

describe('eventPromotion through the gate in event mode', () => {
  it('a strong event strategy passes: PBO, regime, statistical battery and CPCV are not required of events', () => {
    const p = eventPromotion(wf(), contract, goodRows);
    expect(p.decision.reasons).toEqual([]);
    expect(p.decision.passed).toBe(true);
    expect(p.metrics.pbo).toBeNull();
    expect(p.metrics.event?.surprise_hit_rate).toBeCloseTo(0.7, 15);
    // the same metrics outside event mode fail on exactly those checks
    expect(promotionGate(p.metrics).reasons).toEqual(['pbo_unavailable', 'stat_tests_failed', 'cpcv_failed']);
  });

  it('fails with the event reasons: worst loss, surprise hit rate, stability', () => {
    const p = eventPromotion(
      wf({ worst_event_loss: -0.12, folds: wf().folds.map((f) => ({ ...f, surprise_hit_rate: 0.3 })) }),
      { ...contract, event_type_stability: 0.2 },
      goodRows,
    );
    expect(p.decision.passed).toBe(false);
    expect(p.decision.reasons).toEqual(['worst_event_loss<-0.08', 'surprise_hit_rate<0.50', 'event_regime_stability<0.40']);
  });

  it('weak evidence fails on the base and advanced rules with their reason strings', () => {
    const flat = Array.from({ length: 30 }, (_, k) => row(k % 2 ? 0.01 : -0.011, 'CPI', k));
    const p = eventPromotion(wf({ wf_oos_corr: -0.1 }), { ...contract, bootstrap_p_nonpositive: 0.6 }, flat);
    // 15 of 30 win (exactly 0.50 passes the win-rate rule), losses slightly larger than wins
    expect(p.decision.reasons).toEqual([
      'insufficient_trades<80',
      'sharpe<0.75',
      'profit_factor<1.10',
      'annualized_return<0.05',
      `negative_sharpe(${p.metrics.sharpe.toFixed(4)})`,
      'dsr_not_significant(p=1.0000)',
      'mc_not_significant(p=0.6000)',
      'wf_oos_corr<0.010',
    ]);
    expect(p.metrics.sharpe).toBeLessThan(0);
  });
});
