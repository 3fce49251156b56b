/**
 * System Logs: an error panel's "View logs" link lands on its record (trace filter), level
 * chips, search, logger and job filters, Clear filters, and JSONL/CSV export of the filtered
 * view. The error is real: a corrupt stored health snapshot makes the System Health panel fail.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatErrors, gotoApp, skipFirstRun, step, useBrowser } from './support/browser';

const session = useBrowser();
const rows = '[data-testid="log-row"]';

describe('System Logs', () => {
  it('links an error panel to its record and filters, searches and exports the stream', async () => {
    const s = await session();
    const { page } = s;
    await gotoApp(s, '/');
    await skipFirstRun(s);

    // A stored snapshot the page cannot read (newest by date, so "latest" resolves to it).
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('quant-engine');
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const tx = req.result.transaction('artifacts', 'readwrite');
            tx.objectStore('artifacts').put({ key: 'health/corrupt-e2e', createdAt: '2999-01-01T00:00:00.000Z', value: { report: 'broken' } });
            tx.oncomplete = () => {
              req.result.close();
              resolve();
            };
            tx.onerror = () => reject(tx.error);
          };
        }),
    );
    await gotoApp(s, '/system-health');
    const err = page.locator('section[data-testid="panel-health-scores"] [data-testid="error-state"]');
    await step(s, 'waiting for the health panel error', () => err.waitFor({ state: 'visible', timeout: 20_000 }));
    expect(await err.textContent()).toContain('stored health snapshot health/corrupt-e2e');
    const trace = ((await err.locator('.trace').textContent()) ?? '').replace(/^trace\s+/, '').trim();
    expect(trace).not.toBe('');

    await err.getByRole('link', { name: 'View logs' }).click();
    await step(s, 'waiting for /logs?trace=', () => page.waitForURL(/\/logs\?trace=/, { timeout: 10_000 }));
    await page.getByTestId('trace-filter').waitFor({ state: 'visible' });
    await step(s, 'waiting for the traced record', () => page.locator(rows).first().waitFor({ state: 'visible', timeout: 10_000 }));
    const traced = await page.locator(rows).allTextContents();
    expect(traced.length).toBeGreaterThanOrEqual(1);
    for (const t of traced) expect(t).toContain(`trace ${trace}`);
    expect(traced.join(' ')).toContain('health/corrupt-e2e');
    expect((await page.getByTestId('log-count').textContent())?.trim()).toBe(`${traced.length} entries`);
    await page.locator(rows).first().click();
    expect(await page.getByTestId('log-detail-context').textContent()).toContain('HealthSnapshotError');

    // Clear filters: the whole stream (boot record included)
    await page.getByTestId('log-clear-filters').click();
    await expect.poll(async () => page.url(), { timeout: 5_000 }).not.toContain('trace=');
    await expect.poll(async () => page.locator(rows).count(), { timeout: 5_000 }).toBeGreaterThan(traced.length);

    // Level chips (multi-select)
    await page.getByTestId('level-chip-ERROR').click();
    expect(await page.getByTestId('level-chip-ERROR').getAttribute('aria-pressed')).toBe('true');
    const levels = await page.locator(`${rows} span:nth-child(2)`).allTextContents();
    expect(levels.length).toBeGreaterThan(0);
    expect(new Set(levels)).toEqual(new Set(['ERROR']));
    await page.getByTestId('level-chip-INFO').click();
    await expect.poll(async () => new Set(await page.locator(`${rows} span:nth-child(2)`).allTextContents()).has('INFO'), { timeout: 5_000 }).toBe(true);
    await page.getByTestId('log-clear-filters').click();

    // Search matches message and logger
    await page.getByTestId('log-search').fill('compute workers');
    await expect.poll(async () => page.locator(rows).count(), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    for (const t of await page.locator(rows).allTextContents()) expect(t.toLowerCase()).toContain('compute workers');
    await page.getByTestId('log-search').fill('no record says this zzqx');
    await page.locator('[data-testid="empty-state"]', { hasText: 'No log entries match the current filters' }).waitFor({ timeout: 5_000 });
    await page.getByTestId('log-clear-filters').click();

    // Logger filter (prefix on the dotted name)
    await page.getByTestId('logger-filter').selectOption('backend');
    await expect.poll(async () => page.url(), { timeout: 5_000 }).toContain('logger=backend');
    const loggers = await page.locator(`${rows} span:nth-child(3)`).allTextContents();
    expect(loggers.length).toBeGreaterThan(0);
    for (const l of loggers) expect(l === 'backend' || l.startsWith('backend.')).toBe(true);

    // Export the filtered view
    const shown = await page.locator(rows).count();
    const [jsonl] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.getByTestId('log-export-jsonl').click()]);
    expect(jsonl.suggestedFilename()).toMatch(/\.jsonl$/);
    const lines = readFileSync((await jsonl.path()) as string, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(shown);
    for (const line of lines) {
      const rec = JSON.parse(line) as { logger: string; level: string; ts: number; message: string };
      expect(rec.logger.startsWith('backend')).toBe(true);
      expect(typeof rec.ts).toBe('number');
    }
    const [csv] = await Promise.all([page.waitForEvent('download', { timeout: 10_000 }), page.getByTestId('log-export-csv').click()]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const csvLines = readFileSync((await csv.path()) as string, 'utf8').trim().split(/\r?\n/);
    expect(csvLines[0]).toBe('ts,iso,level,logger,message,jobId,traceId,context');
    expect(csvLines).toHaveLength(shown + 1);

    // ?job= preselects a job's records: run a health check (it logs with its job id)
    await page.getByTestId('log-clear-filters').click();
    await gotoApp(s, '/system-health');
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = indexedDB.open('quant-engine');
          req.onsuccess = () => {
            const tx = req.result.transaction('artifacts', 'readwrite');
            tx.objectStore('artifacts').delete('health/corrupt-e2e');
            tx.oncomplete = () => {
              req.result.close();
              resolve();
            };
          };
          req.onerror = () => reject(req.error);
        }),
    );
    await page.getByTestId('run-health').click();
    const monitor = page.locator('[data-testid="job-monitor"][data-job-type="health_check"][data-status="succeeded"]');
    const jobId = await step(s, 'waiting for the health job to succeed', async () => {
      await monitor.first().waitFor({ state: 'visible', timeout: 60_000 });
      return (await monitor.first().getAttribute('data-job-id')) ?? '';
    });
    expect(jobId).not.toBe('');
    await page.locator('[data-testid="score-overall"]').waitFor({ state: 'visible', timeout: 20_000 });
    // Records reach the persisted store in batches (≤ 1 s): wait for the job's last one before reloading.
    await expect
      .poll(
        () =>
          page.evaluate(
            (id) =>
              new Promise<boolean>((resolve, reject) => {
                const req = indexedDB.open('quant-engine');
                req.onerror = () => reject(req.error);
                req.onsuccess = () => {
                  const get = req.result.transaction('logs').objectStore('logs').getAll();
                  get.onsuccess = () => {
                    req.result.close();
                    resolve((get.result as { jobId?: string; message: string }[]).some((e) => e.jobId === id && e.message.startsWith('health check: overall')));
                  };
                  get.onerror = () => reject(get.error);
                };
              }),
            jobId,
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    await gotoApp(s, `/logs?job=${encodeURIComponent(jobId)}`);
    await page.getByTestId('job-filter').waitFor({ state: 'visible' });
    await step(s, 'waiting for the job records', () => page.locator(rows).first().waitFor({ state: 'visible', timeout: 10_000 }));
    const jobRows = await page.locator(rows).allTextContents();
    for (const t of jobRows) expect(t).toContain(`job ${jobId}`);
    expect(jobRows.join(' ')).toContain('health check: overall');
    // a row opens its full record (keyboard too), with the ids as filter links
    const last = page.locator(rows).filter({ hasText: 'health check: overall' }).first();
    await last.focus();
    await page.keyboard.press('Enter');
    const detail = page.getByTestId('log-detail');
    await detail.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await detail.textContent()).toContain(jobId);
    expect(await detail.getByRole('link', { name: jobId }).getAttribute('href')).toBe(`/logs?job=${encodeURIComponent(jobId)}`);
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  }, 180_000);
});
