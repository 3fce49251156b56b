import { A } from '@solidjs/router';
import { createSignal, type JSX, Show } from 'solid-js';
import type { JobRecord } from '../../engine/contracts';
import { formatDuration } from '../lib/format';
import { isActive, jobElapsedMs, paramsSummary } from '../lib/jobs';
import { errorMessage } from '../lib/trace';
import { useApp } from '../state/app';

/** Status badge with text (colour is never the only signal). */
export function JobStatusBadge(props: { status: JobRecord['status'] }): JSX.Element {
  return <span class={`status-badge st-${props.status}`}>{props.status}</span>;
}

/** Accessible progress bar: value as percent, value text with the stage message. */
export function JobProgress(props: { job: JobRecord }): JSX.Element {
  const pct = () => Math.round(props.job.progress * 100);
  const indeterminate = () => props.job.status === 'queued';
  const text = () =>
    props.job.status === 'queued' ? 'Queued — waiting for a worker' : `${pct()}%${props.job.stage ? ` — ${props.job.stage}` : ''}`;
  return (
    <div>
      <div
        class="progress"
        classList={{ indeterminate: indeterminate() }}
        role="progressbar"
        aria-label={`${props.job.type} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={indeterminate() ? undefined : pct()}
        aria-valuetext={text()}
      >
        <div style={{ width: `${indeterminate() ? 30 : pct()}%` }} />
      </div>
      <div class="job-meta" style={{ 'margin-top': '4px' }}>
        <span>{text()}</span>
      </div>
    </div>
  );
}

/**
 * One job: type, id, params, status, progress, elapsed, error, Cancel. Used by the job
 * drawer rows (`testid="job-row"`) and by page JobMonitors.
 */
export function JobCard(props: {
  job: JobRecord;
  testid: string;
  showParams?: boolean;
  /** show Re-run / Delete on finished jobs (job drawer) */
  actions?: boolean;
  resultHint?: JSX.Element;
}): JSX.Element {
  const app = useApp();
  const [cancelling, setCancelling] = createSignal(false);
  const [cancelError, setCancelError] = createSignal<string | null>(null);
  const elapsed = () => jobElapsedMs(props.job, app.now());
  const act = async (action: 'cancel' | 'rerun' | 'delete') => {
    setCancelling(true);
    setCancelError(null);
    try {
      if (action === 'cancel') await app.cancelJob(props.job.id);
      else if (action === 'rerun') await app.rerunJob(props.job);
      else await app.deleteJob(props.job.id);
    } catch (e) {
      const trace = app.reportError('ui.jobs', e, { action, jobId: props.job.id });
      setCancelError(`${action} failed: ${errorMessage(e)} (trace ${trace})`);
    } finally {
      setCancelling(false);
    }
  };
  return (
    <div
      class={props.testid === 'job-row' ? 'job-row' : 'job-monitor'}
      data-testid={props.testid}
      data-job-id={props.job.id}
      data-job-type={props.job.type}
      data-status={props.job.status}
    >
      <div class="job-head">
        <span class="job-type">{props.job.type}</span>
        <JobStatusBadge status={props.job.status} />
        <span class="job-meta" title={props.job.id}>
          Job: {props.job.id.slice(0, 12)}…
        </span>
        <span class="job-spacer" />
        <Show when={isActive(props.job)}>
          <button
            type="button"
            class="btn btn-sm btn-danger"
            data-testid="job-cancel"
            disabled={cancelling()}
            onClick={() => void act('cancel')}
          >
            {cancelling() ? 'Cancelling…' : 'Cancel'}
          </button>
        </Show>
        <Show when={props.actions && !isActive(props.job)}>
          <button type="button" class="btn btn-sm" data-testid="job-rerun" disabled={cancelling()} onClick={() => void act('rerun')}>
            Re-run
          </button>
          <button
            type="button"
            class="btn btn-sm btn-danger"
            data-testid="job-delete"
            disabled={cancelling()}
            onClick={() => void act('delete')}
          >
            Delete
          </button>
        </Show>
      </div>
      <Show when={props.showParams}>
        <div class="job-meta">{paramsSummary(props.job.manifest.params)}</div>
      </Show>
      <Show when={isActive(props.job)}>
        <JobProgress job={props.job} />
      </Show>
      <Show when={!isActive(props.job)}>
        {/* keep a progressbar on terminal rows too, so every row exposes its final progress */}
        <div
          class="progress"
          role="progressbar"
          aria-label={`${props.job.type} progress`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(props.job.progress * 100)}
          aria-valuetext={`${props.job.status}${props.job.stage ? ` — ${props.job.stage}` : ''}`}
        >
          <div
            style={{
              width: `${Math.round(props.job.progress * 100)}%`,
              background:
                props.job.status === 'succeeded'
                  ? 'var(--accent-green)'
                  : props.job.status === 'failed'
                    ? 'var(--accent-red)'
                    : 'var(--accent-amber)',
            }}
          />
        </div>
      </Show>
      <div class="job-meta">
        <span>created {props.job.createdAt.replace('T', ' ').slice(0, 19)}</span>
        <Show when={elapsed() !== null}>
          <span>
            {isActive(props.job) ? 'elapsed' : 'took'} {formatDuration(elapsed() ?? 0)}
          </span>
        </Show>
      </div>
      <Show when={props.job.status === 'failed'}>
        <div class="error-text">
          {props.job.error ?? 'failed without an error message'}
          <Show when={props.job.traceId}>
            {(t) => (
              <>
                {' '}
                <A href={`/logs?trace=${encodeURIComponent(t())}`} data-testid="job-error-logs">
                  View logs
                </A>
              </>
            )}
          </Show>
        </div>
      </Show>
      <Show when={props.job.status === 'succeeded'}>
        <div style={{ color: 'var(--accent-green)' }}>
          Completed successfully{props.job.stage && !/^(succeeded|done|completed)$/i.test(props.job.stage) ? ` — ${props.job.stage}` : ''}
          {props.resultHint}
        </div>
      </Show>
      <Show when={cancelError()}>
        <div class="error-text" role="alert">
          {cancelError()}
        </div>
      </Show>
    </div>
  );
}
