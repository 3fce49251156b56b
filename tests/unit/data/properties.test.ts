/**
 * Property tests of the import path: malformed input only ever raises a typed ImportError,
 * normalising is idempotent, and row order (without duplicates) does not change C.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ImportError } from '../../../src/engine/data/errors';
import { cleanCsv } from '../../../src/engine/data/format';
import { type ImportResult, importCsvChunks, importCsvText } from '../../../src/engine/data/normalize';
import { qualityReports } from '../../../src/engine/data/quality';

const HEADERS = [
  'ticker,date,open,high,low,close,volume',
  'Symbol,Datetime,Open,High,Low,Close,Adj Close,Volume',
  'ts_utc,c,v',
  'date,close',
  'timestamp;close',
  'ticker,date,close,"quoted, header"',
];

const value = fc.constantFrom(
  '2020-01-02',
  '2020-01-03T10:00',
  '2020-01-03T10:00:00Z',
  '2020-01-03 10:00:00-05:00',
  '2020-01-03T10:00+0530',
  '2020-03-08T02:30',
  '2020-11-01 01:30',
  '2020-02-30',
  '2020-13-01',
  '1.5',
  '-2',
  '0',
  '1e308',
  '1e999',
  'NaN',
  'inf',
  '-Infinity',
  'abc',
  '',
  ' ',
  '""',
  '"a,b"',
  '"x""y"',
  'AAPL',
  'msft',
  '\u0000',
  '\ufffd',
);
// structural damage (stray quotes, separators, bad tickers) is rarer so that many files import
const damage = fc.oneof(fc.constantFrom('"', 'a"b', 'A|B', ',', '\n'), fc.string({ maxLength: 8 }));
const plain = fc.string({ maxLength: 8 }).filter((t) => !/[",\r\n]/.test(t));
const cell = fc.oneof(
  { weight: 12, arbitrary: value },
  { weight: 3, arbitrary: plain },
  { weight: 3, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: damage },
);

const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
/** Mostly rows of the header's width (so many files import), some truncated or too long. */
const rowFor = (width: number) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.array(cell, { minLength: width, maxLength: width }) },
    { weight: 1, arbitrary: fc.array(cell, { minLength: 0, maxLength: width + 2 }) },
  );
const csvText = fc
  .tuple(fc.constantFrom(...HEADERS), fc.boolean())
  .chain(([h, bom]) =>
    fc
      .array(fc.tuple(rowFor(h.split(',').length), lineEnd), { maxLength: 25 })
      .map((rows) => `${bom ? '\ufeff' : ''}${h}\n${rows.map(([r, e]) => r.join(',') + e).join('')}`),
  );

function attempt(run: () => ImportResult): ImportResult | ImportError {
  try {
    return run();
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
}

function checkOutcome(out: ImportResult | ImportError, file: string) {
  if (out instanceof ImportError) {
    expect(out.message.startsWith(`${file}: `)).toBe(true);
    expect(out.message.length).toBeGreaterThan(file.length + 10);
    return;
  }
  const { reports } = qualityReports(out);
  expect(reports.map((r) => r.ticker)).toEqual(out.tickers.map((t) => t.ticker));
  for (const r of reports) {
    expect(r.rows_clean).toBeLessThanOrEqual(r.rows - r.duplicate_timestamps);
    expect(['pass', 'warn', 'fail']).toContain(r.status);
    expect(() => JSON.stringify(r)).not.toThrow();
  }
  for (const t of out.tickers) {
    const b = t.bars;
    for (let i = 0; i < b.ts.length; i++) {
      expect(b.open[i] > 0 && b.high[i] > 0 && b.low[i] > 0 && b.close[i] > 0 && b.volume[i] >= 0).toBe(true);
      if (i > 0) expect(b.ts[i]).toBeGreaterThan(b.ts[i - 1]);
    }
  }
}

describe('malformed input', () => {
  it('random CSV-like text: a result or an ImportError naming the file, nothing else', () => {
    fc.assert(
      fc.property(csvText, (text) => {
        checkOutcome(
          attempt(() => importCsvText(text, { file: 'rand_1.csv' })),
          'rand_1.csv',
        );
      }),
      { numRuns: 400 },
    );
  });

  it('binary garbage and empty input through the byte stream', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.nat(300), async (bytes, cut) => {
        let out: ImportResult | ImportError;
        try {
          out = await importCsvChunks([bytes.subarray(0, cut), bytes.subarray(cut)], { file: 'bin.csv' });
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
          out = e;
        }
        checkOutcome(out, 'bin.csv');
      }),
      { numRuns: 200 },
    );
    await expect(importCsvChunks([], { file: 'empty.csv' })).rejects.toThrow('empty.csv: empty file (no header row)');
  });

  it('byte chunks at random cut points give the same result as the whole text', async () => {
    await fc.assert(
      fc.asyncProperty(csvText, fc.array(fc.nat(400), { maxLength: 5 }), async (text, cuts) => {
        const bytes = new TextEncoder().encode(text);
        const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const c of at) {
          chunks.push(bytes.subarray(prev, c));
          prev = c;
        }
        chunks.push(bytes.subarray(prev));
        const whole = attempt(() => importCsvText(text, { file: 'c.csv' }));
        let split: ImportResult | ImportError;
        try {
          split = await importCsvChunks(chunks, { file: 'c.csv' });
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
          split = e;
        }
        if (whole instanceof ImportError) {
          expect(split).toBeInstanceOf(ImportError);
          expect((split as ImportError).code).toBe(whole.code);
        } else {
          expect(split).not.toBeInstanceOf(ImportError);
          expect(cleanCsv((split as ImportResult).tickers, whole.kind)).toBe(cleanCsv(whole.tickers, whole.kind));
        }
      }),
      { numRuns: 200 },
    );
  });
});

