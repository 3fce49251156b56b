/**
 * Kalshi files → normalised records (engine-trading §6.1 normalisation), from CSV or JSON
 * text. Field aliases follow the source (ticker → market_id / contract_id, floor_strike →
 * bin_low, cap_strike → bin_high, strike → threshold_value, settlement_type →
 * payout_structure, last|price, open_interest → oi, ts|created_time). Every error names the
 * file, the row (file line for CSV, array index for JSON) and the field; nothing is returned
 * from a file with any bad row.
 */
import { parseCsv } from '../iv/csv-table';
import type { EventContract, EventMarket, EventOutcome, MarketQuotes } from './types';
import { type QuoteColumns, quoteColumns } from './types';

export class KalshiInputError extends Error {
  constructor(
    readonly file: string,
    readonly row: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}, ${row}, field "${field}": ${detail}`);
    this.name = 'KalshiInputError';
  }
}

export type KalshiFileKind = 'markets' | 'quotes' | 'outcomes';

/** One input record with its location, whatever the file format. */
interface Rec {
  where: string;
  get(name: string): unknown;
}

function records(text: string, file: string, jsonKey: string): Rec[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new KalshiInputError(file, '(whole file)', '(json)', `not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const list = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[jsonKey] : undefined;
    if (!Array.isArray(list)) throw new KalshiInputError(file, '(root)', jsonKey, `expected an array, or an object with an array "${jsonKey}"`);
    return list.map((item, i) => {
      const where = `${jsonKey}[${i}]`;
      if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new KalshiInputError(file, where, '(record)', 'expected an object');
      const o = item as Record<string, unknown>;
      return { where, get: (n: string) => o[n] };
    });
  }
  const table = parseCsv(text, file);
  const index = new Map<string, number>();
  table.header.forEach((h, i) => {
    index.set(h.trim().toLowerCase(), i);
  });
  return table.rows.map((row, r) => ({
    where: `line ${table.lines[r]}`,
    get: (n: string) => {
      const i = index.get(n);
      if (i === undefined) return undefined;
      const v = row[i]?.trim() ?? '';
      return v === '' ? undefined : v;
    },
  }));
}

function pick(rec: Rec, names: readonly string[]): { name: string; value: unknown } {
  for (const n of names) {
    const v = rec.get(n);
    if (v !== undefined && v !== null && v !== '') return { name: n, value: v };
  }
  return { name: names[0], value: undefined };
}

function reqString(rec: Rec, file: string, names: readonly string[]): string {
  const { value } = pick(rec, names);
  if (value === undefined) throw new KalshiInputError(file, rec.where, names.join(' | '), 'missing');
  if (typeof value !== 'string' && typeof value !== 'number') throw new KalshiInputError(file, rec.where, names[0], 'expected text');
  return String(value).trim();
}

function optString(rec: Rec, names: readonly string[]): string {
  const { value } = pick(rec, names);
  return value === undefined ? '' : String(value).trim();
}

function optNumber(rec: Rec, file: string, names: readonly string[]): number {
  const { name, value } = pick(rec, names);
  if (value === undefined) return Number.NaN;
  const v = typeof value === 'number' ? value : Number(String(value).trim());
  if (typeof value === 'boolean' || !Number.isFinite(v)) throw new KalshiInputError(file, rec.where, name, `"${String(value)}" is not a number`);
  return v;
}

/**
 * ISO-8601 (a time without a zone is UTC, never local time) or epoch seconds / milliseconds.
 * Returns NaN when absent.
 */
export function parseTimestamp(value: unknown): number {
  if (value === undefined || value === null || value === '') return Number.NaN;
  if (typeof value === 'number' || /^\d+(\.\d+)?$/.test(String(value).trim())) {
    const n = Number(value);
    return n > 1e11 ? n : n * 1000;
  }
  let s = String(value).trim();
  if (/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) s = `${s.replace(' ', 'T')}Z`;
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return Number.NaN;
  return Date.parse(s);
}

function time(rec: Rec, file: string, names: readonly string[], required: boolean): number {
  const { name, value } = pick(rec, names);
  if (value === undefined) {
    if (required) throw new KalshiInputError(file, rec.where, names.join(' | '), 'missing');
    return Number.NaN;
  }
  const t = parseTimestamp(value);
  if (!Number.isFinite(t)) throw new KalshiInputError(file, rec.where, name, `"${String(value)}" is not an ISO-8601 time or epoch seconds`);
  return t;
}

