import { createSignal, type JSX, onCleanup, onMount, Show } from 'solid-js';
import type { Bars } from '../../../engine/contracts';
import { formatInt, formatNumber } from '../../lib/format';
import { errorMessage } from '../../lib/trace';
import { ErrorPanel } from '../ErrorPanel';
import { LoadingState } from '../LoadingState';
import type { CandleHandle, CandleView } from './candleChart';
import { observeWidth } from '../../lib/observe-width';

export interface CandleChartProps {
  title: string;
  bars: Bars;
  daily: boolean;
  height?: number;
  initialBars?: number;
  /** parent gets an imperative handle (jump to a bar range) */
  ref?: (h: { showRange(from: number, to: number): void } | null) => void;
}

const when = (ms: number, daily: boolean) =>
  Number.isFinite(ms) ? (daily ? new Date(ms).toISOString().slice(0, 10) : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')}Z`) : '—';

/**
 * Candlestick + volume chart (uPlot, loaded lazily), sized by a debounced ResizeObserver and
 * destroyed on unmount. Keyboard: focus it, then ←/→ pan, +/− zoom, Home all, End latest.
 * Its text alternative states the range shown and the aggregation.
 */
export function CandleChart(props: CandleChartProps): JSX.Element {
  const [status, setStatus] = createSignal<'loading' | 'ready' | 'error'>('loading');
  const [loadError, setLoadError] = createSignal('');
  const [view, setView] = createSignal<CandleView | null>(null);
  const height = () => props.height ?? 380;
  let box: HTMLDivElement | undefined;
  let handle: CandleHandle | undefined;
  let stopObserving: (() => void) | undefined;
  let disposed = false;

  const mount = () => {
    setStatus('loading');
    import('./candleChart').then(
      (mod) => {
        if (disposed || !box) return;
        box.replaceChildren();
        const width = Math.max(200, Math.floor(box.clientWidth));
        handle = mod.createCandleChart(
          box,
          { bars: props.bars, daily: props.daily, initialBars: props.initialBars, onView: setView },
          width,
          height(),
        );
        props.ref?.({ showRange: (f, t) => handle?.showRange(f, t) });
        setStatus('ready');
        stopObserving = observeWidth(box, width, 100, (w) => handle?.resize(w, height()));
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
    props.ref?.(null);
    handle?.destroy();
  });

  const summary = () => {
    const b = props.bars;
    const n = b.ts.length;
    if (n === 0) return 'no bars';
    const v = view();
    const shown = v ? `showing ${when(b.ts[v.from], props.daily)} → ${when(b.ts[v.to - 1], props.daily)} (${formatInt(v.to - v.from)} bars${v.per > 1 ? `, ${v.per} bars per candle` : ''})` : '';
    return `Last close ${formatNumber(b.close[n - 1])} on ${when(b.ts[n - 1], props.daily)} · ${formatInt(n)} bars · ${shown}`;
  };

  return (
    <figure class="chart candle-chart" style={{ margin: 0 }} aria-label={props.title}>
      <div class="chart-box" style={{ 'min-height': `${height()}px` }}>
        <div
          ref={box}
          role="application"
          aria-roledescription="chart"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the chart takes keyboard pan/zoom (role application)
          tabIndex={0}
          class="candle-focus"
          aria-label={`${props.title}: ←/→ pan, + and − zoom, Home shows all bars, End the latest`}
          data-testid="candle-chart"
        />
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
      <figcaption class="chart-summary" data-testid="candle-summary">
        <span>
          <span class="sr-only">{props.title}. </span>
          {summary()}
        </span>
        <span class="hint">Drag or wheel to zoom · Shift+wheel to pan · double-click for all</span>
      </figcaption>
    </figure>
  );
}
