import { describe, expect, it } from 'vitest';
import {
  arr,
  canTransition,
  combineModes,
  envelopeMetaSchema,
  envelopeSchema,
  JOB_STATUSES,
  num,
  obj,
  optional,
  SchemaError,
  safeParse,
  str,
  TERMINAL_STATUSES,
} from '../../../src/engine/contracts';

const meta = {
  mode: 'demo',
  generatedAt: '2026-01-02T03:04:05.000Z',
  asOf: '2025-12-31',
  source: 'demo:quant-engine-demo-v1',
  staleness: 3600,
  warnings: [],
};

describe('envelope schema', () => {
  it('accepts a complete meta and keeps optional ids', () => {
    expect(envelopeMetaSchema({ ...meta, jobId: 'j1' })).toEqual({ ...meta, jobId: 'j1' });
  });

  it.each([
    ['missing mode', { ...meta, mode: undefined }, 'mode'],
    ['unknown mode', { ...meta, mode: 'placeholder' }, 'mode'],
    ['bad generatedAt', { ...meta, generatedAt: 'yesterday' }, 'generatedAt'],
    ['negative staleness', { ...meta, staleness: -1 }, 'staleness'],
    ['warnings not strings', { ...meta, warnings: [1] }, 'warnings[0]'],
  ])('rejects %s naming the field', (_name, bad, path) => {
    const r = safeParse(envelopeMetaSchema, bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.path).toBe(path);
  });

  it('validates the data part with the caller schema', () => {
    const s = envelopeSchema(obj({ rows: num({ int: true }) }));
    expect(() => s({ data: { rows: 1.5 }, meta })).toThrow(SchemaError);
    expect(() => s({ data: { rows: 2 } })).toThrow(/meta/);
    expect(s({ data: { rows: 2 }, meta }).data.rows).toBe(2);
  });
});

describe('schema combinators', () => {
  it('reports nested paths and drops unknown keys', () => {
    const s = obj({ a: arr(obj({ b: str() })), c: optional(num()) });
    expect(s({ a: [{ b: 'x', extra: 1 }], z: 2 })).toEqual({ a: [{ b: 'x' }] });
    expect(() => s({ a: [{ b: 'x' }, { b: 3 }] })).toThrow('a[1].b: expected string, got 3');
    expect(() => num()(Number.POSITIVE_INFINITY)).toThrow(/finite/);
  });
});

describe('provenance combination', () => {
  it('demo dominates, then fallback, all-cached stays cached, else live', () => {
    expect(combineModes(['live', 'demo', 'cached'])).toBe('demo');
    expect(combineModes(['live', 'fallback'])).toBe('fallback');
    expect(combineModes(['cached', 'cached'])).toBe('cached');
    expect(combineModes(['cached', 'live'])).toBe('live');
    expect(combineModes([])).toBe('live');
  });
});

describe('job transitions', () => {
  it('only move forward and terminal states are final', () => {
    for (const t of TERMINAL_STATUSES) for (const s of JOB_STATUSES) expect(canTransition(t, s)).toBe(false);
    expect(canTransition('queued', 'running')).toBe(true);
    expect(canTransition('running', 'queued')).toBe(false);
    expect(canTransition('queued', 'cancelled')).toBe(true);
  });
});
