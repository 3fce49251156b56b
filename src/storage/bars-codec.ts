/**
 * Arrow IPC (stream format) encoding of OHLCV columns — the on-disk format of a dataset and
 * the format DuckDB ingests directly. Imports apache-arrow: use only from workers, the CLI,
 * or behind a dynamic import().
 */
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
import { BAR_COLUMNS, type Bars } from '../engine/contracts';

export class BarsDecodeError extends Error {
  constructor(what: string, detail: string) {
    super(`stored dataset ${what} is unreadable: ${detail}. Delete it and import it again.`);
    this.name = 'BarsDecodeError';
  }
}

/** Encodes the six columns (in BAR_COLUMNS order) into an exact-size ArrayBuffer. */
export function encodeBars(bars: Bars): ArrayBuffer {
  const table = tableFromArrays({
    ts: bars.ts,
    open: bars.open,
    high: bars.high,
    low: bars.low,
    close: bars.close,
    volume: bars.volume,
  });
  const bytes = tableToIPC(table, 'stream');
  // The IPC writer may return a view into a larger buffer; IndexedDB would clone all of it.
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? (bytes.buffer as ArrayBuffer)
    : (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

/** Decodes into fresh Float64Arrays that each own their buffer (so they can be transferred). */
export function decodeBars(bytes: ArrayBuffer | Uint8Array, what = 'dataset'): Bars {
  let table: ReturnType<typeof tableFromIPC>;
  try {
    table = tableFromIPC(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes));
  } catch (e) {
    throw new BarsDecodeError(what, e instanceof Error ? e.message : String(e));
  }
  const out = {} as Record<(typeof BAR_COLUMNS)[number], Float64Array>;
  for (const name of BAR_COLUMNS) {
    const child = table.getChild(name);
    if (!child) throw new BarsDecodeError(what, `column "${name}" is missing`);
    const values = child.toArray() as unknown;
    if (!(values instanceof Float64Array)) {
      throw new BarsDecodeError(what, `column "${name}" is ${String(child.type)}, expected Float64`);
    }
    // slice() copies the bytes exactly (NaN payloads and -0 included) into an own buffer.
    out[name] = values.slice();
  }
  return out;
}
