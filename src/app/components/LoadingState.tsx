import { For, type JSX } from 'solid-js';

/** Skeleton while a promise is pending; callers replace it with an error when the promise rejects. */
export function LoadingState(props: { label?: string; lines?: number }): JSX.Element {
  return (
    <div class="state" data-testid="loading-state" role="status" aria-live="polite">
      <div class="skeleton" aria-hidden="true">
        <For each={Array.from({ length: props.lines ?? 3 }, (_, i) => i)}>
          {(i) => <div class="skeleton-line" style={{ width: `${90 - i * 17}%` }} />}
        </For>
      </div>
      <span class="sr-only">{props.label ?? 'Loading…'}</span>
    </div>
  );
}
