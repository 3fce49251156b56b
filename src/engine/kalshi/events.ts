/**
 * Event features and labels (engine-trading §6.4). Snapshot times per event come from the
 * horizon grid clamped to `release − purge days`; the purge guard refuses any as-of time at or
 * after the release, and the as-of join only ever reads distribution rows with ts ≤ as-of.
 * (The clamp collapses the intraday horizons onto one time, as in the source — pitfall 9;
 * rows are indexed by (event_id, asof_ts), so collapsed horizons become one row.)
 */
import { MICRO_FEATURES, microstructureFeatures } from './microstructure';
import type { DistributionSnapshot } from './snapshot';
import { DAY_MS, type EventOutcome, HOUR_MS, type MacroEvent, type MarketQuotes, MINUTE_MS, purgeDays } from './types';

export const SNAPSHOT_HORIZONS_MS: readonly number[] = [7 * DAY_MS, DAY_MS, 4 * HOUR_MS, HOUR_MS, 15 * MINUTE_MS, 5 * MINUTE_MS];

export class PurgeGuardError extends Error {
  constructor(
    readonly eventId: string,
    readonly asof: number,
    readonly release: number,
  ) {
    super(`event ${eventId}: snapshot as-of ${new Date(asof).toISOString()} is not before its release ${new Date(release).toISOString()} (purge guard)`);
    this.name = 'PurgeGuardError';
  }
}

export interface FeatureOptions {
  /** purge days per event type (defaults to the spec table) */
  purgeDays?: (eventType: string) => number;
  horizonsMs?: readonly number[];
  /** minimum snapshot quality for the as-of join (0) */
  minQuality?: number;
  /** quotes and contract counts per market, for the micro_* features (NaN without) */
  quotes?: ReadonlyMap<string, { quotes: MarketQuotes; contracts: number }>;
}

/** As-of times of one event, ascending and de-duplicated; throws PurgeGuardError if any is ≥ release. */
export function snapshotTimes(ev: MacroEvent, opts: FeatureOptions = {}): number[] {
  const purgeMs = (opts.purgeDays ?? purgeDays)(ev.event_type) * DAY_MS;
  const out = new Set<number>();
  for (const h of opts.horizonsMs ?? SNAPSHOT_HORIZONS_MS) {
    const asof = Math.min(ev.release_ts - h, ev.release_ts - purgeMs);
    if (!(asof < ev.release_ts)) throw new PurgeGuardError(ev.event_id, asof, ev.release_ts);
    out.add(asof);
  }
  return [...out].sort((a, b) => a - b);
}

/** Distribution fields copied into features. */
export const SNAPSHOT_FEATURES = [
  'mean',
  'var',
  'skew',
  'entropy',
  'quality_score',
  'coverage_ratio',
  'median_spread',
  'median_quote_age_seconds',
  'constraint_violation_score',
  'mass_missing_estimate',
  'tail_p_1',
  'tail_p_2',
  'tail_p_3',
  'distance_kl_1h',
  'distance_js_1h',
  'distance_wasserstein_1h',
  'distance_kl_1d',
  'distance_js_1d',
  'distance_wasserstein_1d',
] as const satisfies readonly (keyof DistributionSnapshot)[];

export const DERIVED_FEATURES = [
  'minutes_to_release',
  'delta_mean',
  'delta_var',
  'delta_entropy',
  'speed_mean_per_hour',
  'speed_var_per_hour',
  'speed_entropy_per_hour',
  'late_drift_mean',
  'variance_collapse_ratio',
  'entropy_collapse_ratio',
] as const;

export const FEATURE_COLUMNS: readonly string[] = [...SNAPSHOT_FEATURES, ...DERIVED_FEATURES, ...MICRO_FEATURES];

export interface EventFeatureRow {
  event_id: string;
  event_type: string;
  release_ts: number;
  asof_ts: number;
  /** market whose snapshot was joined ('' when none) */
  market_id: string;
  /** ts of the joined snapshot (NaN when none) — always ≤ asof_ts */
  snapshot_ts: number;
  /** FEATURE_COLUMNS order */
  values: Float64Array;
}

/** Last snapshot with ts ≤ asof (and quality ≥ min), or null. Panel must be ts-ascending. */
export function asofJoin(panel: readonly DistributionSnapshot[], asof: number, minQuality = 0): DistributionSnapshot | null {
  let lo = 0;
  let hi = panel.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (panel[m].ts <= asof) lo = m + 1;
    else hi = m;
  }
  for (let i = lo - 1; i >= 0; i--) if (panel[i].quality_score >= minQuality) return panel[i];
  return null;
}

export interface EventMarketMap {
  byEvent: ReadonlyMap<string, readonly string[]>;
  byType: ReadonlyMap<string, readonly string[]>;
}

