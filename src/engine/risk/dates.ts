/**
 * Daily date keys for return series. `Int32Array` dates are epoch days; `Float64Array`
 * dates are epoch milliseconds (UTC), reduced to their UTC calendar day. Series must be
 * strictly ascending by day; a benchmark is aligned to a series by inner join on the day.
 */
import { DAY_MS, isoDay } from '../core/time';

export type DateColumn = Int32Array | Float64Array;

/** Bad input to a metrics/risk function; `field` and `index` name the offending value. */
export class SeriesInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
    readonly index: number | null = null,
  ) {
    super(message);
    this.name = 'SeriesInputError';
  }
}

/** Epoch-day keys of a date column, validated finite and strictly ascending. */
export function dayKeys(dates: DateColumn, field = 'dates'): Int32Array {
  const n = dates.length;
  const out = new Int32Array(n);
  const isMs = dates instanceof Float64Array;
  for (let i = 0; i < n; i++) {
    const v = dates[i];
    if (!Number.isFinite(v)) throw new SeriesInputError(`${field}[${i}] is not a finite date`, field, i);
    const day = isMs ? Math.floor(v / DAY_MS) : v;
    if (i > 0) {
      const prev = out[i - 1];
      if (day === prev) {
        throw new SeriesInputError(`${field}[${i}] repeats the date ${isoFromDay(day)}`, field, i);
      }
      if (day < prev) {
        throw new SeriesInputError(
          `${field}[${i}] (${isoFromDay(day)}) is before ${field}[${i - 1}] (${isoFromDay(prev)}); dates must be ascending`,
          field,
          i,
        );
      }
    }
    out[i] = day;
  }
  return out;
}

/** "YYYY-MM-DD" of an epoch day. */
export function isoFromDay(day: number): string {
  return isoDay(day * DAY_MS);
}

/** Row indices of the inner join of two strictly ascending key columns. */
export interface Join {
  /** index into the left series, per joined row */
  left: Int32Array;
  /** index into the right series, per joined row */
  right: Int32Array;
}

export function innerJoin(a: Int32Array, b: Int32Array): Join {
  const cap = Math.min(a.length, b.length);
  const left = new Int32Array(cap);
  const right = new Int32Array(cap);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      left[k] = i++;
      right[k++] = j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return { left: left.slice(0, k), right: right.slice(0, k) };
}

/** Gathers `src[idx[k]]` into a new column. */
export function gather(src: ArrayLike<number>, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let k = 0; k < idx.length; k++) out[k] = src[idx[k]];
  return out;
}

/** Spreads joined-row values back onto `n` rows of the left series (NaN where absent). */
export function scatter(values: Float64Array, idx: Int32Array, n: number): Float64Array {
  const out = new Float64Array(n).fill(Number.NaN);
  for (let k = 0; k < idx.length; k++) out[idx[k]] = values[k];
  return out;
}

/** Throws unless every value is finite. */
export function requireFinite(x: ArrayLike<number>, field: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new SeriesInputError(`${field}[${i}] is not finite (${x[i]})`, field, i);
  }
}
