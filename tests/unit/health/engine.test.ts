import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendHistory,
  computeHealth,
  domainScore,
  expectedMaxNormal,
  type HealthCheckItem,
  type HealthInputs,
  historyPoint,
  overallScore,
} from '../../../src/engine/health';

let seq = 0;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 0, 31);
const d = (s: string) => Date.parse(`${s}T00:00:00Z`);

function item(domain: HealthCheckItem['domain'], severity: HealthCheckItem['severity'], score: number | null): HealthCheckItem {
  return {
    id: `c${++seq}`,
    name: 'x',
    domain,
    status: score === null ? 'UNAVAILABLE' : 'PASS',
    score,
    severity,
    detail: '',
    value: null,
    recommendation: null,
    methodology: '',
    thresholds: {},
    raw_value: null,
    data_available: score !== null,
  };
}

const EMPTY: HealthInputs = { now: NOW, datasets: [], registry: null, gate: null, backtests: [], models: [], walkForward: [] };

function scenario(): HealthInputs {
  const report = (o: Partial<NonNullable<HealthInputs['datasets'][0]['report']>>) => ({
    status: 'pass' as const,
    rows: 1000,
    zeroVolumeRows: 0,
    missingWeekdayFraction: 0,
    gapRuns: 0,
    suspectedSplits: 0,
    staleRuns: 0,
    adjCloseUsed: true,
    ...o,
  });
  return {
    now: NOW,
    datasets: [
      { id: 'A|1d', ticker: 'A', timeframe: '1d', origin: 'file', storedAt: NOW - 2 * DAY, rows: 1500, first: d('2020-01-01'), last: d('2025-12-31'), quality: 'pass', report: report({}) },
      {
        id: 'B|1d',
        ticker: 'B',
        timeframe: '1d',
        origin: 'file',
        storedAt: NOW - 10 * DAY,
        rows: 620,
        first: d('2021-01-01'),
        last: d('2023-06-30'),
        quality: 'warn',
        report: report({ status: 'warn', missingWeekdayFraction: 0.02, suspectedSplits: 1, gapRuns: 2 }),
      },
      { id: 'C|1d', ticker: 'C', timeframe: '1d', origin: 'demo', storedAt: NOW - 1 * DAY, rows: 150, first: d('2025-06-01'), last: d('2025-12-31'), quality: 'unchecked', report: null },
    ],
    registry: {
      active: [
        { strategyId: 's0', score: 1.2, metrics: { dsr_significant: true, pbo: 0.3, wf_oos_corr: 0.02, wf_positive_fold_fraction: 0.8 } },
        { strategyId: 's1', score: 0.9, metrics: { dsr_significant: false } },
      ],
      history: Array.from({ length: 10 }, (_, i) => ({ strategyId: `s${i % 5}`, passed: i < 2, reasons: i < 2 ? [] : ['sharpe<0.75'], timestamp: `2026-01-0${1 + (i % 9)}T00:00:00Z` })),
    },
    gate: { min_trades: 80, min_sharpe: 0.75, max_drawdown: -0.2, min_win_rate: 0.5, max_pbo: 0.45 },
    backtests: [
      {
        key: 'backtest/x',
        computedAt: NOW - DAY,
        commissionBps: 1,
        spreadBps: 3,
        impactBps: 25,
        turnoverAnn: 20,
        avgCostBps: 6,
        cagr: 0.06,
        trades: 120,
        bars: 1000,
        trials: 4,
        knobs: { holding_period: 10, max_positions: 5, entry_threshold: 0, position_size: 0.1, fast: 10 },
      },
    ],
    models: [{ key: 'model/m', computedAt: NOW - DAY, features: Array.from({ length: 24 }, (_, i) => `f${i}`), rows: 2000, knobs: { horizon: 10, folds: 5 } }],
    walkForward: [
      {
        source: 'model/m',
        metric: 'rank IC',
        purge: 10,
        embargo: 5,
        folds: [0.05, -0.01, 0.04, 0.02, 0.03].map((oos, i) => ({
          fold: i,
          trainStart: d('2018-01-01'),
          trainEnd: d(`202${i}-01-01`),
          testStart: d(`202${i}-02-01`),
          testEnd: d(`202${i}-12-31`),
          isMetric: [0.1, 0.08, 0.12, 0.09, 0.11][i],
          oosMetric: oos,
        })),
      },
    ],
  };
}

const byId = (checks: HealthCheckItem[], id: string) => {
  const c = checks.find((x) => x.id === id);
  if (!c) throw new Error(`no check ${id}`);
  return c;
};

