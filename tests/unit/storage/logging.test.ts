import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOG_RETENTION, type LogEntry } from '../../../src/engine/contracts';
import { LogBus, type LogSink } from '../../../src/storage/log/bus';
import { appendLogs, countLogs, dbLogSink, pruneLogs, queryLogs } from '../../../src/storage/log/store';
import * as logging from '../../../src/storage/log';
import { freshDb } from './helpers';

function memorySink(): LogSink & { batches: LogEntry[][] } {
  const batches: LogEntry[][] = [];
  return { batches, write: async (e) => void batches.push(e) };
}

function counterTraces(): () => string {
  let i = 0;
  return () => `trace-${++i}`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LogBus', () => {
  it('filters by level, stamps time, and gives every ERROR/CRITICAL a trace id', () => {
    const bus = new LogBus({ now: () => 1000, newTraceId: counterTraces() });
    const log = bus.logger('worker.compute');
    expect(log.debug('hidden')).toBeNull();
    expect(log.info('hello', { jobId: 'j1', context: { n: 1 } })).toEqual({
      ts: 1000,
      level: 'INFO',
      logger: 'worker.compute',
      message: 'hello',
      jobId: 'j1',
      context: { n: 1 },
    });
    expect(log.warning('w')?.traceId).toBeUndefined();
    expect(log.error('e1')?.traceId).toBe('trace-1');
    expect(log.critical('c1')?.traceId).toBe('trace-2');
    expect(log.error('e2', { traceId: 'given' })?.traceId).toBe('given');
    expect(log.child('selftest').info('x')?.logger).toBe('worker.compute.selftest');
    bus.configure({ level: 'DEBUG' });
    expect(log.debug('shown')?.level).toBe('DEBUG');
    expect(bus.recent().map((e) => e.message)).toEqual(['hello', 'w', 'e1', 'c1', 'e2', 'x', 'shown']);
  });

  it('puts an error’s name, message and stack in the context', () => {
    const bus = new LogBus({ newTraceId: counterTraces() });
    const e = bus.logger('t').error('failed', { error: new TypeError('bad thing'), context: { file: 'a.csv' } });
    expect(e?.context?.file).toBe('a.csv');
    expect(e?.context?.errorName).toBe('TypeError');
    expect(e?.context?.errorMessage).toBe('bad thing');
    expect(String(e?.context?.stack)).toContain('TypeError: bad thing');
  });

  it('keeps only the newest 500 records in the live ring', () => {
    const bus = new LogBus();
    const log = bus.logger('t');
    for (let i = 0; i < 1234; i++) log.info(`m${i}`);
    const recent = bus.recent();
    expect(recent).toHaveLength(LOG_RETENTION.liveRing);
    expect(recent[0].message).toBe('m734');
    expect(recent[499].message).toBe('m1233');
  });

  it('configure is idempotent: a second call never adds a sink or drops records', async () => {
    vi.useFakeTimers();
    const bus = new LogBus({ flushDelayMs: 100 });
    const a = memorySink();
    const b = memorySink();
    bus.logger('t').info('before configure');
    expect(bus.configure({ level: 'INFO', sink: a })).toBe(true);
    expect(bus.configure({ level: 'INFO', sink: b })).toBe(false);
    expect(bus.configure({ level: 'WARNING' })).toBe(false);
    bus.logger('t').info('filtered out');
    bus.logger('t').warning('kept');
    await vi.advanceTimersByTimeAsync(100);
    expect(a.batches.flat().map((e) => e.message)).toEqual(['before configure', 'kept']);
    expect(b.batches).toEqual([]);
    expect(bus.recent().map((e) => e.message)).toEqual(['before configure', 'kept']);
  });

  it('batches persistence: one write per delay window, or at once when the batch is full', async () => {
    vi.useFakeTimers();
    const sink = memorySink();
    const bus = new LogBus({ flushDelayMs: 1000, maxBatch: 5 });
    bus.configure({ sink });
    const log = bus.logger('t');
    log.info('1');
    log.info('2');
    await vi.advanceTimersByTimeAsync(999);
    expect(sink.batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(sink.batches.map((b) => b.length)).toEqual([2]);
    for (let i = 0; i < 5; i++) log.info(`b${i}`);
    await vi.advanceTimersByTimeAsync(0);
    expect(sink.batches.map((b) => b.length)).toEqual([2, 5]);
  });

  it('reports a failing sink in the live view instead of losing it silently', async () => {
    const bus = new LogBus({ now: () => 5 });
    bus.configure({ sink: { write: () => Promise.reject(new Error('disk full')) } });
    bus.logger('t').info('a');
    await bus.flush();
    expect(bus.persistFailures).toBe(1);
    expect(bus.recent().at(-1)).toMatchObject({ level: 'WARNING', logger: 'storage.logs', message: 'could not persist 1 log records: disk full' });
  });

  it('notifies subscribers until they unsubscribe; forwarded records keep their time', () => {
    const bus = new LogBus({ now: () => 50 });
    const seen: string[] = [];
    const off = bus.subscribe((e) => seen.push(`${e.ts}:${e.message}`));
    bus.logger('t').info('a');
    bus.ingest({ ts: 7, level: 'INFO', logger: 'worker.compute', message: 'from worker' });
    off();
    bus.logger('t').info('b');
    expect(seen).toEqual(['50:a', '7:from worker']);
  });

  it('in forward (worker) mode posts records instead of keeping them', () => {
    const bus = new LogBus({ newTraceId: () => 'w-trace' });
    const posted: LogEntry[] = [];
    bus.forwardTo((e) => posted.push(e));
    bus.logger('worker.compute').error('crash');
    expect(posted).toHaveLength(1);
    expect(posted[0].traceId).toBe('w-trace');
    expect(bus.recent()).toEqual([]);
  });
});

