/** Offline: after one online visit with the demo loaded, the service worker serves the app. */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type AppSession, loadDemo, step, useBrowser, waitReady } from './support/browser';

const session = useBrowser();

/** Service-worker state of the page: registration phases and whether it controls the page. */
function swState(page: Page) {
  return page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return {
      registered: reg !== undefined,
      installing: reg?.installing?.state ?? null,
      waiting: reg?.waiting?.state ?? null,
      active: reg?.active?.state ?? null,
      controlled: navigator.serviceWorker.controller !== null,
    };
  });
}

/**
 * Waits for an activated service worker (its install precached the app) that controls the page,
 * reloading once if it activated without claiming this page.
 */
async function waitForServiceWorker(s: AppSession): Promise<void> {
  await step(s, 'waiting for the service worker to install and activate', async () => {
    await expect.poll(async () => (await swState(s.page)).active, { timeout: 120_000, interval: 500 }).toBe('activated');
  });
  if ((await swState(s.page)).controlled) return;
  await s.page.reload();
  await waitReady(s.page);
  await step(s, 'waiting for the service worker to control the page after a reload', async () => {
    await expect.poll(async () => (await swState(s.page)).controlled, { timeout: 30_000 }).toBe(true);
  });
}

describe('offline', () => {
  it('reloads offline with the shell and the stored demo data', { timeout: 240_000 }, async () => {
    const s = await session();
    await loadDemo(s);
    await waitForServiceWorker(s);

    await s.context.setOffline(true);
    await s.page.reload();
    await waitReady(s.page);
    await s.page.getByTestId('app-shell').waitFor({ state: 'visible' });
    expect((await s.page.locator('h1').textContent())?.trim()).toBe('Portfolio Intelligence Dashboard');
    await s.page.locator('section[data-testid="panel-price"] .uplot canvas').first().waitFor({ state: 'visible', timeout: 60_000 });
    const badge = s.page.locator('section[data-testid="panel-price"] [data-testid="provenance-badge"]');
    await expect.poll(async () => (await badge.textContent())?.trim(), { timeout: 20_000 }).toBe('DEMO');
    const pageErrors = s.errors.filter((e) => e.startsWith('page error'));
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });
});
