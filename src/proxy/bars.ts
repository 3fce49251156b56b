import { PROXY_BAR_VALUE_COLUMNS, type ProxyBars, type ProxyBarValueColumn, type YahooInterval } from '../engine/contracts';

export type BarColumns = Record<ProxyBarValueColumn, (number | null)[]>;

export interface BarsInput {
  ticker: string;
  source: 'yahoo' | 'stooq';
  interval: YahooInterval;
  timezone: string | null;
  currency: string | null;
  ts: string[];
  columns: BarColumns;
  /**
   * Columns the upstream does not provide at all: a reason is shown to the user as a warning;
   * null means the column is absent by the format's nature (no warning).
   */
  absent: Partial<Record<ProxyBarValueColumn, string | null>>;
}

/**
 * Assembles served bars and their warnings: each column with null values the upstream sent
 * gets one warning (count and first date); columns the upstream lacks get their reason.
 */
export function assembleBars(b: BarsInput): { data: ProxyBars; warnings: string[] } {
  const warnings: string[] = [];
  const label = `${b.source} ${b.ticker} ${b.interval}`;
  if (b.ts.length === 0) warnings.push(`${label}: no bars in the requested range`);
  const nullCounts = {} as Record<ProxyBarValueColumn, number>;
  for (const c of PROXY_BAR_VALUE_COLUMNS) {
    const col = b.columns[c];
    let count = 0;
    let first = -1;
    for (let i = 0; i < col.length; i++) {
      if (col[i] === null) {
        count++;
        if (first < 0) first = i;
      }
    }
    nullCounts[c] = count;
    const reason = b.absent[c];
    if (reason !== undefined) {
      if (reason !== null && b.ts.length > 0) warnings.push(`${label}: ${c} is null in every row (${reason})`);
    } else if (count > 0) {
      warnings.push(`${label}: ${c} has ${count} null value${count === 1 ? '' : 's'} from the upstream (first at ${b.ts[first]}); left as null`);
    }
  }
  return {
    data: {
      ticker: b.ticker,
      source: b.source,
      interval: b.interval,
      timezone: b.timezone,
      currency: b.currency,
      rows: b.ts.length,
      ts: b.ts,
      ...b.columns,
      nullCounts,
    },
    warnings,
  };
}

/** `YYYY-MM-DDTHH:MM:SSZ` of epoch seconds. */
export function isoInstant(epochSec: number): string {
  return `${new Date(epochSec * 1000).toISOString().slice(0, 19)}Z`;
}

/** Calendar date of epoch seconds shifted by a UTC offset in seconds. */
export function isoLocalDate(epochSec: number, offsetSec: number): string {
  return new Date((epochSec + offsetSec) * 1000).toISOString().slice(0, 10);
}
