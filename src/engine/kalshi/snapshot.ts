/**
 * Distribution snapshot of one market at one as-of time (engine-trading §6.2): stale
 * cutoff, live quotes, bin or threshold structure, direction, monotone repair, PMF,
 * moments, tails, quality and hard gates. Every path returns the same field set (empty
 * template), so panels and features never see ragged rows.
 */
import { type DirectionConfidence, type DirectionSource, resolveDirection } from './direction';
import { repairMonotone } from './isotonic';
import { finiteMedian, qualityDimensions } from './quality';
import { staleCutoffMs } from './stale';
import { DEFAULT_TAIL_THRESHOLDS, type EventContract, type EventMarket, marketEventTime, type MarketQuotes, TAIL_THRESHOLDS } from './types';
import type { QuoteColumns } from './types';

export type SnapshotKind = 'bin' | 'threshold' | 'empty' | 'unstructured';

export interface DistributionSnapshot {
  market_id: string;
  /** as-of time, epoch ms */
  ts: number;
  kind: SnapshotKind;
  mean: number;
  var: number;
  skew: number;
  entropy: number;
  quality_score: number;
  coverage_ratio: number;
  median_spread: number;
  median_quote_age_seconds: number;
  volume_oi_proxy: number;
  constraint_violation_score: number;
  tail_p_1: number;
  tail_p_2: number;
  tail_p_3: number;
  tail_threshold_1: number;
  tail_threshold_2: number;
  tail_threshold_3: number;
  tail_left_missing: number;
  tail_right_missing: number;
  mass_missing_estimate: number;
  moment_truncated: number;
  monotonic_violations_pre: number;
  monotonic_violation_magnitude: number;
  renorm_delta: number;
  isotonic_l1: number;
  isotonic_l2: number;
  distance_kl_1h: number;
  distance_js_1h: number;
  distance_wasserstein_1h: number;
  distance_kl_1d: number;
  distance_js_1d: number;
  distance_wasserstein_1d: number;
  quality_low: number;
  hard_gate_failed: number;
  direction_resolved: string | null;
  direction_source: DirectionSource | null;
  direction_confidence: DirectionConfidence | null;
  bin_overlap_count: number;
  bin_gap_mass_estimate: number;
  bin_support_is_ordered: number;
  violated_constraints_pre: number;
  violated_constraints_post: number;
  quality_flags: string[];
  stale_cutoff_minutes: number;
  live_contracts: number;
  expected_contracts: number;
  /** outcome support (ascending) and its probability mass (sums to 1, or both empty) */
  support: Float64Array;
  mass: Float64Array;
}

/** Latest quote per contract at or before the as-of time (NaN where a contract has none). */
export interface LatestQuotes extends QuoteColumns {
}

export function allocLatest(n: number): LatestQuotes {
  const f = () => new Float64Array(n).fill(Number.NaN);
  return { ts: f(), bid: f(), ask: f(), mid: f(), last: f(), volume: f(), oi: f() };
}

export function tailThresholds(eventType: string): readonly [number, number, number] {
  return TAIL_THRESHOLDS[eventType] ?? DEFAULT_TAIL_THRESHOLDS;
}

const EMPTY: Float64Array = new Float64Array(0);

/** The one template every snapshot starts from (empty snapshot semantics). */
export function emptySnapshot(market: EventMarket, ts: number, expected: number): DistributionSnapshot {
  const [k1, k2, k3] = tailThresholds(market.event_type);
  const N = Number.NaN;
  return {
    market_id: market.market_id,
    ts,
    kind: 'empty',
    mean: N,
    var: N,
    skew: N,
    entropy: N,
    quality_score: 0,
    coverage_ratio: 0,
    median_spread: N,
    median_quote_age_seconds: N,
    volume_oi_proxy: N,
    constraint_violation_score: N,
    tail_p_1: N,
    tail_p_2: N,
    tail_p_3: N,
    tail_threshold_1: k1,
    tail_threshold_2: k2,
    tail_threshold_3: k3,
    tail_left_missing: 1,
    tail_right_missing: 1,
    mass_missing_estimate: expected > 0 ? 1 : N,
    moment_truncated: 1,
    monotonic_violations_pre: 0,
    monotonic_violation_magnitude: 0,
    renorm_delta: 1,
    isotonic_l1: 0,
    isotonic_l2: 0,
    distance_kl_1h: N,
    distance_js_1h: N,
    distance_wasserstein_1h: N,
    distance_kl_1d: N,
    distance_js_1d: N,
    distance_wasserstein_1d: N,
    quality_low: 1,
    hard_gate_failed: 1,
    direction_resolved: null,
    direction_source: null,
    direction_confidence: null,
    bin_overlap_count: 0,
    bin_gap_mass_estimate: N,
    bin_support_is_ordered: 1,
    violated_constraints_pre: 0,
    violated_constraints_post: 0,
    quality_flags: ['no_live_quotes'],
    stale_cutoff_minutes: N,
    live_contracts: 0,
    expected_contracts: expected,
    support: EMPTY,
    mass: EMPTY,
  };
}