const upper = (s: string) => s.trim().toUpperCase();

export interface ParsedMarkets {
  markets: EventMarket[];
  contracts: EventContract[];
}

function contractFrom(rec: Rec, file: string, marketId: string): EventContract {
  const c: EventContract = {
    contract_id: reqString(rec, file, ['contract_id', 'contract_ticker', 'ticker']),
    market_id: marketId,
    bin_low: optNumber(rec, file, ['bin_low', 'floor_strike']),
    bin_high: optNumber(rec, file, ['bin_high', 'cap_strike']),
    threshold_value: optNumber(rec, file, ['threshold_value', 'strike']),
    payout_structure: optString(rec, ['payout_structure', 'settlement_type']) || 'binary',
    direction: optString(rec, ['direction', 'strike_type']),
    subtitle: optString(rec, ['contract_subtitle', 'subtitle', 'yes_sub_title']),
    status: optString(rec, ['contract_status', 'status']),
  };
  if (Number.isFinite(c.bin_low) && Number.isFinite(c.bin_high) && c.bin_low > c.bin_high) {
    throw new KalshiInputError(file, rec.where, 'bin_low', `bin_low ${c.bin_low} is above bin_high ${c.bin_high}`);
  }
  return c;
}

function marketFrom(rec: Rec, file: string, idNames: readonly string[]): EventMarket {
  const m: EventMarket = {
    market_id: reqString(rec, file, idNames),
    event_id: reqString(rec, file, ['event_id', 'event_ticker']),
    event_type: upper(optString(rec, ['event_type', 'series', 'series_ticker'])),
    title: optString(rec, ['title']),
    subtitle: optString(rec, ['market_subtitle', 'sub_title']),
    rules_text: optString(rec, ['rules_text', 'rules_primary', 'rules']),
    open_ts: time(rec, file, ['open_ts', 'open_time'], false),
    close_ts: time(rec, file, ['close_ts', 'close_time'], false),
    settle_ts: time(rec, file, ['settle_ts', 'settlement_ts', 'expiration_time'], false),
    release_ts: time(rec, file, ['release_ts', 'strike_date'], false),
    status: optString(rec, ['market_status', 'status']),
  };
  return m;
}

/**
 * Markets with their contracts. CSV: one row per contract carrying its market's columns
 * (market_id | market_ticker, event_id, event_type, title, rules_text, times …, contract_id,
 * bin_low/bin_high or threshold_value, direction). JSON: markets with a `contracts` array.
 */
export function parseMarketsFile(text: string, file: string): ParsedMarkets {
  const recs = records(text, file, 'markets');
  const markets = new Map<string, EventMarket>();
  const contracts = new Map<string, EventContract>();
  const addContract = (c: EventContract, where: string) => {
    const prev = contracts.get(c.contract_id);
    if (prev && prev.market_id !== c.market_id) {
      throw new KalshiInputError(file, where, 'contract_id', `contract ${c.contract_id} is listed under markets ${prev.market_id} and ${c.market_id}`);
    }
    contracts.set(c.contract_id, c);
  };
  for (const rec of recs) {
    const nested = rec.get('contracts');
    if (nested !== undefined) {
      const m = marketFrom(rec, file, ['market_id', 'market_ticker', 'ticker']);
      markets.set(m.market_id, m);
      if (!Array.isArray(nested)) throw new KalshiInputError(file, rec.where, 'contracts', 'expected an array');
      nested.forEach((item, j) => {
        const where = `${rec.where}.contracts[${j}]`;
        if (typeof item !== 'object' || item === null) throw new KalshiInputError(file, where, '(record)', 'expected an object');
        const o = item as Record<string, unknown>;
        addContract(contractFrom({ where, get: (n) => o[n] }, file, m.market_id), where);
      });
      continue;
    }
    const m = marketFrom(rec, file, ['market_id', 'market_ticker']);
    const prev = markets.get(m.market_id);
    if (prev && prev.event_id !== m.event_id) {
      throw new KalshiInputError(file, rec.where, 'event_id', `market ${m.market_id} has event ${prev.event_id} on an earlier row and ${m.event_id} here`);
    }
    if (!prev) markets.set(m.market_id, m);
    addContract(contractFrom(rec, file, m.market_id), rec.where);
  }
  if (markets.size === 0) throw new KalshiInputError(file, '(whole file)', '(rows)', 'no markets');
  return { markets: [...markets.values()], contracts: [...contracts.values()] };
}

