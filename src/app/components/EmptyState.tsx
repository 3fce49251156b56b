import { A } from '@solidjs/router';
import { For, type JSX, Show } from 'solid-js';

/** An action that fixes the empty state: a route link or a button. */
export type StateAction =
  | { label: string; href: string; primary?: boolean }
  | { label: string; onClick: () => void; primary?: boolean; disabled?: boolean; testid?: string };

export function ActionButtons(props: { actions?: StateAction[] }): JSX.Element {
  return (
    <Show when={props.actions && props.actions.length > 0}>
      <div class="state-actions">
        <For each={props.actions}>
          {(a) =>
            'href' in a ? (
              <A href={a.href} class={`btn${a.primary ? ' btn-primary' : ''}`}>
                {a.label}
              </A>
            ) : (
              <button
                type="button"
                class={`btn${a.primary ? ' btn-primary' : ''}`}
                onClick={() => a.onClick()}
                disabled={a.disabled}
                data-testid={a.testid}
              >
                {a.label}
              </button>
            )
          }
        </For>
      </div>
    </Show>
  );
}

/** Says what is missing and offers the action that fixes it. Never shows numbers. */
export function EmptyState(props: { message: string; detail?: string; actions?: StateAction[] }): JSX.Element {
  return (
    <div class="state" data-testid="empty-state">
      <p class="state-msg">{props.message}</p>
      <Show when={props.detail}>
        <p class="hint">{props.detail}</p>
      </Show>
      <ActionButtons actions={props.actions} />
    </div>
  );
}
