/**
 * RFC-4180 CSV tokenizer: one pass over the text, quotes with doubled-quote escapes, CRLF / LF /
 * lone CR line ends, optional UTF-8 BOM, comma only (a file that looks semicolon-, tab- or
 * pipe-separated is rejected with a message saying so). It never builds per-row objects: each
 * record is handed to a sink as field ranges of the current text in one reused `CsvRecord`.
 *
 * Text can arrive in chunks (`push`), so a multi-gigabyte file is never held as one string:
 * an incomplete trailing record is carried over and re-scanned with the next chunk.
 *
 * `CsvByteTokenizer` is the same tokenizer over UTF-8 bytes (what a File gives): no decoding,
 * and plain decimal fields are read to numbers in the same pass that finds their end, so a
 * bars file is touched once per byte. The importer uses it; `CsvTokenizer` serves text input.
 */
import { ImportError } from './errors';
import { POW10 } from './numbers';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const SEMICOLON = 59;
const TAB = 9;
const PIPE = 124;
const DOT = 46;

/** Longest record accepted (a record longer than this is not a bar: binary or wrong format). */
export const MAX_RECORD_CHARS = 1 << 20;

/**
 * One record as ranges of `text`. The same instance is reused for every record, so a sink
 * must copy what it keeps. For a quoted field the range excludes the quotes; `escaped[i]` is 1
 * when that range still contains doubled quotes (use `field(i)` to get the unescaped text).
 */
export class CsvRecord {
  text = '';
  start = new Int32Array(16);
  end = new Int32Array(16);
  escaped = new Uint8Array(16);
  count = 0;
  /** 1-based data row (header excluded, blank lines skipped) */
  row = 0;
  /** 1-based physical line where the record starts */
  line = 0;

  field(i: number): string {
    const s = this.text.slice(this.start[i], this.end[i]);
    return this.escaped[i] === 1 ? s.replaceAll('""', '"') : s;
  }

  grow(): void {
    const n = this.start.length * 2;
    const start = new Int32Array(n);
    const end = new Int32Array(n);
    const escaped = new Uint8Array(n);
    start.set(this.start);
    end.set(this.end);
    escaped.set(this.escaped);
    this.start = start;
    this.end = end;
    this.escaped = escaped;
  }
}

export interface CsvSink {
  /** Called once with the header names (unquoted, untrimmed). */
  header(names: string[], line: number): void;
  /** Called for every data record; the record object is reused. */
  row(rec: CsvRecord): void;
}

export class CsvTokenizer {
  private carry = '';
  private headerCount = -1;
  private nextLine = 1;
  private rowCount = 0;
  private atStart = true;
  private finished = false;
  private readonly rec = new CsvRecord();

  constructor(
    private readonly sink: CsvSink,
    private readonly file: string,
    private readonly maxRecordChars = MAX_RECORD_CHARS,
  ) {}

  /** Number of data records emitted so far. */
  get rows(): number {
    return this.rowCount;
  }

  get sawHeader(): boolean {
    return this.headerCount >= 0;
  }

  push(chunk: string): void {
    if (this.finished) throw new Error('CsvTokenizer.push after end()');
    if (chunk.length > 0) this.consume(chunk, false);
  }

  end(): void {
    if (this.finished) return;
    this.consume('', true);
    this.finished = true;
    if (this.headerCount < 0) throw new ImportError('empty_file', this.file, 'empty file (no header row)');
  }

  private consume(chunk: string, final: boolean): void {
    let text = this.carry.length > 0 ? this.carry + chunk : chunk;
    if (this.atStart && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      this.atStart = false;
    }
    const used = this.scan(text, final);
    this.carry = used < text.length ? text.slice(used) : '';
    if (this.carry.length > this.maxRecordChars) {
      throw new ImportError(
        'record_too_long',
        this.file,
        `a record longer than ${this.maxRecordChars} characters (unbalanced quote or not a CSV file?)`,
        { row: this.rowCount + 1, line: this.nextLine },
      );
    }
  }

