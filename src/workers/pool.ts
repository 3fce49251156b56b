/**
 * The compute worker pool: a fixed number of workers, one job each at a time. A worker that
 * crashes fails its job with the crash message and is replaced (counted in `restarts`);
 * `terminate(jobId)` kills a stuck job's worker and replaces it. Worker creation and the RPC
 * connection are injected so the scheduling logic runs under Node with fakes.
 */
import type { JobRecord } from '../engine/contracts';
import type { Logger } from '../storage/log/bus';
import type { JobExecutor } from './job-runner';
import type { JobResult } from './protocol';

/** The part of `Worker` the pool uses. */
export interface WorkerLike {
  terminate(): void;
  addEventListener(type: 'error' | 'messageerror' | 'message', listener: (ev: Event) => void): void;
}

/** A connected worker's RPC surface (comlink in the app; plain objects in tests). */
export interface ComputeConnection {
  run(record: JobRecord, onProgress: (fraction: number, stage: string) => void): Promise<JobResult>;
  cancel(jobId: string): Promise<void>;
  /** Releases the RPC channel (called before the worker is dropped). */
  release?(): void;
}

export interface PoolStatus {
  size: number;
  busy: number;
  restarts: number;
}

export interface PoolOptions {
  size: number;
  createWorker: () => WorkerLike;
  connect: (worker: WorkerLike) => ComputeConnection;
  /** receives log records forwarded by workers (the main-thread bus) */
  onWorkerLog?: (data: unknown) => void;
  logger?: Logger;
  /** more crashes than this within `crashWindowMs` stop replacement (a worker that cannot start) */
  maxCrashes?: number;
  crashWindowMs?: number;
  now?: () => number;
}

export class PoolBrokenError extends Error {
  constructor(detail: string) {
    super(`compute workers keep crashing (${detail}); reload the page. If it persists, check System Logs.`);
    this.name = 'PoolBrokenError';
  }
}

/** size = max(1, min(4, cores − 1)): one core stays with the UI. */
export function defaultPoolSize(hardwareConcurrency: number | undefined): number {
  return Math.max(1, Math.min(4, (hardwareConcurrency || 2) - 1));
}

interface Slot {
  index: number;
  worker: WorkerLike;
  conn: ComputeConnection;
  job: { id: string; reject: (e: unknown) => void } | null;
  dead: boolean;
}

interface Waiting {
  record: JobRecord;
  onProgress: (fraction: number, stage: string) => void;
  resolve: (r: JobResult) => void;
  reject: (e: unknown) => void;
}

function terminatedError(jobId: string): Error {
  const e = new Error(`job ${jobId} was stopped: its worker was terminated`);
  e.name = 'CancelledError';
  return e;
}

export class WorkerPool implements JobExecutor {
  private readonly slots: Slot[] = [];
  private readonly waiting: Waiting[] = [];
  private readonly listeners = new Set<(s: PoolStatus) => void>();
  private crashTimes: number[] = [];
  private broken: string | null = null;
  restarts = 0;

  constructor(private readonly opts: PoolOptions) {
    for (let i = 0; i < Math.max(1, opts.size); i++) this.slots.push(this.spawn(i));
  }

  status(): PoolStatus {
    const alive = this.slots.filter((s) => !s.dead);
    return { size: alive.length, busy: alive.filter((s) => s.job !== null).length, restarts: this.restarts };
  }

  subscribe(cb: (s: PoolStatus) => void): () => void {
    this.listeners.add(cb);
    return () => {
      this.listeners.delete(cb);
    };
  }

  run(record: JobRecord, onProgress: (fraction: number, stage: string) => void): Promise<JobResult> {
    if (this.broken) return Promise.reject(new PoolBrokenError(this.broken));
    return new Promise<JobResult>((resolve, reject) => {
      this.waiting.push({ record, onProgress, resolve, reject });
      this.dispatch();
    });
  }

