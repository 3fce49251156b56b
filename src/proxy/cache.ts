import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CacheKind } from './config';
import type { Logger } from './log';

/**
 * On-disk response cache. One JSON file per entry named by the SHA-256 of its key (the
 * normalised upstream URL). Writes are atomic (temp file + rename). Entries outlive their TTL
 * so a copy can be served stale when the upstream fails; the total is bounded by bytes and
 * entry count, evicting the least recently used (file mtime, refreshed on every hit).
 */

export interface CacheEntry<T> {
  key: string;
  kind: CacheKind;
  /** epoch ms when the upstream answered */
  storedAt: number;
  value: T;
}

interface IndexRow {
  bytes: number;
  usedAt: number;
}

export interface DiskCacheOptions {
  dir: string;
  maxBytes: number;
  maxEntries: number;
  now: () => number;
  log: Logger;
}

const FILE_RE = /^[0-9a-f]{64}\.json$/;

export function cacheFileName(key: string): string {
  return `${createHash('sha256').update(key).digest('hex')}.json`;
}

export class DiskCache {
  private readonly index = new Map<string, IndexRow>();
  private bytes = 0;

  constructor(private readonly opts: DiskCacheOptions) {}

  /** Creates the directory, removes interrupted temp files and indexes existing entries. */
  async init(): Promise<void> {
    await mkdir(this.opts.dir, { recursive: true });
    for (const name of await readdir(this.opts.dir)) {
      const path = join(this.opts.dir, name);
      if (name.endsWith('.tmp')) {
        await unlink(path).catch((e: NodeJS.ErrnoException) => this.opts.log.warn('cache temp cleanup failed', { file: name, error: e.code }));
        continue;
      }
      if (!FILE_RE.test(name)) continue;
      const st = await stat(path);
      this.index.set(name, { bytes: st.size, usedAt: st.mtimeMs });
      this.bytes += st.size;
    }
    await this.evict();
  }

  stats(): { entries: number; bytes: number } {
    return { entries: this.index.size, bytes: this.bytes };
  }

  /** The entry for `key` (fresh or not), or null. A hit refreshes its recency. */
  async get<T>(key: string): Promise<CacheEntry<T> | null> {
    const name = cacheFileName(key);
    if (!this.index.has(name)) return null;
    const path = join(this.opts.dir, name);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      this.opts.log.warn('cache read failed', { file: name, error: (e as NodeJS.ErrnoException).code ?? String(e) });
      this.forget(name);
      return null;
    }
    const entry = parseEntry<T>(text, key);
    if (!entry) {
      this.opts.log.warn('cache entry corrupt; removed', { file: name });
      await this.remove(name);
      return null;
    }
    const t = this.opts.now();
    const row = this.index.get(name);
    if (row) row.usedAt = t;
    await utimes(path, t / 1000, t / 1000).catch((e: NodeJS.ErrnoException) =>
      this.opts.log.warn('cache touch failed', { file: name, error: e.code }),
    );
    return entry;
  }

  async put<T>(key: string, kind: CacheKind, value: T, storedAt: number): Promise<void> {
    const name = cacheFileName(key);
    const text = JSON.stringify({ v: 1, key, kind, storedAt, value });
    const bytes = Buffer.byteLength(text);
    if (bytes > this.opts.maxBytes) {
      this.opts.log.warn('cache entry larger than the whole cache; not stored', { kind, bytes });
      return;
    }
    const path = join(this.opts.dir, name);
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
    const t = this.opts.now();
    await utimes(path, t / 1000, t / 1000);
    this.forget(name);
    this.index.set(name, { bytes, usedAt: t });
    this.bytes += bytes;
    await this.evict();
  }

  private forget(name: string): void {
    const row = this.index.get(name);
    if (row) {
      this.bytes -= row.bytes;
      this.index.delete(name);
    }
  }

  private async remove(name: string): Promise<void> {
    this.forget(name);
    await unlink(join(this.opts.dir, name)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') this.opts.log.warn('cache delete failed', { file: name, error: e.code });
    });
  }

  /** Drops least recently used entries until both bounds hold. */
  private async evict(): Promise<void> {
    if (this.bytes <= this.opts.maxBytes && this.index.size <= this.opts.maxEntries) return;
    const rows = [...this.index.entries()].sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [name] of rows) {
      if (this.bytes <= this.opts.maxBytes && this.index.size <= this.opts.maxEntries) break;
      await this.remove(name);
    }
  }
}

function parseEntry<T>(text: string, key: string): CacheEntry<T> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  if (o.v !== 1 || o.key !== key || typeof o.kind !== 'string' || typeof o.storedAt !== 'number' || !('value' in o)) return null;
  return { key, kind: o.kind as CacheKind, storedAt: o.storedAt, value: o.value as T };
}
