import { type Accessor, createEffect, createSignal, on, onCleanup } from 'solid-js';
import { errorMessage } from '../lib/trace';
import { useApp } from './app';

export type LoadState<T> =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'ready'; value: T }
  | { status: 'error'; message: string; traceId: string };

/**
 * Loads `fetch(source())` whenever the source changes, without Suspense (each panel shows
 * its own skeleton). A rejection becomes an error state with a logged trace id — a
 * skeleton never stays up after the promise settles. Stale responses are dropped.
 * A falsy source means "nothing to load" (idle).
 */
export function createLoader<S, T>(
  source: Accessor<S | null | undefined | false>,
  fetch: (s: S) => Promise<T>,
  logger: string,
): [Accessor<LoadState<T>>, () => void] {
  const app = useApp();
  const [state, setState] = createSignal<LoadState<T>>({ status: 'idle' });
  let seq = 0;
  let alive = true;
  onCleanup(() => {
    alive = false;
  });
  const run = (s: S | null | undefined | false) => {
    const mine = ++seq;
    if (s === null || s === undefined || s === false) {
      setState({ status: 'idle' });
      return;
    }
    setState({ status: 'loading' });
    fetch(s).then(
      (value) => {
        if (alive && mine === seq) setState({ status: 'ready', value });
      },
      (e) => {
        if (!alive || mine !== seq) return;
        const traceId = app.reportError(logger, e);
        setState({ status: 'error', message: errorMessage(e), traceId });
      },
    );
  };
  createEffect(on(source, run));
  return [state, () => run(source())];
}
