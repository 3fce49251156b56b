/**
 * The Kalshi Events view of one event type, from stored records: distribution snapshots of
 * each market at the times the features need (rows of the 5-minute panel), event features
 * with the purge guard, first-print labels, the surprise history, the event walk-forward
 * on surprises (realised − market mean) and the market-vs-model disagreement.
 */
import type { JobContext } from '../core/context';
import { buildEventFeatures, buildLabels, FEATURE_COLUMNS, type FeatureOptions, snapshotTimes } from './events';
import { type JsonNum, jiso, jnum, type SnapshotJson, snapshotJson } from './json';
import { buildPanel, PANEL_STEP_MS, panelGrid } from './panel';
import type { DistributionSnapshot } from './snapshot';
import { DAY_MS, type EventContract, type EventMarket, type EventOutcome, HOUR_MS, type MacroEvent, type MarketQuotes } from './types';
import { eventContractMetrics, oosEventReturns } from './contract-metrics';
import { type EventPromotion, eventPromotion } from './promotion';
import { eventWalkForward, type WalkForwardConfig } from './walkforward';

/** Span of the current market's 5-minute history in the view. */
export const CURRENT_HISTORY_MS = 3 * DAY_MS;

export interface KalshiRecords {
  markets: readonly EventMarket[];
  contracts: readonly EventContract[];
  quotes: readonly MarketQuotes[];
  outcomes: readonly EventOutcome[];
}

export interface DistributionBucket {
  bucket: string;
  x: number;
  probability: number;
  cdf: number;
}

export interface KalshiCurrentView {
  market_id: string;
  event_id: string;
  title: string;
  release_ts: string | null;
  asof: string | null;
  snapshot: SnapshotJson;
  buckets: DistributionBucket[];
  /** 5-minute history of the current market (ts ISO, mean, quality) */
  history: { ts: string[]; mean: JsonNum[]; quality: JsonNum[]; entropy: JsonNum[] };
}

export interface KalshiEventRow {
  event_id: string;
  market_id: string;
  release_ts: string | null;
  expected_value: JsonNum;
  realized_value: JsonNum;
  surprise: JsonNum;
  quality_score: JsonNum;
  hard_gate_failed: boolean;
}

export interface KalshiWalkForwardView {
  n_events: number;
  n_labelled: number;
  folds: { fold: number; test_start: string | null; train_events: number; test_events: number; hit_rate: JsonNum; oos_corr: JsonNum; mean_return: JsonNum; purge_days: number; alpha: number }[];
  hit_rate: JsonNum;
  wf_oos_corr: JsonNum;
  wf_positive_fold_fraction: JsonNum;
  wf_is_oos_gap: JsonNum;
  worst_event_loss: JsonNum;
  n_trials_total: number;
  skipped: string[];
  /** why there are no folds, when there are none */
  reason: string | null;
  /** event contract metrics of the out-of-sample event returns */
  contract: { sharpe: JsonNum; dsr: JsonNum; bootstrap_mean_lo: JsonNum; bootstrap_mean_hi: JsonNum; turnover_proxy: JsonNum; capacity_utilization: JsonNum; event_type_stability: JsonNum };
  /** event promotion (§6.6): the gate's decision on the out-of-sample event returns; null without folds */
  promotion: KalshiPromotionView | null;
}

export interface KalshiPromotionView {
  passed: boolean;
  reasons: string[];
  n_events: number;
  win_rate: JsonNum;
  total_return: JsonNum;
  cagr: JsonNum;
  sharpe: JsonNum;
  sortino: JsonNum;
  profit_factor: JsonNum;
  max_drawdown: JsonNum;
  dsr_p_value: JsonNum;
  bootstrap_p_value: JsonNum;
  surprise_hit_rate: JsonNum;
  by_type: { event_type: string; n: number; mean_return: JsonNum; win_rate: JsonNum; sharpe: JsonNum }[];
}

function promotionView(p: EventPromotion): KalshiPromotionView {
  const b = p.backtest;
  return {
    passed: p.decision.passed,
    reasons: p.decision.reasons,
    n_events: b.n,
    win_rate: jnum(b.win_rate),
    total_return: jnum(b.total_return),
    cagr: jnum(b.cagr),
    sharpe: jnum(b.sharpe),
    sortino: jnum(b.sortino),
    profit_factor: jnum(b.profit_factor),
    max_drawdown: jnum(b.max_drawdown),
    dsr_p_value: jnum(p.metrics.dsr_p_value),
    bootstrap_p_value: jnum(p.metrics.mc_p_value),
    surprise_hit_rate: jnum(p.metrics.event?.surprise_hit_rate ?? Number.NaN),
    by_type: b.by_type.map((t) => ({ event_type: t.event_type, n: t.n, mean_return: jnum(t.mean_return), win_rate: jnum(t.win_rate), sharpe: jnum(t.sharpe) })),
  };
}

