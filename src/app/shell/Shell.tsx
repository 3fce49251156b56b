import { type RouteSectionProps, useNavigate } from '@solidjs/router';
import { createResource, type JSX, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { ErrorPanel } from '../components/ErrorPanel';
import { getBackend } from '../backend';
import { nextKey, type SequenceState } from '../lib/keys';
import { errorMessage } from '../lib/trace';
import { pageByKey } from '../pages';
import { AppContext, createAppState, useApp } from '../state/app';
import type { Backend, BootInfo } from '../../workers/api';
import { CommandPalette } from './CommandPalette';
import { FirstRun } from './FirstRun';
import { JobDrawer } from './JobDrawer';
import { SettingsDialog } from './SettingsDialog';
import { ShortcutSheet } from './ShortcutSheet';
import { Sidebar } from './Sidebar';
import { StatusBar } from './StatusBar';
import { UpdatePrompt } from './UpdatePrompt';

let interactiveMarked = false;

/** Marks the app interactive once (the e2e contract waits for `html[data-ready="1"]`). */
function markInteractive(): void {
  if (interactiveMarked) return;
  interactiveMarked = true;
  requestAnimationFrame(() => {
    performance.mark('qe:interactive');
    document.documentElement.dataset.ready = '1';
  });
}

async function bootBackend(): Promise<{ backend: Backend; info: BootInfo }> {
  const backend = getBackend();
  const info = await backend.boot();
  return { backend, info };
}

/** Router root: boots the back end, then shows the first-run screen or the app layout. */
export function Shell(props: RouteSectionProps): JSX.Element {
  const [boot, { refetch }] = createResource(bootBackend);
  return (
    <div data-testid="app-shell" class="app-root" style={{ height: '100%' }}>
      <Switch>
        <Match when={boot.error as unknown}>
          <BootFailure error={boot.error} retry={() => void refetch()} />
        </Match>
        <Match when={boot()}>
          {(b) => (
            <AppRoot backend={b().backend} info={b().info}>
              {props.children}
            </AppRoot>
          )}
        </Match>
        <Match when={boot.loading}>
          <div class="boot" role="status">
            Starting Quant Engine…
          </div>
        </Match>
      </Switch>
      <UpdatePrompt />
    </div>
  );
}

function BootFailure(props: { error: unknown; retry: () => void }): JSX.Element {
  onMount(markInteractive);
  return (
    <main class="first-run" data-testid="boot-error">
      <div class="first-run-card">
        <h1>Quant Engine could not start</h1>
        <ErrorPanel
          title="Start-up failed"
          message={errorMessage(props.error)}
          suggestion="Local storage (IndexedDB) or the workers could not be opened. Private browsing modes and blocked site data are the usual causes."
          retry={props.retry}
        />
      </div>
    </main>
  );
}

function AppRoot(props: { backend: Backend; info: BootInfo; children: JSX.Element }): JSX.Element {
  const app = createAppState(props.backend, props.info);
  if (props.info.interruptedJobs > 0) {
    app.announce(`${props.info.interruptedJobs} job(s) were interrupted when the page closed and are marked failed.`);
  }
  onMount(markInteractive);
  return (
    <AppContext.Provider value={app}>
      <Show when={app.settings().onboarded} fallback={<FirstRun />}>
        <Layout>{props.children}</Layout>
      </Show>
    </AppContext.Provider>
  );
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el?.tagName) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

function Layout(props: { children: JSX.Element }): JSX.Element {
  const app = useApp();
  const navigate = useNavigate();
  let seq: SequenceState = { gAt: null };
  let main: HTMLElement | undefined;

  const anyDialogOpen = () => app.ui.paletteOpen() || app.ui.settingsOpen() || app.ui.drawerOpen() || app.ui.shortcutsOpen();

  const onKey = (e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
      e.preventDefault();
      app.ui.setPaletteOpen(!app.ui.paletteOpen());
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || anyDialogOpen()) return;
    const r = nextKey(seq, e.key, performance.now());
    seq = r.state;
    switch (r.action.kind) {
      case 'goto': {
        const page = pageByKey(r.action.letter);
        if (page) {
          e.preventDefault();
          navigate(page.route);
        }
        break;
      }
      case 'toggle-sidebar':
        e.preventDefault();
        app.ui.toggleSidebar();
        break;
      case 'shortcuts':
        e.preventDefault();
        app.ui.setShortcutsOpen(true);
        break;
      case 'focus-search': {
        const search = main?.querySelector<HTMLElement>('[data-page-search]');
        if (search) {
          e.preventDefault();
          search.focus();
        }
        break;
      }
      case 'none':
        break;
    }
  };
  document.addEventListener('keydown', onKey);
  onCleanup(() => document.removeEventListener('keydown', onKey));

  // New ERROR records are announced (not every progress tick).
  const unsubLog = app.backend.onLog((entry) => {
    if (entry.level === 'ERROR' || entry.level === 'CRITICAL') app.announce(`Error logged by ${entry.logger}: ${entry.message}`);
  });
  onCleanup(unsubLog);

  return (
    <div class="app" classList={{ 'sidebar-collapsed': app.ui.sidebarCollapsed() }}>
      <a href="#main" class="skip-link">
        Skip to content
      </a>
      <Sidebar />
      <div class="banner-area">
        <Show when={app.settings().demoMode}>
          <div class="demo-banner" data-testid="demo-banner" role="note">
            <span>DEMO MODE — synthetic data</span>
            <button type="button" class="btn btn-sm" onClick={() => app.ui.setSettingsOpen(true)}>
              Settings
            </button>
          </div>
        </Show>
      </div>
      <main class="main" id="main" ref={main} tabindex="-1">
        {props.children}
      </main>
      <StatusBar />
      <div class="sr-only" role="status" aria-live="polite" data-testid="live-region">
        {app.announcement()}
      </div>
      <Show when={app.ui.drawerOpen()}>
        <JobDrawer />
      </Show>
      <Show when={app.ui.paletteOpen()}>
        <CommandPalette />
      </Show>
      <Show when={app.ui.settingsOpen()}>
        <SettingsDialog />
      </Show>
      <Show when={app.ui.shortcutsOpen()}>
        <ShortcutSheet />
      </Show>
    </div>
  );
}
