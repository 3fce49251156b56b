/**
 * The backtest report: one JSON-ready object from a simulation — contract E metrics of the
 * daily equity returns, trade statistics, exposure, drawdown control, validation (PSR/DSR,
 * t-test, Lo test, Monte Carlo of trade order, stationary bootstrap, null baselines), stress
 * scenarios on the average book, and attribution against a benchmark. Non-finite numbers
 * become null. Random procedures are seeded from `seedKey` (a stable description of the
 * inputs), so the same inputs give the same report.
 */
import { seedFromString } from '../core/hash';
import { ENGINE_VERSION } from '../core/version';
import { attributionReport } from '../risk/attribution';
import { gather, innerJoin, isoFromDay } from '../risk/dates';
import { DRAWDOWN_STATES } from '../risk/drawdown-control';
import { drawdownSeries, drawdownTable } from '../risk/drawdowns';
import { riskReport } from '../risk/report';
import { type ReturnMatrix, correlationStressTest, covarianceMatrix, runStressScenarios } from '../risk/stress';
import { type PriceMatrix, column } from './matrix';
import { computeMetrics } from './metrics';
import { type SignalMatrix, tradingRows } from './signals';
import type { SimulationResult } from './simulator';
import { tradeStats, weightedTradeReturns } from './trade-stats';
import { cpcvValidate } from './validation/cpcv';
import { bootstrapReturns, tradeMonteCarlo } from './validation/monte-carlo';
import { nullBaselines } from './validation/null-baselines';
import { deflatedSharpe, loSharpeTest, meanTTest, probabilisticSharpe, returnMoments } from './validation/sharpe';
import { walkForwardValidate } from './validation/walk-forward';

export interface ReportOptions {
  benchmark?: { days: Int32Array; returns: Float64Array; name?: string };
  /** contract E risk-free rate (default 0) */
  rfAnnual?: number;
  corrWindow?: number;
  /** strategies tried before this one (DSR); 1 → DSR = PSR(0) */
  nTrials?: number;
  /** variance of the per-period Sharpe across those trials (default: the estimator variance) */
  trialsSharpeVariance?: number;
  sims?: number;
  /** mean block length of the daily bootstrap */
  blockLength?: number;
  seedKey: string;
  nullBaselines?: boolean;
  /** notes from the caller (e.g. split adjustments), copied into run.warnings */
  warnings?: string[];
  /**
   * Model predictions that drove the run: adds walk-forward (§3.1) and CPCV (§3.3) checks of
   * predicted vs realised forward returns over `holdingDays` bars (default the config's, else 10).
   */
  predictions?: SignalMatrix;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deep copy with NaN/±∞ → null and typed arrays → arrays. */
export function toJson(x: unknown): Json {
  if (x === null || x === undefined) return null;
  if (typeof x === 'number') return Number.isFinite(x) ? x : null;
  if (typeof x === 'string' || typeof x === 'boolean') return x;
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>, (v) => (Number.isFinite(v) ? v : null));
  if (Array.isArray(x)) return x.map(toJson);
  if (typeof x === 'object') {
    const out: { [k: string]: Json } = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) out[k] = toJson(v);
    return out;
  }
  return null;
}

