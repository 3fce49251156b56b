#!/usr/bin/env node
// `npm run bench`: engine stage timings (`qe bench`, Node) plus browser figures measured on
// the built app in headless Chromium, written together to bench-results/bench.json.
//
//   node scripts/bench.mjs [--skip-build] [--skip-node] [--skip-browser] [--loads N]
//
// Browser figures:
// - initial JavaScript of /dashboard on a fresh profile before any user action: every script
//   and worker JS response the page loads until the shell is ready and the network is idle
//   (service-worker precache downloads excluded), each body gzipped at level 9, summed
//   (also reported for a profile that skipped the first-run screen, where the Dashboard page
//   itself loads: `initialJsOnboarded`, informational);
// - navigation start → shell interactive: the app's `qe:interactive` performance mark, median
//   of N cold loads, each in a fresh browser context.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ensureChromium } from './ensure-chromium.mjs';
import { startServer } from './serve.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT_DIR = resolve(ROOT, 'bench-results');
// Its own build folder, so a concurrent `npm run build` cannot swap files mid-measurement.
const BENCH_DIST = resolve(ROOT, '.cache/bench-dist');
const TARGETS = { initialJsGzipBytes: 200 * 1024, interactiveMs: 1000 };
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function parseCli(argv) {
  const opts = { build: true, node: true, browser: true, loads: 5 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--skip-build') opts.build = false;
    else if (a === '--skip-node') opts.node = false;
    else if (a === '--skip-browser') opts.browser = false;
    else if (a === '--loads') opts.loads = Number(argv[++i]);
    else throw new Error(`unknown option ${a} (use --skip-build, --skip-node, --skip-browser, --loads N)`);
  }
  if (!Number.isInteger(opts.loads) || opts.loads < 1) throw new Error('--loads needs a positive integer');
  return opts;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function runNodeStages() {
  const out = resolve(OUT_DIR, 'node.json');
  console.log('\n=== engine stages: npx qe bench --out bench-results/node.json');
  const r = spawnSync('npx', ['qe', 'bench', '--out', out], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) return { error: `qe bench exited with ${r.status ?? r.signal}` };
  if (!existsSync(out)) return { error: 'qe bench wrote no bench-results/node.json' };
  return JSON.parse(readFileSync(out, 'utf8'));
}

function build() {
  console.log(`\n=== vite build --outDir ${BENCH_DIST}`);
  const vite = resolve(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', BENCH_DIST, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`vite build exited with ${r.status ?? r.signal}`);
}

function isJavaScript(response) {
  const type = response.request().resourceType();
  const ct = response.headers()['content-type'] ?? '';
  const path = new URL(response.url()).pathname;
  return type === 'script' || /javascript/.test(ct) || /\.m?js$/.test(path);
}

/**
 * Initial JS of a /dashboard load, gzipped per file at level 9. `onboarded`: the profile first
 * made the first-run choice "Skip" (so the Dashboard page itself loads), then the page reloads.
 */
async function measureInitialJs(browser, url, { onboarded = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const seen = [];
  let collecting = !onboarded;
  if (onboarded) {
    const first = await context.newPage();
    await first.goto(new URL('/dashboard', url).href, { waitUntil: 'load' });
    await first.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 60_000 });
    await first.getByTestId('first-run-skip').click();
    await first.getByTestId('first-run').waitFor({ state: 'detached' });
    await first.close();
    collecting = true;
  }
  context.on('response', (response) => {
    if (!collecting) return;
    // Precache downloads by the service worker are not what the page needed to start.
    if (response.request().serviceWorker()) return;
    if (response.status() !== 200 || !isJavaScript(response)) return;
    seen.push(
      response.body().then(
        (body) => ({ url: new URL(response.url()).pathname, rawBytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length }),
        (e) => ({ url: new URL(response.url()).pathname, error: e.message }),
      ),
    );
  });
  const page = await context.newPage();
  await page.goto(new URL('/dashboard', url).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 60_000 });
  await page.waitForLoadState('networkidle');
  const files = await Promise.all(seen);
  await context.close();
  const failed = files.filter((f) => f.error);
  if (failed.length > 0) throw new Error(`could not read response bodies: ${failed.map((f) => `${f.url}: ${f.error}`).join('; ')}`);
  const unique = [...new Map(files.map((f) => [f.url, f])).values()].sort((a, b) => b.gzipBytes - a.gzipBytes);
  return {
    gzipBytes: unique.reduce((s, f) => s + f.gzipBytes, 0),
    rawBytes: unique.reduce((s, f) => s + f.rawBytes, 0),
    files: unique,
  };
}