describe('module-level logging', () => {
  it('does not configure anything on import and configures only once', () => {
    expect(logging.logBus.isConfigured()).toBe(false);
    expect(logging.logBus.getLevel()).toBe('INFO');
    const sink = memorySink();
    expect(logging.configureLogging({ level: 'DEBUG', persist: sink })).toBe(true);
    expect(logging.configureLogging({ level: 'DEBUG', persist: sink })).toBe(false);
    expect(logging.getLogger('ui.x').debug('d')?.level).toBe('DEBUG');
    expect(logging.recentLogs().at(-1)?.message).toBe('d');
  });
});

describe('persisted log store', () => {
  const entry = (ts: number, message = `m${ts}`): LogEntry => ({ ts, level: 'INFO', logger: 't', message });

  it('appends through the sink and queries newest first with filters', async () => {
    const db = await freshDb();
    const sink = dbLogSink(db);
    await sink.write([entry(1), { ...entry(2), level: 'ERROR', traceId: 'tr', jobId: 'j' }, entry(3)]);
    expect((await queryLogs(db)).map((e) => e.ts)).toEqual([3, 2, 1]);
    expect(await queryLogs(db, { traceId: 'tr' })).toEqual([{ ts: 2, level: 'ERROR', logger: 't', message: 'm2', traceId: 'tr', jobId: 'j' }]);
    expect((await queryLogs(db, { sinceTs: 2 })).map((e) => e.ts)).toEqual([3, 2]);
    expect((await queryLogs(db, { levels: ['INFO'], limit: 1 })).map((e) => e.ts)).toEqual([3]);
    db.close();
  });

  it('prunes by age (7 days)', async () => {
    const db = await freshDb();
    const day = 86_400_000;
    const now = 100 * day;
    await appendLogs(db, [entry(now - 8 * day), entry(now - 7 * day - 1), entry(now - 7 * day), entry(now - day)]);
    expect(await pruneLogs(db, now)).toBe(2);
    expect((await queryLogs(db)).map((e) => e.ts)).toEqual([now - day, now - 7 * day]);
    db.close();
  });

  it('prunes by count, deleting the oldest first, whichever limit is smaller', async () => {
    const db = await freshDb();
    const now = 1_000_000;
    await appendLogs(db, Array.from({ length: 30 }, (_, i) => entry(now - 30 + i)));
    expect(await pruneLogs(db, now, { maxEntries: 10, maxAgeMs: 1e9 })).toBe(20);
    expect(await countLogs(db)).toBe(10);
    expect((await queryLogs(db)).at(-1)?.ts).toBe(now - 10);
    // age is the tighter limit here
    expect(await pruneLogs(db, now, { maxEntries: 10, maxAgeMs: 5 })).toBe(5);
    expect(await countLogs(db)).toBe(5);
    db.close();
  });

  it('the default retention caps the store at 10,000 records', async () => {
    const db = await freshDb();
    const now = 5_000_000;
    await appendLogs(db, Array.from({ length: 10_050 }, (_, i) => entry(now - 20_000 + i)));
    expect(await pruneLogs(db, now)).toBe(50);
    expect(await countLogs(db)).toBe(LOG_RETENTION.maxEntries);
    db.close();
  });

  it('startLogRetention prunes now and hourly, with one timer however often it is called', async () => {
    // Only intervals are faked: fake-indexeddb schedules its own work with setImmediate/setTimeout.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const db = await freshDb();
    let now = 10_000;
    await appendLogs(db, [entry(1), entry(2)]);
    const opts = { now: () => now, retention: { maxEntries: 100, maxAgeMs: 5_000 } };
    expect(await logging.startLogRetention(db, opts)).toBe(2);
    expect(await logging.startLogRetention(db, opts)).toBe(0);
    expect(vi.getTimerCount()).toBe(1);
    await appendLogs(db, [entry(9_000)]);
    now = 20_000;
    vi.advanceTimersByTime(3_600_000);
    await vi.waitFor(async () => expect(await countLogs(db)).toBe(0));
    logging.stopLogRetention();
    db.close();
  });
});
