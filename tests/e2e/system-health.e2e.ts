/**
 * System Health on the demo dataset plus one demo backtest: run the health check as a job,
 * see six score cards (numbers where checks could run, N/A where they could not), per-domain checks (expandable by keyboard), the funnel's honest empty state (no
 * registry) and "No walk-forward results recorded"; a second run draws the trend.
 */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, loadDemo, step, useBrowser } from './support/browser';

const session = useBrowser();
const panel = (slug: string) => `section[data-testid="panel-${slug}"]`;
const BADGE = '[data-testid="provenance-badge"]';

describe('System Health (demo data)', () => {
  it('runs the health job and shows scores, checks, empty states and the trend', async () => {
    const s = await session();
    const { page } = s;
    await loadDemo(s);
    await gotoApp(s, '/system-health');
    // Before any run: an empty state that offers the run, never invented numbers.
    await step(s, 'waiting for the no-snapshot empty state', () =>
      page.locator(`${panel('health-scores')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 }),
    );
    // A recorded backtest gives the execution and complexity domains something to score.
    await gotoApp(s, '/backtests');
    const tickers = page.locator('[data-testid^="bt-ticker-"]');
    await step(s, 'waiting for the ticker choices', () => tickers.first().waitFor({ state: 'visible', timeout: 30_000 }));
    await tickers.nth(0).check();
    await tickers.nth(1).check();
    await page.getByTestId('run-backtest').click();
    await step(s, 'waiting for the backtest job to succeed', () =>
      page.locator('[data-testid="job-monitor"][data-job-type="backtest"][data-status="succeeded"]').waitFor({ timeout: 90_000 }),
    );
    await gotoApp(s, '/system-health');
    expect(await page.getByTestId('run-selftest').isVisible()).toBe(true);

    await page.getByTestId('run-health').click();
    const overall = page.locator('[data-testid="score-overall"] .kpi-value');
    await step(s, 'waiting for the overall score card', () => overall.waitFor({ state: 'visible', timeout: 60_000 }));
    await expect.poll(async () => (await overall.textContent())?.trim(), { timeout: 10_000 }).toMatch(/^\d{1,3}\/100$/);
    expect(await page.locator('[data-testid="health-score-cards"] .kpi-card').count()).toBe(6);
    expect((await page.getByTestId('score-execution').locator('.kpi-value').textContent())?.trim()).toMatch(/^\d{1,3}\/100$/);
    expect((await page.getByTestId('score-complexity').locator('.kpi-value').textContent())?.trim()).toMatch(/^\d{1,3}\/100$/);
    // Demo data carries no quality reports: most data checks cannot run, so no domain score is claimed.
    expect((await page.getByTestId('score-data_integrity').locator('.kpi-value').textContent())?.trim()).toBe('N/A');
    expect((await page.getByTestId('score-data_integrity').locator('.kpi-sub').textContent())?.trim()).toBe('3/7 checks');
    expect((await page.locator(`${panel('health-scores')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    // the demo data has no registry and no walk-forward results: honest empty states
    await page.locator(`${panel('strategy-promotion-funnel')} [data-testid="empty-state"]`).waitFor({ timeout: 10_000 });
    expect(await page.locator(`${panel('walk-forward-window-structure')} [data-testid="empty-state"]`).textContent()).toContain(
      'No walk-forward results recorded',
    );
    // no registry: only the gate's own configuration can be checked
    expect(await page.locator(`${panel('promotion-gate-checks')} [data-testid="health-check"][data-status="UNAVAILABLE"]`).count()).toBe(3);
    expect((await page.getByTestId('score-promotion').locator('.kpi-value').textContent())?.trim()).toBe('N/A');
    // cache age: one bar per demo dataset
    expect(await page.locator('[data-testid="cache-age"] table tbody tr').count()).toBeGreaterThanOrEqual(2);
    // radar and check rows; expand one with the keyboard
    await page.getByTestId('health-radar').waitFor({ state: 'visible' });
    const first = page.locator(`${panel('data-integrity-checks')} [data-testid="health-check"] button`).first();
    expect(await first.getAttribute('aria-expanded')).toBe('false');
    await first.focus();
    await page.keyboard.press('Enter');
    expect(await first.getAttribute('aria-expanded')).toBe('true');
    expect(await page.locator(`${panel('data-integrity-checks')}`).textContent()).toContain('Methodology.');
    // Trend needs two snapshots
    expect(await page.locator(`${panel('health-score-trend')} [data-testid="empty-state"]`).count()).toBe(1);
    await page.getByTestId('run-health').click();
    await step(s, 'waiting for the trend chart after a second run', () =>
      page.locator(`${panel('health-score-trend')} .uplot canvas`).first().waitFor({ state: 'visible', timeout: 60_000 }),
    );
    // methodology comes from the same constants as the cards
    await page.locator('[data-testid="methodology"] button').click();
    expect(await page.locator('#methodology-body').textContent()).toContain('Promotion Gate 25%');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 180_000);
});
