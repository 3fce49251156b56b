/**
 * RFC-4180 CSV tokenizer: one pass over the text, quotes with doubled-quote escapes, CRLF / LF /
 * lone CR line ends, optional UTF-8 BOM, comma only (a file that looks semicolon-, tab- or
 * pipe-separated is rejected with a message saying so). It never builds per-row objects: each
 * record is handed to a sink as field ranges of the current text in one reused `CsvRecord`.
 *
 * Text can arrive in chunks (`push`), so a multi-gigabyte file is never held as one string:
 * an incomplete trailing record is carried over and re-scanned with the next chunk.
 */
import { ImportError } from './errors';

const COMMA = 44;
const QUOTE = 34;
const LF = 10;
const CR = 13;
const SEMICOLON = 59;
const TAB = 9;
const PIPE = 124;

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
