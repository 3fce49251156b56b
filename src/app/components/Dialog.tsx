import { type JSX, onCleanup, onMount, Show } from 'solid-js';
import { Icon } from './Icon';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** Open dialogs, innermost last: only the topmost one reacts to keys. */
const openDialogs: symbol[] = [];

export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => el.offsetParent !== null || el === document.activeElement);
}

/**
 * Modal surface: traps Tab inside, closes on Escape and backdrop click, restores focus to
 * the element that opened it. `variant="drawer"` slides in from the right.
 */
export function Dialog(props: {
  label: string;
  title?: string;
  onClose: () => void;
  variant?: 'dialog' | 'drawer' | 'palette';
  testid?: string;
  /** CSS selector of the element to focus first (defaults to the first focusable) */
  initialFocus?: string;
  footer?: JSX.Element;
  children: JSX.Element;
}): JSX.Element {
  let panel: HTMLDivElement | undefined;
  const opener = document.activeElement as HTMLElement | null;
  const token = Symbol('dialog');

  // Keys are handled at document level for the topmost dialog, so Escape and the Tab trap
  // still work when focus fell to <body> (e.g. the focused button was removed).
  const onKeyDown = (e: KeyboardEvent) => {
    if (openDialogs[openDialogs.length - 1] !== token || !panel) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      props.onClose();
      return;
    }
    if (e.key !== 'Tab') return;
    const items = focusables(panel);
    if (items.length === 0) {
      e.preventDefault();
      panel.focus();
      return;
    }
    const first = items[0];
    const last = items[items.length - 1];
    const active = document.activeElement;
    if (!panel.contains(active)) {
      e.preventDefault();
      (e.shiftKey ? last : first).focus();
    } else if (e.shiftKey && active === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  };

  onMount(() => {
    openDialogs.push(token);
    document.addEventListener('keydown', onKeyDown, true);
    if (!panel) return;
    const target = (props.initialFocus && panel.querySelector<HTMLElement>(props.initialFocus)) || focusables(panel)[0] || panel;
    target.focus();
  });
  onCleanup(() => {
    document.removeEventListener('keydown', onKeyDown, true);
    const i = openDialogs.indexOf(token);
    if (i >= 0) openDialogs.splice(i, 1);
    if (opener && document.contains(opener)) opener.focus();
  });

  const variant = () => props.variant ?? 'dialog';
  return (
    <div
      class="backdrop"
      classList={{ 'drawer-backdrop': variant() === 'drawer' }}
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) props.onClose();
      }}
    >
      <div
        ref={panel}
        class="dialog"
        classList={{ drawer: variant() === 'drawer', palette: variant() === 'palette' }}
        role="dialog"
        aria-modal="true"
        aria-label={props.label}
        data-testid={props.testid}
        tabindex="-1"
      >
        <Show when={props.title}>
          <div class="dialog-header">
            <h2>{props.title}</h2>
            <button type="button" class="btn btn-ghost btn-sm" onClick={() => props.onClose()} aria-label="Close">
              <Icon name="close" size={14} />
            </button>
          </div>
        </Show>
        {props.children}
        <Show when={props.footer}>
          <div class="dialog-footer">{props.footer}</div>
        </Show>
      </div>
    </div>
  );
}
