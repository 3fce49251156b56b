import { describe, expect, it } from 'vitest';
import type { JobRecord, LogEntry } from '../../../src/engine/contracts';
import { csvField, exportFileName, toCsv } from '../../../src/app/lib/csv';
import { fuzzyFilter, fuzzyScore } from '../../../src/app/lib/fuzzy';
import { applyJobEvent, jobElapsedMs, paramsSummary, sortJobs } from '../../../src/app/lib/jobs';
import { nextKey } from '../../../src/app/lib/keys';
import { appendRing, EMPTY_LOG_FILTER, filterLogs, logsToCsv, logsToJsonl } from '../../../src/app/lib/logs';
import { seriesStats } from '../../../src/app/lib/series';
import { slugify } from '../../../src/app/lib/slug';

describe('fuzzy', () => {
  const labels = ['Go to Dashboard', 'Go to System Health', 'Go to System Logs', 'Load demo dataset', 'Run worker self-test'];
  it('requires characters in order', () => {
    expect(fuzzyScore('dsh', 'Go to Dashboard')).not.toBeNull();
    expect(fuzzyScore('xyz', 'Go to Dashboard')).toBeNull();
    expect(fuzzyScore('hsd', 'Dashboard')).toBeNull();
  });
  it('ranks contiguous word matches first and keeps order for empty query', () => {
    expect(fuzzyFilter(labels, 'logs', (s) => s)[0]).toBe('Go to System Logs');
    expect(fuzzyFilter(labels, 'self', (s) => s)).toEqual(['Run worker self-test']);
    expect(fuzzyFilter(labels, '', (s) => s)).toEqual(labels);
    expect(fuzzyFilter(labels, 'demo', (s) => s)[0]).toBe('Load demo dataset');
  });
});

describe('csv', () => {
  it('quotes per RFC 4180', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(null)).toBe('');
    expect(toCsv(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n');
  });
  it('names export files', () => {
    expect(exportFileName('logs', 'live view', new Date(2024, 2, 5, 9, 7))).toBe('logs_live-view_20240305-0907.csv');
  });
});

describe('slugify', () => {
  it('kebab-cases titles', () => {
    expect(slugify('Price')).toBe('price');
    expect(slugify('Backtest & Risk')).toBe('backtest-risk');
    expect(slugify('Log Stream (12 entries)')).toBe('log-stream-12-entries');
  });
});

describe('keys', () => {
  it('sequences g + letter within the timeout', () => {
    let r = nextKey({ gAt: null }, 'g', 1000);
    expect(r.action.kind).toBe('none');
    r = nextKey(r.state, 'd', 1500);
    expect(r.action).toEqual({ kind: 'goto', letter: 'd' });
    r = nextKey({ gAt: null }, 'g', 1000);
    r = nextKey(r.state, 'd', 4000);
    expect(r.action.kind).toBe('none');
    expect(nextKey({ gAt: null }, '[', 0).action.kind).toBe('toggle-sidebar');
    expect(nextKey({ gAt: null }, '?', 0).action.kind).toBe('shortcuts');
  });
});

const job = (over: Partial<JobRecord> = {}): JobRecord => ({
  id: 'j1',
  type: 'selftest',
  status: 'queued',
  createdAt: '2024-01-01T00:00:00.000Z',
  progress: 0,
  stage: '',
  manifest: { id: 'm', jobType: 'selftest', inputs: [], params: { seconds: 20 }, engineVersion: '0.1.0', seed: 1 },
  ...over,
});

