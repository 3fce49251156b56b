/**
 * Distribution panel of one market on a 5-minute grid between its first and last quote:
 * one snapshot per grid time, walking each contract's quotes forward once (no search per
 * snapshot), then the 1h / 1d distances against the snapshot at or before ts − lag.
 */
import type { JobContext } from '../core/context';
import { snapshotDistances } from './distance';
import {
  allocLatest,
  contractRanges,
  type DistributionSnapshot,
  fillLatestRow,
  marketLayout,
  type SnapshotOptions,
  snapshotFromLatest,
} from './snapshot';
import { DAY_MS, type EventContract, type EventMarket, HOUR_MS, type MarketQuotes, MINUTE_MS } from './types';

export const PANEL_STEP_MS = 5 * MINUTE_MS;

export interface PanelOptions extends SnapshotOptions {
  stepMs?: number;
  /** explicit grid (epoch ms, ascending) instead of the 5-minute grid */
  grid?: Float64Array;
}

/** The 5-minute grid from the first quote (rounded up) to the last quote (rounded down). */
export function panelGrid(quotes: MarketQuotes, stepMs = PANEL_STEP_MS): Float64Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < quotes.ts.length; i++) {
    const t = quotes.ts[i];
    if (t < lo) lo = t;
    if (t > hi) hi = t;
  }
  if (!(hi >= lo)) return new Float64Array(0);
  const start = Math.ceil(lo / stepMs) * stepMs;
  const end = Math.floor(hi / stepMs) * stepMs;
  if (end < start) return new Float64Array(0);
  const n = Math.round((end - start) / stepMs) + 1;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = start + i * stepMs;
  return g;
}

export function buildPanel(
  market: EventMarket,
  contracts: readonly EventContract[],
  quotes: MarketQuotes,
  opts: PanelOptions = {},
  ctx?: JobContext,
): DistributionSnapshot[] {
  const grid = opts.grid ?? panelGrid(quotes, opts.stepMs);
  const layout = marketLayout(market, contracts);
  const ranges = contractRanges(contracts, quotes);
  const n = contracts.length;
  const ptr = new Int32Array(n);
  for (let i = 0; i < n; i++) ptr[i] = ranges[2 * i];
  const latest = allocLatest(n);
  const out: DistributionSnapshot[] = new Array(grid.length);
  for (let g = 0; g < grid.length; g++) {
    const asof = grid[g];
    for (let i = 0; i < n; i++) {
      let r = ptr[i];
      if (r < 0) continue;
      const end = ranges[2 * i + 1];
      let moved = -1;
      while (r < end && quotes.ts[r] <= asof) moved = r++;
      ptr[i] = r;
      if (moved >= 0) fillLatestRow(latest, i, quotes, moved);
    }
    out[g] = snapshotFromLatest(market, contracts, layout, latest, asof, opts);
    if (ctx && (g & 1023) === 1023) ctx.progress(g / grid.length, `${market.market_id}: ${g} of ${grid.length} snapshots`);
  }
  addDistances(out, HOUR_MS, '1h');
  addDistances(out, DAY_MS, '1d');
  return out;
}

/** Fills distance_*_<tag> of each snapshot vs the latest snapshot with ts ≤ its ts − lag. */
export function addDistances(panel: DistributionSnapshot[], lagMs: number, tag: '1h' | '1d'): void {
  let j = -1;
  for (let i = 0; i < panel.length; i++) {
    const target = panel[i].ts - lagMs;
    while (j + 1 < i && panel[j + 1].ts <= target) j++;
    if (j < 0 || panel[j].ts > target) continue;
    const a = panel[i];
    const b = panel[j];
    const d = snapshotDistances(a.support, a.mass, b.support, b.mass);
    if (tag === '1h') {
      a.distance_kl_1h = d.kl;
      a.distance_js_1h = d.js;
      a.distance_wasserstein_1h = d.wasserstein;
    } else {
      a.distance_kl_1d = d.kl;
      a.distance_js_1d = d.js;
      a.distance_wasserstein_1d = d.wasserstein;
    }
  }
}
