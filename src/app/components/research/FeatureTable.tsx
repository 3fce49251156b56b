import { createVirtualizer } from '@tanstack/solid-virtual';
import { For, type JSX } from 'solid-js';
import { formatFeatureValue } from '../../lib/research-table';
import './research.css';

const ROW_H = 26;
const OVERSCAN = 10;
const COL_W = 124;

export interface FeatureTableProps {
  caption: string;
  names: readonly string[];
  /** tooltip of each column header (family, description) */
  headerTitles?: readonly string[];
  dates: Float64Array;
  columns: readonly Float64Array[];
  formatDate: (ms: number) => string;
  /** true: newest row first */
  newestFirst: boolean;
  height?: number;
  testid?: string;
}

/**
 * The feature matrix of one ticker: rows virtualised (@tanstack/solid-virtual, only the visible
 * rows are in the DOM), sticky header row and sticky date column, horizontal scroll for wide
 * sets. Missing values (NaN: warm-up, gaps) are empty cells.
 */
export function FeatureTable(props: FeatureTableProps): JSX.Element {
  let scroller: HTMLDivElement | undefined;
  const rows = () => props.dates.length;
  const dateW = () => (props.formatDate(props.dates[0] ?? 0).length > 10 ? 140 : 100);
  const totalW = () => dateW() + props.names.length * COL_W;
  const rowIndex = (i: number) => (props.newestFirst ? rows() - 1 - i : i);

  const virtualizer = createVirtualizer({
    get count() {
      return rows();
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => ROW_H,
    overscan: OVERSCAN,
  });

  return (
    <div
      ref={scroller}
      class="rs-ftable"
      role="grid"
      aria-label={props.caption}
      aria-rowcount={rows() + 1}
      aria-colcount={props.names.length + 1}
      tabIndex={0}
      data-testid={props.testid}
      style={{ height: `${props.height ?? 420}px` }}
    >
      <div style={{ width: `${totalW()}px`, position: 'relative' }}>
        {/* biome-ignore lint/a11y/useFocusableInteractive: the header row is read, not focused */}
        <div class="rs-ftable-head" role="row" aria-rowindex={1} style={{ width: `${totalW()}px` }}>
          {/* biome-ignore lint/a11y/useFocusableInteractive: header cells are not focus stops */}
          <div role="columnheader" class="rs-fcell rs-fdate" style={{ width: `${dateW()}px` }}>
            date
          </div>
          <For each={props.names}>
            {(n, j) => (
              // biome-ignore lint/a11y/useFocusableInteractive: header cells are not focus stops
              <div role="columnheader" class="rs-fcell r" style={{ width: `${COL_W}px` }} title={props.headerTitles?.[j()] ?? n}>
                {n}
              </div>
            )}
          </For>
        </div>
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          <For each={virtualizer.getVirtualItems()}>
            {(item) => {
              const t = () => rowIndex(item.index);
              return (
                // biome-ignore lint/a11y/useFocusableInteractive: rows are read through the scrolled grid
                <div
                  role="row"
                  class="rs-frow"
                  aria-rowindex={item.index + 2}
                  data-row={t()}
                  style={{ width: `${totalW()}px`, height: `${ROW_H}px`, transform: `translateY(${item.start}px)` }}
                >
                  {/* biome-ignore lint/a11y/useFocusableInteractive: cells are read, not focused */}
                  <div role="rowheader" class="rs-fcell rs-fdate" style={{ width: `${dateW()}px` }}>
                    {props.formatDate(props.dates[t()])}
                  </div>
                  <For each={props.columns}>
                    {(col) => (
                      // biome-ignore lint/a11y/useFocusableInteractive: cells are read, not focused
                      <div role="gridcell" class="rs-fcell r" style={{ width: `${COL_W}px` }}>
                        {formatFeatureValue(col[t()])}
                      </div>
                    )}
                  </For>
                </div>
              );
            }}
          </For>
        </div>
      </div>
    </div>
  );
}