export interface SnapshotOptions {
  /** hard gate: minimum coverage (0.8) */
  minCoverage?: number;
  /** hard gate: maximum median relative spread, exclusive (0.25) */
  maxRelSpread?: number;
}

/** Contract order and structure of a market, computed once per market (not per snapshot). */
export interface MarketLayout {
  kind: 'bin' | 'threshold' | 'unstructured';
  /** contract indices (into the market's contract list) in support order */
  order: Int32Array;
  /** support value per ordered contract (bin midpoint or threshold) */
  support: Float64Array;
  binOverlaps: number;
  binInverted: number;
  binGapMass: number;
  direction: ReturnType<typeof resolveDirection>;
}

export function marketLayout(market: EventMarket, contracts: readonly EventContract[]): MarketLayout {
  const n = contracts.length;
  const hasBin = contracts.some((c) => Number.isFinite(c.bin_low) || Number.isFinite(c.bin_high));
  const unresolved = { direction: null, source: 'unresolved' as const, confidence: 'none' as const };
  if (hasBin) {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(contracts[i].bin_low) || Number.isFinite(contracts[i].bin_high));
    const lo = (i: number) => (Number.isFinite(contracts[i].bin_low) ? contracts[i].bin_low : Number.NEGATIVE_INFINITY);
    const hi = (i: number) => (Number.isFinite(contracts[i].bin_high) ? contracts[i].bin_high : Number.POSITIVE_INFINITY);
    idx.sort((a, b) => lo(a) - lo(b) || hi(a) - hi(b));
    let overlaps = 0;
    let inverted = 0;
    let gaps = 0;
    let minEdge = Number.POSITIVE_INFINITY;
    let maxEdge = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < idx.length; j++) {
      const l = lo(idx[j]);
      const h = hi(idx[j]);
      if (Number.isFinite(l) && Number.isFinite(h) && l > h) inverted++;
      for (const e of [l, h]) {
        if (Number.isFinite(e)) {
          minEdge = Math.min(minEdge, e);
          maxEdge = Math.max(maxEdge, e);
        }
      }
      if (j > 0) {
        const prevHigh = hi(idx[j - 1]);
        if (l < prevHigh) overlaps++;
        else if (Number.isFinite(prevHigh) && l > prevHigh) gaps += l - prevHigh;
      }
    }
    // Open-ended edge bins: the finite edge moved out by half the nearest closed bin's width.
    let width = Number.NaN;
    for (const i of idx) {
      const w = hi(i) - lo(i);
      if (Number.isFinite(w) && w > 0) {
        width = w;
        break;
      }
    }
    const half = Number.isFinite(width) ? width / 2 : 0;
    const support = Float64Array.from(idx, (i) => {
      const l = lo(i);
      const h = hi(i);
      if (Number.isFinite(l) && Number.isFinite(h)) return (l + h) / 2;
      return Number.isFinite(l) ? l + half : h - half;
    });
    const range = maxEdge - minEdge;
    return {
      kind: 'bin',
      order: Int32Array.from(idx),
      support,
      binOverlaps: overlaps,
      binInverted: inverted,
      binGapMass: range > 0 ? gaps / range : 0,
      direction: unresolved,
    };
  }
  const idx = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(contracts[i].threshold_value));
  if (idx.length === 0) {
    return { kind: 'unstructured', order: new Int32Array(0), support: EMPTY, binOverlaps: 0, binInverted: 0, binGapMass: 0, direction: unresolved };
  }
  idx.sort((a, b) => contracts[a].threshold_value - contracts[b].threshold_value);
  return {
    kind: 'threshold',
    order: Int32Array.from(idx),
    support: Float64Array.from(idx, (i) => contracts[i].threshold_value),
    binOverlaps: 0,
    binInverted: 0,
    binGapMass: 0,
    direction: resolveDirection(contracts[idx[0]], market),
  };
}

