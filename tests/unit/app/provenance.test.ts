import { describe, expect, it } from 'vitest';
import type { DatasetMeta, EnvelopeMeta } from '../../../src/engine/contracts';
import { badgeFor, catalogEnvelope, checkEnvelope, modeForOrigin, provenanceRows } from '../../../src/app/lib/provenance';

const NOW = Date.parse('2024-06-01T12:00:00Z');
const meta = (over: Partial<EnvelopeMeta> = {}): EnvelopeMeta => ({
  mode: 'live',
  generatedAt: '2024-06-01T11:00:00Z',
  asOf: '2024-05-31',
  source: 'AAPL|1d (file aapl.csv)',
  staleness: null,
  warnings: [],
  ...over,
});

function dataset(over: Partial<DatasetMeta>): DatasetMeta {
  return {
    id: 'AAPL|1d',
    ticker: 'AAPL',
    timeframe: '1d',
    origin: 'file',
    source: 'aapl.csv',
    storedAt: '2024-05-01T00:00:00Z',
    rows: 10,
    first: '2024-01-01',
    last: '2024-05-30',
    checksum: 'abc',
    quality: 'pass',
    bytes: 100,
    ...over,
  };
}

describe('badgeFor', () => {
  it('maps each mode to its exact text', () => {
    expect(badgeFor(meta({ mode: 'live' }), NOW)).toEqual({ mode: 'live', label: 'LIVE' });
    expect(badgeFor(meta({ mode: 'demo' }), NOW)).toEqual({ mode: 'demo', label: 'DEMO' });
    expect(badgeFor(meta({ mode: 'fallback' }), NOW)).toEqual({ mode: 'fallback', label: 'FALLBACK' });
  });
  it('shows cache age from staleness when known, else from generatedAt', () => {
    expect(badgeFor(meta({ mode: 'cached', staleness: 3 * 3600 + 10 }), NOW).label).toBe('CACHED · 3h');
    expect(badgeFor(meta({ mode: 'cached', staleness: null }), NOW).label).toBe('CACHED · 1h');
  });
  it('never defaults an unknown mode to LIVE', () => {
    expect(badgeFor(null, NOW)).toEqual({ mode: 'unknown', label: 'UNKNOWN' });
    expect(badgeFor({ ...meta(), mode: 'placeholder' as never }, NOW)).toEqual({ mode: 'unknown', label: 'UNKNOWN' });
  });
});

describe('checkEnvelope', () => {
  it('accepts a valid envelope', () => {
    const r = checkEnvelope<number[]>({ data: [1, 2], meta: meta() });
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.envelope.data).toEqual([1, 2]);
  });
  it('refuses data without provenance and says why', () => {
    expect(checkEnvelope([1, 2, 3])).toEqual({ ok: false, reason: 'missing provenance: envelope has no data field' });
    expect(checkEnvelope(null)).toMatchObject({ ok: false, reason: expect.stringMatching(/no envelope/) });
    expect(checkEnvelope({ data: 1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/no meta/) });
    const bad = checkEnvelope({ data: 1, meta: { ...meta(), mode: 'LIVE' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/^missing provenance: invalid meta — mode: expected one of/);
    const noDate = checkEnvelope({ data: 1, meta: { ...meta(), generatedAt: 'yesterday' } });
    expect(noDate.ok).toBe(false);
  });
});

describe('provenanceRows', () => {
  it('lists the fields and optional ids', () => {
    const rows = provenanceRows(meta({ mode: 'cached', staleness: 7200, jobId: 'j1', manifestId: 'm1', elapsedMs: 1500 }), NOW);
    const map = Object.fromEntries(rows);
    expect(map.Source).toBe('AAPL|1d (file aapl.csv)');
    expect(map['Cache age']).toBe('2h');
    expect(map.Elapsed).toBe('1.5 s');
    expect(map.Job).toBe('j1');
    expect(map.Manifest).toBe('m1');
    expect(map.Trace).toBeUndefined();
  });
});

describe('catalogEnvelope', () => {
  it('maps origins and combines modes (any demo → demo)', () => {
    expect(modeForOrigin('file')).toBe('live');
    expect(modeForOrigin('proxy')).toBe('cached');
    expect(modeForOrigin('demo')).toBe('demo');
    const env = catalogEnvelope([dataset({}), dataset({ id: 'SPY|1d', origin: 'demo', last: '2024-05-31' })], NOW);
    expect(env.meta.mode).toBe('demo');
    expect(env.meta.asOf).toBe('2024-05-31');
    expect(env.meta.staleness).toBe(36 * 3600);
    expect(checkEnvelope(env).ok).toBe(true);
  });
  it('warns about failed quality and is cached when everything came from the proxy', () => {
    const env = catalogEnvelope([dataset({ origin: 'proxy', quality: 'fail' })], NOW);
    expect(env.meta.mode).toBe('cached');
    expect(env.meta.warnings).toEqual(['AAPL|1d: quality check failed']);
  });
});
