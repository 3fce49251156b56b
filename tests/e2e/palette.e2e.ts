/** The command palette: Ctrl+K, type to filter, Enter runs, Escape closes. */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, skipFirstRun, useBrowser } from './support/browser';

const session = useBrowser();
const PALETTE = '[role="dialog"][aria-label="Command palette"]';

describe('command palette', () => {
  it('opens with Ctrl+K and navigates to System Logs on "Logs" + Enter', async () => {
    const s = await session();
    await gotoApp(s, '/dashboard');
    await skipFirstRun(s);
    await s.page.locator('h1').waitFor({ state: 'visible' });

    await s.page.keyboard.press('Control+K');
    const palette = s.page.locator(PALETTE);
    await palette.waitFor({ state: 'visible' });
    // Escape closes it again.
    await s.page.keyboard.press('Escape');
    await palette.waitFor({ state: 'hidden' });

    await s.page.keyboard.press('Control+K');
    await palette.waitFor({ state: 'visible' });
    const input = palette.locator('input');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    await input.pressSequentially('Logs');
    await s.page.keyboard.press('Enter');
    await s.page.waitForURL(/\/logs$/);
    await palette.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await s.page.locator('h1').textContent())?.trim()).toBe('System Logs');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