/** Linear interpolation of (x, y) at k with flat extrapolation; x ascending. */
export function interpFlat(x: ArrayLike<number>, y: ArrayLike<number>, k: number): number {
  const n = x.length;
  if (n === 0) return Number.NaN;
  if (k <= x[0]) return y[0];
  if (k >= x[n - 1]) return y[n - 1];
  let j = 1;
  while (x[j] < k) j++;
  const x0 = x[j - 1];
  const x1 = x[j];
  if (x1 === x0) return y[j];
  return y[j - 1] + ((y[j] - y[j - 1]) * (k - x0)) / (x1 - x0);
}

export interface Moments {
  mean: number;
  var: number;
  skew: number;
  entropy: number;
}

export function pmfMoments(support: ArrayLike<number>, mass: ArrayLike<number>): Moments {
  const n = support.length;
  if (n === 0) return { mean: Number.NaN, var: Number.NaN, skew: Number.NaN, entropy: Number.NaN };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += mass[i] * support[i];
  let v = 0;
  let m3 = 0;
  let entropy = 0;
  for (let i = 0; i < n; i++) {
    const d = support[i] - mean;
    v += mass[i] * d * d;
    m3 += mass[i] * d * d * d;
    if (mass[i] > 0) entropy -= mass[i] * Math.log(mass[i]);
  }
  const skew = v <= 1e-12 ? 0 : m3 / v ** 1.5;
  return { mean, var: v, skew, entropy };
}

/** Sorts (support, mass) pairs by support (stable) into new arrays. */
function sortPairs(support: number[], mass: number[]): { support: Float64Array; mass: Float64Array } {
  const idx = support.map((_, i) => i).sort((a, b) => support[a] - support[b] || a - b);
  return { support: Float64Array.from(idx, (i) => support[i]), mass: Float64Array.from(idx, (i) => mass[i]) };
}

/**
 * Snapshot from the latest quote per contract (`latest` aligned with `contracts`). The panel
 * keeps `latest` current while it walks the grid; `buildSnapshot` does the lookup directly.
 */
