import { describe, expect, it } from 'vitest';
import { MICRO_FEATURES, microstructureFeatures } from '../../../src/engine/kalshi/microstructure';
import { quotes, T0, thresholdContracts } from './helpers';

const H = 3_600_000;

describe('microstructure features (4 h window)', () => {
  const cs = thresholdContracts([1, 2], 'above');
  const base = [
    { c: 0, ts: T0 - 5 * H, bid: 40, ask: 42, volume: 0 },
    { c: 0, ts: T0 - 1 * H, bid: 48, ask: 52, volume: 10 },
    { c: 1, ts: T0 - 2 * H, bid: 18, ask: 22, volume: 0 },
  ];

  it('match a hand-worked example', () => {
    const f = microstructureFeatures(quotes(cs, base), 2, T0);
    const get = (n: (typeof MICRO_FEATURES)[number]) => f[MICRO_FEATURES.indexOf(n)];
    expect(get('micro_updates_per_hour')).toBeCloseTo(0.5, 12);
    expect(get('micro_staleness_median_s')).toBeCloseTo(5400, 9);
    expect(get('micro_staleness_p95_s')).toBeCloseTo(7020, 9);
    expect(get('micro_spread_median')).toBeCloseTo(0.14, 12);
    expect(get('micro_spread_std')).toBeCloseTo(0.06, 12);
    expect(get('micro_active_fraction')).toBeCloseTo(0.5, 12);
    expect(get('micro_tail_liquidity')).toBeCloseTo(Math.tanh(0.05) * 0.5, 12);
  });

  it('ignore quotes after the as-of time', () => {
    const later = [...base, { c: 1, ts: T0 + H, bid: 1, ask: 90, volume: 500 }, { c: 0, ts: T0 + 1, bid: 1, ask: 2, volume: 1 }];
    expect(Array.from(microstructureFeatures(quotes(cs, later), 2, T0))).toEqual(Array.from(microstructureFeatures(quotes(cs, base), 2, T0)));
  });
});
