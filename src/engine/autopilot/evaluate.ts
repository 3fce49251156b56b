/**
 * Candidate evaluation (spec §5.3): one candidate's backtest through the real simulator on
 * the shared (top-K filtered) prediction panel, then the validation the gate needs — DSR,
 * Monte Carlo significance, capacity, walk-forward, regime breakdown, statistical tests,
 * CPCV, SPA, stress regimes and transition drawdown. PBO is global over all candidates, so
 * `withGlobalPbo` fills it in once every candidate is done.
 *
 * Validation pairs are (prediction masked to 0 below the candidate's confidence threshold,
 * forward H-bar return of the ticker) in date-major order, so folds are calendar periods.
 * Row-count parameters of the spec (purge H, embargo max(1, H/2), training cap 1260) are
 * dates there; on a date-major panel they are scaled by the number of tickers.
 */
import { type SimulatorConfig, resolveConfig } from '../backtest/config';
import type { PriceMatrix } from '../backtest/matrix';
import type { SignalMatrix } from '../backtest/signals';
import { tradingRows } from '../backtest/signals';
import { simulate } from '../backtest/simulator';
import { tradeStats } from '../backtest/trade-stats';
import { cpcvValidate } from '../backtest/validation/cpcv';
import { probabilityOfBacktestOverfitting } from '../backtest/validation/pbo';
import { subsetSpearman } from '../backtest/validation/ranks';
import { returnMoments, specDeflatedSharpe } from '../backtest/validation/sharpe';
import { walkForwardValidate } from '../backtest/validation/walk-forward';
import { type JobContext, checkpoint } from '../core/context';
import { seedFromString } from '../core/hash';
import { DEFAULT_DRAWDOWN_CONTROL, DEFAULT_SIZER } from '../backtest/config';
import { capacityAnalysis, monteCarloSignificance, spaTest, statisticalTests } from './stat-tests';
import type { Candidate, CandidateEvaluation, CandidateMetrics, EvaluationPanel, StressRegimeMetric } from './types';

const RF_ANNUAL = 0.04;

/** The simulator configuration of a candidate (spec §1.2 simple mode / §1.3 risk-managed mode). */
export function candidateConfig(c: Candidate): SimulatorConfig {
  const size = c.position_size_pct;
  if (!c.use_risk_management) {
    return resolveConfig({
      entryThreshold: c.entry_threshold,
      confidenceThreshold: c.confidence_threshold,
      maxPositions: c.max_positions,
      holdingDays: c.horizon,
      sizing: { method: 'fixed', fraction: size },
    });
  }
  return resolveConfig({
    entryThreshold: c.entry_threshold,
    confidenceThreshold: c.confidence_threshold,
    maxPositions: c.max_positions,
    // the stop manager's time stop: 3 × horizon
    holdingDays: 3 * c.horizon,
    sizing: { method: 'composite', sizer: { ...DEFAULT_SIZER, maxPosition: 2 * size, minPosition: 0.25 * size } },
    stops: { stopLoss: 0.08, atrStop: 2.0 },
    drawdownControl: DEFAULT_DRAWDOWN_CONTROL,
  });
}

/** Spec §1.7 canonical Sharpe with frequency "per_trade": ppy = n, rf/n per trade, ddof 1, × √n. */
export function perTradeSharpe(r: Float64Array, rfAnnual = RF_ANNUAL): number {
  const n = r.length;
  if (n < 2) return 0;
  const rf = rfAnnual / n;
  let s = 0;
  for (let k = 0; k < n; k++) s += r[k] - rf;
  const m = s / n;
  let v = 0;
  for (let k = 0; k < n; k++) v += (r[k] - rf - m) ** 2;
  const sd = Math.sqrt(v / (n - 1));
  return sd < 1e-12 ? 0 : (m / sd) * Math.sqrt(n);
}

