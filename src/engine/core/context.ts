/**
 * How long-running engine code cooperates with the job runner without touching any
 * runtime API: the caller injects progress reporting, a cancel flag and a way to yield
 * to its event loop (so a cancel message can arrive between chunks).
 */
export interface CancelSignal {
  readonly cancelled: boolean;
}

export interface JobContext {
  readonly signal: CancelSignal;
  /** fraction in [0, 1], stage text such as "Fold 3/5" */
  progress(fraction: number, stage: string): void;
  /** Give the host event loop a turn; engine loops call this between chunks. */
  yield(): Promise<void>;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Yields to the host, then throws CancelledError if cancellation was requested. */
export async function checkpoint(ctx: JobContext): Promise<void> {
  await ctx.yield();
  if (ctx.signal.cancelled) throw new CancelledError();
}

/** A context for synchronous callers (CLI, tests) that never cancels and ignores progress. */
export const NULL_CONTEXT: JobContext = {
  signal: { cancelled: false },
  progress: () => undefined,
  yield: () => Promise.resolve(),
};
