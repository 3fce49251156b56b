import { describe, expect, it } from 'vitest';
import { discoveryGrid, strategyId } from '../../../src/engine/autopilot';

describe('discoveryGrid', () => {
  it('yields the 36 spec candidates in entry → confidence → risk → max-positions order', () => {
    const g = discoveryGrid(10);
    expect(g).toHaveLength(36);
    expect(new Set(g.map((c) => c.strategy_id)).size).toBe(36);
    expect(g.slice(0, 5).map((c) => c.strategy_id)).toEqual([
      'h10_e40_c50_r0_m10',
      'h10_e40_c50_r0_m20',
      'h10_e40_c50_r1_m10',
      'h10_e40_c50_r1_m20',
      'h10_e40_c60_r0_m10',
    ]);
    expect(g[35].strategy_id).toBe('h10_e60_c70_r1_m20');
    for (const c of g) {
      expect(c.strategy_id).toMatch(/^h10_e(40|50|60)_c(50|60|70)_r[01]_m(10|20)$/);
      expect(c.position_size_pct).toBe(0.05);
      expect(strategyId(c)).toBe(c.strategy_id);
    }
    expect([...new Set(g.map((c) => c.entry_threshold))]).toEqual([0.004, 0.005, 0.006]);
    expect([...new Set(g.map((c) => c.confidence_threshold))]).toEqual([0.5, 0.6, 0.7]);
  });

  it('clips thresholds (entry ≥ 0.0005, confidence in [0.05, 0.99]) and truncates with max_candidates', () => {
    const g = discoveryGrid(5, { entry_threshold: 0.0004, confidence_threshold: 0.95, max_candidates: 7 });
    expect(g).toHaveLength(7);
    expect(g[0].entry_threshold).toBe(0.0005);
    expect(g[0].confidence_threshold).toBe(0.85);
    expect(g[4].confidence_threshold).toBe(0.95);
    expect(discoveryGrid(5, { confidence_threshold: 0.95 })[8].confidence_threshold).toBe(0.99);
    expect(g[0].strategy_id).toBe('h5_e5_c85_r0_m10');
    expect(() => discoveryGrid(0)).toThrow(/horizon/);
  });
});
