/**
 * Bars → Parquet with hyparquet-writer (pure JS: no DuckDB, no network), shared by `qe import`
 * (the original cache's `TICKER_tf.parquet`) and the app's dataset export. One clean frame per
 * file: `ticker`, then `date` (daily) or `ts_utc` (intraday) as UTC millisecond timestamps,
 * then the OHLCV doubles, in stored (ascending) order. The importer reads such a file back to
 * the same bars (file-import-parquet).
 */
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Bars } from '../engine/contracts';
import { ENGINE_VERSION } from '../engine/core/version';
import type { FileKind } from '../engine/data/normalize';

export const PARQUET_MIME = 'application/vnd.apache.parquet';

/** Parquet columns of one clean frame: `date` (daily) or `ts_utc` (intraday) as UTC millisecond timestamps. */
export function barsToParquet(ticker: string, bars: Bars, kind: FileKind): ArrayBuffer {
  const n = bars.ts.length;
  return parquetWriteBuffer({
    columnData: [
      { name: 'ticker', data: new Array<string>(n).fill(ticker), type: 'STRING', nullable: false },
      { name: kind === 'daily' ? 'date' : 'ts_utc', data: Array.from(bars.ts, (t) => new Date(t)), type: 'TIMESTAMP', nullable: false },
      { name: 'open', data: bars.open, type: 'DOUBLE', nullable: false },
      { name: 'high', data: bars.high, type: 'DOUBLE', nullable: false },
      { name: 'low', data: bars.low, type: 'DOUBLE', nullable: false },
      { name: 'close', data: bars.close, type: 'DOUBLE', nullable: false },
      { name: 'volume', data: bars.volume, type: 'DOUBLE', nullable: false },
    ],
    createdBy: `quant-engine ${ENGINE_VERSION}`,
  });
}
