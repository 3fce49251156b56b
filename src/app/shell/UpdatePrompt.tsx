import { createSignal, type JSX, onCleanup, onMount, Show } from 'solid-js';

/**
 * Service-worker registration (production builds only, so dev mode is untouched). A waiting
 * worker shows "update available" with Reload; the first offline-ready state shows a toast.
 */
export function UpdatePrompt(): JSX.Element {
  const [needRefresh, setNeedRefresh] = createSignal(false);
  const [offlineReady, setOfflineReady] = createSignal(false);
  const [swError, setSwError] = createSignal<string | null>(null);
  let update: ((reload?: boolean) => Promise<void>) | undefined;
  let toastTimer: ReturnType<typeof setTimeout> | undefined;

  onMount(() => {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    import('virtual:pwa-register').then(
      ({ registerSW }) => {
        update = registerSW({
          onNeedRefresh: () => setNeedRefresh(true),
          onOfflineReady: () => {
            setOfflineReady(true);
            toastTimer = setTimeout(() => setOfflineReady(false), 8000);
          },
          onRegisterError: (e: unknown) => setSwError(`Offline support unavailable: ${String(e)}`),
        });
      },
      (e) => setSwError(`Offline support unavailable: ${String(e)}`),
    );
  });
  onCleanup(() => clearTimeout(toastTimer));

  return (
    <div class="toasts" aria-live="polite">
      <Show when={needRefresh()}>
        <div class="toast" data-testid="update-prompt" role="status">
          <span>A new version of Quant Engine is available.</span>
          <button type="button" class="btn btn-primary btn-sm" onClick={() => void update?.(true)}>
            Reload
          </button>
          <button type="button" class="btn btn-sm" onClick={() => setNeedRefresh(false)}>
            Later
          </button>
        </div>
      </Show>
      <Show when={offlineReady()}>
        <div class="toast" role="status" data-testid="offline-ready">
          <span>Ready to work offline</span>
          <button type="button" class="btn btn-sm" onClick={() => setOfflineReady(false)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      </Show>
      <Show when={swError()}>
        <div class="toast" role="status" style={{ 'border-left-color': 'var(--accent-amber)' }}>
          <span>{swError()}</span>
          <button type="button" class="btn btn-sm" onClick={() => setSwError(null)} aria-label="Dismiss">
            ✕
          </button>
        </div>
      </Show>
    </div>
  );
}