/** Forward H-bar return per cell over each ticker's own bars (NaN without H later bars). */
export function forwardReturns(m: PriceMatrix, h: number): Float64Array {
  const fwd = new Float64Array(m.rows * m.cols).fill(Number.NaN);
  for (let i = 0; i < m.cols; i++) {
    const rows = tradingRows(m, i);
    for (let j = 0; j + h < rows.length; j++) {
      fwd[rows[j] * m.cols + i] = m.close[rows[j + h] * m.cols + i] / m.close[rows[j] * m.cols + i] - 1;
    }
  }
  return fwd;
}

interface Pairs {
  pred: Float64Array;
  actual: Float64Array;
  regime: Int32Array;
}

/**
 * (masked prediction, forward return, regime) at every H-th date of the calendar (dates
 * 0, H, 2H, …), date-major. Forward H-bar returns of consecutive days overlap by H − 1 bars;
 * sampling every H-th date makes the labels non-overlapping (honest sample sizes for the
 * tests) and keeps the rank statistics affordable for 36 candidates.
 */
export function validationPairs(panel: EvaluationPanel, c: Candidate, fwd: Float64Array): Pairs {
  const p = panel.predictions;
  const { rows, cols } = panel.prices;
  const h = c.horizon;
  let n = 0;
  for (let t = 0; t < rows; t += h) {
    for (let i = 0; i < cols; i++) {
      const k = t * cols + i;
      if (Number.isFinite(p.predicted[k]) && Number.isFinite(fwd[k])) n++;
    }
  }
  const pred = new Float64Array(n);
  const actual = new Float64Array(n);
  const regime = new Int32Array(n);
  n = 0;
  for (let t = 0; t < rows; t += h) {
    for (let i = 0; i < cols; i++) {
      const k = t * cols + i;
      if (!(Number.isFinite(p.predicted[k]) && Number.isFinite(fwd[k]))) continue;
      pred[n] = p.confidence[k] >= c.confidence_threshold ? p.predicted[k] : 0;
      actual[n] = fwd[k];
      regime[n] = p.regime[k];
      n++;
    }
  }
  return { pred, actual, regime };
}

/** The prediction-level validation of a candidate (depends on horizon, entry and confidence only). */
export interface PairValidation {
  wf_oos_corr: number | null;
  wf_positive_fold_fraction: number | null;
  wf_is_oos_gap: number | null;
  fold_metrics: CandidateMetrics['fold_metrics'];
  regime_positive_fraction: number | null;
  stat_tests_pass: boolean;
  ic_mean: number | null;
  ic_ir: number | null;
  cpcv_passes: boolean;
  cpcv_mean_corr: number | null;
  n_validation_rows: number;
}

export function pairValidationKey(c: Candidate): string {
  return `${c.horizon}|${c.entry_threshold}|${c.confidence_threshold}`;
}

/**
 * Walk-forward (§3.1, ≥ 150 rows), regime breakdown (regimes with ≥ 30 rows), statistical
 * tests (§3.2, ≥ 50 rows) and CPCV (§3.3, ≥ 150 rows) on the sampled pairs. On the H-spaced
 * sample one sampled date is H days, so purge = 1 date, embargo = 1 date and the training
 * cap of 1260 days is ⌈1260/H⌉ dates — each × the number of tickers in rows.
 */
