import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cacheFileName, DiskCache } from '../../../src/proxy/cache';
import { createLogger } from '../../../src/proxy/log';

let dir: string;
let logs: string[];
const clock = { t: 1_700_000_000_000 };

function makeCache(maxBytes = 1_000_000, maxEntries = 100): DiskCache {
  return new DiskCache({ dir, maxBytes, maxEntries, now: () => clock.t, log: createLogger((l) => logs.push(l), () => clock.t) });
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qe-proxy-cache-'));
  logs = [];
  clock.t = 1_700_000_000_000;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('DiskCache', () => {
  it('stores and returns entries keyed by a hash of the key, leaving no temp files', async () => {
    const c = makeCache();
    await c.init();
    expect(await c.get('https://x.test/a')).toBeNull();
    await c.put('https://x.test/a', 'bars_daily', { data: [1, 2, 3], warnings: ['w'] }, 123);
    const e = await c.get<{ data: number[]; warnings: string[] }>('https://x.test/a');
    expect(e).toEqual({ key: 'https://x.test/a', kind: 'bars_daily', storedAt: 123, value: { data: [1, 2, 3], warnings: ['w'] } });
    const files = await readdir(dir);
    expect(files).toEqual([cacheFileName('https://x.test/a')]);
    expect(files[0]).toMatch(/^[0-9a-f]{64}\.json$/);
    expect(c.stats().entries).toBe(1);
  });

  it('overwrites an entry atomically and keeps the byte count right', async () => {
    const c = makeCache();
    await c.init();
    await c.put('k', 'kalshi_markets', { v: 'a'.repeat(100) }, 1);
    await c.put('k', 'kalshi_markets', { v: 'b'.repeat(10) }, 2);
    expect(c.stats().entries).toBe(1);
    const size = (await stat(join(dir, cacheFileName('k')))).size;
    expect(c.stats().bytes).toBe(size);
    expect((await c.get<{ v: string }>('k'))?.value.v).toBe('b'.repeat(10));
  });

  it('evicts the least recently used entries beyond the byte bound; a hit refreshes recency', async () => {
    const payload = { v: 'x'.repeat(300) };
    const probe = makeCache();
    await probe.init();
    // Same key length and timestamp width as the entries below, so every entry has this size.
    await probe.put('p', 'bars_daily', payload, clock.t);
    const one = probe.stats().bytes;
    await rm(join(dir, cacheFileName('p')));

    const c = makeCache(one * 3 + 10);
    await c.init();
    for (const k of ['a', 'b', 'c']) {
      clock.t += 1000;
      await c.put(k, 'bars_daily', payload, clock.t);
    }
    clock.t += 1000;
    expect(await c.get('a')).not.toBeNull(); // a is now the most recent
    clock.t += 1000;
    await c.put('d', 'bars_daily', payload, clock.t);
    expect(c.stats().entries).toBe(3);
    expect(await c.get('b')).toBeNull();
    expect(await c.get('a')).not.toBeNull();
    expect(await c.get('c')).not.toBeNull();
    expect(await c.get('d')).not.toBeNull();
    expect((await readdir(dir)).length).toBe(3);
  });

  it('bounds the entry count', async () => {
    const c = makeCache(1_000_000, 2);
    await c.init();
    for (const k of ['a', 'b', 'c']) {
      clock.t += 1000;
      await c.put(k, 'kalshi_series', k, clock.t);
    }
    expect(c.stats().entries).toBe(2);
    expect(await c.get('a')).toBeNull();
  });

  it('rebuilds its index from disk, removes leftover temp files and drops corrupt entries', async () => {
    const c1 = makeCache();
    await c1.init();
    await c1.put('keep', 'bars_daily', { ok: true }, 5);
    await c1.put('corrupt', 'bars_daily', { ok: true }, 5);
    await writeFile(join(dir, cacheFileName('corrupt')), '{"v":1,"key":"corrupt","kind":"bars_da', 'utf8');
    await writeFile(join(dir, `${cacheFileName('x')}.123.abc.tmp`), 'partial', 'utf8');
    await writeFile(join(dir, 'README.txt'), 'not ours', 'utf8');

    const c2 = makeCache();
    await c2.init();
    expect(c2.stats().entries).toBe(2);
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
    expect((await c2.get<{ ok: boolean }>('keep'))?.value).toEqual({ ok: true });
    expect(await c2.get('corrupt')).toBeNull();
    expect(c2.stats().entries).toBe(1);
    expect(logs.some((l) => l.includes('cache entry corrupt'))).toBe(true);
    expect(await readdir(dir)).toContain('README.txt');
  });

  it('treats an entry written for another key (hash clash or tampering) as absent', async () => {
    const c = makeCache();
    await c.init();
    await c.put('a', 'bars_daily', 1, 1);
    await writeFile(join(dir, cacheFileName('a')), JSON.stringify({ v: 1, key: 'b', kind: 'bars_daily', storedAt: 1, value: 2 }), 'utf8');
    expect(await c.get('a')).toBeNull();
  });

  it('does not store an entry larger than the whole cache', async () => {
    const c = makeCache(50);
    await c.init();
    await c.put('big', 'bars_daily', 'y'.repeat(100), 1);
    expect(c.stats().entries).toBe(0);
    expect(await readdir(dir)).toEqual([]);
  });
});
