import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { IDBFactory } from 'fake-indexeddb';
import type { Bars } from '../../../src/engine/contracts';
import { openQeDb, type QeDb } from '../../../src/storage/db';
import type { DatasetInput } from '../../../src/storage/datasets';

/** A fresh, isolated database per test. */
export function freshDb(): Promise<QeDb> {
  return openQeDb(new IDBFactory());
}

export function makeBars(n: number, start = Date.UTC(2020, 0, 1), seed = 1): Bars {
  const cols = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  let p = 100 + seed;
  for (let i = 0; i < n; i++) {
    cols.ts[i] = start + i * 86_400_000;
    p *= 1 + Math.sin(i * 0.7 + seed) * 0.01;
    cols.open[i] = p;
    cols.high[i] = p * 1.01;
    cols.low[i] = p * 0.99;
    cols.close[i] = p * (1 + Math.cos(i) * 0.002);
    cols.volume[i] = 1_000_000 + i * seed;
  }
  return cols;
}

export function input(ticker: string, bars: Bars, over: Partial<DatasetInput> = {}): DatasetInput {
  return { ticker, timeframe: '1d', origin: 'file', source: `${ticker}.csv`, bars, quality: 'pass', storedAt: '2024-05-01T00:00:00.000Z', ...over };
}

/** The real SPY daily series shipped with the project's shared data. */
export function realSpyBars(): Bars {
  const text = readFileSync(new URL('../../../../shared/data/real/daily/SPY_crsp_84398.csv', import.meta.url), 'utf8');
  const lines = text.trim().split('\n');
  const header = lines[0].split(',');
  const idx = (name: string) => header.indexOf(name);
  const n = lines.length - 1;
  const bars: Bars = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const f = lines[i + 1].split(',');
    bars.ts[i] = Date.parse(`${f[idx('date')]}T00:00:00Z`);
    bars.open[i] = f[idx('open')] === '' ? Number.NaN : Number(f[idx('open')]);
    bars.high[i] = f[idx('high')] === '' ? Number.NaN : Number(f[idx('high')]);
    bars.low[i] = f[idx('low')] === '' ? Number.NaN : Number(f[idx('low')]);
    bars.close[i] = Number(f[idx('close')]);
    bars.volume[i] = Number(f[idx('volume')]);
  }
  return bars;
}

export function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/**
 * Wraps a database so `put` on one store fails with QuotaExceededError after `okPuts` puts
 * on that store succeeded — a disk filling up in the middle of a write.
 */
export function quotaAfter(db: QeDb, store: string, okPuts: number, mode: 'request' | 'abort' = 'request'): QeDb {
  let puts = 0;
  const quota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  const wrapStore = <T extends object>(s: T): T =>
    new Proxy(s, {
      get(target, prop, receiver) {
        if (prop === 'put') {
          return (...args: unknown[]) => {
            puts++;
            if (puts > okPuts) {
              if (mode === 'request') return Promise.reject(quota());
              // The browser aborts the whole transaction: the request fails with AbortError and
              // the transaction's error (its `done`) is the QuotaExceededError.
              const pending = (Reflect.get(target, prop, receiver) as (...a: unknown[]) => Promise<unknown>).apply(target, args);
              (target as unknown as { transaction: { abort(): void } }).transaction.abort();
              return pending;
            }
            return (Reflect.get(target, prop, receiver) as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  const wrapTx = <T extends object>(tx: T): T =>
    new Proxy(tx, {
      get(target, prop, receiver) {
        if (prop === 'done' && mode === 'abort') {
          return (Reflect.get(target, prop, receiver) as Promise<void>).catch(() => {
            throw quota();
          });
        }
        if (prop === 'objectStore') {
          return (name: string) => {
            const s = (target as unknown as { objectStore(n: string): object }).objectStore(name);
            return name === store ? wrapStore(s) : s;
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === 'transaction') {
        return (...args: unknown[]) => wrapTx((target.transaction as (...a: unknown[]) => object).apply(target, args));
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}
