/**
 * The main-thread job runner: a bounded queue in front of an executor (the worker pool),
 * forward-only state transitions each persisted, throttled progress, and cancel that is
 * cooperative first and forceful after a grace period. No DOM or worker APIs here, so it
 * runs under Node in unit tests with a fake executor and fake timers.
 */
import { canTransition, type JobEvent, type JobRecord, type JobStatus } from '../engine/contracts';
import { ENGINE_VERSION } from '../engine/core/version';
import { defaultTraceId, type Logger } from '../storage/log/bus';
import { QueueFullError } from './api';
import { buildManifest, type ManifestRequest } from './manifest';

export interface JobExecutor {
  /** Runs the job to completion; rejects with an error named 'CancelledError' when it stopped on request. */
  run(record: JobRecord, onProgress: (fraction: number, stage: string) => void): Promise<{ resultKey?: string }>;
  /** Asks the running job to stop at its next checkpoint. */
  cancel(jobId: string): void | Promise<void>;
  /** Kills whatever runs the job (the job did not stop in time). */
  terminate(jobId: string): void | Promise<void>;
}

export interface JobStoreLike {
  save(record: JobRecord): Promise<void>;
  get?(id: string): Promise<JobRecord | undefined>;
}

export interface JobRunnerOptions {
  executor: JobExecutor;
  store: JobStoreLike;
  now?: () => number;
  newId?: () => string;
  newTraceId?: () => string;
  /** jobs running at once (the pool size) */
  concurrency?: number;
  /** unfinished jobs (queued + running) accepted at once */
  queueCap?: number;
  /** how long a running job may take to honour cancel before it is terminated */
  cancelGraceMs?: number;
  /** minimum spacing of progress events and progress writes (250 ms = 4 Hz) */
  progressIntervalMs?: number;
  engineVersion?: string;
  logger?: Logger;
}

