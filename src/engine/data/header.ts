/**
 * Header names → fields (contract A.1). A name is normalised (trim, lower-case, each run of
 * spaces/hyphens → `_`), then each field takes the first alias of its list, in list order,
 * that names some column (the leftmost such column). So `ts_utc` beats `ts_new_york` whatever
 * their column order, and `open` beats `o`. Unlisted columns are ignored.
 */
import { ImportError } from './errors';

export const FIELD_ALIASES = {
  timestamp: ['ts_utc', 'timestamp', 'datetime', 'date', 'time', 'ts', 'ts_new_york'],
  ticker: ['ticker', 'symbol'],
  open: ['open', 'o'],
  high: ['high', 'h'],
  low: ['low', 'l'],
  close: ['close', 'c'],
  adjClose: ['adj_close', 'adjclose', 'adjusted_close'],
  volume: ['volume', 'vol', 'v'],
} as const;

export type HeaderField = keyof typeof FIELD_ALIASES;

/** Column index per field, -1 when the file has no such column. */
export type ColumnMap = Record<HeaderField, number>;

export function normalizeHeaderName(name: string): string {
  return name.trim().toLowerCase().replace(/[ -]+/g, '_');
}

/** Maps fields to columns; throws when the timestamp or close column is missing. */
export function mapHeader(names: readonly string[], file: string): ColumnMap {
  const norm = names.map(normalizeHeaderName);
  const map = {} as ColumnMap;
  for (const field of Object.keys(FIELD_ALIASES) as HeaderField[]) {
    map[field] = -1;
    for (const alias of FIELD_ALIASES[field]) {
      const idx = norm.indexOf(alias);
      if (idx >= 0) {
        map[field] = idx;
        break;
      }
    }
  }
  for (const required of ['timestamp', 'close'] as const) {
    if (map[required] < 0) {
      const shown = names.length > 12 ? `${names.slice(0, 12).join(', ')}, …` : names.join(', ');
      throw new ImportError(
        'missing_column',
        file,
        `no ${required} column (accepted names: ${FIELD_ALIASES[required].join(', ')}; header is: ${truncate(shown, 200)})`,
      );
    }
  }
  return map;
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
