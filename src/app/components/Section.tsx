import { type JSX, Show } from 'solid-js';
import { slugify } from '../lib/slug';

/**
 * A panel-looking container for controls or documentation — no data, so no provenance
 * badge. Anything that shows data uses `Panel` instead.
 */
export function Section(props: { title: string; slug?: string; tools?: JSX.Element; children: JSX.Element; id?: string }): JSX.Element {
  const slug = () => props.slug ?? slugify(props.title);
  return (
    <section class="panel" data-testid={`section-${slug()}`} aria-labelledby={`s-${slug()}`} id={props.id}>
      <header class="panel-header">
        <h2 id={`s-${slug()}`}>{props.title}</h2>
        <Show when={props.tools}>
          <div class="panel-tools">{props.tools}</div>
        </Show>
      </header>
      <div class="panel-body">{props.children}</div>
    </section>
  );
}