export class JobNotFoundError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} not found (it may have been deleted)`);
    this.name = 'JobNotFoundError';
  }
}

export const QUEUE_CAP = 20;
export const CANCEL_GRACE_MS = 3000;
export const PROGRESS_INTERVAL_MS = 250;

interface Active {
  record: JobRecord;
  cancelRequested: boolean;
  graceTimer: ReturnType<typeof setTimeout> | null;
  lastProgressAt: number;
  pendingProgress: { fraction: number; stage: string } | null;
  progressTimer: ReturnType<typeof setTimeout> | null;
}

function isCancelled(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'CancelledError';
}

function message(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string') {
    return (e as { message: string }).message;
  }
  return String(e);
}

let idCounter = 0;
function defaultId(now: number): string {
  idCounter += 1;
  return `job-${now.toString(36)}-${idCounter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export class JobRunner {
  private readonly active = new Map<string, Active>();
  private readonly queue: string[] = [];
  private readonly running = new Set<string>();
  private readonly subscribers = new Set<(e: JobEvent) => void>();
  private readonly chains = new Map<string, Promise<void>>();
  private reserved = 0;
  private concurrency: number;
  private readonly queueCap: number;
  private readonly cancelGraceMs: number;
  private readonly progressIntervalMs: number;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly newTraceId: () => string;

  constructor(private readonly opts: JobRunnerOptions) {
    this.now = opts.now ?? Date.now;
    this.newId = opts.newId ?? (() => defaultId(this.now()));
    this.newTraceId = opts.newTraceId ?? defaultTraceId;
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.queueCap = opts.queueCap ?? QUEUE_CAP;
    this.cancelGraceMs = opts.cancelGraceMs ?? CANCEL_GRACE_MS;
    this.progressIntervalMs = opts.progressIntervalMs ?? PROGRESS_INTERVAL_MS;
  }

  subscribe(cb: (e: JobEvent) => void): () => void {
    this.subscribers.add(cb);
    return () => {
      this.subscribers.delete(cb);
    };
  }

  /** Unfinished jobs (queued and running), oldest first. */
  activeJobs(): JobRecord[] {
    return [...this.active.values()].map((a) => ({ ...a.record }));
  }

  runningCount(): number {
    return this.running.size;
  }

  setConcurrency(n: number): void {
    this.concurrency = Math.max(1, Math.floor(n));
    this.pump();
  }

  /** Validates and queues a job; resolves once its `queued` record is stored. */
  async submit(req: ManifestRequest): Promise<JobRecord> {
    if (this.active.size + this.reserved >= this.queueCap) throw new QueueFullError();
    const manifest = buildManifest(req, this.opts.engineVersion ?? ENGINE_VERSION);
    const record: JobRecord = {
      id: this.newId(),
      type: req.type,
      status: 'queued',
      createdAt: this.iso(),
      progress: 0,
      stage: 'queued',
      manifest,
      traceId: this.newTraceId(),
    };
    // Persist before accepting: a job the store refused must not run unrecorded. The slot is
    // reserved meanwhile so concurrent submits cannot overshoot the cap.
    this.reserved++;
    try {
      await this.opts.store.save({ ...record });
    } finally {
      this.reserved--;
    }
    this.active.set(record.id, {
      record,
      cancelRequested: false,
      graceTimer: null,
      lastProgressAt: Number.NEGATIVE_INFINITY,
      pendingProgress: null,
      progressTimer: null,
    });
    this.queue.push(record.id);
    this.emit({ event: 'status', record: { ...record } });
    this.opts.logger?.info(`job ${record.id} queued (${record.type})`, { jobId: record.id, traceId: record.traceId });
    this.pump();
    return { ...record };
  }

  /** Cancels a queued job at once; asks a running one to stop, terminating it after the grace period. */
  async cancel(id: string): Promise<void> {
    const a = this.active.get(id);
    if (!a) {
      const stored = await this.opts.store.get?.(id);
      if (!stored) throw new JobNotFoundError(id);
      return; // already finished: nothing to cancel
    }
    if (a.record.status === 'queued') {
      const i = this.queue.indexOf(id);
      if (i >= 0) this.queue.splice(i, 1);
      this.finish(id, 'cancelled', {});
      return;
    }
    if (a.cancelRequested) return;
    a.cancelRequested = true;
    this.update(a, { stage: 'cancelling' });
    this.opts.logger?.info(`job ${id}: cancel requested`, { jobId: id, traceId: a.record.traceId });
    a.graceTimer = setTimeout(() => {
      a.graceTimer = null;
      if (!this.active.has(id)) return;
      this.opts.logger?.warning(`job ${id} did not stop within ${this.cancelGraceMs} ms; terminating its worker`, {
        jobId: id,
        traceId: a.record.traceId,
      });
      this.finish(id, 'cancelled', {});
      Promise.resolve()
        .then(() => this.opts.executor.terminate(id))
        .catch((e: unknown) =>
          this.opts.logger?.error(`terminating job ${id} failed`, { jobId: id, traceId: a.record.traceId, error: e }),
        );
    }, this.cancelGraceMs);
    try {
      await this.opts.executor.cancel(id);
    } catch (e) {
      // The grace timer still guarantees the job ends; record why the cooperative path failed.
      this.opts.logger?.warning(`job ${id}: cancel message failed: ${message(e)}`, { jobId: id, error: e });
    }
  }

  /** Resolves when every write issued so far has been stored. */
  async settled(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.start(id);
    }
  }

  private start(id: string): void {
    const a = this.active.get(id);
    if (!a) return;
    this.running.add(id);
    this.transition(a, 'running', { startedAt: this.iso(), stage: 'starting' });
    this.emit({ event: 'started', jobId: id });
    const onProgress = (fraction: number, stage: string) => this.onProgress(id, fraction, stage);
    Promise.resolve()
      .then(() => this.opts.executor.run({ ...a.record }, onProgress))
      .then(
        (res) => this.finish(id, 'succeeded', { resultKey: res?.resultKey }),
        (e: unknown) => {
          if (isCancelled(e) || a.cancelRequested) this.finish(id, 'cancelled', {});
          else this.finish(id, 'failed', { error: message(e) || 'job failed without a message' });
        },
      );
  }

  private onProgress(id: string, fraction: number, stage: string): void {
    const a = this.active.get(id);
    if (a?.record.status !== 'running' || !Number.isFinite(fraction)) return;
    a.pendingProgress = { fraction: Math.min(1, Math.max(0, fraction)), stage: a.cancelRequested ? 'cancelling' : stage };
    const wait = a.lastProgressAt + this.progressIntervalMs - this.now();
    if (wait <= 0) {
      this.flushProgress(a);
    } else if (a.progressTimer === null) {
      a.progressTimer = setTimeout(() => {
        a.progressTimer = null;
        if (this.active.get(id) === a) this.flushProgress(a);
      }, wait);
    }
  }

  private flushProgress(a: Active): void {
    const p = a.pendingProgress;
    if (!p) return;
    a.pendingProgress = null;
    a.lastProgressAt = this.now();
    a.record = { ...a.record, progress: p.fraction, stage: p.stage };
    this.persist(a.record);
    this.emit({ event: 'progress', jobId: a.record.id, progress: p.fraction, stage: p.stage });
  }

  private finish(id: string, status: Extract<JobStatus, 'succeeded' | 'failed' | 'cancelled'>, extra: { resultKey?: string; error?: string }): void {
    const a = this.active.get(id);
    if (!a) return; // already finished (e.g. terminated after the grace period)
    if (a.graceTimer !== null) clearTimeout(a.graceTimer);
    if (a.progressTimer !== null) clearTimeout(a.progressTimer);
    const patch: Partial<JobRecord> = { completedAt: this.iso(), stage: status };
    if (status === 'succeeded') {
      patch.progress = 1;
      if (extra.resultKey) patch.resultKey = extra.resultKey;
    }
    if (status === 'failed') patch.error = extra.error;
    this.transition(a, status, patch);
    this.active.delete(id);
    this.running.delete(id);
    if (status === 'succeeded') this.emit({ event: 'completed', jobId: id, resultKey: extra.resultKey });
    else if (status === 'failed') {
      this.opts.logger?.error(`job ${id} (${a.record.type}) failed: ${extra.error}`, {
        jobId: id,
        traceId: a.record.traceId,
      });
      this.emit({ event: 'failed', jobId: id, error: extra.error ?? '' });
    } else this.emit({ event: 'cancelled', jobId: id });
    this.emit({ event: 'done', jobId: id });
    this.pump();
  }

  private transition(a: Active, to: JobStatus, patch: Partial<JobRecord>): void {
    if (!canTransition(a.record.status, to)) {
      throw new Error(`job ${a.record.id}: illegal transition ${a.record.status} → ${to}`);
    }
    this.update(a, { ...patch, status: to });
  }

  private update(a: Active, patch: Partial<JobRecord>): void {
    a.record = { ...a.record, ...patch };
    this.persist(a.record);
    this.emit({ event: 'status', record: { ...a.record } });
  }

  /** Writes of one job are chained so they land in the order they were made. */
  private persist(record: JobRecord): void {
    const snapshot = { ...record };
    const prev = this.chains.get(record.id) ?? Promise.resolve();
    const next = prev
      .then(() => this.opts.store.save(snapshot))
      .catch((e: unknown) => {
        this.opts.logger?.error(`could not store job ${record.id} (${record.status}): ${message(e)}`, {
          jobId: record.id,
          traceId: record.traceId,
          error: e,
        });
      });
    this.chains.set(record.id, next);
    void next.then(() => {
      if (this.chains.get(record.id) === next && !this.active.has(record.id)) this.chains.delete(record.id);
    });
  }

  private emit(e: JobEvent): void {
    for (const cb of this.subscribers) {
      try {
        cb(e);
      } catch (err) {
        this.opts.logger?.error(`job event subscriber failed: ${message(err)}`, { error: err });
      }
    }
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}
