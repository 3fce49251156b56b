import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { parseBarsCsv } from '../../../src/cli/read-bars';
import { CORE_FEATURE_NAMES, computeCoreFeatures } from '../../../src/engine/features/registry';
import { REAL_DAILY } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'qe-features-'));

/** Two tickers, written out of order, with a duplicate date (the later row wins) and a bad row. */
function writeMulti(): string {
  const lines = ['ticker,date,open,high,low,close,volume'];
  const day = (i: number) => new Date(Date.UTC(2021, 0, 4) + i * 86_400_000).toISOString().slice(0, 10);
  for (let i = 29; i >= 0; i--) lines.push(`ZZZ,${day(i)},${10 + i},${11 + i},${9 + i},${10.5 + i},${1000 + i}`);
  for (let i = 0; i < 30; i++) lines.push(`AAA,${day(i)},${20 + i * 0.5},${21 + i},${19},${20 + Math.sin(i)},${500 + 7 * i}`);
  lines.push(`AAA,${day(3)},1,2,0.5,1.5,10`); // correction of day 3
  lines.push(`AAA,${day(40)},1,2,0.5,-1,10`); // non-positive close → removed
  const f = join(dir, 'multi.csv');
  writeFileSync(f, `${lines.join('\n')}\n`);
  return f;
}

describe('qe features', () => {
  it('writes date + the 24 core features, NaN as empty, shortest round-trip numbers', async () => {
    const file = resolve(REAL_DAILY, 'JPM.csv');
    const { code, out } = await run(['features', file, '--benchmark', resolve(REAL_DAILY, 'SPY.csv')]);
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe(`date,${CORE_FEATURE_NAMES.join(',')}`);
    const bars = parseBarsCsv(readFileSync(file, 'utf8'), file).tickers[0].bars;
    const spy = parseBarsCsv(readFileSync(resolve(REAL_DAILY, 'SPY.csv'), 'utf8'), 'SPY.csv').tickers[0].bars;
    expect(lines.length - 1).toBe(bars.ts.length);
    const { columns } = computeCoreFeatures(bars, spy);
    for (const t of [0, 1, 19, 33, 251, 1000, bars.ts.length - 1]) {
      const cells = lines[t + 1].split(',');
      expect(cells[0]).toBe(new Date(bars.ts[t]).toISOString().slice(0, 10));
      cells.slice(1).forEach((c, j) => {
        const v = columns[j][t];
        expect(c).toBe(Number.isNaN(v) ? '' : String(v));
        if (c !== '') expect(Number(c)).toBe(v); // round-trips exactly
      });
    }
    expect(lines[1].split(',').slice(1).every((c) => c === '')).toBe(true);
  });

  it('multi-ticker input: ticker column first, tickers ascending, clean frame per ticker', async () => {
    const file = writeMulti();
    const outFile = join(dir, 'out', 'features.csv');
    const { code, out } = await run(['features', file, '--out', outFile]);
    expect(code).toBe(0);
    expect(out).toBe('');
    const lines = readFileSync(outFile, 'utf8').trimEnd().split('\n');
    expect(lines[0].startsWith('ticker,date,ret_1,')).toBe(true);
    expect(lines.length).toBe(1 + 30 + 30);
    expect(lines.slice(1, 31).every((l) => l.startsWith('AAA,'))).toBe(true);
    expect(lines.slice(31).every((l) => l.startsWith('ZZZ,'))).toBe(true);
    // ZZZ was written newest-first: its output is ascending by date.
    const zDates = lines.slice(31).map((l) => l.split(',')[1]);
    expect([...zDates].sort()).toEqual(zDates);
    // AAA day 3 was corrected (close 1.5): ret_1 on day 3 = 1.5 / close(day 2) − 1.
    const c2 = 20 + Math.sin(2);
    expect(Number(lines[4].split(',')[2])).toBe(1.5 / c2 - 1);
  });

  it('rejects a benchmark file with several tickers and unknown options', async () => {
    const file = writeMulti();
    const r = await run(['features', resolve(REAL_DAILY, 'JPM.csv'), '--benchmark', file]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exactly one ticker/);
    expect((await run(['features', file, '--bogus', '1'])).code).toBe(2);
    const missing = await run(['features', join(dir, 'missing.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/missing\.csv/);
  });
});

describe('qe regime', () => {
  it('prints the contract-C document for the default HMM', async () => {
    const outFile = join(dir, 'regime.json');
    const { code } = await run(['regime', resolve(REAL_DAILY, 'JPM.csv'), '--states', '3', '--out', outFile]);
    expect(code).toBe(0);
    const doc = JSON.parse(readFileSync(outFile, 'utf8'));
    expect(Object.keys(doc)).toEqual([
      'method', 'features', 'states', 'covariance', 'loglik', 'iterations', 'converged', 'startprob',
      'transmat', 'means', 'variances', 'dates', 'filtered', 'smoothed', 'viterbi',
    ]);
    expect(doc.method).toBe('hmm');
    expect(doc.features).toEqual(['logret_1', 'vol_20']);
    expect(doc.states).toBe(3);
    expect(doc.covariance).toBe('diagonal');
    expect(doc.transmat).toHaveLength(3);
    expect(doc.means[0]).toHaveLength(2);
    const T = doc.dates.length;
    expect(T).toBe(5032 - 20); // vol_20 starts at row 20
    expect(doc.dates[0]).toBe('2006-03-21');
    expect(doc.filtered).toHaveLength(T);
    expect(doc.smoothed).toHaveLength(T);
    expect(doc.viterbi).toHaveLength(T);
    // means are in ascending order of the first feature (relabelling)
    expect(doc.means[0][0]).toBeLessThanOrEqual(doc.means[1][0]);
    expect(doc.means[1][0]).toBeLessThanOrEqual(doc.means[2][0]);
  });

  it('rejects unknown methods, bad state counts, unknown features and ambiguous tickers', async () => {
    const spy = resolve(REAL_DAILY, 'SPY.csv');
    const bad = await run(['regime', spy, '--method', 'bogus']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/"bogus" is unknown; supported: hmm, jump, rules, consensus/);
    expect((await run(['regime', spy, '--states', '1'])).err).toMatch(/--states must be an integer from 2 to 20/);
    expect((await run(['regime', spy, '--features', 'logret_1,nope'])).err).toMatch(/unknown feature "nope"/);
    expect((await run(['regime', spy, '--features', 'beta_60'])).err).toMatch(/beta_60 needs --benchmark/);
    const multi = writeMulti();
    const amb = await run(['regime', multi]);
    expect(amb.code).toBe(2);
    expect(amb.err).toMatch(/2 tickers \(AAA, ZZZ\); choose one with --ticker/);
    const few = await run(['regime', multi, '--ticker', 'zzz']);
    expect(few.code).toBe(0);
  });
});
