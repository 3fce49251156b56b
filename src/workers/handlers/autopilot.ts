/**
 * Autopilot jobs.
 * - `autopilot_cycle`: predictions (walk-forward ensemble or the labelled heuristic) →
 *   36-candidate discovery grid → each candidate evaluated through the backtester on a pool
 *   shard (`autopilot_candidate`) → gate, score, ranking → registry promotions and a paper
 *   cycle. The report, the registry and the paper state commit in one transaction; a dry run
 *   stores only its report (registry and paper untouched).
 * - `paper_cycle`: one paper-trading step for the active strategies on the current prices.
 * The paper account's display view (equity curve derived from trades and marks) is written in
 * the same transaction as the state it describes.
 */
import {
  applyPromotions,
  groupByValidation,
  pairValidationKey,
  heuristicPredictions,
  latestPredictions,
  healthSizeMultiplier,
  paperCycle,
  paperEquityCurve,
  runCycle,
} from '../../engine/autopilot';
import type {
  Candidate,
  CandidateEvaluation,
  EvaluationPanel,
  CycleReport,
  LatestPredictions,
  PaperCycleResult,
  PaperState,
} from '../../engine/autopilot/types';
import { alignBars, type PriceMatrix, type TickerSeries } from '../../engine/backtest/matrix';
import type { DatasetMeta, Json } from '../../engine/contracts';
import { checkpoint, type JobContext } from '../../engine/core/context';
import { canonicalJson } from '../../engine/core/hash';
import { DAY_MS } from '../../engine/core/time';
import { ENGINE_VERSION } from '../../engine/core/version';
import {
  AutopilotConflictError,
  commitCycle,
  commitPaper,
  freshPaperState,
  getPaperState,
  getStrategyRegistry,
  getLatestCycleReport,
  PAPER_STATE_KEY,
  PAPER_VIEW_KEY,
} from '../../storage/autopilot';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { loadDataset } from '../../storage/datasets';
import type { QeDb } from '../../storage/db';
import { getChampion, getModelVersion } from '../../storage/model-registry';
import { getRegistryDoc } from '../../storage/registry';
import { readHealthHistory } from '../health/backend-ops';
import { HEALTH_HISTORY_DOC } from '../health/view';
import type { ResultInput } from '../api';
import type {
  AutopilotCycleParams,
  AutopilotCycleView,
  LatestPredictionsView,
  PaperAccountView,
  PaperCurveView,
  PaperPositionView,
  PredictorInfo,
} from '../autopilot/views';
import { measurePhase } from '../measure';
import { resultInput } from '../research-results';
import type { PairValidation } from '../../engine/autopilot/evaluate';
import type { AutopilotCandidateInput, AutopilotValidationInput } from '../shards/autopilot-candidate';
import type { HandlerEnv, JobHandler } from './types';

export class AutopilotParamsError extends Error {
  constructor(field: string, message: string) {
    super(`autopilot params.${field}: ${message}`);
    this.name = 'AutopilotParamsError';
  }
}

type Raw = { [k: string]: Json };

const GRID_SIZE = 36;

/** Validated params with defaults filled in (the manifest hashes this form). */
export function normaliseAutopilotParams(p: Raw): AutopilotCycleParams {
  const ids = p.datasetIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string' && x !== '')) {
    throw new AutopilotParamsError('datasetIds', 'must be a non-empty list of dataset ids');
  }
  const bench = p.benchmarkId ?? null;
  if (bench !== null && typeof bench !== 'string') throw new AutopilotParamsError('benchmarkId', 'must be a dataset id or null');
  const horizon = p.horizon ?? 10;
  if (typeof horizon !== 'number' || !Number.isInteger(horizon) || horizon < 1 || horizon > 60) {
    throw new AutopilotParamsError('horizon', `must be an integer in [1, 60] (got ${JSON.stringify(horizon)})`);
  }
  const predictor = p.predictor ?? 'auto';
  if (typeof predictor !== 'string' || predictor === '') throw new AutopilotParamsError('predictor', 'must be "auto", "heuristic" or a model version id');
  const dry = p.dry_run ?? false;
  if (typeof dry !== 'boolean') throw new AutopilotParamsError('dry_run', 'must be true or false');
  const max = p.max_candidates ?? null;
  if (max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > GRID_SIZE)) {
    throw new AutopilotParamsError('max_candidates', `must be an integer in [1, ${GRID_SIZE}] or null (got ${JSON.stringify(max)})`);
  }
  return {
    datasetIds: [...new Set(ids as string[])].sort(),
    benchmarkId: bench === '' ? null : bench,
    horizon,
    predictor,
    dry_run: dry,
    max_candidates: max === GRID_SIZE ? null : max,
  };
}