export function backtestReport(res: SimulationResult, m: PriceMatrix, opts: ReportOptions): Record<string, Json> {
  const T = res.days.length;
  const rfAnnual = opts.rfAnnual ?? 0;
  const corrWindow = opts.corrWindow ?? 63;
  const sims = opts.sims ?? 1000;
  const warnings = [...(opts.warnings ?? [])];
  const c = res.counters;
  if (c.fillsWithoutVolume > 0) warnings.push(`${c.fillsWithoutVolume} fills had no volume history: no participation cap or impact applied`);
  if (c.cancelledNoBar > 0) warnings.push(`${c.cancelledNoBar} orders were cancelled because the ticker had no bar on the fill date`);
  if (res.trades.n === 0) warnings.push('no trades: no signal passed the entry filters');

  const weightCols = res.weights ? Array.from({ length: m.cols }, (_, i) => column(m, res.weights!, i)) : undefined;
  const perf = computeMetrics({
    dates: res.days,
    returns: res.returns,
    rfAnnual,
    corrWindow,
    ...(weightCols ? { weights: weightCols } : {}),
    ...(opts.benchmark ? { benchmark: { dates: opts.benchmark.days, returns: opts.benchmark.returns } } : {}),
  });
  const { rolling_corr: _rc, ...performance } = perf;

  let gross = 0;
  let maxGross = 0;
  let openSum = 0;
  let maxOpen = 0;
  let invested = 0;
  for (let t = 0; t < T; t++) {
    const g = res.positionsValue[t] / res.equity[t];
    gross += g;
    maxGross = Math.max(maxGross, g);
    openSum += res.openPositions[t];
    maxOpen = Math.max(maxOpen, res.openPositions[t]);
    if (res.openPositions[t] > 0) invested++;
  }

  const r = res.returns;
  const mom = returnMoments(r);
  const sr = mom.std > 0 ? mom.mean / mom.std : Number.NaN;
  const nTrials = opts.nTrials ?? 1;
  const trialsVar = opts.trialsSharpeVariance ?? (1 + 0.5 * sr * sr) / Math.max(1, T - 1);
  const tradeR = weightedTradeReturns(res.trades);
  const seed = (what: string) => seedFromString(`${opts.seedKey}|${what}`);
  const validation: Record<string, unknown> = {
    sharpe_per_period: sr,
    skew: mom.skew,
    kurtosis: mom.kurtosis,
    psr_vs_zero: probabilisticSharpe({ sharpe: sr, n: T, skew: mom.skew, kurtosis: mom.kurtosis }),
    deflated_sharpe: { n_trials: nTrials, trials_sharpe_variance: trialsVar, ...deflatedSharpe({ sharpe: sr, n: T, skew: mom.skew, kurtosis: mom.kurtosis, nTrials, trialsVariance: trialsVar }) },
    daily_mean_t_test: meanTTest(r),
    trade_lo_test: res.trades.n >= 2 ? loSharpeTest(res.trades.netReturn, 0, res.config.holdingDays ?? 1) : null,
  };
  if (res.trades.n >= 2) {
    const shuffle = tradeMonteCarlo(tradeR, { sims, seed: seed('mc_shuffle'), method: 'shuffle' });
    const boot = tradeMonteCarlo(tradeR, { sims, seed: seed('mc_bootstrap'), method: 'bootstrap' });
    const mc = (x: typeof shuffle) => ({
      method: x.method,
      sims: x.sims,
      seed: x.seed,
      n_trades: x.nTrades,
      original: x.original,
      final_equity: x.finalEquityPct,
      max_drawdown: x.maxDrawdownPct,
      prob_loss: x.probLoss,
      prob_deeper_drawdown: x.probDeeperDrawdown,
    });
    validation.monte_carlo_trades = { shuffle: mc(shuffle), bootstrap: mc(boot) };
  }
  if (T >= 2) {
    const b = bootstrapReturns(r, { sims, seed: seed('bootstrap_daily'), method: 'stationary', blockLength: opts.blockLength ?? 10 });
    validation.bootstrap_daily = {
      method: b.method,
      sims: b.sims,
      seed: b.seed,
      block_length: b.blockLength,
      observed: b.observed,
      sharpe: b.sharpePct,
      total_return: b.totalReturnPct,
      max_drawdown: b.maxDrawdownPct,
      sharpe_p_value: b.sharpePValue,
    };
  }
  if (opts.nullBaselines ?? true) {
    const closes = Array.from({ length: m.cols }, (_, i) => {
      const rows = tradingRows(m, i);
      return Float64Array.from(rows, (t) => m.close[t * m.cols + i]);
    });
    const nb = nullBaselines(closes);
    const strategySharpe = perf.sharpe ?? Number.NaN;
    validation.null_baselines = nb;
    validation.vs_null = {
      sharpe_vs_random: strategySharpe - nb.random.sharpe,
      sharpe_vs_zero: strategySharpe - nb.zero.sharpe,
      sharpe_vs_momentum: strategySharpe - nb.momentum.sharpe,
      return_vs_random: perf.total_return - nb.random.totalReturn,
      return_vs_zero: perf.total_return - nb.zero.totalReturn,
      return_vs_momentum: perf.total_return - nb.momentum.totalReturn,
    };
  }

  if (opts.predictions) {
    const h = res.config.holdingDays ?? 10;
    const pa = predictionPairs(m, opts.predictions, h);
    const wf = walkForwardValidate(pa.predicted, pa.actual, { entryThreshold: res.config.entryThreshold });
    const cv = cpcvValidate(pa.predicted, pa.actual, res.config.entryThreshold);
    validation.predictions = {
      horizon_bars: h,
      order: 'date, then ticker',
      pairs: pa.predicted.length,
      walk_forward: wf,
      cpcv: {
        n: cv.n,
        splits: cv.splits,
        median_oos_corr: cv.medianOosCorr,
        fraction_positive_oos: cv.fractionPositiveOos,
        mean_oos_long_return: cv.meanOosLongReturn,
        best_oos_corr: cv.bestOosCorr,
        worst_oos_corr: cv.worstOosCorr,
        passes: cv.passes,
        reason: cv.reason,
      },
    };
  }

  let stress: Record<string, unknown> | null = null;
  if (weightCols) {
    const avg = new Float64Array(m.cols);
    weightCols.forEach((w, i) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += w[t];
      avg[i] = s / T;
    });
    const hist = assetReturns(m);
    const rows = completeRowsOf(hist);
    stress = {
      weights: 'time-average of the position weights',
      scenarios: runStressScenarios(avg, hist),
      correlation: rows.length >= 10 ? correlationStressTest(avg, covarianceMatrix(hist, rows)) : null,
      rows_used: rows.length,
    };
  }

  let attribution: Record<string, unknown> | null = null;
  if (opts.benchmark) {
    const j = innerJoin(res.days, opts.benchmark.days);
    if (j.left.length >= 2) {
      const a = attributionReport(gather(r, j.left), gather(opts.benchmark.returns, j.right));
      attribution = { benchmark: opts.benchmark.name ?? 'benchmark', ...a };
    }
  }

  let stateDays: Record<string, number> | null = null;
  if (res.controlState) {
    stateDays = {};
    for (const s of DRAWDOWN_STATES) stateDays[s] = 0;
    for (let t = 0; t < T; t++) stateDays[DRAWDOWN_STATES[res.controlState[t]]]++;
  }

  return toJson({
    engine_version: ENGINE_VERSION,
    run: {
      tickers: res.tickers,
      first_date: isoFromDay(res.days[0]),
      last_date: isoFromDay(res.days[T - 1]),
      bars: T,
      initial_capital: res.config.initialCapital,
      final_equity: res.equity[T - 1],
      config: res.config,
      counters: res.counters,
      warnings,
    },
    performance,
    trades: tradeStats(res.trades, res.days),
    exposure: {
      avg_gross_exposure: gross / T,
      max_gross_exposure: maxGross,
      avg_open_positions: openSum / T,
      max_open_positions: maxOpen,
      time_in_market: invested / T,
    },
    risk: riskReport(r),
    drawdowns: drawdownTable(drawdownSeries(r), 5).map((e) => ({
      peak: e.peakIndex < 0 ? isoFromDay(res.days[0]) : isoFromDay(res.days[e.peakIndex]),
      trough: isoFromDay(res.days[e.troughIndex]),
      recovery: e.recovered ? isoFromDay(res.days[e.recoveryIndex]) : null,
      depth: e.depth,
      bars_to_trough: e.toTrough,
      bars: e.length,
    })),
    drawdown_control: res.drawdown ? { ...res.drawdown, state_days: stateDays } : null,
    validation,
    stress,
    attribution,
  }) as Record<string, Json>;
}

