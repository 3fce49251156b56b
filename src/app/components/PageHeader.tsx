import { type JSX, Show } from 'solid-js';

/** The page's single <h1>, its subtitle and right-aligned actions. */
export function PageHeader(props: { title: string; subtitle: string; children?: JSX.Element }): JSX.Element {
  return (
    <header class="page-header">
      <div>
        <h1>{props.title}</h1>
        <p class="page-subtitle">{props.subtitle}</p>
      </div>
      <Show when={props.children}>
        <div class="page-actions">{props.children}</div>
      </Show>
    </header>
  );
}
