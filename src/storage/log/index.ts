/**
 * The app's single log bus. Importing this module configures nothing: logging starts at INFO
 * with an in-memory ring only; `configureLogging` (called once at boot) attaches persistence.
 */
import type { LogEntry, LogLevel } from '../../engine/contracts';
import type { QeDb } from '../db';
import { LogBus, type Logger, type LogSink } from './bus';
import { pruneLogs, type Retention } from './store';

export { errorContext, LogBus, type LogExtra, type Logger, type LogSink } from './bus';
export { appendLogs, clearLogs, countLogs, dbLogSink, type LogQuery, pruneLogs, queryLogs } from './store';

export const logBus = new LogBus();

/** Idempotent: a second call may change the level but never adds sinks or clears records. */
export function configureLogging(config: { level?: LogLevel; persist?: LogSink }): boolean {
  return logBus.configure({ level: config.level, sink: config.persist });
}

export function getLogger(name: string): Logger {
  return logBus.logger(name);
}

export function recentLogs(): LogEntry[] {
  return logBus.recent();
}

export function onLog(cb: (e: LogEntry) => void): () => void {
  return logBus.subscribe(cb);
}

let retentionTimer: ReturnType<typeof setInterval> | null = null;

/**
 * Prunes the persisted store now and then hourly. Idempotent: one timer per page.
 * Resolves to the number pruned now.
 */
export async function startLogRetention(
  db: QeDb,
  opts: { now?: () => number; intervalMs?: number; retention?: Retention } = {},
): Promise<number> {
  const now = opts.now ?? Date.now;
  const prune = () => pruneLogs(db, now(), opts.retention);
  if (retentionTimer === null) {
    retentionTimer = setInterval(() => {
      prune().catch((e: unknown) => getLogger('storage.logs').warning('log retention failed', { error: e }));
    }, opts.intervalMs ?? 3_600_000);
    // Under Node (CLI, tests) the hourly timer must not keep the process alive.
    (retentionTimer as unknown as { unref?: () => void }).unref?.();
  }
  return prune();
}

export function stopLogRetention(): void {
  if (retentionTimer !== null) clearInterval(retentionTimer);
  retentionTimer = null;
}