// Well-formed files with messy content: several tickers, unsorted, duplicates, missing values.
const price = fc.oneof(
  fc.integer({ min: 1, max: 50_000 }).map((x) => String(x / 100)),
  fc.constantFrom('', 'NaN', '0', '-1', '1e2', '7.'),
);
const intradayTimes = ['09:30', '10:00', '11:00', '12:00', '13:00', '14:00', '15:00'];

interface Spec {
  ticker: string;
  day: number;
  slot: number;
  o: string;
  h: string;
  l: string;
  c: string;
  v: string;
}

const spec = fc.record({
  ticker: fc.constantFrom('A', 'b', 'Cc'),
  day: fc.integer({ min: 0, max: 400 }),
  slot: fc.integer({ min: 0, max: 6 }),
  o: price,
  h: price,
  l: price,
  c: price,
  v: fc.oneof(fc.integer({ min: 0, max: 1e6 }).map(String), fc.constantFrom('', '-5', '2.5e3')),
});

function render(rows: Spec[], intraday: boolean): string {
  const lines = ['ticker,date,open,high,low,close,volume'];
  for (const r of rows) {
    const d = new Date(Date.UTC(2006, 0, 2) + r.day * 86_400_000 * (intraday ? 1 : 7)).toISOString().slice(0, 10);
    const when = intraday ? `${d} ${intradayTimes[r.slot]}` : d;
    lines.push(`${r.ticker},${when},${r.o},${r.h},${r.l},${r.c},${r.v}`);
  }
  return lines.join('\n');
}

describe('normalisation', () => {
  it('is idempotent: normalising the clean CSV again gives the same clean CSV', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 60 }), fc.boolean(), (rows, intraday) => {
        const first = importCsvText(render(rows, intraday), { file: 'x.csv' });
        const csv1 = cleanCsv(first.tickers, first.kind);
        if (first.tickers.every((t) => t.bars.ts.length === 0)) return;
        const second = importCsvText(csv1, { file: 'x.csv' });
        expect(second.kind).toBe(first.kind);
        expect(cleanCsv(second.tickers, second.kind)).toBe(csv1);
        for (let k = 0; k < first.tickers.length; k++) {
          const a = first.tickers[k];
          const b = second.tickers.find((t) => t.ticker === a.ticker);
          if (a.bars.ts.length === 0) continue;
          expect(b?.bars).toEqual(a.bars);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('permuting the rows of a file without duplicate timestamps gives the same C', () => {
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 60 }), fc.boolean(), fc.infiniteStream(fc.nat()), (raw, intraday, rnd) => {
        // a daily file ignores the slot, so uniqueness is per day there
        const seen = new Set<string>();
        const rows = raw.filter((r) => {
          const key = `${r.ticker.toUpperCase()}|${r.day}|${intraday ? r.slot : 0}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
        const shuffled = rows.slice();
        const it = rnd[Symbol.iterator]();
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = (it.next().value as number) % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
        }
        const a = importCsvText(render(rows, intraday), { file: 'x.csv' });
        const b = importCsvText(render(shuffled, intraday), { file: 'x.csv' });
        expect(b.tickers.map((t) => t.ticker)).toEqual(a.tickers.map((t) => t.ticker));
        for (let k = 0; k < a.tickers.length; k++) {
          expect(b.tickers[k].bars).toEqual(a.tickers[k].bars);
          expect(b.tickers[k].sessionDays).toEqual(a.tickers[k].sessionDays);
        }
        // the report differs only in file-order checks
        const ra = qualityReports(a).reports.map(({ non_monotonic_steps, issues, status, ...rest }) => rest);
        const rb = qualityReports(b).reports.map(({ non_monotonic_steps, issues, status, ...rest }) => rest);
        expect(rb).toEqual(ra);
      }),
      { numRuns: 200 },
    );
  });
});