/** Quote rows in file order (prices as given). */
export interface QuoteRows extends QuoteColumns {
  contract_id: string[];
}

export function parseQuotesFile(text: string, file: string): QuoteRows {
  const recs = records(text, file, 'quotes');
  const n = recs.length;
  if (n === 0) throw new KalshiInputError(file, '(whole file)', '(rows)', 'no quotes');
  const q: QuoteRows = {
    contract_id: new Array(n),
    ...quoteColumns(n),
  };
  for (let i = 0; i < n; i++) {
    const rec = recs[i];
    q.contract_id[i] = reqString(rec, file, ['contract_id', 'contract_ticker', 'ticker']);
    q.ts[i] = time(rec, file, ['ts', 'created_time'], true);
    const bid = optNumber(rec, file, ['bid', 'yes_bid']);
    const ask = optNumber(rec, file, ['ask', 'yes_ask']);
    let mid = optNumber(rec, file, ['mid']);
    const last = optNumber(rec, file, ['last', 'price', 'last_price']);
    for (const [name, v] of [['bid', bid], ['ask', ask], ['mid', mid], ['last', last]] as const) {
      if (v < 0) throw new KalshiInputError(file, rec.where, name, `negative price ${v}`);
    }
    if (Number.isFinite(bid) && Number.isFinite(ask) && bid > ask) throw new KalshiInputError(file, rec.where, 'bid', `bid ${bid} is above ask ${ask}`);
    if (!Number.isFinite(mid) && Number.isFinite(bid) && Number.isFinite(ask)) mid = (bid + ask) / 2;
    if (!Number.isFinite(mid) && !Number.isFinite(last)) throw new KalshiInputError(file, rec.where, 'bid/ask/mid/last', 'no price: give bid and ask, mid, or last');
    q.bid[i] = bid;
    q.ask[i] = ask;
    q.mid[i] = mid;
    q.last[i] = last;
    q.volume[i] = optNumber(rec, file, ['volume']);
    q.oi[i] = optNumber(rec, file, ['oi', 'open_interest']);
  }
  return q;
}

export function parseOutcomesFile(text: string, file: string): EventOutcome[] {
  const recs = records(text, file, 'outcomes');
  if (recs.length === 0) throw new KalshiInputError(file, '(whole file)', '(rows)', 'no outcomes');
  const seen = new Set<string>();
  return recs.map((rec) => {
    const o: EventOutcome = {
      event_id: reqString(rec, file, ['event_id']),
      realized_value: optNumber(rec, file, ['realized_value']),
      release_ts: time(rec, file, ['release_ts'], true),
      asof_ts: time(rec, file, ['asof_ts'], true),
      source: optString(rec, ['source']),
      learned_at_ts: time(rec, file, ['learned_at_ts'], false),
    };
    if (!Number.isFinite(o.realized_value)) throw new KalshiInputError(file, rec.where, 'realized_value', 'missing');
    if (!Number.isFinite(o.learned_at_ts)) o.learned_at_ts = o.asof_ts;
    const key = `${o.event_id}|${o.asof_ts}`;
    if (seen.has(key)) throw new KalshiInputError(file, rec.where, 'asof_ts', `duplicate (event_id, asof_ts) = (${o.event_id}, ${new Date(o.asof_ts).toISOString()})`);
    seen.add(key);
    return o;
  });
}

/**
 * Groups quote rows by market (via each contract's market), sorted by (contract, ts); a later
 * row for the same (contract, ts) replaces an earlier one. Unknown contracts are an error.
 */
