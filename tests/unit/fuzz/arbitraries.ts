/**
 * Generators of malformed inputs for the bad-input campaign. Each starts from a well-formed
 * document (so the malformation sits deep enough to reach the parsers' inner paths) and
 * applies one to three corruptions from the families the issue names: truncation, wrong
 * types, huge numbers, NaN/Inf, duplicate and unsorted timestamps, mixed UTC offsets,
 * binary garbage, structural damage (ragged rows, quotes, delimiters, BOM, NUL, CR-only).
 */
import fc from 'fast-check';

export const BAR_HEADERS = [
  ['date', 'open', 'high', 'low', 'close', 'volume'],
  ['Date', 'Open', 'High', 'Low', 'Close', 'Adj Close', 'Volume'],
  ['timestamp', 'open', 'high', 'low', 'close', 'volume'],
  ['ticker', 'date', 'open', 'high', 'low', 'close', 'volume'],
  ['ticker', 'ts_utc', 'open', 'high', 'low', 'close', 'volume'],
] as const;

/** Values that break numbers in every way a spreadsheet export might. */
export const BAD_NUMBERS = [
  'NaN', 'nan', 'Inf', '-Inf', 'Infinity', '-infinity', '1e308', '1e309', '-1e400', '1e-400', '9'.repeat(400), '0x1F', '1,5',
  '1.2.3', '--1', '+', '-', '.', 'e5', '1e', '١٢٣', '１２３', 'null', 'None', 'N/A', '#VALUE!', 'true', '', ' ', '"12"', "'12",
  '12abc', '\u0000', '-0', '0', '-1', '1e-320', '4.9e-324', '1.7976931348623157e308', '18446744073709551616',
] as const;

export const BAD_TIMESTAMPS = [
  '2024-02-30', '2024-13-01', '2024-1-2', '24-01-02', '2024/01/02', '01/02/2024', '2024-01-02T25:00:00Z', '2024-01-02T10:00:00+05:00',
  '2024-01-02T10:00:00-08:00', '2024-01-02T10:00:00+14:00', '2024-01-02T10:00:00.123456789Z', '2024-01-02 10:00', '1704153600',
  '1704153600000', '-000001-01-01', '+275760-09-13', '9999-12-31', '0000-01-01', '1969-12-31', 'yesterday', '', 'T', '2024-01-02TZ',
  '2024-01-02T10:00:00+0530', '2024-01-02T10:00:00 America/New_York', '2024-W01-2', '2024-001', '2024-01-02\u0000',
] as const;

export const BAD_TICKERS = ['', ' ', 'A B', '../etc', 'a'.repeat(40), '$$$', '\u0000', 'ÄPFEL', '"Q"', 'A,B', '-', '^', '.'] as const;

const day0 = Date.UTC(2015, 0, 5);

/** A well-formed bars CSV as rows of cells (header first). */
export const validBarRows = fc
  .record({
    header: fc.constantFrom(...BAR_HEADERS),
    n: fc.integer({ min: 1, max: 40 }),
    start: fc.integer({ min: 0, max: 2000 }),
    step: fc.constantFrom(1, 1, 1, 2, 7),
    price: fc.double({ min: 0.5, max: 5000, noNaN: true }),
    intradayHours: fc.boolean(),
    tickers: fc.constantFrom(['FZA'], ['FZA', 'FZB'], ['FZB', 'FZA', 'FZC']),
  })
  .map(({ header, n, start, step, price, intradayHours, tickers }) => {
    const rows: string[][] = [header.slice()];
    for (let i = 0; i < n; i++) {
      const t = day0 + (start + i * step) * 86_400_000 + (intradayHours ? ((i % 7) + 14) * 3_600_000 : 0);
      const iso = new Date(t).toISOString();
      const p = price * (1 + 0.01 * Math.sin(i));
      const cells: Record<string, string> = {
        date: header.includes('ts_utc' as never) || intradayHours ? iso.replace('.000', '') : iso.slice(0, 10),
        open: String(p),
        high: String(p * 1.02),
        low: String(p * 0.98),
        close: String(p * 1.001),
        volume: String(1000 + i),
        ticker: tickers[i % tickers.length],
      };
      rows.push(
        header.map((h) => {
          const k = h.toLowerCase();
          if (k === 'timestamp' || k === 'ts_utc') return cells.date;
          if (k === 'adj close') return cells.close;
          return cells[k] ?? '';
        }),
      );
    }
    return rows;
  });

