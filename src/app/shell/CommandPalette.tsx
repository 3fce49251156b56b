import { useNavigate } from '@solidjs/router';
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { Dialog } from '../components/Dialog';
import { fuzzyFilter } from '../lib/fuzzy';
import { errorMessage } from '../lib/trace';
import { PAGES } from '../pages';
import { runSelftest } from '../state/actions';
import { useApp } from '../state/app';

interface Command {
  id: string;
  label: string;
  kind: 'Page' | 'Action';
  hint?: string;
  run: () => unknown;
}

/** Ctrl/Cmd+K: filter "Go to <page>" entries and actions; arrows move, Enter runs, Escape closes. */
export function CommandPalette(): JSX.Element {
  const app = useApp();
  const navigate = useNavigate();
  const [query, setQuery] = createSignal('');
  const [active, setActive] = createSignal(0);
  const [error, setError] = createSignal<string | null>(null);
  const close = () => app.ui.setPaletteOpen(false);

  const commands: Command[] = [
    ...PAGES.map((p) => ({
      id: `go-${p.id}`,
      label: `Go to ${p.label}`,
      kind: 'Page' as const,
      hint: `g ${p.key}`,
      run: () => navigate(p.route),
    })),
    {
      id: 'import',
      label: 'Import files',
      kind: 'Action',
      hint: 'Data Explorer',
      run: () => navigate('/data-explorer?focus=import'),
    },
    {
      id: 'demo',
      label: 'Load demo dataset',
      kind: 'Action',
      hint: 'turns Demo Mode on',
      run: async () => {
        await app.loadDemo();
        app.ui.setDrawerOpen(true);
      },
    },
    {
      id: 'selftest',
      label: 'Run worker self-test',
      kind: 'Action',
      hint: '20 s job',
      run: async () => {
        await runSelftest(app);
        app.ui.setDrawerOpen(true);
      },
    },
    { id: 'settings', label: 'Open settings', kind: 'Action', run: () => app.ui.setSettingsOpen(true) },
    { id: 'jobs', label: 'Open jobs', kind: 'Action', run: () => app.ui.setDrawerOpen(true) },
    { id: 'sidebar', label: 'Toggle sidebar', kind: 'Action', hint: '[', run: () => app.ui.toggleSidebar() },
    { id: 'shortcuts', label: 'Show keyboard shortcuts', kind: 'Action', hint: '?', run: () => app.ui.setShortcutsOpen(true) },
  ];

  const results = createMemo(() => fuzzyFilter(commands, query(), (c) => c.label));
  const clampActive = () => Math.min(active(), Math.max(0, results().length - 1));

  const runCommand = async (c: Command | undefined) => {
    if (!c) return;
    setError(null);
    try {
      close();
      await c.run();
    } catch (e) {
      // The palette is closed by now; the error goes to the log and the live region.
      const trace = app.reportError('ui.palette', e, { command: c.id });
      app.announce(`${c.label} failed: ${errorMessage(e)} (trace ${trace})`);
      setError(errorMessage(e));
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const n = results().length;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((clampActive() + 1) % Math.max(1, n));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((clampActive() - 1 + Math.max(1, n)) % Math.max(1, n));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      void runCommand(results()[clampActive()]);
    } else if (e.key === 'Home' && e.ctrlKey) {
      setActive(0);
    }
  };

  return (
    <Dialog label="Command palette" variant="palette" onClose={close} initialFocus="input">
      <input
        type="text"
        placeholder="Type a command or page…"
        aria-label="Command"
        role="combobox"
        aria-expanded="true"
        aria-controls="palette-list"
        aria-activedescendant={results().length ? `pal-${results()[clampActive()].id}` : undefined}
        aria-autocomplete="list"
        value={query()}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
      />
      <div id="palette-list" class="palette-list" role="listbox" aria-label="Commands">
        <For each={results()}>
          {(c, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: keyboard selection is handled by the combobox input (aria-activedescendant)
            <div
              id={`pal-${c.id}`}
              class="palette-option"
              role="option"
              tabIndex={-1}
              aria-selected={i() === clampActive()}
              onMouseMove={() => setActive(i())}
              onClick={() => void runCommand(c)}
            >
              <span>{c.label}</span>
              <span class="pal-kind">
                {c.kind}
                {c.hint ? ` · ${c.hint}` : ''}
              </span>
            </div>
          )}
        </For>
        <Show when={results().length === 0}>
          <p class="hint" style={{ padding: '8px 10px', margin: 0 }}>
            No command matches “{query()}”
          </p>
        </Show>
      </div>
      <Show when={error()}>
        <p class="error-text" style={{ padding: '0 16px 12px' }}>
          {error()}
        </p>
      </Show>
    </Dialog>
  );
}
