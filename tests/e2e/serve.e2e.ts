/** scripts/serve.mjs over real HTTP against the built dist/ (no browser needed). */
import { readdirSync } from 'node:fs';
import { get } from 'node:http';
import { resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { baseUrl } from './support/browser';

const DIST = inject('distDir');

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: number;
}

function raw(path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolveGet, reject) => {
    get(new URL(path, baseUrl()), { headers }, (res) => {
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
      });
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, headers: res.headers, bytes }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

function findFile(dir: string, ext: string): string | undefined {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = resolve(dir, e.name);
    if (e.isDirectory()) {
      const hit = findFile(p, ext);
      if (hit) return hit;
    } else if (e.name.endsWith(ext)) return p;
  }
  return undefined;
}

describe('scripts/serve.mjs', () => {
  it('serves index.html without letting it be cached unchecked', async () => {
    const r = await raw('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('falls back to index.html for client-side routes but 404s missing assets', async () => {
    for (const path of ['/dashboard', '/logs', '/no/such/route']) {
      const r = await raw(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toMatch(/^text\/html/);
    }
    expect((await raw('/assets/does-not-exist.js')).status).toBe(404);
    expect((await raw('/missing.wasm')).status).toBe(404);
  });

  it('serves the service worker fresh and as JavaScript', async () => {
    const r = await raw('/sw.js');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/javascript/);
    expect(r.headers['cache-control']).toBe('no-cache');
  });

  it('uses the right MIME types for wasm and the web manifest', async () => {
    const wasm = findFile(DIST, '.wasm');
    expect(wasm, 'a .wasm file in dist/').toBeDefined();
    const wasmPath = `/${wasm!.slice(DIST.length + 1).split('\\').join('/')}`;
    const w = await raw(wasmPath);
    expect(w.status).toBe(200);
    expect(w.headers['content-type']).toBe('application/wasm');
    const m = await raw('/manifest.webmanifest');
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^application\/manifest\+json/);
  });

  it('gzips compressible responses only when the client accepts gzip', async () => {
    const js = findFile(resolve(DIST, 'assets'), '.js');
    expect(js).toBeDefined();
    const path = `/assets/${js!.slice(resolve(DIST, 'assets').length + 1)}`;
    const plain = await raw(path);
    const zipped = await raw(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.bytes).toBeLessThan(plain.bytes);
    expect(plain.headers['cache-control']).toMatch(/immutable/);
  });

  it('refuses paths that escape the served folder', async () => {
    const r = await raw('/..%2f..%2fpackage.json');
    expect([400, 404]).toContain(r.status);
  });
});