describe('health scoring', () => {
  it('weights checks by severity and excludes unavailable ones (hand-computed)', () => {
    const s = domainScore('execution', [item('execution', 'critical', 90), item('execution', 'standard', 60), item('execution', 'informational', 30), item('execution', 'standard', null)]);
    expect(s.score).toBeCloseTo(345 / 4.5, 10);
    expect(s.status).toBe('PASS');
    expect([s.available, s.total]).toEqual([3, 4]);
  });

  it('a domain with more than half of its checks unavailable has no score', () => {
    const three = domainScore('complexity', [item('complexity', 'critical', 90), item('complexity', 'standard', null), item('complexity', 'standard', null), item('complexity', 'standard', null)]);
    expect(three.score).toBeNull();
    expect(three.status).toBe('UNAVAILABLE');
    const half = domainScore('complexity', [item('complexity', 'standard', 40), item('complexity', 'standard', null)]);
    expect(half.score).toBe(40);
    expect(half.status).toBe('FAIL');
  });

  it('overall = Σ w·score / Σ w over scored domains', () => {
    const dom = (domain: HealthCheckItem['domain'], score: number | null) => domainScore(domain, score === null ? [] : [item(domain, 'standard', score)]);
    const o = overallScore([dom('data_integrity', 80), dom('promotion', null), dom('walk_forward', 60), dom('execution', 40), dom('complexity', null)]);
    expect(o).toBeCloseTo((0.25 * 80 + 0.2 * 60 + 0.15 * 40) / 0.6, 10);
  });

  it('overall lies between the lowest and highest domain score (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { nil: null }), { minLength: 5, maxLength: 5 }), (scores) => {
        const names = ['data_integrity', 'promotion', 'walk_forward', 'execution', 'complexity'] as const;
        const doms = names.map((n, i) => domainScore(n, scores[i] === null ? [] : [item(n, 'critical', scores[i])]));
        const o = overallScore(doms);
        const present = scores.filter((x): x is number => x !== null);
        if (present.length === 0) return o === null;
        return o !== null && o >= Math.min(...present) - 1e-9 && o <= Math.max(...present) + 1e-9;
      }),
    );
  });
});

