import { A } from '@solidjs/router';
import { type JSX, Show } from 'solid-js';

/** A failure: what failed, why, what to do; the trace id links to the matching log record. */
export function ErrorPanel(props: {
  title?: string;
  message: string;
  traceId?: string;
  retry?: () => void;
  suggestion?: string;
}): JSX.Element {
  return (
    <div class="state error-state" data-testid="error-state" role="alert">
      <p class="state-title">{props.title ?? 'Something went wrong'}</p>
      <p class="state-msg">{props.message}</p>
      <Show when={props.suggestion}>
        <p class="hint">{props.suggestion}</p>
      </Show>
      <Show when={props.traceId}>
        <p class="trace">trace {props.traceId}</p>
      </Show>
      <div class="state-actions">
        <Show when={props.retry}>
          <button type="button" class="btn" onClick={() => props.retry?.()}>
            Retry
          </button>
        </Show>
        <Show when={props.traceId}>
          <A class="btn" href={`/logs?trace=${encodeURIComponent(props.traceId ?? '')}`}>
            View logs
          </A>
        </Show>
      </div>
    </div>
  );
}
