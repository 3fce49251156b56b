/**
 * src/engine/risk against the numpy/pandas/scipy reference (tests/reference/metrics/risk_ref.py)
 * on buy-and-hold AAPL returns vs SPY with benchmark gaps (real data).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseReturnsCsv } from '../../../src/engine/backtest/metrics-io';
import { returnDistribution } from '../../../src/engine/risk/distribution';
import { drawdownEpisodes, drawdownSeries, drawdownTable } from '../../../src/engine/risk/drawdowns';
import { riskReport } from '../../../src/engine/risk/report';
import { rollingBenchmark } from '../../../src/engine/risk/rolling-benchmark';
import { rollingSharpe, rollingVolatility } from '../../../src/engine/risk/rolling-stats';
import { expectClose } from './helpers';

const FIX = resolve(__dirname, '../../../tests/fixtures/metrics');
const TOL = 1e-9;

interface Episode {
  peakIndex: number;
  troughIndex: number;
  recoveryIndex: number;
  depth: number;
  length: number;
}
interface RiskRef {
  n: number;
  rows: number;
  episodes: number;
  drawdownTable: Episode[];
  histogram: { counts: number[]; edges: number[]; density: number[] };
  rollingVol63: (number | null)[];
  rollingSharpe63: (number | null)[];
  rollingBeta60: (number | null)[];
  rollingAlpha60: (number | null)[];
  rollingCorr60: (number | null)[];
  [k: string]: unknown;
}

const ref: RiskRef = JSON.parse(readFileSync(resolve(FIX, 'risk_aapl.expected.json'), 'utf8'));
const csv = parseReturnsCsv(readFileSync(resolve(FIX, 'aapl_bh_vs_spy_gaps.input.csv'), 'utf8'));
const r = csv.strategy;

function expectColumn(actual: Float64Array, expected: (number | null)[], name: string): void {
  expect(actual.length, name).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    if (e === null) {
      if (!Number.isNaN(actual[i])) throw new Error(`${name}[${i}]: ${actual[i]} where the reference is NaN`);
    } else if (!(Math.abs(actual[i] - e) <= TOL * Math.max(1, Math.abs(e)))) {
      throw new Error(`${name}[${i}]: ${actual[i]} vs reference ${e}`);
    }
  }
}

describe('risk vs the numpy/pandas/scipy reference (real AAPL returns)', () => {
  it('VaR, ES, Cornish–Fisher, tail ratio, moments, extremes and drawdown analytics', () => {
    const rep = riskReport(r);
    expect(rep.n).toBe(ref.n);
    for (const k of Object.keys(rep) as (keyof typeof rep)[]) {
      const e = ref[k];
      expect(typeof e, `reference has ${k}`).toBe('number');
      expectClose(rep[k], e as number, TOL);
    }
  });

  it('histogram: counts exact, edges and density within tolerance', () => {
    const d = returnDistribution(r, 50);
    expect(Array.from(d.counts)).toEqual(ref.histogram.counts);
    expectColumn(d.edges, ref.histogram.edges, 'edges');
    expectColumn(d.density, ref.histogram.density, 'density');
  });

  it('drawdown episodes and the top-10 table', () => {
    const s = drawdownSeries(r);
    expect(drawdownEpisodes(s).length).toBe(ref.episodes);
    const table = drawdownTable(s, 10);
    expect(table.length).toBe(ref.drawdownTable.length);
    table.forEach((ep, i) => {
      const e = ref.drawdownTable[i];
      expect([ep.peakIndex, ep.troughIndex, ep.recoveryIndex, ep.length]).toEqual([
        e.peakIndex,
        e.troughIndex,
        e.recoveryIndex,
        e.length,
      ]);
      expectClose(ep.depth, e.depth, TOL);
    });
  });

  it('rolling volatility and Sharpe (63 rows, rf 2%)', () => {
    const head = r.slice(0, ref.rows);
    expectColumn(rollingVolatility(head, 63), ref.rollingVol63, 'rollingVol63');
    expectColumn(rollingSharpe(head, 63, 0.02), ref.rollingSharpe63, 'rollingSharpe63');
  });

  it('rolling beta/alpha/correlation vs the benchmark on the inner join (60 rows, rf 2%)', () => {
    const k = ref.rows;
    const rb = rollingBenchmark(
      { dates: csv.days.slice(0, k), returns: r.slice(0, k) },
      { dates: csv.benchmark!.days, returns: csv.benchmark!.returns },
      60,
      0.02,
    );
    expectColumn(rb.onStrategyDates.beta, ref.rollingBeta60, 'beta');
    expectColumn(rb.onStrategyDates.alphaAnn, ref.rollingAlpha60, 'alpha');
    expectColumn(rb.onStrategyDates.correlation, ref.rollingCorr60, 'correlation');
  });
});