  /** Emits every complete record of `text`; returns where the first incomplete one starts. */
  private scan(text: string, final: boolean): number {
    const n = text.length;
    const rec = this.rec;
    rec.text = text;
    let pos = 0;
    // Next LF, CR, quote and comma at or after the scan position (n when none): found with
    // the native indexOf and reused until passed, so each is searched once per text.
    let nextLF = -1;
    let nextCR = -1;
    let nextQuote = -1;
    let nextComma = -1;
    while (pos < n) {
      const recStart = pos;
      let nf = 0;
      let i = pos;
      let extraLines = 0;
      let firstQuoted = false;
      if (nextLF < pos) nextLF = indexOrEnd(text, '\n', pos);
      if (nextCR < pos) nextCR = indexOrEnd(text, '\r', pos);
      if (nextQuote < pos) nextQuote = indexOrEnd(text, '"', pos);
      const eol = Math.min(nextLF, nextCR);
      if (eol === n && !final) return recStart;
      if (nextQuote >= eol) {
        // Fast path: no quote in this record, fields end at commas.
        let s = pos;
        for (;;) {
          if (nf === rec.start.length) rec.grow();
          if (nextComma < s) nextComma = indexOrEnd(text, ',', s);
          const e = Math.min(nextComma, eol);
          rec.start[nf] = s;
          rec.end[nf] = e;
          rec.escaped[nf] = 0;
          nf++;
          if (e === eol) break;
          s = e + 1;
        }
        i = eol;
      } else for (;;) {
        if (nf === rec.start.length) rec.grow();
        if (i < n && text.charCodeAt(i) === QUOTE) {
          if (nf === 0) firstQuoted = true;
          let j = i + 1;
          let esc = 0;
          let close = -1;
          for (;;) {
            const k = text.indexOf('"', j);
            if (k < 0) break;
            if (k + 1 < n) {
              if (text.charCodeAt(k + 1) === QUOTE) {
                esc = 1;
                j = k + 2;
                continue;
              }
              close = k;
            } else if (final) {
              close = k;
            }
            break;
          }
          if (close < 0) {
            if (!final) return recStart;
            throw new ImportError('unterminated_quote', this.file, 'quoted field is never closed', this.where());
          }
          for (let q = text.indexOf('\n', i + 1); q >= 0 && q < close; q = text.indexOf('\n', q + 1)) extraLines++;
          rec.start[nf] = i + 1;
          rec.end[nf] = close;
          rec.escaped[nf] = esc;
          nf++;
          i = close + 1;
          if (i >= n) break;
          const c = text.charCodeAt(i);
          if (c === COMMA) {
            i++;
            continue;
          }
          if (c === LF || c === CR) break;
          throw new ImportError(
            'bad_quote',
            this.file,
            `unexpected character after the closing quote of column ${nf}`,
            this.where(),
          );
        }
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === LF || c === CR) break;
          j++;
        }
        rec.start[nf] = i;
        rec.end[nf] = j;
        rec.escaped[nf] = 0;
        nf++;
        i = j;
        if (j >= n) {
          if (!final) return recStart;
          break;
        }
        if (text.charCodeAt(j) === COMMA) {
          i++;
          continue;
        }
        break;
      }
      // i is at the record terminator (or at n when final)
      let next = n;
      if (i < n) {
        if (text.charCodeAt(i) === CR) {
          if (i + 1 < n) next = text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
          else if (final) next = i + 1;
          else return recStart; // a CRLF may be split across chunks
        } else {
          next = i + 1;
        }
      }
      const line = this.nextLine;
      this.nextLine += 1 + extraLines;
      pos = next;
      const blank = nf === 1 && !firstQuoted && rec.end[0] === rec.start[0];
      if (blank) continue;
      if (this.headerCount < 0) {
        this.checkDelimiter(text, recStart, i, line);
        const names: string[] = [];
        for (let f = 0; f < nf; f++) names.push(rec.field(f));
        this.headerCount = nf;
        this.sink.header(names, line);
        continue;
      }
      this.rowCount++;
      if (nf !== this.headerCount) {
        throw new ImportError(
          'ragged_row',
          this.file,
          `${nf} field${nf === 1 ? '' : 's'}, but the header has ${this.headerCount}`,
          { row: this.rowCount, line },
        );
      }
      rec.count = nf;
      rec.row = this.rowCount;
      rec.line = line;
      this.sink.row(rec);
    }
    return n;
  }

  private where(): { row?: number; line: number } {
    return this.headerCount < 0 ? { line: this.nextLine } : { row: this.rowCount + 1, line: this.nextLine };
  }

  /** Rejects a header that is clearly separated by something other than commas. */
  private checkDelimiter(text: string, from: number, to: number, line: number): void {
    let commas = 0;
    let semis = 0;
    let tabs = 0;
    let pipes = 0;
    let quoted = false;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) quoted = !quoted;
      else if (quoted) continue;
      else if (c === COMMA) commas++;
      else if (c === SEMICOLON) semis++;
      else if (c === TAB) tabs++;
      else if (c === PIPE) pipes++;
    }
    const other = Math.max(semis, tabs, pipes);
    if (other > commas) {
      const name = other === semis ? 'semicolon' : other === tabs ? 'tab' : 'pipe';
      throw new ImportError(
        'wrong_delimiter',
        this.file,
        `expected comma-separated columns; the header looks ${name}-separated`,
        { line },
      );
    }
  }
}

