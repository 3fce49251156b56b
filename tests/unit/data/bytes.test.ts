/**
 * The byte path of the import (tokenizing, numbers and timestamps read straight from UTF-8
 * bytes) against the text path as an independent reference: decoding the bytes with a
 * streaming TextDecoder and tokenizing/parsing the text must give the same records, values,
 * row and line numbers, errors and messages. Also the one-pass quality checks against direct
 * day-by-day / bar-by-bar computations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvByteReader, CsvByteTokenizer, type CsvRecord, CsvTokenizer } from '../../../src/engine/data/csv';
import { ImportError } from '../../../src/engine/data/errors';
import { CsvImporter, type ImportResult, importCsvChunks, importCsvText } from '../../../src/engine/data/normalize';
import { parseNumberBytes, parseNumberRange } from '../../../src/engine/data/numbers';
import { qualityReports } from '../../../src/engine/data/quality';
import { newTimestampParts, parseTimestampBytes, parseTimestampRange } from '../../../src/engine/data/timestamps';

const enc = new TextEncoder();

interface Tokens {
  header: string[];
  rows: string[][];
  nums: number[][];
  lines: number[];
  rowNos: number[];
}

function chunksAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(bytes.subarray(prev, c));
    prev = c;
  }
  out.push(bytes.subarray(prev));
  return out;
}

function outcome(run: () => Tokens | ImportResult): unknown {
  try {
    return run();
  } catch (e) {
    if (e instanceof ImportError) return { code: e.code, message: e.message, row: e.row, line: e.line, field: e.field };
    throw e;
  }
}

/** Reference: streaming TextDecoder + the text tokenizer. */
function viaText(chunks: Uint8Array[], max?: number): Tokens {
  const t: Tokens = { header: [], rows: [], nums: [], lines: [], rowNos: [] };
  const tok = new CsvTokenizer(
    {
      header: (names) => {
        t.header = names;
      },
      row: (rec: CsvRecord) => {
        const r: string[] = [];
        const n: number[] = [];
        for (let i = 0; i < rec.count; i++) {
          r.push(rec.field(i));
          n.push(rec.escaped[i] === 1 ? Number.NaN : parseNumberRange(rec.text, rec.start[i], rec.end[i]));
        }
        t.rows.push(r);
        t.nums.push(n);
        t.lines.push(rec.line);
        t.rowNos.push(rec.row);
      },
    },
    'b.csv',
    max,
  );
  const reader = new CsvByteReader(tok);
  for (const c of chunks) reader.push(c);
  reader.end();
  return t;
}

function viaBytes(chunks: Uint8Array[], max?: number): Tokens {
  const t: Tokens = { header: [], rows: [], nums: [], lines: [], rowNos: [] };
  const tok = new CsvByteTokenizer(
    {
      header: (names) => {
        t.header = names;
      },
      byteRow: (rec) => {
        const r: string[] = [];
        const n: number[] = [];
        for (let i = 0; i < rec.count; i++) {
          r.push(rec.field(i));
          // the value read during the scan, else the full parse (what the importer does)
          const x = rec.num[i];
          n.push(rec.escaped[i] === 1 ? Number.NaN : Number.isNaN(x) ? parseNumberBytes(rec.bytes, rec.start[i], rec.end[i]) : x);
        }
        t.rows.push(r);
        t.nums.push(n);
        t.lines.push(rec.line);
        t.rowNos.push(rec.row);
      },
    },
    'b.csv',
    max,
  );
  for (const c of chunks) tok.push(c);
  tok.end();
  return t;
}

