import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotDistances } from '../../../src/engine/kalshi/distance';
import { buildEventFeatures, buildLabels, PurgeGuardError, snapshotTimes } from '../../../src/engine/kalshi/events';
import { buildPanel } from '../../../src/engine/kalshi/panel';
import { buildSnapshot, type DistributionSnapshot, emptySnapshot } from '../../../src/engine/kalshi/snapshot';
import type { MacroEvent } from '../../../src/engine/kalshi/types';
import { binContracts, DAY, market, MIN, quotes, type QuoteRow, T0, thresholdContracts } from './helpers';

describe('PMF invariants (property)', () => {
  it('threshold PMFs are non-negative, sum to 1 (or are empty), repaired curves are monotone', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom('above', 'below', 'gte', 'lte'),
        (mids, dir) => {
          const cs = thresholdContracts(mids.map((_, i) => i * 0.25), dir);
          const s = buildSnapshot(market({ event_type: '' }), cs, quotes(cs, mids.map((m, c) => ({ c, ts: T0 - MIN, mid: m, bid: m - 0.1, ask: m + 0.1 }))), T0);
          if (s.mass.length > 0) expect(s.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
          for (const p of s.mass) expect(p).toBeGreaterThanOrEqual(0);
          expect(s.violated_constraints_post).toBe(0);
          if (s.monotonic_violations_pre === 0) expect(s.isotonic_l1).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('bin PMFs sum to 1 whatever the quoted prices', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 2, maxLength: 10 }), (mids) => {
        const cs = binContracts(mids.map((_, i) => [i, i + 1] as [number, number]));
        const s = buildSnapshot(market({ event_type: '' }), cs, quotes(cs, mids.map((m, c) => ({ c, ts: T0 - MIN, mid: m, bid: m, ask: m }))), T0);
        const total = mids.reduce((a, b) => a + b, 0);
        if (total === 0) expect(s.mass.length).toBe(0);
        else expect(s.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      }),
      { numRuns: 100 },
    );
  });
});

describe('panel', () => {
  it('each 5-minute row equals a snapshot built directly at that time (causal: later quotes never used)', () => {
    const cs = thresholdContracts([1, 2, 3], 'above');
    const rows: QuoteRow[] = [];
    for (let k = 0; k < 40; k++) for (let c = 0; c < 3; c++) rows.push({ c, ts: T0 + k * 7 * MIN + c * MIN, bid: 80 - 25 * c - (k % 5), ask: 82 - 25 * c - (k % 5) });
    const q = quotes(cs, rows);
    const m = market({ event_type: '', settle_ts: T0 + 2 * DAY });
    const panel = buildPanel(m, cs, q);
    expect(panel.length).toBeGreaterThan(40);
    for (let i = 0; i < panel.length; i += 7) {
      const d = buildSnapshot(m, cs, q, panel[i].ts);
      expect(panel[i].ts % (5 * MIN)).toBe(0);
      expect(panel[i].mean).toEqual(d.mean);
      expect(panel[i].quality_score).toEqual(d.quality_score);
      expect(Array.from(panel[i].mass)).toEqual(Array.from(d.mass));
    }
    const h = panel.findIndex((p) => p.ts >= panel[0].ts + 3_600_000);
    expect(Number.isFinite(panel[h].distance_js_1h)).toBe(true);
    expect(Number.isNaN(panel[h - 1].distance_js_1h)).toBe(true);
  });
});