export function snapshotFromLatest(
  market: EventMarket,
  contracts: readonly EventContract[],
  layout: MarketLayout,
  latest: LatestQuotes,
  asof: number,
  opts: SnapshotOptions = {},
): DistributionSnapshot {
  const expected = contracts.length;
  const n = contracts.length;
  // Liquidity proxy from the latest quote of every contract (before the staleness filter).
  const medVolAll = finiteMedian(latest.volume, n);
  const medOiAll = finiteMedian(latest.oi, n);
  const liquidity = Number.isFinite(medVolAll) || Number.isFinite(medOiAll) ? (Number.isFinite(medVolAll) ? Math.log1p(medVolAll) : 0) + (Number.isFinite(medOiAll) ? Math.log1p(medOiAll) : 0) : Number.NaN;
  const cutoff = staleCutoffMs(marketEventTime(market), asof, market.event_type, liquidity);

  const live = new Uint8Array(n);
  const price = new Float64Array(n).fill(Number.NaN);
  let liveCount = 0;
  let maxPrice = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const t = latest.ts[i];
    if (!(t <= asof) || asof - t > cutoff) continue;
    let p = latest.mid[i];
    if (!Number.isFinite(p)) p = latest.last[i];
    if (!Number.isFinite(p)) continue;
    live[i] = 1;
    price[i] = p;
    liveCount++;
    if (p > maxPrice) maxPrice = p;
  }
  const snap = emptySnapshot(market, asof, expected);
  snap.stale_cutoff_minutes = cutoff / 60_000;
  if (liveCount === 0) return snap;

  const scale = maxPrice > 1.5 ? 0.01 : 1;
  const prob = new Float64Array(n);
  const spreads = new Float64Array(liveCount);
  const ages = new Float64Array(liveCount);
  const vols = new Float64Array(liveCount);
  const ois = new Float64Array(liveCount);
  let k = 0;
  for (let i = 0; i < n; i++) {
    if (!live[i]) continue;
    prob[i] = Math.min(1, Math.max(0, price[i] * scale));
    const mid = Number.isFinite(latest.mid[i]) ? latest.mid[i] : price[i];
    spreads[k] = Number.isFinite(latest.bid[i]) && Number.isFinite(latest.ask[i]) && mid !== 0 ? Math.abs(latest.ask[i] - latest.bid[i]) / Math.abs(mid) : Number.NaN;
    ages[k] = (asof - latest.ts[i]) / 1000;
    vols[k] = latest.volume[i];
    ois[k] = latest.oi[i];
    k++;
  }
  const flags: string[] = [];
  snap.quality_flags = flags;
  snap.live_contracts = liveCount;
  snap.kind = layout.kind;
  snap.mass_missing_estimate = expected > 0 ? (expected - liveCount) / expected : Number.NaN;
  snap.moment_truncated = liveCount < expected ? 1 : 0;

  let support: Float64Array = EMPTY;
  let mass: Float64Array = EMPTY;
  let violationMagnitude = 0;
  const ord = layout.order;
  const [k1, k2, k3] = tailThresholds(market.event_type);
  const tails = [Number.NaN, Number.NaN, Number.NaN];
  let resolved = true;
  if (layout.kind === 'bin') {
    snap.bin_overlap_count = layout.binOverlaps;
    snap.bin_gap_mass_estimate = layout.binGapMass;
    snap.bin_support_is_ordered = layout.binOverlaps === 0 && layout.binInverted === 0 ? 1 : 0;
    if (!snap.bin_support_is_ordered) flags.push('invalid_bins');
    snap.tail_left_missing = ord.length > 0 && live[ord[0]] ? 0 : 1;
    snap.tail_right_missing = ord.length > 0 && live[ord[ord.length - 1]] ? 0 : 1;
    const s: number[] = [];
    const p: number[] = [];
    let total = 0;
    for (let j = 0; j < ord.length; j++) {
      if (!live[ord[j]]) continue;
      s.push(layout.support[j]);
      p.push(prob[ord[j]]);
      total += prob[ord[j]];
    }
    snap.renorm_delta = Math.abs(total - 1);
    if (total > 0) {
      for (let j = 0; j < p.length; j++) p[j] /= total;
      ({ support, mass } = sortPairs(s, p));
      for (let t = 0; t < 3; t++) {
        const thr = [k1, k2, k3][t];
        let acc = 0;
        for (let j = 0; j < support.length; j++) if (support[j] >= thr) acc += mass[j];
        tails[t] = acc;
      }
    }
  } else if (layout.kind === 'threshold') {
    const dir = layout.direction;
    snap.direction_resolved = dir.direction;
    snap.direction_source = dir.source;
    snap.direction_confidence = dir.confidence;
    snap.tail_left_missing = live[ord[0]] ? 0 : 1;
    snap.tail_right_missing = live[ord[ord.length - 1]] ? 0 : 1;
    const xs: number[] = [];
    const raw: number[] = [];
    for (let j = 0; j < ord.length; j++) {
      if (!live[ord[j]]) continue;
      xs.push(layout.support[j]);
      raw.push(prob[ord[j]]);
    }
    if (dir.direction === null) {
      resolved = false;
      flags.push('unresolved_direction');
    } else {
      const ge = dir.direction === 'ge';
      const rep = repairMonotone(raw, ge);
      snap.monotonic_violations_pre = rep.violations;
      snap.monotonic_violation_magnitude = rep.magnitude;
      snap.violated_constraints_pre = rep.violations;
      snap.isotonic_l1 = rep.l1;
      snap.isotonic_l2 = rep.l2;
      violationMagnitude = rep.magnitude;
      const c = rep.repaired;
      const m = xs.length;
      const pm = new Float64Array(m);
      for (let j = 0; j < m; j++) {
        const v = ge ? (j < m - 1 ? c[j] - c[j + 1] : c[j]) : j === 0 ? c[0] : c[j] - c[j - 1];
        pm[j] = Math.max(v, 0);
      }
      let total = 0;
      for (let j = 0; j < m; j++) total += pm[j];
      snap.renorm_delta = Math.abs(total - 1);
      if (total > 0) {
        for (let j = 0; j < m; j++) pm[j] /= total;
        support = Float64Array.from(xs);
        mass = pm;
      }
      for (let t = 0; t < 3; t++) {
        const v = interpFlat(xs, c, [k1, k2, k3][t]);
        tails[t] = ge ? v : 1 - v;
      }
      let post = 0;
      for (let j = 1; j < m; j++) if (ge ? c[j] > c[j - 1] : c[j] < c[j - 1]) post++;
      snap.violated_constraints_post = post;
    }
  } else {
    resolved = false;
    flags.push('no_bins_or_thresholds');
  }
  snap.support = support;
  snap.mass = mass;
  snap.tail_p_1 = tails[0];
  snap.tail_p_2 = tails[1];
  snap.tail_p_3 = tails[2];

  const medSpread = finiteMedian(spreads);
  const medAge = finiteMedian(ages);
  const medVol = finiteMedian(vols);
  const medOi = finiteMedian(ois);
  const violation = violationMagnitude + (Number.isFinite(snap.renorm_delta) ? snap.renorm_delta : 0);
  const q = qualityDimensions({ observed: liveCount, expected, medianRelSpread: medSpread, medianAgeSeconds: medAge, medianVolume: medVol, medianOi: medOi, violation });
  snap.quality_score = q.quality_score;
  snap.coverage_ratio = q.coverage;
  snap.median_spread = medSpread;
  snap.median_quote_age_seconds = medAge;
  snap.volume_oi_proxy = q.volume_oi_proxy;
  snap.constraint_violation_score = violation;

  const cutoffSeconds = cutoff / 1000;
  if (q.coverage < 0.5) flags.push('low_coverage');
  if (medAge > cutoffSeconds) flags.push('stale_quotes');
  if (liveCount < 3) flags.push('insufficient_contracts');

  const minCoverage = opts.minCoverage ?? 0.8;
  const maxSpread = opts.maxRelSpread ?? 0.25;
  const gates: string[] = [];
  if (!(q.coverage >= minCoverage)) gates.push('gate_coverage');
  if (!(medAge <= cutoffSeconds)) gates.push('gate_quote_age');
  if (!(medSpread < maxSpread)) gates.push('gate_spread');
  flags.push(...gates);
  snap.hard_gate_failed = gates.length > 0 || !resolved ? 1 : 0;
  snap.quality_low = flags.length > 0 ? 1 : 0;
  if (resolved && gates.length === 0 && support.length > 0) {
    const mo = pmfMoments(support, mass);
    snap.mean = mo.mean;
    snap.var = mo.var;
    snap.skew = mo.skew;
    snap.entropy = mo.entropy;
  }
  return snap;
}

