import { describe, expect, it } from 'vitest';
import { walkForwardPredictions } from '../../../src/engine/autopilot';
import { subsetPanel } from '../../../src/engine/autopilot/walk-forward-predictions';
import { readBarsFile } from '../../../src/cli/read-bars';
import { alignBars } from '../../../src/engine/backtest/matrix';
import type { Bars } from '../../../src/engine/contracts';
import { NULL_CONTEXT } from '../../../src/engine/core/context';

const tail = (b: Bars, n: number): Bars => ({
  ts: b.ts.slice(-n),
  open: b.open.slice(-n),
  high: b.high.slice(-n),
  low: b.low.slice(-n),
  close: b.close.slice(-n),
  volume: b.volume.slice(-n),
});

describe('walk-forward OOS ensemble predictions', () => {
  it('5 expanding folds: nothing predicted in the first block, fresh model per fold on more rows each time', async () => {
    const m = alignBars(['JPM', 'XOM', 'PG'].map((t) => ({ ticker: t, bars: tail(readBarsFile(`../shared/data/real/daily/csv/${t}.csv`).tickers[0].bars, 720) })));
    const p = await walkForwardPredictions(m, { horizon: 10, config: { permutation: null } }, NULL_CONTEXT);
    expect(p.predictor).toBe('ensemble');
    const block = Math.floor(m.rows / 6);
    for (let t = 0; t < m.rows; t++) {
      for (let i = 0; i < m.cols; i++) {
        const k = t * m.cols + i;
        if (t < block) expect(Number.isNaN(p.predicted[k])).toBe(true);
        else {
          expect(Number.isFinite(p.predicted[k])).toBe(true);
          expect(p.confidence[k]).toBeGreaterThanOrEqual(0);
          expect(p.confidence[k]).toBeLessThanOrEqual(1);
        }
      }
    }
    const trained = p.notes.map((n) => /fold (\d): trained on (\d+) rows/.exec(n)).filter((x) => x !== null).map((x) => Number(x[2]));
    expect(trained).toHaveLength(5);
    for (let f = 1; f < 5; f++) expect(trained[f]).toBeGreaterThan(trained[f - 1]);
    // the first fold trains only on rows whose label ends before the first test date: (block − h − warm-up) per ticker at most
    expect(trained[0]).toBeLessThanOrEqual(3 * (block - 10));
  }, 120_000);

  it('subsetPanel picks rows including the 4 regime probabilities of each', () => {
    const p = {
      tickers: ['A'],
      featureNames: ['f'],
      horizon: 1,
      n: 3,
      columns: [Float64Array.from([1, 2, 3])],
      y: Float64Array.from([0.1, 0.2, 0.3]),
      ts: Float64Array.from([10, 20, 30]),
      ticker: Int32Array.from([0, 0, 0]),
      barRow: Int32Array.from([0, 1, 2]),
      dates: Float64Array.from([10, 20, 30]),
      dateIndex: Int32Array.from([0, 1, 2]),
      labelEnd: Int32Array.from([1, 2, 3]),
      regimeProbs: Float64Array.from([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]),
      regimeConfidence: Float64Array.from([0.5, 0.6, 0.7]),
    };
    const s = subsetPanel(p, Int32Array.from([2, 0]));
    expect(s.n).toBe(2);
    expect(Array.from(s.columns[0])).toEqual([3, 1]);
    expect(Array.from(s.regimeProbs)).toEqual([0, 0, 1, 0, 1, 0, 0, 0]);
    expect(Array.from(s.labelEnd)).toEqual([3, 1]);
  });
});
