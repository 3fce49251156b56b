/**
 * The structured log bus: level filter, in-memory ring of recent records for the live view,
 * subscribers, and batched hand-off to a persistent sink. Plain class with injected clock and
 * trace-id source so it is testable; the app uses the single instance in ./index.
 */
import { type Json, LOG_LEVEL_RANK, LOG_RETENTION, type LogEntry, type LogLevel } from '../../engine/contracts';

export interface LogSink {
  write(entries: LogEntry[]): Promise<void>;
}

export interface LogExtra {
  jobId?: string;
  traceId?: string;
  context?: Record<string, Json>;
  /** An error whose name, message and stack go into the context (stack only to the log store). */
  error?: unknown;
}

export interface Logger {
  readonly name: string;
  debug(message: string, extra?: LogExtra): LogEntry | null;
  info(message: string, extra?: LogExtra): LogEntry | null;
  warning(message: string, extra?: LogExtra): LogEntry | null;
  error(message: string, extra?: LogExtra): LogEntry | null;
  critical(message: string, extra?: LogExtra): LogEntry | null;
  child(suffix: string): Logger;
}

export interface LogBusOptions {
  now?: () => number;
  /** Source of trace ids for ERROR/CRITICAL records that arrive without one. */
  newTraceId?: () => string;
  ringSize?: number;
  /** Pending records are written to the sink this long after the first one arrives… */
  flushDelayMs?: number;
  /** …or at once when this many are pending. */
  maxBatch?: number;
}

export interface LogConfig {
  level?: LogLevel;
  /** Persistent store; attached once — a later call with another sink keeps the first. */
  sink?: LogSink;
}

let traceCounter = 0;
/** Counter + random suffix: unique within a page and across reloads with high probability. */
export function defaultTraceId(): string {
  traceCounter += 1;
  return `tr-${traceCounter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export function errorContext(e: unknown): Record<string, Json> {
  if (e instanceof Error) {
    const ctx: Record<string, Json> = { errorName: e.name, errorMessage: e.message };
    if (e.stack) ctx.stack = e.stack;
    return ctx;
  }
  return { errorMessage: String(e) };
}

export class LogBus {
  private level: LogLevel = 'INFO';
  private sink: LogSink | null = null;
  private forward: ((entry: LogEntry) => void) | null = null;
  private readonly ring: LogEntry[] = [];
  private readonly subscribers = new Set<(e: LogEntry) => void>();
  private pending: LogEntry[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private configured = false;
  private readonly now: () => number;
  private readonly newTraceId: () => string;
  private readonly ringSize: number;
  private readonly flushDelayMs: number;
  private readonly maxBatch: number;
  /** Records the sink failed to store (reported once per failure as a WARNING in the ring). */
  persistFailures = 0;

  constructor(opts: LogBusOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.newTraceId = opts.newTraceId ?? defaultTraceId;
    this.ringSize = opts.ringSize ?? LOG_RETENTION.liveRing;
    this.flushDelayMs = opts.flushDelayMs ?? 1000;
    this.maxBatch = opts.maxBatch ?? 200;
  }

  /**
   * Sets the level and attaches the sink once. Safe to call again (e.g. when Settings change
   * the level): it never adds a second sink, never drops records, never clears the ring.
   * Returns true the first time.
   */
  configure(config: LogConfig): boolean {
    if (config.level) this.level = config.level;
    if (config.sink && !this.sink) {
      this.sink = config.sink;
      if (this.pending.length > 0) this.scheduleFlush();
    }
    const first = !this.configured;
    this.configured = true;
    return first;
  }

  /** Worker mode: every accepted record is posted to the main thread instead of kept here. */
  forwardTo(post: (entry: LogEntry) => void): void {
    this.forward = post;
  }

  getLevel(): LogLevel {
    return this.level;
  }

  isConfigured(): boolean {
    return this.configured;
  }

  enabled(level: LogLevel): boolean {
    return LOG_LEVEL_RANK[level] >= LOG_LEVEL_RANK[this.level];
  }

  /** Records one entry (stamped now). Returns it, or null when below the level. */
  emit(level: LogLevel, logger: string, message: string, extra: LogExtra = {}): LogEntry | null {
    if (!this.enabled(level)) return null;
    const entry: LogEntry = { ts: this.now(), level, logger, message };
    if (extra.jobId) entry.jobId = extra.jobId;
    if (extra.traceId) entry.traceId = extra.traceId;
    const context = extra.error === undefined ? extra.context : { ...extra.context, ...errorContext(extra.error) };
    if (context && Object.keys(context).length > 0) entry.context = context;
    return this.accept(entry);
  }

  /** A record that already has its timestamp (forwarded from a worker). */
  ingest(entry: LogEntry): LogEntry | null {
    if (!this.enabled(entry.level)) return null;
    return this.accept({ ...entry });
  }

  private accept(entry: LogEntry): LogEntry {
    if (!entry.traceId && LOG_LEVEL_RANK[entry.level] >= LOG_LEVEL_RANK.ERROR) entry.traceId = this.newTraceId();
    if (this.forward) {
      this.forward(entry);
      return entry;
    }
    this.ring.push(entry);
    if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize);
    this.pending.push(entry);
    if (this.sink) {
      if (this.pending.length >= this.maxBatch) void this.flush();
      else this.scheduleFlush();
    } else if (this.pending.length > this.ringSize) {
      // No store attached (yet): keep only what the ring keeps, for persisting at configure time.
      this.pending.splice(0, this.pending.length - this.ringSize);
    }
    for (const cb of this.subscribers) {
      try {
        cb(entry);
      } catch (e) {
        // A broken subscriber must not stop logging; report it where developers look.
        console.error('log subscriber failed', e);
      }
    }
    return entry;
  }

  recent(): LogEntry[] {
    return this.ring.slice();
  }

  subscribe(cb: (e: LogEntry) => void): () => void {
    this.subscribers.add(cb);
    return () => {
      this.subscribers.delete(cb);
    };
  }

  /** Empties the live view only; persisted records are untouched. */
  clearRecent(): void {
    this.ring.length = 0;
  }

  private scheduleFlush(): void {
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.flushDelayMs);
  }

  /** Writes all pending records to the sink (serialised: batches land in order). */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const sink = this.sink;
    if (!sink || this.pending.length === 0) return this.flushing;
    const batch = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(() =>
      sink.write(batch).catch((e: unknown) => {
        this.persistFailures += batch.length;
        // Kept in the live ring (not re-persisted, which could loop on a full disk).
        const warning: LogEntry = {
          ts: this.now(),
          level: 'WARNING',
          logger: 'storage.logs',
          message: `could not persist ${batch.length} log records: ${e instanceof Error ? e.message : String(e)}`,
        };
        this.ring.push(warning);
        if (this.ring.length > this.ringSize) this.ring.splice(0, this.ring.length - this.ringSize);
        for (const cb of this.subscribers) cb(warning);
      }),
    );
    return this.flushing;
  }

  logger(name: string): Logger {
    const make = (n: string): Logger => ({
      name: n,
      debug: (m, x) => this.emit('DEBUG', n, m, x),
      info: (m, x) => this.emit('INFO', n, m, x),
      warning: (m, x) => this.emit('WARNING', n, m, x),
      error: (m, x) => this.emit('ERROR', n, m, x),
      critical: (m, x) => this.emit('CRITICAL', n, m, x),
      child: (suffix) => make(`${n}.${suffix}`),
    });
    return make(name);
  }
}