export function pairValidation(c: Candidate, panel: EvaluationPanel, seedKey: string): PairValidation {
  const m = panel.prices;
  const h = c.horizon;
  const pairs = validationPairs(panel, c, forwardReturns(m, h));
  const nPairs = pairs.pred.length;
  const N = Math.max(1, m.cols);
  const out: PairValidation = {
    wf_oos_corr: null,
    wf_positive_fold_fraction: null,
    wf_is_oos_gap: null,
    fold_metrics: [],
    regime_positive_fraction: null,
    stat_tests_pass: false,
    ic_mean: null,
    ic_ir: null,
    cpcv_passes: false,
    cpcv_mean_corr: null,
    n_validation_rows: nPairs,
  };
  if (nPairs >= 150) {
    const wf = walkForwardValidate(pairs.pred, pairs.actual, {
      folds: 5,
      entryThreshold: c.entry_threshold,
      purge: N,
      embargo: N,
      maxTrainSamples: Math.ceil(1260 / h) * N,
    });
    if (wf.folds.length > 0) {
      out.wf_oos_corr = wf.avgOosCorr;
      out.wf_is_oos_gap = wf.isOosGap;
      out.wf_positive_fold_fraction = wf.folds.filter((f) => f.oosCorr > 0).length / wf.folds.length;
      out.fold_metrics = wf.folds.map((f) => ({ fold: f.fold, train_corr: f.isCorr, test_corr: f.oosCorr, test_mean_return: f.testMeanReturn, sharpe: f.sharpe }));
    }
    const cv = cpcvValidate(pairs.pred, pairs.actual, c.entry_threshold, { purge: N, embargo: N, seed: seedFromString(`${seedKey}|cpcv`) });
    out.cpcv_passes = cv.passes;
    out.cpcv_mean_corr = cv.oosCorr.length ? cv.oosCorr.reduce((s, x) => s + x, 0) / cv.oosCorr.length : null;
  }
  let regimesOk = 0;
  let regimesN = 0;
  const regimeCorr = subsetSpearman(pairs.pred, pairs.actual);
  for (let r = 0; r < 4; r++) {
    const idx: number[] = [];
    for (let k = 0; k < nPairs; k++) if (pairs.regime[k] === r) idx.push(k);
    if (idx.length < 30) continue;
    regimesN++;
    if (regimeCorr(idx) > 0) regimesOk++;
  }
  out.regime_positive_fraction = regimesN > 0 ? regimesOk / regimesN : null;
  if (nPairs >= 50) {
    const st = statisticalTests(pairs.pred, pairs.actual, c.entry_threshold, h, Math.max(1, Math.floor(nPairs / 2000)));
    out.stat_tests_pass = st.passes;
    out.ic_mean = st.ic_mean;
    out.ic_ir = st.ic_ir;
  }
  return out;
}

function maxDrawdownOf(equityStart: number, equity: Float64Array): number {
  let peak = equityStart;
  let mdd = 0;
  for (let t = 0; t < equity.length; t++) {
    if (equity[t] > peak) peak = equity[t];
    const dd = equity[t] / peak - 1;
    if (dd < mdd) mdd = dd;
  }
  return mdd;
}

/**
 * Worst |drawdown| of the daily equity within ±3 bars of a regime change, regimes taken from
 * trade entry bars and carried forward; null when the regime never changes.
 */
export function transitionDrawdown(equity: Float64Array, initial: number, entryBar: Int32Array, regime: Int32Array, n: number): number | null {
  const T = equity.length;
  const reg = new Int32Array(T).fill(-1);
  for (let j = 0; j < n; j++) if (regime[j] >= 0) reg[entryBar[j]] = regime[j];
  for (let t = 1; t < T; t++) if (reg[t] < 0) reg[t] = reg[t - 1];
  const dd = new Float64Array(T);
  let peak = initial;
  for (let t = 0; t < T; t++) {
    if (equity[t] > peak) peak = equity[t];
    dd[t] = equity[t] / peak - 1;
  }
  let worst: number | null = null;
  for (let t = 1; t < T; t++) {
    if (reg[t - 1] < 0 || reg[t] === reg[t - 1]) continue;
    for (let u = Math.max(0, t - 3); u <= Math.min(T - 1, t + 3); u++) {
      const a = Math.abs(dd[u]);
      if (worst === null || a > worst) worst = a;
    }
  }
  return worst;
}

