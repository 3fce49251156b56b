import { createSignal, type JSX } from 'solid-js';
import type { Bars } from '../../../engine/contracts';
import { formatInt, formatNumber } from '../../lib/format';
import type { CandleHandle, CandleView } from './candleChart';
import { ChartOverlay, createLazyChart } from './lazy-chart';

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
 * Candlestick + volume chart (uPlot; life cycle from createLazyChart). Keyboard: focus it, then ←/→ pan, +/− zoom, Home all, End latest.
 * Its text alternative states the range shown and the aggregation.
 */
export function CandleChart(props: CandleChartProps): JSX.Element {
  const [view, setView] = createSignal<CandleView | null>(null);
  const height = () => props.height ?? 380;
  const chart = createLazyChart<typeof import('./candleChart'), CandleHandle>({
    title: props.title,
    load: () => import('./candleChart'),
    create: (mod, el, width) => {
      const h = mod.createCandleChart(el, { bars: props.bars, daily: props.daily, initialBars: props.initialBars, onView: setView }, width, height());
      props.ref?.({ showRange: (f, t) => h.showRange(f, t) });
      return h;
    },
    resize: (h, w) => h.resize(w, height()),
    minWidth: 200,
    onDispose: () => props.ref?.(null),
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
          ref={chart.box}
          role="application"
          aria-roledescription="chart"
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the chart takes keyboard pan/zoom (role application)
          tabIndex={0}
          class="candle-focus"
          aria-label={`${props.title}: ←/→ pan, + and − zoom, Home shows all bars, End the latest`}
          data-testid="candle-chart"
        />
        <ChartOverlay chart={chart} title={props.title} />
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
