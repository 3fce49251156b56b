#!/usr/bin/env node
// Finds the Chromium that the end-to-end tests and the browser bench drive (Playwright cannot
// download its own browsers on these machines). Looks at CHROME_PATH, then the Debian/Ubuntu
// and Chrome locations. If none is there and we are root with apt-get, installs Debian's
// `chromium` package; otherwise exits 1 saying how to install it. Prints the path it found.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first usable browser binary, or null. A CHROME_PATH that is set but unusable is an error. */
export function findChromium(env = process.env) {
  if (env.CHROME_PATH) {
    if (!executable(env.CHROME_PATH)) throw new Error(`CHROME_PATH=${env.CHROME_PATH} is not an executable file`);
    return env.CHROME_PATH;
  }
  return CHROMIUM_CANDIDATES.find(executable) ?? null;
}

function hasAptGet() {
  return spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

function run(cmd, args) {
  console.log(`ensure-chromium: running ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

const HOW_TO = [
  'Install Chromium, then run the tests again:',
  '  Debian/Ubuntu:  sudo apt-get update && sudo apt-get install -y chromium',
  '  elsewhere:      install Chromium or Chrome and set CHROME_PATH=/path/to/chrome',
].join('\n');

export function ensureChromium() {
  let path = findChromium();
  if (!path) {
    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    if (!isRoot || !hasAptGet()) {
      throw new Error(`no Chromium found (looked at CHROME_PATH, ${CHROMIUM_CANDIDATES.join(', ')}).\n${HOW_TO}`);
    }
    console.log('ensure-chromium: no Chromium found; installing Debian package "chromium" with apt-get');
    run('apt-get', ['update']);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'chromium']);
    path = findChromium();
    if (!path) throw new Error(`apt-get installed "chromium" but none of ${CHROMIUM_CANDIDATES.join(', ')} exists.\n${HOW_TO}`);
  }
  return path;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    const path = ensureChromium();
    let version = '';
    try {
      version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 }).trim();
    } catch (e) {
      throw new Error(`${path} --version failed: ${e.message}`);
    }
    console.log(`ensure-chromium: using ${path} (${version})`);
  } catch (e) {
    console.error(`ensure-chromium: ${e.message}`);
    process.exit(1);
  }
}
