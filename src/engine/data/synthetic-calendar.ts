/**
 * Trading calendar of the synthetic demo universe: weekdays (no holiday calendar — the data is
 * fake and labelled so) and New York regular trading hours expressed as UTC instants, with the
 * US daylight-saving rule in force since 2007. Pure calendar arithmetic, no time-zone database,
 * so it gives the same instants in every runtime.
 */
import { DAY_MS, utcDay, weekdayUtc } from '../core/time';

const HOUR_MS = 3_600_000;

/** Hourly RTH bars start at 09:30, 10:30, …, 15:30 New York time (the last one is 30 minutes). */
export const RTH_BAR_STARTS_MINUTES = [570, 630, 690, 750, 810, 870, 930] as const;
export const RTH_BARS_PER_DAY = RTH_BAR_STARTS_MINUTES.length;
/** Length of each RTH bar in minutes (market closes at 16:00). */
export const RTH_BAR_MINUTES = [60, 60, 60, 60, 60, 60, 30] as const;

/** Parses "YYYY-MM-DD" into epoch ms at 00:00 UTC; throws on anything else. */
export function parseDay(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new Error(`invalid calendar day "${day}" (expected YYYY-MM-DD)`);
  const ms = utcDay(Number(m[1]), Number(m[2]), Number(m[3]));
  if (new Date(ms).toISOString().slice(0, 10) !== day) throw new Error(`invalid calendar day "${day}"`);
  return ms;
}

/** Day of month of the n-th (1-based) Sunday of a month. */
function nthSunday(year: number, month1: number, n: number): number {
  const firstWeekday = weekdayUtc(utcDay(year, month1, 1));
  return 1 + ((7 - firstWeekday) % 7) + (n - 1) * 7;
}

/**
 * True when New York observes daylight time (UTC−4) during regular trading hours of the given
 * calendar day (epoch ms at 00:00 UTC). DST runs from the second Sunday of March to the first
 * Sunday of November; both switches happen at 02:00 local on a Sunday, when no market is open,
 * so a whole trading day always has one offset.
 */
export function isNewYorkDst(dayMs: number): boolean {
  const d = new Date(dayMs);
  const year = d.getUTCFullYear();
  const start = utcDay(year, 3, nthSunday(year, 3, 2));
  const end = utcDay(year, 11, nthSunday(year, 11, 1));
  return dayMs >= start && dayMs < end;
}

/** Hours to add to New York local time to get UTC on that day (4 in summer, 5 in winter). */
export function newYorkUtcOffsetHours(dayMs: number): number {
  return isNewYorkDst(dayMs) ? 4 : 5;
}

/** Every Monday–Friday from `startMs` to `endMs` inclusive (both 00:00 UTC), ascending. */
export function weekdaysBetween(startMs: number, endMs: number): Float64Array {
  if (endMs < startMs) throw new Error('calendar end is before its start');
  const out: number[] = [];
  for (let t = startMs; t <= endMs; t += DAY_MS) {
    const wd = weekdayUtc(t);
    if (wd !== 0 && wd !== 6) out.push(t);
  }
  return Float64Array.from(out);
}

/** UTC start instant of RTH bar `k` (0..6) on a trading day given as 00:00 UTC epoch ms. */
export function rthBarStartUtc(dayMs: number, k: number): number {
  return dayMs + newYorkUtcOffsetHours(dayMs) * HOUR_MS + RTH_BAR_STARTS_MINUTES[k] * 60_000;
}
