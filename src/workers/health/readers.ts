/**
 * Adapters from stored documents (catalog, quality artifacts, the strategy registry, backtest
 * and model artifacts) to the health engine's plain inputs. Each reader names what it could
 * not use in a warning instead of guessing; the snapshot carries those warnings.
 */
import type { DatasetMeta, Json } from '../../engine/contracts';
import type {
  HealthBacktest,
  HealthDataset,
  HealthFold,
  HealthGateSettings,
  HealthModel,
  HealthQualityReport,
  HealthRegistry,
  HealthWalkForward,
} from '../../engine/health/types';

type Obj = { [k: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const numOr = (v: Json | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const arrLen = (v: Json | undefined): number => (Array.isArray(v) ? v.length : 0);
const ms = (v: Json | undefined): number | null => {
  if (typeof v !== 'string') return null;
  const t = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  return Number.isFinite(t) ? t : null;
};
const get = (o: Json | undefined, ...path: string[]): Json | undefined => {
  let cur: Json | undefined = o;
  for (const p of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
};

export class HealthInputError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'HealthInputError';
  }
}

/** The quality artifact (`quality/<id>/<checksum>`) → the fields the checks read. */
export function readQualityReport(value: Json, key: string): HealthQualityReport {
  const rep = get(value, 'report');
  if (!isObj(rep)) throw new HealthInputError(key, 'has no report object');
  const status = rep.status;
  if (status !== 'pass' && status !== 'warn' && status !== 'fail') throw new HealthInputError(key, `report.status is ${JSON.stringify(status)}`);
  const rows = numOr(rep.rows);
  if (rows === null) throw new HealthInputError(key, 'report.rows is not a number');
  return {
    status,
    rows,
    zeroVolumeRows: numOr(rep.zero_volume_rows) ?? 0,
    missingWeekdayFraction: numOr(rep.missing_weekday_fraction),
    gapRuns: arrLen(rep.gap_runs),
    suspectedSplits: arrLen(rep.suspected_splits),
    staleRuns: arrLen(rep.stale_runs),
    adjCloseUsed: get(value, 'adjCloseUsed') === true,
  };
}

export function healthDataset(meta: DatasetMeta, report: HealthQualityReport | null): HealthDataset {
  return {
    id: meta.id,
    ticker: meta.ticker,
    timeframe: meta.timeframe,
    origin: meta.origin,
    storedAt: Date.parse(meta.storedAt),
    rows: meta.rows,
    first: meta.first === null ? null : Date.parse(meta.first),
    last: meta.last === null ? null : Date.parse(meta.last),
    quality: meta.quality,
    report,
  };
}

/** Registry `autopilot/strategies` = `{active, history}` (engine-trading §5.5). */
export function readRegistry(value: Json, key: string): HealthRegistry {
  if (!isObj(value)) throw new HealthInputError(key, 'is not an object');
  const { active, history } = value;
  if (!Array.isArray(active) || !Array.isArray(history)) throw new HealthInputError(key, 'must hold arrays "active" and "history"');
  const metricsOf = (m: Json | undefined): Record<string, number | boolean | null> => {
    const out: Record<string, number | boolean | null> = {};
    if (isObj(m)) for (const [k, v] of Object.entries(m)) if (typeof v === 'number' || typeof v === 'boolean' || v === null) out[k] = v;
    return out;
  };
  return {
    active: active.map((a, i) => {
      if (!isObj(a) || typeof a.strategy_id !== 'string') throw new HealthInputError(key, `active[${i}] has no strategy_id`);
      return { strategyId: a.strategy_id, score: numOr(a.score), metrics: metricsOf(a.metrics) };
    }),
    history: history.map((h, i) => {
      if (!isObj(h) || typeof h.strategy_id !== 'string' || typeof h.passed !== 'boolean') {
        throw new HealthInputError(key, `history[${i}] needs strategy_id and a boolean passed`);
      }
      return {
        strategyId: h.strategy_id,
        passed: h.passed,
        reasons: Array.isArray(h.reasons) ? h.reasons.filter((r): r is string => typeof r === 'string') : [],
        timestamp: typeof h.timestamp === 'string' ? h.timestamp : '',
      };
    }),
  };
}

/** Gate settings: a flat map of thresholds/flags (numbers and booleans only). */
export function readGate(value: Json, key: string): HealthGateSettings {
  if (!isObj(value)) throw new HealthInputError(key, 'is not an object');
  const out: HealthGateSettings = {};
  for (const [k, v] of Object.entries(value)) if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}

const KNOB_SKIP = new Set(['datasetIds', 'benchmarkId', 'trials', 'initial_capital']);

/** A stored backtest view (`backtest/<manifestId>`) → costs, turnover, knobs, recorded WF. */
export function readBacktest(value: Json, key: string, createdAt: string): { backtest: HealthBacktest; walkForward: HealthWalkForward | null } {
  const params = get(value, 'params');
  const report = get(value, 'report');
  if (!isObj(params) || !isObj(report)) throw new HealthInputError(key, 'has no params or report');
  const costs = get(report, 'run', 'config', 'costs');
  const entry = numOr(get(report, 'trades', 'avg_entry_cost_bps'));
  const exit = numOr(get(report, 'trades', 'avg_exit_cost_bps'));
  const sides = [entry, exit].filter((x): x is number => x !== null);
  const knobs: HealthBacktest['knobs'] = {};
  for (const [k, v] of Object.entries(params)) {
    if (KNOB_SKIP.has(k)) continue;
    if (isObj(v)) {
      for (const [k2, v2] of Object.entries(v)) if (k2 !== 'kind' && (typeof v2 !== 'object' || v2 === null)) knobs[`${k}.${k2}`] = v2;
    } else if (!Array.isArray(v)) knobs[k] = v;
  }
  const computedAt = ms(get(value, 'computedAt')) ?? ms(createdAt) ?? 0;
  const backtest: HealthBacktest = {
    key,
    computedAt,
    commissionBps: numOr(get(costs, 'commissionBps')) ?? numOr(params.commission_bps),
    spreadBps: numOr(get(costs, 'spreadBps')) ?? numOr(params.spread_bps),
    impactBps: get(costs, 'dynamic') === false ? 0 : numOr(get(costs, 'impactCoeffBps')),
    turnoverAnn: numOr(get(report, 'performance', 'turnover_ann')),
    avgCostBps: sides.length > 0 ? sides.reduce((a, b) => a + b, 0) / sides.length : null,
    cagr: numOr(get(report, 'performance', 'cagr')),
    trades: numOr(get(value, 'trades', 'n')) ?? numOr(get(report, 'trades', 'total_trades')) ?? 0,
    bars: numOr(get(report, 'run', 'bars')) ?? arrLen(get(value, 'dates')),
    trials: numOr(params.trials) ?? 1,
    knobs,
  };
  const wf = get(report, 'validation', 'predictions', 'walk_forward');
  let walkForward: HealthWalkForward | null = null;
  if (isObj(wf) && Array.isArray(wf.folds) && wf.folds.length > 0) {
    // Backtest WF folds are sample positions (pairs ordered by date, then ticker): the order
    // check holds in that index space, so positions stand in for times here.
    walkForward = {
      source: key,
      metric: 'Spearman corr (predicted vs realised)',
      purge: null,
      embargo: null,
      folds: wf.folds.filter(isObj).map((f, i) => ({
        fold: numOr(f.fold) ?? i,
        trainStart: numOr(f.trainStart),
        trainEnd: numOr(f.trainEnd) === null ? null : (numOr(f.trainEnd) as number) - 1,
        testStart: numOr(f.testStart),
        testEnd: numOr(f.testEnd),
        isMetric: numOr(f.isCorr),
        oosMetric: numOr(f.oosCorr),
      })),
    };
  }
  return { backtest, walkForward };
}

/** Finds a training report (`qe train` JSON shape) inside a stored model artifact. */
function trainReport(value: Json): Obj | null {
  for (const cand of [value, get(value, 'report'), get(value, 'trainReport'), get(value, 'train_report')]) {
    if (isObj(cand) && Array.isArray(cand.features) && isObj(cand.global)) return cand;
  }
  return null;
}

/** A stored model artifact (`model/…`) → features, rows, knobs and its purged-CV folds. */
export function readModel(value: Json, key: string, createdAt: string): { model: HealthModel; walkForward: HealthWalkForward | null } | null {
  const rep = trainReport(value);
  if (!rep) return null;
  const features = (rep.features as Json[]).filter((f): f is string => typeof f === 'string');
  const rows = numOr(rep.rows) ?? 0;
  const knobs: HealthModel['knobs'] = {};
  if (numOr(rep.horizon) !== null) knobs.horizon = numOr(rep.horizon);
  const cv = get(rep, 'global', 'cv');
  const folds: HealthFold[] = [];
  if (isObj(cv) && Array.isArray(cv.folds)) {
    for (const [i, f] of cv.folds.entries()) {
      if (!isObj(f)) continue;
      const tr = Array.isArray(f.train) ? f.train : [];
      const te = Array.isArray(f.test) ? f.test : [];
      folds.push({
        fold: numOr(f.fold) ?? i,
        trainStart: ms(tr[0]),
        trainEnd: ms(tr[1]),
        testStart: ms(te[0]),
        testEnd: ms(te[1]),
        isMetric: numOr(f.is_rank_ic),
        oosMetric: numOr(f.rank_ic),
      });
    }
    knobs.cv_folds = folds.length;
  }
  const purge = numOr(get(cv, 'purge'));
  const model: HealthModel = { key, computedAt: ms(createdAt) ?? 0, features, rows, knobs };
  const walkForward: HealthWalkForward | null =
    folds.length > 0 ? { source: key, metric: 'rank IC', folds, purge: purge ?? numOr(rep.horizon), embargo: numOr(get(cv, 'embargo')) } : null;
  return { model, walkForward };
}