describe('distances', () => {
  it('are zero for identical PMFs and hand-checked for disjoint point masses', () => {
    const x = Float64Array.from([1, 2, 3]);
    const p = Float64Array.from([0.2, 0.5, 0.3]);
    const same = snapshotDistances(x, p, x, p);
    expect(same.kl).toBeCloseTo(0, 12);
    expect(same.js).toBeCloseTo(0, 12);
    expect(same.wasserstein).toBeCloseTo(0, 12);
    const d = snapshotDistances([0, 1], [1, 0], [0, 1], [0, 1]);
    expect(d.wasserstein).toBeCloseTo(1, 12);
    expect(d.kl).toBeCloseTo(Math.log((1 + 1e-12) / 1e-12), 6);
    expect(d.js).toBeCloseTo(Math.log(2), 6);
  });

  it('Wasserstein-1 of a shifted two-point PMF equals the shift', () => {
    const d = snapshotDistances([0, 2], [0.5, 0.5], [1, 3], [0.5, 0.5]);
    expect(d.wasserstein).toBeCloseTo(1, 12);
  });
});

const arbEvent = fc.record({
  id: fc.integer({ min: 0, max: 1e6 }),
  type: fc.constantFrom('CPI', 'FOMC', 'UNEMPLOYMENT', 'GDP', 'OTHER'),
  releaseMin: fc.integer({ min: 20 * 1440, max: 60 * 1440 }),
});

describe('event features: purge guard (property)', () => {
  it('no snapshot at or after release; joined rows are never later than their as-of time', () => {
    fc.assert(
      fc.property(
        fc.array(arbEvent, { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 70 * 1440 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 5 }),
        (evs, rowMinutes, purge) => {
          const events: MacroEvent[] = evs.map((e, i) => ({ event_id: `E${i}`, event_type: e.type, release_ts: T0 + e.releaseMin * MIN }));
          const base = emptySnapshot(market(), 0, 3);
          const panel: DistributionSnapshot[] = [...new Set(rowMinutes)].sort((a, b) => a - b).map((m) => ({ ...base, ts: T0 + m * MIN, mean: m, quality_score: 1 }));
          const byEvent = new Map(events.map((e) => [e.event_id, ['M1']] as const));
          const rows = buildEventFeatures(events, { byEvent, byType: new Map() }, new Map([['M1', panel]]), { purgeDays: () => purge });
          for (const r of rows) {
            expect(r.asof_ts).toBeLessThan(r.release_ts);
            if (Number.isFinite(r.snapshot_ts)) {
              expect(r.snapshot_ts).toBeLessThanOrEqual(r.asof_ts);
              expect(r.snapshot_ts).toBeLessThan(r.release_ts);
            }
          }
          for (const e of events) expect(rows.filter((r) => r.event_id === e.event_id).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('clamps horizons to release − purge days and raises when a snapshot would not precede the release', () => {
    const ev: MacroEvent = { event_id: 'E', event_type: 'CPI', release_ts: T0 };
    const times = snapshotTimes(ev);
    expect(times).toEqual([T0 - 7 * DAY, T0 - 3 * DAY]);
    expect(() => snapshotTimes(ev, { horizonsMs: [0], purgeDays: () => 0 })).toThrow(PurgeGuardError);
  });
});

describe('labels', () => {
  const o = (asofOff: number, v: number, source = 's') => ({ event_id: 'E', realized_value: v, release_ts: T0, asof_ts: T0 + asofOff, source, learned_at_ts: T0 + asofOff });
  it('first print is the earliest row at or after release; rows before release never label', () => {
    const l = buildLabels([o(-DAY, 9), o(DAY, 3.1, 'rev'), o(0, 3.0, 'bls')]).get('E');
    expect(l).toMatchObject({ label_value: 3.0, label_source: 'bls', first_print_value: 3.0, revised_print_value: 3.1 });
  });
  it('latest mode takes the last revision, else the first print with a fallback source', () => {
    expect(buildLabels([o(0, 3.0), o(DAY, 3.1, 'rev'), o(2 * DAY, 3.2, 'rev2')], 'latest').get('E')).toMatchObject({ label_value: 3.2, label_source: 'rev2' });
    expect(buildLabels([o(0, 3.0)], 'latest').get('E')).toMatchObject({ label_value: 3.0, label_source: 'first_print_fallback' });
  });
});
