/**
 * Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01) and the
 * America/New_York daylight-saving rules, without `Date` or `Intl`, so every runtime gives
 * the same instants.
 *
 * New York rules (all switches at 02:00 local wall time):
 * - 2007+: second Sunday of March → first Sunday of November;
 * - 1987–2006: first Sunday of April → last Sunday of October;
 * - 1967–1986: last Sunday of April → last Sunday of October, except 1974 (from January 6)
 *   and 1975 (from February 23);
 * - before 1967 the 1967 rule is applied (tzdata has city-specific and war-time rules there;
 *   intraday data that old is not expected).
 *
 * Local times that do not exist (the spring-forward hour) are read with the offset in force
 * before the switch, and repeated ones (the fall-back hour) as their first occurrence (daylight
 * time) — the same as Python's zoneinfo with fold=0.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Day number of a calendar date (Howard Hinnant's days_from_civil). month1 is 1–12. */
export function daysFromCivil(year: number, month1: number, day: number): number {
  const y = month1 <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month1 + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Calendar date of a day number packed as year·10000 + month·100 + day (no allocation). */
export function civilFromDays(days: number): number {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return y * 10000 + m * 100 + d;
}

export function yearOfDays(days: number): number {
  return Math.floor(civilFromDays(days) / 10000);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOfDays(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

export function isWeekend(days: number): boolean {
  const w = weekdayOfDays(days);
  return w === 0 || w === 6;
}

export function daysInMonth(year: number, month1: number): number {
  if (month1 === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month1 === 4 || month1 === 6 || month1 === 9 || month1 === 11 ? 30 : 31;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function pad4(n: number): string {
  return n >= 1000 ? String(n) : String(n).padStart(4, '0');
}

/** "YYYY-MM-DD" of a day number. */
export function formatDay(days: number): string {
  const p = civilFromDays(days);
  return `${pad4(Math.floor(p / 10000))}-${pad2(Math.floor(p / 100) % 100)}-${pad2(p % 100)}`;
}

/** "YYYY-MM-DDTHH:MM:SSZ" of an epoch-ms instant (sub-second part dropped). */
export function formatInstant(ms: number): string {
  const days = Math.floor(ms / DAY_MS);
  const sec = Math.floor((ms - days * DAY_MS) / 1000);
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return `${formatDay(days)}T${pad2(h)}:${pad2(m)}:${pad2(sec % 60)}Z`;
}

function nthSunday(year: number, month1: number, n: number): number {
  const first = daysFromCivil(year, month1, 1);
  return first + ((7 - weekdayOfDays(first)) % 7) + 7 * (n - 1);
}

function lastSunday(year: number, month1: number): number {
  const last = daysFromCivil(year, month1, daysInMonth(year, month1));
  return last - weekdayOfDays(last);
}

/** Start and end of New York daylight time in `year` as day numbers (switch at 02:00 local). */
export function newYorkDstDays(year: number): [start: number, end: number] {
  if (year >= 2007) return [nthSunday(year, 3, 2), nthSunday(year, 11, 1)];
  if (year >= 1987) return [nthSunday(year, 4, 1), lastSunday(year, 10)];
  if (year === 1974) return [daysFromCivil(1974, 1, 6), lastSunday(1974, 10)];
  if (year === 1975) return [daysFromCivil(1975, 2, 23), lastSunday(1975, 10)];
  return [lastSunday(year, 4), lastSunday(year, 10)];
}

// One-year memo of the switch instants (local wall ms); data is usually in time order.
let memoFrom = 1;
let memoTo = 0;
let memoStart = 0;
let memoEnd = 0;

function loadYear(wallMs: number): void {
  if (wallMs >= memoFrom && wallMs < memoTo) return;
  const year = yearOfDays(Math.floor(wallMs / DAY_MS));
  const [s, e] = newYorkDstDays(year);
  memoFrom = daysFromCivil(year, 1, 1) * DAY_MS;
  memoTo = daysFromCivil(year + 1, 1, 1) * DAY_MS;
  memoStart = s * DAY_MS + 2 * HOUR_MS;
  memoEnd = e * DAY_MS + 2 * HOUR_MS;
}

/**
 * UTC instant of a New York wall-clock time given as "wall ms" (the local date and time
 * encoded as if they were UTC).
 */
export function newYorkWallToUtc(wallMs: number): number {
  loadYear(wallMs);
  const dst = wallMs >= memoStart + HOUR_MS && wallMs < memoEnd;
  return wallMs + (dst ? 4 : 5) * HOUR_MS;
}

/** New York wall-clock time ("wall ms") of a UTC instant. */
export function utcToNewYorkWall(utcMs: number): number {
  loadYear(utcMs - 5 * HOUR_MS);
  const dst = utcMs >= memoStart + 5 * HOUR_MS && utcMs < memoEnd + 4 * HOUR_MS;
  return utcMs - (dst ? 4 : 5) * HOUR_MS;
}

/** New York calendar date (day number) of a UTC instant: the session date of an intraday bar. */
export function newYorkSessionDay(utcMs: number): number {
  return Math.floor(utcToNewYorkWall(utcMs) / DAY_MS);
}
