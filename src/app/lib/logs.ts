import { LOG_LEVELS, type LogEntry, type LogLevel } from '../../engine/contracts';
import { toCsv } from './csv';

export interface LogFilter {
  /** levels shown; empty = all */
  levels: ReadonlySet<LogLevel>;
  /** free text matched against message and logger (case-insensitive) */
  text: string;
  traceId: string | null;
  jobId: string | null;
}

export const EMPTY_LOG_FILTER: LogFilter = { levels: new Set(), text: '', traceId: null, jobId: null };

export function isFilterActive(f: LogFilter): boolean {
  return f.levels.size > 0 || f.text.trim() !== '' || f.traceId !== null || f.jobId !== null;
}

export function matchesLog(e: LogEntry, f: LogFilter): boolean {
  if (f.levels.size > 0 && !f.levels.has(e.level)) return false;
  if (f.traceId !== null && e.traceId !== f.traceId) return false;
  if (f.jobId !== null && e.jobId !== f.jobId) return false;
  const q = f.text.trim().toLowerCase();
  if (q !== '' && !e.message.toLowerCase().includes(q) && !e.logger.toLowerCase().includes(q)) return false;
  return true;
}

/** Filtered copy; never mutates the input list. */
export function filterLogs(list: readonly LogEntry[], f: LogFilter): LogEntry[] {
  return list.filter((e) => matchesLog(e, f));
}

/** Appends to a ring that keeps at most `cap` newest entries (returns a new array). */
export function appendRing<T>(list: readonly T[], item: T, cap: number): T[] {
  const next = list.length >= cap ? list.slice(list.length - cap + 1) : list.slice();
  next.push(item);
  return next;
}

export function logsToJsonl(list: readonly LogEntry[]): string {
  return list.map((e) => JSON.stringify(e)).join('\n') + (list.length ? '\n' : '');
}

export function logsToCsv(list: readonly LogEntry[]): string {
  return toCsv(
    ['ts', 'iso', 'level', 'logger', 'message', 'jobId', 'traceId', 'context'],
    list.map((e) => [
      e.ts,
      new Date(e.ts).toISOString(),
      e.level,
      e.logger,
      e.message,
      e.jobId ?? '',
      e.traceId ?? '',
      e.context ? JSON.stringify(e.context) : '',
    ]),
  );
}

export function levelCounts(list: readonly LogEntry[]): Record<LogLevel, number> {
  const out = Object.fromEntries(LOG_LEVELS.map((l) => [l, 0])) as Record<LogLevel, number>;
  for (const e of list) out[e.level]++;
  return out;
}

function logKey(e: LogEntry): string {
  return `${e.ts}|${e.level}|${e.logger}|${e.traceId ?? ''}|${e.jobId ?? ''}|${e.message}`;
}

/**
 * Union of the live ring and records read back from the persisted store (e.g. for a
 * `?trace=` link after a reload): duplicates dropped, ascending by time, newest `cap` kept.
 */
export function mergeLogs(live: readonly LogEntry[], stored: readonly LogEntry[], cap: number): LogEntry[] {
  const seen = new Set<string>();
  const out: LogEntry[] = [];
  for (const e of [...live, ...stored]) {
    const k = logKey(e);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  out.sort((a, b) => a.ts - b.ts);
  return out.length > cap ? out.slice(out.length - cap) : out;
}