/**
 * (predicted, realised) pairs: each prediction at row t of a ticker against its forward
 * return C_{t+h}/C_t − 1 over the ticker's own bars (pairs without h later bars are dropped),
 * in date-major order so that walk-forward and CPCV folds are calendar periods, not tickers.
 */
export function predictionPairs(m: PriceMatrix, s: SignalMatrix, h: number): { predicted: Float64Array; actual: Float64Array } {
  const fwd = new Float64Array(m.rows * m.cols).fill(Number.NaN);
  for (let i = 0; i < m.cols; i++) {
    const rows = tradingRows(m, i);
    for (let j = 0; j + h < rows.length; j++) {
      fwd[rows[j] * m.cols + i] = m.close[rows[j + h] * m.cols + i] / m.close[rows[j] * m.cols + i] - 1;
    }
  }
  const p: number[] = [];
  const a: number[] = [];
  for (let k = 0; k < m.rows * m.cols; k++) {
    if (Number.isFinite(s.score[k]) && Number.isFinite(fwd[k])) {
      p.push(s.score[k]);
      a.push(fwd[k]);
    }
  }
  return { predicted: Float64Array.from(p), actual: Float64Array.from(a) };
}

/** Close-to-close returns per ticker on the matrix rows (NaN where either bar is missing). */
function assetReturns(m: PriceMatrix): ReturnMatrix {
  const values = new Float64Array(m.rows * m.cols).fill(Number.NaN);
  for (let t = 1; t < m.rows; t++) {
    for (let i = 0; i < m.cols; i++) values[t * m.cols + i] = m.close[t * m.cols + i] / m.close[(t - 1) * m.cols + i] - 1;
  }
  return { rows: m.rows, assets: m.cols, values };
}

function completeRowsOf(r: ReturnMatrix): Int32Array {
  const keep: number[] = [];
  for (let t = 0; t < r.rows; t++) {
    let ok = true;
    for (let i = 0; i < r.assets && ok; i++) ok = Number.isFinite(r.values[t * r.assets + i]);
    if (ok) keep.push(t);
  }
  return Int32Array.from(keep);
}

