import type { JSX } from 'solid-js';
import { ChartOverlay, createLazyChart } from '../charts/lazy-chart';
import type { ChartHandle } from '../charts/uplotChart';

type ChartModule = typeof import('../charts/researchCharts');

/**
 * Mounts one lazily loaded uPlot chart of the research module (see createLazyChart). The
 * parent re-creates the frame (keyed) when its data changes.
 */
export function UplotFrame(props: {
  title: string;
  height: number;
  create: (mod: ChartModule, el: HTMLElement, width: number, height: number) => ChartHandle;
  testid?: string;
}): JSX.Element {
  const chart = createLazyChart<ChartModule, ChartHandle>({
    title: props.title,
    load: () => import('../charts/researchCharts'),
    create: (mod, el, width) => props.create(mod, el, width, props.height),
    resize: (h, w) => h.resize(w, props.height),
    minWidth: 100,
  });
  return (
    <div class="chart-box" style={{ 'min-height': `${props.height}px` }} data-testid={props.testid}>
      <div ref={chart.box} aria-hidden="true" />
      <ChartOverlay chart={chart} title={props.title} />
    </div>
  );
}
