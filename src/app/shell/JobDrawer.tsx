import { For, type JSX, Show } from 'solid-js';
import { JobCard } from '../components/JobCard';
import { Dialog } from '../components/Dialog';
import { JOB_LIST_LIMIT, useApp } from '../state/app';

/** The global job history (last 50), live via job events; opened from the status bar. */
export function JobDrawer(): JSX.Element {
  const app = useApp();
  return (
    <Dialog label="Jobs" title="Jobs" variant="drawer" testid="job-drawer" onClose={() => app.ui.setDrawerOpen(false)}>
      <div class="dialog-body">
        <p class="hint" style={{ margin: 0 }}>
          The last {JOB_LIST_LIMIT} jobs, newest first. Jobs interrupted by a page close are recorded as failed.
        </p>
        <Show when={app.jobs().length > 0} fallback={<p class="hint">No jobs yet. Jobs appear here when you load data or run a computation.</p>}>
          <ul class="job-list">
            {/* keyed by id so a progress tick updates a row in place (focus stays on its Cancel button) */}
            <For each={app.jobs().map((j) => j.id)}>
              {(id) => (
                <Show when={app.job(id)}>
                  {(j) => (
                    <li>
                      <JobCard job={j()} testid="job-row" showParams actions />
                    </li>
                  )}
                </Show>
              )}
            </For>
          </ul>
        </Show>
      </div>
    </Dialog>
  );
}
