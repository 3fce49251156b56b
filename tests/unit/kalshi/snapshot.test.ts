import { describe, expect, it } from 'vitest';
import { explicitDirection, resolveDirection } from '../../../src/engine/kalshi/direction';
import { repairMonotone } from '../../../src/engine/kalshi/isotonic';
import { buildSnapshot } from '../../../src/engine/kalshi/snapshot';
import { staleCutoffMinutes } from '../../../src/engine/kalshi/stale';
import { binContracts, market, MIN, quotes, quotesAt, T0, thresholdContracts } from './helpers';

const ASOF = T0;
const AGE = 60_000;

describe('monotone repair (PAV)', () => {
  it('repairs a hand-worked non-increasing curve with its diagnostics', () => {
    const r = repairMonotone([0.9, 0.7, 0.75, 0.4, 0.45, 0.1], true);
    const want = [0.9, 0.725, 0.725, 0.425, 0.425, 0.1];
    want.forEach((w, i) => {
      expect(r.repaired[i]).toBeCloseTo(w, 12);
    });
    expect(r.violations).toBe(2);
    expect(r.magnitude).toBeCloseTo(0.1, 12);
    expect(r.l1).toBeCloseTo(0.1, 12);
    expect(r.l2).toBeCloseTo(0.05, 12);
  });

  it('pools backwards when a merged block still violates', () => {
    const r = repairMonotone([0.5, 0.6, 0.7, 0.2], true);
    [0.6, 0.6, 0.6, 0.2].forEach((w, i) => {
      expect(r.repaired[i]).toBeCloseTo(w, 12);
    });
    expect(r.l1).toBeCloseTo(0.2, 12);
    expect(r.violations).toBe(2);
    expect(r.magnitude).toBeCloseTo(0.2, 12);
  });

  it('leaves a monotone curve alone (isotonic_l1 = 0) and repairs non-decreasing ones', () => {
    expect(repairMonotone([0.9, 0.5, 0.5, 0.1], true).l1).toBe(0);
    const up = repairMonotone([0.1, 0.3, 0.2, 0.8], false);
    [0.1, 0.25, 0.25, 0.8].forEach((w, i) => {
      expect(up.repaired[i]).toBeCloseTo(w, 12);
    });
  });
});

describe('direction resolution', () => {
  it('maps every explicit alias (the original failing case was direction = "above")', () => {
    for (const w of ['ge', 'gte', '>=', 'above', 'over', 'ABOVE', ' Over ']) expect(explicitDirection(w)).toBe('ge');
    for (const w of ['le', 'lte', '<=', 'below', 'under', 'Below']) expect(explicitDirection(w)).toBe('le');
    expect(explicitDirection('binary')).toBeNull();
    const m = { rules_text: 'at most', title: '', subtitle: '' };
    expect(resolveDirection({ direction: 'above', payout_structure: 'binary' }, m)).toEqual({ direction: 'ge', source: 'explicit', confidence: 'high' });
    expect(resolveDirection({ direction: '', payout_structure: 'lte' }, m)).toEqual({ direction: 'le', source: 'explicit', confidence: 'high' });
  });

  it('falls back to rules text (medium), then title (low), else unresolved', () => {
    const none = { direction: '', payout_structure: 'binary' };
    expect(resolveDirection(none, { rules_text: 'Resolves Yes if the rate is 4.2% or higher.', title: '', subtitle: '' })).toEqual({ direction: 'ge', source: 'rules_text', confidence: 'medium' });
    expect(resolveDirection(none, { rules_text: 'Resolves Yes if the rate is less than the strike.', title: '', subtitle: '' }).direction).toBe('le');
    expect(resolveDirection(none, { rules_text: 'Resolves per the BLS release.', title: 'Unemployment below 4%?', subtitle: '' })).toEqual({ direction: 'le', source: 'title', confidence: 'low' });
    expect(resolveDirection(none, { rules_text: 'Overall, see the underlying report.', title: 'Jobs', subtitle: '' })).toEqual({ direction: null, source: 'unresolved', confidence: 'none' });
  });
});

