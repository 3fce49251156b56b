import { Dynamic } from 'solid-js/web';
import { createMemo, ErrorBoundary, type JSX, Suspense } from 'solid-js';
import { ErrorPanel } from '../components/ErrorPanel';
import { LoadingState } from '../components/LoadingState';
import { errorMessage } from '../lib/trace';
import type { PageDef } from '../pages';
import { useApp } from '../state/app';

/**
 * One page: lazily loaded, inside its own error boundary (each route renders its own
 * frame, so the boundary is keyed on the route). A crash shows an error panel with Retry and
 * a "View logs" link instead of blanking the shell.
 */
export function PageFrame(props: { page: PageDef }): JSX.Element {
  document.title = `${props.page.title} · Quant Engine`;
  return (
    <ErrorBoundary fallback={(err, reset) => <PageCrash page={props.page} error={err} reset={reset} />}>
      <Suspense fallback={<LoadingState label={`Loading ${props.page.label}…`} lines={5} />}>
        <Dynamic component={props.page.component} />
      </Suspense>
    </ErrorBoundary>
  );
}

function PageCrash(props: { page: PageDef; error: unknown; reset: () => void }): JSX.Element {
  const app = useApp();
  // Logged once per error object; the trace id ties the panel to the log record.
  const traceId = createMemo(() => app.reportError(`ui.page.${props.page.id}`, props.error, { route: props.page.route }));
  return (
    <div class="page">
      <header class="page-header">
        <div>
          <h1>{props.page.title}</h1>
          <p class="page-subtitle">This page failed to render.</p>
        </div>
      </header>
      <ErrorPanel
        title={`${props.page.label} crashed`}
        message={errorMessage(props.error)}
        suggestion="The rest of the app still works. Retry, or open the logs for details."
        traceId={traceId()}
        retry={props.reset}
      />
    </div>
  );
}