/**
 * Decodes UTF-8 byte chunks (a BOM is dropped; invalid bytes become U+FFFD) and feeds the
 * tokenizer, so a large file is parsed from a stream of `Uint8Array` chunks.
 */
export class CsvByteReader {
  private readonly decoder = new TextDecoder('utf-8');

  constructor(private readonly tokenizer: CsvTokenizer) {}

  push(bytes: Uint8Array): void {
    const s = this.decoder.decode(bytes, { stream: true });
    if (s.length > 0) this.tokenizer.push(s);
  }

  end(): void {
    const s = this.decoder.decode();
    if (s.length > 0) this.tokenizer.push(s);
    this.tokenizer.end();
  }
}

/** Decodes a field's bytes; a BOM inside the text is content, not a byte-order mark. */
const FIELD_DECODER = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * One record as byte ranges of `bytes` (UTF-8), like `CsvRecord` for text. The same instance
 * is reused for every record; `field(i)` decodes (invalid bytes become U+FFFD) and unescapes.
 */
export class CsvByteRecord {
  bytes: Uint8Array = new Uint8Array(0);
  start = new Int32Array(16);
  end = new Int32Array(16);
  escaped = new Uint8Array(16);
  /**
   * The field's value when it is a plain decimal (`digits[.digits]`, at most 15 digits, nothing
   * else), read while the field was scanned; NaN otherwise (then parse the range in full).
   */
  num = new Float64Array(16);
  count = 0;
  /** 1-based data row (header excluded, blank lines skipped) */
  row = 0;
  /** 1-based physical line where the record starts */
  line = 0;

  field(i: number): string {
    const s = FIELD_DECODER.decode(this.bytes.subarray(this.start[i], this.end[i]));
    return this.escaped[i] === 1 ? s.replaceAll('""', '"') : s;
  }

  grow(): void {
    const n = this.start.length * 2;
    const start = new Int32Array(n);
    const end = new Int32Array(n);
    const escaped = new Uint8Array(n);
    const num = new Float64Array(n);
    start.set(this.start);
    end.set(this.end);
    escaped.set(this.escaped);
    num.set(this.num);
    this.start = start;
    this.end = end;
    this.escaped = escaped;
    this.num = num;
  }
}

export interface CsvByteSink {
  /** Called once with the header names (decoded, unquoted, untrimmed). */
  header(names: string[], line: number): void;
  /** Called for every data record; the record object is reused. */
  byteRow(rec: CsvByteRecord): void;
}

/**
 * `CsvTokenizer` over UTF-8 bytes, without decoding the text: the same records, row and line
 * numbers, errors and messages as decoding the chunks with a streaming `TextDecoder` and
 * tokenizing the text (delimiters, quotes and line ends are ASCII, which UTF-8 never uses
 * inside a multi-byte character, so every field boundary is the same). Leading byte-order
 * marks are dropped as that pair does: the decoder's and then the tokenizer's, at most two.
 * The record length limit is in UTF-16 characters, as for text.
 */
export class CsvByteTokenizer {
  private carry: Uint8Array = new Uint8Array(0);
  private headerCount = -1;
  private nextLine = 1;
  private rowCount = 0;
  private boms = 0;
  private finished = false;
  private readonly rec = new CsvByteRecord();