/** 'auto' → the champion model if one exists, else the heuristic; an explicit id must exist. */
export async function resolvePredictor(db: QeDb, requested: string): Promise<PredictorInfo> {
  if (requested === 'heuristic') return { type: 'heuristic', requested, modelVersion: null, note: 'heuristic: requested' };
  if (requested === 'auto') {
    const champion = await getChampion(db);
    if (champion) {
      return {
        type: 'ensemble',
        requested,
        modelVersion: champion.id,
        note: `ensemble: walk-forward out-of-sample predictions (a fresh model per fold), enabled because champion model ${champion.id.slice(0, 12)} exists`,
      };
    }
    return { type: 'heuristic', requested, modelVersion: null, note: 'heuristic: no trained ensemble model found (train one in Model Lab)' };
  }
  const v = await getModelVersion(db, requested);
  if (!v) throw new AutopilotParamsError('predictor', `model version ${requested} is not in the model registry`);
  return {
    type: 'ensemble',
    requested,
    modelVersion: v.id,
    note: `ensemble: walk-forward out-of-sample predictions (a fresh model per fold), requested via model version ${v.id.slice(0, 12)} (the walk-forward trains the engine's default ensemble, not that version's settings)`,
  };
}

async function requireDaily(db: QeDb, id: string): Promise<DatasetMeta> {
  const m = await getDatasetMeta(db, id);
  if (!m) throw new DatasetNotFoundError(id);
  if (m.timeframe !== '1d') throw new AutopilotParamsError('datasetIds', `${id} is ${m.timeframe} bars; the autopilot runs on daily bars`);
  return m;
}

/** Loads the universe's bars (checking they did not change since their metadata was read). */
async function loadUniverse(db: QeDb, metas: readonly DatasetMeta[], ctx: JobContext, from: number, to: number): Promise<PriceMatrix> {
  const series: TickerSeries[] = [];
  for (let i = 0; i < metas.length; i++) {
    ctx.progress(from + ((to - from) * i) / metas.length, `Loading ${metas[i].ticker} (${i + 1}/${metas.length})`);
    const d = await loadDataset(db, metas[i].id);
    if (d.meta.checksum !== metas[i].checksum) throw new Error(`dataset ${metas[i].id} changed while the autopilot was loading it; run it again`);
    series.push({ ticker: d.meta.ticker, bars: d.bars });
    await checkpoint(ctx);
  }
  return alignBars(series);
}

function latestView(l: LatestPredictions): LatestPredictionsView {
  return { tickers: [...l.tickers], dates: [...l.dates], predicted: Array.from(l.predicted), confidence: Array.from(l.confidence), regime: Array.from(l.regime) };
}

function latestFromView(v: LatestPredictionsView): LatestPredictions {
  return {
    tickers: [...v.tickers],
    dates: [...v.dates],
    predicted: Float64Array.from(v.predicted),
    confidence: Float64Array.from(v.confidence),
    regime: Int32Array.from(v.regime),
  };
}

