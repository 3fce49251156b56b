/**
 * Faults end to end in Chromium (issue #11 item 4): the proxy failing in specific ways while
 * Data Explorer fetches live, a page closed mid-job, and two tabs on the same data.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeUpstream, startTestProxy } from '../unit/proxy/helpers';
import { type AppSession, baseUrl, formatErrors, gotoApp, skipFirstRun, step, useBrowser } from './support/browser';

const session = useBrowser();
const REAL = fileURLToPath(new URL('../../../shared/data/real/', import.meta.url));
const CANDLES = 'section[data-testid="panel-candlestick"]';
const BADGE = `${CANDLES} [data-testid="provenance-badge"]`;
/** Network failures the browser itself logs to the console when a request fails (expected here). */
const NETWORK_NOISE = /ERR_CONNECTION_REFUSED|Failed to load resource/;

async function fetchLive(s: AppSession, ticker: string, range?: string): Promise<void> {
  await s.page.getByTestId('fetch-ticker').fill(ticker);
  if (range) await s.page.getByTestId('fetch-range').selectOption(range);
  await s.page.getByTestId('fetch-live').click();
}

async function fetchError(s: AppSession): Promise<string> {
  const err = s.page.getByTestId('fetch-outcome').getByTestId('error-state');
  await step(s, 'waiting for the fetch error panel', () => err.waitFor({ state: 'visible', timeout: 30_000 }));
  return (await err.textContent()) ?? '';
}

describe('proxy faults in Data Explorer live fetch', () => {
  it('timeout, 429 with retry-after and HTML each get a specific error; a stored copy is shown only as CACHED with the failure', async () => {
    const fake = await new FakeUpstream().start();
    // Upstream timeout shorter than SLOW's 1.5 s delay; the proxy cache keeps SPY for 6 h.
    const proxy = await startTestProxy(fake, { origins: [new URL(baseUrl()).origin], upstreamTimeoutMs: 500 });
    try {
      const s = await session();
      const { page } = s;
      await gotoApp(s, '/data-explorer');
      await page.getByTestId('first-run').waitFor({ state: 'visible', timeout: 20_000 });
      await page.getByTestId('first-run-proxy').click();
      await page.getByTestId('proxy-url').fill(proxy.proxy.url);
      await page.getByTestId('proxy-connect').click();
      await step(s, 'closing first-run after connecting the proxy', () => page.getByTestId('first-run').waitFor({ state: 'detached', timeout: 20_000 }));
      await gotoApp(s, '/data-explorer');

      // A good fetch first: SPY is stored and shown LIVE.
      await fetchLive(s, 'SPY');
      await step(s, 'waiting for SPY|1d', () => page.locator('[data-testid="dataset-row"][data-dataset-id="SPY|1d"]').waitFor({ state: 'visible', timeout: 30_000 }));
      await expect.poll(async () => (await page.locator(BADGE).textContent())?.trim(), { timeout: 20_000 }).toBe('LIVE');

      // Slow upstream → the proxy's timeout, named as such.
      await fetchLive(s, 'SLOW');
      const slow = await fetchError(s);
      expect(slow).toContain('Yahoo did not answer in time (timeout at the proxy)');
      expect(slow).toContain('within 500 ms');
      // No stored SLOW copy: nothing is offered in its place.
      expect(await page.getByTestId('fetch-fallback').count()).toBe(0);

      // 429 with retry-after → rate-limited with the wait.
      await fetchLive(s, 'LIMIT');
      await expect.poll(async () => fetchError(s), { timeout: 30_000 }).toContain('Yahoo rate-limited the request (HTTP 429); retry after 7 s');
      // The proxy backs off from Yahoo for those 7 s (on its clock) before asking it again.
      proxy.clock.t += 8_000;

      // HTML interstitial instead of JSON.
      await fetchLive(s, 'HTML');
      await expect.poll(async () => fetchError(s), { timeout: 30_000 }).toContain('Yahoo answered with an HTML page instead of data');

      // SPY again, but the upstream now serves HTML and the proxy has no copy for this range:
      // the error is shown and the stored SPY only as CACHED, with the failure as a warning.
      fake.modes.set('/v8/finance/chart/SPY', 'html');
      await fetchLive(s, 'SPY', 'max');
      await expect.poll(async () => fetchError(s), { timeout: 30_000 }).toContain('Yahoo answered with an HTML page instead of data');
      await step(s, 'waiting for the stored-copy hint', () => page.getByTestId('fetch-fallback').waitFor({ state: 'visible', timeout: 20_000 }));
      await expect.poll(async () => (await page.locator(BADGE).textContent())?.trim(), { timeout: 20_000 }).toMatch(/^CACHED · \d+[smhd]$/);
      await page.locator(`${CANDLES} [data-testid="warnings-chip"]`).click();
      expect(await page.locator(`${CANDLES} [data-testid="warnings-list"]`).textContent()).toContain('HTML page instead of data');

      // The proxy's own stale copy (upstream failing, cache past its TTL) arrives labelled CACHED, not LIVE.
      proxy.clock.t += 7 * 3_600_000;
      await fetchLive(s, 'SPY', '5y'); // the first fetch's range (the 1d default): cached at the proxy
      await expect.poll(async () => (await page.locator(BADGE).textContent())?.trim(), { timeout: 30_000 }).toMatch(/^CACHED/);
      await page.locator(`${CANDLES} [data-testid="warnings-chip"]`).click();
      await expect
        .poll(async () => (await page.locator(`${CANDLES} [data-testid="warnings-list"]`).textContent()) ?? '', { timeout: 10_000 })
        .toContain('because the upstream failed: upstream_html');

      expect(s.errors.filter((e) => !NETWORK_NOISE.test(e)), formatErrors(s.errors)).toEqual([]);
    } finally {
      await proxy.close().catch(() => undefined);
      await fake.close();
    }
  });
});

