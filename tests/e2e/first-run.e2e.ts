/** First run: the three choices; demo data only when chosen, and then labelled DEMO everywhere. */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, loadDemo, skipFirstRun, useBrowser } from './support/browser';

const session = useBrowser();
const BADGE = '[data-testid="provenance-badge"]';
const PRICE = 'section[data-testid="panel-price"]';

describe('first run', () => {
  it('offers import, proxy and demo, and shows no demo data before a choice', async () => {
    const s = await session();
    await gotoApp(s, '/dashboard');
    const fr = s.page.getByTestId('first-run');
    await fr.waitFor({ state: 'visible' });
    // Each choice is a button led by its contract label (a one-line explanation may follow).
    for (const [id, label] of [
      ['first-run-import', 'Import files'],
      ['first-run-proxy', 'Connect proxy'],
      ['first-run-demo', 'Load demo dataset'],
    ]) {
      const el = s.page.getByTestId(id);
      expect(await el.evaluate((e) => e.tagName), id).toBe('BUTTON');
      expect((await el.textContent())?.trim(), id).toMatch(new RegExp(`^${label}`));
    }
    await s.page.getByTestId('first-run-skip').waitFor({ state: 'visible' });
    expect(await s.page.getByTestId('demo-banner').count()).toBe(0);
    expect(await s.page.locator(`${BADGE}[data-mode="demo"]`).count()).toBe(0);

    // "Connect proxy" reveals the URL input and its Connect button.
    await s.page.getByTestId('first-run-proxy').click();
    await s.page.getByTestId('proxy-url').waitFor({ state: 'visible' });
    await s.page.getByTestId('proxy-connect').waitFor({ state: 'visible' });
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('"Load demo dataset" shows the demo price chart, DEMO badges and the demo banner', async () => {
    const s = await session();
    await loadDemo(s);
    const badge = s.page.locator(`${PRICE} ${BADGE}`);
    await expect.poll(async () => (await badge.textContent())?.trim(), { timeout: 20_000 }).toBe('DEMO');
    expect(await badge.getAttribute('data-mode')).toBe('demo');
    const banner = s.page.getByTestId('demo-banner');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toContain('DEMO MODE');
    // Nothing but demo data exists in this profile: no badge may claim live, cached or fallback data.
    const modes = await s.page.locator(BADGE).evaluateAll((els) => els.map((e) => e.getAttribute('data-mode')));
    expect(modes.filter((m) => m === 'live' || m === 'cached' || m === 'fallback')).toEqual([]);
    expect((await s.page.locator('h1').textContent())?.trim()).toBe('Portfolio Intelligence Dashboard');

    // Still there (and still DEMO) after a reload: the data was stored, not held in memory.
    await s.page.reload();
    await s.page.locator(`${PRICE} .uplot canvas`).first().waitFor({ state: 'visible', timeout: 60_000 });
    await expect.poll(async () => (await badge.textContent())?.trim(), { timeout: 20_000 }).toBe('DEMO');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('Skip leaves a fresh profile empty: empty states, no chart, no DEMO badge, no banner', async () => {
    const s = await session();
    await gotoApp(s, '/dashboard');
    await skipFirstRun(s);
    await s.page.locator(`${PRICE} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 });
    expect(await s.page.locator(`${PRICE} canvas`).count()).toBe(0);
    expect(await s.page.getByTestId('demo-banner').count()).toBe(0);
    const badges = s.page.locator(BADGE);
    const texts = (await badges.allTextContents()).map((t) => t.trim());
    expect(texts).not.toContain('DEMO');
    expect(await s.page.locator(`${BADGE}[data-mode="demo"]`).count()).toBe(0);

    // Other data pages stay empty too (no silent fallback to demo data).
    for (const path of ['/data-explorer', '/benchmark-comparison']) {
      await gotoApp(s, path);
      await s.page.locator('[data-testid="app-shell"] h1').waitFor({ state: 'visible' });
      await s.page.waitForLoadState('networkidle');
      expect(await s.page.locator(`${BADGE}[data-mode="demo"]`).count(), path).toBe(0);
      expect(await s.page.getByTestId('demo-banner').count(), path).toBe(0);
      expect(await s.page.getByTestId('first-run').count(), `${path}: first-run must stay dismissed`).toBe(0);
    }
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