describe('jobs', () => {
  it('applies events forward only', () => {
    let r = applyJobEvent(job(), { event: 'started', jobId: 'j1' }, '2024-01-01T00:00:01.000Z');
    expect(r.status).toBe('running');
    expect(r.startedAt).toBe('2024-01-01T00:00:01.000Z');
    r = applyJobEvent(r, { event: 'progress', jobId: 'j1', progress: 1.7, stage: 'step 3/4' }, 'x');
    expect(r.progress).toBe(1);
    expect(r.stage).toBe('step 3/4');
    r = applyJobEvent(r, { event: 'failed', jobId: 'j1', error: 'boom' }, '2024-01-01T00:00:05.000Z');
    expect(r).toMatchObject({ status: 'failed', error: 'boom', completedAt: '2024-01-01T00:00:05.000Z' });
    const after = applyJobEvent(r, { event: 'progress', jobId: 'j1', progress: 0.2, stage: 'late' }, 'x');
    expect(after).toBe(r);
    expect(jobElapsedMs(r, 0)).toBe(4000);
  });
  it('summarises params and sorts newest first', () => {
    expect(paramsSummary({ source: 'demo', seconds: 20 })).toBe('source=demo, seconds=20');
    expect(paramsSummary({})).toBe('(no params)');
    const list = sortJobs([job({ id: 'a', createdAt: '2024-01-01T00:00:00Z' }), job({ id: 'b', createdAt: '2024-01-02T00:00:00Z' })], 1);
    expect(list.map((j) => j.id)).toEqual(['b']);
  });
});

describe('logs', () => {
  const logs: LogEntry[] = [
    { ts: 1, level: 'INFO', logger: 'ui.shell', message: 'booted' },
    { ts: 2, level: 'ERROR', logger: 'worker.compute', message: 'job failed, "x"', traceId: 't1', jobId: 'j1' },
    { ts: 3, level: 'DEBUG', logger: 'storage', message: 'opened db' },
  ];
  it('filters by level, text and trace without mutating', () => {
    expect(filterLogs(logs, { ...EMPTY_LOG_FILTER, levels: new Set(['ERROR']) }).map((e) => e.ts)).toEqual([2]);
    expect(filterLogs(logs, { ...EMPTY_LOG_FILTER, text: 'STORAGE' }).map((e) => e.ts)).toEqual([3]);
    expect(filterLogs(logs, { ...EMPTY_LOG_FILTER, traceId: 't1' }).map((e) => e.ts)).toEqual([2]);
    expect(logs).toHaveLength(3);
  });
  it('exports JSONL and CSV', () => {
    const jsonl = logsToJsonl(logs).trim().split('\n');
    expect(jsonl).toHaveLength(3);
    expect(JSON.parse(jsonl[1])).toEqual(logs[1]);
    const csv = logsToCsv(logs).split('\r\n');
    expect(csv[0]).toBe('ts,iso,level,logger,message,jobId,traceId,context');
    expect(csv[2]).toBe('2,1970-01-01T00:00:00.002Z,ERROR,worker.compute,"job failed, ""x""",j1,t1,');
  });
  it('keeps a bounded ring', () => {
    let ring: number[] = [];
    for (let i = 0; i < 10; i++) ring = appendRing(ring, i, 4);
    expect(ring).toEqual([6, 7, 8, 9]);
  });
});

describe('seriesStats', () => {
  it('ignores NaN for extremes and last', () => {
    const s = seriesStats(Float64Array.from([1, 2, 3, 4]), Float64Array.from([5, Number.NaN, 2, Number.NaN]));
    expect(s).toEqual({ count: 4, valid: 2, min: 2, max: 5, last: 2, lastX: 3 });
  });
});

describe('mergeLogs', () => {
  it('unions live and stored records without duplicates, ascending, capped to the newest', async () => {
    const { mergeLogs } = await import('../../../src/app/lib/logs');
    const a: LogEntry = { ts: 5, level: 'INFO', logger: 'x', message: 'a' };
    const b: LogEntry = { ts: 1, level: 'ERROR', logger: 'y', message: 'b', traceId: 't' };
    const c: LogEntry = { ts: 3, level: 'INFO', logger: 'x', message: 'c' };
    expect(mergeLogs([a], [b, { ...a }], 10)).toEqual([b, a]);
    expect(mergeLogs([a, c], [b], 2)).toEqual([c, a]);
  });
});
