/**
 * Option-chain CSV → columns grouped by (underlying, quote date), ready for the IV solver.
 *
 * Accepted columns (any case; spaces, hyphens and underscores ignored): expiry (or days to
 * expiry), strike, type, bid, ask, optional last, underlying price, optional underlying
 * symbol, optional rate and dividend yield, optional quote date. What the file lacks (quote
 * date, symbol, spot, rate, dividend yield) may come from the import form; each such
 * substitution is named in a warning. Structural problems (missing columns, a key field
 * that cannot be read, inconsistent spot/rate within one chain) fail the whole file with a
 * message naming the line and field; a row whose own fields cannot be read stays in its
 * chain with a `parse_error` and the reason, so no row is ever dropped silently.
 *
 * Time to expiry is ACT/365 Fixed in calendar days (core contract D.1).
 */
import { type CsvTable, parseCsv } from '../../engine/iv/csv-table';

/** A cell or header as quoted in a message: bounded, so a huge cell is never echoed whole. */
function shown(v: unknown, max = 60): string {
  const t = String(v);
  return t.length > max ? `${t.slice(0, max)}… (${t.length} characters)` : t;
}

export class ChainImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChainImportError';
  }
}

export interface ChainImportOptions {
  /** file name, used in messages and as the chains' source */
  fileName: string;
  /** YYYY-MM-DD; used when the file has no quote-date column */
  quoteDate?: string;
  /** underlying symbol; used when the file has no symbol column */
  underlying?: string;
  /** underlying price; used when the file has no underlying-price column */
  spot?: number;
  /** decimal rate (0.05 = 5 %); used when the file has no rate column */
  rate?: number;
  /** decimal dividend yield; used when the file has no dividend-yield column */
  dividendYield?: number;
}

/** One (underlying, quote date) group of rows, columnar. */
export interface ParsedChainGroup {
  underlying: string;
  quoteDate: string;
  spot: number;
  rate: number;
  dividendYield: number;
  /** 1-based file line per row */
  line: Int32Array;
  /** YYYY-MM-DD per row ('' when it could not be read) */
  expiry: string[];
  /** years to expiry, ACT/365 (NaN when it could not be read) */
  T: Float64Array;
  /** 1 call, 0 put, 255 unreadable */
  isCall: Uint8Array;
  strike: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  last: Float64Array;
  /** why the row could not be read, or null */
  parseError: (string | null)[];
}

export interface ParsedChainFile {
  groups: ParsedChainGroup[];
  /** field → header name it was read from */
  columns: Record<string, string>;
  /** substitutions and ambiguities, each named */
  warnings: string[];
  rows: number;
}

type Field =
  | 'expiry'
  | 'days'
  | 'strike'
  | 'type'
  | 'bid'
  | 'ask'
  | 'last'
  | 'spot'
  | 'symbol'
  | 'rate'
  | 'dividendYield'
  | 'quoteDate';

/** Header aliases, squashed (lower case, letters and digits only). */
export const CHAIN_HEADER_ALIASES: Record<Field, readonly string[]> = {
  expiry: ['expiry', 'expiration', 'expirationdate', 'expirydate', 'expdate', 'exp', 'maturity', 'maturitydate'],
  days: ['days', 'dte', 'daystoexpiry', 'daystoexpiration', 'daystomaturity'],
  strike: ['strike', 'strikeprice', 'k'],
  type: ['type', 'optiontype', 'cp', 'callput', 'putcall', 'right', 'cpflag', 'putcallflag'],
  bid: ['bid', 'bidprice', 'bestbid'],
  ask: ['ask', 'askprice', 'offer', 'offerprice', 'bestoffer', 'bestask'],
  last: ['last', 'lastprice', 'lasttrade', 'lasttradeprice', 'tradeprice'],
  spot: ['underlyingprice', 'underlyinglast', 'spot', 'spotprice', 's', 'stockprice', 'undprice'],
  symbol: ['underlyingsymbol', 'symbol', 'ticker', 'root', 'underlyingticker'],
  rate: ['rate', 'r', 'riskfreerate', 'riskfree', 'interestrate', 'rf'],
  dividendYield: ['dividendyield', 'divyield', 'q', 'dividend', 'yield'],
  quoteDate: ['quotedate', 'date', 'tradedate', 'asof', 'asofdate', 'valuationdate', 'quotedatetime', 'quotetime'],
};

