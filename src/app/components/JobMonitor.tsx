import { type JSX, Show } from 'solid-js';
import { useApp } from '../state/app';
import { JobCard } from './JobCard';

/** Live card for one job id, fed by the app's job store (events + list refresh). */
export function JobMonitor(props: { jobId: string; resultHint?: JSX.Element }): JSX.Element {
  const app = useApp();
  const job = () => app.job(props.jobId);
  return (
    <Show
      when={job()}
      fallback={
        <div class="job-monitor" data-testid="job-monitor">
          <span class="job-meta">Job {props.jobId.slice(0, 8)}… — waiting for its first status</span>
        </div>
      }
    >
      {(j) => <JobCard job={j()} testid="job-monitor" showParams resultHint={props.resultHint} />}
    </Show>
  );
}
