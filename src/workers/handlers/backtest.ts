/**
 * `backtest` job: an SMA-rule backtest over stored datasets, run with the same engine entry
 * points as `qe backtest --rule sma:F,S` (alignBars → ruleSignals → simulateJob →
 * backtestReport). The result is stored as a `BacktestView` under `backtest/<manifestId>`,
 * the manifest of its inputs (dataset checksums + normalised params): an identical request
 * over unchanged data reuses the stored result, and random validation procedures are seeded
 * from the manifest, so the same manifest gives the same numbers.
 */
import { type SimulatorConfig, type SimulatorOverrides, DEFAULT_SIMULATOR, RULE_DEFAULTS, resolveConfig } from '../../engine/backtest/config';
import { type TickerSeries, alignBars } from '../../engine/backtest/matrix';
import { backtestReport, toJson } from '../../engine/backtest/report';
import { type PredictionRows, predictionSignals, ruleSignals } from '../../engine/backtest/signals';
import { simulateJob } from '../../engine/backtest/simulator';
import { EXIT_REASONS } from '../../engine/backtest/trade-log';
import type { DatasetMeta, JobManifest, Json } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { DAY_MS } from '../../engine/core/time';
import { ENGINE_VERSION } from '../../engine/core/version';
import { DEFAULT_DRAWDOWN_CONTROL } from '../../engine/risk/drawdown-control';
import { drawdownSeries } from '../../engine/risk/drawdowns';
import { rollingBenchmark } from '../../engine/risk/rolling-benchmark';
import { rollingSharpe, rollingVolatility } from '../../engine/risk/rolling-stats';
import { getArtifact, putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { loadDataset } from '../../storage/datasets';
import type { QeDb } from '../../storage/db';
import type { BacktestParams, BacktestView } from '../api';
import type { PredictionsView } from '../models/signal-views';
import { buildManifest } from '../manifest';
import { resultInput } from '../research-results';
import type { JobHandler } from './types';

export class BacktestParamsError extends Error {
  constructor(field: string, message: string) {
    super(`backtest params.${field}: ${message}`);
    this.name = 'BacktestParamsError';
  }
}

type Raw = { [k: string]: Json };

function numField(p: Raw, k: string, def: number | null, min: number, max: number, int = false): number | null {
  const v = p[k];
  if (v === undefined || v === null) {
    if (def === null) return null;
    return def;
  }
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new BacktestParamsError(k, `must be a number (got ${JSON.stringify(v)})`);
  if (int && !Number.isInteger(v)) throw new BacktestParamsError(k, `must be an integer (got ${v})`);
  if (v < min || v > max) throw new BacktestParamsError(k, `must be in [${min}, ${max}] (got ${v})`);
  return v;
}

function req(v: number | null, k: string): number {
  if (v === null) throw new BacktestParamsError(k, 'is required');
  return v;
}

/** Validated params with every default filled in (the manifest hashes this form). */
export function normaliseBacktestParams(p: Raw): BacktestParams {
  const ids = p.datasetIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
    throw new BacktestParamsError('datasetIds', 'must be a non-empty list of dataset ids');
  }
  const datasetIds = [...new Set(ids as string[])].sort();
  const bench = p.benchmarkId;
  if (bench !== undefined && bench !== null && typeof bench !== 'string') throw new BacktestParamsError('benchmarkId', 'must be a dataset id');
  const rule = (p.rule ?? { kind: 'sma', fast: 20, slow: 50 }) as Raw;
  if (typeof rule !== 'object' || Array.isArray(rule) || rule.kind !== 'sma') throw new BacktestParamsError('rule', 'must be {kind:"sma", fast, slow}');
  const fast = req(numField(rule, 'fast', 20, 1, 500, true), 'rule.fast');
  const slow = req(numField(rule, 'slow', 50, 2, 1000, true), 'rule.slow');
  if (fast >= slow) throw new BacktestParamsError('rule', `fast (${fast}) must be shorter than slow (${slow})`);
  const fill = p.fill ?? 'open';
  if (fill !== 'open' && fill !== 'close') throw new BacktestParamsError('fill', `must be "open" or "close" (got ${JSON.stringify(fill)})`);
  const rm = p.risk_management ?? false;
  if (typeof rm !== 'boolean') throw new BacktestParamsError('risk_management', 'must be true or false');
  const source = p.signal_source ?? 'rule';
  if (source !== 'rule' && source !== 'predictions') throw new BacktestParamsError('signal_source', `must be "rule" or "predictions" (got ${JSON.stringify(source)})`);
  const run = p.predictions_run ?? null;
  if (source === 'predictions' && (typeof run !== 'string' || run === '')) {
    throw new BacktestParamsError('predictions_run', 'must name a Signal Desk run (a `predict` job id) when signal_source is "predictions"');
  }
  return {
    datasetIds,
    benchmarkId: typeof bench === 'string' && bench !== '' ? bench : null,
    rule: { kind: 'sma', fast, slow },
    signal_source: source,
    predictions_run: source === 'predictions' ? (run as string) : null,
    holding_period: req(numField(p, 'holding_period', 10, 1, 60, true), 'holding_period'),
    max_positions: req(numField(p, 'max_positions', 10, 1, 50, true), 'max_positions'),
    entry_threshold: req(numField(p, 'entry_threshold', 0, -1, 1), 'entry_threshold'),
    position_size: req(numField(p, 'position_size', 0.1, 0.01, 0.5), 'position_size'),
    fill,
    stop_loss: numField(p, 'stop_loss', null, 0.001, 0.99),
    take_profit: numField(p, 'take_profit', null, 0.001, 10),
    trailing_stop: numField(p, 'trailing_stop', null, 0.001, 0.99),
    commission_bps: req(numField(p, 'commission_bps', 1, 0, 500), 'commission_bps'),
    spread_bps: req(numField(p, 'spread_bps', 3, 0, 500), 'spread_bps'),
    risk_management: rm,
    initial_capital: req(numField(p, 'initial_capital', 1e6, 1, 1e12), 'initial_capital'),
    trials: req(numField(p, 'trials', 1, 1, 100000, true), 'trials'),
  };
}