const cellText = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1.5', '007', '7.', '.5', '-2', '+3e2', ' 12 ', '123456789012345', '1234567890123456', '0.1', '') },
  { weight: 2, arbitrary: fc.double({ noNaN: true }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('é', '日本', '€', '\ufeff', '\ufffd', 'AAPL', '2020-01-02') },
  { weight: 2, arbitrary: fc.constantFrom('"', '""', ',', '\n', '\r\n', '\r', 'a"b', '"x,y"', '"q""q"', ';', '\t', '|') },
  { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
);

describe('CsvByteTokenizer = TextDecoder + CsvTokenizer', () => {
  it('property: same header, fields, numbers, rows, lines and errors for any text and any byte cuts', () => {
    fc.assert(
      fc.property(fc.nat(2), fc.array(cellText, { maxLength: 40 }), fc.array(fc.nat(120), { maxLength: 5 }), (boms, parts, cuts) => {
        const bytes = enc.encode('\ufeff'.repeat(boms) + parts.join(''));
        const chunks = chunksAt(bytes, cuts);
        expect(outcome(() => viaBytes(chunks))).toEqual(outcome(() => viaText(chunks)));
      }),
      { numRuns: 1500 },
    );
  });

  it('property: arbitrary bytes (invalid UTF-8, stray BOM bytes) behind a header', () => {
    const prefix = fc.constantFrom('', 'a,b\n', 'date,close\n', '\ufeffa,b\n', '\ufeff\ufeffa,b\n');
    fc.assert(
      fc.property(prefix, fc.uint8Array({ maxLength: 120 }), fc.array(fc.nat(140), { maxLength: 4 }), (pre, raw, cuts) => {
        const head = enc.encode(pre);
        const bytes = new Uint8Array(head.length + raw.length);
        bytes.set(head);
        bytes.set(raw, head.length);
        const chunks = chunksAt(bytes, cuts);
        expect(outcome(() => viaBytes(chunks))).toEqual(outcome(() => viaText(chunks)));
      }),
      { numRuns: 1500 },
    );
  });

  it('drops one or two leading BOMs even when split byte by byte, not a third', () => {
    const bytes = enc.encode('\ufeff\ufeff\ufeffa,b\n1,2\n');
    const single = Array.from(bytes, (_, i) => bytes.subarray(i, i + 1));
    const t = viaBytes(single);
    expect(t.header).toEqual(['\ufeffa', 'b']);
    expect(t).toEqual(viaText(single));
  });

  it('limits records by UTF-16 characters, not bytes', () => {
    const longChars = (s: string) => () => {
      const tok = new CsvByteTokenizer({ header: () => undefined, byteRow: () => undefined }, 'big.csv', 100);
      tok.push(enc.encode('a,b\n'));
      tok.push(enc.encode(`"${s}`));
      tok.push(enc.encode(s));
    };
    // 2 × 40 'é' = 80 characters but 160 bytes: still within the limit
    expect(longChars('é'.repeat(40))).not.toThrow();
    expect(longChars('x'.repeat(60))).toThrow(/big\.csv: row 1 \(line 2\): a record longer than 100 characters/);
  });

  it('reads plain decimals during the scan exactly as the full parse does', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, max: 1e15, noNaN: true }).map(String),
          fc.bigInt({ min: 0n, max: 10n ** 20n }).map(String),
          fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}.${String(b).padStart(9, '0')}`),
        ),
        (s) => {
          const t = viaBytes([enc.encode(`x\n${s}\n`)]);
          expect(Object.is(t.nums[0][0], Number(s))).toBe(true);
        },
      ),
    );
  });
});

describe('numbers and timestamps from bytes', () => {
  const ascii = fc.string({ unit: fc.constantFrom(...'0123456789+-.eE :TZ \t'.split('')), maxLength: 30 });
  const any = fc.oneof(ascii, fc.string({ maxLength: 12 }), fc.constantFrom('2020-02-29', '2021-02-29', '2020-01-03T10:00:00.123456789-05:30', '1e400', '-0'));

  it('parseNumberBytes = parseNumberRange on the decoded text', () => {
    fc.assert(
      fc.property(any, (s) => {
        const b = enc.encode(`,${s},`);
        expect(Object.is(parseNumberBytes(b, 1, b.length - 1), parseNumberRange(`,${s},`, 1, s.length + 1))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseTimestampBytes = parseTimestampRange on the decoded text', () => {
    const stamp = fc
      .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.constantFrom('', 'T10:00', ' 23:59:59', 'T09:30:00.5Z', 'T00:00+05:30', 'T12:00:00-0400', 'T25:00', 'T10:00:00.'), fc.constantFrom('', ' ', '\t', 'x'))
      .map(([y, m, d, t, pad]) => `${pad}${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}${t}${pad}`);
    fc.assert(
      fc.property(fc.oneof(stamp, any), (s) => {
        const a = newTimestampParts();
        const b = newTimestampParts();
        const bytes = enc.encode(s);
        const okText = parseTimestampRange(s, 0, s.length, a);
        expect(parseTimestampBytes(bytes, 0, bytes.length, b)).toBe(okText);
        if (okText) expect(b).toEqual(a);
      }),
      { numRuns: 3000 },
    );
  });
});

/** JSON-comparable form of an import and its quality reports (typed arrays as arrays, NaN as a string). */
function snapshot(r: ImportResult): unknown {
  const q = qualityReports(r);
  return JSON.parse(
    JSON.stringify({ r, q }, (_k, v) =>
      ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isNaN(x) ? 'NaN' : x)) : v,
    ),
  );
}

describe('importer: bytes = decoded text', () => {
  const day = fc.integer({ min: 0, max: 40 }).map((d) => {
    const t = new Date(Date.UTC(2024, 0, 1 + d));
    return t.toISOString().slice(0, 10);
  });
  const num = fc.oneof(fc.integer({ min: 0, max: 50_000 }).map((x) => String(x / 100)), fc.constantFrom('', 'NaN', '0', '-1', '1e2', ' 7 ', '"12.5"', '1234567890123456789'));
  const row = fc.tuple(fc.constantFrom('A', 'b', 'Cc', '"A"', 'é'), day, fc.constantFrom('', 'T10:00', 'T15:30:00Z', ' 09:30'), num, num, num, num, num, num);
  const file = fc
    .tuple(fc.constantFrom('ticker,date,open,high,low,close,adj close,volume', 'ticker,date,o,h,l,c,x,v'), fc.array(row, { maxLength: 40 }), fc.constantFrom('\n', '\r\n'))
    .map(([h, rows, nl]) => `${h}${nl}${rows.map(([t, d, tm, ...v]) => [t, d + tm, ...v].join(',')).join(nl)}${nl}`);

  it('property: the same frames, quality reports and errors, whatever the chunking and size hint', async () => {
    await fc.assert(
      fc.asyncProperty(file, fc.array(fc.nat(3000), { maxLength: 4 }), fc.nat(5000), async (text, cuts, hint) => {
        const bytes = enc.encode(text);
        const ref = outcome(() => {
          const viaText = new CsvImporter({ file: 'f.csv' });
          viaText.pushText(text);
          return snapshot(viaText.finish()) as ImportResult;
        });
        let got: unknown;
        try {
          got = snapshot(await importCsvChunks(chunksAt(bytes, cuts), { file: 'f.csv', totalBytes: hint }));
        } catch (e) {
          if (!(e instanceof ImportError)) throw e;
          got = { code: e.code, message: e.message, row: e.row, line: e.line, field: e.field };
        }
        expect(got).toEqual(ref);
      }),
      { numRuns: 300 },
    );
  });

  it('importCsvText (bytes when the text round-trips) = the text path, surrogates and double BOMs included', () => {
    const weird = fc.constantFrom('\ud800', '\udc00x', '😀', '\ufeff\ufeff', '\ufeff', '');
    fc.assert(
      fc.property(file, weird, fc.nat(200), (text, w, at) => {
        const t = text.slice(0, at) + w + text.slice(at);
        for (const input of [t, w + t]) {
          const viaText = new CsvImporter({ file: 'f.csv' });
          const ref = outcome(() => {
            viaText.pushText(input);
            return snapshot(viaText.finish()) as ImportResult;
          });
          expect(outcome(() => snapshot(importCsvText(input, { file: 'f.csv' })) as ImportResult)).toEqual(ref);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('presized columns still grow past the size hint and for later tickers', () => {
    const lines = ['ticker,date,open,high,low,close,volume'];
    for (let i = 0; i < 9000; i++) lines.push(`${i < 5000 ? 'A' : 'B'},${new Date(Date.UTC(1990, 0, 1 + i)).toISOString().slice(0, 10)},1,1,1,${i + 1},1`);
    const bytes = enc.encode(`${lines.join('\n')}\n`);
    const imp = new CsvImporter({ file: 'x.csv', totalBytes: 100 });
    imp.pushBytes(bytes);
    const r = imp.finish();
    expect(r.tickers.map((t) => t.bars.close.length)).toEqual([5000, 4000]);
    expect(r.tickers[1].bars.close[3999]).toBe(9000);
  });

  it('refuses mixing text and bytes in one importer', () => {
    const imp = new CsvImporter({ file: 'x.csv' });
    imp.pushBytes(enc.encode('date,close\n'));
    expect(() => imp.pushText('2020-01-02,1\n')).toThrow(/pushText after pushBytes/);
  });
});

describe('one-pass quality checks = direct computations', () => {
  const DAY = 86_400_000;
  const weekday = (d: number) => (((d + 4) % 7) + 7) % 7;
  const fmt = (d: number) => new Date(d * DAY).toISOString().slice(0, 10);

  it('property: calendar counts, dates and gap runs match a day-by-day walk (daily and intraday)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 19_000, max: 19_120 }), { minLength: 1, maxLength: 60 }), fc.boolean(), (daysIn, intraday) => {
        const days = daysIn.slice().sort((a, b) => a - b);
        const lines = ['date,open,high,low,close,volume'];
        for (const d of days) {
          // intraday: two bars per session, 10:00 and 11:00 New York
          if (intraday) for (const h of ['10:00', '11:00']) lines.push(`${fmt(d)}T${h}-05:00,1,1,1,1,1`);
          else lines.push(`${fmt(d)},1,1,1,1,1`);
        }
        const { reports, details } = qualityReports(importCsvText(`${lines.join('\n')}\n`, { file: 'A.csv' }));
        // reference: every calendar day from the first to the last session
        const present = new Set(days);
        let expected = 0;
        const missing: string[] = [];
        const weekend: string[] = [];
        const runs: { start: string; end: string; weekdays: number }[] = [];
        let run: number[] = [];
        const close = () => {
          if (run.length >= 3) runs.push({ start: fmt(run[0]), end: fmt(run[run.length - 1]), weekdays: run.length });
          run = [];
        };
        for (let d = days[0]; d <= days[days.length - 1]; d++) {
          const w = weekday(d);
          if (w === 0 || w === 6) {
            if (present.has(d)) weekend.push(fmt(d));
            continue;
          }
          expected++;
          if (present.has(d)) close();
          else {
            missing.push(fmt(d));
            run.push(d);
          }
        }
        close();
        expect(reports[0].expected_weekdays).toBe(expected);
        expect(details[0].dates.missing_weekdays).toEqual(missing);
        expect(details[0].dates.weekend_dates).toEqual(weekend);
        expect(reports[0].gap_runs).toEqual(runs);
      }),
      { numRuns: 300 },
    );
  });

  it('property: splits, stale runs and missing values match bar-by-bar loops', () => {
    const price = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('10', '10', '10', '5', '20') }, { weight: 1, arbitrary: fc.constantFrom('', '0', '7.5') });
    fc.assert(
      fc.property(fc.array(fc.tuple(price, price), { minLength: 1, maxLength: 80 }), (bars) => {
        const lines = ['date,open,high,low,close,volume'];
        for (let i = 0; i < bars.length; i++) {
          const [o, c] = bars[i];
          lines.push(`${fmt(19_000 + i)},${o},30,1,${c},${o === '' ? '' : '5'}`);
        }
        const { reports, details } = qualityReports(importCsvText(`${lines.join('\n')}\n`, { file: 'A.csv' }));
        const q = reports[0];
        const d = details[0];
        // C: rows with every value present and positive
        const clean = bars.map(([o, c], i) => ({ i, o: Number(o || Number.NaN), c: Number(c || Number.NaN) })).filter((b) => b.o > 0 && b.c > 0);
        const splitRows: number[] = [];
        for (let j = 1; j < clean.length; j++) if (Math.abs(clean[j].c / clean[j - 1].c - 1) > 0.4) splitRows.push(clean[j].i);
        const staleRows: number[] = [];
        let runs = 0;
        for (let j = 0; j < clean.length; ) {
          let k = j + 1;
          while (k < clean.length && clean[k].c === clean[j].c) k++;
          if (k - j >= 5) {
            runs++;
            for (let x = j; x < k; x++) staleRows.push(clean[x].i);
          }
          j = k;
        }
        expect(Array.from(d.rows.suspected_splits)).toEqual(splitRows);
        expect(q.suspected_splits.length).toBe(splitRows.length);
        expect(Array.from(d.rows.stale_runs)).toEqual(staleRows);
        expect(q.stale_runs.length).toBe(runs);
        const missingOpen = bars.flatMap(([o], i) => (o === '' ? [i] : []));
        expect(Array.from(d.rows.missing_values.open)).toEqual(missingOpen);
        expect(Array.from(d.rows.missing_values.volume)).toEqual(missingOpen);
        expect(q.missing_values.close).toBe(bars.filter(([, c]) => c === '').length);
      }),
      { numRuns: 300 },
    );
  });
});