export function groupQuotes(rows: QuoteRows, contractMarket: ReadonlyMap<string, string>, file: string): MarketQuotes[] {
  const byMarket = new Map<string, number[]>();
  for (let i = 0; i < rows.contract_id.length; i++) {
    const m = contractMarket.get(rows.contract_id[i]);
    if (m === undefined) {
      throw new KalshiInputError(file, `row ${i + 1}`, 'contract_id', `contract "${rows.contract_id[i]}" is not in any imported or stored markets file — import its markets first`);
    }
    const list = byMarket.get(m);
    if (list) list.push(i);
    else byMarket.set(m, [i]);
  }
  const out: MarketQuotes[] = [];
  for (const [market_id, idx] of byMarket) out.push(columnarQuotes(market_id, rows, idx));
  return out.sort((a, b) => (a.market_id < b.market_id ? -1 : 1));
}

function columnarQuotes(market_id: string, rows: QuoteRows, idx: number[]): MarketQuotes {
  const ids = [...new Set(idx.map((i) => rows.contract_id[i]))].sort();
  const slot = new Map(ids.map((c, k) => [c, k] as const));
  // Stable sort by (contract, ts); ties keep file order so the last row wins below.
  const sorted = idx
    .map((i, pos) => ({ i, pos, c: slot.get(rows.contract_id[i]) as number }))
    .sort((a, b) => a.c - b.c || rows.ts[a.i] - rows.ts[b.i] || a.pos - b.pos);
  const keep: typeof sorted = [];
  for (const s of sorted) {
    const prev = keep[keep.length - 1];
    if (prev && prev.c === s.c && rows.ts[prev.i] === rows.ts[s.i]) keep[keep.length - 1] = s;
    else keep.push(s);
  }
  const take = (col: Float64Array) => Float64Array.from(keep, (s) => col[s.i]);
  return {
    market_id,
    contractIds: ids,
    contract: Int32Array.from(keep, (s) => s.c),
    ts: take(rows.ts),
    bid: take(rows.bid),
    ask: take(rows.ask),
    mid: take(rows.mid),
    last: take(rows.last),
    volume: take(rows.volume),
    oi: take(rows.oi),
  };
}

/** Merges stored and new quotes of one market (new rows win on equal (contract, ts)). */
export function mergeQuotes(stored: MarketQuotes, incoming: MarketQuotes): MarketQuotes {
  const n = stored.ts.length + incoming.ts.length;
  const rows: QuoteRows = {
    contract_id: new Array(n),
    ...quoteColumns(n),
  };
  let k = 0;
  for (const q of [stored, incoming]) {
    for (let i = 0; i < q.ts.length; i++, k++) {
      rows.contract_id[k] = q.contractIds[q.contract[i]];
      rows.ts[k] = q.ts[i];
      rows.bid[k] = q.bid[i];
      rows.ask[k] = q.ask[i];
      rows.mid[k] = q.mid[i];
      rows.last[k] = q.last[i];
      rows.volume[k] = q.volume[i];
      rows.oi[k] = q.oi[i];
    }
  }
  return columnarQuotes(stored.market_id, rows, Array.from({ length: n }, (_, i) => i));
}

/** Which Kalshi file a text is, from its header (CSV) or first record's keys (JSON); null if unclear. */
export function detectKalshiFileKind(text: string): KalshiFileKind | null {
  const t = text.trimStart();
  let keys: string[];
  if (t.startsWith('[') || t.startsWith('{')) {
    try {
      const body = JSON.parse(text) as unknown;
      if (!Array.isArray(body) && typeof body === 'object' && body !== null) {
        for (const k of ['markets', 'quotes', 'outcomes'] as const) if (Array.isArray((body as Record<string, unknown>)[k])) return k;
      }
      const first = Array.isArray(body) ? body[0] : undefined;
      keys = typeof first === 'object' && first !== null ? Object.keys(first).map((k) => k.toLowerCase()) : [];
    } catch {
      return null;
    }
  } else {
    const line = t.split(/\r?\n/, 1)[0] ?? '';
    keys = line.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
  }
  const has = (...names: string[]) => names.some((n) => keys.includes(n));
  if (has('realized_value')) return 'outcomes';
  if (has('event_id', 'event_ticker', 'contracts') && has('market_id', 'market_ticker', 'contracts', 'ticker')) return 'markets';
  if (has('ts', 'created_time') && has('bid', 'ask', 'mid', 'last', 'price', 'yes_bid')) return 'quotes';
  return null;
}
