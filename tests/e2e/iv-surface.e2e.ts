/** IV Surface lab: live SVI recompute, Heston Feller banner and job, arb-aware DEMO build, chain import → Market tab. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type AppSession, formatErrors, gotoApp, skipFirstRun, step, useBrowser } from './support/browser';

const session = useBrowser();
const CHAIN = fileURLToPath(new URL('../fixtures/iv-chain/sample_chain.csv', import.meta.url));

async function openIvPage(): Promise<AppSession> {
  const s = await session();
  await gotoApp(s, '/iv-surface');
  await skipFirstRun(s);
  if (new URL(s.page.url()).pathname !== '/iv-surface') await gotoApp(s, '/iv-surface');
  return s;
}

const text = async (s: AppSession, testid: string) => ((await s.page.getByTestId(testid).textContent()) ?? '').trim();

describe('IV Surface page', () => {
  it('recomputes the SVI surface on input and shows the Heston Feller banner and surface job', async () => {
    const s = await openIvPage();
    const panel = s.page.locator('section[data-testid="panel-svi-implied-volatility-surface"]');
    await step(s, 'waiting for the SVI surface summary', () => s.page.getByTestId('svi-surface-summary').waitFor({ timeout: 30_000 }));
    expect(await panel.getByTestId('provenance-badge').getAttribute('data-mode')).toBe('live');
    await step(s, 'waiting for the Plotly canvas', () =>
      s.page.locator('[data-testid="svi-surface"] .js-plotly-plot canvas').first().waitFor({ state: 'attached', timeout: 60_000 }),
    );
    const before = await text(s, 'svi-surface-summary');
    const atmBefore = await text(s, 'svi-atm-1y');
    expect(before).toMatch(/^SVI Implied Volatility Surface\. IV [\d.]+ %–[\d.]+ % over K\/S 0\.650–1\.350 and T 0\.080–2\.000 y · 875 points$/);

    await s.page.getByTestId('svi-input-b').fill('0.5');
    await expect.poll(() => text(s, 'svi-surface-summary')).not.toBe(before);
    expect(await text(s, 'svi-atm-1y')).not.toBe(atmBefore);
    expect(await text(s, 'svi-value-b')).toBe('0.50');
    expect(await s.page.getByTestId('svi-preset').inputValue()).toBe(''); // no longer a preset: "Custom"
    // a negative level breaks the minimum-variance condition: the reason is shown
    await s.page.getByTestId('svi-input-a').fill('-0.05');
    await expect.poll(() => text(s, 'svi-validity')).toMatch(/minimum total variance a \+ bσ√\(1 − ρ²\) = -0\.\d+ < 0/);

    await s.page.getByRole('tab', { name: 'Heston Surface' }).click();
    await s.page.getByTestId('heston-preset').selectOption('Vol Storm');
    const banner = s.page.getByTestId('feller-banner');
    await banner.waitFor({ state: 'visible' });
    expect(await banner.textContent()).toMatch(/2κθ = 0\.1440 ≤ σ² = 1\.0000/);
    await s.page.getByTestId('heston-preset').selectOption('Normal Market');
    await banner.waitFor({ state: 'detached' });
    expect(await text(s, 'feller-ok')).toMatch(/2κθ = 0\.1200 > σ² = 0\.0900/);

    await s.page.getByTestId('heston-compute').click();
    await step(s, 'waiting for the iv_heston job to finish', () =>
      s.page.locator('[data-testid="job-monitor"][data-job-type="iv_heston"][data-status="succeeded"]').waitFor({ timeout: 60_000 }),
    );
    await step(s, 'waiting for the Heston surface', () => s.page.getByTestId('heston-surface-summary').waitFor({ timeout: 30_000 }));
    expect(await text(s, 'heston-surface-summary')).toMatch(/875 points/);
    expect(await s.page.locator('section[data-testid="panel-heston-implied-volatility-surface"] [data-testid="provenance-badge"]').getAttribute('data-mode')).toBe('live');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('builds the arbitrage-aware surface from simulated quotes, badged DEMO', async () => {
    const s = await openIvPage();
    await s.page.getByRole('tab', { name: 'Arb-Aware SVI' }).click();
    await s.page.getByTestId('arb-maxIterations').fill('40');
    await s.page.getByTestId('arb-build').click();
    await step(s, 'waiting for the arb-aware build', () => s.page.getByTestId('arb-adj-calendar').waitFor({ timeout: 60_000 }));
    const badge = s.page.locator('section[data-testid="panel-calendar-arbitrage"] [data-testid="provenance-badge"]');
    expect((await badge.textContent())?.trim()).toBe('DEMO');
    expect(await badge.getAttribute('data-mode')).toBe('demo');
    expect(await badge.getAttribute('title')).toMatch(/simulated quotes \(seeded\) — model output, not market data/);
    expect(await s.page.getByTestId('arb-adj-calendar').locator('.kpi-value').textContent()).toBe('0');
    expect(await s.page.getByTestId('arb-expiries').locator('.kpi-value').textContent()).toBe('8');
    expect(await s.page.getByTestId('arb-strikes').locator('.kpi-value').textContent()).toBe('25');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('imports an option chain: Market tab with fitted slices and the failed rows with their codes', async () => {
    const s = await openIvPage();
    expect(await s.page.getByRole('tab', { name: 'Market' }).count()).toBe(0);
    await s.page.getByTestId('iv-chain-file').setInputFiles(CHAIN);
    await s.page.getByTestId('iv-chain-import').click();
    await step(s, 'waiting for the Market tab after the import job', () => s.page.getByTestId('iv-market').waitFor({ timeout: 60_000 }));
    expect(new URL(s.page.url()).searchParams.get('tab')).toBe('market');
    expect(await s.page.getByRole('tab', { name: 'Market' }).getAttribute('aria-selected')).toBe('true');

    const summary = s.page.locator('section[data-testid="panel-chain-summary"]');
    await summary.getByTestId('iv-chain-quotes').waitFor({ timeout: 30_000 });
    expect(await summary.getByTestId('provenance-badge').getAttribute('data-mode')).toBe('live');
    expect(await summary.getByTestId('iv-chain-quotes').locator('.kpi-value').textContent()).toBe('108 / 114');

    const slices = s.page.getByTestId('iv-slice');
    await expect.poll(() => slices.count()).toBe(6);
    expect(await slices.first().getAttribute('data-expiry')).toBe('2024-04-19');
    await slices.first().locator('.uplot canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
    expect(await s.page.getByTestId('iv-slice-row').count()).toBe(6);

    const failures = s.page.getByTestId('iv-failure-row');
    await expect.poll(() => failures.count()).toBe(6);
    const codes = await failures.evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-line')}:${r.getAttribute('data-code')}`));
    expect(codes).toEqual(['110:crossed_market', '111:outside_no_arbitrage_bounds', '112:parse_error', '113:bad_input', '114:bad_input', '115:no_price']);
    expect(await failures.nth(0).textContent()).toContain('bid 3.1 is above ask 2.9');

    // the chain stays selectable after a reload (stored per underlying and quote date)
    await gotoApp(s, '/iv-surface?tab=market');
    await step(s, 'waiting for the stored chain after reload', () => s.page.getByTestId('iv-market').waitFor({ timeout: 30_000 }));
    expect(await s.page.getByTestId('iv-chain-select').inputValue()).toBe('XYZ|2024-03-15');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