export function squashHeader(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const DAY_MS = 86_400_000;
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A date as epoch day (UTC midnight ms / 1 day), or null. ISO (with optional time), YYYYMMDD, M/D/YYYY. */
export function parseChainDate(text: string): number | null {
  const t = text.trim();
  let ymd: [number, number, number] | null = null;
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(t) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(t);
  if (iso) ymd = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  const us = iso ? null : /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t);
  if (us) ymd = [Number(us[3]), Number(us[1]), Number(us[2])];
  if (!ymd) return null;
  const [y, m, d] = ymd;
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== m - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

export function formatEpochDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** Maps header columns to fields; `underlying` alone is the price when numeric, else the symbol. */
function mapColumns(table: CsvTable, file: string, warnings: string[]): Map<Field, number> {
  const squashed = table.header.map(squashHeader);
  const map = new Map<Field, number>();
  for (const field of Object.keys(CHAIN_HEADER_ALIASES) as Field[]) {
    const hits = squashed.flatMap((h, i) => (CHAIN_HEADER_ALIASES[field].includes(h) ? [i] : []));
    if (hits.length === 0) continue;
    map.set(field, hits[0]);
    if (hits.length > 1) {
      warnings.push(
        `${file}: columns ${hits.map((i) => `"${shown(table.header[i])}"`).join(', ')} all look like ${field}; used "${shown(table.header[hits[0]])}".`,
      );
    }
  }
  const und = squashed.indexOf('underlying');
  if (und >= 0) {
    const numeric = table.rows.every((r) => r[und].trim() === '' || NUMBER_RE.test(r[und].trim()));
    const target: Field = numeric ? 'spot' : 'symbol';
    if (!map.has(target)) map.set(target, und);
  }
  return map;
}

/** Cells that mean "no value" (a missing quote is not an unreadable one). */
const MISSING_RE = /^\s*([+-]?(nan|null|n\/a|na)|-)?\s*$/i;

function isMissing(text: string): boolean {
  return MISSING_RE.test(text);
}

/** A number, or NaN when the cell is missing or unreadable (tell them apart with isMissing). */
function num(text: string): number {
  if (isMissing(text)) return Number.NaN;
  const t = text.trim();
  return NUMBER_RE.test(t) ? Number(t) : Number.NaN;
}

export function parseOptionChainCsv(text: string, opts: ChainImportOptions): ParsedChainFile {
  const file = opts.fileName || 'chain.csv';
  const table = parseCsv(text, file);
  if (table.rows.length === 0) throw new ChainImportError(`${file}: the file has a header but no quote rows`);
  const warnings: string[] = [];
  const col = mapColumns(table, file, warnings);
  const missing: string[] = [];
  if (!col.has('expiry') && !col.has('days')) missing.push('expiry (or days to expiry)');
  for (const f of ['strike', 'type'] as const) if (!col.has(f)) missing.push(f);
  if (!col.has('bid') && !col.has('ask') && !col.has('last')) missing.push('bid/ask (or last)');
  if (missing.length > 0) {
    throw new ChainImportError(`${file}: missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header: ${shown(table.header.join(','), 200)})`);
  }
  const columns: Record<string, string> = {};
  for (const [f, i] of col) columns[f] = table.header[i];
  const at = (r: number, f: Field): string => {
    const i = col.get(f);
    return i === undefined ? '' : table.rows[r][i];
  };
  const where = (r: number, f: Field) => `${file}: line ${table.lines[r]}, field "${shown(table.header[col.get(f) ?? 0])}"`;

  // File-level substitutions.
  const fixedQuoteDay = (() => {
    if (col.has('quoteDate')) return null;
    if (!opts.quoteDate) {
      throw new ChainImportError(`${file}: no quote-date column (quote_date, date, trade_date …) and no quote date given in the import form`);
    }
    const d = parseChainDate(opts.quoteDate);
    if (d === null) throw new ChainImportError(`quote date "${shown(opts.quoteDate)}" is not a date (YYYY-MM-DD)`);
    warnings.push(`Quote date ${formatEpochDay(d)} from the import form (the file has no quote-date column).`);
    return d;
  })();
  const fixedSymbol = (() => {
    if (col.has('symbol')) return null;
    const s = opts.underlying?.trim();
    if (!s) throw new ChainImportError(`${file}: no underlying symbol column (symbol, ticker, underlying_symbol …) and no symbol given in the import form`);
    warnings.push(`Underlying symbol ${s} from the import form (the file has no symbol column).`);
    return s;
  })();
  const fixedValue = (field: 'spot' | 'rate' | 'dividendYield', given: number | undefined, label: string, hint: string) => {
    if (col.has(field)) return null;
    if (given === undefined || !Number.isFinite(given)) {
      throw new ChainImportError(`${file}: no ${label} column (${hint}) and no ${label} given in the import form`);
    }
    warnings.push(`${label[0].toUpperCase()}${label.slice(1)} ${given} from the import form (the file has no ${label} column).`);
    return given;
  };
  const fixedSpot = fixedValue('spot', opts.spot, 'underlying price', 'underlying, underlying_price, spot …');
  const fixedRate = fixedValue('rate', opts.rate, 'rate', 'rate, risk_free_rate …');
  const fixedQ = fixedValue('dividendYield', opts.dividendYield, 'dividend yield', 'dividend_yield, q …');

  interface Acc {
    underlying: string;
    quoteDay: number;
    rows: number[];
    spot: number;
    spotRow: number;
    rate: number;
    rateRow: number;
    q: number;
    qRow: number;
  }
  const groups = new Map<string, Acc>();
  const rowSpot = new Float64Array(table.rows.length);
  const rowRate = new Float64Array(table.rows.length);
  const rowQ = new Float64Array(table.rows.length);
  for (let r = 0; r < table.rows.length; r++) {
    let quoteDay = fixedQuoteDay;
    if (quoteDay === null) {
      quoteDay = parseChainDate(at(r, 'quoteDate'));
      if (quoteDay === null) throw new ChainImportError(`${where(r, 'quoteDate')}: "${shown(at(r, 'quoteDate'))}" is not a date (YYYY-MM-DD)`);
    }
    const underlying = fixedSymbol ?? at(r, 'symbol').trim();
    if (!underlying) throw new ChainImportError(`${where(r, 'symbol')}: the underlying symbol is empty`);
    if (underlying.includes('|')) throw new ChainImportError(`${where(r, 'symbol')}: symbol "${shown(underlying)}" must not contain "|"`);
    rowSpot[r] = fixedSpot ?? num(at(r, 'spot'));
    rowRate[r] = fixedRate ?? num(at(r, 'rate'));
    rowQ[r] = fixedQ ?? num(at(r, 'dividendYield'));
    if (Math.abs(rowRate[r]) > 1) {
      throw new ChainImportError(`${where(r, 'rate')}: rate ${rowRate[r]} looks like a percentage; give rates as decimals (0.05 for 5 %)`);
    }
    if (Math.abs(rowQ[r]) > 1) {
      throw new ChainImportError(
        `${where(r, 'dividendYield')}: dividend yield ${rowQ[r]} looks like a percentage; give yields as decimals (0.015 for 1.5 %)`,
      );
    }
    const key = `${underlying}|${quoteDay}`;
    let g = groups.get(key);
    if (!g) {
      g = { underlying, quoteDay, rows: [], spot: Number.NaN, spotRow: -1, rate: Number.NaN, rateRow: -1, q: Number.NaN, qRow: -1 };
      groups.set(key, g);
    }
    g.rows.push(r);
    // One chain shares one spot, rate and dividend yield (the surface is built on one forward curve).
    const check = (v: number, field: 'spot' | 'rate' | 'dividendYield', label: string) => {
      if (!Number.isFinite(v)) return;
      const prev = field === 'spot' ? g.spot : field === 'rate' ? g.rate : g.q;
      const prevRow = field === 'spot' ? g.spotRow : field === 'rate' ? g.rateRow : g.qRow;
      if (prevRow < 0) {
        if (field === 'spot') [g.spot, g.spotRow] = [v, r];
        else if (field === 'rate') [g.rate, g.rateRow] = [v, r];
        else [g.q, g.qRow] = [v, r];
      } else if (v !== prev) {
        throw new ChainImportError(
          `${file}: lines ${table.lines[prevRow]} and ${table.lines[r]} give different ${label}s (${prev} and ${v}) for ${underlying} on ${formatEpochDay(quoteDay)}; one chain needs one ${label} — split the file or make them equal`,
        );
      }
    };
    check(rowSpot[r], 'spot', 'underlying price');
    check(rowRate[r], 'rate', 'rate');
    check(rowQ[r], 'dividendYield', 'dividend yield');
  }

  const out: ParsedChainGroup[] = [];
  for (const g of groups.values()) {
    const what = `${g.underlying} on ${formatEpochDay(g.quoteDay)}`;
    if (!(g.spot > 0)) throw new ChainImportError(`${file}: no positive underlying price for ${what}`);
    if (!Number.isFinite(g.rate)) throw new ChainImportError(`${file}: no rate for ${what}`);
    if (!Number.isFinite(g.q)) throw new ChainImportError(`${file}: no dividend yield for ${what}`);
    const n = g.rows.length;
    const grp: ParsedChainGroup = {
      underlying: g.underlying,
      quoteDate: formatEpochDay(g.quoteDay),
      spot: g.spot,
      rate: g.rate,
      dividendYield: g.q,
      line: new Int32Array(n),
      expiry: new Array<string>(n).fill(''),
      T: new Float64Array(n).fill(Number.NaN),
      isCall: new Uint8Array(n).fill(255),
      strike: new Float64Array(n).fill(Number.NaN),
      bid: new Float64Array(n).fill(Number.NaN),
      ask: new Float64Array(n).fill(Number.NaN),
      last: new Float64Array(n).fill(Number.NaN),
      parseError: new Array<string | null>(n).fill(null),
    };
    for (let j = 0; j < n; j++) {
      const r = g.rows[j];
      grp.line[j] = table.lines[r];
      const problems: string[] = [];
      const field = (f: Field) => `"${shown(table.header[col.get(f) ?? 0])}"`;
      // expiry / days
      if (col.has('expiry')) {
        const d = parseChainDate(at(r, 'expiry'));
        if (d === null) problems.push(`${field('expiry')} "${shown(at(r, 'expiry'))}" is not a date`);
        else {
          grp.expiry[j] = formatEpochDay(d);
          grp.T[j] = (d - g.quoteDay) / 365;
        }
      } else {
        const days = num(at(r, 'days'));
        if (!Number.isFinite(days)) problems.push(`${field('days')} "${shown(at(r, 'days'))}" is not a number`);
        else {
          grp.expiry[j] = Number.isInteger(days) ? formatEpochDay(g.quoteDay + days) : '';
          grp.T[j] = days / 365;
        }
      }
      const k = num(at(r, 'strike'));
      if (Number.isNaN(k)) problems.push(`${field('strike')} "${shown(at(r, 'strike'))}" is not a number`);
      grp.strike[j] = k;
      const type = at(r, 'type').trim().toLowerCase();
      if (type === 'call' || type === 'c') grp.isCall[j] = 1;
      else if (type === 'put' || type === 'p') grp.isCall[j] = 0;
      else problems.push(`${field('type')} "${shown(at(r, 'type'))}" is not call or put`);
      for (const f of ['bid', 'ask', 'last'] as const) {
        if (!col.has(f)) continue;
        const raw = at(r, f);
        const v = num(raw);
        if (Number.isNaN(v) && !isMissing(raw)) problems.push(`${field(f)} "${shown(raw)}" is not a number`);
        grp[f][j] = v;
      }
      if (!Number.isFinite(rowSpot[r]) && fixedSpot === null) problems.push(`${field('spot')} "${shown(at(r, 'spot'))}" is not a number`);
      if (problems.length > 0) grp.parseError[j] = problems.join('; ');
    }
    out.push(grp);
  }
  out.sort((a, b) => (a.underlying < b.underlying ? -1 : a.underlying > b.underlying ? 1 : a.quoteDate < b.quoteDate ? -1 : 1));
  return { groups: out, columns, warnings, rows: table.rows.length };
}
