import { For, type JSX } from 'solid-js';
import { Dialog } from '../components/Dialog';
import { PAGES } from '../pages';
import { useApp } from '../state/app';

export function ShortcutSheet(): JSX.Element {
  const app = useApp();
  const general: [string, string][] = [
    ['Ctrl/⌘ K', 'Command palette'],
    ['[', 'Toggle the sidebar'],
    ['?', 'This sheet'],
    ['/', 'Focus the page search (where there is one)'],
    ['Esc', 'Close a dialog or drawer'],
    ['← → Home End', 'Move between tabs'],
  ];
  return (
    <Dialog label="Keyboard shortcuts" title="Keyboard shortcuts" onClose={() => app.ui.setShortcutsOpen(false)}>
      <div class="dialog-body">
        <table class="data">
          <caption class="sr-only">Keyboard shortcuts</caption>
          <tbody>
            <For each={general}>
              {([k, what]) => (
                <tr>
                  <td>
                    <kbd>{k}</kbd>
                  </td>
                  <td>{what}</td>
                </tr>
              )}
            </For>
            <For each={PAGES}>
              {(p) => (
                <tr>
                  <td>
                    <kbd>g</kbd> then <kbd>{p.key}</kbd>
                  </td>
                  <td>Go to {p.label}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </Dialog>
  );
}
