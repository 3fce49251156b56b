import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupQuotes, KalshiInputError, mergeQuotes, parseMarketsFile, parseOutcomesFile, parseQuotesFile, parseTimestamp } from '../../../src/engine/kalshi/files';
import { buildSnapshot } from '../../../src/engine/kalshi/snapshot';

const FIX = new URL('../../fixtures/kalshi/', import.meta.url);
const text = (name: string) => readFileSync(new URL(name, FIX), 'utf8');

function expectInputError(fn: () => unknown, parts: { file: string; row: string; field: string; detail?: RegExp }): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(KalshiInputError);
  const e = caught as KalshiInputError;
  expect([e.file, e.row, e.field]).toEqual([parts.file, parts.row, parts.field]);
  if (parts.detail) expect(e.message).toMatch(parts.detail);
}

describe('markets, quotes and outcomes files', () => {
  it('reads the fixture files into markets, contracts, grouped quotes and outcomes', () => {
    const { markets, contracts } = parseMarketsFile(text('markets.csv'), 'markets.csv');
    expect(markets.map((m) => [m.market_id, m.event_id, m.event_type])).toEqual([
      ['KXCPIYOY-25JAN', 'CPI-2025-01', 'CPI'],
      ['KXFED-25MAR', 'FOMC-2025-03', 'FOMC'],
    ]);
    expect(contracts).toHaveLength(9);
    expect(contracts[0]).toMatchObject({ contract_id: 'KXCPIYOY-25JAN-B0', bin_high: 2.6, payout_structure: 'binary' });
    expect(Number.isNaN(contracts[0].bin_low)).toBe(true);
    expect(contracts[8]).toMatchObject({ threshold_value: 4.5, direction: 'above' });
    expect(markets[0].release_ts).toBe(Date.UTC(2025, 1, 12, 13, 30));
    const rows = parseQuotesFile(text('quotes.csv'), 'quotes.csv');
    expect(rows.contract_id).toHaveLength(225);
    // mid filled from bid/ask; oi from open_interest
    expect([rows.bid[0], rows.ask[0], rows.mid[0], rows.oi[0]]).toEqual([2, 4, 3, 800]);
    const grouped = groupQuotes(rows, new Map(contracts.map((c) => [c.contract_id, c.market_id])), 'quotes.csv');
    expect(grouped.map((g) => [g.market_id, g.ts.length])).toEqual([
      ['KXCPIYOY-25JAN', 150],
      ['KXFED-25MAR', 75],
    ]);
    const cpi = grouped[0];
    for (let i = 1; i < cpi.ts.length; i++) expect(cpi.contract[i] > cpi.contract[i - 1] || cpi.ts[i] > cpi.ts[i - 1]).toBe(true);
    const outcomes = parseOutcomesFile(text('outcomes.csv'), 'outcomes.csv');
    expect(outcomes).toHaveLength(3);
    expect(outcomes[1]).toMatchObject({ event_id: 'CPI-2025-01', source: 'BLS revision', realized_value: 3 });

    const snap = buildSnapshot(markets[0], contracts.slice(0, 6), cpi, Date.UTC(2025, 1, 11, 16, 0));
    expect(snap.kind).toBe('bin');
    expect(snap.hard_gate_failed).toBe(0);
    expect(snap.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('reads markets as JSON with nested contracts and Kalshi field names', () => {
    const json = JSON.stringify({
      markets: [
        {
          ticker: 'KXU-25',
          event_ticker: 'U-25',
          event_type: 'unemployment',
          rules_primary: 'at least',
          close_time: '2025-01-10T13:29:00Z',
          contracts: [
            { ticker: 'KXU-25-T4', strike: 4.0, settlement_type: 'gte' },
            { ticker: 'KXU-25-T42', strike: 4.2 },
          ],
        },
      ],
    });
    const { markets, contracts } = parseMarketsFile(json, 'm.json');
    expect(markets[0]).toMatchObject({ market_id: 'KXU-25', event_id: 'U-25', event_type: 'UNEMPLOYMENT', rules_text: 'at least' });
    expect(contracts.map((c) => [c.contract_id, c.threshold_value, c.payout_structure])).toEqual([
      ['KXU-25-T4', 4, 'gte'],
      ['KXU-25-T42', 4.2, 'binary'],
    ]);
  });

  it('times without a zone are UTC; epoch seconds and milliseconds are accepted', () => {
    expect(parseTimestamp('2025-01-02T03:04:05')).toBe(Date.UTC(2025, 0, 2, 3, 4, 5));
    expect(parseTimestamp('2025-01-02 03:04')).toBe(Date.UTC(2025, 0, 2, 3, 4));
    expect(parseTimestamp(1735787045)).toBe(1735787045000);
    expect(parseTimestamp('1735787045000')).toBe(1735787045000);
    expect(Number.isNaN(parseTimestamp('yesterday'))).toBe(true);
  });

  it('merging stored and new quotes keeps one row per (contract, ts), the new one winning', () => {
    const { contracts } = parseMarketsFile(text('markets.csv'), 'markets.csv');
    const map = new Map(contracts.map((c) => [c.contract_id, c.market_id]));
    const a = groupQuotes(parseQuotesFile('contract_id,ts,mid\nKXFED-25MAR-T0,2025-03-18T12:00:00Z,0.5\nKXFED-25MAR-T1,2025-03-18T12:00:00Z,0.3\n', 'a.csv'), map, 'a.csv')[0];
    const b = groupQuotes(parseQuotesFile('contract_id,ts,mid\nKXFED-25MAR-T0,2025-03-18T12:00:00Z,0.6\nKXFED-25MAR-T0,2025-03-18T12:10:00Z,0.7\n', 'b.csv'), map, 'b.csv')[0];
    const m = mergeQuotes(a, b);
    expect(m.contractIds).toEqual(['KXFED-25MAR-T0', 'KXFED-25MAR-T1']);
    expect(Array.from(m.mid)).toEqual([0.6, 0.7, 0.3]);
    expect(Array.from(a.mid)).toEqual([0.5, 0.3]);
  });
});

describe('importer errors name file, row and field', () => {
  it('missing required column value', () => {
    expectInputError(() => parseMarketsFile('market_id,event_id,contract_id\nM1,,C1\n', 'mk.csv'), { file: 'mk.csv', row: 'line 2', field: 'event_id | event_ticker', detail: /missing/ });
  });
  it('non-numeric strike', () => {
    expectInputError(() => parseMarketsFile('market_id,event_id,contract_id,threshold_value\nM1,E1,C1,4.0\nM1,E1,C2,four\n', 'mk.csv'), { file: 'mk.csv', row: 'line 3', field: 'threshold_value', detail: /"four" is not a number/ });
  });
  it('inverted bin', () => {
    expectInputError(() => parseMarketsFile('market_id,event_id,contract_id,bin_low,bin_high\nM1,E1,C1,3,2\n', 'mk.csv'), { file: 'mk.csv', row: 'line 2', field: 'bin_low' });
  });
  it('market listed under two events', () => {
    expectInputError(() => parseMarketsFile('market_id,event_id,contract_id\nM1,E1,C1\nM1,E2,C2\n', 'mk.csv'), { file: 'mk.csv', row: 'line 3', field: 'event_id' });
  });
  it('bad quote time, crossed quote, no price', () => {
    expectInputError(() => parseQuotesFile('contract_id,ts,mid\nC1,2025-01-01T00:00:00Z,0.5\nC1,soon,0.5\n', 'q.csv'), { file: 'q.csv', row: 'line 3', field: 'ts', detail: /not an ISO-8601 time/ });
    expectInputError(() => parseQuotesFile('contract_id,ts,bid,ask\nC1,2025-01-01T00:00:00Z,60,40\n', 'q.csv'), { file: 'q.csv', row: 'line 2', field: 'bid', detail: /above ask/ });
    expectInputError(() => parseQuotesFile('contract_id,ts,volume\nC1,2025-01-01T00:00:00Z,5\n', 'q.csv'), { file: 'q.csv', row: 'line 2', field: 'bid/ask/mid/last' });
  });
  it('quotes for an unknown contract', () => {
    const rows = parseQuotesFile('contract_id,ts,mid\nC9,2025-01-01T00:00:00Z,0.5\n', 'q.csv');
    expectInputError(() => groupQuotes(rows, new Map([['C1', 'M1']]), 'q.csv'), { file: 'q.csv', row: 'row 1', field: 'contract_id', detail: /import its markets first/ });
  });
  it('outcomes: duplicate key, missing value; JSON: malformed and wrong shape', () => {
    const head = 'event_id,realized_value,release_ts,asof_ts,source,learned_at_ts\n';
    expectInputError(() => parseOutcomesFile(`${head}E1,3,2025-01-01,2025-01-01,a,\nE1,3.1,2025-01-01,2025-01-01,b,\n`, 'o.csv'), { file: 'o.csv', row: 'line 3', field: 'asof_ts', detail: /duplicate/ });
    expectInputError(() => parseOutcomesFile(`${head}E1,,2025-01-01,2025-01-01,a,\n`, 'o.csv'), { file: 'o.csv', row: 'line 2', field: 'realized_value' });
    expectInputError(() => parseOutcomesFile('[{"event_id": "E1",', 'o.json'), { file: 'o.json', row: '(whole file)', field: '(json)' });
    expectInputError(() => parseQuotesFile('{"rows": []}', 'q.json'), { file: 'q.json', row: '(root)', field: 'quotes' });
    expectInputError(() => parseQuotesFile('[{"contract_id": "C1", "ts": "2025-01-01T00:00:00Z", "bid": "x", "ask": 1}]', 'q.json'), { file: 'q.json', row: 'quotes[0]', field: 'bid' });
  });
});