describe('stale cutoff', () => {
  it('follows the time-to-event ramp, multipliers and clip', () => {
    expect(staleCutoffMinutes(10, '', 4)).toBe(2);
    expect(staleCutoffMinutes(2000, '', 4)).toBe(60);
    expect(staleCutoffMinutes(735, '', 4)).toBeCloseTo(31, 12);
    expect(staleCutoffMinutes(Number.NaN, '', 4)).toBe(30);
    expect(staleCutoffMinutes(2000, 'FOMC', 4)).toBeCloseTo(42, 12);
    expect(staleCutoffMinutes(2000, 'CPI', 1)).toBeCloseTo(60 * 0.8 * 1.35, 12);
    expect(staleCutoffMinutes(2000, 'UNEMPLOYMENT', 7)).toBeCloseTo(60 * 0.9 * 0.8, 12);
    expect(staleCutoffMinutes(10, 'FOMC', 7)).toBeCloseTo(2 * 0.7 * 0.8, 12);
    expect(staleCutoffMinutes(10, 'FOMC', 7)).toBeGreaterThanOrEqual(0.5);
  });
});

describe('threshold markets', () => {
  const ks = [4.0, 4.2, 4.4];
  const skew = 0.10546875 / 0.609375 ** 1.5;

  it('ge: PMF, moments, tails and quality by hand (cents auto-scaled)', () => {
    const cs = thresholdContracts(ks, 'above');
    const s = buildSnapshot(market(), cs, quotesAt(cs, [80, 50, 20], ASOF - AGE), ASOF);
    expect(s.kind).toBe('threshold');
    expect(s.direction_resolved).toBe('ge');
    expect(Array.from(s.mass)).toEqual([0.375, 0.375, 0.25].map((x) => expect.closeTo(x, 12)));
    expect(s.renorm_delta).toBeCloseTo(0.2, 12);
    expect(s.mean).toBeCloseTo(4.175, 12);
    expect(s.var).toBeCloseTo(0.024375, 12);
    expect(s.skew).toBeCloseTo(skew, 10);
    expect(s.entropy).toBeCloseTo(-(2 * 0.375 * Math.log(0.375) + 0.25 * Math.log(0.25)), 12);
    // UNEMPLOYMENT tails at 4.0, 4.2, 4.5 read off the survival curve (flat beyond 4.4).
    expect([s.tail_p_1, s.tail_p_2, s.tail_p_3]).toEqual([expect.closeTo(0.8, 12), expect.closeTo(0.5, 12), expect.closeTo(0.2, 12)]);
    expect(s.monotonic_violations_pre).toBe(0);
    expect(s.isotonic_l1).toBe(0);
    const vol = Math.tanh((Math.log1p(100) + Math.log1p(500)) / 8);
    const want = 0.35 * 1 + 0.2 * (1 - 0.04) + 0.2 * Math.exp(-60 / 300) + 0.1 * vol + 0.15 * Math.exp(-0.2);
    expect(s.quality_score).toBeCloseTo(want, 12);
    expect(s.median_spread).toBeCloseTo(0.04, 12);
    expect(s.hard_gate_failed).toBe(0);
    expect(s.quality_low).toBe(0);
    // 60 min × 0.9 (UNEMPLOYMENT) × 0.8 (liquid): two days before settlement.
    expect(s.stale_cutoff_minutes).toBeCloseTo(43.2, 12);
  });

  it('le: first mass is C1, then differences; tails are 1 − C(k)', () => {
    const cs = thresholdContracts(ks, 'below');
    const s = buildSnapshot(market(), cs, quotesAt(cs, [20, 50, 80], ASOF - AGE), ASOF);
    expect(s.direction_resolved).toBe('le');
    expect(Array.from(s.mass)).toEqual([0.25, 0.375, 0.375].map((x) => expect.closeTo(x, 12)));
    expect(s.mean).toBeCloseTo(4 + 0.2 * (0.375 + 2 * 0.375), 12);
    expect([s.tail_p_1, s.tail_p_2, s.tail_p_3]).toEqual([expect.closeTo(0.8, 12), expect.closeTo(0.5, 12), expect.closeTo(0.2, 12)]);
  });

  it('repairs a non-monotone ge curve before the PMF and counts the violation', () => {
    const cs = thresholdContracts([1, 2, 3, 4], 'ge');
    const s = buildSnapshot(market({ event_type: '' }), cs, quotesAt(cs, [80, 40, 50, 10], ASOF - AGE), ASOF);
    expect(s.monotonic_violations_pre).toBe(1);
    expect(s.monotonic_violation_magnitude).toBeCloseTo(0.1, 12);
    expect(s.isotonic_l1).toBeCloseTo(0.1, 12);
    expect(s.violated_constraints_post).toBe(0);
    // repaired S = [0.8, 0.45, 0.45, 0.1] → raw PMF [0.35, 0, 0.35, 0.1], total 0.8
    expect(Array.from(s.mass)).toEqual([0.4375, 0, 0.4375, 0.125].map((x) => expect.closeTo(x, 12)));
    expect(s.constraint_violation_score).toBeCloseTo(0.1 + 0.2, 12);
  });

  it('rules-text direction (medium) and title (low) feed the snapshot', () => {
    const cs = thresholdContracts(ks);
    const s = buildSnapshot(market({ rules_text: 'Yes if the rate is at least the strike' }), cs, quotesAt(cs, [80, 50, 20], ASOF - AGE), ASOF);
    expect([s.direction_resolved, s.direction_source, s.direction_confidence]).toEqual(['ge', 'rules_text', 'medium']);
    expect(s.mean).toBeCloseTo(4.175, 12);
    const t = buildSnapshot(market({ title: 'Rate at most X?' }), cs, quotesAt(cs, [20, 50, 80], ASOF - AGE), ASOF);
    expect([t.direction_resolved, t.direction_source, t.direction_confidence]).toEqual(['le', 'title', 'low']);
  });

  it('unresolved direction: no moments, flagged, hard gate failed', () => {
    const cs = thresholdContracts(ks);
    const s = buildSnapshot(market(), cs, quotesAt(cs, [80, 50, 20], ASOF - AGE), ASOF);
    expect(s.direction_resolved).toBeNull();
    expect(s.quality_flags).toContain('unresolved_direction');
    expect(Number.isNaN(s.mean) && Number.isNaN(s.entropy)).toBe(true);
    expect(s.mass.length).toBe(0);
    expect(s.hard_gate_failed).toBe(1);
  });
});