describe('page closed mid-job', () => {
  it('the next start marks the self-test interrupted, and a still-open tab is not mistaken for a closed one', async () => {
    const first = await session();
    await gotoApp(first, '/system-health');
    await skipFirstRun(first);
    await first.page.getByTestId('run-selftest').click();
    await first.page.getByTestId('jobs-button').click();
    const row1 = first.page.getByTestId('job-drawer').locator('[data-testid="job-row"][data-job-type="selftest"]').first();
    await expect.poll(() => row1.getAttribute('data-status'), { timeout: 20_000 }).toBe('running');
    const jobId = await row1.getAttribute('data-job-id');
    expect(jobId).toBeTruthy();

    // A second tab in the same profile while the first is open: the job stays running.
    const second = await first.context.newPage();
    await second.goto(first.url('/system-health'));
    await second.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 30_000 });
    await second.getByTestId('jobs-button').click();
    const row2 = second.getByTestId('job-drawer').locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
    await row2.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await row2.getAttribute('data-status')).toBe('running');
    await second.close();

    // Close the page that owns the job (no unload handlers get a say), then start again.
    await first.page.close({ runBeforeUnload: false });
    const third = await first.context.newPage();
    await third.goto(first.url('/system-health'));
    await third.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 30_000 });
    await third.getByTestId('jobs-button').click();
    const row3 = third.getByTestId('job-drawer').locator(`[data-testid="job-row"][data-job-id="${jobId}"]`);
    await row3.waitFor({ state: 'visible', timeout: 20_000 });
    await expect.poll(() => row3.getAttribute('data-status'), { timeout: 20_000 }).toBe('failed');
    expect(await row3.textContent()).toContain('interrupted (page closed)');
    expect(await row3.getByTestId('job-cancel').count()).toBe(0);
    expect(first.errors, formatErrors(first.errors)).toEqual([]);
  });
});

describe('two tabs on the same data', () => {
  it('both tabs import at the same time; each sees both datasets; nothing is lost', async () => {
    const a = await session();
    await gotoApp(a, '/data-explorer');
    await skipFirstRun(a);
    const b = await a.context.newPage();
    await b.goto(a.url('/data-explorer'));
    await b.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 30_000 });

    await Promise.all([
      a.page.getByTestId('import-input').setInputFiles(`${REAL}daily/csv/AAPL.csv`),
      b.getByTestId('import-input').setInputFiles(`${REAL}daily/csv/MSFT.csv`),
    ]);
    await step(a, 'waiting for AAPL|1d in tab A', () =>
      a.page.locator('[data-testid="dataset-row"][data-dataset-id="AAPL|1d"]').waitFor({ state: 'visible', timeout: 60_000 }),
    );
    await b.locator('[data-testid="dataset-row"][data-dataset-id="MSFT|1d"]').waitFor({ state: 'visible', timeout: 60_000 });

    // Each tab, reloaded, lists both (the catalog is shared and neither write was lost).
    for (const p of [a.page, b]) {
      await p.reload();
      await p.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 30_000 });
      await p.locator('[data-testid="dataset-row"][data-dataset-id="AAPL|1d"]').waitFor({ state: 'visible', timeout: 30_000 });
      await p.locator('[data-testid="dataset-row"][data-dataset-id="MSFT|1d"]').waitFor({ state: 'visible', timeout: 30_000 });
    }
    // Re-importing AAPL from tab B replaces it wholly (one version, rows as in the file).
    await b.getByTestId('import-input').setInputFiles(`${REAL}daily/csv/AAPL.csv`);
    await expect.poll(async () => (await b.getByTestId('import-result').textContent()) ?? '', { timeout: 60_000 }).toContain('AAPL|1d (5,032 bars, warn');
    expect(a.errors, formatErrors(a.errors)).toEqual([]);
  });
});