export type CsvMutation =
  | { kind: 'bad_number'; row: number; col: number; value: string }
  | { kind: 'bad_timestamp'; row: number; value: string }
  | { kind: 'bad_ticker'; row: number; value: string }
  | { kind: 'duplicate_row'; row: number }
  | { kind: 'shuffle'; seed: number }
  | { kind: 'mixed_offsets'; row: number }
  | { kind: 'ragged'; row: number; extra: boolean }
  | { kind: 'quote'; row: number; col: number }
  | { kind: 'drop_column'; col: number }
  | { kind: 'rename_header'; col: number; name: string }
  | { kind: 'delimiter'; sep: string }
  | { kind: 'bom' }
  | { kind: 'nul'; at: number }
  | { kind: 'newlines'; nl: string }
  | { kind: 'blank_lines'; row: number }
  | { kind: 'garbage_row'; row: number; bytes: string }
  | { kind: 'long_cell'; row: number; col: number; len: number }
  | { kind: 'header_only' }
  | { kind: 'swap_high_low'; row: number };

const latin1Garbage = fc.uint8Array({ minLength: 1, maxLength: 200 }).map((b) => String.fromCharCode(...b));

export const csvMutation: fc.Arbitrary<CsvMutation> = fc.oneof(
  fc.record({ kind: fc.constant('bad_number' as const), row: fc.nat(), col: fc.nat(), value: fc.constantFrom(...BAD_NUMBERS) }),
  fc.record({ kind: fc.constant('bad_timestamp' as const), row: fc.nat(), value: fc.constantFrom(...BAD_TIMESTAMPS) }),
  fc.record({ kind: fc.constant('bad_ticker' as const), row: fc.nat(), value: fc.constantFrom(...BAD_TICKERS) }),
  fc.record({ kind: fc.constant('duplicate_row' as const), row: fc.nat() }),
  fc.record({ kind: fc.constant('shuffle' as const), seed: fc.integer() }),
  fc.record({ kind: fc.constant('mixed_offsets' as const), row: fc.nat() }),
  fc.record({ kind: fc.constant('ragged' as const), row: fc.nat(), extra: fc.boolean() }),
  fc.record({ kind: fc.constant('quote' as const), row: fc.nat(), col: fc.nat() }),
  fc.record({ kind: fc.constant('drop_column' as const), col: fc.nat() }),
  fc.record({ kind: fc.constant('rename_header' as const), col: fc.nat(), name: fc.constantFrom('', 'close', 'Date', 'x', 'open ', '"', 'date,extra') }),
  fc.record({ kind: fc.constant('delimiter' as const), sep: fc.constantFrom(';', '\t', '|', ' ', ',,') }),
  fc.constant({ kind: 'bom' as const }),
  fc.record({ kind: fc.constant('nul' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('newlines' as const), nl: fc.constantFrom('\r\n', '\r', '\n\n', '\u2028') }),
  fc.record({ kind: fc.constant('blank_lines' as const), row: fc.nat() }),
  fc.record({ kind: fc.constant('garbage_row' as const), row: fc.nat(), bytes: latin1Garbage }),
  fc.record({ kind: fc.constant('long_cell' as const), row: fc.nat(), col: fc.nat(), len: fc.integer({ min: 1_000, max: 300_000 }) }),
  fc.constant({ kind: 'header_only' as const }),
  fc.record({ kind: fc.constant('swap_high_low' as const), row: fc.nat() }),
);

/** Applies mutations to a copy of `rows` and renders the CSV text. */
export function renderMutated(rows: readonly string[][], muts: readonly CsvMutation[], truncateAt: number | null): string {
  let r = rows.map((x) => x.slice());
  let sep = ',';
  let nl = '\n';
  let prefix = '';
  const extraLines: { at: number; text: string }[] = [];
  const dataRow = (i: number) => (r.length > 1 ? 1 + (i % (r.length - 1)) : 0);
  const col = (i: number) => i % Math.max(1, r[0].length);
  for (const m of muts) {
    switch (m.kind) {
      case 'bad_number': {
        const k = dataRow(m.row);
        const c = col(m.col);
        if (r[k]) r[k][c] = m.value;
        break;
      }
      case 'bad_timestamp': {
        const c = r[0].findIndex((h) => /date|timestamp|ts_utc/i.test(h));
        if (c >= 0 && r[dataRow(m.row)]) r[dataRow(m.row)][c] = m.value;
        break;
      }
      case 'bad_ticker': {
        const c = r[0].indexOf('ticker');
        if (c >= 0 && r[dataRow(m.row)]) r[dataRow(m.row)][c] = m.value;
        break;
      }
      case 'duplicate_row': {
        const k = dataRow(m.row);
        if (k > 0) r.splice(k, 0, r[k].slice());
        break;
      }
      case 'shuffle': {
        const body = r.slice(1);
        let s = m.seed >>> 0;
        for (let i = body.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          const j = s % (i + 1);
          [body[i], body[j]] = [body[j], body[i]];
        }
        r = [r[0], ...body];
        break;
      }
      case 'mixed_offsets': {
        const c = r[0].findIndex((h) => /date|timestamp|ts_utc/i.test(h));
        const k = dataRow(m.row);
        if (c >= 0 && r[k]) {
          const v = r[k][c];
          r[k][c] = v.length === 10 ? `${v}T09:30:00-05:00` : v.replace(/Z$/, '+09:00');
        }
        break;
      }
      case 'ragged': {
        const k = dataRow(m.row);
        if (r[k]) {
          if (m.extra) r[k].push('surplus');
          else r[k].pop();
        }
        break;
      }
      case 'quote': {
        const k = dataRow(m.row);
        if (r[k]) r[k][col(m.col)] = `"${r[k][col(m.col)]}`;
        break;
      }
      case 'drop_column': {
        const c = col(m.col);
        r = r.map((x) => x.filter((_, i) => i !== c));
        break;
      }
      case 'rename_header':
        r[0][col(m.col)] = m.name;
        break;
      case 'delimiter':
        sep = m.sep;
        break;
      case 'bom':
        prefix = '\uFEFF';
        break;
      case 'nul': {
        const k = dataRow(m.at);
        if (r[k]) r[k][col(m.at)] += '\u0000';
        break;
      }
      case 'newlines':
        nl = m.nl;
        break;
      case 'blank_lines':
        extraLines.push({ at: dataRow(m.row), text: '' });
        break;
      case 'garbage_row':
        extraLines.push({ at: dataRow(m.row), text: m.bytes });
        break;
      case 'long_cell': {
        const k = dataRow(m.row);
        if (r[k]) r[k][col(m.col)] = '7'.repeat(m.len);
        break;
      }
      case 'header_only':
        r = [r[0]];
        break;
      case 'swap_high_low': {
        const k = dataRow(m.row);
        const hi = r[0].findIndex((h) => /^high$/i.test(h));
        const lo = r[0].findIndex((h) => /^low$/i.test(h));
        if (r[k] && hi >= 0 && lo >= 0) [r[k][hi], r[k][lo]] = [r[k][lo], r[k][hi]];
        break;
      }
    }
  }
  const lines = r.map((x) => x.join(sep));
  for (const e of extraLines.sort((a, b) => b.at - a.at)) lines.splice(e.at, 0, e.text);
  let text = prefix + lines.join(nl);
  if (truncateAt !== null) text = text.slice(0, truncateAt % (text.length + 1));
  return text;
}

/** Malformed bars CSV: a valid file with 1–3 corruptions, maybe truncated. */
export const malformedBarsCsv = fc
  .record({
    rows: validBarRows,
    muts: fc.array(csvMutation, { minLength: 1, maxLength: 3 }),
    truncate: fc.option(fc.nat(), { freq: 4 }),
  })
  .map(({ rows, muts, truncate }) => ({ text: renderMutated(rows, muts, truncate), muts: muts.map((m) => m.kind) }));

/** Arbitrary bytes, sometimes behind a plausible header, decoded the way a File would be. */
export const garbageText = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }).map((b) => new TextDecoder().decode(b)),
  fc.uint8Array({ maxLength: 2_000 }).map((b) => `date,open,high,low,close,volume\n${String.fromCharCode(...b)}`),
  fc.string({ unit: 'binary', maxLength: 500 }),
  fc.constantFrom('', '\n', '\r\n\r\n', '\uFEFF', ',', '"', '""', '\u0000\u0000', 'date', 'date\n', ',,,,,\n,,,,,'),
);

