/**
 * Browser helpers for the e2e tests: one headless Chromium per test file, a fresh context
 * (empty profile: no IndexedDB, no service worker) per test, and every console error and
 * uncaught page error collected so tests can assert there were none.
 */
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, inject } from 'vitest';
import './provided';

export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Routes, titles and sidebar labels exactly as in the UI contract, in sidebar order. */
export const ROUTES = [
  { path: '/dashboard', label: 'Dashboard', title: 'Portfolio Intelligence Dashboard' },
  { path: '/system-health', label: 'System Health', title: 'System Health' },
  { path: '/data-explorer', label: 'Data Explorer', title: 'Data Explorer' },
  { path: '/model-lab', label: 'Model Lab', title: 'Model Lab' },
  { path: '/signal-desk', label: 'Signal Desk', title: 'Signal Desk' },
  { path: '/backtests', label: 'Backtest & Risk', title: 'Backtest & Risk' },
  { path: '/iv-surface', label: 'IV Surface', title: 'IV Surface' },
  { path: '/benchmark-comparison', label: 'S&P Comparison', title: 'S&P Comparison' },
  { path: '/logs', label: 'System Logs', title: 'System Logs' },
  { path: '/autopilot', label: 'Autopilot & Events', title: 'Autopilot & Events' },
] as const;

export interface AppSession {
  context: BrowserContext;
  page: Page;
  /** console.error messages and uncaught exceptions, in order, with their source */
  errors: string[];
  /** absolute URL of an app path */
  url(path: string): string;
}

export function baseUrl(): string {
  return inject('baseUrl');
}

/**
 * Registers beforeAll/afterAll/afterEach hooks for a test file and returns a function that opens
 * a fresh session (new context + page) for the current test; sessions are closed after each test.
 */
export function useBrowser(): (opts?: { serviceWorkers?: 'allow' | 'block' }) => Promise<AppSession> {
  let browser: Browser | undefined;
  const open: AppSession[] = [];
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: inject('chromePath'), headless: true, args: LAUNCH_ARGS });
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.context.close();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async (opts = {}) => {
    if (!browser) throw new Error('browser not launched (useBrowser() must be called at the top of the test file)');
    const context = await browser.newContext({
      serviceWorkers: opts.serviceWorkers ?? 'allow',
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        errors.push(`console.error: ${msg.text()}${loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
      }
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.name}: ${err.message}`));
    page.on('crash', () => errors.push('page crashed'));
    const base = baseUrl();
    const session: AppSession = { context, page, errors, url: (path) => new URL(path, base).href };
    open.push(session);
    return session;
  };
}

/** What the page shows right now, for failure messages: URL, headings, test ids, collected errors. */
export async function describePage(s: AppSession): Promise<string> {
  const state = await s.page
    .evaluate(() => ({
      ready: document.documentElement.dataset.ready ?? '(unset)',
      h1: Array.from(document.querySelectorAll('h1'), (h) => h.textContent?.trim()),
      testIds: Array.from(new Set(Array.from(document.querySelectorAll('[data-testid]'), (e) => e.getAttribute('data-testid')))),
      text: (document.body?.textContent ?? '').replace(/\s+/g, ' ').slice(0, 600),
    }))
    .catch((e: Error) => ({ unavailable: e.message }));
  return `url: ${s.page.url()}\npage: ${JSON.stringify(state)}\n${formatErrors(s.errors)}`;
}

/** Runs a browser step; on failure re-throws with what the page showed at that moment. */
export async function step<T>(s: AppSession, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new Error(`${what} failed: ${msg}\n${await describePage(s)}`, { cause: e });
  }
}

/** Waits until the shell is mounted and interactive (dataset.ready === "1"). */
export async function waitReady(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout });
}

/** Navigates to an app path and waits for the interactive shell. */
export async function gotoApp(s: AppSession, path: string): Promise<void> {
  await s.page.goto(s.url(path), { waitUntil: 'load' });
  await step(s, `waiting for the shell to be ready at ${path}`, () => waitReady(s.page));
}

/** On a fresh profile: waits for the first-run screen and chooses Skip. */
export async function skipFirstRun(s: AppSession): Promise<void> {
  const firstRun = s.page.getByTestId('first-run');
  await step(s, 'waiting for the first-run screen', () => firstRun.waitFor({ state: 'visible', timeout: 20_000 }));
  await s.page.getByTestId('first-run-skip').click();
  await step(s, 'waiting for the first-run screen to close after Skip', () => firstRun.waitFor({ state: 'detached', timeout: 10_000 }));
}

/** Fresh profile → first-run → "Load demo dataset" → waits for the Dashboard price chart. */
export async function loadDemo(s: AppSession): Promise<void> {
  await gotoApp(s, '/');
  await step(s, 'waiting for the first-run screen', () => s.page.getByTestId('first-run').waitFor({ state: 'visible', timeout: 20_000 }));
  await s.page.getByTestId('first-run-demo').click();
  await step(s, 'waiting for /dashboard after "Load demo dataset"', () => s.page.waitForURL(/\/dashboard$/, { timeout: 20_000 }));
  await step(s, 'waiting for the demo price chart', () =>
    s.page.locator('section[data-testid="panel-price"] .uplot canvas').first().waitFor({ state: 'visible', timeout: 60_000 }),
  );
}

export function formatErrors(errors: readonly string[]): string {
  return errors.length === 0 ? 'no errors' : errors.join('\n');
}