/** Index of the last quote of contract slot with ts ≤ asof in a (contract, ts)-sorted block, or −1. */
function lastAtOrBefore(ts: Float64Array, lo: number, hi: number, asof: number): number {
  let a = lo;
  let b = hi;
  while (a < b) {
    const m = (a + b) >> 1;
    if (ts[m] <= asof) a = m + 1;
    else b = m;
  }
  return a - 1 >= lo ? a - 1 : -1;
}

/** Row ranges [start, end) of each of `contracts` inside `quotes` (sorted by contract, ts). */
export function contractRanges(contracts: readonly EventContract[], quotes: MarketQuotes): Int32Array {
  const slot = new Map<string, number>();
  contracts.forEach((c, i) => {
    slot.set(c.contract_id, i);
  });
  const ranges = new Int32Array(contracts.length * 2).fill(-1);
  for (let r = 0; r < quotes.contract.length; r++) {
    const s = slot.get(quotes.contractIds[quotes.contract[r]]);
    if (s === undefined) continue;
    if (ranges[2 * s] < 0) ranges[2 * s] = r;
    ranges[2 * s + 1] = r + 1;
  }
  return ranges;
}

export function fillLatestRow(latest: LatestQuotes, i: number, q: MarketQuotes, r: number): void {
  latest.ts[i] = q.ts[r];
  latest.bid[i] = q.bid[r];
  latest.ask[i] = q.ask[r];
  latest.mid[i] = q.mid[r];
  latest.last[i] = q.last[r];
  latest.volume[i] = q.volume[r];
  latest.oi[i] = q.oi[r];
}

/** One snapshot straight from a market's quotes (binary search per contract). */
export function buildSnapshot(
  market: EventMarket,
  contracts: readonly EventContract[],
  quotes: MarketQuotes,
  asof: number,
  opts: SnapshotOptions = {},
): DistributionSnapshot {
  const layout = marketLayout(market, contracts);
  const ranges = contractRanges(contracts, quotes);
  const latest = allocLatest(contracts.length);
  for (let i = 0; i < contracts.length; i++) {
    const lo = ranges[2 * i];
    if (lo < 0) continue;
    const r = lastAtOrBefore(quotes.ts, lo, ranges[2 * i + 1], asof);
    if (r >= 0) fillLatestRow(latest, i, quotes, r);
  }
  return snapshotFromLatest(market, contracts, layout, latest, asof, opts);
}
