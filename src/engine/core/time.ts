/** Pure calendar helpers on epoch milliseconds (UTC). No clock access. */

export const DAY_MS = 86_400_000;

/** "YYYY-MM-DD" of a UTC epoch-ms instant. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** "YYYY-MM-DDTHH:MM:SSZ" of a UTC epoch-ms instant. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Epoch ms of 00:00 UTC on a calendar date. */
export function utcDay(year: number, month1: number, day: number): number {
  return Date.UTC(year, month1 - 1, day);
}

/** 0 = Sunday … 6 = Saturday for a UTC epoch-ms instant. */
export function weekdayUtc(ms: number): number {
  return new Date(ms).getUTCDay();
}
