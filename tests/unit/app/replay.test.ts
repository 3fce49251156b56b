import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createReplay, type ReplayClock } from '../../../src/app/lib/replay';

/** A manual frame clock: `frame(t)` runs the pending callback at time t. */
function fakeClock(reduced = false) {
  let pending: ((t: number) => void) | null = null;
  let ids = 0;
  let cancelled = 0;
  const clock: ReplayClock = {
    requestFrame: (cb) => {
      pending = cb;
      return ++ids;
    },
    cancelFrame: () => {
      pending = null;
      cancelled++;
    },
    reducedMotion: () => reduced,
  };
  return {
    clock,
    frame(t: number) {
      const cb = pending;
      pending = null;
      cb?.(t);
    },
    get pending() {
      return pending !== null;
    },
    get cancelled() {
      return cancelled;
    },
  };
}

describe('createReplay', () => {
  it('reveals points in proportion to elapsed time and stops by itself at the end', () => {
    const c = fakeClock();
    createRoot((dispose) => {
      const r = createReplay(() => 100, 1000, c.clock);
      r.start();
      expect(r.playing()).toBe(true);
      expect(r.revealed()).toBe(2);
      c.frame(0); // first frame fixes t0
      expect(r.revealed()).toBe(2);
      c.frame(250);
      expect(r.revealed()).toBe(25);
      c.frame(990);
      expect(r.revealed()).toBe(99);
      c.frame(1000);
      expect(r.playing()).toBe(false);
      expect(r.revealed()).toBeNull();
      expect(c.pending).toBe(false); // no frame left scheduled
      dispose();
    });
  });

  it('stops when its owner is disposed (leaving the page) and on stop()', () => {
    const c = fakeClock();
    createRoot((dispose) => {
      const r = createReplay(() => 50, 1000, c.clock);
      r.start();
      c.frame(0);
      c.frame(100);
      expect(c.pending).toBe(true);
      dispose();
      expect(c.pending).toBe(false);
      expect(r.playing()).toBe(false);
    });
    createRoot((dispose) => {
      const r = createReplay(() => 50, 1000, c.clock);
      r.start();
      r.stop();
      expect(c.pending).toBe(false);
      expect(r.revealed()).toBeNull();
      dispose();
    });
  });

  it('does not animate with reduced motion, and says so', () => {
    const c = fakeClock(true);
    createRoot((dispose) => {
      const r = createReplay(() => 50, 1000, c.clock);
      r.start();
      expect(r.playing()).toBe(false);
      expect(r.revealed()).toBeNull();
      expect(c.pending).toBe(false);
      expect(r.notice()).toMatch(/Reduced motion/);
      dispose();
    });
  });

  it('restarting cancels the running animation first', () => {
    const c = fakeClock();
    createRoot((dispose) => {
      const r = createReplay(() => 100, 1000, c.clock);
      r.start();
      c.frame(0);
      c.frame(500);
      expect(r.revealed()).toBe(50);
      r.start();
      expect(r.revealed()).toBe(2);
      c.frame(10_000); // new t0
      expect(r.revealed()).toBe(2);
      dispose();
    });
  });
});
