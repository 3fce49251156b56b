import { A, useLocation } from '@solidjs/router';
import type { JSX } from 'solid-js';

export default function NotFoundPage(): JSX.Element {
  const location = useLocation();
  document.title = 'Page not found · Quant Engine';
  return (
    <div class="page" data-testid="not-found">
      <header class="page-header">
        <div>
          <h1>Page not found</h1>
          <p class="page-subtitle">
            Nothing lives at <code>{location.pathname}</code>.
          </p>
        </div>
      </header>
      <div class="panel">
        <div class="state">
          <p class="state-msg">The address may be mistyped or from an older version of the app.</p>
          <A href="/dashboard" class="btn btn-primary">
            Go to Dashboard
          </A>
        </div>
      </div>
    </div>
  );
}
