/**
 * Event promotion (engine-trading §6.6): the walk-forward's out-of-sample event returns become a
 * backtest-like result — win rate, averages, compounded total, years = n·h/252, CAGR,
 * Sharpe/Sortino = mean/std·√(252/h) (population std; Sortino falls back to Sharpe), profit
 * factor (99 without losses), drawdown of the compounded curve, performance per event type
 * (≥ 3 events) — which goes through the autopilot's promotion gate in event mode with the event
 * thresholds (worst loss ≥ −0.08, surprise hit ≥ 0.50, stability ≥ 0.40).
 *
 * Departures from the original, on purpose: the "Monte Carlo" evidence is the contract metrics'
 * seeded bootstrap of the mean (share of draws ≤ 0 as p); the DSR is the gate's spec DSR over
 * the walk-forward's trials; the statistical battery and CPCV, which need a prediction panel,
 * are not required of events (the original required them and so could never promote one).
 */
import { promotionGate } from '../autopilot/gate';
import type { CandidateMetrics, GateConfig, GateResult } from '../autopilot/types';
import { returnMoments, specDeflatedSharpe } from '../backtest/validation/sharpe';
import { type EventContractMetrics, meanStd, type OosEventReturn } from './contract-metrics';
import type { WalkForwardResult } from './walkforward';

/** Profit factor reported when there are gains and no losses (the original's cap). */
export const NO_LOSS_PROFIT_FACTOR = 99;
const MIN_TYPE_EVENTS = 3;

export interface EventTypePerformance {
  event_type: string;
  n: number;
  mean_return: number;
  win_rate: number;
  /** mean/std·√(252/h), NaN with zero spread */
  sharpe: number;
}

export interface EventBacktest {
  n: number;
  win_rate: number;
  avg_win: number;
  avg_loss: number;
  total_return: number;
  years: number;
  cagr: number;
  sharpe: number;
  sortino: number;
  profit_factor: number;
  /** of the compounded event curve, ≤ 0 */
  max_drawdown: number;
  by_type: EventTypePerformance[];
}

function annualisedRatio(x: readonly number[], holdingDays: number): number {
  const { mean, std } = meanStd(x);
  return std > 0 ? (mean / std) * Math.sqrt(252 / holdingDays) : Number.NaN;
}

/** The backtest-like result of event returns taken in release order. */
export function eventBacktest(rows: readonly OosEventReturn[], holdingDays = 1): EventBacktest {
  const r = rows.map((x) => x.ret);
  const n = r.length;
  const wins = r.filter((x) => x > 0);
  const losses = r.filter((x) => x < 0);
  let equity = 1;
  let peak = 1;
  let mdd = 0;
  for (const x of r) {
    equity *= 1 + x;
    peak = Math.max(peak, equity);
    mdd = Math.min(mdd, equity / peak - 1);
  }
  const years = (n * holdingDays) / 252;
  const gain = wins.reduce((a, b) => a + b, 0);
  const loss = -losses.reduce((a, b) => a + b, 0);
  const sharpe = annualisedRatio(r, holdingDays);
  const downside = r.map((x) => Math.min(0, x));
  const dd = n > 0 ? Math.sqrt(downside.reduce((a, b) => a + b * b, 0) / n) : 0;
  const { mean } = meanStd(r);
  const byType = new Map<string, number[]>();
  for (const x of rows) {
    const list = byType.get(x.type);
    if (list) list.push(x.ret);
    else byType.set(x.type, [x.ret]);
  }
  const by_type: EventTypePerformance[] = [];
  for (const [event_type, v] of [...byType].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (v.length < MIN_TYPE_EVENTS) continue;
    by_type.push({
      event_type,
      n: v.length,
      mean_return: meanStd(v).mean,
      win_rate: v.filter((x) => x > 0).length / v.length,
      sharpe: annualisedRatio(v, holdingDays),
    });
  }
  return {
    n,
    win_rate: n > 0 ? wins.length / n : 0,
    avg_win: wins.length > 0 ? gain / wins.length : 0,
    avg_loss: losses.length > 0 ? -loss / losses.length : 0,
    total_return: equity - 1,
    years,
    cagr: years > 0 && equity > 0 ? equity ** (1 / years) - 1 : Number.NaN,
    sharpe,
    // Sortino falls back to Sharpe when nothing was lost
    sortino: dd > 0 ? (mean / dd) * Math.sqrt(252 / holdingDays) : sharpe,
    profit_factor: loss > 0 ? gain / loss : gain > 0 ? NO_LOSS_PROFIT_FACTOR : 0,
    max_drawdown: mdd,
    by_type,
  };
}