describe('a compute worker that throws', () => {
  it('fails the job it ran with the error, is replaced, and the other job then runs', async () => {
    const s = await session();
    const { page } = s;
    await gotoApp(s, '/system-health');
    await skipFirstRun(s);
    // Two self-tests: with one compute worker (2 cores) the second waits in the queue.
    const button = page.getByTestId('run-selftest');
    await button.click();
    await expect.poll(() => button.isEnabled(), { timeout: 10_000 }).toBe(true);
    await button.click();
    await page.getByTestId('jobs-button').click();
    const drawer = page.getByTestId('job-drawer');
    const rows = drawer.locator('[data-testid="job-row"][data-job-type="selftest"]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    const statuses = async () => Promise.all([0, 1].map((i) => rows.nth(i).getAttribute('data-status')));
    await expect.poll(async () => (await statuses()).includes('running'), { timeout: 20_000 }).toBe(true);
    const ids = await Promise.all([0, 1].map(async (i) => (await rows.nth(i).getAttribute('data-job-id')) as string));

    const computes = page.workers().filter((w) => w.url().includes('compute.worker'));
    expect(computes.length).toBeGreaterThanOrEqual(1);
    // An uncaught error inside a compute worker that runs one of the jobs.
    await computes[0].evaluate(() => {
      setTimeout(() => {
        throw new Error('boom from the e2e test');
      }, 0);
    });
    const row = (id: string) => drawer.locator(`[data-testid="job-row"][data-job-id="${id}"]`);
    await expect.poll(async () => (await statuses()).filter((x) => x === 'failed').length, { timeout: 20_000 }).toBe(1);
    const failedId = (await row(ids[0]).getAttribute('data-status')) === 'failed' ? ids[0] : ids[1];
    const otherId = failedId === ids[0] ? ids[1] : ids[0];
    expect(await row(failedId).textContent()).toMatch(/compute worker crashed: .*boom from the e2e test/);
    await expect.poll(async () => (await page.getByTestId('status-workers').textContent()) ?? '', { timeout: 10_000 }).toContain('· 1 restart ·');

    // The other job runs (on the replacement when it was queued) and makes progress; then it is cancelled.
    const other = row(otherId);
    await expect.poll(() => other.getAttribute('data-status'), { timeout: 20_000 }).toBe('running');
    await expect.poll(async () => Number(await other.locator('[role="progressbar"]').getAttribute('aria-valuenow')), { timeout: 20_000 }).toBeGreaterThan(0);
    await other.getByTestId('job-cancel').click();
    await expect.poll(() => other.getAttribute('data-status'), { timeout: 10_000 }).toBe('cancelled');
    expect(page.workers().filter((w) => w.url().includes('compute.worker')).length).toBe(computes.length);
    expect(s.errors.filter((e) => !e.includes('boom from the e2e test')), formatErrors(s.errors)).toEqual([]);
  });
});

describe('storage quota exceeded during an import', () => {
  it('shows the storage-full error; the catalog and the earlier dataset are unchanged, also after a reload', async () => {
    const s = await session();
    const { page } = s;
    await gotoApp(s, '/data-explorer');
    await skipFirstRun(s);
    await page.getByTestId('import-input').setInputFiles(`${REAL}daily/csv/AAPL.csv`);
    const aapl = page.locator('[data-testid="dataset-row"][data-dataset-id="AAPL|1d"]');
    await step(s, 'waiting for AAPL|1d', () => aapl.waitFor({ state: 'visible', timeout: 60_000 }));
    const aaplRow = await aapl.textContent();

    // The browser refuses every further dataset write in the data worker, as Chromium does
    // when the origin is over its quota (QuotaExceededError from the object store).
    const dataWorker = page.workers().find((w) => w.url().includes('data.worker'));
    expect(dataWorker, page.workers().map((w) => w.url()).join(', ')).toBeDefined();
    await dataWorker?.evaluate(() => {
      const proto = IDBObjectStore.prototype;
      const put = proto.put;
      proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
        if (this.name === 'datasets') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
        return put.apply(this, args);
      };
    });
    await page.getByTestId('import-input').setInputFiles([`${REAL}daily/csv/MSFT.csv`, `${REAL}daily/csv/AAPL.csv`]);
    const err = page.getByTestId('import-outcome').getByTestId('error-state');
    await step(s, 'waiting for the import error', () => err.waitFor({ state: 'visible', timeout: 60_000 }));
    expect(await err.textContent()).toContain('Browser storage is full: could not save 2 imported datasets; earlier data is unchanged');
    const ids = async () => page.locator('[data-testid="dataset-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-dataset-id')));
    expect(await ids()).toEqual(['AAPL|1d']);
    expect(await aapl.textContent()).toBe(aaplRow);

    await page.reload();
    await page.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 30_000 });
    await aapl.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await ids()).toEqual(['AAPL|1d']);
    expect(await aapl.textContent()).toBe(aaplRow);
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
