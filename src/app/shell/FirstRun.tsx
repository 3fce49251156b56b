import { useLocation, useNavigate } from '@solidjs/router';
import { createSignal, type JSX, Show } from 'solid-js';
import { Icon } from '../components/Icon';
import { errorMessage } from '../lib/trace';
import { useApp } from '../state/app';

/**
 * Shown until the user makes a first choice: import files, connect the proxy, or load the
 * demo dataset on purpose. Demo data never appears without this choice (or Settings).
 */
export function FirstRun(): JSX.Element {
  const app = useApp();
  const navigate = useNavigate();
  const location = useLocation();
  const [showProxy, setShowProxy] = createSignal(false);
  const [url, setUrl] = createSignal('http://127.0.0.1:8787');
  const [busy, setBusy] = createSignal<string | null>(null);
  const [error, setError] = createSignal<string | null>(null);

  const finish = async (to: string | null) => {
    await app.saveSettings({ onboarded: true });
    if (to) navigate(to);
  };

  const attempt = async (what: string, fn: () => Promise<void>) => {
    setBusy(what);
    setError(null);
    try {
      await fn();
    } catch (e) {
      const trace = app.reportError('ui.firstRun', e, { choice: what });
      setError(`${errorMessage(e)} (trace ${trace})`);
    } finally {
      setBusy(null);
    }
  };

  const connect = () =>
    attempt('proxy', async () => {
      const u = url().trim();
      if (!/^https?:\/\/\S+$/.test(u)) throw new Error(`"${u}" is not an http(s) URL — e.g. http://127.0.0.1:8787`);
      const st = await app.connectProxy(u);
      if (st.kind !== 'connected') {
        throw new Error(st.kind === 'unreachable' ? st.error : `Proxy check of ${u} did not finish`);
      }
      await finish('/dashboard');
    });

  return (
    <main class="first-run" data-testid="first-run" aria-labelledby="first-run-title">
      <div class="first-run-card">
        <div style={{ display: 'flex', gap: '12px', 'align-items': 'center' }}>
          <span style={{ color: 'var(--accent-blue)' }}>
            <Icon name="bolt" size={28} />
          </span>
          <div>
            <h1 id="first-run-title" style={{ 'font-size': '20px' }}>
              Welcome to Quant Engine
            </h1>
            <p class="page-subtitle">
              Everything runs in this browser and stays on this device. Choose where your first data comes from.
            </p>
          </div>
        </div>
        <div class="choice-grid">
          <button
            type="button"
            class="choice"
            data-testid="first-run-import"
            disabled={busy() !== null}
            onClick={() => attempt('import', () => finish('/data-explorer?focus=import'))}
          >
            <strong>Import files</strong>
            <span>CSV or Parquet bars you already have. Opens the Data Explorer import panel.</span>
          </button>
          <button
            type="button"
            class="choice"
            data-testid="first-run-proxy"
            aria-expanded={showProxy()}
            aria-controls="first-run-proxy-form"
            disabled={busy() !== null}
            onClick={() => setShowProxy(true)}
          >
            <strong>Connect proxy</strong>
            <span>Fetch market and Kalshi data through the local proxy (`npm run proxy`).</span>
          </button>
          <button
            type="button"
            class="choice"
            data-testid="first-run-demo"
            disabled={busy() !== null}
            onClick={() =>
              attempt('demo', async () => {
                await app.loadDemo();
                await finish('/dashboard');
              })
            }
          >
            <strong>{busy() === 'demo' ? 'Loading…' : 'Load demo dataset'}</strong>
            <span>Seeded synthetic bars to explore the app. Turns Demo Mode on; everything is labelled DEMO.</span>
          </button>
        </div>
        <Show when={showProxy()}>
          <form
            id="first-run-proxy-form"
            class="field-row"
            onSubmit={(e) => {
              e.preventDefault();
              void connect();
            }}
          >
            <label class="field" style={{ flex: 1 }}>
              <span>Proxy URL</span>
              <input
                class="input"
                type="url"
                data-testid="proxy-url"
                value={url()}
                onInput={(e) => setUrl(e.currentTarget.value)}
                ref={(el) => queueMicrotask(() => el.focus())}
              />
            </label>
            <button type="submit" class="btn btn-primary" data-testid="proxy-connect" disabled={busy() !== null} style={{ 'align-self': 'flex-end' }}>
              {busy() === 'proxy' ? 'Connecting…' : 'Connect'}
            </button>
          </form>
        </Show>
        <Show when={error()}>
          <p class="error-text" role="alert" data-testid="first-run-error" style={{ margin: 0 }}>
            {error()}
          </p>
        </Show>
        <div>
          <a
            href={location.pathname}
            data-testid="first-run-skip"
            onClick={(e) => {
              e.preventDefault();
              void attempt('skip', () => finish(null));
            }}
          >
            Skip
          </a>
          <span class="hint"> — start with an empty workspace; every page says what it needs.</span>
        </div>
      </div>
    </main>
  );
}
