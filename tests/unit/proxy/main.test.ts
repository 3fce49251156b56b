import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { proxyHealthSchema } from '../../../src/engine/contracts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function run(args: string[], env: Record<string, string> = {}): { child: ChildProcess; out: string[]; err: string[]; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/proxy/main.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const out: string[] = [];
  const err: string[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b.toString()));
  child.stderr?.on('data', (b: Buffer) => err.push(b.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, out, err, exit };
}

async function waitFor<T>(probe: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms`);
}

describe('npm run proxy (src/proxy/main.ts)', () => {
  it('starts on a loopback port, answers /health, logs JSON lines and stops on SIGTERM', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'qe-proxy-main-'));
    dirs.push(cacheDir);
    const p = run(['--port', '0', '--cache-dir', cacheDir]);
    const listening = await waitFor(() => {
      for (const line of p.out.join('').split('\n')) {
        if (line.includes('"msg":"listening"')) return JSON.parse(line) as { url: string; kalshiSigning: boolean };
      }
      return undefined;
    }, 15_000);
    expect(listening.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(listening.kalshiSigning).toBe(false);
    const health = proxyHealthSchema(await (await fetch(`${listening.url}/health`)).json());
    expect(health.upstreams).toEqual({
      yahoo: 'https://query1.finance.yahoo.com',
      stooq: 'https://stooq.com',
      kalshi: 'https://api.elections.kalshi.com/trade-api/v2',
    });
    expect(health.cache).toEqual({ entries: 0, bytes: 0 });
    p.child.kill('SIGTERM');
    expect(await p.exit).toBe(0);
    const requestLine = p.out
      .join('')
      .split('\n')
      .filter((l) => l.includes('"msg":"request"'))
      .map((l) => JSON.parse(l));
    expect(requestLine).toEqual([expect.objectContaining({ method: 'GET', route: 'health', status: 200 })]);
  });

  it('refuses unsafe configuration and unknown options with exit code 2', async () => {
    const loop = run(['--yahoo-base', 'http://127.0.0.1:9']);
    const host = run(['--host', '0.0.0.0']);
    const unknown = run(['--allow-loopback-upstreams']);
    const help = run(['--help']);
    expect(await loop.exit).toBe(2);
    expect(loop.err.join('')).toContain('upstream yahoo');
    expect(await host.exit).toBe(2);
    expect(host.err.join('')).toContain('only listens on loopback');
    expect(await unknown.exit).toBe(2);
    expect(unknown.err.join('')).toContain('unknown option --allow-loopback-upstreams');
    expect(await help.exit).toBe(0);
    expect(help.out.join('')).toContain('--kalshi-key-file');
  });
});
