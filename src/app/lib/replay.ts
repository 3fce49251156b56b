/**
 * A replay clock for charts that "play" a series from its start: a count of revealed points
 * that grows once per animation frame and stops by itself at the end, on `stop()`, and when
 * the owning component is disposed (leaving the page). With reduced motion the replay does not
 * animate: it reveals everything at once and says so.
 */
import { type Accessor, createSignal, getOwner, onCleanup } from 'solid-js';

export interface ReplayClock {
  requestFrame(cb: (t: number) => void): number;
  cancelFrame(id: number): void;
  reducedMotion(): boolean;
}

export const browserClock = (): ReplayClock => ({
  requestFrame: (cb) => requestAnimationFrame(cb),
  cancelFrame: (id) => cancelAnimationFrame(id),
  reducedMotion: () => typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches,
});

export interface Replay {
  /** points to show: null when not replaying (show everything) */
  revealed: Accessor<number | null>;
  playing: Accessor<boolean>;
  /** why the last start did not animate (reduced motion), else '' */
  notice: Accessor<string>;
  start(): void;
  stop(): void;
}

/** `total` points revealed over `durationMs` (at least 2 points are shown from the first frame). */
export function createReplay(total: Accessor<number>, durationMs = 8000, clock: ReplayClock = browserClock()): Replay {
  const [revealed, setRevealed] = createSignal<number | null>(null);
  const [playing, setPlaying] = createSignal(false);
  const [notice, setNotice] = createSignal('');
  let frame: number | null = null;
  let t0: number | null = null;

  const stop = () => {
    if (frame !== null) clock.cancelFrame(frame);
    frame = null;
    t0 = null;
    setPlaying(false);
    setRevealed(null);
  };

  const tick = (t: number) => {
    frame = null;
    if (t0 === null) t0 = t;
    const n = total();
    const shown = Math.min(n, Math.max(2, Math.ceil((n * (t - t0)) / durationMs)));
    if (shown >= n) {
      stop();
      return;
    }
    setRevealed(shown);
    frame = clock.requestFrame(tick);
  };

  const start = () => {
    stop();
    if (clock.reducedMotion()) {
      setNotice('Reduced motion is on: the replay shows the whole period at once.');
      return;
    }
    setNotice('');
    if (total() < 3) return;
    setPlaying(true);
    setRevealed(2);
    frame = clock.requestFrame(tick);
  };

  if (getOwner()) onCleanup(stop);
  return { revealed, playing, notice, start, stop };
}