/** The simulator configuration of the params: every field lands in it. */
export function backtestConfig(p: BacktestParams): SimulatorConfig {
  const stops: NonNullable<SimulatorOverrides['stops']> = {};
  if (p.stop_loss !== null) stops.stopLoss = p.stop_loss;
  if (p.take_profit !== null) stops.takeProfit = p.take_profit;
  if (p.trailing_stop !== null) stops.trailingStop = p.trailing_stop;
  const o: SimulatorOverrides = {
    // a rule enters while its score is positive; predictions keep the simulator's own gates
    ...(p.signal_source === 'rule' ? RULE_DEFAULTS : {}),
    initialCapital: p.initial_capital,
    holdingDays: p.holding_period,
    maxPositions: p.max_positions,
    entryThreshold: p.entry_threshold,
    fill: p.fill,
    sizing: { method: 'fixed', fraction: p.position_size },
    stops,
    costs: { commissionBps: p.commission_bps, spreadBps: p.spread_bps },
    drawdownControl: p.risk_management ? DEFAULT_DRAWDOWN_CONTROL : null,
    recordWeights: true,
  };
  return resolveConfig(o, DEFAULT_SIMULATOR);
}

export function backtestManifest(
  p: BacktestParams,
  datasets: readonly DatasetMeta[],
  benchmark: DatasetMeta | null,
  predictions: { key: string; checksum: string } | null = null,
): JobManifest {
  const inputs = datasets.map((d) => ({ key: d.id, checksum: d.checksum }));
  if (benchmark) inputs.push({ key: `benchmark:${benchmark.id}`, checksum: benchmark.checksum });
  if (predictions) inputs.push(predictions);
  return buildManifest({ type: 'backtest', params: p as unknown as Raw, inputs });
}

export function backtestResultKey(manifestId: string): string {
  return `backtest/${manifestId}`;
}

async function requireMeta(db: QeDb, id: string): Promise<DatasetMeta> {
  const m = await getDatasetMeta(db, id);
  if (!m) throw new DatasetNotFoundError(id);
  return m;
}

/** A Signal Desk run (`predictions/<jobId>`), checked enough to build signals from its history. */
async function readPredictionsRun(db: QeDb, runId: string): Promise<{ key: string; checksum: string; view: PredictionsView }> {
  const key = `predictions/${runId}`;
  const rec = await getArtifact(db, key);
  if (!rec) throw new BacktestParamsError('predictions_run', `no stored predictions ${key} (run Generate Signals on the Signal Desk first)`);
  const v = rec.value as unknown as Partial<PredictionsView>;
  if (!Array.isArray(v.history)) throw new BacktestParamsError('predictions_run', `${key} has no prediction history`);
  // predictions are written once per job: the write time identifies the content
  return { key, checksum: `${rec.manifestId ?? ''}@${rec.createdAt}`, view: v as PredictionsView };
}