/** Display view of a paper account: curve derived by the engine from trades and closes. */
export function paperAccountView(
  state: PaperState,
  prices: PriceMatrix,
  last: PaperCycleResult | null,
  meta: { jobId: string; inputs: ResultInput[]; warnings: string[]; manifestId: string; computedAt: string },
): PaperAccountView {
  const c = paperEquityCurve(state, prices);
  const curve: PaperCurveView = {
    dates: Array.from(c.days, (d) => d * DAY_MS),
    equity: Array.from(c.equity),
    cash: Array.from(c.cash),
    positionsValue: Array.from(c.positionsValue),
    nPositions: Array.from(c.nPositions),
  };
  const positions: PaperPositionView[] = state.positions
    .map((p) => {
      const value = p.shares * p.last_price;
      const pnl = value - p.entry_cash;
      return {
        strategy_id: p.strategy_id,
        ticker: p.ticker,
        entry_date: p.entry_date,
        shares: p.shares,
        entry_price: p.entry_price,
        current_price: p.last_price,
        value,
        pnl,
        pnl_pct: p.entry_cash > 0 ? pnl / p.entry_cash : 0,
        holding_days: p.holding_days,
      };
    })
    .sort((a, b) => b.pnl - a.pnl);
  const positionsValue = positions.reduce((s, p) => s + p.value, 0);
  const unrealized = positions.reduce((s, p) => s + p.pnl, 0);
  const equity = state.cash + positionsValue;
  return {
    state,
    curve,
    positions,
    totals: {
      equity,
      cash: state.cash,
      realized: state.realized_pnl,
      unrealized,
      totalReturn: equity / state.initial_capital - 1,
      initialCapital: state.initial_capital,
    },
    lastResult: last,
    ...meta,
  };
}

const HEALTH_MAX_AGE_MS = 24 * 3_600_000;

/** The newest System Health overall score if it is younger than 24 h (the paper trader's health gate), else null. */
async function recentHealthScore(db: QeDb, nowMs: number): Promise<number | null> {
  const last = readHealthHistory((await getRegistryDoc(db, HEALTH_HISTORY_DOC))?.value).at(-1);
  if (!last || !(nowMs - Date.parse(last.timestamp) < HEALTH_MAX_AGE_MS)) return null;
  return last.overall_score;
}

function cycleProgress(ctx: JobContext): JobContext {
  // The engine reports its own stages; they are mapped into the share between loading (0–0.1) and storing (0.97–1).
  return { signal: ctx.signal, yield: () => ctx.yield(), progress: (f, s) => ctx.progress(0.1 + 0.87 * Math.min(1, Math.max(0, f)), s) };
}

/**
 * The cycle's candidate evaluation fanned out over the pool in two rounds: first the
 * prediction-level validation once per group of candidates that share it (9 for the default
 * grid), then one shard per candidate (progress per finished candidate). It also keeps the
 * shared panel, whose latest cross-section the paper trader of an ensemble cycle needs later.
 */
function parallelEvaluate(env: HandlerEnv, seen: { panel: EvaluationPanel | null }) {
  return async (cands: Candidate[], panel: EvaluationPanel, cctx: JobContext): Promise<CandidateEvaluation[]> => {
    seen.panel = panel;
    const groups = groupByValidation(cands);
    cctx.progress(0, `Validating predictions for ${groups.length} candidate groups`);
    const validations = await env.parallelMap<AutopilotValidationInput, PairValidation>(
      'autopilot_validation',
      groups.map((g) => ({ candidate: g[0], panel })),
    );
    const byKey = new Map(groups.map((g, k) => [pairValidationKey(g[0]), validations[k]]));
    const inputs: AutopilotCandidateInput[] = cands.map((candidate) => ({ candidate, panel, validation: byKey.get(pairValidationKey(candidate)) }));
    return env.parallelMap<AutopilotCandidateInput, CandidateEvaluation>('autopilot_candidate', inputs, {
      onShardDone: (done, total) => cctx.progress(0.2 + (0.8 * done) / total, `Candidate ${done}/${total} evaluated`),
    });
  };
}

/**
 * The report as stored with the cycle: the registry's active book only (its history lives in
 * the registry document, up to 2000 rows) and no paper state (the paper document is the
 * truth) — so a stored cycle stays small however long the autopilot has run.
 */
function compactReport(report: CycleReport, registry: CycleReport['registry']): CycleReport {
  return { ...report, registry: { active: registry.active, history: [] }, paper_state: null };
}