export interface KalshiDisagreementRow {
  event_id: string;
  release_ts: string | null;
  market_mean: JsonNum;
  model_mean: JsonNum;
  gap: JsonNum;
  realized_value: JsonNum;
}

export interface KalshiTypeView {
  event_type: string;
  markets: number;
  contracts: number;
  quotes: number;
  events: KalshiEventRow[];
  current: KalshiCurrentView | null;
  walkforward: KalshiWalkForwardView;
  disagreement: KalshiDisagreementRow[];
  feature_columns: string[];
  warnings: string[];
}

/** Event types present in the markets, sorted. */
export function eventTypes(markets: readonly EventMarket[]): string[] {
  return [...new Set(markets.map((m) => m.event_type || 'UNKNOWN'))].sort();
}

/** Release time of each event: first outcome's release_ts, else the market's release/settle/close. */
export function macroEvents(markets: readonly EventMarket[], outcomes: readonly EventOutcome[]): MacroEvent[] {
  const outRelease = new Map<string, number>();
  for (const o of outcomes) if (!outRelease.has(o.event_id)) outRelease.set(o.event_id, o.release_ts);
  const events = new Map<string, MacroEvent>();
  for (const m of markets) {
    if (events.has(m.event_id)) continue;
    const r = outRelease.get(m.event_id) ?? [m.release_ts, m.settle_ts, m.close_ts].find(Number.isFinite) ?? Number.NaN;
    if (Number.isFinite(r)) events.set(m.event_id, { event_id: m.event_id, event_type: m.event_type || 'UNKNOWN', release_ts: r });
  }
  return [...events.values()].sort((a, b) => a.release_ts - b.release_ts || (a.event_id < b.event_id ? -1 : 1));
}

/**
 * Rows of the 5-minute panel at the grid times the features read (each as-of time floored to
 * the grid and clamped to the panel's span, plus those times − 1h and − 1d for distances).
 */
export function featurePanel(market: EventMarket, contracts: readonly EventContract[], quotes: MarketQuotes, asofs: readonly number[]): DistributionSnapshot[] {
  const full = panelGrid(quotes);
  if (full.length === 0) return [];
  const first = full[0];
  const last = full[full.length - 1];
  const times = new Set<number>();
  for (const a of asofs) {
    const g = Math.min(Math.floor(a / PANEL_STEP_MS) * PANEL_STEP_MS, last);
    for (const t of [g, g - HOUR_MS, g - DAY_MS]) if (t >= first) times.add(t);
  }
  return buildPanel(market, contracts, quotes, { grid: Float64Array.from([...times].sort((a, b) => a - b)) });
}

function bucketsOf(s: DistributionSnapshot, contracts: readonly EventContract[]): DistributionBucket[] {
  const out: DistributionBucket[] = [];
  let cum = 0;
  const bins = s.kind === 'bin';
  const sorted = bins ? [...contracts].filter((c) => Number.isFinite(c.bin_low) || Number.isFinite(c.bin_high)) : [];
  for (let i = 0; i < s.support.length; i++) {
    cum += s.mass[i];
    const x = s.support[i];
    let label = fmt(x);
    if (bins) {
      const c = sorted.find((b) => Math.abs(binMid(b, sorted) - x) < 1e-9);
      if (c) label = Number.isFinite(c.bin_low) && Number.isFinite(c.bin_high) ? `${fmt(c.bin_low)}–${fmt(c.bin_high)}` : Number.isFinite(c.bin_low) ? `≥ ${fmt(c.bin_low)}` : `< ${fmt(c.bin_high)}`;
    } else if (s.kind === 'threshold') {
      const next = s.support[i + 1];
      label = next === undefined ? `≥ ${fmt(x)}` : `${fmt(x)}–${fmt(next)}`;
    }
    out.push({ bucket: label, x, probability: s.mass[i], cdf: Math.min(1, cum) });
  }
  return out;
}

function binMid(c: EventContract, all: readonly EventContract[]): number {
  if (Number.isFinite(c.bin_low) && Number.isFinite(c.bin_high)) return (c.bin_low + c.bin_high) / 2;
  const closed = all.find((b) => Number.isFinite(b.bin_low) && Number.isFinite(b.bin_high) && b.bin_high > b.bin_low);
  const half = closed ? (closed.bin_high - closed.bin_low) / 2 : 0;
  return Number.isFinite(c.bin_low) ? c.bin_low + half : c.bin_high - half;
}

