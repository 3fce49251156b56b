import { literal, num, obj, optional, record, type Schema, str, json, type Json } from './schema';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_LEVEL_RANK: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

export interface LogEntry {
  /** epoch ms */
  ts: number;
  level: LogLevel;
  /** dotted origin, e.g. "worker.compute", "ui.dataExplorer" */
  logger: string;
  message: string;
  jobId?: string;
  traceId?: string;
  context?: Record<string, Json>;
}

export const logEntrySchema: Schema<LogEntry> = obj({
  ts: num({ min: 0 }),
  level: literal(...LOG_LEVELS),
  logger: str(),
  message: str(),
  jobId: optional(str()),
  traceId: optional(str()),
  context: optional(record(json())),
});

/** Retention of the persisted log store: whichever limit is reached first. */
export const LOG_RETENTION = { maxEntries: 10_000, maxAgeMs: 7 * 24 * 3600 * 1000, liveRing: 500 } as const;