function stressRegimeStats(net: Float64Array, regime: Int32Array, n: number): Record<string, StressRegimeMetric> {
  const out: Record<string, StressRegimeMetric> = {};
  for (const r of [2, 3]) {
    const xs: number[] = [];
    for (let j = 0; j < n; j++) if (regime[j] === r) xs.push(net[j]);
    if (xs.length === 0) continue;
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1)) : 0;
    let e = 1;
    let peak = 1;
    let mdd = 0;
    for (const x of xs) {
      e *= 1 + x;
      if (e > peak) peak = e;
      mdd = Math.min(mdd, e / peak - 1);
    }
    out[String(r)] = { n_trades: xs.length, sharpe: sd > 0 ? m / sd : null, max_drawdown: mdd };
  }
  return out;
}

const orNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

/** Evaluates one candidate. Pure: same candidate and panel → same metrics, bit for bit. */
export function evaluateCandidateSync(c: Candidate, panel: EvaluationPanel, memo?: Map<string, PairValidation>): CandidateEvaluation {
  const m = panel.prices;
  const p = panel.predictions;
  const h = c.horizon;
  const cfg = candidateConfig(c);
  const signals: SignalMatrix = { score: p.predicted, confidence: p.confidence, regime: p.regime };
  const res = simulate({ matrix: m, signals, config: cfg });
  const tr = res.trades;
  const ts = tradeStats(tr, m.days);
  const weighted = new Float64Array(tr.n);
  for (let j = 0; j < tr.n; j++) weighted[j] = tr.netReturn[j] * tr.size[j];
  const sharpe = perTradeSharpe(weighted);
  const seed = (what: string) => seedFromString(`${panel.seedKey}|${c.strategy_id}|${what}`);

  const mom = returnMoments(tr.netReturn);
  const dsr = specDeflatedSharpe(sharpe, panel.nCandidates, tr.n, Number.isFinite(mom.skew) ? mom.skew : 0, Number.isFinite(mom.kurtosis) ? mom.kurtosis : 3, Math.sqrt(252 / h));
  const mc = monteCarloSignificance(weighted, h, seed('mc'));
  const cap = capacityAnalysis(tr, m.close, m.volume, m.rows, m.cols, 1e6, 0.02, 30);

  const pv = memo?.get(pairValidationKey(c)) ?? pairValidation(c, panel, `${panel.seedKey}|${pairValidationKey(c)}`);
  memo?.set(pairValidationKey(c), pv);
  const spa = res.returns.length > 20 ? spaTest(res.returns, seed('spa')) : { passes: false, pvalue: null, stat: Number.NaN };
  const finalEquity = res.equity.length ? res.equity[res.equity.length - 1] : cfg.initialCapital;
  const daily = returnMoments(res.returns);

  const metrics: CandidateMetrics = {
    total_trades: tr.n,
    win_rate: ts.win_rate ?? 0,
    sharpe,
    profit_factor: ts.profit_factor,
    max_drawdown: maxDrawdownOf(cfg.initialCapital, res.equity),
    annualized_return: ts.annualized_return ?? 0,
    trades_per_year: ts.trades_per_year,
    total_return: finalEquity / cfg.initialCapital - 1,
    daily_sharpe: daily.std > 0 ? orNull((daily.mean / daily.std) * Math.sqrt(252)) : null,
    dsr_significant: dsr.significant,
    dsr_p_value: dsr.pValue,
    mc_significant: mc.significant,
    mc_p_value: mc.p_value,
    pbo: null,
    capacity_constrained: cap.capacity_constrained,
    capacity_utilization: cap.estimated_capacity_usd > 0 ? 1e6 / cap.estimated_capacity_usd : null,
    estimated_capacity_usd: cap.estimated_capacity_usd,
    stress_capacity_usd: cap.stress_capacity_usd,
    stress_market_impact_bps: cap.stress_market_impact_bps,
    wf_oos_corr: pv.wf_oos_corr,
    wf_positive_fold_fraction: pv.wf_positive_fold_fraction,
    wf_is_oos_gap: pv.wf_is_oos_gap,
    fold_metrics: pv.fold_metrics,
    regime_positive_fraction: pv.regime_positive_fraction,
    stat_tests_pass: pv.stat_tests_pass,
    ic_mean: pv.ic_mean,
    ic_ir: pv.ic_ir,
    cpcv_passes: pv.cpcv_passes,
    cpcv_mean_corr: pv.cpcv_mean_corr,
    spa_passes: spa.passes,
    spa_pvalue: spa.pvalue,
    stress_regimes: stressRegimeStats(tr.netReturn, tr.regime, tr.n),
    transition_drawdown: transitionDrawdown(res.equity, cfg.initialCapital, tr.entryBar, tr.regime, tr.n),
    n_validation_rows: pv.n_validation_rows,
  };
  return { candidate: c, metrics, dailyReturns: res.returns };
}