// --- option chains --------------------------------------------------------------------------

const CHAIN_HEADER = ['quote_date', 'underlying', 'underlying_price', 'expiry', 'strike', 'type', 'bid', 'ask'];

export const validChainRows = fc
  .record({ n: fc.integer({ min: 1, max: 25 }), spot: fc.double({ min: 5, max: 2000, noNaN: true }) })
  .map(({ n, spot }) => {
    const rows: string[][] = [CHAIN_HEADER.slice()];
    for (let i = 0; i < n; i++) {
      const k = spot * (0.8 + (0.4 * i) / Math.max(1, n - 1));
      const mid = Math.max(0.05, Math.abs(spot - k) + spot * 0.02);
      rows.push(['2024-03-01', 'SPX', String(spot), i % 2 ? '2024-06-21' : '2024-04-19', String(k), i % 3 ? 'call' : 'put', String(mid * 0.98), String(mid * 1.02)]);
    }
    return rows;
  });

export const malformedChainCsv = fc
  .record({ rows: validChainRows, muts: fc.array(csvMutation, { minLength: 1, maxLength: 3 }), truncate: fc.option(fc.nat(), { freq: 4 }) })
  .map(({ rows, muts, truncate }) => ({ text: renderMutated(rows, muts, truncate), muts: muts.map((m) => m.kind) }));

