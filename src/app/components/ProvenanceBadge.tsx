import { createSignal, createUniqueId, For, type JSX, onCleanup, Show } from 'solid-js';
import type { EnvelopeMeta } from '../../engine/contracts';
import { badgeFor, provenanceRows } from '../lib/provenance';

/**
 * LIVE / CACHED · age / FALLBACK / DEMO / UNKNOWN. The text is the signal (colour only
 * reinforces it). Click, Enter or Space opens a popover with the full provenance; Escape
 * or focus leaving closes it.
 */
export function ProvenanceBadge(props: { meta: EnvelopeMeta | null; now?: number }): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const id = createUniqueId();
  const now = () => props.now ?? Date.now();
  const badge = () => badgeFor(props.meta, now());
  let root: HTMLSpanElement | undefined;

  const onDocClick = (e: MouseEvent) => {
    if (root && !root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('click', onDocClick);
  onCleanup(() => document.removeEventListener('click', onDocClick));

  const title = () =>
    props.meta
      ? `${badge().label} — ${props.meta.source || 'source not recorded'}`
      : 'No data shown — nothing to attribute provenance to';

  return (
    <span
      class="prov"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open()) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
      onFocusOut={(e) => {
        if (root && !root.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <button
        type="button"
        class="badge"
        data-testid="provenance-badge"
        data-mode={badge().mode}
        title={title()}
        aria-expanded={open()}
        aria-controls={id}
        onClick={() => setOpen((v) => !v)}
      >
        {badge().label}
      </button>
      <Show when={open()}>
        <div class="popover" id={id} role="dialog" aria-label="Data provenance">
          <Show
            when={props.meta}
            fallback={<p style={{ margin: 0 }}>No data is shown in this panel, so there is no provenance to report.</p>}
          >
            {(meta) => (
              <>
                <dl>
                  <For each={provenanceRows(meta(), now())}>
                    {([k, v]) => (
                      <>
                        <dt>{k}</dt>
                        <dd>{v}</dd>
                      </>
                    )}
                  </For>
                </dl>
                <Show when={meta().warnings.length > 0}>
                  <ul>
                    <For each={meta().warnings}>{(w) => <li>{w}</li>}</For>
                  </ul>
                </Show>
              </>
            )}
          </Show>
        </div>
      </Show>
    </span>
  );
}
