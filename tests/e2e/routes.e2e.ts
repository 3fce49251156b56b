/** Every route renders inside the shell; redirect, not-found and the sidebar follow the contract. */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, ROUTES, skipFirstRun, useBrowser } from './support/browser';

const session = useBrowser();

async function onboarded(path: string) {
  const s = await session();
  await gotoApp(s, path);
  await skipFirstRun(s);
  if (new URL(s.page.url()).pathname !== path) await gotoApp(s, path);
  return s;
}

describe('routes', () => {
  it.each(ROUTES)('$path renders its <h1> "$title" inside the shell with no errors', async (route) => {
    const s = await onboarded(route.path);
    const h1 = s.page.locator('[data-testid="app-shell"] h1');
    await h1.first().waitFor({ state: 'visible' });
    expect(await s.page.locator('h1').count()).toBe(1);
    expect((await h1.textContent())?.trim()).toBe(route.title);
    expect(new URL(s.page.url()).pathname).toBe(route.path);
    // Let late async work (data loads, worker start-up) surface its errors too.
    await s.page.waitForLoadState('networkidle');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('redirects / to /dashboard', async () => {
    const s = await session();
    // Fresh profile: the first-run choice comes first, then / lands on the Dashboard.
    await gotoApp(s, '/');
    await skipFirstRun(s);
    await s.page.waitForURL(/\/dashboard$/);
    // Onboarded profile: / goes straight to the Dashboard.
    await gotoApp(s, '/');
    await s.page.waitForURL(/\/dashboard$/);
    await expect.poll(async () => (await s.page.locator('h1').textContent())?.trim()).toBe('Portfolio Intelligence Dashboard');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('shows the not-found page inside the shell for an unknown route, with a way back', async () => {
    const s = await onboarded('/no-such-page');
    const nf = s.page.locator('[data-testid="app-shell"] [data-testid="not-found"]');
    await nf.waitFor({ state: 'visible' });
    expect((await s.page.locator('h1').textContent())?.trim()).toBe('Page not found');
    await nf.getByRole('link', { name: 'Go to Dashboard' }).click();
    await s.page.waitForURL(/\/dashboard$/);
    expect((await s.page.locator('h1').textContent())?.trim()).toBe('Portfolio Intelligence Dashboard');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('lists the sidebar items in contract order and marks only the current one', async () => {
    const s = await onboarded('/model-lab');
    const items = s.page.locator('nav[aria-label="Main"] a');
    await items.first().waitFor({ state: 'visible' });
    // The visible label, i.e. the text without decorations hidden from assistive tech (shortcut hints).
    const labels = await items.evaluateAll((as) =>
      as.map((a) => {
        const copy = a.cloneNode(true) as HTMLElement;
        for (const hidden of copy.querySelectorAll('[aria-hidden="true"]')) hidden.remove();
        return (copy.textContent ?? '').trim();
      }),
    );
    expect(labels).toEqual(ROUTES.map((r) => r.label));
    const hrefs = await items.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(hrefs).toEqual(ROUTES.map((r) => r.path));
    const current = async () =>
      items.evaluateAll((as) => as.filter((a) => a.getAttribute('aria-current') === 'page').map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    expect(await current()).toEqual(['/model-lab']);
    // Client-side navigation moves aria-current.
    await items.filter({ hasText: 'System Logs' }).click();
    await s.page.waitForURL(/\/logs$/);
    await expect.poll(current).toEqual(['/logs']);
    expect((await s.page.locator('h1').textContent())?.trim()).toBe('System Logs');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
