/**
 * The life cycle every chart shares: load its module lazily (uPlot, Plotly stay out of the
 * initial bundle), create the chart in a box sized by a debounced width observer, destroy it
 * on unmount, and offer a loading state and a retryable error. Charts only say how to load,
 * create and resize; `ChartOverlay` renders the loading/error layer over the box.
 */
import { type Accessor, createSignal, type JSX, onCleanup, onMount, Show } from 'solid-js';
import { observeWidth } from '../../lib/observe-width';
import { errorMessage } from '../../lib/trace';
import { ErrorPanel } from '../ErrorPanel';
import { LoadingState } from '../LoadingState';

export type ChartStatus = 'loading' | 'ready' | 'error';

export interface LazyChart<H> {
  status: Accessor<ChartStatus>;
  error: Accessor<string>;
  handle(): H | undefined;
  /** ref of the box the chart draws into */
  box(el: HTMLDivElement): void;
  /** (re)creates the chart — the retry of the error state */
  mount(): void;
}

export interface LazyChartOptions<M, H extends { destroy(): void }> {
  /** what the chart is, for messages ("Could not draw …") */
  title: string;
  load(): Promise<M>;
  create(mod: M, el: HTMLDivElement, width: number): H | Promise<H>;
  /** called with the new width once resizing settles */
  resize(handle: H, width: number): void;
  /** narrowest width worth creating/resizing at (hidden panels report ~0) */
  minWidth?: number;
  /** don't mount at all (e.g. no WebGL): the caller shows its own fallback */
  skip?: boolean;
  /** runs before the handle is destroyed on unmount */
  onDispose?(): void;
}

export function createLazyChart<M, H extends { destroy(): void }>(opts: LazyChartOptions<M, H>): LazyChart<H> {
  const [status, setStatus] = createSignal<ChartStatus>('loading');
  const [error, setError] = createSignal('');
  const minWidth = opts.minWidth ?? 50;
  let el: HTMLDivElement | undefined;
  let handle: H | undefined;
  let stopObserving: (() => void) | undefined;
  let disposed = false;

  const fail = (what: string, e: unknown) => {
    if (disposed) return;
    setError(`${what}: ${errorMessage(e)}`);
    setStatus('error');
  };

  const mount = () => {
    if (opts.skip) return;
    setStatus('loading');
    stopObserving?.();
    handle?.destroy();
    handle = undefined;
    opts.load().then(
      async (mod) => {
        if (disposed || !el) return;
        el.replaceChildren();
        const width = Math.max(minWidth, Math.floor(el.clientWidth));
        let h: H;
        try {
          h = await opts.create(mod, el, width);
        } catch (e) {
          fail(`Could not draw ${opts.title}`, e);
          return;
        }
        if (disposed) {
          h.destroy();
          return;
        }
        handle = h;
        setStatus('ready');
        stopObserving = observeWidth(el, width, minWidth, (w) => {
          if (handle) opts.resize(handle, w);
        });
      },
      (e) => fail('Chart module failed to load', e),
    );
  };

  onMount(mount);
  onCleanup(() => {
    disposed = true;
    stopObserving?.();
    opts.onDispose?.();
    handle?.destroy();
  });

  return {
    status,
    error,
    handle: () => handle,
    box: (e) => {
      el = e;
    },
    mount,
  };
}

/** The loading / error layer drawn over a chart box. */
export function ChartOverlay(props: { chart: LazyChart<unknown>; title: string; errorTitle?: string }): JSX.Element {
  return (
    <>
      <Show when={props.chart.status() === 'loading'}>
        <div style={{ position: 'absolute', inset: 0 }}>
          <LoadingState label={`Loading chart ${props.title}`} />
        </div>
      </Show>
      <Show when={props.chart.status() === 'error'}>
        <div style={{ position: 'absolute', inset: 0 }}>
          <ErrorPanel title={props.errorTitle ?? 'Chart unavailable'} message={props.chart.error()} retry={props.chart.mount} />
        </div>
      </Show>
    </>
  );
}
