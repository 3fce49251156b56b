import { createEffect, createSignal, For, type JSX, on, Show } from 'solid-js';
import type { Timeframe } from '../../../engine/contracts';
import { defaultLiveRange, LIVE_PROVIDERS, LIVE_RANGES, LIVE_TIMEFRAMES, type LiveFetchRequest, type LiveProvider, type LiveRange } from '../../../workers/api';
import { Section } from '../../components/Section';
import { useApp } from '../../state/app';

/** Ticker + interval + provider → a `fetch` job through the proxy in Settings. */
export function FetchSection(props: { onFetch: (req: LiveFetchRequest) => void; busy: boolean; children?: JSX.Element }): JSX.Element {
  const app = useApp();
  const [provider, setProvider] = createSignal<LiveProvider>('yahoo');
  const [ticker, setTicker] = createSignal('');
  const [tf, setTf] = createSignal<Timeframe>('1d');
  const [range, setRange] = createSignal<LiveRange>(defaultLiveRange('1d'));
  createEffect(on(tf, (t) => setRange(defaultLiveRange(t))));
  createEffect(
    on(provider, (p) => {
      if (!LIVE_TIMEFRAMES[p].includes(tf())) setTf('1d');
    }),
  );
  const proxyUrl = () => app.settings().proxyUrl;

  return (
    <Section title="Fetch live">
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          const t = ticker().trim();
          if (!t) return;
          props.onFetch({ provider: provider(), ticker: t, timeframe: tf(), range: provider() === 'yahoo' ? range() : undefined });
        }}
      >
        <div class="field-row" style={{ gap: '8px', 'flex-wrap': 'wrap' }}>
          <label class="field-row">
            <span class="hint">Ticker</span>
            <input
              class="select"
              style={{ width: '110px' }}
              data-testid="fetch-ticker"
              placeholder="e.g. AAPL"
              value={ticker()}
              onInput={(e) => setTicker(e.currentTarget.value)}
              aria-label="Ticker to fetch"
            />
          </label>
          <label class="field-row">
            <span class="hint">Provider</span>
            <select class="select" data-testid="fetch-provider" value={provider()} onChange={(e) => setProvider(e.currentTarget.value as LiveProvider)}>
              <For each={LIVE_PROVIDERS}>{(p) => <option value={p}>{p}</option>}</For>
            </select>
          </label>
          <label class="field-row">
            <span class="hint">Interval</span>
            <select class="select" data-testid="fetch-interval" value={tf()} onChange={(e) => setTf(e.currentTarget.value as Timeframe)}>
              <For each={LIVE_TIMEFRAMES[provider()]}>{(t) => <option value={t}>{t}</option>}</For>
            </select>
          </label>
          <Show when={provider() === 'yahoo'}>
            <label class="field-row">
              <span class="hint">Range</span>
              <select class="select" data-testid="fetch-range" value={range()} onChange={(e) => setRange(e.currentTarget.value as LiveRange)}>
                <For each={LIVE_RANGES}>{(r) => <option value={r}>{r}</option>}</For>
              </select>
            </label>
          </Show>
          <button type="submit" class="btn btn-primary" data-testid="fetch-live" disabled={props.busy || !proxyUrl() || ticker().trim() === ''}>
            Fetch live
          </button>
        </div>
        <Show
          when={proxyUrl()}
          fallback={
            <p class="hint" data-testid="fetch-no-proxy">
              No proxy connected. Start it with <code>npm run proxy</code> and set its URL in{' '}
              <button type="button" class="btn btn-sm" onClick={() => app.ui.setSettingsOpen(true)}>
                Settings
              </button>
              .
            </p>
          }
        >
          {(url) => <p class="hint">Through the proxy at {url()}. Fetched data is stored (origin proxy) and shown LIVE now, CACHED with its age later.</p>}
        </Show>
        {props.children}
      </form>
    </Section>
  );
}
