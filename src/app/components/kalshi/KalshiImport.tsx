import { createSignal, For, type JSX, Show } from 'solid-js';
import { errorMessage } from '../../lib/trace';
import { useApp } from '../../state/app';

const TYPES = ['CPI', 'FOMC', 'NFP', 'UNEMPLOYMENT', 'GDP'] as const;

/**
 * Where Kalshi data comes from: imported files (markets with contracts, quotes, event
 * outcomes; CSV or JSON), an event or series fetched through the proxy, or — in demo mode
 * only — the seeded demo event set. Each submits a job; `onJob` receives its id.
 */
export function KalshiImport(props: { onJob: (id: string) => void }): JSX.Element {
  const app = useApp();
  const [files, setFiles] = createSignal<File[]>([]);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [eventTicker, setEventTicker] = createSignal('');
  const [seriesTicker, setSeriesTicker] = createSignal('');
  const [eventType, setEventType] = createSignal('');
  const run = async (what: string, fn: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      props.onJob(await fn());
    } catch (e) {
      setError({ message: errorMessage(e), traceId: app.reportError(`ui.kalshi.${what}`, e) });
    } finally {
      setBusy(false);
    }
  };
  const importFiles = () =>
    run('import', async () => {
      const uploads = [];
      for (const f of files()) uploads.push(await app.backend.stageKalshiFile({ name: f.name, text: await f.text() }));
      const rec = await app.submitJob({ type: 'kalshi_import', params: { source: 'files', uploads } });
      setFiles([]);
      return rec.id;
    });
  const fetchProxy = () =>
    run('fetch', async () => {
      const params: { [k: string]: string } = {};
      if (eventTicker().trim()) params.eventTicker = eventTicker().trim();
      if (seriesTicker().trim()) params.seriesTicker = seriesTicker().trim();
      if (eventType()) params.eventType = eventType();
      if (!params.eventTicker && !params.seriesTicker) throw new Error('Enter a Kalshi event ticker (e.g. KXCPIYOY-24NOV) or a series ticker (e.g. KXCPIYOY).');
      return (await app.submitJob({ type: 'kalshi_fetch', params })).id;
    });
  const loadDemo = () => run('demo', async () => (await app.submitJob({ type: 'kalshi_import', params: { source: 'demo' } })).id);
  return (
    <div class="kx-controls" data-testid="kalshi-import-controls">
      <fieldset>
        <legend>Import files (CSV or JSON)</legend>
        <label>
          Markets, quotes and outcomes files
          <input
            type="file"
            multiple
            accept=".csv,.json,text/csv,application/json"
            data-testid="kalshi-file-input"
            onChange={(e) => setFiles([...(e.currentTarget.files ?? [])])}
          />
        </label>
        <button type="button" class="btn btn-primary" data-testid="kalshi-import" disabled={busy() || files().length === 0} onClick={() => void importFiles()}>
          Import {files().length > 0 ? `${files().length} file${files().length === 1 ? '' : 's'}` : 'files'}
        </button>
      </fieldset>
      <fieldset>
        <legend>Fetch through proxy (Kalshi public API)</legend>
        <label>
          Event ticker
          <input type="text" placeholder="KXCPIYOY-24NOV" value={eventTicker()} onInput={(e) => setEventTicker(e.currentTarget.value)} data-testid="kalshi-event-ticker" />
        </label>
        <label>
          or series
          <input type="text" placeholder="KXCPIYOY" value={seriesTicker()} onInput={(e) => setSeriesTicker(e.currentTarget.value)} />
        </label>
        <label>
          Event type
          <select value={eventType()} onChange={(e) => setEventType(e.currentTarget.value)}>
            <option value="">from series</option>
            <For each={TYPES}>{(t) => <option value={t}>{t}</option>}</For>
          </select>
        </label>
        <Show
          when={app.settings().proxyUrl}
          fallback={
            <button type="button" class="btn" data-testid="kalshi-connect-proxy" onClick={() => app.ui.setSettingsOpen(true)}>
              Connect the proxy (Settings)
            </button>
          }
        >
          <button type="button" class="btn" data-testid="kalshi-fetch" disabled={busy()} onClick={() => void fetchProxy()}>
            Fetch through proxy
          </button>
        </Show>
      </fieldset>
      <Show when={app.settings().demoMode}>
        <fieldset>
          <legend>Demo mode</legend>
          <button type="button" class="btn" data-testid="kalshi-demo" disabled={busy()} onClick={() => void loadDemo()}>
            Load demo events (labelled DEMO)
          </button>
        </fieldset>
      </Show>
      <Show when={error()}>
        {(e) => (
          <p class="error-text" role="alert" data-testid="kalshi-import-error">
            {e().message} <small>(trace {e().traceId})</small>
          </p>
        )}
      </Show>
    </div>
  );
}