/** Mean of the folds' finite surprise hit rates (NaN when no fold had a large surprise). */
function surpriseHitRate(wf: WalkForwardResult): number {
  const v = wf.folds.map((f) => f.surprise_hit_rate).filter(Number.isFinite);
  return v.length > 0 ? v.reduce((a, b) => a + b, 0) / v.length : Number.NaN;
}

const num = (x: number, fallback: number) => (Number.isFinite(x) ? x : fallback);

export interface EventPromotion {
  backtest: EventBacktest;
  metrics: CandidateMetrics;
  decision: GateResult;
}

/** Gate metrics of an event strategy and the gate's decision on them (event mode). */
export function eventPromotion(
  wf: WalkForwardResult,
  contract: EventContractMetrics,
  rows: readonly OosEventReturn[],
  opts: { holdingDays?: number; gate?: Partial<GateConfig> } = {},
): EventPromotion {
  const h = opts.holdingDays ?? 1;
  const bt = eventBacktest(rows, h);
  const ann = Math.sqrt(252 / h);
  const m = returnMoments(rows.map((x) => x.ret));
  const dsr = specDeflatedSharpe(bt.sharpe, Math.max(1, wf.n_trials_total), bt.n, m.skew, m.kurtosis, ann);
  const mcP = num(contract.bootstrap_p_nonpositive, 1);
  const stability = num(contract.event_type_stability, 0);
  const metrics: CandidateMetrics = {
    total_trades: bt.n,
    win_rate: bt.win_rate,
    sharpe: num(bt.sharpe, 0),
    profit_factor: bt.profit_factor,
    max_drawdown: bt.max_drawdown,
    annualized_return: num(bt.cagr, 0),
    trades_per_year: bt.years > 0 ? bt.n / bt.years : 0,
    total_return: bt.total_return,
    daily_sharpe: null,
    dsr_significant: dsr.significant,
    dsr_p_value: dsr.pValue,
    mc_significant: mcP < 0.05,
    mc_p_value: mcP,
    pbo: null,
    capacity_constrained: contract.capacity_constrained,
    capacity_utilization: Number.isFinite(contract.capacity_utilization) ? contract.capacity_utilization : null,
    estimated_capacity_usd: 0,
    stress_capacity_usd: null,
    stress_market_impact_bps: null,
    wf_oos_corr: Number.isFinite(wf.wf_oos_corr) ? wf.wf_oos_corr : null,
    wf_positive_fold_fraction: Number.isFinite(wf.wf_positive_fold_fraction) ? wf.wf_positive_fold_fraction : null,
    wf_is_oos_gap: Number.isFinite(wf.wf_is_oos_gap) ? wf.wf_is_oos_gap : null,
    fold_metrics: [],
    // event mode: defaults to the event regime (type) stability; the gate skips the check
    regime_positive_fraction: stability,
    stat_tests_pass: false,
    ic_mean: null,
    ic_ir: null,
    cpcv_passes: false,
    cpcv_mean_corr: null,
    spa_passes: false,
    spa_pvalue: null,
    stress_regimes: {},
    transition_drawdown: null,
    n_validation_rows: bt.n,
    event: { worst_event_loss: wf.worst_event_loss, surprise_hit_rate: surpriseHitRate(wf), event_regime_stability: stability },
  };
  return { backtest: bt, metrics, decision: promotionGate(metrics, { ...opts.gate, eventMode: true }) };
}
