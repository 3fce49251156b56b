/**
 * The timestamp subset accepted on import (contract A.1), parsed from a range of the text:
 * `YYYY-MM-DD`, optionally `T` or one space + `HH:MM[:SS[.f…]]` (1–9 fraction digits, kept to
 * the millisecond by truncation), optionally `Z` or `±HH:MM` / `±HHMM`. Surrounding spaces and
 * tabs are ignored. Field ranges are checked (month 1–12, real day of month, year 0001–9999,
 * hour 0–23, minute and second 0–59, offset hour 0–23); anything else is a bad timestamp.
 */
import { DAY_MS, daysFromCivil, daysInMonth, HOUR_MS, MINUTE_MS } from './calendar';

/** Output of one parse (one instance is reused by the importer). */
export interface TimestampParts {
  /** written date and time as if UTC (epoch ms) */
  wallMs: number;
  /** written time of day in ms (0 for a bare date) */
  timeOfDayMs: number;
  /** written UTC offset in minutes (east positive); only meaningful when hasOffset */
  offsetMinutes: number;
  hasOffset: boolean;
}

export function newTimestampParts(): TimestampParts {
  return { wallMs: 0, timeOfDayMs: 0, offsetMinutes: 0, hasOffset: false };
}

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/** Two digits at i as a number, or -1. */
function two(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

// Month memo: consecutive rows are usually in the same month.
let memoMonth = -1;
let memoMonthStart = 0;
let memoMonthDays = 0;

/** Parses text[s, e) into `out`; returns false for anything outside the accepted subset. */
export function parseTimestampRange(text: string, s: number, e: number, out: TimestampParts): boolean {
  while (s < e && (text.charCodeAt(s) === 32 || text.charCodeAt(s) === 9)) s++;
  while (e > s && (text.charCodeAt(e - 1) === 32 || text.charCodeAt(e - 1) === 9)) e--;
  if (e - s < 10) return false;
  const y1 = two(text, s);
  const y2 = two(text, s + 2);
  if (y1 < 0 || y2 < 0 || text.charCodeAt(s + 4) !== 45 || text.charCodeAt(s + 7) !== 45) return false;
  const year = y1 * 100 + y2;
  const month = two(text, s + 5);
  const day = two(text, s + 8);
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const ym = year * 12 + month;
  if (ym !== memoMonth) {
    memoMonth = ym;
    memoMonthStart = daysFromCivil(year, month, 1);
    memoMonthDays = daysInMonth(year, month);
  }
  if (day > memoMonthDays) return false;
  const days = memoMonthStart + day - 1;
  out.hasOffset = false;
  out.offsetMinutes = 0;
  out.timeOfDayMs = 0;
  let i = s + 10;
  if (i === e) {
    out.wallMs = days * DAY_MS;
    return true;
  }
  const sep = text.charCodeAt(i);
  if (sep !== 84 && sep !== 32) return false; // 'T' or ' '
  i++;
  if (e - i < 5 || text.charCodeAt(i + 2) !== 58) return false;
  const hh = two(text, i);
  const mi = two(text, i + 3);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return false;
  i += 5;
  let ss = 0;
  let ms = 0;
  if (i < e && text.charCodeAt(i) === 58) {
    if (e - i < 3) return false;
    ss = two(text, i + 1);
    if (ss < 0 || ss > 59) return false;
    i += 3;
    if (i < e && text.charCodeAt(i) === 46) {
      i++;
      let n = 0;
      while (i < e) {
        const d = digit(text, i);
        if (d < 0) break;
        if (n < 3) ms = ms * 10 + d;
        n++;
        i++;
      }
      if (n === 0 || n > 9) return false;
      for (let k = n; k < 3; k++) ms *= 10;
    }
  }
  if (i < e) {
    const c = text.charCodeAt(i);
    if (c === 90) {
      // 'Z'
      if (i + 1 !== e) return false;
      out.hasOffset = true;
    } else if (c === 43 || c === 45) {
      const oh = two(text, i + 1);
      if (oh < 0 || oh > 23) return false;
      let j = i + 3;
      if (j < e && text.charCodeAt(j) === 58) j++;
      if (e - j !== 2) return false;
      const om = two(text, j);
      if (om < 0 || om > 59) return false;
      out.hasOffset = true;
      out.offsetMinutes = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return false;
    }
  }
  out.timeOfDayMs = hh * HOUR_MS + mi * MINUTE_MS + ss * 1000 + ms;
  out.wallMs = days * DAY_MS + out.timeOfDayMs;
  return true;
}

/** Convenience wrapper over a whole string; null when the text is not an accepted timestamp. */
export function parseTimestamp(text: string): TimestampParts | null {
  const out = newTimestampParts();
  return parseTimestampRange(text, 0, text.length, out) ? out : null;
}

/** Two ASCII digits at b[i], b[i+1] as a number, or -1. */
function twoBytes(b: Uint8Array, i: number): number {
  const x = b[i] - 48;
  const y = b[i + 1] - 48;
  return x >= 0 && x <= 9 && y >= 0 && y <= 9 ? x * 10 + y : -1;
}

/**
 * `parseTimestampRange` over bytes `b[s, e)` of UTF-8 text: the same subset, the same results
 * (the accepted text is ASCII, so a non-ASCII byte simply fails), without decoding the text.
 * A bare `YYYY-MM-DD` (a daily file's every row) takes the first return.
 */
export function parseTimestampBytes(b: Uint8Array, s: number, e: number, out: TimestampParts): boolean {
  while (s < e && (b[s] === 32 || b[s] === 9)) s++;
  while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  if (e - s < 10) return false;
  // YYYY-MM-DD digit by digit, without helper calls (this runs once per row, often before
  // the JIT has inlined anything)
  const d0 = b[s] - 48;
  const d1 = b[s + 1] - 48;
  const d2 = b[s + 2] - 48;
  const d3 = b[s + 3] - 48;
  const d5 = b[s + 5] - 48;
  const d6 = b[s + 6] - 48;
  const d8 = b[s + 8] - 48;
  const d9 = b[s + 9] - 48;
  if (
    b[s + 4] !== 45 ||
    b[s + 7] !== 45 ||
    d0 < 0 ||
    d0 > 9 ||
    d1 < 0 ||
    d1 > 9 ||
    d2 < 0 ||
    d2 > 9 ||
    d3 < 0 ||
    d3 > 9 ||
    d5 < 0 ||
    d5 > 9 ||
    d6 < 0 ||
    d6 > 9 ||
    d8 < 0 ||
    d8 > 9 ||
    d9 < 0 ||
    d9 > 9
  ) {
    return false;
  }
  const year = d0 * 1000 + d1 * 100 + d2 * 10 + d3;
  const month = d5 * 10 + d6;
  const day = d8 * 10 + d9;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const ym = year * 12 + month;
  if (ym !== memoMonth) {
    memoMonth = ym;
    memoMonthStart = daysFromCivil(year, month, 1);
    memoMonthDays = daysInMonth(year, month);
  }
  if (day > memoMonthDays) return false;
  const days = memoMonthStart + day - 1;
  out.hasOffset = false;
  out.offsetMinutes = 0;
  out.timeOfDayMs = 0;
  let i = s + 10;
  if (i === e) {
    out.wallMs = days * DAY_MS;
    return true;
  }
  const sep = b[i];
  if (sep !== 84 && sep !== 32) return false; // 'T' or ' '
  i++;
  if (e - i < 5 || b[i + 2] !== 58) return false;
  const hh = twoBytes(b, i);
  const mi = twoBytes(b, i + 3);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return false;
  i += 5;
  let ss = 0;
  let ms = 0;
  if (i < e && b[i] === 58) {
    if (e - i < 3) return false;
    ss = twoBytes(b, i + 1);
    if (ss < 0 || ss > 59) return false;
    i += 3;
    if (i < e && b[i] === 46) {
      i++;
      let n = 0;
      while (i < e) {
        const d = b[i] - 48;
        if (d < 0 || d > 9) break;
        if (n < 3) ms = ms * 10 + d;
        n++;
        i++;
      }
      if (n === 0 || n > 9) return false;
      for (let k = n; k < 3; k++) ms *= 10;
    }
  }
  if (i < e) {
    const c = b[i];
    if (c === 90) {
      // 'Z'
      if (i + 1 !== e) return false;
      out.hasOffset = true;
    } else if (c === 43 || c === 45) {
      const oh = twoBytes(b, i + 1);
      if (oh < 0 || oh > 23) return false;
      let j = i + 3;
      if (j < e && b[j] === 58) j++;
      if (e - j !== 2) return false;
      const om = twoBytes(b, j);
      if (om < 0 || om > 59) return false;
      out.hasOffset = true;
      out.offsetMinutes = (c === 45 ? -1 : 1) * (oh * 60 + om);
    } else {
      return false;
    }
  }
  out.timeOfDayMs = hh * HOUR_MS + mi * MINUTE_MS + ss * 1000 + ms;
  out.wallMs = days * DAY_MS + out.timeOfDayMs;
  return true;
}