export const autopilotCycleHandler: JobHandler = async (params, ctx, env) => {
  const p = normaliseAutopilotParams(params);
  const db = await env.db();
  const metas = await Promise.all(p.datasetIds.map((id) => requireDaily(db, id)));
  const benchMeta = p.benchmarkId ? await requireDaily(db, p.benchmarkId) : null;
  const predictor = await resolvePredictor(db, p.predictor);
  ctx.progress(0.01, `Predictor: ${predictor.type}`);
  const tLoad = env.monotonic();
  const prices = await loadUniverse(db, metas, ctx, 0.01, 0.1);
  const tCycle = env.monotonic();
  measurePhase('qe:autopilot:load', tLoad, tCycle, { jobId: env.jobId });
  const { registry } = await getStrategyRegistry(db);
  const storedPaper = await getPaperState(db);
  const paperBefore = storedPaper?.state ?? freshPaperState();
  const nowIso = new Date(env.now()).toISOString();
  const seen: { panel: EvaluationPanel | null } = { panel: null };
  const report: CycleReport = await runCycle(
    {
      prices,
      inputs: metas.map((m) => ({ ticker: m.ticker, checksum: m.checksum, rows: m.rows })),
      registry,
      paper: paperBefore,
      nowIso,
    },
    cycleProgress(ctx),
    {
      horizon: p.horizon,
      predictor: predictor.type,
      dryRun: p.dry_run,
      ...(p.max_candidates === null ? {} : { base: { max_candidates: p.max_candidates } }),
      evaluate: parallelEvaluate(env, seen),
      clock: () => env.monotonic(),
      paper: { health_score: await recentHealthScore(db, env.now()) },
    },
  );
  let lap = tCycle;
  for (const [phase, ms] of Object.entries(report.timings)) {
    measurePhase(`qe:autopilot:${phase}`, lap, lap + ms, { jobId: env.jobId });
    lap += ms;
  }
  await checkpoint(ctx);
  const tStore = env.monotonic();
  ctx.progress(0.97, 'Storing the cycle');
  const warnings: string[] = [];
  if (benchMeta) warnings.push(`Benchmark ${benchMeta.ticker} is recorded with the cycle; discovery and the paper trader use the universe only.`);
  if (report.predictor !== predictor.type) {
    predictor.type = report.predictor;
    predictor.note = report.predictor_note;
  }
  if (report.predictor === 'heuristic') warnings.push(`Heuristic predictor (${predictor.note}) — not a trained model.`);
  // Latest (top-K filtered) cross-section: the paper trader of an ensemble cycle enters on it later.
  const latest = seen.panel ? latestView(latestPredictions(prices, seen.panel.predictions)) : null;
  const inputs = [...metas.map((m) => resultInput(m, 'dataset')), ...(benchMeta ? [resultInput(benchMeta, 'benchmark')] : [])];
  const view: AutopilotCycleView = {
    jobId: env.jobId,
    params: p,
    predictor,
    report,
    latest,
    inputs,
    warnings: [...warnings, ...report.warnings],
    engineVersion: ENGINE_VERSION,
    manifestId: env.manifest.id,
    computedAt: nowIso,
  };
  const { key } = await commitCycle(db, {
    jobId: env.jobId,
    manifestId: env.manifest.id,
    createdAt: nowIso,
    build: (current) => {
      if (p.dry_run) return { record: { ...view, report: compactReport(report, report.registry) } as unknown as AutopilotCycleView & Record<string, unknown> };
      // Paper state must be the one the cycle traded on; the registry merges (promotions applied to the current one).
      if (canonicalJson(current.paper ?? freshPaperState()) !== canonicalJson(paperBefore as unknown as Json)) {
        throw new AutopilotConflictError(PAPER_STATE_KEY, 'a paper cycle or reset ran meanwhile');
      }
      const nextRegistry = applyPromotions(current.registry, report.decisions, nowIso);
      const stored = { ...view, report: compactReport({ ...report, n_active: nextRegistry.active.length }, nextRegistry) };
      const paper = report.paper_state ?? undefined;
      return {
        record: stored as unknown as AutopilotCycleView & Record<string, unknown>,
        registry: nextRegistry,
        ...(paper
          ? {
              paper,
              paperView: paperAccountView(paper, prices, report.paper, {
                jobId: env.jobId,
                inputs: metas.map((m) => resultInput(m, 'dataset')),
                warnings: [],
                manifestId: env.manifest.id,
                computedAt: nowIso,
              }) as unknown as Json,
            }
          : {}),
      };
    },
  });
  measurePhase('qe:autopilot:store', tStore, env.monotonic(), { jobId: env.jobId });
  env.log.info(
    `autopilot cycle (${predictor.type}${p.dry_run ? ', dry run' : ''}) on ${metas.length} tickers: ${report.n_passed}/${report.n_candidates} passed, ${report.n_promoted} promoted`,
    { jobId: env.jobId, context: { candidates: report.n_candidates, passed: report.n_passed } },
  );
  ctx.progress(1, `Done · ${report.n_passed}/${report.n_candidates} passed${p.dry_run ? ' (dry run)' : ''}`);
  return { resultKey: key };
};

