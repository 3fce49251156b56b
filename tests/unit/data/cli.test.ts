import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main';
import { diffJson, FIXTURES } from './helpers';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const ref = (name: string) => JSON.parse(readFileSync(join(FIXTURES, 'reference', `${name}.json`), 'utf8'));

describe('qe quality', () => {
  it('prints one JSON document equal to the reference', async () => {
    for (const name of ['MSFT_split.csv', 'messy_intraday.csv', 'messy_daily.csv']) {
      const r = await run(['quality', join(FIXTURES, name)]);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(diffJson(JSON.parse(r.out), ref(name).document)).toEqual([]);
    }
  });

  it('fails with exit code 1 and a message naming the file', async () => {
    const r = await run(['quality', join(FIXTURES, 'semicolon.csv')]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toBe(
      'qe quality: semicolon.csv: line 1: expected comma-separated columns; the header looks semicolon-separated\n',
    );
    const rag = await run(['quality', join(FIXTURES, 'ragged.csv')]);
    expect(rag.code).toBe(1);
    expect(rag.err).toContain('ragged.csv: row 2 (line 3): 3 fields, but the header has 4');
    const missing = await run(['quality', join(FIXTURES, 'does-not-exist.csv')]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read');
  });

  it('rejects a bad --timeframe as a usage error', async () => {
    const r = await run(['quality', join(FIXTURES, 'MSFT_split.csv'), '--timeframe', '2h']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--timeframe must be one of');
  });
});

describe('qe normalize', () => {
  it('prints C as CSV whose values equal the reference clean frame', async () => {
    for (const name of ['messy_daily.csv', 'messy_intraday.csv', 'variants_daily.csv']) {
      const r = await run(['normalize', join(FIXTURES, name)]);
      expect(r.code).toBe(0);
      const lines = r.out.trimEnd().split('\n');
      const intraday = name.includes('intraday');
      expect(lines[0]).toBe(
        intraday
          ? 'ticker,ts_utc,session_date,open,high,low,close,volume'
          : 'ticker,date,open,high,low,close,volume',
      );
      // the CSV writes whole seconds (contract format), the reference keeps milliseconds
      const expected = ref(name).clean_rows as Record<string, number[][]>;
      for (const rows of Object.values(expected)) for (const row of rows) row[0] = Math.floor(row[0] / 1000) * 1000;
      const got: Record<string, number[][]> = {};
      for (const line of lines.slice(1)) {
        const f = line.split(',');
        const ts = Date.parse(intraday ? f[1] : `${f[1]}T00:00:00Z`);
        if (!got[f[0]]) got[f[0]] = [];
        got[f[0]].push([ts, ...f.slice(intraday ? 3 : 2).map(Number)]);
        if (intraday) {
          // session date = New York date of the instant
          const ny = new Date(ts).toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
          expect(f[2]).toBe(ny);
        }
      }
      expect(got).toEqual(expected);
    }
  });

  it('writes numbers in shortest round-trip form, integers without ".0"', async () => {
    const r = await run(['normalize', join(FIXTURES, 'MSFT_split.csv')]);
    const first = r.out.split('\n')[1].split(',');
    expect(first[0]).toBe('MSFT');
    expect(first[1]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(first[6]).toMatch(/^\d+$/);
    for (const x of first.slice(2)) expect(String(Number(x))).toBe(x);
  });
});