// --- predictions (JSON and CSV) ------------------------------------------------------------

const jsonWeird = fc.oneof(
  fc.constantFrom(null, true, false, '', 'abc', 'NaN', '1e400', 0, -0, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom([], {}, [[]], { nested: { deep: [1, 2] } }),
  fc.double(),
  fc.string({ maxLength: 30 }),
);

const predictionRow = fc.record({
  date: fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 400 }).map((d) => new Date(day0 + d * 86_400_000).toISOString().slice(0, 10)) },
    { weight: 1, arbitrary: fc.constantFrom(...BAD_TIMESTAMPS) },
    { weight: 1, arbitrary: jsonWeird },
  ),
  ticker: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('AAA', 'BBB', 'CCC') }, { weight: 1, arbitrary: fc.constantFrom(...BAD_TICKERS) }, { weight: 1, arbitrary: jsonWeird }),
  predicted_return: fc.oneof({ weight: 4, arbitrary: fc.double({ min: -0.2, max: 0.2, noNaN: true }) }, { weight: 2, arbitrary: jsonWeird }),
  confidence: fc.option(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), jsonWeird)),
  regime: fc.option(fc.oneof(fc.integer({ min: 0, max: 3 }), jsonWeird)),
});

/** Malformed predictions JSON text: wrong types per row, wrong shapes, truncation, garbage. */
export const malformedPredictionsJson = fc.oneof(
  fc.record({ rows: fc.array(predictionRow, { maxLength: 30 }), wrap: fc.boolean(), truncate: fc.option(fc.nat(), { freq: 3 }) }).map(({ rows, wrap, truncate }) => {
    const t = JSON.stringify(wrap ? { predictions: rows } : rows);
    return truncate === null ? t : t.slice(0, truncate % (t.length + 1));
  }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('[', '{', '{"predictions":', '{"predictions":{}}', '[1,2,3]', '[null]', 'NaN', '[NaN]', '[Infinity]', `${'['.repeat(5000)}${']'.repeat(5000)}`, '\uFEFF[]'),
  garbageText,
);

/** Malformed predictions CSV. */
export const malformedPredictionsCsv = fc
  .record({ rows: fc.array(predictionRow, { minLength: 1, maxLength: 30 }), muts: fc.array(csvMutation, { minLength: 0, maxLength: 2 }), truncate: fc.option(fc.nat(), { freq: 4 }) })
  .map(({ rows, muts, truncate }) => {
    const table = [['date', 'ticker', 'predicted_return', 'confidence', 'regime'], ...rows.map((r) => [r.date, r.ticker, r.predicted_return, r.confidence, r.regime].map((v) => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v))))];
    return renderMutated(table, muts, truncate);
  });

