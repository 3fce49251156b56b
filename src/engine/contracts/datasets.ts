import { arr, isoDate, literal, nullable, num, obj, type Schema, str } from './schema';

export const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'] as const;
export type Timeframe = (typeof TIMEFRAMES)[number];
export const TIMEFRAME_MINUTES: Record<Timeframe, number> = {
  '1m': 1,
  '5m': 5,
  '15m': 15,
  '30m': 30,
  '1h': 60,
  '4h': 240,
  '1d': 1440,
};

/**
 * Columnar OHLCV bars of one ticker and timeframe, ascending by time.
 * `ts` is epoch milliseconds UTC; for daily bars it is 00:00 UTC of the bar's calendar date.
 * Missing values are NaN.
 */
export interface Bars {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export const BAR_COLUMNS = ['ts', 'open', 'high', 'low', 'close', 'volume'] as const;

/** Where a dataset came from: an imported file, the proxy (a live provider) or the seeded demo generator. */
export const DATASET_ORIGINS = ['file', 'proxy', 'demo'] as const;
export type DatasetOrigin = (typeof DATASET_ORIGINS)[number];

export const QUALITY_STATUSES = ['pass', 'warn', 'fail', 'unchecked'] as const;
export type QualityStatus = (typeof QUALITY_STATUSES)[number];

export interface DatasetKey {
  ticker: string;
  timeframe: Timeframe;
}

export function datasetId(key: DatasetKey): string {
  return `${key.ticker}|${key.timeframe}`;
}

export function parseDatasetId(id: string): DatasetKey {
  const [ticker, timeframe] = id.split('|');
  if (!ticker || !(TIMEFRAMES as readonly string[]).includes(timeframe ?? '')) {
    throw new Error(`invalid dataset id "${id}" (expected TICKER|timeframe)`);
  }
  return { ticker, timeframe: timeframe as Timeframe };
}

/** Catalog record of one stored dataset. */
export interface DatasetMeta {
  /** `${ticker}|${timeframe}` */
  id: string;
  ticker: string;
  timeframe: Timeframe;
  origin: DatasetOrigin;
  /** file name or provider name ("yahoo", "stooq", "demo:seed=…") */
  source: string;
  /** when the data was imported, fetched or generated (ISO) */
  storedAt: string;
  rows: number;
  /** first / last bar timestamp (ISO), null when empty */
  first: string | null;
  last: string | null;
  /** hex checksum of the stored columns (stable across runtimes) */
  checksum: string;
  quality: QualityStatus;
  /** bytes of the stored blob */
  bytes: number;
}

export const datasetMetaSchema: Schema<DatasetMeta> = obj({
  id: str(),
  ticker: str(),
  timeframe: literal(...TIMEFRAMES),
  origin: literal(...DATASET_ORIGINS),
  source: str(),
  storedAt: isoDate(),
  rows: num({ int: true, min: 0 }),
  first: nullable(isoDate()),
  last: nullable(isoDate()),
  checksum: str(),
  quality: literal(...QUALITY_STATUSES),
  bytes: num({ int: true, min: 0 }),
});

export const datasetMetaListSchema = arr(datasetMetaSchema);

