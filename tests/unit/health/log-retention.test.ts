import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { LOG_RETENTION } from '../../../src/engine/contracts';
import { openQeDb } from '../../../src/storage/db';
import { LogBus } from '../../../src/storage/log/bus';
import { countLogs, dbLogSink, queryLogs } from '../../../src/storage/log/store';

const DAY = 86_400_000;

describe('log retention through the bus', () => {
  it('a burst beyond 10,000 records never leaves more than 10,000 stored; the oldest go first', async () => {
    const db = await openQeDb(new IDBFactory());
    let t = 1_000_000;
    const bus = new LogBus({ now: () => t, maxBatch: 500, flushDelayMs: 10 });
    bus.configure({ level: 'INFO', sink: dbLogSink(db) });
    const log = bus.logger('burst');
    for (let i = 0; i < 10_700; i++) {
      t += 1;
      log.info(`record ${i}`);
    }
    await bus.flush();
    expect(await countLogs(db)).toBe(LOG_RETENTION.maxEntries);
    const newest = await queryLogs(db, { limit: 1 });
    expect(newest[0].message).toBe('record 10699');
    const oldest = (await queryLogs(db, { limit: LOG_RETENTION.maxEntries })).at(-1);
    expect(oldest?.message).toBe('record 700');
    db.close();
  });

  it('records older than 7 days (relative to the newest batch) are pruned on write', async () => {
    const db = await openQeDb(new IDBFactory());
    let t = 10 * DAY;
    const bus = new LogBus({ now: () => t, flushDelayMs: 10 });
    bus.configure({ sink: dbLogSink(db) });
    const log = bus.logger('age');
    log.info('old');
    await bus.flush();
    t += 7 * DAY - 1;
    log.info('within 7 days');
    await bus.flush();
    expect((await queryLogs(db)).map((e) => e.message)).toEqual(['within 7 days', 'old']);
    t += 2;
    log.info('now');
    await bus.flush();
    expect((await queryLogs(db)).map((e) => e.message)).toEqual(['now', 'within 7 days']);
    db.close();
  });
});
