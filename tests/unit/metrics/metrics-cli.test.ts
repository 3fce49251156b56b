/** `qe metrics`: the returns CSV parser's errors and the JSON the command prints. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { ReturnsCsvError, parseReturnsCsv } from '../../../src/engine/backtest/metrics-io';
import { day } from './helpers';

function csvError(text: string): ReturnsCsvError {
  try {
    parseReturnsCsv(text, 'r.csv');
  } catch (e) {
    expect(e).toBeInstanceOf(ReturnsCsvError);
    return e as ReturnsCsvError;
  }
  throw new Error('expected a ReturnsCsvError');
}

describe('parseReturnsCsv', () => {
  it('reads the columns, normalising headers, BOM, CRLF, quotes and blank lines', () => {
    const p = parseReturnsCsv(
      '\uFEFF Date , Strategy Ret,benchmark-ret,WEIGHT\r\n2024-01-02,0.01,"0.02",1\r\n\r\n2024-01-03,-1e-3,,0.5\r\n',
    );
    expect(Array.from(p.days)).toEqual([day('2024-01-02'), day('2024-01-03')]);
    expect(Array.from(p.strategy)).toEqual([0.01, -0.001]);
    // the empty benchmark cell means no benchmark bar on 2024-01-03
    expect(Array.from(p.benchmark!.days)).toEqual([day('2024-01-02')]);
    expect(Array.from(p.benchmark!.returns)).toEqual([0.02]);
    expect(Array.from(p.weight!)).toEqual([1, 0.5]);
  });
  it('optional columns are absent when the header lacks them', () => {
    const p = parseReturnsCsv('date,strategy_ret\n2024-01-02,0.01\n');
    expect(p.benchmark).toBeUndefined();
    expect(p.weight).toBeUndefined();
  });
  it('names the missing column', () => {
    const e = csvError('date,ret\n2024-01-02,0.01\n');
    expect(e.field).toBe('strategy_ret');
    expect(e.message).toMatch(/missing column "strategy_ret"/);
  });
  it('names line and field of a non-numeric value', () => {
    const e = csvError('date,strategy_ret,benchmark_ret\n2024-01-02,0.01,0.0\n2024-01-03,abc,0.0\n');
    expect(e.line).toBe(3);
    expect(e.field).toBe('strategy_ret');
    expect(e.message).toBe('r.csv line 3: strategy_ret "abc" is not a number');
  });
  it('rejects non-finite values, including NaN/inf spellings and overflow', () => {
    for (const v of ['NaN', 'inf', '-Infinity']) {
      const e = csvError(`date,strategy_ret,benchmark_ret\n2024-01-02,0.01,${v}\n`);
      expect(e.field).toBe('benchmark_ret');
      expect(e.line).toBe(2);
    }
    const o = csvError('date,strategy_ret,weight\n2024-01-02,0.01,1e999\n');
    expect(o.field).toBe('weight');
    expect(o.message).toMatch(/not finite/);
  });
  it('rejects an empty strategy_ret and an empty weight', () => {
    expect(csvError('date,strategy_ret\n2024-01-02,\n').message).toMatch(/line 2: strategy_ret is empty/);
    expect(csvError('date,strategy_ret,weight\n2024-01-02,0.1,\n').field).toBe('weight');
  });
  it('rejects unsorted and duplicate dates, naming both lines', () => {
    const u = csvError('date,strategy_ret\n2024-01-03,0\n2024-01-02,0\n');
    expect(u.line).toBe(3);
    expect(u.message).toMatch(/earlier than line 2/);
    const d = csvError('date,strategy_ret\n2024-01-02,0\n2024-01-03,0\n2024-01-03,0\n');
    expect(d.line).toBe(4);
    expect(d.message).toMatch(/duplicates line 3/);
  });
  it('rejects malformed dates and ragged rows', () => {
    expect(csvError('date,strategy_ret\n2024-02-30,0\n').message).toMatch(/not a calendar date/);
    expect(csvError('date,strategy_ret\n02/01/2024,0\n').message).toMatch(/not YYYY-MM-DD/);
    expect(csvError('date,strategy_ret\n2024-01-02,0,1\n').message).toMatch(/expected 2 fields, found 3/);
    expect(csvError('').message).toMatch(/empty/);
    expect(csvError('date,strategy_ret\n').message).toMatch(/no data rows/);
  });
});

describe('qe metrics', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qe-metrics-'));
  const run = async (args: string[]) => {
    let out = '';
    let err = '';
    const code = await main(['metrics', ...args], { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };

  it('prints one JSON object with every contract E field, nulls for undefined values', async () => {
    const f = join(dir, 'ok.csv');
    writeFileSync(f, 'date,strategy_ret\n2024-01-02,0.5\n2024-01-03,-0.5\n2024-01-04,0.25\n');
    const { code, out } = await run([f]);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    for (const k of [
      'total_return',
      'cagr',
      'ann_vol',
      'sharpe',
      'downside_dev_ann',
      'sortino',
      'max_drawdown',
      'max_dd_trough',
      'max_dd_peak',
      'max_dd_recovery',
      'calmar',
      'hit_rate',
      'turnover_total',
      'turnover_ann',
      'beta',
      'alpha_ann',
      'correlation',
      'tracking_error_ann',
      'information_ratio',
      'rolling_corr',
    ]) {
      expect(j, k).toHaveProperty(k);
    }
    // E = 1.5, 0.75, 0.9375 → total −0.0625; trough 01-03 from the 01-02 peak, not recovered
    expect(j.total_return).toBe(-0.0625);
    expect(j.max_drawdown).toBe(-0.5);
    expect([j.max_dd_peak, j.max_dd_trough, j.max_dd_recovery]).toEqual(['2024-01-02', '2024-01-03', null]);
    expect([j.turnover_total, j.turnover_ann, j.beta, j.rolling_corr]).toEqual([null, null, null, null]);
    expect(j.dates).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
  });

  it('rolling_corr is aligned with the dates, null where undefined', async () => {
    const f = join(dir, 'bench.csv');
    // rows 2–4 have a full window of 3; row 3 has no benchmark bar
    writeFileSync(
      f,
      'date,strategy_ret,benchmark_ret\n2024-01-02,0.5,0.25\n2024-01-03,-0.5,-0.25\n2024-01-04,0.25,0\n2024-01-05,1,\n2024-01-08,-0.25,-0.5\n',
    );
    const { code, out } = await run([f, '--corr-window', '3']);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.rolling_corr.length).toBe(5);
    expect(j.rolling_corr[0]).toBeNull();
    expect(j.rolling_corr[1]).toBeNull();
    expect(j.rolling_corr[2]).toBeCloseTo(Math.sqrt(12 / 13), 12);
    expect(j.rolling_corr[3]).toBeNull();
    expect(j.rolling_corr[4]).toBeCloseTo(Math.sqrt(3 / 7), 12);
    expect(j.n_benchmark_rows).toBe(4);
    expect(j.corr_window).toBe(3);
  });

  it('exits 1 with the line and field of bad data', async () => {
    const f = join(dir, 'bad.csv');
    writeFileSync(f, 'date,strategy_ret\n2024-01-02,0.1\n2024-01-03,x\n');
    const { code, err, out } = await run([f]);
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toBe('qe metrics: bad.csv line 3: strategy_ret "x" is not a number\n');
  });

  it('exits 2 on usage errors and 1 on an unreadable file', async () => {
    expect((await run([])).code).toBe(2);
    const rf = await run([join(dir, 'ok.csv'), '--rf', 'two']);
    expect(rf.code).toBe(2);
    expect(rf.err).toMatch(/--rf must be a finite number/);
    expect((await run([join(dir, 'ok.csv'), '--corr-window', '1.5'])).code).toBe(2);
    const missing = await run([join(dir, 'nope.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/cannot read .*nope\.csv/);
  });
});
