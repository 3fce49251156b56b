import { describe, expect, it } from 'vitest';
import { crossSectionalZscore, discoveryGrid, evaluateCandidate, evaluateSequential, groupByValidation, promotionGate, topKFilter, withGlobalPbo } from '../../../src/engine/autopilot';
import type { EvaluationPanel, PredictionPanel } from '../../../src/engine/autopilot';
import { forwardReturns, perTradeSharpe, transitionDrawdown } from '../../../src/engine/autopilot/evaluate';
import { monteCarloSignificance } from '../../../src/engine/autopilot/stat-tests';
import { readBarsFile } from '../../../src/cli/read-bars';
import { type PriceMatrix, alignBars } from '../../../src/engine/backtest/matrix';
import { adjustSuspectedSplits } from '../../../src/engine/backtest/splits';
import { NULL_CONTEXT } from '../../../src/engine/core/context';
import { Prng } from '../../../src/engine/core/prng';

const REAL = '../shared/data/real/daily/csv';
const TICKERS = ['AAPL', 'JPM', 'XOM', 'PG', 'MSFT', 'CAT'];

function realMatrix(): PriceMatrix {
  return alignBars(TICKERS.map((t) => ({ ticker: t, bars: adjustSuspectedSplits(readBarsFile(`${REAL}/${t}.csv`).tickers[0].bars).bars })));
}

/** predicted = a·(future H-day return) + noise: a look-ahead "oracle" with a real edge (test-only). */
function oraclePanel(m: PriceMatrix, signal: number, seed: number): PredictionPanel {
  const fwd = forwardReturns(m, 10);
  const rng = new Prng(seed);
  const n = fwd.length;
  const predicted = new Float64Array(n).fill(Number.NaN);
  const confidence = new Float64Array(n).fill(Number.NaN);
  const regime = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(fwd[k])) continue;
    predicted[k] = signal * fwd[k] + 0.01 * rng.normal();
    confidence[k] = 0.9;
    regime[k] = Math.floor(k / (m.cols * 500)) % 2;
  }
  return { predictor: 'heuristic', horizon: 10, predicted, confidence, regime, csZscore: crossSectionalZscore(predicted, m.rows, m.cols), notes: [] };
}

describe('candidate evaluation on real prices', () => {
  const m = realMatrix();
  const grid = discoveryGrid(10);

  it('an informative predictor passes every gate rule (Monte Carlo computed, not missing)', async () => {
    const panel: EvaluationPanel = { prices: m, predictions: topKFilter(oraclePanel(m, 0.3, 1), m.cols), nCandidates: 36, seedKey: 'oracle' };
    // simple and risk-managed variants: the global PBO needs candidates that differ
    const evals = await evaluateSequential(grid.slice(0, 4), panel, NULL_CONTEXT);
    const { evaluations, pbo } = withGlobalPbo(evals);
    expect(pbo.value).not.toBeNull();
    expect(pbo.value).toBeLessThanOrEqual(0.45);
    const e = evaluations[0];
    expect(e.metrics.mc_significant).toBe(true);
    expect(e.metrics.mc_p_value).toBeLessThan(0.05);
    expect(e.metrics.dsr_significant).toBe(true);
    expect(e.metrics.wf_oos_corr).toBeGreaterThan(0.1);
    expect(e.metrics.fold_metrics.length).toBe(5);
    expect(e.metrics.cpcv_passes).toBe(true);
    expect(e.metrics.stat_tests_pass).toBe(true);
    expect(e.metrics.pbo).toBe(pbo.value);
    expect(promotionGate(e.metrics)).toEqual({ passed: true, reasons: [] });
    // deterministic: the same inputs give the same metrics
    const again = await evaluateCandidate(grid[0], panel, NULL_CONTEXT);
    expect(JSON.stringify(again.metrics)).toBe(JSON.stringify(evals[0].metrics));
  });

  it('a pure-noise predictor fails for out-of-sample reasons', async () => {
    const panel: EvaluationPanel = { prices: m, predictions: topKFilter(oraclePanel(m, 0, 2), m.cols), nCandidates: 36, seedKey: 'noise' };
    const e = await evaluateCandidate(grid[0], panel, NULL_CONTEXT);
    const g = promotionGate({ ...e.metrics, pbo: 0.1 });
    expect(g.passed).toBe(false);
    expect(Math.abs(e.metrics.wf_oos_corr ?? 1)).toBeLessThan(0.05);
    expect(g.reasons.some((r) => r.startsWith('wf_') || r === 'cpcv_failed' || r === 'stat_tests_failed')).toBe(true);
  });
});

describe('evaluation helpers', () => {
  it('groups the 36-candidate grid into 9 validation groups of 4 (same horizon, entry and confidence)', () => {
    const groups = groupByValidation(discoveryGrid(10));
    expect(groups).toHaveLength(9);
    for (const g of groups) {
      expect(g).toHaveLength(4);
      expect(new Set(g.map((c) => `${c.entry_threshold}|${c.confidence_threshold}`)).size).toBe(1);
    }
  });

  it('per-trade Sharpe by hand: rf/n per trade, ddof 1, × √n', () => {
    const r = Float64Array.from([0.01, 0.03, -0.01, 0.05]);
    // excess = r − 0.04/4 = [0, 0.02, −0.02, 0.04]; mean 0.01; squared deviations sum 0.002 → sd = √(0.002/3)
    expect(perTradeSharpe(r)).toBeCloseTo((0.01 / Math.sqrt(0.002 / 3)) * 2, 12);
    expect(perTradeSharpe(Float64Array.from([0.01]))).toBe(0);
  });

  it('transition drawdown: worst |dd| within ±3 bars of a regime change, null without one', () => {
    const eq = Float64Array.from([100, 110, 99, 105, 104, 110, 120, 121, 90, 100]);
    // regimes from entries: bar 1 → 0, bar 6 → 1 (change at bar 6: window 3..9)
    const worst = transitionDrawdown(eq, 100, Int32Array.from([1, 6]), Int32Array.from([0, 1]), 2);
    expect(worst).toBeCloseTo(1 - 90 / 121, 12);
    expect(transitionDrawdown(eq, 100, Int32Array.from([1, 6]), Int32Array.from([0, 0]), 2)).toBeNull();
  });

  it('Monte Carlo sign-flip test: a consistent edge is significant, symmetric noise is not, < 10 trades → p = 1', () => {
    const rng = new Prng(9);
    const edge = Float64Array.from({ length: 200 }, () => 0.01 + 0.01 * rng.normal());
    const noise = Float64Array.from({ length: 200 }, () => 0.01 * rng.normal());
    expect(monteCarloSignificance(edge, 10, 1).significant).toBe(true);
    expect(monteCarloSignificance(noise, 10, 1).p_value).toBeGreaterThan(0.05);
    expect(monteCarloSignificance(edge.slice(0, 9), 10, 1)).toMatchObject({ p_value: 1, significant: false });
    expect(monteCarloSignificance(edge, 10, 5)).toEqual(monteCarloSignificance(edge, 10, 5));
  });
});