/** Async form for jobs and shard tasks: a checkpoint (cancel) before the work. */
export async function evaluateCandidate(c: Candidate, panel: EvaluationPanel, ctx: JobContext): Promise<CandidateEvaluation> {
  await checkpoint(ctx);
  return evaluateCandidateSync(c, panel);
}

/** The default `evaluate` of a cycle: candidates one after another on the calling thread. */
export async function evaluateSequential(candidates: Candidate[], panel: EvaluationPanel, ctx: JobContext): Promise<CandidateEvaluation[]> {
  const out: CandidateEvaluation[] = [];
  // candidates sharing horizon, entry and confidence share the prediction-level validation
  const memo = new Map<string, PairValidation>();
  for (let j = 0; j < candidates.length; j++) {
    await checkpoint(ctx);
    out.push(evaluateCandidateSync(candidates[j], panel, memo));
    ctx.progress((j + 1) / candidates.length, `Candidate ${j + 1}/${candidates.length}: ${candidates[j].strategy_id}`);
  }
  return out;
}

export interface GlobalPbo {
  value: number | null;
  is_overfit: boolean;
  note: string;
}

/**
 * Spec §3.5 global PBO over the candidates' daily equity returns (8 partitions); the same
 * value goes into every candidate's metrics. Fewer than 2 candidates or blocks < 10 rows → null.
 */
export function withGlobalPbo(evals: readonly CandidateEvaluation[]): { evaluations: CandidateEvaluation[]; pbo: GlobalPbo } {
  const S = evals.length;
  let pbo: GlobalPbo = { value: null, is_overfit: true, note: 'fewer than 2 candidates' };
  if (S >= 2) {
    const T = evals[0].dailyReturns.length;
    if (evals.some((e) => e.dailyReturns.length !== T)) throw new Error('candidates were evaluated on different calendars');
    const mat = new Float64Array(T * S);
    for (let s = 0; s < S; s++) {
      const r = evals[s].dailyReturns;
      for (let t = 0; t < T; t++) mat[t * S + s] = Number.isFinite(r[t]) ? r[t] : 0;
    }
    if (Math.floor(T / 8) < 10) pbo = { value: null, is_overfit: true, note: `only ${T} daily rows: blocks under 10 rows` };
    else {
      const r = probabilityOfBacktestOverfitting(mat, T, S, 8);
      pbo = r.valid
        ? { value: r.pbo, is_overfit: r.pbo > 0.45, note: `CSCV, 8 blocks, ${r.combinations} combinations over ${S} candidates` }
        : { value: null, is_overfit: true, note: 'PBO not computable on these returns' };
    }
  }
  return { evaluations: evals.map((e) => ({ ...e, metrics: { ...e.metrics, pbo: pbo.value } })), pbo };
}

/**
 * Candidates grouped by their prediction-level validation key (9 groups for the default grid):
 * a pool shard that evaluates one group with `evaluateSequential` computes that validation once.
 */
export function groupByValidation(candidates: readonly Candidate[]): Candidate[][] {
  const groups = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const k = pairValidationKey(c);
    const g = groups.get(k);
    if (g) g.push(c);
    else groups.set(k, [c]);
  }
  return [...groups.values()];
}
