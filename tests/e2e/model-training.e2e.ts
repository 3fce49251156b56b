/**
 * Model Lab — Training on the demo dataset: train a small ensemble from the page as a `train`
 * job, see the fold table and the new registry row (badged DEMO), promote it to champion by
 * the governance rule, and see its retrain-trigger check.
 */
import { describe, expect, it } from 'vitest';
import { gotoApp, loadDemo, step, useBrowser } from './support/browser';

const session = useBrowser();
const BADGE = '[data-testid="provenance-badge"]';
const panel = (slug: string) => `section[data-testid="panel-${slug}"]`;

describe('Model Lab training (demo data)', () => {
  it('trains from the page, lists the version and promotes it', async () => {
    const s = await session();
    const { page } = s;
    await loadDemo(s);
    await gotoApp(s, '/model-lab?tab=training');
    // the benchmark (demo SPY, preselected) is not offered as a training ticker
    const tickers = page.locator('[data-testid="train-ticker"]:not([disabled])');
    await step(s, 'waiting for the ticker choices', () => tickers.first().waitFor({ state: 'visible', timeout: 20_000 }));
    // Before any run: honest empty states.
    await page.locator(`${panel('cv-folds')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator(`${panel('model-registry')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 });
    // A small setting: two tickers, horizons 5 and 10 (one job each), ridge only, two folds, no regime models, keep gate failures.
    const n = await tickers.count();
    expect(n, 'ten demo daily datasets besides the benchmark').toBe(10);
    for (let i = 2; i < n; i++) await tickers.nth(i).uncheck();
    await page.getByTestId('train-member-gbdt').uncheck();
    await page.getByTestId('train-horizon-20').uncheck();
    await page.getByTestId('train-folds').selectOption('2');
    await page.getByTestId('train-regime-models').uncheck();
    await page.getByTestId('train-keep-failed').check();
    await page.getByTestId('train-submit').click();

    const done = page.locator('[data-testid="job-monitor"][data-job-type="train"][data-status="succeeded"]');
    await step(s, 'waiting for both train jobs to succeed', () => expect.poll(() => done.count(), { timeout: 180_000, interval: 500 }).toBe(2));
    const folds = page.locator('[data-testid="fold-table"] [data-testid="fold-row"]');
    await step(s, 'waiting for the fold table', () => folds.first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await folds.count()).toBe(2);
    const firstFold = await folds.first().locator('td').allTextContents();
    // IC, rank IC, hit rate, RMSE are computed numbers
    expect(firstFold[4]).toMatch(/^-?\d\.\d{3}$/);
    expect(firstFold[6]).toMatch(/^\d+\.\d%$/);
    expect(firstFold[7]).toMatch(/^\d\.\d{4}$/);
    expect(await page.getByTestId('train-status').getAttribute('data-status')).toBe('accepted');
    await expect.poll(async () => (await page.locator(`${panel('cv-folds')} ${BADGE}`).textContent())?.trim(), { timeout: 10_000 }).toBe('DEMO');

    const rows = page.locator('[data-testid="model-row"]');
    await step(s, 'waiting for the registry row', () => rows.first().waitFor({ state: 'visible', timeout: 30_000 }));
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    expect(await rows.first().getAttribute('data-champion')).toBe('0');
    expect(await page.getByTestId('train-status').textContent()).toMatch(/h=(5|10)/);
    await expect.poll(async () => (await page.locator(`${panel('model-registry')} ${BADGE}`).textContent())?.trim(), { timeout: 10_000 }).toBe('DEMO');

    await rows.first().getByTestId('model-promote').click();
    const result = page.getByTestId('promotion-result');
    await step(s, 'waiting for the promotion decision', () => result.waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await result.getAttribute('data-promoted')).toBe('1');
    expect(await result.textContent()).toMatch(/no champion/);
    await expect.poll(async () => rows.first().getAttribute('data-champion'), { timeout: 10_000 }).toBe('1');
    await page.getByTestId('champion-badge').waitFor({ state: 'visible' });
    // The champion cannot be deleted; another version can, after confirming.
    expect(await rows.first().getByTestId('model-delete').isDisabled()).toBe(true);
    await rows.nth(1).getByTestId('model-delete').click();
    await page.getByTestId('confirm-delete-yes').click();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    expect(await rows.first().getAttribute('data-champion')).toBe('1');
    // Retrain triggers of the champion are checked and shown.
    await step(s, 'waiting for retrain warnings', () => page.getByTestId('retrain-warnings').waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await page.getByTestId('retrain-warnings').textContent()).toMatch(/Version [0-9a-f]{12}/);

    // The Features tab reads the champion's importances; the diff needs two versions.
    await gotoApp(s, '/model-lab?tab=features');
    const gfi = page.locator(panel('global-feature-importance'));
    await step(s, 'waiting for the champion importance panel', () => gfi.getByText(/\(champion\)/).waitFor({ state: 'visible', timeout: 30_000 }));
    await expect.poll(async () => (await gfi.locator(BADGE).textContent())?.trim(), { timeout: 10_000 }).toBe('DEMO');
    await gotoApp(s, '/model-lab?tab=diff');
    await step(s, 'waiting for the diff empty state', () =>
      page.locator(`${panel('feature-diff')} [data-testid="empty-state"]`).getByText('No previous model version to compare').waitFor({ timeout: 20_000 }),
    );
  }, 240_000);
});
