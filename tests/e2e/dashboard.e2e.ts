/**
 * Dashboard KPIs from the latest backtest run: with no run the Key Metrics panel is an honest
 * empty state pointing at Backtest & Risk; after a demo backtest it shows numeric KPI cards
 * badged DEMO, and the Trade Log tab lists that run's trades.
 */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, loadDemo, skipFirstRun, step, useBrowser } from './support/browser';

const session = useBrowser();
const BADGE = '[data-testid="provenance-badge"]';
const panel = (slug: string) => `section[data-testid="panel-${slug}"]`;

describe('Dashboard from the latest backtest run', () => {
  it('shows an empty state with the Backtest & Risk action when no run exists', async () => {
    const s = await session();
    const { page } = s;
    await gotoApp(s, '/');
    await skipFirstRun(s);
    await page.waitForURL(/\/dashboard$/, { timeout: 20_000 });
    const empty = page.locator(`${panel('key-metrics')} [data-testid="empty-state"]`);
    await step(s, 'waiting for the Key Metrics empty state', () => empty.waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await empty.textContent()).toContain('No backtest results yet');
    const action = empty.getByRole('link', { name: 'Go to Backtest & Risk' });
    expect(await action.count()).toBe(1);
    expect(await page.locator('[data-testid="dash-kpis"]').count()).toBe(0);

    await page.getByRole('tab', { name: 'Trade Log' }).click();
    await step(s, 'waiting for the Trade Log empty state', () =>
      page.locator(`${panel('trade-log')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 }),
    );
    await action.click();
    await step(s, 'waiting for /backtests after the action', () => page.waitForURL(/\/backtests$/, { timeout: 10_000 }));
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 90_000);

  it('shows KPI cards, the equity chart and the trade log of a demo backtest badged DEMO', async () => {
    const s = await session();
    const { page } = s;
    await loadDemo(s);
    await gotoApp(s, '/backtests');
    const tickers = page.locator('[data-testid^="bt-ticker-"]');
    await step(s, 'waiting for the ticker choices', () => tickers.first().waitFor({ state: 'visible', timeout: 30_000 }));
    await tickers.nth(0).check();
    await tickers.nth(1).check();
    const benchValue = await page.getByTestId('bt-benchmark').locator('option').nth(1).getAttribute('value');
    await page.getByTestId('bt-benchmark').selectOption(benchValue ?? '');
    await page.getByTestId('bt-holding').fill('5');
    await page.getByTestId('bt-holding').dispatchEvent('change');
    await page.getByTestId('run-backtest').click();
    await step(s, 'waiting for the backtest job to succeed', () =>
      page.locator('[data-testid="job-monitor"][data-job-type="backtest"][data-status="succeeded"]').waitFor({ timeout: 90_000 }),
    );

    // Client-side navigation: the dashboard reads the latest run without a reload.
    await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL(/\/dashboard$/, { timeout: 10_000 });
    const kpis = page.locator('[data-testid="dash-kpis"] .kpi-card');
    await step(s, 'waiting for the dashboard KPI cards', () => kpis.first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await page.locator(`${panel('key-metrics')} [data-testid="empty-state"]`).count()).toBe(0);
    expect(await kpis.count()).toBeGreaterThanOrEqual(6);
    expect((await page.locator(`${panel('key-metrics')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    // Numbers, not placeholders: Sharpe, drawdown and trade count are defined for a run with trades.
    const card = (label: string) => kpis.filter({ has: page.locator('.kpi-label', { hasText: label }) }).locator('.kpi-value');
    expect(await card('Sharpe Ratio').textContent()).toMatch(/^-?\d+\.\d{2}$/);
    expect(await card('Max Drawdown').textContent()).toMatch(/^-?\d+\.\d{2}\s?%$/);
    const nTrades = Number(await card('Trades').textContent());
    expect(nTrades).toBeGreaterThan(0);
    expect(await page.getByTestId('dash-run-caption').textContent()).toMatch(/^Run .+ · .+, .+/);

    await step(s, 'waiting for the overview equity chart', () => page.locator(`${panel('equity-curve')} .uplot canvas`).first().waitFor({ timeout: 30_000 }));
    expect((await page.locator(`${panel('equity-curve')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');

    await page.getByRole('tab', { name: 'Trade Log' }).click();
    const rows = page.locator('[data-testid="bt-trades"] [role="row"][data-row]');
    await step(s, 'waiting for trade rows', () => rows.first().waitFor({ state: 'visible', timeout: 20_000 }));
    expect((await page.locator(`${panel('trade-log')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    expect(await page.getByTestId('bt-trades-csv').textContent()).toContain(`(${nTrades})`);

    await page.getByRole('tab', { name: 'Risk Metrics' }).click();
    await step(s, 'waiting for the VaR table', () => page.getByTestId('bt-var').waitFor({ state: 'visible', timeout: 20_000 }));
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 240_000);
});
