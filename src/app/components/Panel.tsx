import { type Accessor, createEffect, createMemo, createSignal, For, type JSX, Match, on, Show, Switch } from 'solid-js';
import type { EnvelopeMeta } from '../../engine/contracts';
import { checkEnvelope } from '../lib/provenance';
import { slugify } from '../lib/slug';
import { useApp } from '../state/app';
import { EmptyState, type StateAction } from './EmptyState';
import { ErrorPanel } from './ErrorPanel';
import { LoadingState } from './LoadingState';
import { ProvenanceBadge } from './ProvenanceBadge';

export type PanelState =
  | { kind: 'loading'; label?: string }
  | { kind: 'empty'; message: string; detail?: string; actions?: StateAction[] }
  | { kind: 'error'; message: string; traceId?: string; retry?: () => void; title?: string }
  /** `envelope` is checked here: without valid provenance the data is not rendered. */
  | { kind: 'ready'; envelope: unknown };

export interface PanelProps<T> {
  title: string;
  /** defaults to kebab-case of the title */
  slug?: string;
  state: PanelState;
  /** header tools (selects, buttons) shown next to the badge */
  tools?: JSX.Element;
  class?: string;
  /** renders the data; receives accessors so updates do not rebuild the subtree */
  children?: (data: Accessor<T>, meta: Accessor<EnvelopeMeta>) => JSX.Element;
}

/**
 * The one container every panel uses: header (h2, provenance badge, warnings chip) and a
 * body that is exactly one of loading / empty / error / data.
 */
export function Panel<T>(props: PanelProps<T>): JSX.Element {
  const app = useApp();
  const slug = () => props.slug ?? slugify(props.title);
  const [showWarnings, setShowWarnings] = createSignal(false);

  const check = createMemo(() => (props.state.kind === 'ready' ? checkEnvelope<T>(props.state.envelope) : null));
  const valid = createMemo(() => {
    const c = check();
    return c?.ok ? c.envelope : null;
  });
  // An envelope without valid provenance is an error with its own log record.
  const invalidTrace = createMemo(
    on(check, (c) => (c && !c.ok ? app.reportError(`ui.panel.${slug()}`, new Error(c.reason)) : undefined)),
  );
  createEffect(() => {
    if (!valid()) setShowWarnings(false);
  });

  const meta = () => valid()?.meta ?? null;
  const warnings = () => meta()?.warnings ?? [];
  const errorState = () => (props.state.kind === 'error' ? props.state : null);
  const emptyState = () => (props.state.kind === 'empty' ? props.state : null);

  return (
    <section class={`panel ${props.class ?? ''}`} data-testid={`panel-${slug()}`} aria-labelledby={`h-${slug()}`}>
      <header class="panel-header">
        <h2 id={`h-${slug()}`}>{props.title}</h2>
        <Show when={props.tools}>
          <div class="panel-tools">{props.tools}</div>
        </Show>
        <Show when={warnings().length > 0}>
          <button
            type="button"
            class="badge badge-warn"
            data-testid="warnings-chip"
            aria-expanded={showWarnings()}
            aria-controls={`w-${slug()}`}
            title={`${warnings().length} warning${warnings().length === 1 ? '' : 's'} — show`}
            onClick={() => setShowWarnings((v) => !v)}
          >
            ⚠ {warnings().length}
          </button>
        </Show>
        <ProvenanceBadge meta={meta()} now={app.now()} />
      </header>
      <Show when={showWarnings() && warnings().length > 0}>
        <ul class="panel-warnings" id={`w-${slug()}`} data-testid="warnings-list">
          <For each={warnings()}>{(w) => <li>{w}</li>}</For>
        </ul>
      </Show>
      <div class="panel-body">
        <Switch>
          <Match when={props.state.kind === 'loading'}>
            <LoadingState label={props.state.kind === 'loading' ? props.state.label : undefined} />
          </Match>
          <Match when={emptyState()}>
            {(s) => <EmptyState message={s().message} detail={s().detail} actions={s().actions} />}
          </Match>
          <Match when={errorState()}>
            {(s) => <ErrorPanel title={s().title} message={s().message} traceId={s().traceId} retry={s().retry} />}
          </Match>
          <Match when={check() && !check()?.ok}>
            <ErrorPanel
              title="Data refused: missing provenance"
              message={(() => {
                const c = check();
                return c && !c.ok ? c.reason : '';
              })()}
              traceId={invalidTrace()}
            />
          </Match>
          <Match when={valid()}>
            {(env) => props.children?.(() => env().data, () => env().meta)}
          </Match>
        </Switch>
      </div>
    </section>
  );
}
