import { createSignal, type JSX, onCleanup, onMount, Show } from 'solid-js';
import { errorMessage } from '../../lib/trace';
import type { ChartHandle } from '../charts/uplotChart';
import { ErrorPanel } from '../ErrorPanel';
import { LoadingState } from '../LoadingState';
import { observeWidth } from '../../lib/observe-width';

type ChartModule = typeof import('../charts/researchCharts');

/**
 * Mounts one lazily loaded uPlot chart of the research module: sized by a debounced
 * ResizeObserver, destroyed on unmount, with a loading state and a retryable error if the
 * chart module fails to load. The parent re-creates the frame (keyed) when its data changes.
 */
export function UplotFrame(props: {
  title: string;
  height: number;
  create: (mod: ChartModule, el: HTMLElement, width: number, height: number) => ChartHandle;
  testid?: string;
}): JSX.Element {
  const [status, setStatus] = createSignal<'loading' | 'ready' | 'error'>('loading');
  const [loadError, setLoadError] = createSignal('');
  let box: HTMLDivElement | undefined;
  let handle: ChartHandle | undefined;
  let stopObserving: (() => void) | undefined;
  let disposed = false;

  const mount = () => {
    setStatus('loading');
    import('../charts/researchCharts').then(
      (mod) => {
        if (disposed || !box) return;
        box.replaceChildren();
        const width = Math.max(100, Math.floor(box.clientWidth));
        try {
          handle = props.create(mod, box, width, props.height);
        } catch (e) {
          setLoadError(`Could not draw ${props.title}: ${errorMessage(e)}`);
          setStatus('error');
          return;
        }
        setStatus('ready');
        stopObserving = observeWidth(box, width, 50, (w) => handle?.resize(w, props.height));
      },
      (e) => {
        if (disposed) return;
        setLoadError(`Chart module failed to load: ${errorMessage(e)}`);
        setStatus('error');
      },
    );
  };

  onMount(mount);
  onCleanup(() => {
    disposed = true;
    stopObserving?.();
    handle?.destroy();
  });

  return (
    <div class="chart-box" style={{ 'min-height': `${props.height}px` }} data-testid={props.testid}>
      <div ref={box} aria-hidden="true" />
      <Show when={status() === 'loading'}>
        <div style={{ position: 'absolute', inset: 0 }}>
          <LoadingState label={`Loading chart ${props.title}`} />
        </div>
      </Show>
      <Show when={status() === 'error'}>
        <div style={{ position: 'absolute', inset: 0 }}>
          <ErrorPanel title="Chart unavailable" message={loadError()} retry={mount} />
        </div>
      </Show>
    </div>
  );
}