  async cancel(jobId: string): Promise<void> {
    const queued = this.waiting.findIndex((w) => w.record.id === jobId);
    if (queued >= 0) {
      const [w] = this.waiting.splice(queued, 1);
      w.reject(terminatedError(jobId));
      return;
    }
    const slot = this.slots.find((s) => s.job?.id === jobId);
    if (slot) await slot.conn.cancel(jobId);
  }

  terminate(jobId: string): void {
    const slot = this.slots.find((s) => s.job?.id === jobId);
    if (!slot) return;
    this.opts.logger?.warning(`terminating compute worker ${slot.index} (job ${jobId})`, { jobId });
    slot.job?.reject(terminatedError(jobId));
    slot.job = null;
    this.replace(slot);
  }

  dispose(): void {
    for (const s of this.slots) {
      s.dead = true;
      s.conn.release?.();
      s.worker.terminate();
    }
    for (const w of this.waiting.splice(0)) w.reject(new Error('the worker pool was shut down'));
  }

  private spawn(index: number): Slot {
    const worker = this.opts.createWorker();
    const slot: Slot = { index, worker, conn: this.opts.connect(worker), job: null, dead: false };
    worker.addEventListener('message', (ev) => this.opts.onWorkerLog?.((ev as MessageEvent).data));
    worker.addEventListener('error', (ev) => this.crashed(slot, describeError(ev)));
    worker.addEventListener('messageerror', () => this.crashed(slot, 'a message from the worker could not be decoded'));
    return slot;
  }

  private dispatch(): void {
    while (this.waiting.length > 0) {
      const slot = this.slots.find((s) => !s.dead && s.job === null);
      if (!slot) break;
      const w = this.waiting.shift()!;
      const job = { id: w.record.id, reject: w.reject };
      slot.job = job;
      this.notify();
      slot.conn.run(w.record, w.onProgress).then(
        (r) => this.settle(slot, job, () => w.resolve(r)),
        (e: unknown) => this.settle(slot, job, () => w.reject(e)),
      );
    }
  }

  /** Ends a job on its slot unless the slot has moved on (crash or terminate already settled it). */
  private settle(slot: Slot, job: Slot['job'], done: () => void): void {
    if (slot.job !== job) return;
    slot.job = null;
    done();
    this.notify();
    this.dispatch();
  }

  private crashed(slot: Slot, detail: string): void {
    if (slot.dead) return;
    const jobId = slot.job?.id;
    this.opts.logger?.error(`compute worker ${slot.index} crashed${jobId ? ` while running job ${jobId}` : ''}: ${detail}`, {
      jobId,
    });
    slot.job?.reject(new Error(`compute worker crashed: ${detail}`));
    slot.job = null;
    this.restarts++;
    const now = (this.opts.now ?? Date.now)();
    const window = this.opts.crashWindowMs ?? 10_000;
    this.crashTimes = [...this.crashTimes.filter((t) => now - t < window), now];
    if (this.crashTimes.length > (this.opts.maxCrashes ?? 5)) {
      this.broken = detail;
      slot.dead = true;
      slot.conn.release?.();
      slot.worker.terminate();
      this.opts.logger?.critical(`compute worker ${slot.index} not restarted: ${this.crashTimes.length} crashes in ${window} ms`);
      if (this.slots.every((s) => s.dead)) {
        for (const w of this.waiting.splice(0)) w.reject(new PoolBrokenError(detail));
      }
      this.notify();
      return;
    }
    this.replace(slot);
  }

  private replace(slot: Slot): void {
    slot.dead = true;
    slot.conn.release?.();
    slot.worker.terminate();
    this.slots[this.slots.indexOf(slot)] = this.spawn(slot.index);
    this.notify();
    this.dispatch();
  }

  private notify(): void {
    const s = this.status();
    for (const cb of this.listeners) cb(s);
  }
}

function describeError(ev: Event): string {
  const e = ev as ErrorEvent;
  if (e.message) return e.filename ? `${e.message} (${e.filename}:${e.lineno})` : e.message;
  return 'the worker failed to load or stopped unexpectedly';
}

