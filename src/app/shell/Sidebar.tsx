import { A, useLocation } from '@solidjs/router';
import { For, type JSX } from 'solid-js';
import { version as APP_VERSION } from '../../../package.json';
import { Icon } from '../components/Icon';
import { PAGES } from '../pages';
import { useApp } from '../state/app';

/** Fixed left navigation: brand, the ten pages as real links, footer with version and Settings. */
export function Sidebar(): JSX.Element {
  const app = useApp();
  const location = useLocation();
  const isCurrent = (route: string) => location.pathname === route || location.pathname.startsWith(`${route}/`);
  const poolOk = () => app.workers().poolSize > 0 && app.workers().dataWorker !== 'error';
  return (
    <aside class="sidebar" aria-label="Sidebar">
      <div class="brand">
        <span class="brand-mark">
          <Icon name="bolt" size={22} />
        </span>
        <div class="brand-text">
          <div class="brand-name">QUANT ENGINE</div>
          <div class="brand-sub">Professional Trading System</div>
        </div>
      </div>
      <nav aria-label="Main">
        <div class="nav-label" aria-hidden="true">
          NAVIGATION
        </div>
        <ul class="nav-list">
          <For each={PAGES}>
            {(p) => (
              <li>
                <A
                  href={p.route}
                  class="nav-item"
                  aria-current={isCurrent(p.route) ? 'page' : undefined}
                  title={app.ui.sidebarCollapsed() ? p.label : undefined}
                >
                  <Icon name={p.icon} size={16} />
                  <span class="nav-text">{p.label}</span>
                  <span class="nav-key" aria-hidden="true">
                    g {p.key}
                  </span>
                </A>
              </li>
            )}
          </For>
        </ul>
      </nav>
      <div class="sidebar-footer">
        <button
          type="button"
          class="btn"
          data-testid="open-settings"
          onClick={() => app.ui.setSettingsOpen(true)}
          title="Settings"
        >
          <Icon name="settings" size={14} />
          <span class="footer-text">Settings</span>
        </button>
        <div class="row" title={poolOk() ? 'Worker pool running' : 'Worker pool not ready'}>
          <span class="dot" classList={{ ok: poolOk(), warn: !poolOk() }} aria-hidden="true" />
          <span class="footer-text mono">
            v{APP_VERSION} · {poolOk() ? 'workers up' : 'workers down'}
          </span>
        </div>
      </div>
    </aside>
  );
}
