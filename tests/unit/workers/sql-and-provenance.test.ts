import { tableFromArrays, Type } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import type { DatasetMeta } from '../../../src/engine/contracts';
import { datasetEnvelope, modeForOrigin } from '../../../src/storage/provenance';
import { barsViewSql, datasetsTableSql, duckTableName, planSync } from '../../../src/workers/duck-catalog';
import { tableToSqlResult, toSqlCell } from '../../../src/workers/sql-result';
import { makeBars } from '../storage/helpers';

const meta = (over: Partial<DatasetMeta> = {}): DatasetMeta => ({
  id: 'SPY|1d',
  ticker: 'SPY',
  timeframe: '1d',
  origin: 'file',
  source: 'SPY.csv',
  storedAt: '2024-05-01T00:00:00.000Z',
  rows: 3,
  first: '2020-01-01T00:00:00.000Z',
  last: '2020-01-03T00:00:00.000Z',
  checksum: 'abc',
  quality: 'pass',
  bytes: 100,
  ...over,
});

describe('SQL result conversion', () => {
  it('converts cells to JSON-safe values', () => {
    expect(toSqlCell(42n)).toBe(42);
    expect(toSqlCell(2n ** 60n)).toBe('1152921504606846976');
    expect(toSqlCell(new Date(Date.UTC(2024, 0, 2)))).toBe('2024-01-02T00:00:00.000Z');
    expect(toSqlCell(Number.NaN)).toBe('NaN');
    expect(toSqlCell(undefined)).toBeNull();
    expect(toSqlCell({ a: 1n })).toBe('{"a":1}');
    expect(toSqlCell(Int32Array.from([1, 2]))).toBe('[1,2]');
  });

  it('reads an Arrow table into columns and rows, capping the row count', () => {
    const t = tableFromArrays({ x: Int32Array.from([1, 2, 3]), y: ['a', 'b', 'c'], z: new BigInt64Array([5n, 6n, 7n]) });
    expect(tableToSqlResult(t)).toEqual({ columns: ['x', 'y', 'z'], rows: [[1, 'a', 5], [2, 'b', 6], [3, 'c', 7]], truncated: false });
    expect(tableToSqlResult(t, 2).truncated).toBe(true);
    expect(tableToSqlResult(t, 2).rows).toHaveLength(2);
  });

  it('shows date and timestamp columns as ISO text', () => {
    const d = tableFromArrays({ d: [new Date(Date.UTC(2024, 0, 2)), new Date(Date.UTC(2024, 0, 3, 12))] });
    expect(d.schema.fields[0].type.typeId).toBe(Type.Timestamp);
    expect(tableToSqlResult(d).rows).toEqual([['2024-01-02T00:00:00.000Z'], ['2024-01-03T12:00:00.000Z']]);
    // the constants sql-result.ts relies on without importing Arrow
    expect([Type.Date, Type.Timestamp]).toEqual([8, 10]);
  });
});

describe('DuckDB catalog mirroring', () => {
  it('names tables collision-free and builds the bars view', () => {
    expect(duckTableName('SPY|1d')).toBe('bars_SPY_7c_1d');
    expect(duckTableName('BRK.B|1d')).not.toBe(duckTableName('BRK_B|1d'));
    const sql = barsViewSql([meta(), meta({ id: "O'X|1h", ticker: "O'X", timeframe: '1h' })]);
    expect(sql).toContain(`SELECT 'SPY' AS ticker, '1d' AS timeframe`);
    expect(sql).toContain(`'O''X' AS ticker`);
    expect(sql).toContain(' UNION ALL ');
    expect(barsViewSql([])).toContain('WHERE false');
    expect(datasetsTableSql([meta({ first: null })])[1]).toContain("'SPY|1d', 'SPY', '1d', 'file', 'SPY.csv', '2024-05-01T00:00:00.000Z', 3, NULL,");
  });

  it('plans loads for new or changed datasets and drops for deleted ones', () => {
    const loaded = new Map([
      ['SPY|1d', 'abc'],
      ['QQQ|1d', 'old'],
      ['GONE|1d', 'x'],
    ]);
    const plan = planSync(loaded, [meta(), meta({ id: 'QQQ|1d', checksum: 'new' }), meta({ id: 'NEW|1d' })]);
    expect(plan.load.map((m) => m.id)).toEqual(['QQQ|1d', 'NEW|1d']);
    expect(plan.drop).toEqual(['GONE|1d']);
  });
});

describe('dataset provenance', () => {
  const bars = makeBars(3, Date.UTC(2020, 0, 1));
  const now = Date.UTC(2020, 0, 4);

  it('maps origins to modes', () => {
    expect(modeForOrigin('demo')).toBe('demo');
    expect(modeForOrigin('file')).toBe('live');
    expect(modeForOrigin('proxy')).toBe('cached');
  });

  it('file data: live, as of the last bar, staleness from the last bar', () => {
    const env = datasetEnvelope(meta(), bars, now, 12);
    expect(env.meta).toEqual({
      mode: 'live',
      generatedAt: '2020-01-04T00:00:00.000Z',
      asOf: '2020-01-03T00:00:00.000Z',
      source: 'SPY.csv',
      staleness: 86_400,
      warnings: [],
      elapsedMs: 12,
    });
  });

  it('proxy data: cached, aged from the fetch, with a warning; quality issues are warnings', () => {
    const env = datasetEnvelope(meta({ origin: 'proxy', source: 'yahoo', storedAt: '2020-01-03T21:00:00.000Z', quality: 'warn' }), bars, now);
    expect(env.meta.mode).toBe('cached');
    expect(env.meta.staleness).toBe(3 * 3600);
    expect(env.meta.warnings[0]).toContain('quality check of SPY|1d raised warnings');
    expect(env.meta.warnings[1]).toContain('Cached copy of yahoo data');
  });

  it('empty datasets have no as-of time', () => {
    const env = datasetEnvelope(meta({ rows: 0, first: null, last: null, quality: 'unchecked' }), makeBars(0), now);
    expect(env.meta.asOf).toBeNull();
    expect(env.meta.staleness).toBeNull();
    expect(env.meta.warnings).toEqual(['Data quality of SPY|1d has not been checked.']);
  });
});