  constructor(
    private readonly sink: CsvByteSink,
    private readonly file: string,
    private readonly maxRecordChars = MAX_RECORD_CHARS,
  ) {}

  /** Number of data records emitted so far. */
  get rows(): number {
    return this.rowCount;
  }

  push(chunk: Uint8Array): void {
    if (this.finished) throw new Error('CsvByteTokenizer.push after end()');
    if (chunk.length > 0) this.consume(chunk, false);
  }

  end(): void {
    if (this.finished) return;
    this.consume(new Uint8Array(0), true);
    this.finished = true;
    if (this.headerCount < 0) throw new ImportError('empty_file', this.file, 'empty file (no header row)');
  }

  private consume(chunk: Uint8Array, final: boolean): void {
    let b = chunk;
    if (this.carry.length > 0) {
      b = new Uint8Array(this.carry.length + chunk.length);
      b.set(this.carry);
      b.set(chunk, this.carry.length);
    }
    let from = 0;
    while (this.boms < 2) {
      // a BOM may arrive split over chunks: wait for three bytes before deciding
      if (b.length - from < 3 && !final) {
        this.carry = b.slice(from);
        return;
      }
      if (b[from] === 0xef && b[from + 1] === 0xbb && b[from + 2] === 0xbf) {
        from += 3;
        this.boms++;
      } else {
        this.boms = 2;
      }
    }
    const used = this.scan(b, from, final);
    this.carry = used < b.length ? b.slice(used) : new Uint8Array(0);
    if (this.carry.length > this.maxRecordChars && utf16Length(this.carry) > this.maxRecordChars) {
      throw new ImportError(
        'record_too_long',
        this.file,
        `a record longer than ${this.maxRecordChars} characters (unbalanced quote or not a CSV file?)`,
        { row: this.rowCount + 1, line: this.nextLine },
      );
    }
  }

  /** Emits every complete record of `b` from `pos`; returns where the first incomplete one starts. */
  private scan(b: Uint8Array, pos: number, final: boolean): number {
    const n = b.length;
    const rec = this.rec;
    rec.bytes = b;
    // the record's arrays as locals (re-read after a grow): a property load per field write
    // costs in the code that runs before the JIT has optimised this loop
    let fStart = rec.start;
    let fEnd = rec.end;
    let fEsc = rec.escaped;
    let fNum = rec.num;
    while (pos < n) {
      const recStart = pos;
      let nf = 0;
      let i = pos;
      let extraLines = 0;
      let firstQuoted = false;
      for (;;) {
        if (nf === fStart.length) {
          rec.grow();
          fStart = rec.start;
          fEnd = rec.end;
          fEsc = rec.escaped;
          fNum = rec.num;
        }
        if (i < n && b[i] === QUOTE) {
          if (nf === 0) firstQuoted = true;
          let j = i + 1;
          let esc = 0;
          let close = -1;
          for (;;) {
            const k = b.indexOf(QUOTE, j);
            if (k < 0) break;
            if (k + 1 < n) {
              if (b[k + 1] === QUOTE) {
                esc = 1;
                j = k + 2;
                continue;
              }
              close = k;
            } else if (final) {
              close = k;
            }
            break;
          }
          if (close < 0) {
            if (!final) return recStart;
            throw new ImportError('unterminated_quote', this.file, 'quoted field is never closed', this.where());
          }
          for (let q = b.indexOf(LF, i + 1); q >= 0 && q < close; q = b.indexOf(LF, q + 1)) extraLines++;
          fStart[nf] = i + 1;
          fEnd[nf] = close;
          fEsc[nf] = esc;
          fNum[nf] = Number.NaN;
          nf++;
          i = close + 1;
          if (i >= n) break;
          const c = b[i];
          if (c === COMMA) {
            i++;
            continue;
          }
          if (c === LF || c === CR) break;
          throw new ImportError(
            'bad_quote',
            this.file,
            `unexpected character after the closing quote of column ${nf}`,
            this.where(),
          );
        }
        // Unquoted field: find its end and, in the same pass, read it as a plain decimal
        // (most fields of a bars file are), so the sink need not scan its digits again.
        let j = i;
        let mant = 0;
        let dot = -1;
        let plain = true;
        while (j < n) {
          const c = b[j];
          const d = c - 48;
          if (d >= 0 && d <= 9) {
            mant = mant * 10 + d;
          } else if (c === COMMA || c === LF || c === CR) {
            break;
          } else if (c === DOT && dot < 0) {
            dot = j;
          } else {
            plain = false;
          }
          j++;
        }
        const digits = dot < 0 ? j - i : j - i - 1;
        // ≤ 15 digits: the mantissa is exact and one division by an exact power of ten is
        // correctly rounded (the same value parseNumberBytes gives)
        fNum[nf] = plain && digits > 0 && digits <= 15 ? (dot < 0 ? mant : mant / POW10[j - dot - 1]) : Number.NaN;
        fStart[nf] = i;
        fEnd[nf] = j;
        fEsc[nf] = 0;
        nf++;
        i = j;
        if (j >= n) {
          if (!final) return recStart;
          break;
        }
        if (b[j] === COMMA) {
          i++;
          continue;
        }
        break;
      }
      // i is at the record terminator (or at n when final)
      let next = n;
      if (i < n) {
        if (b[i] === CR) {
          if (i + 1 < n) next = b[i + 1] === LF ? i + 2 : i + 1;
          else if (final) next = i + 1;
          else return recStart; // a CRLF may be split across chunks
        } else {
          next = i + 1;
        }
      }
      const line = this.nextLine;
      this.nextLine += 1 + extraLines;
      pos = next;
      if (nf === 1 && !firstQuoted && fEnd[0] === fStart[0]) continue; // blank line
      if (this.headerCount < 0) {
        checkHeaderDelimiter(b, recStart, i, this.file, line);
        const names: string[] = [];
        for (let f = 0; f < nf; f++) names.push(rec.field(f));
        this.headerCount = nf;
        this.sink.header(names, line);
        continue;
      }
      this.rowCount++;
      if (nf !== this.headerCount) {
        throw new ImportError(
          'ragged_row',
          this.file,
          `${nf} field${nf === 1 ? '' : 's'}, but the header has ${this.headerCount}`,
          { row: this.rowCount, line },
        );
      }
      rec.count = nf;
      rec.row = this.rowCount;
      rec.line = line;
      this.sink.byteRow(rec);
    }
    return n;
  }

