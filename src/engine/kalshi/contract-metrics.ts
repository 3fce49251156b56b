/**
 * Event contract metrics (engine-trading §6.5 `evaluate_event_contract_metrics`) on the
 * walk-forward's out-of-sample event returns (sign(prediction) × label, in release order):
 * Sharpe (population std, √252), deflated Sharpe over the trials tried, a seeded bootstrap
 * of the mean (500 draws: 95 % interval and the share of draws ≤ 0), the turnover proxy,
 * events per day with capacity utilisation (÷ 6), and event-type stability.
 */
import { deflatedSharpeOfReturns } from '../backtest/validation/sharpe';
import { seedFromString } from '../core/hash';
import { Prng } from '../core/prng';
import { DAY_MS } from './types';
import { type EventTable, quantile, type WalkForwardResult } from './walkforward';

export interface EventContractMetrics {
  n_events: number;
  mean_return: number;
  sharpe: number;
  dsr: number;
  bootstrap_mean_lo: number;
  bootstrap_mean_hi: number;
  /** share of bootstrap means ≤ 0 (a one-sided p-value for "the mean is positive") */
  bootstrap_p_nonpositive: number;
  turnover_proxy: number;
  events_per_day: number;
  capacity_utilization: number;
  capacity_constrained: boolean;
  event_type_stability: number;
}

const BOOTSTRAP_DRAWS = 500;

/** Mean and population standard deviation (NaN for none). */
export function meanStd(x: readonly number[]): { mean: number; std: number } {
  const n = x.length;
  if (n === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = x.reduce((a, b) => a + b, 0) / n;
  return { mean, std: Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / n) };
}

export interface OosEventReturn {
  id: string;
  ts: number;
  /** sign(prediction) × label */
  ret: number;
  pos: number;
  type: string;
}

/** The walk-forward's out-of-sample event returns, in release order (ties by id). */
export function oosEventReturns(wf: WalkForwardResult, table: EventTable): OosEventReturn[] {
  const idx = new Map(table.event_id.map((id, i) => [id, i] as const));
  const rows: OosEventReturn[] = [];
  for (const f of wf.folds) {
    f.test_ids.forEach((id, k) => {
      const i = idx.get(id) as number;
      const pos = Math.sign(f.predictions[k]);
      rows.push({ ts: table.release_ts[i], ret: pos * table.label[i], pos, type: table.event_type[i], id });
    });
  }
  rows.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
  return rows;
}

export function eventContractMetrics(wf: WalkForwardResult, table: EventTable): EventContractMetrics {
  const rows = oosEventReturns(wf, table);
  const rets = rows.map((r) => r.ret);
  const n = rets.length;
  const { mean, std } = meanStd(rets);
  const sharpe = std > 0 ? (mean / std) * Math.sqrt(252) : Number.NaN;
  const dsr = n >= 3 ? deflatedSharpeOfReturns(rets, Math.max(1, wf.n_trials_total)).dsr : Number.NaN;

  let lo = Number.NaN;
  let hi = Number.NaN;
  let pNonPos = Number.NaN;
  if (n > 0) {
    const rng = new Prng(seedFromString(`kalshi-contract-bootstrap|${rows.map((r) => r.id).join(',')}`));
    const means: number[] = [];
    for (let d = 0; d < BOOTSTRAP_DRAWS; d++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += rets[rng.int(n)];
      means.push(s / n);
    }
    means.sort((a, b) => a - b);
    lo = quantile(means, 0.025);
    hi = quantile(means, 0.975);
    pNonPos = means.filter((m) => m <= 0).length / BOOTSTRAP_DRAWS;
  }
  let turnover = Number.NaN;
  if (n > 1) {
    let t = 0;
    for (let k = 1; k < n; k++) t += Math.abs(rows[k].pos - rows[k - 1].pos);
    turnover = t / (n - 1);
  }
  const spanDays = n > 1 ? (rows[n - 1].ts - rows[0].ts) / DAY_MS : Number.NaN;
  const eventsPerDay = n > 1 && spanDays > 0 ? n / spanDays : Number.NaN;
  const capacity = eventsPerDay / 6;
  const byType = new Map<string, number[]>();
  for (const r of rows) byType.set(r.type, [...(byType.get(r.type) ?? []), r.ret]);
  let stability = 1;
  if (byType.size >= 2 && std > 0) {
    const typeMeans = [...byType.values()].map((v) => meanStd(v).mean);
    stability = Math.min(1, Math.max(0, Math.exp(-meanStd(typeMeans).std / std)));
  }
  return {
    n_events: n,
    mean_return: mean,
    sharpe,
    dsr,
    bootstrap_mean_lo: lo,
    bootstrap_mean_hi: hi,
    bootstrap_p_nonpositive: pNonPos,
    turnover_proxy: turnover,
    events_per_day: eventsPerDay,
    capacity_utilization: capacity,
    capacity_constrained: capacity > 1 || turnover > 1.5,
    event_type_stability: stability,
  };
}
