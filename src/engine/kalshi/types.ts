/**
 * Kalshi event-market records in the current schema (engine-trading §6.1), after
 * normalisation. Times are epoch milliseconds UTC (NaN = absent) so the snapshot code can
 * compare them without parsing; storage and outputs carry ISO strings.
 */

/** One market (a Kalshi event: a set of contracts on one macro release). */
export interface EventMarket {
  market_id: string;
  event_id: string;
  /** upper-case release family: CPI, FOMC, UNEMPLOYMENT, NFP, GDP, … ('' when unknown) */
  event_type: string;
  title: string;
  subtitle: string;
  rules_text: string;
  open_ts: number;
  close_ts: number;
  settle_ts: number;
  /** release time of the underlying number, when known */
  release_ts: number;
  status: string;
}

/** One binary contract of a market. NaN bounds = absent. */
export interface EventContract {
  contract_id: string;
  market_id: string;
  bin_low: number;
  bin_high: number;
  threshold_value: number;
  payout_structure: string;
  direction: string;
  subtitle: string;
  status: string;
}

/**
 * Quotes of one market, columnar, sorted by (contract, ts). `contract[i]` indexes
 * `contractIds`. Prices are as given (cents or probabilities; the snapshot detects which).
 */
export interface MarketQuotes extends QuoteColumns {
  market_id: string;
  contractIds: string[];
  contract: Int32Array;
}

/** One row of event_outcomes (a print of the released number as known at asof_ts). */
export interface EventOutcome {
  event_id: string;
  realized_value: number;
  release_ts: number;
  asof_ts: number;
  source: string;
  learned_at_ts: number;
}

/** A macro release an event market settles on. */
export interface MacroEvent {
  event_id: string;
  event_type: string;
  release_ts: number;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Stale-cutoff multiplier by event type (quality.py). */
export const STALE_TYPE_MULTIPLIER: Readonly<Record<string, number>> = { CPI: 0.8, UNEMPLOYMENT: 0.9, FOMC: 0.7 };

/** Fixed tail thresholds by event type (distribution.py); others use DEFAULT_TAIL_THRESHOLDS. */
export const TAIL_THRESHOLDS: Readonly<Record<string, readonly [number, number, number]>> = {
  CPI: [3.0, 3.5, 4.0],
  UNEMPLOYMENT: [4.0, 4.2, 4.5],
  FOMC: [0, 25, 50],
};
export const DEFAULT_TAIL_THRESHOLDS: readonly [number, number, number] = [0, 0.5, 1.0];

/** Purge days before release by event type (events.py); others use DEFAULT_PURGE_DAYS. */
export const PURGE_DAYS: Readonly<Record<string, number>> = { CPI: 3, FOMC: 1, UNEMPLOYMENT: 2, GDP: 3 };
export const DEFAULT_PURGE_DAYS = 2;

export function purgeDays(eventType: string): number {
  return PURGE_DAYS[eventType] ?? DEFAULT_PURGE_DAYS;
}

/** Event time used by the stale cutoff: settle, else close, else release. */
export function marketEventTime(m: EventMarket): number {
  if (Number.isFinite(m.settle_ts)) return m.settle_ts;
  if (Number.isFinite(m.close_ts)) return m.close_ts;
  return m.release_ts;
}

export function isoOrNull(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The per-quote columns every quote table has (time, prices, volume, open interest). */
export interface QuoteColumns {
  ts: Float64Array;
  bid: Float64Array;
  ask: Float64Array;
  mid: Float64Array;
  last: Float64Array;
  volume: Float64Array;
  oi: Float64Array;
}

/** `n` rows of quote columns, zero-filled. */
export function quoteColumns(n: number): QuoteColumns {
  return {
    ts: new Float64Array(n),
    bid: new Float64Array(n),
    ask: new Float64Array(n),
    mid: new Float64Array(n),
    last: new Float64Array(n),
    volume: new Float64Array(n),
    oi: new Float64Array(n),
  };
}
