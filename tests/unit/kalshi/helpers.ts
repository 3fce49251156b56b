import type { EventContract, EventMarket, MarketQuotes } from '../../../src/engine/kalshi/types';

export const T0 = Date.UTC(2024, 5, 1, 12, 0, 0);
export const MIN = 60_000;
export const DAY = 86_400_000;

export function market(over: Partial<EventMarket> = {}): EventMarket {
  return {
    market_id: 'M1',
    event_id: 'E1',
    event_type: 'UNEMPLOYMENT',
    title: '',
    subtitle: '',
    rules_text: '',
    open_ts: Number.NaN,
    close_ts: Number.NaN,
    settle_ts: T0 + 2 * DAY,
    release_ts: Number.NaN,
    status: 'open',
    ...over,
  };
}

export function thresholdContracts(ks: number[], direction = '', payout = 'binary'): EventContract[] {
  return ks.map((k, i) => ({
    contract_id: `C${i}`,
    market_id: 'M1',
    bin_low: Number.NaN,
    bin_high: Number.NaN,
    threshold_value: k,
    payout_structure: payout,
    direction,
    subtitle: '',
    status: 'open',
  }));
}

export function binContracts(edges: [number, number][]): EventContract[] {
  return edges.map(([lo, hi], i) => ({
    contract_id: `C${i}`,
    market_id: 'M1',
    bin_low: lo,
    bin_high: hi,
    threshold_value: Number.NaN,
    payout_structure: 'binary',
    direction: '',
    subtitle: '',
    status: 'open',
  }));
}

export interface QuoteRow {
  c: number;
  ts: number;
  bid?: number;
  ask?: number;
  mid?: number;
  last?: number;
  volume?: number;
  oi?: number;
}

/** Columnar quotes (sorted by contract, ts); mid defaults to (bid + ask)/2. */
export function quotes(contracts: EventContract[], rows: QuoteRow[]): MarketQuotes {
  const ids = contracts.map((c) => c.contract_id);
  const sorted = [...rows].sort((a, b) => a.c - b.c || a.ts - b.ts);
  const f = (g: (r: QuoteRow) => number | undefined) => Float64Array.from(sorted, (r) => g(r) ?? Number.NaN);
  return {
    market_id: 'M1',
    contractIds: ids,
    contract: Int32Array.from(sorted, (r) => r.c),
    ts: f((r) => r.ts),
    bid: f((r) => r.bid),
    ask: f((r) => r.ask),
    mid: f((r) => r.mid ?? (r.bid !== undefined && r.ask !== undefined ? (r.bid + r.ask) / 2 : undefined)),
    last: f((r) => r.last),
    volume: f((r) => r.volume ?? 100),
    oi: f((r) => r.oi ?? 500),
  };
}

/** One quote per contract at `ts` with the given mids (cents), bid/ask ±1 cent. */
export function quotesAt(contracts: EventContract[], mids: (number | null)[], ts: number): MarketQuotes {
  const rows: QuoteRow[] = [];
  mids.forEach((m, c) => {
    if (m !== null) rows.push({ c, ts, bid: m - 1, ask: m + 1 });
  });
  return quotes(contracts, rows);
}