/** navigationStart → qe:interactive of one cold load in a fresh context. */
async function measureInteractive(browser, url) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(new URL('/dashboard', url).href, { waitUntil: 'load' });
  await page.waitForFunction(() => document.documentElement.dataset.ready === '1', undefined, { timeout: 60_000 });
  const ms = await page.evaluate(() => performance.getEntriesByName('qe:interactive')[0]?.startTime ?? null);
  await context.close();
  if (ms === null) throw new Error('the app set dataset.ready but recorded no performance mark "qe:interactive"');
  return Math.round(ms * 10) / 10;
}

async function runBrowser(opts) {
  if (opts.build) build();
  if (!existsSync(resolve(BENCH_DIST, 'index.html'))) throw new Error(`${BENCH_DIST}/index.html missing: run without --skip-build`);
  const chromePath = ensureChromium();
  const { chromium } = await import('playwright-core');
  const { server, url } = await startServer({ root: BENCH_DIST, port: 0 });
  const browser = await chromium.launch({ executablePath: chromePath, headless: true, args: LAUNCH_ARGS });
  try {
    console.log(`\n=== browser: ${chromePath} (${browser.version()}) against ${url}`);
    const initialJs = await measureInitialJs(browser, url);
    console.log(`initial JS (fresh profile): ${initialJs.gzipBytes} B gzip in ${initialJs.files.length} files`);
    const initialJsOnboarded = await measureInitialJs(browser, url, { onboarded: true });
    console.log(`initial JS (onboarded, empty Dashboard): ${initialJsOnboarded.gzipBytes} B gzip in ${initialJsOnboarded.files.length} files`);
    const runs = [];
    for (let i = 0; i < opts.loads; i++) {
      runs.push(await measureInteractive(browser, url));
      console.log(`cold load ${i + 1}/${opts.loads}: interactive at ${runs[i]} ms`);
    }
    return { chromium: browser.version(), initialJs, initialJsOnboarded, interactiveMs: { median: median(runs), runs } };
  } finally {
    await browser.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

async function main() {
  const opts = parseCli(process.argv.slice(2));
  mkdirSync(OUT_DIR, { recursive: true });
  const report = {
    generatedAt: new Date().toISOString(),
    machine: { node: process.version, platform: `${process.platform}-${process.arch}`, cpus: cpus().length },
    targets: TARGETS,
  };
  let failed = false;
  if (opts.node) {
    report.node = runNodeStages();
    if (report.node.error) failed = true;
  }
  if (opts.browser) {
    try {
      report.browser = await runBrowser(opts);
      report.pass = {
        initialJs: report.browser.initialJs.gzipBytes <= TARGETS.initialJsGzipBytes,
        interactive: report.browser.interactiveMs.median < TARGETS.interactiveMs,
      };
    } catch (e) {
      report.browser = { error: e.message };
      failed = true;
    }
  }
  const text = `${JSON.stringify(report, null, 2)}\n`;
  writeFileSync(resolve(OUT_DIR, 'bench.json'), text);
  console.log(`\n=== bench-results/bench.json\n${text}`);
  if (failed) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`bench: ${e.stack ?? e}`);
  process.exit(1);
});
