import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvByteReader, type CsvSink, CsvTokenizer, parseCsv } from '../../../src/engine/data/csv';
import { ImportError } from '../../../src/engine/data/errors';

function records(chunks: string[]): { header: string[]; rows: string[][]; lines: number[] } {
  let header: string[] = [];
  const rows: string[][] = [];
  const lines: number[] = [];
  const sink: CsvSink = {
    header(names) {
      header = names;
    },
    row(rec) {
      const r: string[] = [];
      for (let i = 0; i < rec.count; i++) r.push(rec.field(i));
      rows.push(r);
      lines.push(rec.line);
    },
  };
  const tok = new CsvTokenizer(sink, 'x.csv');
  for (const c of chunks) tok.push(c);
  tok.end();
  return { header, rows, lines };
}

function err(text: string): ImportError {
  try {
    parseCsv(text, 'file.csv');
  } catch (e) {
    if (e instanceof ImportError) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('CsvTokenizer', () => {
  it('reads quoted fields with doubled quotes, commas and line breaks inside', () => {
    const text = 'a,b,c\n1,"x,y","say ""hi"""\n2,"multi\nline",\n';
    const { header, rows, lines } = records([text]);
    expect(header).toEqual(['a', 'b', 'c']);
    expect(rows).toEqual([
      ['1', 'x,y', 'say "hi"'],
      ['2', 'multi\nline', ''],
    ]);
    expect(lines).toEqual([2, 3]);
  });

  it('accepts CRLF, LF and lone CR line ends, a BOM, blank lines and no final newline', () => {
    const text = '\ufeffa,b\r\n1,2\r\n\r\n3,4\r5,6\n\n7,8';
    const { header, rows } = records([text]);
    expect(header).toEqual(['a', 'b']);
    expect(rows).toEqual([
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
      ['7', '8'],
    ]);
  });

  it('keeps an empty quoted field and a quoted empty line', () => {
    const { rows } = records(['a\n""\nx\n']);
    expect(rows).toEqual([[''], ['x']]);
  });

  it('gives the same records for every split of the text into two or three chunks', () => {
    const text = '\ufeffh1,h2,h3\r\n"a ""q""",b,c\r\n"line\r\nbreak",,z\r\n1,2,3';
    const whole = records([text]);
    for (let i = 0; i <= text.length; i++) {
      expect(records([text.slice(0, i), text.slice(i)])).toEqual(whole);
      for (let j = i; j <= text.length; j += 3) {
        expect(records([text.slice(0, i), text.slice(i, j), text.slice(j)])).toEqual(whole);
      }
    }
  });

  it('decodes UTF-8 byte chunks split inside a multi-byte character', () => {
    const text = 'ticker,name\nA,Société Générale €\nB,日本\n';
    const bytes = new TextEncoder().encode(`\ufeff${text}`);
    const whole = records([text]);
    for (let i = 0; i <= bytes.length; i++) {
      let header: string[] = [];
      const rows: string[][] = [];
      const tok = new CsvTokenizer(
        {
          header: (n) => {
            header = n;
          },
          row: (r) => rows.push([r.field(0), r.field(1)]),
        },
        'x.csv',
      );
      const reader = new CsvByteReader(tok);
      reader.push(bytes.subarray(0, i));
      reader.push(bytes.subarray(i));
      reader.end();
      expect({ header, rows }).toEqual({ header: whole.header, rows: whole.rows });
    }
  });

  it('reports ragged rows with the data row and line number', () => {
    const e = err('a,b,c\n1,2,3\n\n4,5\n');
    expect(e.code).toBe('ragged_row');
    expect(e.row).toBe(2);
    expect(e.line).toBe(4);
    expect(e.message).toBe('file.csv: row 2 (line 4): 2 fields, but the header has 3');
    expect(err('a,b\n1,2,3\n').message).toBe('file.csv: row 1 (line 2): 3 fields, but the header has 2');
  });

  it('rejects an unterminated quote and text after a closing quote', () => {
    const e = err('a,b\n1,"open\n2,3\n');
    expect(e.code).toBe('unterminated_quote');
    expect(e.message).toBe('file.csv: row 1 (line 2): quoted field is never closed');
    const q = err('a,b\n"x"y,2\n');
    expect(q.code).toBe('bad_quote');
    expect(q.message).toContain('row 1 (line 2)');
  });

  it('rejects a semicolon-, tab- or pipe-separated header by name', () => {
    expect(err('date;open;close\n2020-01-01;1,5;2\n').message).toBe(
      'file.csv: line 1: expected comma-separated columns; the header looks semicolon-separated',
    );
    expect(err('date\topen\tclose\n').message).toContain('the header looks tab-separated');
    expect(err('date|open|close\n').message).toContain('the header looks pipe-separated');
    expect(err('date;open;close\n').code).toBe('wrong_delimiter');
    // a semicolon inside a quoted header name is not a separator
    expect(parseCsv('"a;b;c",d\n1,2\n', 'f.csv').header).toEqual(['a;b;c', 'd']);
  });

  it('rejects an empty file and a record longer than the limit', () => {
    expect(err('').code).toBe('empty_file');
    expect(err('\n\n\r\n').code).toBe('empty_file');
    const tok = new CsvTokenizer({ header: () => undefined, row: () => undefined }, 'big.csv', 100);
    tok.push('a,b\n');
    tok.push(`"${'x'.repeat(60)}`);
    expect(() => tok.push('y'.repeat(60))).toThrow(/longer than 100 characters/);
  });

  it('parseCsv returns string columns', () => {
    const t = parseCsv('x,y\n1,2\n3,4\n', 'f.csv');
    expect(t).toEqual({ header: ['x', 'y'], columns: [['1', '3'], ['2', '4']], rows: 2 });
  });

  it('property: chunking never changes the result, and bad input only raises ImportError', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 6 }),
      fc.constantFrom('"', '""', ',', '\n', '\r\n', '\r', 'a"b', '"x,y"', ' '),
    );
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 30 }), fc.array(fc.nat(40), { maxLength: 4 }), (parts, cuts) => {
        const text = parts.join('');
        let whole: unknown;
        try {
          whole = records([text]);
        } catch (e) {
          expect(e).toBeInstanceOf(ImportError);
          whole = (e as ImportError).code;
        }
        const at = [...new Set(cuts.map((c) => Math.min(c, text.length)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let prev = 0;
        for (const c of at) {
          chunks.push(text.slice(prev, c));
          prev = c;
        }
        chunks.push(text.slice(prev));
        let split: unknown;
        try {
          split = records(chunks);
        } catch (e) {
          expect(e).toBeInstanceOf(ImportError);
          split = (e as ImportError).code;
        }
        expect(split).toEqual(whole);
      }),
      { numRuns: 400 },
    );
  });
});