describe('bin markets', () => {
  const edges: [number, number][] = [
    [Number.NaN, 2],
    [2, 3],
    [3, 4],
    [4, Number.NaN],
  ];

  it('normalises clipped probabilities over bin midpoints (open edges by half a width)', () => {
    const cs = binContracts(edges);
    const s = buildSnapshot(market({ event_type: 'CPI' }), cs, quotesAt(cs, [10, 40, 30, 10], ASOF - AGE), ASOF);
    expect(s.kind).toBe('bin');
    expect(Array.from(s.support)).toEqual([1.5, 2.5, 3.5, 4.5]);
    expect(Array.from(s.mass)).toEqual([1 / 9, 4 / 9, 3 / 9, 1 / 9].map((x) => expect.closeTo(x, 12)));
    expect(s.renorm_delta).toBeCloseTo(0.1, 12);
    expect(s.mean).toBeCloseTo(26.5 / 9, 12);
    // CPI tails at 3.0, 3.5, 4.0: mass with support ≥ k
    expect([s.tail_p_1, s.tail_p_2, s.tail_p_3]).toEqual([expect.closeTo(4 / 9, 12), expect.closeTo(4 / 9, 12), expect.closeTo(1 / 9, 12)]);
    expect(s.bin_overlap_count).toBe(0);
    expect(s.bin_support_is_ordered).toBe(1);
    expect(s.tail_left_missing + s.tail_right_missing).toBe(0);
  });

  it('a missing tail contract: flagged, truncated, coverage gate nulls the moments', () => {
    const cs = binContracts(edges);
    const s = buildSnapshot(market({ event_type: 'CPI' }), cs, quotesAt(cs, [10, 40, 30, null], ASOF - AGE), ASOF);
    expect(s.tail_right_missing).toBe(1);
    expect(s.moment_truncated).toBe(1);
    expect(s.mass_missing_estimate).toBeCloseTo(0.25, 12);
    expect(s.coverage_ratio).toBeCloseTo(0.75, 12);
    expect(s.quality_flags).toContain('gate_coverage');
    expect(s.hard_gate_failed).toBe(1);
    expect(Number.isNaN(s.mean)).toBe(true);
    // The PMF itself is still there (for display), summing to 1.
    expect(s.mass.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('overlapping bins are counted and flagged', () => {
    const cs = binContracts([
      [1, 3],
      [2, 4],
      [4, 5],
    ]);
    const s = buildSnapshot(market({ event_type: 'CPI' }), cs, quotesAt(cs, [30, 40, 30], ASOF - AGE), ASOF);
    expect(s.bin_overlap_count).toBe(1);
    expect(s.bin_support_is_ordered).toBe(0);
    expect(s.quality_flags).toContain('invalid_bins');
  });

  it('gap mass is the share of the support range not covered by bins', () => {
    const cs = binContracts([
      [0, 1],
      [2, 3],
      [3, 4],
    ]);
    const s = buildSnapshot(market({ event_type: 'CPI' }), cs, quotesAt(cs, [30, 40, 30], ASOF - AGE), ASOF);
    expect(s.bin_gap_mass_estimate).toBeCloseTo(1 / 4, 12);
  });
});

describe('quotes, staleness and gates', () => {
  it('excludes stale quotes and ignores quotes after the as-of time', () => {
    const cs = thresholdContracts([4.0, 4.2, 4.4], 'above');
    // Cutoff is 43.2 min here: C2's only quote before as-of is 50 min old; its later quote is in the future.
    const q = quotes(cs, [
      { c: 0, ts: ASOF - AGE, bid: 79, ask: 81 },
      { c: 1, ts: ASOF - AGE, bid: 49, ask: 51 },
      { c: 2, ts: ASOF - 50 * MIN, bid: 19, ask: 21 },
      { c: 2, ts: ASOF + MIN, bid: 9, ask: 11 },
    ]);
    const s = buildSnapshot(market(), cs, q, ASOF);
    expect(s.live_contracts).toBe(2);
    expect(s.tail_right_missing).toBe(1);
    const later = buildSnapshot(market(), cs, q, ASOF + 2 * MIN);
    expect(later.live_contracts).toBe(3);
    expect(later.tail_p_3).toBeCloseTo(0.1, 12);
  });

  it('no live quote gives the empty template', () => {
    const cs = thresholdContracts([4.0, 4.2], 'above');
    const s = buildSnapshot(market(), cs, quotesAt(cs, [60, 30], ASOF + MIN), ASOF);
    expect(s.kind).toBe('empty');
    expect([s.quality_score, s.renorm_delta, s.quality_low, s.hard_gate_failed]).toEqual([0, 1, 1, 1]);
    expect(Number.isNaN(s.mean)).toBe(true);
  });

  it('a wide median spread fails the hard gate; probabilities already in [0, 1] are not rescaled', () => {
    const cs = thresholdContracts([4.0, 4.2, 4.4], 'above');
    const q = quotes(cs, [
      { c: 0, ts: ASOF - AGE, bid: 0.6, ask: 0.9 },
      { c: 1, ts: ASOF - AGE, bid: 0.35, ask: 0.6 },
      { c: 2, ts: ASOF - AGE, bid: 0.1, ask: 0.3 },
    ]);
    const s = buildSnapshot(market(), cs, q, ASOF);
    expect(s.median_spread).toBeGreaterThanOrEqual(0.25);
    expect(s.quality_flags).toContain('gate_spread');
    expect(s.hard_gate_failed).toBe(1);
    expect(Number.isNaN(s.var)).toBe(true);
    expect(s.tail_p_1).toBeCloseTo(0.75, 12);
  });

  it('fewer than three live contracts is a soft flag', () => {
    const cs = thresholdContracts([4.0, 4.2], 'above');
    const s = buildSnapshot(market(), cs, quotesAt(cs, [60, 30], ASOF - AGE), ASOF);
    expect(s.quality_flags).toContain('insufficient_contracts');
    expect(s.quality_low).toBe(1);
    expect(s.hard_gate_failed).toBe(0);
  });
});
