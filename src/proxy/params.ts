import { invalidParam } from './errors';

/**
 * Bars ticker: letters, digits and `. ^ = _ -` (indices `^GSPC`, FX `EURUSD=X`, `BRK-B`).
 * Never `.` or `..`: tickers become upstream path segments, where those are dot-segments
 * that URL parsing resolves (`/chart/..` → another upstream path).
 */
export const TICKER_RE = /^(?!\.{1,2}$)[A-Za-z0-9.^=_-]{1,20}$/;
/** Kalshi series/event/market tickers, e.g. `KXHIGHNY-24NOV29-B55.5` (longer than stock tickers). */
export const KALSHI_TICKER_RE = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,64}$/;
/** Kalshi pagination cursors are opaque base64-like tokens. */
export const CURSOR_RE = /^[A-Za-z0-9+/=_.-]{1,512}$/;
export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

const PRINTABLE_NAME = /^[A-Za-z0-9_.-]{1,40}$/;

/**
 * Validated view of a query string: only the listed names are accepted, each at most once;
 * every accessor checks its value and throws an `invalid_param` error naming the parameter
 * (never echoing the value, which might be a secret pasted by mistake).
 */
export class Query {
  private readonly values = new Map<string, string>();

  constructor(params: URLSearchParams, allowed: readonly string[]) {
    for (const [name, value] of params) {
      const shown = PRINTABLE_NAME.test(name) ? name : '(unprintable name)';
      if (!allowed.includes(name)) {
        throw invalidParam(shown, `unknown parameter (allowed: ${allowed.length ? allowed.join(', ') : 'none'})`);
      }
      if (this.values.has(name)) throw invalidParam(name, 'given more than once');
      if (value.length > 512) throw invalidParam(name, 'longer than 512 characters');
      this.values.set(name, value);
    }
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** String matching `re`; `undefined` when absent. */
  match(name: string, re: RegExp, what: string): string | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!re.test(v)) throw invalidParam(name, `must be ${what}`);
    return v;
  }

  requireMatch(name: string, re: RegExp, what: string): string {
    const v = this.match(name, re, what);
    if (v === undefined) throw invalidParam(name, 'required');
    return v;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!(values as readonly string[]).includes(v)) throw invalidParam(name, `must be one of ${values.join(', ')}`);
    return v as T;
  }

  int(name: string, min: number, max: number): number | undefined {
    const v = this.values.get(name);
    if (v === undefined) return undefined;
    if (!/^-?\d{1,16}$/.test(v)) throw invalidParam(name, 'must be an integer');
    const n = Number(v);
    if (n < min || n > max) throw invalidParam(name, `must be between ${min} and ${max}`);
    return n;
  }

  requireInt(name: string, min: number, max: number): number {
    const v = this.int(name, min, max);
    if (v === undefined) throw invalidParam(name, 'required');
    return v;
  }

  flag(name: string): boolean {
    const v = this.values.get(name);
    if (v === undefined) return false;
    if (v === '1' || v === 'true') return true;
    if (v === '0' || v === 'false') return false;
    throw invalidParam(name, 'must be 1, 0, true or false');
  }

  /** Calendar date `YYYY-MM-DD` that exists. */
  date(name: string): string | undefined {
    const v = this.match(name, DATE_RE, 'a date YYYY-MM-DD');
    if (v === undefined) return undefined;
    const t = Date.parse(`${v}T00:00:00Z`);
    if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v) throw invalidParam(name, 'is not a calendar date');
    return v;
  }
}

/** A path segment that must match `re`; the error names the segment's role. */
export function pathParam(name: string, raw: string, re: RegExp, what: string): string {
  let v: string;
  try {
    v = decodeURIComponent(raw);
  } catch {
    throw invalidParam(name, 'is not valid percent-encoding');
  }
  if (!re.test(v)) throw invalidParam(name, `must be ${what}`);
  return v;
}