  private where(): { row?: number; line: number } {
    return this.headerCount < 0 ? { line: this.nextLine } : { row: this.rowCount + 1, line: this.nextLine };
  }
}

/** UTF-16 length of the text a streaming decoder gives for these bytes (a trailing partial character held back). */
function utf16Length(bytes: Uint8Array): number {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes, { stream: true }).length;
}

/** `CsvTokenizer.checkDelimiter` over the header's bytes. */
function checkHeaderDelimiter(b: Uint8Array, from: number, to: number, file: string, line: number): void {
  let commas = 0;
  let semis = 0;
  let tabs = 0;
  let pipes = 0;
  let quoted = false;
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c === QUOTE) quoted = !quoted;
    else if (quoted) continue;
    else if (c === COMMA) commas++;
    else if (c === SEMICOLON) semis++;
    else if (c === TAB) tabs++;
    else if (c === PIPE) pipes++;
  }
  const other = Math.max(semis, tabs, pipes);
  if (other > commas) {
    const name = other === semis ? 'semicolon' : other === tabs ? 'tab' : 'pipe';
    throw new ImportError('wrong_delimiter', file, `expected comma-separated columns; the header looks ${name}-separated`, { line });
  }
}

function indexOrEnd(text: string, ch: string, from: number): number {
  const k = text.indexOf(ch, from);
  return k < 0 ? text.length : k;
}

/** A whole CSV as string columns (header order). For small files and tests; the importer uses a sink. */
export interface CsvColumns {
  header: string[];
  columns: string[][];
  rows: number;
}

export function parseCsv(text: string, file: string): CsvColumns {
  let header: string[] = [];
  let columns: string[][] = [];
  const sink: CsvSink = {
    header(names) {
      header = names;
      columns = names.map(() => []);
    },
    row(rec) {
      for (let f = 0; f < rec.count; f++) columns[f].push(rec.field(f));
    },
  };
  const tok = new CsvTokenizer(sink, file);
  tok.push(text);
  tok.end();
  return { header, columns, rows: tok.rows };
}
