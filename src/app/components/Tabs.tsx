import { useSearchParams } from '@solidjs/router';
import { type Accessor, For, type JSX } from 'solid-js';

export interface TabDef<T extends string> {
  id: T;
  label: string;
}

/** Tab state in the URL query (`?tab=regime`) so views are linkable and survive reload. */
export function useTab<T extends string>(tabs: readonly TabDef<T>[], fallback: T): [Accessor<T>, (t: T) => void] {
  const [params, setParams] = useSearchParams<{ tab?: string }>();
  const current = (): T => {
    const raw = params.tab;
    const hit = tabs.find((t) => t.id === raw);
    return hit ? hit.id : fallback;
  };
  const set = (t: T) => setParams({ tab: t }, { replace: true });
  return [current, set];
}

/**
 * ARIA tabs: a tablist of buttons with roving tabindex; Left/Right move and activate,
 * Home/End jump, Enter/Space activate. Only the active panel is rendered, so charts in
 * inactive tabs do not exist.
 */
export function Tabs<T extends string>(props: {
  tabs: readonly TabDef<T>[];
  value: T;
  onChange: (t: T) => void;
  label: string;
  idPrefix: string;
  children: (tab: T) => JSX.Element;
}): JSX.Element {
  const buttons: HTMLButtonElement[] = [];
  const activate = (i: number) => {
    const n = props.tabs.length;
    const k = ((i % n) + n) % n;
    props.onChange(props.tabs[k].id);
    buttons[k]?.focus();
  };
  const onKey = (e: KeyboardEvent, i: number) => {
    switch (e.key) {
      case 'ArrowRight':
        activate(i + 1);
        break;
      case 'ArrowLeft':
        activate(i - 1);
        break;
      case 'Home':
        activate(0);
        break;
      case 'End':
        activate(props.tabs.length - 1);
        break;
      case 'Enter':
      case ' ':
        activate(i);
        break;
      default:
        return;
    }
    e.preventDefault();
  };
  return (
    <div class="tabs">
      <div class="tablist" role="tablist" aria-label={props.label}>
        <For each={props.tabs}>
          {(t, i) => (
            <button
              type="button"
              role="tab"
              class="tab"
              ref={(el) => {
                buttons[i()] = el;
              }}
              id={`${props.idPrefix}-tab-${t.id}`}
              aria-selected={props.value === t.id}
              aria-controls={`${props.idPrefix}-panel-${t.id}`}
              tabindex={props.value === t.id ? 0 : -1}
              onClick={() => props.onChange(t.id)}
              onKeyDown={(e) => onKey(e, i())}
            >
              {t.label}
            </button>
          )}
        </For>
      </div>
      <div
        class="tabpanel"
        role="tabpanel"
        id={`${props.idPrefix}-panel-${props.value}`}
        aria-labelledby={`${props.idPrefix}-tab-${props.value}`}
        tabindex="0"
      >
        {props.children(props.value)}
      </div>
    </div>
  );
}
