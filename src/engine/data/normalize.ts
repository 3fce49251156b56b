/**
 * CSV file → per-ticker frames R, S and C (contract A.1/A.2), in one pass over the input (UTF-8
 * bytes, read without decoding them; or text).
 *
 * While tokenizing, each record is parsed straight into its ticker's typed columns (file row,
 * written wall-clock time and offset, open, high, low, close, volume; adjusted-close rescaling
 * applied on the fly), which become R without a copy. Whether the file is daily or intraday is only known at the end (any
 * written time of day ≠ 00:00:00 makes it intraday), so timestamps are resolved afterwards:
 * daily → 00:00 UTC of the written date; intraday → the written time at the written offset, or
 * in America/New_York when no offset is written.
 *
 * Per ticker (ascending): R = its rows in file order (bad timestamps dropped and counted);
 * S = R stably sorted by time with duplicates removed keeping the last occurrence;
 * C = S without rows that have a missing value, a price ≤ 0 or a volume < 0.
 */
import { checkpoint, type JobContext, NULL_CONTEXT } from '../core/context';
import { type Bars, TIMEFRAMES, type Timeframe } from '../contracts/datasets';
import { DAY_MS, MINUTE_MS, newYorkSessionDay, newYorkWallToUtc } from './calendar';
import { type CsvByteRecord, type CsvByteSink, CsvByteTokenizer, type CsvRecord, type CsvSink, CsvTokenizer } from './csv';
import { ImportError } from './errors';
import { type ColumnMap, FIELD_ALIASES, mapHeader } from './header';
import { parseNumberBytes, parseNumberRange } from './numbers';
import { detectTimeframe } from './timeframe';
import { newTimestampParts, parseTimestampBytes, parseTimestampRange } from './timestamps';

export type FileKind = 'daily' | 'intraday';

export interface ImportOptions {
  /** file name (a path is fine): used in messages and, without a ticker column, for the ticker */
  file: string;
  /** overrides the detected bar timeframe */
  timeframe?: Timeframe;
  /** size of the input in bytes, if known: `importCsvChunks` then reports progress, and columns are sized for it up front */
  totalBytes?: number;
}

/**
 * R of one ticker: its rows with a parseable timestamp, in file order, values normalised.
 * The columns are views of the import buffers (their `.buffer` may be longer than the view).
 */
export interface RawFrame {
  /** 0-based data row of the file (header excluded) */
  fileRow: Int32Array;
  /** epoch ms UTC (daily: 00:00 UTC of the date) */
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface TickerFrames {
  ticker: string;
  r: RawFrame;
  /** 0-based data rows of this ticker whose timestamp could not be parsed */
  badTimestampRows: Int32Array;
  /** S: positions into R, ascending time, one per distinct timestamp (the last occurrence) */
  s: Int32Array;
  /** C: positions into R, a subsequence of S */
  c: Int32Array;
  /** C as columnar bars, ascending time */
  bars: Bars;
  /** session date of each C row as a day number (daily: the bar date; intraday: New York date) */
  sessionDays: Int32Array;
}

export interface ImportResult {
  /** file name without directories */
  file: string;
  kind: FileKind;
  timeframe: Timeframe;
  /** the timeframe read from the data (before any override) */
  detectedTimeframe: Timeframe;
  adjCloseUsed: boolean;
  tickerFromFileName: boolean;
  /** header name used for each field, null when absent */
  columns: Record<keyof ColumnMap, string | null>;
  /** data rows in the file (blank lines not counted) */
  rows: number;
  badTimestamps: number;
  /** ascending by ticker */
  tickers: TickerFrames[];
}

const NO_OFFSET = 1 << 30;
const MIN_CAP = 4096;
/** Presized rows are capped: in a file of many tickers only the first gets them. */
const MAX_PRESIZE = 1 << 18;
/** Bytes per row assumed when presizing from the file size (a daily OHLCV line is ~50; shorter rows grow the columns once or twice). */
const PRESIZE_BYTES_PER_ROW = 40;
const TICKER_RE = /^[A-Z0-9._^=:&/-]{1,20}$/;
const ALNUM_RE = /[A-Z0-9]/;

export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** Ticker implied by a file name: text before the first `_` or `.`, upper-cased. */
export function tickerFromFileName(file: string): string {
  const name = baseName(file);
  const cut = name.search(/[_.]/);
  return (cut >= 0 ? name.slice(0, cut) : name).trim().toUpperCase();
}

export function isValidTicker(t: string): boolean {
  return TICKER_RE.test(t) && ALNUM_RE.test(t);
}

/**
 * One ticker's rows with a parseable timestamp, in file order, as growable typed columns
 * (these become R without a copy). Rows with a bad timestamp are only recorded by file row.
 */
class TickerColumns {
  n = 0;
  private cap = 0;
  fileRow = new Int32Array(0);
  /** written wall-clock ms until `resolveTimes`, then epoch ms UTC */
  ts = new Float64Array(0);
  offset = new Int32Array(0);
  open = new Float64Array(0);
  high = new Float64Array(0);
  low = new Float64Array(0);
  close = new Float64Array(0);
  volume = new Float64Array(0);
  badRows: number[] = [];

