import { For, type JSX } from 'solid-js';
import './research.css';

/** A small group of toggle buttons for one choice (aria-pressed carries the state). */
export function Segmented<T extends string>(props: {
  label: string;
  options: readonly { id: T; label: string; title?: string }[];
  value: T;
  onChange: (v: T) => void;
  testid?: string;
}): JSX.Element {
  return (
    <div class="rs-segment" role="group" aria-label={props.label} data-testid={props.testid}>
      <For each={props.options}>
        {(o) => (
          <button
            type="button"
            aria-pressed={props.value === o.id}
            title={o.title}
            data-value={o.id}
            onClick={() => props.onChange(o.id)}
          >
            {o.label}
          </button>
        )}
      </For>
    </div>
  );
}
