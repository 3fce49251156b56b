import { createSignal, For, type JSX, Match, Show, Switch } from 'solid-js';
import { version as APP_VERSION } from '../../../package.json';
import { LOG_LEVELS, type LogLevel } from '../../engine/contracts';
import { ENGINE_VERSION } from '../../engine/core/version';
import { Dialog } from '../components/Dialog';
import { formatBytes, formatClock } from '../lib/format';
import { errorMessage } from '../lib/trace';
import { useApp } from '../state/app';

/** Route-less settings: demo mode, proxy, log level, storage, versions. */
export function SettingsDialog(): JSX.Element {
  const app = useApp();
  const [proxyUrl, setProxyUrl] = createSignal(app.settings().proxyUrl ?? 'http://127.0.0.1:8787');
  const [busy, setBusy] = createSignal<string | null>(null);
  const [message, setMessage] = createSignal<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [persistMsg, setPersistMsg] = createSignal<string | null>(null);

  const run = async (what: string, fn: () => Promise<string | undefined>) => {
    setBusy(what);
    setMessage(null);
    try {
      const ok = await fn();
      if (ok) setMessage({ kind: 'ok', text: ok });
    } catch (e) {
      const trace = app.reportError('ui.settings', e, { action: what });
      setMessage({ kind: 'error', text: `${errorMessage(e)} (trace ${trace})` });
    } finally {
      setBusy(null);
    }
  };

  const connect = () =>
    run('proxy', async () => {
      const url = proxyUrl().trim();
      if (!/^https?:\/\/\S+$/.test(url)) throw new Error(`"${url}" is not an http(s) URL — e.g. http://127.0.0.1:8787`);
      const st = await app.connectProxy(url);
      if (st.kind === 'unreachable') throw new Error(st.error);
      return st.kind === 'connected' ? `Connected to proxy ${st.version} at ${url}` : undefined;
    });

  const storage = () => {
    const s = app.storage();
    return s.kind === 'ready' ? s.estimate : null;
  };

  return (
    <Dialog label="Settings" title="Settings" onClose={() => app.ui.setSettingsOpen(false)} testid="settings-dialog">
      <div class="dialog-body">
        <section class="stack" aria-labelledby="set-demo">
          <h3 id="set-demo" class="field-label">
            Demo mode
          </h3>
          <label class="field-row" style={{ 'flex-wrap': 'nowrap' }}>
            <input
              type="checkbox"
              data-testid="settings-demo"
              checked={app.settings().demoMode}
              disabled={busy() !== null}
              onChange={(e) => {
                const on = e.currentTarget.checked;
                void run('demo', async () => {
                  await app.saveSettings({ demoMode: on });
                  return on ? 'Demo mode on — load the demo dataset explicitly below.' : 'Demo mode off.';
                });
              }}
            />
            <span>Demo mode (shows the DEMO banner; allows loading the seeded synthetic dataset)</span>
          </label>
          <Show when={app.settings().demoMode}>
            <div class="field-row">
              <button
                type="button"
                class="btn"
                disabled={busy() !== null}
                onClick={() =>
                  run('load-demo', async () => {
                    const job = await app.loadDemo();
                    return `Demo data job ${job.id.slice(0, 8)}… submitted — see Jobs.`;
                  })
                }
              >
                Load demo dataset
              </button>
              <span class="hint">Synthetic bars, labelled DEMO wherever they appear.</span>
            </div>
          </Show>
        </section>

        <section class="stack" aria-labelledby="set-proxy">
          <h3 id="set-proxy" class="field-label">
            Proxy
          </h3>
          <div class="field-row">
            <input
              class="input"
              style={{ flex: 1 }}
              type="url"
              aria-label="Proxy URL"
              data-testid="settings-proxy-url"
              value={proxyUrl()}
              onInput={(e) => setProxyUrl(e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter') void connect();
              }}
            />
            <button type="button" class="btn btn-primary" disabled={busy() !== null} onClick={() => void connect()}>
              {busy() === 'proxy' ? 'Connecting…' : 'Connect'}
            </button>
            <Show when={app.settings().proxyUrl}>
              <button
                type="button"
                class="btn"
                disabled={busy() !== null}
                onClick={() =>
                  run('disconnect', async () => {
                    await app.disconnectProxy();
                    return 'Proxy disconnected.';
                  })
                }
              >
                Disconnect
              </button>
            </Show>
          </div>
          <p
            class={app.proxy().kind === 'unreachable' ? 'error-text' : 'hint'}
            style={{ margin: 0 }}
            role="status"
            data-testid="settings-proxy-status"
          >
            <Switch>
              <Match when={app.proxy().kind === 'none'}>No proxy configured. Start one with `npm run proxy`, then Connect.</Match>
              <Match when={app.proxy().kind === 'checking'}>Checking…</Match>
              <Match when={app.proxy().kind === 'connected'}>
                {(() => {
                  const p = app.proxy();
                  return p.kind === 'connected' ? `Connected to ${p.url} (proxy ${p.version}, checked ${formatClock(p.at)})` : '';
                })()}
              </Match>
              <Match when={app.proxy().kind === 'unreachable'}>
                {(() => {
                  const p = app.proxy();
                  return p.kind === 'unreachable' ? `Configured proxy unreachable: ${p.error}` : '';
                })()}
              </Match>
            </Switch>
          </p>
        </section>

        <section class="stack" aria-labelledby="set-log">
          <h3 id="set-log" class="field-label">
            Logging
          </h3>
          <label class="field-row">
            <span>Log level</span>
            <select
              class="select"
              data-testid="settings-log-level"
              value={app.settings().logLevel}
              onChange={(e) => {
                const level = e.currentTarget.value as LogLevel;
                void run('log-level', async () => {
                  await app.saveSettings({ logLevel: level });
                  return `Log level set to ${level}.`;
                });
              }}
            >
              <For each={LOG_LEVELS}>{(l) => <option value={l}>{l}</option>}</For>
            </select>
          </label>
        </section>

        <section class="stack" aria-labelledby="set-storage">
          <h3 id="set-storage" class="field-label">
            Storage
          </h3>
          <Show
            when={storage()}
            fallback={
              <p class="hint" style={{ margin: 0 }}>
                {(() => {
                  const s = app.storage();
                  return s.kind === 'error' ? `Storage estimate unavailable: ${s.error}` : 'Checking storage…';
                })()}
              </p>
            }
          >
            {(e) => (
              <dl class="kv" data-testid="settings-storage">
                <dt>Used</dt>
                <dd>{formatBytes(e().usage)}</dd>
                <dt>Quota</dt>
                <dd>{formatBytes(e().quota)}</dd>
                <dt>Persistent</dt>
                <dd>{e().persisted ? 'yes — the browser will not evict this data' : 'no — best-effort, may be evicted'}</dd>
              </dl>
            )}
          </Show>
          <div class="field-row">
            <button
              type="button"
              class="btn"
              data-testid="request-persistence"
              disabled={busy() !== null || storage()?.persisted === true}
              onClick={() =>
                run('persist', async () => {
                  const granted = await app.backend.requestPersistence();
                  app.refreshStorage();
                  setPersistMsg(
                    granted
                      ? 'Persistent storage granted.'
                      : 'The browser declined persistent storage (it decides from engagement; installing the app usually helps).',
                  );
                  return undefined;
                })
              }
            >
              Request persistent storage
            </button>
            <Show when={persistMsg()}>
              <span class="hint">{persistMsg()}</span>
            </Show>
          </div>
        </section>

        <section class="stack" aria-labelledby="set-version">
          <h3 id="set-version" class="field-label">
            Version
          </h3>
          <dl class="kv">
            <dt>App</dt>
            <dd>{APP_VERSION}</dd>
            <dt>Engine</dt>
            <dd>{ENGINE_VERSION}</dd>
          </dl>
        </section>

        <Show when={message()}>
          {(m) => (
            <p class={m().kind === 'error' ? 'error-text' : 'hint'} role={m().kind === 'error' ? 'alert' : 'status'} style={{ margin: 0 }}>
              {m().text}
            </p>
          )}
        </Show>
      </div>
    </Dialog>
  );
}
