/**
 * Service-worker update while the app is open (issue #11 item 4): a second version is put
 * into the served folder; the open app keeps running the first version (no mix of old and
 * new files), shows the update prompt, and "Reload" switches every open page to the new one.
 * Served from a private copy of the build so swapping files cannot disturb other tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatErrors, step, useBrowser, waitReady } from './support/browser';

const session = useBrowser();
const ROOT = resolve(import.meta.dirname, '../..');
const BUILT = resolve(ROOT, process.env.QE_E2E_DIST ?? '.cache/e2e-dist');

let dir: string;
let server: ChildProcess | undefined;
let origin = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qe-sw-update-'));
  cpSync(BUILT, dir, { recursive: true });
  server = spawn(process.execPath, [resolve(ROOT, 'scripts/serve.mjs'), '--root', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  origin = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`serve.mjs did not start: ${out}`)), 20_000);
    server?.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /running at (http:\/\/[^\s/]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    server?.once('exit', (code) => fail(new Error(`serve.mjs exited with ${code}: ${out}`)));
  });
});

afterAll(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** The build id this page runs: the `qe-build` meta of the index.html it was served (absent = version A). */
const buildOf = (page: Page) => page.evaluate(() => document.querySelector('meta[name="qe-build"]')?.getAttribute('content') ?? 'A');

const swState = (page: Page) =>
  page.evaluate(async () => {
    const reg = await navigator.serviceWorker.getRegistration();
    return { active: reg?.active?.state ?? null, waiting: reg?.waiting?.state ?? null, controlled: navigator.serviceWorker.controller !== null };
  });

/** Publishes version B into the served folder: a changed index.html and the service worker listing its new revision. */
function publishVersionB(): void {
  const indexPath = join(dir, 'index.html');
  const index = readFileSync(indexPath, 'utf8');
  writeFileSync(indexPath, index.replace('<head>', '<head><meta name="qe-build" content="B">'));
  const swPath = join(dir, 'sw.js');
  const sw = readFileSync(swPath, 'utf8');
  const m = /url:"index\.html",revision:"([0-9a-f]+)"/.exec(sw);
  if (!m) throw new Error('sw.js has no precache entry for index.html (the build changed shape?)');
  writeFileSync(swPath, sw.replace(m[0], `url:"index.html",revision:"${m[1].slice(0, -6)}b0b0b0"`));
}

describe('service worker update while the app is open', () => {
  it('prompts, keeps the open version consistent until Reload, then runs the new version everywhere', { timeout: 240_000 }, async () => {
    const s = await session();
    const { page } = s;
    await page.goto(`${origin}/dashboard`);
    await waitReady(page);
    await step(s, 'skipping first run', async () => {
      await page.getByTestId('first-run').waitFor({ state: 'visible', timeout: 20_000 });
      await page.getByTestId('first-run-skip').click();
    });
    await step(s, 'waiting for the first service worker to activate', () =>
      expect.poll(async () => (await swState(page)).active, { timeout: 120_000, interval: 500 }).toBe('activated'),
    );
    if (!(await swState(page)).controlled) {
      await page.reload();
      await waitReady(page);
    }
    expect(await swState(page)).toMatchObject({ controlled: true, waiting: null });
    expect(await buildOf(page)).toBe('A');
    // A second tab of the same version.
    const tab2 = await s.context.newPage();
    await tab2.goto(`${origin}/data-explorer`);
    await waitReady(tab2);

    publishVersionB();
    // A navigation makes the browser check for a new service worker.
    await page.reload();
    await waitReady(page);
    const prompt = page.getByTestId('update-prompt');
    await step(s, 'waiting for the update prompt', () => prompt.waitFor({ state: 'visible', timeout: 60_000 }));
    expect(await prompt.textContent()).toContain('A new version of Quant Engine is available');
    expect((await swState(page)).waiting).toBe('installed');
    // Until the user reloads, both tabs run version A — even though index.html on the server is B.
    expect(await buildOf(page)).toBe('A');
    await page.goto(`${origin}/system-health`);
    await waitReady(page);
    expect(await buildOf(page)).toBe('A');
    expect(await buildOf(tab2)).toBe('A');
    await step(s, 'waiting for the update prompt after navigating', () => prompt.waitFor({ state: 'visible', timeout: 30_000 }));

    // Reload: the new worker takes over and every controlled page reloads into version B.
    const reloaded2 = tab2.waitForEvent('load', { timeout: 60_000 });
    await Promise.all([page.waitForEvent('load', { timeout: 60_000 }), prompt.getByRole('button', { name: 'Reload' }).click()]);
    await waitReady(page);
    expect(await buildOf(page)).toBe('B');
    expect(await swState(page)).toMatchObject({ active: 'activated', waiting: null, controlled: true });
    expect(await page.getByTestId('update-prompt').count()).toBe(0);
    // The other open tab reloads itself into B as well: no page keeps running A under the new worker.
    await reloaded2;
    await waitReady(tab2);
    expect(await buildOf(tab2)).toBe('B');
    expect(s.errors, formatErrors(s.errors)).toEqual([]);
  });
});
