import { type JSX, Match, Switch } from 'solid-js';
import { formatBytes, formatClock } from '../lib/format';
import { useApp } from '../state/app';

/**
 * Bottom bar: worker pool, storage use, proxy connection, active jobs (opens the job
 * drawer), clock. Every value comes from the local back end; nothing claims a connection
 * that was not checked.
 */
export function StatusBar(): JSX.Element {
  const app = useApp();
  const w = () => app.workers();
  const running = () => app.jobs().filter((j) => j.status === 'running').length;
  const queued = () => app.jobs().filter((j) => j.status === 'queued').length;
  const workersDot = () => (w().dataWorker === 'error' || w().poolSize === 0 ? 'bad' : w().busy > 0 ? 'info' : 'ok');

  return (
    <footer class="statusbar" data-testid="status-bar">
      <span
        class="sb-item"
        data-testid="status-workers"
        title={w().dataWorkerError ? `Data worker error: ${w().dataWorkerError}` : 'Compute worker pool and DuckDB data worker'}
      >
        <span class={`dot ${workersDot()}`} aria-hidden="true" />
        Workers {w().busy}/{w().poolSize} busy · {w().restarts} restart{w().restarts === 1 ? '' : 's'} · Data worker:{' '}
        {w().dataWorker}
      </span>
      <span class="sb-item" data-testid="status-storage">
        <Switch>
          <Match when={app.storage().kind === 'loading'}>Storage: checking…</Match>
          <Match when={app.storage().kind === 'error'}>
            <span class="dot warn" aria-hidden="true" />
            Storage: unavailable ({(() => {
              const s = app.storage();
              return s.kind === 'error' ? s.error : '';
            })()})
          </Match>
          <Match
            when={(() => {
              const s = app.storage();
              return s.kind === 'ready' ? s.estimate : null;
            })()}
          >
            {(e) => (
              <>
                Storage: {formatBytes(e().usage)} / {formatBytes(e().quota)}
                {e().persisted ? ' · persistent' : ' · best-effort'}
              </>
            )}
          </Match>
        </Switch>
      </span>
      <span class="sb-item" data-testid="status-proxy" title={proxyTitle(app.proxy())}>
        <Switch>
          <Match when={app.proxy().kind === 'none'}>
            <span class="dot" aria-hidden="true" />
            Proxy: not configured
          </Match>
          <Match when={app.proxy().kind === 'checking'}>
            <span class="dot info" aria-hidden="true" />
            Proxy: checking…
          </Match>
          <Match when={app.proxy().kind === 'connected'}>
            <span class="dot ok" aria-hidden="true" />
            Proxy: connected
          </Match>
          <Match when={app.proxy().kind === 'unreachable'}>
            <span class="dot bad" aria-hidden="true" />
            Proxy: unreachable
          </Match>
        </Switch>
      </span>
      <span class="sb-spacer" />
      <button
        type="button"
        class="sb-button"
        data-testid="jobs-button"
        aria-haspopup="dialog"
        aria-expanded={app.ui.drawerOpen()}
        onClick={() => app.ui.setDrawerOpen(!app.ui.drawerOpen())}
        title="Open the job drawer"
      >
        {running()} running{queued() > 0 ? `, ${queued()} queued` : ''}
      </button>
      <span class="sb-item" title="Local time">
        {formatClock(app.now())}
      </span>
    </footer>
  );
}

function proxyTitle(p: ReturnType<ReturnType<typeof useApp>['proxy']>): string {
  switch (p.kind) {
    case 'none':
      return 'No proxy URL set — Settings › Proxy';
    case 'checking':
      return `Checking ${p.url}…`;
    case 'connected':
      return `${p.url} answered (proxy ${p.version}) at ${formatClock(p.at)}`;
    case 'unreachable':
      return `${p.url}: ${p.error} (checked ${formatClock(p.at)})`;
  }
}
