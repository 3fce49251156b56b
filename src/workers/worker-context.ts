/**
 * The JobContext handed to handlers inside a worker: a cancel flag the `cancel` message sets,
 * progress reports rate-limited before they cross the thread boundary, and a yield that is a
 * real macrotask (MessageChannel), so queued messages such as `cancel` run between chunks.
 */
import type { JobContext } from '../engine/core/context';

/** A shared MessageChannel: each call resolves after one trip through the task queue. */
export function createMacrotaskYield(): () => Promise<void> {
  let channel: MessageChannel | null = null;
  const waiting: Array<() => void> = [];
  return () =>
    new Promise<void>((resolve) => {
      if (!channel) {
        channel = new MessageChannel();
        channel.port1.onmessage = () => waiting.shift()?.();
        // Node (tests, CLI) only: an idle channel must not keep the process alive.
        (channel.port1 as unknown as { unref?: () => void }).unref?.();
      }
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
}

/**
 * A yield that gives the event loop a turn only once `sliceMs` of work has passed since the
 * last turn; in between it returns at once. Engine loops checkpoint every chunk (a 64 KB CSV
 * piece, a ticker, a fold) and a real macrotask each time costs more than small chunks do;
 * a cancel message still gets in within one slice.
 */
export function timeSlicedYield(yieldFn: () => Promise<void>, now: () => number, sliceMs = 8): () => Promise<void> {
  let last = now();
  return async () => {
    if (now() - last < sliceMs) return;
    await yieldFn();
    last = now();
  };
}

export interface WorkerContextOptions {
  isCancelled: () => boolean;
  report: (fraction: number, stage: string) => void;
  yieldFn: () => Promise<void>;
  now: () => number;
  /** minimum spacing of reports sent to the main thread (the runner throttles again to 4 Hz) */
  minIntervalMs?: number;
}

export function createWorkerContext(opts: WorkerContextOptions): JobContext & { dispose(): void } {
  const minInterval = opts.minIntervalMs ?? 100;
  let last = Number.NEGATIVE_INFINITY;
  let pending: { fraction: number; stage: string } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const send = (fraction: number, stage: string) => {
    last = opts.now();
    pending = null;
    opts.report(fraction, stage);
  };
  return {
    signal: {
      get cancelled() {
        return opts.isCancelled();
      },
    },
    progress(fraction, stage) {
      const wait = last + minInterval - opts.now();
      if (wait <= 0 || fraction >= 1) {
        if (timer !== null) clearTimeout(timer);
        timer = null;
        send(fraction, stage);
        return;
      }
      // Throttled: keep the latest and send it when the interval is over, so a report made
      // just before a long step (e.g. "Storing …") is never lost.
      pending = { fraction, stage };
      if (timer === null) {
        timer = setTimeout(() => {
          timer = null;
          if (pending) send(pending.fraction, pending.stage);
        }, wait);
      }
    },
    yield: opts.yieldFn,
    /** Drops a pending throttled report (the job has ended). */
    dispose() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      pending = null;
    },
  };
}
