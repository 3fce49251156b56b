/**
 * The discovery grid (spec §5.2): entry × confidence × risk mode × max positions, 3·3·2·2 = 36
 * candidates per horizon, in that iteration order, with the spec's strategy ids.
 */
import type { Candidate, DiscoveryBase } from './types';

export const DEFAULT_DISCOVERY_BASE: DiscoveryBase = {
  entry_threshold: 0.005,
  confidence_threshold: 0.6,
  position_size_pct: 0.05,
};

const ENTRY_MULTIPLIERS = [0.8, 1.0, 1.2] as const;
const CONFIDENCE_OFFSETS = [-0.1, 0, 0.1] as const;
const RISK_MODES = [false, true] as const;
const MAX_POSITIONS = [10, 20] as const;

export function strategyId(c: Omit<Candidate, 'strategy_id'>): string {
  const e = Math.round(c.entry_threshold * 1e4);
  const conf = Math.round(c.confidence_threshold * 100);
  return `h${c.horizon}_e${e}_c${conf}_r${c.use_risk_management ? 1 : 0}_m${c.max_positions}`;
}

/** Thresholds are rounded to 10 decimals so 0.005 × 1.2 is 0.006, not 0.006000000000000001. */
const tidy = (x: number) => Math.round(x * 1e10) / 1e10;

export function discoveryGrid(horizon: number, base: Partial<DiscoveryBase> = {}): Candidate[] {
  if (!Number.isInteger(horizon) || horizon < 1) throw new RangeError(`horizon must be an integer ≥ 1 (got ${horizon})`);
  const b = { ...DEFAULT_DISCOVERY_BASE, ...base };
  const out: Candidate[] = [];
  for (const m of ENTRY_MULTIPLIERS) {
    const entry = tidy(Math.max(0.0005, b.entry_threshold * m));
    for (const o of CONFIDENCE_OFFSETS) {
      const conf = tidy(Math.min(0.99, Math.max(0.05, b.confidence_threshold + o)));
      for (const risk of RISK_MODES) {
        for (const mp of MAX_POSITIONS) {
          const c = {
            horizon,
            entry_threshold: entry,
            confidence_threshold: conf,
            use_risk_management: risk,
            max_positions: mp,
            position_size_pct: b.position_size_pct,
          };
          out.push({ strategy_id: strategyId(c), ...c });
        }
      }
    }
  }
  return b.max_candidates !== undefined ? out.slice(0, Math.max(0, b.max_candidates)) : out;
}
