/** A long job can be cancelled from the job drawer. */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, skipFirstRun, useBrowser } from './support/browser';

const session = useBrowser();

describe('jobs', () => {
  it('cancels a running worker self-test from the drawer', async () => {
    const s = await session();
    await gotoApp(s, '/system-health');
    await skipFirstRun(s);
    await s.page.getByTestId('run-selftest').click();
    await s.page.getByTestId('jobs-button').click();
    const drawer = s.page.getByTestId('job-drawer');
    await drawer.waitFor({ state: 'visible' });
    expect(await drawer.getAttribute('role')).toBe('dialog');

    const row = drawer.locator('[data-testid="job-row"][data-job-type="selftest"]').first();
    await row.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await row.getAttribute('data-job-id')).toBeTruthy();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('running');
    expect(await row.locator('[role="progressbar"]').count()).toBe(1);

    const t0 = Date.now();
    await row.getByTestId('job-cancel').click();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 8_000, interval: 100 }).toBe('cancelled');
    const elapsed = Date.now() - t0;
    expect(elapsed).toBeLessThan(8_000);
    // A finished row offers no cancel.
    expect(await row.getByTestId('job-cancel').count()).toBe(0);
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
