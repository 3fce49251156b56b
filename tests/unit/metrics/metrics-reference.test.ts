/**
 * Contract E against the independent numpy/pandas reference
 * (tests/reference/metrics/metrics_ref.py) on returns derived from the real AAPL and SPY
 * daily bars. Tolerance: |x − ref| ≤ 1e-9·max(1, |ref|); dates, nulls and key order exact.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { computeMetrics } from '../../../src/engine/backtest/metrics';
import { metricsToJson, parseReturnsCsv } from '../../../src/engine/backtest/metrics-io';

const ROOT = resolve(__dirname, '../../..');
const FIX = resolve(ROOT, 'tests/fixtures/metrics');
const REAL = resolve(ROOT, '../shared/data/real/daily/csv');
const TOL = 1e-9;

const SCENARIOS = ['aapl_sma_vs_spy', 'aapl_bh_vs_spy_gaps', 'spy_2007_2009'] as const;

type Json = null | number | string | boolean | Json[] | { [k: string]: Json };

function compare(actual: Json, expected: Json, path: string, worst: { err: number }): void {
  if (expected === null || typeof expected === 'string' || typeof expected === 'boolean') {
    if (actual !== expected) throw new Error(`${path}: ${JSON.stringify(actual)} vs reference ${JSON.stringify(expected)}`);
    return;
  }
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') throw new Error(`${path}: ${JSON.stringify(actual)} vs reference ${expected}`);
    const err = Math.abs((actual as number) - expected) / Math.max(1, Math.abs(expected));
    if (!(err <= TOL)) throw new Error(`${path}: ${actual} vs reference ${expected} (scaled error ${err})`);
    worst.err = Math.max(worst.err, err);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} should be an array`).toBe(true);
    const a = actual as Json[];
    expect(a.length, `${path}.length`).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) compare(a[i], expected[i], `${path}[${i}]`, worst);
    return;
  }
  const a = actual as { [k: string]: Json };
  expect(Object.keys(a), `${path} keys`).toEqual(Object.keys(expected));
  for (const k of Object.keys(expected)) compare(a[k], expected[k], `${path}.${k}`, worst);
}

function load(name: string): { csv: string; expected: { [k: string]: Json } } {
  return {
    csv: readFileSync(resolve(FIX, `${name}.input.csv`), 'utf8'),
    expected: JSON.parse(readFileSync(resolve(FIX, `${name}.expected.json`), 'utf8')),
  };
}

describe('contract E vs the numpy/pandas reference on real AAPL/SPY returns', () => {
  for (const name of SCENARIOS) {
    it(name, () => {
      const { csv, expected } = load(name);
      const rfAnnual = expected.rf_annual as number;
      const corrWindow = expected.corr_window as number;
      const parsed = parseReturnsCsv(csv, `${name}.input.csv`);
      const m = computeMetrics({
        dates: parsed.days,
        returns: parsed.strategy,
        ...(parsed.benchmark ? { benchmark: { dates: parsed.benchmark.days, returns: parsed.benchmark.returns } } : {}),
        ...(parsed.weight ? { weights: parsed.weight } : {}),
        rfAnnual,
        corrWindow,
      });
      const worst = { err: 0 };
      compare(JSON.parse(JSON.stringify(metricsToJson(m, parsed.days, { rfAnnual, corrWindow }))), expected, name, worst);
      expect(worst.err).toBeLessThanOrEqual(TOL);
    });
  }

  it('the CLI prints the same object (qe metrics … --rf 0.02 --corr-window 63)', async () => {
    const { expected } = load('aapl_sma_vs_spy');
    let out = '';
    let err = '';
    const code = await main(
      ['metrics', resolve(FIX, 'aapl_sma_vs_spy.input.csv'), '--rf', '0.02', '--corr-window', '63'],
      { out: (t) => (out += t), err: (t) => (err += t) },
    );
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out.endsWith('\n')).toBe(true);
    expect(out.trimEnd().includes('\n')).toBe(false); // one JSON object on one line
    compare(JSON.parse(out), expected, 'cli', { err: 0 });
  });

  it('the fixture benchmark is SPY close-to-close returns from the shared real data, bit for bit', () => {
    const spy = readFileSync(resolve(REAL, 'SPY.csv'), 'utf8').trim().split('\n');
    const header = spy[0].split(',');
    const iDate = header.indexOf('date');
    const iClose = header.indexOf('close');
    const byDate = new Map<string, number>();
    for (let i = 2; i < spy.length; i++) {
      const prev = Number(spy[i - 1].split(',')[iClose]);
      const f = spy[i].split(',');
      byDate.set(f[iDate], Number(f[iClose]) / prev - 1);
    }
    const rows = load('aapl_sma_vs_spy').csv.trim().split('\n').slice(1);
    expect(rows.length).toBeGreaterThan(4000);
    for (const row of rows) {
      const [date, , bench] = row.split(',');
      expect(Object.is(byDate.get(date), Number(bench)), date).toBe(true);
    }
  });
});
