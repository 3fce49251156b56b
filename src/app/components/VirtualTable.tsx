import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createSignal, createUniqueId, For, type JSX, on, Show } from 'solid-js';

export interface VirtualColumn {
  key: string;
  label: string;
  /** right-align numbers */
  numeric?: boolean;
  width?: string;
  /** cell text of row i */
  cell: (i: number) => string;
}

export interface VirtualTableHandle {
  /** Scrolls row i into view and makes it the active row. */
  focusRow(i: number): void;
}

export interface VirtualTableProps {
  caption: string;
  rowCount: number;
  columns: VirtualColumn[];
  /** rows to mark (e.g. offending rows of a quality check) */
  highlighted?: ReadonlySet<number>;
  height?: number;
  rowHeight?: number;
  testid?: string;
  ref?: (h: VirtualTableHandle) => void;
  /** called when the active row changes (keyboard or click) */
  onActive?: (i: number) => void;
}

const ROW_H = 28;
const OVERSCAN = 10;

/**
 * A virtualised grid (only visible rows are in the DOM; @tanstack/solid-virtual). Keyboard:
 * focus the grid, then ↑/↓, PageUp/PageDown, Home/End move the active row, which is announced
 * through aria-activedescendant. Highlighted rows carry `data-flagged`.
 */
export function VirtualTable(props: VirtualTableProps): JSX.Element {
  const id = createUniqueId();
  const rowH = () => props.rowHeight ?? ROW_H;
  const [active, setActive] = createSignal(0);
  let scroller: HTMLDivElement | undefined;

  const virtualizer = createVirtualizer({
    get count() {
      return props.rowCount;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => rowH(),
    overscan: OVERSCAN,
  });

  createEffect(
    on(
      () => props.rowCount,
      (n) => {
        if (active() >= n) setActive(Math.max(0, n - 1));
      },
    ),
  );

  const move = (i: number) => {
    const n = props.rowCount;
    if (n === 0) return;
    const j = Math.max(0, Math.min(n - 1, i));
    setActive(j);
    virtualizer.scrollToIndex(j, { align: 'auto' });
    props.onActive?.(j);
  };

  props.ref?.({
    focusRow(i) {
      move(i);
      virtualizer.scrollToIndex(Math.max(0, Math.min(props.rowCount - 1, i)), { align: 'center' });
      scroller?.focus({ preventScroll: true });
    },
  });

  const page = () => Math.max(1, Math.floor((props.height ?? 420) / rowH()) - 1);
  const onKey = (e: KeyboardEvent) => {
    const keys: Record<string, () => number> = {
      ArrowDown: () => active() + 1,
      ArrowUp: () => active() - 1,
      PageDown: () => active() + page(),
      PageUp: () => active() - page(),
      Home: () => 0,
      End: () => props.rowCount - 1,
    };
    const f = keys[e.key];
    if (!f) return;
    e.preventDefault();
    move(f());
  };

  const template = () => props.columns.map((c) => c.width ?? (c.numeric ? 'minmax(90px, 1fr)' : 'minmax(120px, 1.4fr)')).join(' ');

  return (
    <div class="vtable" data-testid={props.testid}>
      <div
        ref={scroller}
        class="vtable-scroll"
        role="grid"
        aria-label={props.caption}
        aria-rowcount={props.rowCount + 1}
        aria-colcount={props.columns.length}
        aria-activedescendant={props.rowCount > 0 ? `${id}-r${active()}` : undefined}
        tabIndex={0}
        style={{ height: `${props.height ?? 420}px` }}
        onKeyDown={onKey}
      >
        {/* biome-ignore lint/a11y/useFocusableInteractive: grid rows are reached through aria-activedescendant */}
        <div class="vtable-head" role="row" aria-rowindex={1} style={{ 'grid-template-columns': template() }}>
          <For each={props.columns}>
            {(c) => (
              // biome-ignore lint/a11y/useFocusableInteractive: header cells are not focus stops in this grid
              <div role="columnheader" classList={{ r: !!c.numeric }}>
                {c.label}
              </div>
            )}
          </For>
        </div>
        <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
          <For each={virtualizer.getVirtualItems()}>
            {(item) => (
              // biome-ignore lint/a11y/useFocusableInteractive: rows are reached through the grid's aria-activedescendant
              // biome-ignore lint/a11y/useKeyWithClickEvents: the grid handles the keys for its rows
              <div
                id={`${id}-r${item.index}`}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={active() === item.index}
                class="vtable-row"
                classList={{ active: active() === item.index }}
                data-row={item.index}
                data-flagged={props.highlighted?.has(item.index) ? '1' : undefined}
                style={{
                  'grid-template-columns': template(),
                  height: `${rowH()}px`,
                  transform: `translateY(${item.start}px)`,
                }}
                onClick={() => move(item.index)}
              >
                <For each={props.columns}>
                  {(c) => (
                    // biome-ignore lint/a11y/useFocusableInteractive: cells are read through the active row
                    <div role="gridcell" classList={{ r: !!c.numeric }}>
                      {c.cell(item.index)}
                    </div>
                  )}
                </For>
              </div>
            )}
          </For>
        </div>
      </div>
      <Show when={props.rowCount === 0}>
        <p class="hint">No rows.</p>
      </Show>
    </div>
  );
}
