/**
 * The engine against the independent pandas reference (tests/reference/data/quality_ref.py):
 * every real file of ../shared/data/real and the crafted messy files of tests/fixtures/data.
 * Reports must be equal (counts and dates exact, floats within 1e-9), C bit-identical.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/engine/data/errors';
import { importCsvText } from '../../../src/engine/data/normalize';
import { qualityDocument, qualityReports } from '../../../src/engine/data/quality';
import { barsDigest, diffJson, FIXTURES, REAL } from './helpers';

interface RefOutput {
  error?: string;
  document?: unknown;
  clean?: Record<string, { rows: number; sha256: string }>;
  clean_rows?: Record<string, (number | null)[][]>;
}

function realPath(name: string): string {
  if (name === 'SPY_crsp_84398.csv') return join(REAL, 'daily', name);
  if (name.startsWith('bars_')) return join(REAL, 'intraday', name);
  return join(REAL, 'daily', 'csv', name);
}

function check(input: string, ref: RefOutput) {
  const name = input.slice(input.lastIndexOf('/') + 1);
  const text = readFileSync(input, 'utf8');
  if (ref.error) {
    let err: unknown;
    try {
      importCsvText(text, { file: name });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).code).toBe(ref.error);
    expect((err as ImportError).message.startsWith(`${name}: `)).toBe(true);
    return;
  }
  const result = importCsvText(text, { file: name });
  const { reports } = qualityReports(result);
  const doc = JSON.parse(JSON.stringify(qualityDocument(result, reports)));
  expect(diffJson(doc, ref.document)).toEqual([]);
  for (const f of result.tickers) {
    const c = ref.clean?.[f.ticker];
    expect(c, f.ticker).toBeDefined();
    expect(f.bars.ts.length).toBe(c!.rows);
    expect(barsDigest(f.bars), `${name} ${f.ticker} C digest`).toBe(c!.sha256);
    const rows = ref.clean_rows?.[f.ticker];
    if (rows) {
      const got = Array.from(f.bars.ts, (t, i) => [t, f.bars.open[i], f.bars.high[i], f.bars.low[i], f.bars.close[i], f.bars.volume[i]]);
      expect(got).toEqual(rows);
    }
  }
  expect(Object.keys(ref.clean ?? {}).sort()).toEqual(result.tickers.map((t) => t.ticker));
}

describe('reference: crafted files', () => {
  const dir = join(FIXTURES, 'reference');
  const names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('has a reference for every crafted input', () => {
    const inputs = readdirSync(FIXTURES).filter((f) => f.endsWith('.csv'));
    expect(names.map((n) => n.replace(/\.json$/, '')).sort()).toEqual(inputs.sort());
  });
  for (const n of names) {
    it(n.replace(/\.json$/, ''), () => {
      const ref = JSON.parse(readFileSync(join(dir, n), 'utf8')) as RefOutput;
      check(join(FIXTURES, n.replace(/\.json$/, '')), ref);
    });
  }
});

describe('reference: real files', () => {
  const dir = join(FIXTURES, 'reference', 'real');
  const names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  it('covers all 31 daily files, the CRSP SPY file and the intraday file', () => {
    expect(names.length).toBe(33);
  });
  for (const n of names) {
    it(n.replace(/\.json$/, ''), () => {
      const ref = JSON.parse(readFileSync(join(dir, n), 'utf8')) as RefOutput;
      check(realPath(n.replace(/\.json$/, '')), ref);
    });
  }
});