export function buildEventFeatures(
  events: readonly MacroEvent[],
  map: EventMarketMap,
  panels: ReadonlyMap<string, readonly DistributionSnapshot[]>,
  opts: FeatureOptions = {},
): EventFeatureRow[] {
  const rows: EventFeatureRow[] = [];
  const nS = SNAPSHOT_FEATURES.length;
  const col = (name: (typeof DERIVED_FEATURES)[number]) => nS + DERIVED_FEATURES.indexOf(name);
  for (const ev of events) {
    const markets = map.byEvent.get(ev.event_id) ?? map.byType.get(ev.event_type) ?? [];
    const evRows: EventFeatureRow[] = [];
    for (const asof of snapshotTimes(ev, opts)) {
      let best: DistributionSnapshot | null = null;
      let bestMarket = '';
      for (const mId of markets) {
        const s = asofJoin(panels.get(mId) ?? [], asof, opts.minQuality ?? 0);
        if (s && (best === null || s.ts > best.ts)) {
          best = s;
          bestMarket = mId;
        }
      }
      const values = new Float64Array(FEATURE_COLUMNS.length).fill(Number.NaN);
      if (best) for (let j = 0; j < nS; j++) values[j] = best[SNAPSHOT_FEATURES[j]];
      values[col('minutes_to_release')] = (ev.release_ts - asof) / MINUTE_MS;
      const mq = best ? opts.quotes?.get(bestMarket) : undefined;
      if (mq) values.set(microstructureFeatures(mq.quotes, mq.contracts, asof), nS + DERIVED_FEATURES.length);
      evRows.push({ event_id: ev.event_id, event_type: ev.event_type, release_ts: ev.release_ts, asof_ts: asof, market_id: bestMarket, snapshot_ts: best ? best.ts : Number.NaN, values });
    }
    derive(evRows, col);
    rows.push(...evRows);
  }
  return rows;
}

function derive(evRows: EventFeatureRow[], col: (n: (typeof DERIVED_FEATURES)[number]) => number): void {
  const iMean = SNAPSHOT_FEATURES.indexOf('mean');
  const iVar = SNAPSHOT_FEATURES.indexOf('var');
  const iEnt = SNAPSHOT_FEATURES.indexOf('entropy');
  if (evRows.length === 0) return;
  const first = evRows[0].values;
  // Last mean observed more than 60 minutes before release.
  let anchorMean = Number.NaN;
  for (const r of evRows) if (r.values[col('minutes_to_release')] > 60 && Number.isFinite(r.values[iMean])) anchorMean = r.values[iMean];
  for (let k = 0; k < evRows.length; k++) {
    const v = evRows[k].values;
    if (k > 0) {
      const p = evRows[k - 1].values;
      const hours = (evRows[k].asof_ts - evRows[k - 1].asof_ts) / HOUR_MS;
      const pairs: [number, (typeof DERIVED_FEATURES)[number], (typeof DERIVED_FEATURES)[number]][] = [
        [iMean, 'delta_mean', 'speed_mean_per_hour'],
        [iVar, 'delta_var', 'speed_var_per_hour'],
        [iEnt, 'delta_entropy', 'speed_entropy_per_hour'],
      ];
      for (const [src, d, s] of pairs) {
        const delta = v[src] - p[src];
        v[col(d)] = delta;
        v[col(s)] = hours > 0 ? delta / hours : Number.NaN;
      }
    }
    if (v[col('minutes_to_release')] <= 60) v[col('late_drift_mean')] = v[iMean] - anchorMean;
    v[col('variance_collapse_ratio')] = first[iVar] !== 0 ? v[iVar] / first[iVar] : Number.NaN;
    v[col('entropy_collapse_ratio')] = first[iEnt] !== 0 ? v[iEnt] / first[iEnt] : Number.NaN;
  }
}

export type LabelMode = 'first_print' | 'latest';

export interface EventLabel {
  event_id: string;
  label_value: number;
  label_asof_ts: number;
  label_mode: LabelMode;
  label_source: string;
  first_print_value: number;
  revised_print_value: number;
  learned_at_ts: number;
}

/**
 * Labels per event: first print = earliest outcome row with asof_ts ≥ release_ts; latest =
 * the last revision after it (falling back to the first print, source "first_print_fallback").
 * Rows known before the release are never labels.
 */
export function buildLabels(outcomes: readonly EventOutcome[], mode: LabelMode = 'first_print'): Map<string, EventLabel> {
  const byEvent = new Map<string, EventOutcome[]>();
  for (const o of outcomes) {
    if (!(o.asof_ts >= o.release_ts)) continue;
    const list = byEvent.get(o.event_id);
    if (list) list.push(o);
    else byEvent.set(o.event_id, [o]);
  }
  const out = new Map<string, EventLabel>();
  for (const [id, list] of byEvent) {
    list.sort((a, b) => a.asof_ts - b.asof_ts);
    const first = list[0];
    const revised = list.length > 1 ? list[list.length - 1] : null;
    const chosen = mode === 'latest' && revised ? revised : first;
    out.set(id, {
      event_id: id,
      label_value: chosen.realized_value,
      label_asof_ts: chosen.asof_ts,
      label_mode: mode,
      label_source: mode === 'latest' && !revised ? 'first_print_fallback' : chosen.source,
      first_print_value: first.realized_value,
      revised_print_value: revised ? revised.realized_value : Number.NaN,
      learned_at_ts: chosen.learned_at_ts,
    });
  }
  return out;
}
