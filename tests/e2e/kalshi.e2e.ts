/** Kalshi Events tab: empty state says what to import; importing the fixture files shows the distribution. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, loadDemo, skipFirstRun, step, useBrowser } from './support/browser';

const session = useBrowser();
const fixture = (n: string) => fileURLToPath(new URL(`../fixtures/kalshi/${n}`, import.meta.url));

describe('Kalshi Events tab', () => {
  it('imports markets, quotes and outcomes files and shows the current distribution', async () => {
    const s = await session();
    await gotoApp(s, '/autopilot');
    await skipFirstRun(s);
    if (new URL(s.page.url()).pathname !== '/autopilot') await gotoApp(s, '/autopilot');
    await s.page.getByRole('tab', { name: 'Kalshi Events' }).click();
    const current = s.page.locator('section[data-testid="panel-current-distribution"]');
    await step(s, 'waiting for the empty state', () => current.getByTestId('empty-state').waitFor({ timeout: 30_000 }));
    expect(await current.getByTestId('empty-state').textContent()).toMatch(/No Kalshi event data stored — import markets, quotes and outcomes files/);
    expect(await s.page.getByTestId('kalshi-demo').count()).toBe(0); // demo only in demo mode

    await s.page.getByTestId('kalshi-file-input').setInputFiles([fixture('markets.csv'), fixture('quotes.csv'), fixture('outcomes.csv')]);
    await s.page.getByTestId('kalshi-import').click();
    await step(s, 'waiting for the kalshi_import job', () =>
      s.page.locator('[data-testid="job-monitor"][data-job-type="kalshi_import"][data-status="succeeded"]').waitFor({ timeout: 60_000 }),
    );
    await step(s, 'waiting for the PMF chart', () => current.getByTestId('kalshi-pmf').waitFor({ timeout: 30_000 }));
    expect(await current.getByTestId('provenance-badge').getAttribute('data-mode')).toBe('live');
    const probs = await current.getByTestId('pmf-bar').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-probability'))));
    expect(probs).toHaveLength(6);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(await current.getByTestId('kalshi-mean').locator('.kpi-value').textContent()).toMatch(/^2\.\d{3}$/);
    expect(await current.getByTestId('kalshi-gates').textContent()).toMatch(/Hard gates passed/);
    expect(await s.page.getByTestId('kalshi-event-type').inputValue()).toBe('CPI');
    expect(await s.page.getByTestId('kalshi-wf-reason').textContent()).toMatch(/needs at least 60 events/);

    await s.page.getByTestId('kalshi-event-type').selectOption('FOMC');
    await step(s, 'waiting for the FOMC distribution', () => current.locator('text=KXFED-25MAR').waitFor({ timeout: 30_000 }));
    expect(await current.getByTestId('pmf-bar').count()).toBe(3);
    expect(await current.textContent()).toMatch(/direction ge \(explicit, high confidence\)/);
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('in demo mode loads the seeded demo event set, badged DEMO, with a walk-forward', async () => {
    const s = await session();
    await loadDemo(s);
    await gotoApp(s, '/autopilot');
    await s.page.getByRole('tab', { name: 'Kalshi Events' }).click();
    await s.page.getByTestId('kalshi-demo').click();
    await step(s, 'waiting for the demo kalshi_import job', () =>
      s.page.locator('[data-testid="job-monitor"][data-job-type="kalshi_import"][data-status="succeeded"]').waitFor({ timeout: 90_000 }),
    );
    const current = s.page.locator('section[data-testid="panel-current-distribution"]');
    await step(s, 'waiting for the PMF chart', () => current.getByTestId('kalshi-pmf').waitFor({ timeout: 30_000 }));
    expect((await current.getByTestId('provenance-badge').textContent())?.trim()).toBe('DEMO');
    const wf = s.page.locator('section[data-testid="panel-walk-forward-accuracy"]');
    expect(await wf.getByTestId('provenance-badge').getAttribute('data-mode')).toBe('demo');
    await step(s, 'waiting for the fold bars', () => wf.getByTestId('kalshi-wf-folds').waitFor({ timeout: 30_000 }));
    expect(await wf.getByTestId('kalshi-wf-hit').locator('.kpi-value').textContent()).toMatch(/^\d+\.\d%$/);
    // the event promotion gate's decision on those out-of-sample events, with its reasons
    const gate = wf.getByTestId('kalshi-promotion');
    await gate.waitFor({ state: 'visible', timeout: 10_000 });
    const passed = await gate.getAttribute('data-passed');
    expect(['true', 'false']).toContain(passed);
    if (passed === 'false') expect(await gate.getByTestId('kalshi-promotion-reasons').locator('li').count()).toBeGreaterThan(0);
    expect(await gate.textContent()).toMatch(/out-of-sample events · total/);
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
