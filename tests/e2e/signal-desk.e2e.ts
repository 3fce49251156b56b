/**
 * Signal Desk on the demo dataset: with no model the page says so (and links to Model Lab);
 * after training a small ensemble (gbdt + ridge) from Model Lab and promoting it, Generate
 * Signals runs a `predict` job for the champion and the rankings, distribution, realised
 * scatter and disagreement panels show its output, badged DEMO, with CSV export.
 */
import { describe, expect, it } from 'vitest';
import { gotoApp, loadDemo, step, useBrowser } from './support/browser';

const session = useBrowser();
const BADGE = '[data-testid="provenance-badge"]';
const panel = (slug: string) => `section[data-testid="panel-${slug}"]`;

describe('Signal Desk (demo data)', () => {
  it('shows the no-model state, then generates ranked signals from the champion', async () => {
    const s = await session();
    const { page } = s;
    await loadDemo(s);
    await gotoApp(s, '/signal-desk');
    await step(s, 'waiting for the no-model notice', () => page.getByTestId('signal-no-model').waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await page.getByTestId('signal-no-model').textContent()).toMatch(/No trained model yet/);
    await page.locator(`${panel('signal-rankings')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator(`${panel('signal-rankings')} [data-testid="empty-state"] a[href="/model-lab"]`).count()).toBe(1);

    // Train a small model from Model Lab (two tickers, two folds) and promote it.
    await gotoApp(s, '/model-lab?tab=training');
    // Same controls as the Model Lab training e2e: enabled tickers (the preselected benchmark is disabled).
    const tickers = page.locator('[data-testid="train-ticker"]:not([disabled])');
    await step(s, 'waiting for the ticker choices', () => tickers.first().waitFor({ state: 'visible', timeout: 20_000 }));
    const n = await tickers.count();
    expect(n).toBeGreaterThanOrEqual(2);
    for (let i = 2; i < n; i++) await tickers.nth(i).uncheck();
    await tickers.nth(0).check();
    await tickers.nth(1).check();
    // One horizon (5 bars): one train job.
    await page.getByTestId('train-horizon-10').uncheck();
    await page.getByTestId('train-horizon-20').uncheck();
    await page.getByTestId('train-folds').selectOption('2');
    await page.getByTestId('train-regime-models').uncheck();
    await page.getByTestId('train-keep-failed').check();
    await page.getByTestId('train-submit').click();
    await step(s, 'waiting for the train job to succeed', () =>
      page.locator('[data-testid="job-monitor"][data-job-type="train"][data-status="succeeded"]').waitFor({ timeout: 180_000 }),
    );
    const rows = page.locator('[data-testid="model-row"]');
    await step(s, 'waiting for the registry row', () => rows.first().waitFor({ state: 'visible', timeout: 30_000 }));
    await rows.first().getByTestId('model-promote').click();
    await expect.poll(async () => rows.first().getAttribute('data-champion'), { timeout: 20_000 }).toBe('1');

    await gotoApp(s, '/signal-desk');
    await step(s, 'waiting for the model picker', () => page.getByTestId('signal-model').waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await page.getByTestId('signal-horizon').textContent()).toMatch(/Horizon: 5 bars/);
    await page.locator(`${panel('signal-rankings')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByTestId('generate-signals').click();
    await step(s, 'waiting for the predict job to succeed', () =>
      page.locator('[data-testid="job-monitor"][data-job-type="predict"][data-status="succeeded"]').waitFor({ timeout: 120_000 }),
    );
    const signalRows = page.locator('[data-testid="signal-row"]');
    await step(s, 'waiting for the ranking rows', () => signalRows.first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await signalRows.count()).toBe(2);
    expect((await page.locator(`${panel('signal-rankings')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    expect(await page.getByTestId('signal-status').textContent()).toMatch(/^5d horizon \| 2 signals: /);
    // Rank column follows predicted return × confidence (score column, descending).
    const scores = (await page.locator('[data-testid="signal-row"] td:nth-child(5)').allTextContents()).map(Number);
    expect(scores[0]).toBeGreaterThanOrEqual(scores[1]);

    await page.getByTestId('signal-histogram').waitFor({ state: 'visible', timeout: 10_000 });
    expect((await page.locator(`${panel('predicted-return-distribution')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    const scatterStatus = page.getByTestId('signal-scatter-status');
    await scatterStatus.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await scatterStatus.textContent()).toMatch(/\d+ realised points · 10 pending \(the 5-bar horizon has not passed\)/);
    await page.getByTestId('signal-include-insample').check();
    await page.getByTestId('signal-scatter').waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByTestId('disagreement-table').waitFor({ state: 'visible', timeout: 10_000 });
    expect((await page.locator(`${panel('ensemble-disagreement')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');

    // Filters and CSV export.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.getByTestId('signal-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^signal-desk_h5_\d{8}-\d{4}\.csv$/);
    await page.getByTestId('signal-filter-confidence').fill('1');
    await page.getByTestId('signal-filter-confidence').dispatchEvent('change');
    await page.getByTestId('signal-filter-empty').waitFor({ state: 'visible', timeout: 5_000 });
  }, 420_000);
});
