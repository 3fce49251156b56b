/**
 * Pure view logic of the Signal Desk (filters, sorting, CSV, scatter points, disagreement),
 * kept out of the components so it is unit-tested without a DOM.
 */
import type { CsvCell } from '../../lib/csv';
import { toCsv } from '../../lib/csv';
import type { TickerHistory, TickerSignal } from '../../../workers/models/signal-views';

export type Direction = 'all' | 'long' | 'short';

export interface SignalFilter {
  /** canonical regime index, or 'all' */
  regime: number | 'all';
  /** 0..1; rows without a confidence fail any minimum above 0 */
  minConfidence: number;
  direction: Direction;
}

export const ALL_SIGNALS: SignalFilter = { regime: 'all', minConfidence: 0, direction: 'all' };

export function action(s: TickerSignal): 'LONG' | 'SHORT' | 'PASS' {
  const r = s.predictedReturn;
  return r === null || r === 0 ? 'PASS' : r > 0 ? 'LONG' : 'SHORT';
}

export function filterSignals(rows: readonly TickerSignal[], f: SignalFilter): TickerSignal[] {
  return rows.filter((s) => {
    if (f.regime !== 'all' && s.regime !== f.regime) return false;
    if (f.minConfidence > 0 && !(s.confidence !== null && s.confidence >= f.minConfidence)) return false;
    if (f.direction === 'long' && action(s) !== 'LONG') return false;
    if (f.direction === 'short' && action(s) !== 'SHORT') return false;
    return true;
  });
}

export type SortKey = 'rank' | 'ticker' | 'predictedReturn' | 'confidence' | 'score' | 'regime' | 'ensembleStd';

/** Sorted copy; nulls always last; ties by ticker. 'rank' = score descending (the ranking). */
export function sortSignals(rows: readonly TickerSignal[], key: SortKey, desc: boolean): TickerSignal[] {
  const k: Exclude<SortKey, 'rank'> = key === 'rank' ? 'score' : key;
  const d = key === 'rank' ? true : desc;
  return [...rows].sort((a, b) => {
    const x = a[k];
    const y = b[k];
    if (x === null && y !== null) return 1;
    if (y === null && x !== null) return -1;
    if (x !== null && y !== null && x !== y) {
      const c = x < y ? -1 : 1;
      return d ? -c : c;
    }
    return a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0;
  });
}

export function signalsCsv(rows: readonly TickerSignal[], memberNames: readonly string[], horizon: number): string {
  const header = ['rank', 'ticker', 'date', 'horizon', 'predicted_return', 'confidence', 'score', 'action', 'regime', 'regime_confidence', 'ensemble_std', ...memberNames.map((m) => `member_${m}`)];
  const body: CsvCell[][] = rows.map((s, i) => [
    i + 1,
    s.ticker,
    s.date,
    horizon,
    s.predictedReturn,
    s.confidence,
    s.score,
    action(s),
    s.regimeName,
    s.regimeConfidence,
    s.ensembleStd,
    ...memberNames.map((m) => s.members[m] ?? null),
  ]);
  return toCsv(header, body);
}

export interface ScatterPoint {
  ticker: string;
  date: string;
  confidence: number;
  realised: number;
  predicted: number;
  inSample: boolean;
}

export interface ScatterData {
  points: ScatterPoint[];
  /** predictions whose horizon has not passed yet (no realised return) */
  pending: number;
  /** realised points left out because they lie in the training window */
  inSampleHidden: number;
  /** share of shown points whose predicted sign matched the realised sign */
  hitRate: number | null;
}

export function scatterData(history: readonly TickerHistory[], includeInSample: boolean): ScatterData {
  const points: ScatterPoint[] = [];
  let pending = 0;
  let hidden = 0;
  let hits = 0;
  for (const h of history) {
    for (let k = 0; k < h.dates.length; k++) {
      const c = h.confidence[k];
      const p = h.predicted[k];
      const r = h.realised[k];
      if (c === null || p === null) continue;
      if (r === null) {
        pending++;
        continue;
      }
      const ins = h.inSample[k] === 1;
      if (ins && !includeInSample) {
        hidden++;
        continue;
      }
      points.push({ ticker: h.ticker, date: h.dates[k], confidence: c, realised: r, predicted: p, inSample: ins });
      if (Math.sign(p) === Math.sign(r) && p !== 0) hits++;
    }
  }
  return { points, pending, inSampleHidden: hidden, hitRate: points.length > 0 ? hits / points.length : null };
}

export interface DisagreementRow {
  ticker: string;
  std: number;
  members: { name: string; value: number | null }[];
}

export interface Disagreement {
  avg: number | null;
  max: number | null;
  /** signals whose spread exceeds 1.5 × the average */
  high: number;
  total: number;
  /** highest spread first */
  rows: DisagreementRow[];
  /** mean prediction per global member */
  memberMeans: { name: string; mean: number | null }[];
}

export function disagreement(signals: readonly TickerSignal[], globalMembers: readonly string[]): Disagreement {
  const rows: DisagreementRow[] = [];
  for (const s of signals) {
    if (s.ensembleStd === null) continue;
    rows.push({ ticker: s.ticker, std: s.ensembleStd, members: globalMembers.map((m) => ({ name: m, value: s.members[m] ?? null })) });
  }
  rows.sort((a, b) => b.std - a.std || (a.ticker < b.ticker ? -1 : 1));
  const n = rows.length;
  const avg = n > 0 ? rows.reduce((t, r) => t + r.std, 0) / n : null;
  const memberMeans = globalMembers.map((m) => {
    const v = signals.map((s) => s.members[m]).filter((x): x is number => typeof x === 'number');
    return { name: m, mean: v.length > 0 ? v.reduce((t, x) => t + x, 0) / v.length : null };
  });
  return {
    avg,
    max: n > 0 ? rows[0].std : null,
    high: avg === null ? 0 : rows.filter((r) => r.std > 1.5 * avg).length,
    total: n,
    rows,
    memberMeans,
  };
}