describe('computeHealth', () => {
  it('with nothing stored every check is UNAVAILABLE and nothing is made up', () => {
    const r = computeHealth(EMPTY);
    expect(r.checks.length).toBe(24);
    expect(r.checks.every((c) => c.status === 'UNAVAILABLE' && c.score === null)).toBe(true);
    expect(r.overall_score).toBeNull();
    expect(r.overall_status).toBe('UNAVAILABLE');
    expect(r.promotion_funnel).toBeNull();
    expect(r.wf_windows).toEqual([]);
    expect(r.strengths).toEqual([]);
    expect(byId(r.checks, 'coverage').detail).toMatch(/No datasets are stored/);
  });

  it('scores a hand-built scenario to the hand-computed values', () => {
    const r = computeHealth(scenario());
    const s = (id: string) => [byId(r.checks, id).score, byId(r.checks, id).status];
    // data integrity
    expect(s('coverage')).toEqual([60, 'WARN']);
    expect(s('cache_freshness')).toEqual([60, 'WARN']);
    expect(s('quality_status')).toEqual([65, 'WARN']);
    expect(s('calendar_gaps')).toEqual([55, 'WARN']);
    expect(s('suspected_splits')).toEqual([25, 'FAIL']);
    expect(s('data_anomalies')).toEqual([85, 'PASS']);
    expect(s('survivorship')).toEqual([90, 'PASS']);
    expect(byId(r.checks, 'quality_status').detail).toMatch(/C\|1d/); // the unchecked demo set is named
    // promotion
    expect(s('gate_criteria')).toEqual([90, 'PASS']);
    expect(s('gate_selectivity')).toEqual([85, 'PASS']);
    expect(s('active_multiple_testing')).toEqual([55, 'WARN']);
    expect(s('active_walk_forward')).toEqual([55, 'WARN']);
    // walk-forward
    expect(s('fold_count')).toEqual([85, 'PASS']);
    expect(s('temporal_order')).toEqual([90, 'PASS']);
    expect(s('is_oos_gap')).toEqual([55, 'WARN']);
    expect(byId(r.checks, 'is_oos_gap').raw_value).toBeCloseTo(0.074, 12);
    expect(s('positive_folds')).toEqual([85, 'PASS']);
    expect(s('oos_skill')).toEqual([65, 'WARN']);
    expect(s('purge_embargo')).toEqual([85, 'PASS']);
    // execution
    expect(s('cost_model')).toEqual([90, 'PASS']);
    expect(s('cost_level')).toEqual([85, 'PASS']);
    expect(s('turnover_vs_costs')).toEqual([85, 'PASS']);
    expect(byId(r.checks, 'turnover_vs_costs').raw_value).toBeCloseTo(0.012 / 0.072, 12);
    expect(s('trade_sample')).toEqual([85, 'PASS']);
    // complexity
    expect(s('features_per_observation')).toEqual([55, 'WARN']);
    expect(s('knob_count')).toEqual([55, 'WARN']);
    expect(byId(r.checks, 'multiple_testing').raw_value).toBeCloseTo(1.0272, 3);
    expect(s('multiple_testing')).toEqual([25, 'FAIL']);

    const dom = Object.fromEntries(r.domains.map((x) => [x.domain, x.score]));
    expect(dom.data_integrity).toBeCloseTo(870 / 13, 10);
    expect(dom.promotion).toBeCloseTo(74.5, 10);
    expect(dom.walk_forward).toBeCloseTo(925 / 12, 10);
    expect(dom.execution).toBeCloseTo(482.5 / 5.5, 10);
    expect(dom.complexity).toBeCloseTo(43, 10);
    const overall = 0.25 * (870 / 13) + 0.25 * 74.5 + 0.2 * (925 / 12) + 0.15 * (482.5 / 5.5) + 0.15 * 43;
    expect(r.overall_score).toBeCloseTo(overall, 10);
    expect(r.overall_status).toBe('WARN');

    expect(r.promotion_funnel).toEqual({ 'Candidates evaluated': 10, 'Distinct strategies': 5, 'Passed gate': 2, Active: 2 });
    expect(r.wf_windows).toHaveLength(5);
    expect(r.wf_windows[2]).toMatchObject({ fold: 2, train_end: '2022-01-01', test_start: '2022-02-01', oos_metric: 0.04 });
    expect(r.cache_age.map((c) => [c.id, c.days])).toEqual([
      ['B|1d', 10],
      ['A|1d', 2],
      ['C|1d', 1],
    ]);
    expect(r.knob_inventory).toHaveLength(12);
    expect(r.strengths.map((c) => c.id)).toContain('survivorship');
    expect(r.strengths.every((c) => c.status === 'PASS')).toBe(true);
  });

  it('flags CRITICAL for a frictionless backtest and for look-ahead folds', () => {
    const inp = scenario();
    inp.backtests[0] = { ...inp.backtests[0], spreadBps: 0, impactBps: 0, commissionBps: 0 };
    const f = inp.walkForward[0].folds[1];
    inp.walkForward[0].folds[1] = { ...f, trainEnd: f.testStart };
    const r = computeHealth(inp);
    expect(byId(r.checks, 'cost_model').status).toBe('CRITICAL');
    expect(byId(r.checks, 'cost_model').detail).toMatch(/1 of 1 recorded backtests are frictionless/);
    expect(byId(r.checks, 'temporal_order').status).toBe('CRITICAL');
    expect(byId(r.checks, 'temporal_order').value).toBe('4/5');
  });

  it('a backtest without gross edge scores the cost drag 25', () => {
    const inp = scenario();
    inp.backtests[0] = { ...inp.backtests[0], cagr: -0.05, turnoverAnn: 10, avgCostBps: 5 };
    const c = byId(computeHealth(inp).checks, 'turnover_vs_costs');
    expect([c.score, c.value]).toEqual([25, 'no gross edge']);
  });

  it('is deterministic and never mutates its inputs', () => {
    const inp = scenario();
    const before = structuredClone(inp);
    const a = computeHealth(inp);
    const b = computeHealth(inp);
    expect(a).toEqual(b);
    expect(inp).toEqual(before);
  });

  it('expectedMaxNormal matches the spec formula', () => {
    expect(expectedMaxNormal(1)).toBe(0);
    const l = Math.log(100);
    expect(expectedMaxNormal(100)).toBeCloseTo(Math.sqrt(2 * l) * (1 - 0.5772156649 / (2 * l)), 12);
  });

  it('history keeps time order and the last 90 points', () => {
    const base = computeHealth(scenario());
    let h = appendHistory([], historyPoint(base));
    expect(h).toHaveLength(1);
    for (let i = 0; i < 100; i++) h = appendHistory(h, { ...historyPoint(base), timestamp: new Date(NOW + (i + 1) * DAY).toISOString() });
    expect(h).toHaveLength(90);
    expect(h[0].timestamp < h[89].timestamp).toBe(true);
    expect(h[89].timestamp).toBe(new Date(NOW + 100 * DAY).toISOString());
  });
});