/** The run's prediction history for the backtested tickers (bars without a prediction are skipped). */
export function predictionRows(view: PredictionsView, tickers: readonly string[]): PredictionRows {
  const want = new Set(tickers);
  const days: number[] = [];
  const names: string[] = [];
  const predicted: number[] = [];
  const confidence: number[] = [];
  for (const h of view.history) {
    if (!want.has(h.ticker)) continue;
    for (let j = 0; j < h.dates.length; j++) {
      const r = h.predicted[j];
      if (r === null || !Number.isFinite(r)) continue;
      days.push(Math.floor(Date.parse(`${h.dates[j].slice(0, 10)}T00:00:00Z`) / DAY_MS));
      names.push(h.ticker);
      predicted.push(r);
      const c = h.confidence[j];
      confidence.push(c === null || !Number.isFinite(c) ? 0 : Math.min(1, Math.max(0, c)));
    }
  }
  if (days.length === 0) {
    throw new BacktestParamsError('predictions_run', `predictions of run ${view.jobId} cover none of ${tickers.join(', ')}`);
  }
  return { days: Int32Array.from(days), tickers: names, predicted: Float64Array.from(predicted), confidence: Float64Array.from(confidence) };
}

const ROLLING_WINDOW = 63;

function equityFromReturns(r: Float64Array): number[] {
  const out = new Array<number>(r.length);
  let e = 1;
  for (let t = 0; t < r.length; t++) {
    e *= 1 + r[t];
    out[t] = e;
  }
  return out;
}

function finite(x: ArrayLike<number>): (number | null)[] {
  return Array.from(x, (v) => (Number.isFinite(v) ? v : null));
}