export class PaperCycleUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaperCycleUnavailableError';
  }
}

/** `paper_cycle`: one paper-trading step on the universe of the latest applied cycle. */
export const paperCycleHandler: JobHandler = async (_params, ctx, env) => {
  const db = await env.db();
  const applied = await getLatestCycleReport(db, 'applied');
  if (!applied) throw new PaperCycleUnavailableError('No applied autopilot cycle yet (only dry runs or none) — run a cycle without dry run first.');
  const cycle = applied.record as unknown as AutopilotCycleView;
  const ids = cycle.params.datasetIds;
  const metas = await Promise.all(ids.map((id) => requireDaily(db, id)));
  const prices = await loadUniverse(db, metas, ctx, 0, 0.6);
  const warnings: string[] = [];
  let latest: LatestPredictions;
  if (cycle.predictor.type === 'heuristic') {
    ctx.progress(0.65, 'Heuristic predictions on current prices');
    latest = latestPredictions(prices, heuristicPredictions(prices, cycle.params.horizon));
  } else if (cycle.latest) {
    latest = latestFromView(cycle.latest);
    const lastPrice = new Date(prices.days[prices.rows - 1] * DAY_MS).toISOString().slice(0, 10);
    const lastPred = [...latest.dates].sort().at(-1) ?? '';
    if (lastPred < lastPrice) warnings.push(`Ensemble predictions are from cycle ${applied.jobId} (as of ${lastPred}); prices run to ${lastPrice}. Run a new cycle to refresh them.`);
  } else {
    throw new PaperCycleUnavailableError(`Cycle ${applied.jobId} stored no predictions for the paper trader; run a new cycle.`);
  }
  await checkpoint(ctx);
  const { registry } = await getStrategyRegistry(db);
  const healthScore = await recentHealthScore(db, env.now());
  if (healthScore !== null && healthScore < 100) warnings.push(`Entry sizes scaled by the health gate: system health ${healthScore.toFixed(0)}/100 → × ${healthSizeMultiplier(healthScore).toFixed(2)}.`);
  ctx.progress(0.8, `Paper cycle with ${registry.active.length} active strategies`);
  const computedAt = new Date(env.now()).toISOString();
  let result: PaperCycleResult | null = null;
  const inputs = metas.map((m) => resultInput(m, 'dataset'));
  await commitPaper(
    db,
    (current) => {
      const out = paperCycle(current, { active: registry.active, latest, prices, config: { initial_capital: current.initial_capital, health_score: healthScore } });
      result = out.result;
      const view = paperAccountView(out.state, prices, out.result, { jobId: env.jobId, inputs, warnings, manifestId: env.manifest.id, computedAt });
      return { state: out.state, view: view as unknown as Json };
    },
    { createdAt: computedAt, jobId: env.jobId, manifestId: env.manifest.id },
  );
  const r = result as PaperCycleResult | null;
  env.log.info(`paper cycle: ${r?.entries.length ?? 0} entries, ${r?.exits.length ?? 0} exits, equity ${r?.equity.toFixed(2) ?? '?'}`, { jobId: env.jobId });
  ctx.progress(1, `Done · ${r?.entries.length ?? 0} entries, ${r?.exits.length ?? 0} exits`);
  return { resultKey: PAPER_VIEW_KEY };
};