  /** `firstCap`: rows to allocate at the first add (the file's expected rows, for its first ticker) */
  constructor(
    readonly ticker: string,
    private readonly firstCap = MIN_CAP,
  ) {}

  /** Index of a new row (grows all columns together). */
  add(): number {
    if (this.n === this.cap) {
      const cap = this.cap === 0 ? this.firstCap : Math.ceil(this.cap * 1.5);
      this.fileRow = growI32(this.fileRow, cap);
      this.offset = growI32(this.offset, cap);
      this.ts = growF64(this.ts, cap);
      this.open = growF64(this.open, cap);
      this.high = growF64(this.high, cap);
      this.low = growF64(this.low, cap);
      this.close = growF64(this.close, cap);
      this.volume = growF64(this.volume, cap);
      this.cap = cap;
    }
    return this.n++;
  }

  /** Turns written times into UTC instants (in place) once the file kind is known. */
  resolveTimes(kind: FileKind): void {
    if (kind === 'daily') return; // a daily file has no time of day: wall ms is 00:00 UTC of the date
    const ts = this.ts;
    const off = this.offset;
    for (let i = 0; i < this.n; i++) {
      ts[i] = off[i] === NO_OFFSET ? newYorkWallToUtc(ts[i]) : ts[i] - off[i] * MINUTE_MS;
    }
  }
}

function growF64(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

function growI32(a: Int32Array, cap: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(cap);
  b.set(a);
  return b;
}

/** Receives tokenized records and appends each to its ticker's columns. */
class ColumnSink implements CsvSink, CsvByteSink {
  map: ColumnMap | null = null;
  headerNames: string[] = [];
  /** data rows seen */
  rows = 0;
  badTimestamps = 0;
  anyTimeOfDay = false;
  readonly tickers: TickerColumns[] = [];
  private readonly tickerIndex = new Map<string, TickerColumns>();
  private lastRaw = '';
  private lastRawLen = -1;
  /** bytes of the previous row's ticker field (byte input), null when it had escaped quotes */
  private lastRawBytes: Uint8Array | null = null;
  private last: TickerColumns | null = null;
  private readonly tsParts = newTimestampParts();

  constructor(
    private readonly file: string,
    private readonly fileTicker: string | null,
    /** input size in bytes, when known: the first ticker's columns are sized for it, not grown */
    totalBytes = 0,
  ) {
    this.firstCap = Math.min(MAX_PRESIZE, Math.max(MIN_CAP, Math.ceil(totalBytes / PRESIZE_BYTES_PER_ROW)));
  }

  private readonly firstCap: number;

  private newColumns(t: string): TickerColumns {
    return new TickerColumns(t, this.tickers.length === 0 ? this.firstCap : MIN_CAP);
  }

  header(names: string[]): void {
    this.headerNames = names;
    this.map = mapHeader(names, this.file);
    if (this.map.ticker < 0) {
      const t = this.fileTicker ?? '';
      if (!isValidTicker(t)) {
        throw new ImportError(
          'bad_ticker',
          this.file,
          `no ticker or symbol column, and the file name gives no valid ticker ("${t}"); name the file like AAPL.csv or add a ticker column`,
        );
      }
      this.last = this.newColumns(t);
      this.tickers.push(this.last);
      this.tickerIndex.set(t, this.last);
    }
  }

  private lookupTicker(raw: string, rec: { row: number; line: number }, col: number): TickerColumns {
    const t = raw.trim().toUpperCase();
    const known = this.tickerIndex.get(t);
    if (known !== undefined) return known;
    if (!isValidTicker(t)) {
      const shown = t.length > 24 ? `${t.slice(0, 24)}…` : t;
      throw new ImportError(
        'bad_ticker',
        this.file,
        t === ''
          ? 'empty ticker'
          : `"${shown}" is not a ticker (letters, digits and . _ ^ = : & / - only, at most 20 characters)`,
        { row: rec.row, line: rec.line, field: this.headerNames[col] },
      );
    }
    const cols = this.newColumns(t);
    this.tickers.push(cols);
    this.tickerIndex.set(t, cols);
    return cols;
  }

  row(rec: CsvRecord): void {
    const map = this.map!;
    const fileRow = this.rows++;
    const text = rec.text;
    const st = rec.start;
    const en = rec.end;

    const tc = map.ticker;
    if (tc >= 0) {
      const s = st[tc];
      const e = en[tc];
      // same ticker text as the previous row (the usual case): no substring, no lookup
      if (!(rec.escaped[tc] === 0 && e - s === this.lastRawLen && text.startsWith(this.lastRaw, s))) {
        const raw = rec.field(tc);
        this.last = this.lookupTicker(raw, rec, tc);
        this.lastRaw = raw;
        this.lastRawLen = rec.escaped[tc] === 0 ? raw.length : -1;
      }
    }
    const cols = this.last!;

    const p = this.tsParts;
    if (!parseTimestampRange(text, st[map.timestamp], en[map.timestamp], p)) {
      cols.badRows.push(fileRow);
      this.badTimestamps++;
      return;
    }
    this.put(
      cols,
      fileRow,
      map.open >= 0 ? parseNumberRange(text, st[map.open], en[map.open]) : Number.NaN,
      map.high >= 0 ? parseNumberRange(text, st[map.high], en[map.high]) : Number.NaN,
      map.low >= 0 ? parseNumberRange(text, st[map.low], en[map.low]) : Number.NaN,
      parseNumberRange(text, st[map.close], en[map.close]),
      map.adjClose >= 0 ? parseNumberRange(text, st[map.adjClose], en[map.adjClose]) : Number.NaN,
      map.volume >= 0 ? parseNumberRange(text, st[map.volume], en[map.volume]) : Number.NaN,
    );
  }

  /**
   * `row` for a record of UTF-8 bytes: the same parsing, straight from the bytes. Numbers come
   * from the values the tokenizer read during its scan (a full parse only for fields that are
   * not plain decimals); written out rather than in helpers, as this runs once per row and
   * before the JIT has optimised (and inlined) anything, every call counts.
   */
  byteRow(rec: CsvByteRecord): void {
    const map = this.map!;
    const fileRow = this.rows++;
    const b = rec.bytes;
    const st = rec.start;
    const en = rec.end;

    const tc = map.ticker;
    if (tc >= 0) {
      // same ticker bytes as the previous row (the usual case): no decoding, no lookup
      const s = st[tc];
      const prev = this.lastRawBytes;
      let same = false;
      if (prev !== null && rec.escaped[tc] === 0 && en[tc] - s === prev.length) {
        same = true;
        for (let k = 0; k < prev.length; k++) {
          if (b[s + k] !== prev[k]) {
            same = false;
            break;
          }
        }
      }
      if (!same) {
        this.last = this.lookupTicker(rec.field(tc), rec, tc);
        this.lastRawBytes = rec.escaped[tc] === 0 ? b.slice(s, en[tc]) : null;
      }
    }
    const cols = this.last!;

    const p = this.tsParts;
    if (!parseTimestampBytes(b, st[map.timestamp], en[map.timestamp], p)) {
      cols.badRows.push(fileRow);
      this.badTimestamps++;
      return;
    }
    const num = rec.num;
    let o = Number.NaN;
    let h = Number.NaN;
    let l = Number.NaN;
    let a = Number.NaN;
    let v = Number.NaN;
    if (map.open >= 0) {
      o = num[map.open];
      if (Number.isNaN(o)) o = parseNumberBytes(b, st[map.open], en[map.open]);
    }
    if (map.high >= 0) {
      h = num[map.high];
      if (Number.isNaN(h)) h = parseNumberBytes(b, st[map.high], en[map.high]);
    }
    if (map.low >= 0) {
      l = num[map.low];
      if (Number.isNaN(l)) l = parseNumberBytes(b, st[map.low], en[map.low]);
    }
    let c = num[map.close];
    if (Number.isNaN(c)) c = parseNumberBytes(b, st[map.close], en[map.close]);
    if (map.adjClose >= 0) {
      a = num[map.adjClose];
      if (Number.isNaN(a)) a = parseNumberBytes(b, st[map.adjClose], en[map.adjClose]);
    }
    if (map.volume >= 0) {
      v = num[map.volume];
      if (Number.isNaN(v)) v = parseNumberBytes(b, st[map.volume], en[map.volume]);
    }
    this.put(cols, fileRow, o, h, l, c, a, v);
  }

  /** Appends one row with a parsed timestamp (in `tsParts`); `a` is adj close (used when the file has that column). */
  private put(cols: TickerColumns, fileRow: number, o: number, h: number, l: number, c: number, a: number, v: number): void {
    const p = this.tsParts;
    if (p.timeOfDayMs !== 0) this.anyTimeOfDay = true;
    const i = cols.add();
    cols.fileRow[i] = fileRow;
    cols.ts[i] = p.wallMs;
    cols.offset[i] = p.hasOffset ? p.offsetMinutes : NO_OFFSET;
    let cc = c;
    if (this.map!.adjClose >= 0) {
      // f = adj/close; a zero denominator or a non-finite factor makes all four prices missing
      let f = c === 0 ? Number.NaN : a / c;
      if (!Number.isFinite(f)) f = Number.NaN;
      o = finiteOrNaN(o * f);
      h = finiteOrNaN(h * f);
      l = finiteOrNaN(l * f);
      cc = finiteOrNaN(c * f);
    }
    cols.open[i] = o;
    cols.high[i] = h;
    cols.low[i] = l;
    cols.close[i] = cc;
    cols.volume[i] = v;
  }
}

function finiteOrNaN(x: number): number {
  return Number.isFinite(x) ? x : Number.NaN;
}

/**
 * Incremental importer: feed text or UTF-8 byte chunks, then `finish()`. Throws ImportError
 * (naming file, row, line and field) for input it cannot read; rows with bad timestamps or
 * unparseable numbers are not errors but are counted in the quality report.
 */
export class CsvImporter {
  private readonly sink: ColumnSink;
  private text: CsvTokenizer | null = null;
  private bytes: CsvByteTokenizer | null = null;
  readonly file: string;

  constructor(private readonly opts: ImportOptions) {
    this.file = baseName(opts.file);
    const ft = tickerFromFileName(this.file);
    this.sink = new ColumnSink(this.file, ft, opts.totalBytes);
  }

  pushText(chunk: string): void {
    if (this.bytes) throw new Error('CsvImporter: pushText after pushBytes (one input is either text or bytes)');
    if (!this.text) this.text = new CsvTokenizer(this.sink, this.file);
    this.text.push(chunk);
  }

  /** UTF-8 bytes, tokenized and parsed without decoding them to text. */
  pushBytes(chunk: Uint8Array): void {
    if (this.text) throw new Error('CsvImporter: pushBytes after pushText (one input is either text or bytes)');
    if (!this.bytes) this.bytes = new CsvByteTokenizer(this.sink, this.file);
    this.bytes.push(chunk);
  }

  finish(): ImportResult {
    if (this.bytes) this.bytes.end();
    else (this.text ?? new CsvTokenizer(this.sink, this.file)).end();
    return buildFrames(this.sink, this.file, this.opts.timeframe);
  }
}

const SURROGATE_RE = /[\uD800-\uDFFF]/;
const UTF8 = new TextEncoder();

/**
 * A whole text. Encoded to UTF-8 and read by the byte path (faster) when that gives the same
 * result by construction: no surrogates (so encoding and decoding round-trip exactly) and not
 * two leading BOMs (text drops one, a byte stream two).
 */
export function importCsvText(text: string, opts: ImportOptions): ImportResult {
  if (!SURROGATE_RE.test(text) && !text.startsWith('\ufeff\ufeff')) {
    const bytes = UTF8.encode(text);
    const imp = new CsvImporter({ ...opts, totalBytes: opts.totalBytes ?? bytes.length });
    imp.pushBytes(bytes);
    return imp.finish();
  }
  const imp = new CsvImporter(opts);
  imp.pushText(text);
  return imp.finish();
}

/** Streams byte chunks (e.g. a File's stream) through the importer, yielding to the host between chunks. */
export async function importCsvChunks(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  opts: ImportOptions,
  ctx: JobContext = NULL_CONTEXT,
): Promise<ImportResult> {
  const imp = new CsvImporter(opts);
  let seen = 0;
  for await (const chunk of chunks) {
    imp.pushBytes(chunk);
    seen += chunk.length;
    if (opts.totalBytes) ctx.progress(Math.min(1, seen / opts.totalBytes), 'Parsing');
    await checkpoint(ctx);
  }
  ctx.progress(1, 'Checking');
  return imp.finish();
}

function buildFrames(sink: ColumnSink, file: string, override: Timeframe | undefined): ImportResult {
  const map = sink.map!;
  if (sink.rows === 0) throw new ImportError('no_rows', file, 'the file has a header but no data rows');
  const kind: FileKind = sink.anyTimeOfDay ? 'intraday' : 'daily';

  const ordered = sink.tickers.slice().sort((a, b) => (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  const tickers = ordered.map((cols) => {
    cols.resolveTimes(kind);
    return buildTicker(cols, kind);
  });

  const detected = kind === 'daily' ? '1d' : detectTimeframe(tickers.map((f) => ({ ts: f.bars.ts, sessionDays: f.sessionDays })));
  let timeframe: Timeframe = detected;
  if (override !== undefined) {
    if (!(TIMEFRAMES as readonly string[]).includes(override)) {
      throw new ImportError('bad_option', file, `unknown timeframe "${override}" (use one of ${TIMEFRAMES.join(', ')})`);
    }
    if ((kind === 'daily') !== (override === '1d')) {
      throw new ImportError(
        'bad_option',
        file,
        kind === 'daily'
          ? `timeframe ${override} given, but the file has dates without times (daily bars)`
          : `timeframe 1d given, but the file has intraday timestamps; resample it to daily instead`,
      );
    }
    timeframe = override;
  }

  const columns = {} as Record<keyof ColumnMap, string | null>;
  for (const f of Object.keys(FIELD_ALIASES) as (keyof ColumnMap)[]) {
    columns[f] = map[f] >= 0 ? sink.headerNames[map[f]] : null;
  }

  return {
    file,
    kind,
    timeframe,
    detectedTimeframe: detected,
    adjCloseUsed: map.adjClose >= 0,
    tickerFromFileName: map.ticker < 0,
    columns,
    rows: sink.rows,
    badTimestamps: sink.badTimestamps,
    tickers,
  };
}

/** 0, 1, …, m−1 */
function identity(m: number): Int32Array {
  const id = new Int32Array(m);
  for (let i = 0; i < m; i++) id[i] = i;
  return id;
}

/** src[idx[i]] for every i; a plain copy when idx is 0, 1, …, len−1 (`identity`). */
function gather(src: Float64Array, idx: Int32Array, identity: boolean): Float64Array {
  if (identity) return src.slice(0, idx.length);
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = src[idx[i]];
  return out;
}

function buildTicker(cols: TickerColumns, kind: FileKind): TickerFrames {
  const m = cols.n;
  // R is the builder's columns (views of the first m rows; no copy)
  const r: RawFrame = {
    fileRow: cols.fileRow.subarray(0, m),
    ts: cols.ts.subarray(0, m),
    open: cols.open.subarray(0, m),
    high: cols.high.subarray(0, m),
    low: cols.low.subarray(0, m),
    close: cols.close.subarray(0, m),
    volume: cols.volume.subarray(0, m),
  };
  const { ts, open: o, high: h, low: l, close: c, volume: v } = r;
  // One pass decides the usual case: R already strictly ascending (S = R) and clean (C = R).
  let sorted = true;
  let clean = true;
  for (let i = 0; i < m; i++) {
    if (i > 0 && !(ts[i] > ts[i - 1])) {
      sorted = false;
      break;
    }
    // NaN fails every comparison, so `x > 0` also rejects missing values
    if (clean && !(o[i] > 0 && h[i] > 0 && l[i] > 0 && c[i] > 0 && v[i] >= 0)) clean = false;
  }
  const s = sorted ? identity(m) : sortDedupeKeepLast(ts);
  const same = sorted && clean;
  let cIdx: Int32Array;
  if (same) {
    cIdx = s.slice();
  } else {
    let nc = 0;
    const keep = new Int32Array(s.length);
    for (let j = 0; j < s.length; j++) {
      const k = s[j];
      if (o[k] > 0 && h[k] > 0 && l[k] > 0 && c[k] > 0 && v[k] >= 0) keep[nc++] = k;
    }
    cIdx = nc === keep.length ? keep : keep.slice(0, nc);
  }
  // C is R itself when R is sorted, unique and clean: copy, don't gather
  const bars: Bars = {
    ts: gather(ts, cIdx, same),
    open: gather(o, cIdx, same),
    high: gather(h, cIdx, same),
    low: gather(l, cIdx, same),
    close: gather(c, cIdx, same),
    volume: gather(v, cIdx, same),
  };
  const nc = cIdx.length;
  const sessionDays = new Int32Array(nc);
  const bt = bars.ts;
  if (kind === 'daily') for (let j = 0; j < nc; j++) sessionDays[j] = Math.floor(bt[j] / DAY_MS);
  else for (let j = 0; j < nc; j++) sessionDays[j] = newYorkSessionDay(bt[j]);
  return {
    ticker: cols.ticker,
    r,
    badTimestampRows: Int32Array.from(cols.badRows),
    s,
    c: cIdx,
    bars,
    sessionDays,
  };
}

/**
 * S as positions into R: ascending by time (ties in file order), then of each run of equal
 * timestamps only the last one in file order is kept.
 */
export function sortDedupeKeepLast(ts: Float64Array): Int32Array {
  const m = ts.length;
  let sorted = true;
  for (let i = 1; i < m; i++) {
    if (!(ts[i] > ts[i - 1])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return identity(m);
  const order = new Int32Array(m);
  for (let i = 0; i < m; i++) order[i] = i;
  order.sort((a, b) => ts[a] - ts[b] || a - b);
  const out = new Int32Array(m);
  let k = 0;
  for (let j = 0; j < m; j++) {
    if (j + 1 < m && ts[order[j + 1]] === ts[order[j]]) continue;
    out[k++] = order[j];
  }
  return out.slice(0, k);
}