// --- Parquet-like bytes ---------------------------------------------------------------------

export type ByteMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'overwrite'; at: number; bytes: Uint8Array }
  | { kind: 'footer_len'; value: number }
  | { kind: 'splice_garbage'; at: number; bytes: Uint8Array }
  | { kind: 'zero_range'; at: number; len: number };

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('overwrite' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('footer_len' as const), value: fc.oneof(fc.nat(), fc.constantFrom(0, 0xffffffff, 0x7fffffff, 8)) }),
  fc.record({ kind: fc.constant('splice_garbage' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('zero_range' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 64 }) }),
);

/** Applies byte-level damage to a copy of `src`. Footer mutations target the Parquet tail. */
export function mutateBytes(src: Uint8Array, muts: readonly ByteMutation[]): Uint8Array {
  let b = src.slice();
  for (const m of muts) {
    // Bias positions towards the footer, where the metadata the reader trusts lives.
    const pos = (at: number) => (at % 2 === 0 ? b.length - 1 - (at % Math.min(b.length, 256)) : at % Math.max(1, b.length));
    switch (m.kind) {
      case 'truncate':
        b = b.slice(0, m.at % (b.length + 1));
        break;
      case 'flip':
        if (b.length > 0) b[pos(m.at)] ^= 1 << m.bit;
        break;
      case 'overwrite':
        if (b.length > 0) b.set(m.bytes.slice(0, Math.max(0, b.length - pos(m.at))), pos(m.at));
        break;
      case 'footer_len':
        if (b.length >= 8) new DataView(b.buffer, b.byteOffset).setUint32(b.length - 8, m.value >>> 0, true);
        break;
      case 'splice_garbage': {
        const at = b.length > 0 ? pos(m.at) : 0;
        const out = new Uint8Array(b.length + m.bytes.length);
        out.set(b.subarray(0, at), 0);
        out.set(m.bytes, at);
        out.set(b.subarray(at), at + m.bytes.length);
        b = out;
        break;
      }
      case 'zero_range':
        if (b.length > 0) b.fill(0, pos(m.at), Math.min(b.length, pos(m.at) + m.len));
        break;
    }
  }
  return b;
}

/** Bytes that look like Parquet only at the edges (magic + garbage + maybe a footer length). */
export const parquetShapedGarbage = fc
  .record({ body: fc.uint8Array({ maxLength: 600 }), footer: fc.nat(), head: fc.boolean(), tail: fc.boolean() })
  .map(({ body, footer, head, tail }) => {
    const magic = new TextEncoder().encode('PAR1');
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, footer % 2048, true);
    const parts = [head ? magic : new Uint8Array(0), body, tail ? len : new Uint8Array(0), tail ? magic : new Uint8Array(0)];
    const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });
