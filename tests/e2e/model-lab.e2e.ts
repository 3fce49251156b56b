/**
 * Model Lab research tabs and the Dashboard regime state on the demo dataset: features and
 * regime detection run as jobs, their stored results render with DEMO provenance, a re-run over
 * unchanged inputs is reused, and the Dashboard shows the newest detection.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, loadDemo, step, useBrowser } from './support/browser';

const session = useBrowser();
const BADGE = '[data-testid="provenance-badge"]';
const panel = (slug: string) => `section[data-testid="panel-${slug}"]`;
const REGIMES = ['Trending Bull', 'Trending Bear', 'Mean Reverting', 'High Volatility'];

describe('Model Lab research and the Dashboard regime state (demo data)', () => {
  it('computes features and regimes as jobs and shows them badged DEMO', async () => {
    const s = await session();
    const { page } = s;
    await loadDemo(s);

    // ---- Features ---------------------------------------------------------------------------
    await gotoApp(s, '/model-lab?tab=features');
    const compute = page.getByTestId('features-compute');
    await step(s, 'waiting for the Compute features button', () => compute.waitFor({ state: 'visible', timeout: 20_000 }));
    // Before any run the panels say what to do, and show no data.
    await step(s, 'waiting for the features empty state', () =>
      page.locator(`${panel('features-table')} [data-testid="empty-state"]`).waitFor({ state: 'visible', timeout: 20_000 }),
    );
    const ticker = (await page.getByTestId('features-dataset').locator('option:checked').textContent())?.trim() ?? '';
    expect(ticker, 'a demo ticker is preselected').toMatch(/\(demo\)$/);
    await compute.click();
    const monitor = page.getByTestId('job-monitor');
    await step(s, 'waiting for the features job to succeed', () =>
      monitor.and(page.locator('[data-job-type="features"][data-status="succeeded"]')).waitFor({ timeout: 60_000 }),
    );
    const rows = page.locator('[data-testid="features-table"] [role="row"][data-row]');
    await step(s, 'waiting for feature table rows', () => rows.first().waitFor({ state: 'visible', timeout: 30_000 }));
    // Virtualised: a handful of rows in the DOM for ~2,600 bars; the header names the contract's first feature.
    expect(await rows.count()).toBeLessThan(120);
    expect(await page.locator('[data-testid="features-table"] [role="columnheader"]').allTextContents()).toContain('ret_1');
    const heat = page.locator('[data-testid="correlation-heatmap"] svg rect');
    await step(s, 'waiting for the correlation heatmap', () => heat.first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await heat.count(), '15 × 15 correlation cells').toBe(225);
    const bars = page.locator('[data-testid="distribution-histogram"] svg rect.rs-bar');
    await bars.first().waitFor({ state: 'attached' });
    const nBars = await bars.count();
    expect(nBars >= 30 && nBars <= 50, `${nBars} histogram bins`).toBe(true);
    expect(await page.getByTestId('distribution-stats').textContent()).toMatch(/Mean.*Std.*Skew/);
    await page.getByTestId('warmup-list').waitFor({ state: 'visible' });
    for (const slug of ['features-table', 'feature-correlation', 'feature-distribution', 'warm-up-missing']) {
      await expect.poll(async () => (await page.locator(`${panel(slug)} ${BADGE}`).textContent())?.trim(), { timeout: 10_000, message: slug }).toBe('DEMO');
    }
    expect(await page.getByTestId('result-reuse').getAttribute('data-reuse')).toBe('computed');

    // CSV export has the whole table: header, one line per bar (oldest first), NaN as empty.
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 20_000 }), page.getByTestId('features-export').click()]);
    const csvPath = await download.path();
    const csv = readFileSync(csvPath, 'utf8').split('\r\n').filter((l) => l.length > 0);
    expect(csv[0].split(',').slice(0, 3)).toEqual(['date', 'ret_1', 'ret_5']);
    expect(csv[0].split(',')).toHaveLength(25);
    expect(csv.length - 1, 'one CSV line per bar').toBeGreaterThan(2000);
    expect(csv[1]).toMatch(/^\d{4}-\d{2}-\d{2},,/); // first bar: ret_1 not yet defined
    expect(download.suggestedFilename()).toMatch(/^model-lab-features_.*\.csv$/);

    // Same inputs again: the job finds the stored result and reuses it.
    await compute.click();
    await step(s, 'waiting for the reused note', () =>
      page.locator('[data-testid="result-reuse"][data-reuse="reused"]').waitFor({ state: 'visible', timeout: 60_000 }),
    );

    // ---- Regime (switching tabs in-app keeps the Features choices) ----------------------------
    await page.getByRole('tab', { name: 'Regime' }).click();
    await page.waitForURL(/tab=regime/);
    const run = page.getByTestId('regime-run');
    await step(s, 'waiting for the Run detection button', () => run.waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await page.locator('[data-testid="regime-method"] button[aria-pressed="true"]').getAttribute('data-value')).toBe('hmm');
    await run.click();
    const cells = page.locator(`${panel('transition-matrix')} [data-testid="transition-heatmap"] svg rect`);
    await step(s, 'waiting for the transition matrix', () => cells.first().waitFor({ state: 'visible', timeout: 60_000 }));
    expect(await cells.count(), '4 × 4 transition cells').toBe(16);
    const statRows = page.locator(`${panel('per-state-statistics')} [data-testid="state-stats"] tbody tr`);
    expect(await statRows.count()).toBe(4);
    await page.locator(`${panel('price-by-regime')} .uplot canvas`).first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator(`${panel('regime-probabilities')} [data-testid="smoothed-chart"] .uplot canvas`).first().waitFor({ state: 'visible' });
    expect(await page.locator(panel('regime-probabilities')).textContent()).toContain('display only — uses future data');
    for (const slug of ['current-regime', 'transition-matrix', 'price-by-regime', 'regime-probabilities', 'per-state-statistics']) {
      await expect.poll(async () => (await page.locator(`${panel(slug)} ${BADGE}`).textContent())?.trim(), { timeout: 10_000, message: slug }).toBe('DEMO');
    }
    const labLabel = (await page.locator(`${panel('current-regime')} [data-testid="current-regime-badge"]`).textContent())?.trim() ?? '';
    expect(REGIMES).toContain(labLabel);
    await page.getByRole('tab', { name: 'Features' }).click();
    await page.getByTestId('features-table').waitFor({ state: 'visible', timeout: 20_000 });
    expect((await page.getByTestId('features-dataset').locator('option:checked').textContent())?.trim()).toBe(ticker);

    // ---- Dashboard ----------------------------------------------------------------------------
    await gotoApp(s, '/dashboard?tab=regime');
    const badge = page.locator(`${panel('current-regime')} [data-testid="current-regime-badge"]`);
    await step(s, 'waiting for the Dashboard current regime', () => badge.waitFor({ state: 'visible', timeout: 30_000 }));
    expect((await badge.textContent())?.trim()).toBe(labLabel);
    await page.locator(`${panel('probability-history')} .uplot canvas`).first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId('dashboard-transition-heatmap').waitFor({ state: 'visible' });
    expect(await page.locator(`${panel('regime-timeline')} .rs-tl-block`).count()).toBeGreaterThan(1);
    for (const slug of ['current-regime', 'regime-timeline', 'probability-history', 'current-probabilities', 'transition-matrix']) {
      await expect.poll(async () => (await page.locator(`${panel(slug)} ${BADGE}`).textContent())?.trim(), { timeout: 10_000, message: slug }).toBe('DEMO');
    }
    // The price panel is untouched and still DEMO.
    await expect.poll(async () => (await page.locator(`${panel('price')} ${BADGE}`).textContent())?.trim(), { timeout: 20_000 }).toBe('DEMO');

    // ---- Universe (pooled) HMM over every daily dataset -----------------------------------------
    await gotoApp(s, '/model-lab?tab=regime');
    const universe = page.getByTestId('regime-run-universe');
    await step(s, 'waiting for the Universe HMM button', () => universe.waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await universe.textContent()).toMatch(/Universe HMM \((\d+) daily datasets\)/);
    const monitors = page.locator('[data-testid="job-monitor"]');
    const before = (await monitors.count()) > 0 ? await monitors.first().getAttribute('data-job-id') : null;
    await universe.click();
    await step(s, 'waiting for the pooled regime job', () =>
      page
        .locator(`[data-testid="job-monitor"][data-job-type="regime_detect"][data-status="succeeded"]:not([data-job-id="${before ?? ''}"])`)
        .first()
        .waitFor({ timeout: 120_000 }),
    );
    // the tab switched to the universe fit; the ticker's view is the universe model's, said so in its warnings
    expect(await page.locator('[data-testid="regime-scope"] button[aria-pressed="true"]').getAttribute('data-value')).toBe('universe');
    const chip = page.locator(`${panel('current-regime')} [data-testid="warnings-chip"]`);
    await expect.poll(async () => {
      if (!(await chip.isVisible())) return '';
      if ((await chip.getAttribute('aria-expanded')) !== 'true') await chip.click();
      return (await page.locator(`${panel('current-regime')} [data-testid="warnings-list"]`).textContent()) ?? '';
    }, { timeout: 30_000 }).toMatch(/Universe HMM pooled-hmm-[0-9a-f]{16}/);
    expect((await page.locator(`${panel('current-regime')} ${BADGE}`).textContent())?.trim()).toBe('DEMO');
    // back to the per-ticker fit: its own result, without the universe warning
    await page.locator('[data-testid="regime-scope"] button[data-value="ticker"]').click();
    await expect.poll(async () => (await page.locator(`${panel('current-regime')}`).textContent()) ?? '', { timeout: 20_000 }).not.toMatch(/Universe HMM pooled-hmm/);
    await page.locator(`${panel('current-regime')} [data-testid="current-regime-badge"]`).waitFor({ state: 'visible', timeout: 20_000 });
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 300_000);

  it('offers "Run regime detection" on the Dashboard when no detection exists', async () => {
    const s = await session();
    await loadDemo(s);
    await gotoApp(s, '/dashboard?tab=regime');
    const empty = s.page.locator(`${panel('current-regime')} [data-testid="empty-state"]`);
    await step(s, 'waiting for the regime empty state', () => empty.waitFor({ state: 'visible', timeout: 30_000 }));
    const link = empty.getByRole('link', { name: 'Run regime detection' });
    expect(new URL((await link.getAttribute('href')) ?? '', s.url('/')).pathname).toBe('/model-lab');
    await link.click();
    await s.page.waitForURL(/\/model-lab\?tab=regime$/);
    await s.page.getByTestId('regime-run').waitFor({ state: 'visible' });
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 180_000);
});