export const backtestHandler: JobHandler = async (params, ctx, env) => {
  const p = normaliseBacktestParams(params);
  const db = await env.db();
  const metas = await Promise.all(p.datasetIds.map((id) => requireMeta(db, id)));
  const benchMeta = p.benchmarkId ? await requireMeta(db, p.benchmarkId) : null;
  const stored = p.predictions_run ? await readPredictionsRun(db, p.predictions_run) : null;
  const manifest = backtestManifest(p, metas, benchMeta, stored && { key: stored.key, checksum: stored.checksum });
  const key = backtestResultKey(manifest.id);
  if (await getArtifact(db, key)) {
    ctx.progress(1, 'Reused the stored result of identical inputs');
    env.log.info(`backtest ${key} reused`, { jobId: env.jobId });
    return { resultKey: key };
  }
  const config = backtestConfig(p);
  const series: TickerSeries[] = [];
  for (let i = 0; i < metas.length; i++) {
    ctx.progress(0.02 + (0.08 * i) / metas.length, `Loading ${metas[i].ticker}`);
    const d = await loadDataset(db, metas[i].id);
    if (d.meta.checksum !== metas[i].checksum) throw new Error(`dataset ${metas[i].id} changed while the backtest was loading it; run it again`);
    if (!stored && d.bars.ts.length < p.rule.slow + 2) {
      throw new Error(`dataset ${metas[i].id} has ${d.bars.ts.length} bars; the slow SMA needs more than ${p.rule.slow}`);
    }
    series.push({ ticker: d.meta.ticker, bars: d.bars });
    await checkpoint(ctx);
  }
  let benchmark: { days: Int32Array; returns: Float64Array; name: string } | undefined;
  if (benchMeta) {
    const b = (await loadDataset(db, benchMeta.id)).bars;
    const n = b.ts.length;
    if (n < 2) throw new Error(`benchmark ${benchMeta.id} needs at least 2 bars`);
    const days = new Int32Array(n - 1);
    const returns = new Float64Array(n - 1);
    for (let j = 1; j < n; j++) {
      days[j - 1] = Math.floor(b.ts[j] / DAY_MS);
      returns[j - 1] = b.close[j] / b.close[j - 1] - 1;
    }
    benchmark = { days, returns, name: benchMeta.ticker };
  }
  const m = alignBars(series);
  const signals = stored ? predictionSignals(m, predictionRows(stored.view, m.tickers)) : ruleSignals(m, p.rule);
  const t0 = env.monotonic();
  const sim = await simulateJob({ matrix: m, signals, config }, {
    signal: ctx.signal,
    yield: () => ctx.yield(),
    progress: (f, stage) => ctx.progress(0.1 + 0.6 * f, stage),
  });
  await checkpoint(ctx);
  ctx.progress(0.75, 'Metrics, risk and validation');
  const report = backtestReport(sim, m, {
    seedKey: `manifest:${manifest.id}:${manifest.seed}`,
    nTrials: p.trials,
    sims: 1000,
    nullBaselines: false,
    ...(stored ? { predictions: signals } : {}),
    ...(benchmark ? { benchmark } : {}),
  });
  await checkpoint(ctx);
  const T = sim.days.length;
  const dates = Array.from(sim.days, (d) => d * DAY_MS);
  let benchmarkEquity: number[] | null = null;
  let comparison: BacktestView['comparison'] = null;
  let missingBench = 0;
  if (benchmark) {
    const rb = rollingBenchmark({ dates: sim.days, returns: sim.returns }, { dates: benchmark.days, returns: benchmark.returns }, 60);
    const bByDay = new Map<number, number>();
    for (let j = 0; j < benchmark.days.length; j++) bByDay.set(benchmark.days[j], benchmark.returns[j]);
    const bRet = new Float64Array(T);
    for (let t = 1; t < T; t++) {
      const b = bByDay.get(sim.days[t]);
      if (b === undefined) missingBench++;
      else bRet[t] = b;
    }
    benchmarkEquity = equityFromReturns(bRet).map((v) => v * config.initialCapital);
    comparison = {
      benchmark: benchMeta?.ticker ?? 'benchmark',
      benchmarkReturns: Array.from(bRet),
      rollingCorrelation60: finite(rb.onStrategyDates.correlation),
      rollingBeta60: finite(rb.onStrategyDates.beta),
      rollingAlpha60: finite(rb.onStrategyDates.alphaAnn),
    };
  }
  const dd = drawdownSeries(sim.returns);
  const tr = sim.trades;
  const iso = (row: number) => new Date(sim.days[row] * DAY_MS).toISOString().slice(0, 10);
  const trades: BacktestView['trades'] = {
    n: tr.n,
    ticker: Array.from(tr.ticker, (i) => sim.tickers[i]),
    entryDate: Array.from(tr.entryBar, iso),
    exitDate: Array.from(tr.exitBar, iso),
    entryPrice: finite(tr.entryPrice),
    exitPrice: finite(tr.exitPrice),
    shares: finite(tr.shares),
    netReturn: finite(tr.netReturn),
    pnl: finite(tr.pnl),
    holdingDays: Array.from(tr.holdingDays),
    exitReason: Array.from(tr.exitReason, (r) => EXIT_REASONS[r] ?? 'unknown'),
    regime: Array.from(tr.regime),
  };
  const inputs = [...metas.map((d) => resultInput(d, 'dataset')), ...(benchMeta ? [resultInput(benchMeta, 'benchmark')] : [])];
  const computedAt = new Date(env.now()).toISOString();
  const view: BacktestView = {
    params: p,
    tickers: [...sim.tickers],
    dates,
    equity: Array.from(sim.equity),
    returns: Array.from(sim.returns),
    benchmarkEquity,
    drawdown: finite(dd.drawdown),
    rollingVol: finite(rollingVolatility(sim.returns, ROLLING_WINDOW)),
    rollingSharpe: finite(rollingSharpe(sim.returns, ROLLING_WINDOW)),
    rollingWindow: ROLLING_WINDOW,
    comparison,
    trades,
    report: report as { [k: string]: Json },
    inputs,
    warnings: [
      ...((report.run as { warnings?: string[] } | null)?.warnings ?? []),
      ...(missingBench > 0 ? [`${benchMeta?.id} has no bar on ${missingBench} of the strategy's ${T} dates; its charted return there is 0 (metrics use the date inner join).`] : []),
    ],
    engineVersion: ENGINE_VERSION,
    manifestId: manifest.id,
    computedAt,
  };
  ctx.progress(0.95, 'Storing result');
  await putArtifact(db, key, toJson(view), computedAt, { jobId: env.jobId, manifestId: manifest.id });
  env.log.info(`backtest of ${p.datasetIds.join(', ')}: ${tr.n} trades over ${T} bars in ${(env.monotonic() - t0).toFixed(0)} ms`, {
    jobId: env.jobId,
    context: { trades: tr.n, bars: T },
  });
  ctx.progress(1, `Done · ${tr.n} trades`);
  return { resultKey: key };
};
