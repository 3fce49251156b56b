/**
 * Cross-tab ownership of unfinished jobs via the Web Locks API: the tab that queued a job
 * holds the lock "qe-job:<id>" until the job ends, so a second tab starting up does not mark
 * that job "interrupted". Locks vanish when their tab closes — exactly the interrupted case.
 */
const PREFIX = 'qe-job:';

/** The subset of `navigator.locks` used here. */
export interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<unknown>;
  query(): Promise<{ held?: Array<{ name?: string }> }>;
}

export interface JobLocks {
  hold(jobId: string): void;
  release(jobId: string): void;
  /** ids of jobs whose lock some tab holds right now */
  heldJobIds(): Promise<Set<string>>;
}

export function createJobLocks(locks: LockManagerLike | undefined, onError: (e: unknown) => void): JobLocks {
  const releases = new Map<string, () => void>();
  return {
    hold(jobId) {
      if (!locks || releases.has(jobId)) return;
      const held = new Promise<void>((resolve) => releases.set(jobId, resolve));
      locks.request(PREFIX + jobId, () => held).catch(onError);
    },
    release(jobId) {
      releases.get(jobId)?.();
      releases.delete(jobId);
    },
    async heldJobIds() {
      if (!locks) return new Set();
      const snapshot = await locks.query();
      return new Set(
        (snapshot.held ?? [])
          .map((l) => l.name ?? '')
          .filter((n) => n.startsWith(PREFIX))
          .map((n) => n.slice(PREFIX.length)),
      );
    },
  };
}