const fmt = (x: number) => String(Math.round(x * 1e6) / 1e6);

export function analyseEventType(records: KalshiRecords, eventType: string, opts: { walkforward?: Partial<WalkForwardConfig>; features?: FeatureOptions } = {}, ctx?: JobContext): KalshiTypeView {
  const warnings: string[] = [];
  const markets = records.markets.filter((m) => (m.event_type || 'UNKNOWN') === eventType);
  const marketIds = new Set(markets.map((m) => m.market_id));
  const contractsBy = new Map<string, EventContract[]>();
  for (const c of records.contracts) {
    if (!marketIds.has(c.market_id)) continue;
    const l = contractsBy.get(c.market_id);
    if (l) l.push(c);
    else contractsBy.set(c.market_id, [c]);
  }
  const quotesBy = new Map(records.quotes.filter((q) => marketIds.has(q.market_id)).map((q) => [q.market_id, q] as const));
  const eventIds = new Set(markets.map((m) => m.event_id));
  const outcomes = records.outcomes.filter((o) => eventIds.has(o.event_id));
  const events = macroEvents(markets, outcomes);
  const byEvent = new Map<string, string[]>();
  for (const m of markets) byEvent.set(m.event_id, [...(byEvent.get(m.event_id) ?? []), m.market_id]);

  const panels = new Map<string, DistributionSnapshot[]>();
  let nQuotes = 0;
  let done = 0;
  for (const ev of events) {
    const asofs = snapshotTimes(ev, opts.features);
    for (const mId of byEvent.get(ev.event_id) ?? []) {
      const q = quotesBy.get(mId);
      const m = markets.find((x) => x.market_id === mId);
      if (!q || !m) continue;
      nQuotes += q.ts.length;
      panels.set(mId, featurePanel(m, contractsBy.get(mId) ?? [], q, asofs));
    }
    done++;
    if (ctx && done % 10 === 0) ctx.progress(0.1 + (0.6 * done) / events.length, `${eventType}: snapshots of ${done} of ${events.length} events`);
  }
  const noQuotes = markets.filter((m) => !quotesBy.has(m.market_id)).length;
  if (noQuotes > 0) warnings.push(`${noQuotes} ${eventType} market(s) have no quotes stored`);

  const microQuotes = new Map([...quotesBy].map(([id, q]) => [id, { quotes: q, contracts: contractsBy.get(id)?.length ?? 0 }] as const));
  const features = buildEventFeatures(events, { byEvent, byType: new Map() }, panels, { ...opts.features, quotes: microQuotes });
  const labels = buildLabels(outcomes, 'first_print');
  const iMean = FEATURE_COLUMNS.indexOf('mean');
  const iQual = FEATURE_COLUMNS.indexOf('quality_score');
  // One row per event: its last snapshot before release (closest to the release).
  const lastRow = new Map<string, (typeof features)[number]>();
  for (const r of features) lastRow.set(r.event_id, r);

  const rows: KalshiEventRow[] = [];
  const table = { event_id: [] as string[], event_type: [] as string[], release: [] as number[], cols: FEATURE_COLUMNS.map(() => [] as number[]), label: [] as number[], mean: [] as number[], realized: [] as number[] };
  for (const ev of events) {
    const r = lastRow.get(ev.event_id);
    const lab = labels.get(ev.event_id);
    const expected = r ? r.values[iMean] : Number.NaN;
    const realized = lab ? lab.label_value : Number.NaN;
    const surprise = realized - expected;
    rows.push({
      event_id: ev.event_id,
      market_id: r?.market_id ?? '',
      release_ts: jiso(ev.release_ts),
      expected_value: jnum(expected),
      realized_value: jnum(realized),
      surprise: jnum(surprise),
      quality_score: jnum(r ? r.values[iQual] : Number.NaN),
      hard_gate_failed: !Number.isFinite(expected),
    });
    if (r) {
      table.event_id.push(ev.event_id);
      table.event_type.push(ev.event_type);
      table.release.push(ev.release_ts);
      for (let j = 0; j < FEATURE_COLUMNS.length; j++) table.cols[j].push(r.values[j]);
      table.label.push(surprise);
      table.mean.push(expected);
      table.realized.push(realized);
    }
  }
  ctx?.progress(0.75, `${eventType}: walk-forward over ${table.event_id.length} events`);
  const wfTable = { event_id: table.event_id, event_type: table.event_type, release_ts: Float64Array.from(table.release), names: [...FEATURE_COLUMNS], columns: table.cols.map((c) => Float64Array.from(c)), label: Float64Array.from(table.label) };
  const wf = eventWalkForward(wfTable, opts.walkforward);
  const contractM = eventContractMetrics(wf, wfTable);
  const promotion = wf.folds.length > 0 ? promotionView(eventPromotion(wf, contractM, oosEventReturns(wf, wfTable))) : null;
  const nLabelled = table.label.filter(Number.isFinite).length;
  const cfgMin = (opts.walkforward?.trainMinEvents ?? 40) + (opts.walkforward?.testEventsPerFold ?? 20);
  const disagreement: KalshiDisagreementRow[] = [];
  const idx = new Map(table.event_id.map((id, i) => [id, i] as const));
  for (const f of wf.folds) {
    f.test_ids.forEach((id, k) => {
      const i = idx.get(id) as number;
      const mm = table.mean[i];
      disagreement.push({ event_id: id, release_ts: jiso(table.release[i]), market_mean: jnum(mm), model_mean: jnum(mm + f.predictions[k]), gap: jnum(f.predictions[k]), realized_value: jnum(table.realized[i]) });
    });
  }

  // Current distribution: the newest market with quotes, at its last grid time.
  let current: KalshiCurrentView | null = null;
  const withQuotes = markets.filter((m) => quotesBy.has(m.market_id));
  const evRelease = new Map(events.map((e) => [e.event_id, e.release_ts] as const));
  withQuotes.sort((a, b) => (evRelease.get(a.event_id) ?? 0) - (evRelease.get(b.event_id) ?? 0) || (a.market_id < b.market_id ? -1 : 1));
  const cm = withQuotes[withQuotes.length - 1];
  if (cm) {
    const q = quotesBy.get(cm.market_id) as MarketQuotes;
    const cs = contractsBy.get(cm.market_id) ?? [];
    // The current market's panel over its last CURRENT_HISTORY_MS of quotes (the chart's span).
    const grid = panelGrid(q);
    const end = grid.length > 0 ? grid[grid.length - 1] : Number.NaN;
    const panel = buildPanel(cm, cs, q, { grid: grid.filter((t) => t > end - CURRENT_HISTORY_MS) }, ctx);
    const snap = panel[panel.length - 1];
    if (snap) {
      current = {
        market_id: cm.market_id,
        event_id: cm.event_id,
        title: cm.title,
        release_ts: jiso(evRelease.get(cm.event_id) ?? Number.NaN),
        asof: jiso(snap.ts),
        snapshot: snapshotJson(snap),
        buckets: bucketsOf(snap, cs),
        history: { ts: panel.map((p) => jiso(p.ts) as string), mean: panel.map((p) => jnum(p.mean)), quality: panel.map((p) => jnum(p.quality_score)), entropy: panel.map((p) => jnum(p.entropy)) },
      };
    }
  }
  return {
    event_type: eventType,
    markets: markets.length,
    contracts: [...contractsBy.values()].reduce((s, l) => s + l.length, 0),
    quotes: nQuotes,
    events: rows,
    current,
    walkforward: {
      n_events: table.event_id.length,
      n_labelled: nLabelled,
      folds: wf.folds.map((f) => ({ fold: f.fold, test_start: jiso(f.test_start_ts), train_events: f.train_events, test_events: f.test_events, hit_rate: jnum(f.hit_rate), oos_corr: jnum(f.oos_corr), mean_return: jnum(f.mean_return), purge_days: f.purge_ms / DAY_MS, alpha: f.alpha })),
      hit_rate: jnum(wf.hit_rate),
      wf_oos_corr: jnum(wf.wf_oos_corr),
      wf_positive_fold_fraction: jnum(wf.wf_positive_fold_fraction),
      wf_is_oos_gap: jnum(wf.wf_is_oos_gap),
      worst_event_loss: jnum(wf.worst_event_loss),
      n_trials_total: wf.n_trials_total,
      skipped: wf.skipped,
      contract: {
        sharpe: jnum(contractM.sharpe),
        dsr: jnum(contractM.dsr),
        bootstrap_mean_lo: jnum(contractM.bootstrap_mean_lo),
        bootstrap_mean_hi: jnum(contractM.bootstrap_mean_hi),
        turnover_proxy: jnum(contractM.turnover_proxy),
        capacity_utilization: jnum(contractM.capacity_utilization),
        event_type_stability: jnum(contractM.event_type_stability),
      },
      promotion,
      reason: wf.folds.length > 0 ? null : `the event walk-forward needs at least ${cfgMin} events with a label and a valid market mean (have ${nLabelled}); import more event outcomes`,
    },
    disagreement,
    feature_columns: [...FEATURE_COLUMNS],
    warnings,
  };
}
