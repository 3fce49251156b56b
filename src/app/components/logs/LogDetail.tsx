import { A } from '@solidjs/router';
import { type JSX, Show } from 'solid-js';
import type { LogEntry } from '../../../engine/contracts';
import { formatLocalTimeMs } from '../../lib/format';

/** The full record behind a log row: whole message, ids as filter links, context (stack) as JSON. */
export function LogDetail(props: { entry: LogEntry; onClose: () => void }): JSX.Element {
  return (
    <section class="panel" data-testid="log-detail" aria-label="Log record">
      <header class="panel-header">
        <h2>Log record</h2>
        <div class="panel-tools">
          <button type="button" class="btn btn-sm" onClick={() => props.onClose()}>
            Close
          </button>
        </div>
      </header>
      <div class="panel-body stack">
        <dl class="kv">
          <dt>Time</dt>
          <dd class="mono">
            {formatLocalTimeMs(props.entry.ts)} <span class="hint">({new Date(props.entry.ts).toISOString()})</span>
          </dd>
          <dt>Level</dt>
          <dd class={`mono lv-${props.entry.level}`}>{props.entry.level}</dd>
          <dt>Logger</dt>
          <dd class="mono">{props.entry.logger}</dd>
          <Show when={props.entry.jobId}>
            <dt>Job</dt>
            <dd class="mono">
              <A href={`/logs?job=${encodeURIComponent(props.entry.jobId ?? '')}`}>{props.entry.jobId}</A>
            </dd>
          </Show>
          <Show when={props.entry.traceId}>
            <dt>Trace</dt>
            <dd class="mono">
              <A href={`/logs?trace=${encodeURIComponent(props.entry.traceId ?? '')}`}>{props.entry.traceId}</A>
            </dd>
          </Show>
        </dl>
        <pre class="mono" style={{ 'white-space': 'pre-wrap', 'word-break': 'break-word', margin: 0 }}>
          {props.entry.message}
        </pre>
        <Show when={props.entry.context}>
          <pre class="mono hint" data-testid="log-detail-context" style={{ 'white-space': 'pre-wrap', 'word-break': 'break-word', margin: 0, 'max-height': '320px', overflow: 'auto' }}>
            {JSON.stringify(props.entry.context, null, 2)}
          </pre>
        </Show>
      </div>
    </section>
  );
}
