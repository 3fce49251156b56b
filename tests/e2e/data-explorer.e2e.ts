/** Data Explorer: import real files through the page, see list, chart, quality report and table; bad input is refused. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeUpstream, startTestProxy } from '../unit/proxy/helpers';
import { baseUrl, formatErrors, gotoApp, skipFirstRun, step, useBrowser } from './support/browser';

const session = useBrowser();
const REAL = fileURLToPath(new URL('../../../shared/data/real/', import.meta.url));
const BADGE = '[data-testid="provenance-badge"]';

describe('data explorer', () => {
  it('imports AAPL.csv: dataset listed, candle chart, quality report (warn: flat_bars), table; a malformed CSV is refused', async () => {
    const s = await session();
    const { page } = s;
    await gotoApp(s, '/data-explorer');
    await skipFirstRun(s);

    await page.getByTestId('import-input').setInputFiles(`${REAL}daily/csv/AAPL.csv`);
    const aapl = page.locator('[data-testid="dataset-row"][data-dataset-id="AAPL|1d"]');
    await step(s, 'waiting for AAPL|1d in the dataset list', () => aapl.waitFor({ state: 'visible', timeout: 60_000 }));
    expect((await aapl.getByTestId('dataset-mode').textContent())?.trim()).toBe('LIVE');
    expect((await aapl.getByTestId('dataset-quality').textContent())?.trim()).toBe('warn');
    expect(await page.getByTestId('import-result').textContent()).toContain('AAPL|1d (5,032 bars, warn)');

    const chart = page.locator('section[data-testid="panel-candlestick"]');
    await step(s, 'waiting for the candle chart', () => chart.locator('.uplot canvas').first().waitFor({ state: 'visible', timeout: 30_000 }));
    expect((await chart.locator(BADGE).textContent())?.trim()).toBe('LIVE');
    expect(await page.getByTestId('view-title').textContent()).toBe('AAPL — 1D');
    expect(await page.getByTestId('candle-summary').textContent()).toContain('5,032 bars');

    const report = page.getByTestId('quality-report');
    await step(s, 'waiting for the quality report', () => report.waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await report.getAttribute('data-status')).toBe('warn');
    expect((await page.getByTestId('quality-status').textContent())?.trim()).toBe('WARN');
    const flat = page.locator('[data-testid="quality-check"][data-check="flat_bars"]');
    expect(await flat.getAttribute('data-level')).toBe('warn');
    expect(await flat.textContent()).toContain('4,748');

    const table = page.getByTestId('bars-table');
    await table.locator('[role="row"][data-row="0"]').waitFor({ state: 'visible' });
    expect(await table.locator('[role="row"][data-row="0"]').textContent()).toContain('2006-02-21');
    expect(await table.locator('[role="row"][data-row]').count()).toBeLessThan(80); // virtualised

    // "show rows" jumps the table to the offending rows and flags them
    await flat.getByTestId('quality-show-rows').click();
    await page.getByTestId('flagged-rows').waitFor({ state: 'visible' });
    expect(await page.getByTestId('flagged-rows').textContent()).toContain('flat_bars: 4748 stored rows flagged');
    await expect.poll(() => table.locator('[role="row"][data-flagged="1"]').count()).toBeGreaterThan(0);

    // CSV export of the table: RFC-4180, ISO dates, raw numbers, the contract's file name
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('bars-export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^data-explorer_AAPL-1d_\d{8}-\d{4}\.csv$/);
    const csvPath = await download.path();
    const csv = readFileSync(csvPath, 'utf8');
    expect(csv.split('\r\n').slice(0, 2)).toEqual(['ticker,date,open,high,low,close,volume', 'AAPL,2006-02-21,69.08,69.08,69.08,69.08,27905392']);

    // Parquet export: written in the data worker by hyparquet-writer — offline, no DuckDB extension download
    const [pqDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      aapl.getByTestId('dataset-export-parquet').click(),
    ]);
    const pqName = pqDownload.suggestedFilename();
    expect(pqName).toMatch(/^data-explorer_AAPL-1d_\d{8}-\d{4}\.parquet$/);
    const pqBytes = readFileSync(await pqDownload.path());
    expect([pqBytes.subarray(0, 4).toString('latin1'), pqBytes.subarray(-4).toString('latin1')]).toEqual(['PAR1', 'PAR1']);
    expect(await page.locator('section[data-testid="panel-datasets"] [data-testid="error-state"]').count()).toBe(0);
    // … and that file imports back through the page: the same 5,032 bars replace the stored copy
    await page.getByTestId('import-input').setInputFiles({ name: pqName, mimeType: 'application/vnd.apache.parquet', buffer: pqBytes });
    await step(s, 'waiting for the Parquet re-import', () =>
      expect
        .poll(() => page.getByTestId('import-result').textContent(), { timeout: 60_000 })
        .toContain('AAPL|1d (5,032 bars, warn, replaced the stored copy)'),
    );

    // A malformed file is refused with file/row in the message; AAPL stays listed.
    await page.getByTestId('import-input').setInputFiles({
      name: 'BAD.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1,10\n2024-01-03,1,2\n'),
    });
    const err = page.getByTestId('import-outcome').getByTestId('error-state');
    await step(s, 'waiting for the import error', () => err.waitFor({ state: 'visible', timeout: 30_000 }));
    expect(await err.textContent()).toContain('BAD.csv: row 2 (line 3): 3 fields, but the header has 6');
    expect(await err.textContent()).toContain('nothing was stored');
    expect(await page.locator('[data-testid="dataset-row"]').count()).toBe(1);
    expect(await aapl.isVisible()).toBe(true);
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('AAPL 1d and AAPL 1h are kept side by side; timeframes without data are disabled, coarser ones derived', async () => {
    const s = await session();
    const { page } = s;
    await gotoApp(s, '/data-explorer');
    await skipFirstRun(s);
    await page.getByTestId('import-input').setInputFiles([`${REAL}daily/csv/AAPL.csv`, `${REAL}intraday/bars_1hour_SPY_AAPL_JPM.csv`]);
    for (const id of ['AAPL|1d', 'AAPL|1h', 'JPM|1h', 'SPY|1h']) {
      await step(s, `waiting for ${id}`, () => page.locator(`[data-testid="dataset-row"][data-dataset-id="${id}"]`).waitFor({ timeout: 60_000 }));
    }
    const tfs = page.getByTestId('timeframe-buttons');
    expect(await tfs.locator('[data-tf="1d"]').isEnabled()).toBe(true);
    expect(await tfs.locator('[data-tf="1h"]').isEnabled()).toBe(true);
    expect(await tfs.locator('[data-tf="5m"]').isDisabled()).toBe(true);
    expect(await tfs.locator('[data-tf="5m"]').getAttribute('title')).toBe('No 5m data cached');
    expect(await tfs.locator('[data-tf="4h"]').getAttribute('data-derived')).toBe('1');

    await tfs.locator('[data-tf="1h"]').click();
    await expect.poll(() => page.getByTestId('view-title').textContent()).toBe('AAPL — 1H');
    await page.locator('section[data-testid="panel-candlestick"] .uplot canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
    await tfs.locator('[data-tf="4h"]').click();
    await expect.poll(() => page.getByTestId('view-title').textContent()).toBe('AAPL — 4H (derived)');
    await expect
      .poll(async () => page.locator('section[data-testid="panel-candlestick"] [data-testid="provenance-badge"]').getAttribute('title'))
      .toContain('derived');

    // Folder import (webkitdirectory): the original cache layout; the canonical sidecar names the source
    const dir = mkdtempSync(join(tmpdir(), 'qe-cache-'));
    try {
      mkdirSync(join(dir, 'cache'));
      writeFileSync(join(dir, 'cache', 'MSFT_1d.csv'), readFileSync(`${REAL}daily/csv/MSFT.csv`));
      writeFileSync(join(dir, 'cache', 'MSFT_1d.meta.json'), JSON.stringify({ ticker: 'MSFT', source: 'wrds', saved_at_utc: '2025-06-01T00:00:00Z' }));
      writeFileSync(join(dir, 'cache', 'notes.txt'), 'not data');
      await page.getByTestId('import-folder-input').setInputFiles(join(dir, 'cache'));
      const msft = page.locator('[data-testid="dataset-row"][data-dataset-id="MSFT|1d"]');
      await step(s, 'waiting for MSFT|1d from the folder import', () => msft.waitFor({ state: 'visible', timeout: 60_000 }));
      expect(await msft.locator('.de-source').textContent()).toBe('cache/MSFT_1d.csv · source wrds · sidecar cache/MSFT_1d.meta.json (canonical) · saved 2025-06-01T00:00:00Z');
      expect(await page.getByTestId('import-result').textContent()).toContain('1 file(s) skipped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });

  it('fetches live through the proxy (LIVE), and when the proxy is gone shows the error and the stored copy as CACHED', async () => {
    const fake = await new FakeUpstream().start();
    const proxy = await startTestProxy(fake, { origins: [new URL(baseUrl()).origin] });
    try {
      const s = await session();
      const { page } = s;
      await gotoApp(s, '/data-explorer');
      await page.getByTestId('first-run').waitFor({ state: 'visible', timeout: 20_000 });
      await page.getByTestId('first-run-proxy').click();
      await page.getByTestId('proxy-url').fill(proxy.proxy.url);
      await page.getByTestId('proxy-connect').click();
      await step(s, 'waiting for the first-run screen to close after connecting', () => page.getByTestId('first-run').waitFor({ state: 'detached', timeout: 20_000 }));
      await gotoApp(s, '/data-explorer');

      await page.getByTestId('fetch-ticker').fill('SPY');
      await page.getByTestId('fetch-live').click();
      const row = page.locator('[data-testid="dataset-row"][data-dataset-id="SPY|1d"]');
      await step(s, 'waiting for SPY|1d after the fetch', () => row.waitFor({ state: 'visible', timeout: 30_000 }));
      expect((await row.getByTestId('dataset-mode').textContent())?.trim()).toBe('CACHED');
      const badge = page.locator('section[data-testid="panel-candlestick"] [data-testid="provenance-badge"]');
      await expect.poll(async () => (await badge.textContent())?.trim(), { timeout: 20_000 }).toBe('LIVE');
      await page.locator('section[data-testid="panel-candlestick"] .uplot canvas').first().waitFor({ state: 'visible' });

      await proxy.close();
      await page.getByTestId('fetch-live').click();
      const err = page.getByTestId('fetch-outcome').getByTestId('error-state');
      await step(s, 'waiting for the fetch error', () => err.waitFor({ state: 'visible', timeout: 30_000 }));
      expect(await err.textContent()).toContain("Proxy unreachable or this app's origin is not allowed — start it with `npm run proxy -- --origin");
      await page.getByTestId('fetch-fallback').waitFor({ state: 'visible' });
      await expect.poll(async () => (await badge.textContent())?.trim(), { timeout: 20_000 }).toMatch(/^CACHED · \d+[smhd]$/);
      await page.locator('section[data-testid="panel-candlestick"] [data-testid="warnings-chip"]').click();
      expect(await page.locator('section[data-testid="panel-candlestick"] [data-testid="warnings-list"]').textContent()).toContain('Live fetch failed — Proxy unreachable');
      // the browser logs the refused connection itself; nothing else may fail
      expect(s.errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e)), formatErrors(s.errors)).toEqual([]);
    } finally {
      await proxy.close().catch(() => undefined);
      await fake.close();
    }
  });
});
