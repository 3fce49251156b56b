/**
 * Named phases on the worker's performance timeline (`performance.measure` with a detail), so
 * `npm run bench` can split a job's time into compute and storage. A no-op where there is no
 * timeline (Node tests with a fake clock).
 */
import type { Json } from '../engine/contracts';

export function measurePhase(name: string, start: number, end: number, detail: { [k: string]: Json }): void {
  if (typeof performance === 'undefined' || typeof performance.measure !== 'function') return;
  // a test clock may start anywhere; the timeline refuses negative times
  if (!(start >= 0 && end >= start)) return;
  performance.measure(name, { start, duration: end - start, detail });
}
