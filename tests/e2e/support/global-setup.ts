/**
 * E2E global setup: build the app once (`vite build` into .cache/e2e-dist; skipped when
 * QE_E2E_SKIP_BUILD=1 and that build exists), start scripts/serve.mjs on a free port, find Chromium, and provide the base URL
 * and browser path to the tests. The teardown stops the server.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_CANDIDATES } from './provided';

const ROOT = resolve(import.meta.dirname, '../../..');
/**
 * The suite builds into its own folder, not dist/: other builds in the same work tree (a
 * developer's `npm run build`) must not swap files under a running test, and a test run must not
 * replace the developer's dist/.
 */
// QE_E2E_DIST lets parallel runs (several engineers on one machine) build into their own folder.
export const E2E_DIST = resolve(ROOT, process.env.QE_E2E_DIST ?? '.cache/e2e-dist');

function findChromium(): string {
  const candidates = process.env.CHROME_PATH ? [process.env.CHROME_PATH] : CHROMIUM_CANDIDATES;
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not this one; try the next candidate
    }
  }
  throw new Error(`no Chromium at ${candidates.join(', ')}: run \`node scripts/ensure-chromium.mjs\` (installs it with apt-get as root)`);
}

function build(): void {
  if (process.env.QE_E2E_SKIP_BUILD === '1' && existsSync(resolve(E2E_DIST, 'index.html'))) {
    console.log(`[e2e] QE_E2E_SKIP_BUILD=1: using the existing ${E2E_DIST}`);
    return;
  }
  const t0 = Date.now();
  const vite = resolve(ROOT, 'node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', E2E_DIST, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
    // Vitest sets NODE_ENV=test, which would make this a non-production build (no service worker).
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`vite build failed (exit ${r.status ?? r.signal}); the e2e tests need a built app`);
  console.log(`[e2e] vite build done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, [resolve(ROOT, 'scripts/serve.mjs'), '--root', E2E_DIST, '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`scripts/serve.mjs did not report its URL within 30 s; output:\n${out}`));
    }, 30_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ child, url: m[1] });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      process.stderr.write(`[serve] ${chunk}`);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scripts/serve.mjs exited with ${code} before serving; output:\n${out}`));
    });
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chromePath = findChromium();
  build();
  const { child, url } = await startServer();
  console.log(`[e2e] serving ${E2E_DIST} at ${url}; browser ${chromePath}`);
  project.provide('baseUrl', url);
  project.provide('distDir', E2E_DIST);
  project.provide('chromePath', chromePath);
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
}
