/**
 * Autopilot & Events on the demo dataset: run a small heuristic discovery cycle from the page,
 * see the funnel and the decisions (badged DEMO) with a candidate's details, run a paper cycle
 * and see the account's equity; reset asks for confirmation and takes the initial capital.
 */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, loadDemo, step, useBrowser } from './support/browser';

const session = useBrowser();
const BADGE = '[data-testid="provenance-badge"]';
const panel = (slug: string) => `section[data-testid="panel-${slug}"]`;

describe('Autopilot & Events (demo data)', () => {
  it('runs a cycle, shows funnel and decisions, runs a paper cycle and shows equity', async () => {
    const s = await session();
    const { page } = s;
    await loadDemo(s);
    await gotoApp(s, '/autopilot');
    await step(s, 'waiting for the cycle form', () => page.getByTestId('ap-run-cycle').waitFor({ state: 'visible', timeout: 30_000 }));
    // Before any cycle the decisions say what to do.
    await page.locator(`${panel('strategy-decisions')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 });
    // An untouched registry is an empty state, not a LIVE result.
    await page.locator(`${panel('active-strategies')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.locator(`${panel('active-strategies')} ${BADGE}`).getAttribute('data-mode'), 'nothing shown, nothing to attribute').toBe('unknown');
    expect(await page.locator('[data-testid^="ap-ticker-"]').count(), 'demo tickers offered').toBeGreaterThanOrEqual(2);
    await page.getByTestId('ap-predictor').selectOption('heuristic');
    await page.getByTestId('ap-max-candidates').fill('2');
    await page.getByTestId('ap-max-candidates').dispatchEvent('change');
    await page.getByTestId('ap-run-cycle').click();
    await step(s, 'waiting for the autopilot job to succeed', () =>
      page.locator('[data-testid="job-monitor"][data-job-type="autopilot_cycle"][data-status="succeeded"]').waitFor({ timeout: 180_000 }),
    );
    const rows = page.locator('[data-testid="ap-decision-row"]');
    await step(s, 'waiting for the decision rows', () => rows.first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await rows.count()).toBe(2);
    const funnel = page.getByTestId('ap-funnel');
    expect(await funnel.locator('[data-stage="evaluated"]').getAttribute('data-count')).toBe('2');
    expect((await page.locator(`${panel('promotion-funnel')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    expect((await page.locator(`${panel('strategy-decisions')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    await page.getByTestId('ap-predictor-badge').waitFor({ state: 'visible' });
    expect((await page.getByTestId('ap-predictor-badge').textContent())?.trim()).toContain('Heuristic Predictor');
    await page.getByTestId('ap-heuristic-banner').waitFor({ state: 'visible' });

    // Sort by score ascending and open a candidate's details.
    await page.getByTestId('ap-sort-score').click();
    await rows.first().click();
    await page.getByTestId('ap-detail').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('[data-testid="ap-detail-metrics"] span').count()).toBeGreaterThan(20);
    await page.keyboard.press('Escape');
    await page.getByTestId('ap-detail').waitFor({ state: 'hidden', timeout: 10_000 });

    await page.getByRole('tab', { name: 'Paper Trading' }).click();
    await page.getByTestId('ap-run-paper').click();
    await step(s, 'waiting for the paper job to succeed', () =>
      page.locator('[data-testid="job-monitor"][data-job-type="paper_cycle"][data-status="succeeded"]').waitFor({ timeout: 120_000 }),
    );
    await step(s, 'waiting for the paper account cards', () => page.getByTestId('ap-paper-equity').waitFor({ state: 'visible', timeout: 30_000 }));
    expect((await page.getByTestId('ap-paper-equity').locator('.kpi-value').textContent())?.trim()).toMatch(/^\$[\d,]+$/);
    expect((await page.locator(`${panel('paper-account')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');

    await page.getByRole('tab', { name: 'Live P&L' }).click();
    await step(s, 'waiting for the equity figure', () => page.getByTestId('ap-equity-current').waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await page.getByTestId('ap-equity-current').textContent()).toMatch(/Current: \$[\d,]+/);
    await page.locator(`${panel('paper-equity')} .uplot canvas`).first().waitFor({ timeout: 30_000 });

    await page.getByRole('tab', { name: 'Lifecycle' }).click();
    await step(s, 'waiting for the cycle summary', () => page.getByTestId('ap-cycle-summary').waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await page.locator('[data-testid="ap-history-row"]').count()).toBeGreaterThanOrEqual(2);
    // One registry history row per evaluated candidate of the applied cycle.
    expect(await page.locator('[data-testid="ap-registry-history"] tbody tr').count()).toBe(2);

    // Reset asks first and takes the new initial capital.
    await page.getByRole('tab', { name: 'Paper Trading' }).click();
    await page.getByTestId('ap-reset').click();
    await page.getByTestId('ap-reset-dialog').waitFor({ state: 'visible' });
    await page.getByTestId('ap-initial-capital').fill('250000');
    await page.getByTestId('ap-reset-confirm').click();
    await page.getByTestId('ap-reset-dialog').waitFor({ state: 'hidden', timeout: 10_000 });
    await expect
      .poll(async () => (await page.getByTestId('ap-paper-cash').locator('.kpi-value').textContent())?.trim(), { timeout: 10_000 })
      .toBe('$250,000');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 360_000);
});
