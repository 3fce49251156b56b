/**
 * The compute worker pool: a fixed number of workers, one job each at a time. A worker that
 * crashes fails its job with the crash message and is replaced (counted in `restarts`);
 * `terminate(jobId)` kills a stuck job's worker and replaces it. Worker creation and the RPC
 * connection are injected so the scheduling logic runs under Node with fakes.
 *
 * Shards: a running job gets a `ShardLender` through which its worker borrows idle workers,
 * one shard per lend (see shards/distributed.ts). Waiting jobs always come first: nothing is
 * lent while a job waits, and a lent worker returns to the pool when its shard is done. Lent
 * workers count as busy. Cancelling or terminating a job does the same to its lent shards; a
 * helper that crashes answers its shard with `crashed` (the caller reruns it) and is replaced.
 */
import type { JobRecord } from '../engine/contracts';
import type { Logger } from '../storage/log/bus';
import type { JobExecutor } from './job-runner';
import type { JobResult, ShardAttempt, ShardLender } from './protocol';

/** The part of `Worker` the pool uses. */
export interface WorkerLike {
  terminate(): void;
  addEventListener(type: 'error' | 'messageerror' | 'message', listener: (ev: Event) => void): void;
}

/** A connected worker's RPC surface (comlink in the app; plain objects in tests). */
export interface ComputeConnection {
  run(record: JobRecord, onProgress: (fraction: number, stage: string) => void, lender?: ShardLender): Promise<JobResult>;
  /** Runs one lent shard (absent: this connection's worker is never lent). */
  runShard?(runId: string, task: string, input: unknown): Promise<unknown>;
  /** Cancels a job or a lent shard run by its id. */
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

/**
 * Workers = max(1, min(4, cores)): every core can serve a running job's shards (features per
 * ticker, candidates, folds). The UI keeps its core because jobs are capped separately
 * (`defaultJobConcurrency`), so a worker without a job of its own only runs shards lent to one.
 */
export function defaultPoolSize(hardwareConcurrency: number | undefined): number {
  return Math.max(1, Math.min(4, hardwareConcurrency || 2));
}

/** Jobs running at once = max(1, min(2, cores − 1)), as the UI spec sets for heavy jobs. */
export function defaultJobConcurrency(hardwareConcurrency: number | undefined): number {
  return Math.max(1, Math.min(2, (hardwareConcurrency || 2) - 1));
}

/** What a slot is doing: its own job (owner = id) or a shard lent to job `owner`. */
interface Work {
  id: string;
  owner: string;
  shard: boolean;
  reject: (e: unknown) => void;
  /** the worker died under it */
  crashed: (detail: string) => void;
}

interface Slot {
  index: number;
  worker: WorkerLike;
  conn: ComputeConnection;
  job: Work | null;
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
  private shardRuns = 0;
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
    const lent = this.lentFor(jobId);
    await Promise.all([...(slot ? [slot.conn.cancel(jobId)] : []), ...lent.map((s) => s.conn.cancel(s.job!.id))]);
  }

  /** Kills the job's worker and the workers running its lent shards, and replaces them. */
  terminate(jobId: string): void {
    const slots = this.slots.filter((s) => !s.dead && s.job?.owner === jobId);
    for (const slot of slots) {
      this.opts.logger?.warning(`terminating compute worker ${slot.index} (${slot.job?.shard ? 'a shard of ' : ''}job ${jobId})`, { jobId });
      slot.job?.reject(terminatedError(jobId));
      slot.job = null;
      this.replace(slot);
    }
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
      const id = w.record.id;
      const job: Work = {
        id,
        owner: id,
        shard: false,
        reject: w.reject,
        crashed: (detail) => w.reject(new Error(`compute worker crashed: ${detail}`)),
      };
      slot.job = job;
      this.notify();
      slot.conn.run(w.record, w.onProgress, this.lender(id)).then(
        (r) => this.settle(slot, job, () => w.resolve(r)),
        (e: unknown) => this.settle(slot, job, () => w.reject(e)),
      );
    }
  }

  /** The shard lender handed to job `jobId`'s worker. */
  private lender(jobId: string): ShardLender {
    return {
      capacity: () => Math.max(0, this.slots.filter((s) => !s.dead && s.conn.runShard).length - 1),
      idle: () => (this.broken || this.waiting.length > 0 ? 0 : this.slots.filter((s) => !s.dead && s.job === null && s.conn.runShard).length),
      tryRun: (task, input) => this.lend(jobId, task, input),
      cancelAll: async () => {
        await Promise.all(this.lentFor(jobId).map((s) => s.conn.cancel(s.job!.id)));
      },
    };
  }

  private lend(owner: string, task: string, input: unknown): Promise<ShardAttempt> {
    const ownerRunning = this.slots.some((s) => !s.dead && s.job?.id === owner && !s.job.shard);
    const slot =
      this.broken || this.waiting.length > 0 || !ownerRunning
        ? undefined
        : this.slots.find((s) => !s.dead && s.job === null && s.conn.runShard);
    if (!slot) return Promise.resolve({ ok: false, reason: 'busy' });
    this.shardRuns++;
    const id = `${owner}#shard-${this.shardRuns}`;
    return new Promise<ShardAttempt>((resolve, reject) => {
      const work: Work = { id, owner, shard: true, reject, crashed: (detail) => resolve({ ok: false, reason: 'crashed', detail }) };
      slot.job = work;
      this.notify();
      slot.conn.runShard!(id, task, input).then(
        (output) => this.settle(slot, work, () => resolve({ ok: true, output })),
        (e: unknown) => this.settle(slot, work, () => reject(e)),
      );
    });
  }

  private lentFor(jobId: string): Slot[] {
    return this.slots.filter((s) => !s.dead && s.job?.shard && s.job.owner === jobId);
  }

  /** Ends a job on its slot unless the slot has moved on (crash or terminate already settled it). */
  private settle(slot: Slot, job: Work, done: () => void): void {
    if (slot.job !== job) return;
    slot.job = null;
    done();
    // A job that ended with shards still lent (it failed or was stopped) takes them with it.
    if (!job.shard) this.cancelLent(job.id);
    this.notify();
    this.dispatch();
  }

  private crashed(slot: Slot, detail: string): void {
    if (slot.dead) return;
    const jobId = slot.job?.id;
    this.opts.logger?.error(`compute worker ${slot.index} crashed${jobId ? ` while running job ${jobId}` : ''}: ${detail}`, {
      jobId,
    });
    const work = slot.job;
    slot.job = null;
    work?.crashed(detail);
    if (work && !work.shard) this.cancelLent(work.id);
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

  private cancelLent(jobId: string): void {
    for (const s of this.lentFor(jobId)) {
      s.conn.cancel(s.job!.id).catch((e: unknown) =>
        this.opts.logger?.warning(`could not cancel a shard of job ${jobId} on worker ${s.index}`, { jobId, error: e }),
      );
    }
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

