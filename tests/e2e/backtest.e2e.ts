/**
 * Backtest & Risk on the demo dataset: configure an SMA backtest over two demo tickers with a
 * benchmark, run it as a job, see metrics cards and the trades table badged DEMO, then the
 * S&P Comparison page shows the latest run against its benchmark.
 */
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, loadDemo, step, useBrowser } from './support/browser';

const session = useBrowser();
const BADGE = '[data-testid="provenance-badge"]';
const panel = (slug: string) => `section[data-testid="panel-${slug}"]`;

describe('Backtest & Risk and S&P Comparison (demo data)', () => {
  it('runs a backtest job and shows metrics, trades and the benchmark comparison badged DEMO', async () => {
    const s = await session();
    const { page } = s;
    await loadDemo(s);
    await gotoApp(s, '/backtests');
    const tickers = page.locator('[data-testid^="bt-ticker-"]');
    await step(s, 'waiting for the ticker choices', () => tickers.first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await tickers.count(), 'demo tickers offered').toBeGreaterThanOrEqual(2);
    // Before any run the results say so.
    await page.locator(`${panel('equity-curve')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 });
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
    await step(s, 'waiting for the equity chart', () => page.locator(`${panel('equity-curve')} .uplot canvas`).first().waitFor({ timeout: 30_000 }));
    expect((await page.locator(`${panel('equity-curve')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    await expect.poll(async () => page.locator('[data-testid="bt-history-row"]').count(), { timeout: 10_000 }).toBe(1);

    await page.getByRole('tab', { name: 'Risk Metrics' }).click();
    const kpis = page.locator('[data-testid="bt-kpis"] .kpi-card');
    await step(s, 'waiting for the metric cards', () => kpis.first().waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await kpis.count()).toBe(8);
    expect((await page.locator(`${panel('risk-metrics')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    await page.getByTestId('bt-validation').waitFor({ state: 'visible' });

    await page.getByRole('tab', { name: 'Trade Analysis' }).click();
    const rows = page.locator('[data-testid="bt-trades"] [role="row"][data-row]');
    await step(s, 'waiting for trade rows', () => rows.first().waitFor({ state: 'visible', timeout: 20_000 }));
    expect((await page.locator(`${panel('trades')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.getByTestId('bt-trades-csv').click()]);
    expect(download.suggestedFilename()).toBe('trades.csv');

    // Parameter sweep: a small grid over two tickers, run as a sharded job.
    await page.getByRole('tab', { name: 'Parameter Sweep' }).click();
    const sweepTickers = page.locator('[data-testid^="sweep-ticker-"]');
    await sweepTickers.first().waitFor({ state: 'visible', timeout: 10_000 });
    await page.locator('section[data-testid="panel-sweep-results"] [data-testid="empty-state"]').waitFor({ timeout: 10_000 });
    await sweepTickers.nth(0).check();
    await sweepTickers.nth(1).check();
    await page.getByTestId('sweep-fast-step').fill('10');
    await page.getByTestId('sweep-fast-step').dispatchEvent('change');
    await page.getByTestId('sweep-slow-step').fill('30');
    await page.getByTestId('sweep-slow-step').dispatchEvent('change');
    await page.getByTestId('run-sweep').click();
    await step(s, 'waiting for the sweep heatmap', () => page.getByTestId('sweep-heatmap').waitFor({ timeout: 90_000 }));
    expect((await page.locator(`${panel('sweep-results')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    expect(await page.locator('[data-testid="sweep-top"] tbody tr').count()).toBeGreaterThan(5);
    expect(await page.locator('[data-testid="sweep-kpis"] .kpi-card').count()).toBe(6);

    await gotoApp(s, '/benchmark-comparison');
    const bmKpis = page.locator('[data-testid="bm-kpis"] .kpi-card');
    await step(s, 'waiting for the comparison cards', () => bmKpis.first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await bmKpis.count()).toBe(8);
    expect((await page.locator(`${panel('comparison-metrics')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    await page.locator(`${panel('rolling-correlation')} .uplot canvas`).first().waitFor({ timeout: 30_000 });

    // Replay: animates, then stops by itself at the end …
    await page.getByTestId('bm-replay').click();
    await page.getByTestId('bm-replay-progress').waitFor({ state: 'visible', timeout: 5_000 });
    await step(s, 'waiting for the replay to end by itself', () => page.getByTestId('bm-replay').waitFor({ state: 'visible', timeout: 20_000 }));
    // … and stops when the page is left: no animation frames are requested afterwards.
    await page.evaluate(() => {
      const w = window as unknown as { __rafCalls: number };
      w.__rafCalls = 0;
      const raf = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (cb) => {
        w.__rafCalls++;
        return raf(cb);
      };
    });
    await page.getByTestId('bm-replay').click();
    await page.getByTestId('bm-replay-stop').waitFor({ state: 'visible', timeout: 5_000 });
    const rafIn500ms = async () => {
      const a = await page.evaluate(() => (window as unknown as { __rafCalls: number }).__rafCalls);
      await page.waitForTimeout(500);
      return (await page.evaluate(() => (window as unknown as { __rafCalls: number }).__rafCalls)) - a;
    };
    const playing = await rafIn500ms();
    await page.locator('nav[aria-label="Main"] a', { hasText: 'System Logs' }).click();
    await page.locator('h1', { hasText: 'System Logs' }).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(200);
    const left = await rafIn500ms();
    // ~30 frames per 500 ms while playing; after leaving only the odd frame other UI asks for
    expect(playing, 'animation frames while the replay plays').toBeGreaterThanOrEqual(10);
    expect(left, 'animation frames after leaving the page').toBeLessThanOrEqual(Math.floor(playing / 5));
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 240_000);
});
