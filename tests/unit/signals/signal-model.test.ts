import { describe, expect, it } from 'vitest';
import { action, disagreement, filterSignals, scatterData, signalsCsv, sortSignals } from '../../../src/app/components/signals/signal-model';
import type { TickerHistory, TickerSignal } from '../../../src/workers/models/signal-views';

function sig(ticker: string, ret: number | null, conf: number | null, regime: number, members: Record<string, number | null>, std: number | null): TickerSignal {
  return {
    ticker,
    datasetId: `${ticker}|1d`,
    date: '2024-05-01',
    predictedReturn: ret,
    confidence: conf,
    score: ret !== null && conf !== null ? ret * conf : null,
    regime,
    regimeName: regime >= 0 ? `r${regime}` : null,
    regimeConfidence: 0.8,
    regimeProbs: [0.1, 0.2, 0.3, 0.4],
    ensembleStd: std,
    members,
    inSample: false,
  };
}

const S = [
  sig('AAA', 0.02, 0.6, 0, { gbdt: 0.03, ridge: 0.01 }, 0.01),
  sig('BBB', -0.01, 0.9, 1, { gbdt: -0.012, ridge: -0.008 }, 0.002),
  sig('CCC', 0.005, 0.4, 0, { gbdt: 0.005, ridge: 0.005 }, 0),
  sig('DDD', null, null, -1, { gbdt: null, ridge: null }, null),
];

describe('signal desk view logic', () => {
  it('ranks by predicted return × confidence with nulls last, and sorts by any column', () => {
    // scores: AAA 0.012, BBB −0.009, CCC 0.002, DDD null
    expect(sortSignals(S, 'rank', false).map((s) => s.ticker)).toEqual(['AAA', 'CCC', 'BBB', 'DDD']);
    expect(sortSignals(S, 'confidence', true).map((s) => s.ticker)).toEqual(['BBB', 'AAA', 'CCC', 'DDD']);
    expect(sortSignals(S, 'predictedReturn', false).map((s) => s.ticker)).toEqual(['BBB', 'CCC', 'AAA', 'DDD']);
    expect(sortSignals(S, 'ticker', true).map((s) => s.ticker)).toEqual(['DDD', 'CCC', 'BBB', 'AAA']);
  });

  it('filters by regime, minimum confidence and direction', () => {
    expect(filterSignals(S, { regime: 0, minConfidence: 0, direction: 'all' }).map((s) => s.ticker)).toEqual(['AAA', 'CCC']);
    expect(filterSignals(S, { regime: 'all', minConfidence: 0.5, direction: 'all' }).map((s) => s.ticker)).toEqual(['AAA', 'BBB']);
    expect(filterSignals(S, { regime: 'all', minConfidence: 0, direction: 'short' }).map((s) => s.ticker)).toEqual(['BBB']);
    expect(filterSignals(S, { regime: 'all', minConfidence: 0, direction: 'long' }).map((s) => s.ticker)).toEqual(['AAA', 'CCC']);
    expect(S.map(action)).toEqual(['LONG', 'SHORT', 'LONG', 'PASS']);
  });

  it('exports RFC-4180 CSV with one column per member', () => {
    const csv = signalsCsv(S.slice(0, 2), ['gbdt', 'ridge'], 10).split('\r\n');
    expect(csv[0]).toBe('rank,ticker,date,horizon,predicted_return,confidence,score,action,regime,regime_confidence,ensemble_std,member_gbdt,member_ridge');
    expect(csv[1]).toBe(`1,AAA,2024-05-01,10,0.02,0.6,${0.02 * 0.6},LONG,r0,0.8,0.01,0.03,0.01`);
    expect(csv).toHaveLength(4);
  });

  it('scatter: realised points only, pending counted, in-sample hidden unless asked, hit rate by hand', () => {
    const h: TickerHistory[] = [
      { ticker: 'AAA', dates: ['d1', 'd2', 'd3', 'd4'], predicted: [0.01, -0.02, 0.03, 0.01], confidence: [0.5, 0.6, 0.7, 0.8], realised: [0.02, 0.01, null, -0.01], inSample: [1, 0, 0, 0] },
    ];
    const out = scatterData(h, false);
    expect(out.points.map((p) => p.date)).toEqual(['d2', 'd4']);
    expect(out.pending).toBe(1);
    expect(out.inSampleHidden).toBe(1);
    expect(out.hitRate).toBe(0);
    const all = scatterData(h, true);
    expect(all.points).toHaveLength(3);
    expect(all.hitRate).toBeCloseTo(1 / 3, 15);
  });

  it('disagreement: average and max spread, high count (> 1.5× average), member means', () => {
    const d = disagreement(S, ['gbdt', 'ridge']);
    expect(d.total).toBe(3);
    expect(d.avg).toBeCloseTo((0.01 + 0.002 + 0) / 3, 15);
    expect(d.max).toBe(0.01);
    expect(d.high).toBe(1);
    expect(d.rows.map((r) => r.ticker)).toEqual(['AAA', 'BBB', 'CCC']);
    expect(d.memberMeans[0].mean).toBeCloseTo((0.03 - 0.012 + 0.005) / 3, 15);
  });
});
