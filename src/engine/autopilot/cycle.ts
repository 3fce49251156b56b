/**
 * One autopilot cycle (spec §5.1): predictions (walk-forward ensemble or the heuristic
 * predictor), top-K filter, the discovery grid, candidate evaluation (injectable, e.g. over
 * the worker pool), global PBO, gate and score, ranking, registry promotions and a paper
 * cycle with the active strategies. Dry run: everything but the registry and paper updates.
 */
import { type JobContext, checkpoint } from '../core/context';
import { ENGINE_VERSION } from '../core/version';
import { isoFromDay } from '../risk/dates';
import { discoveryGrid } from './discovery';
import { evaluateSequential, withGlobalPbo } from './evaluate';
import { promotionGate } from './gate';
import { crossSectionalZscore, heuristicPredictions, latestPredictions, topKFilter } from './predictions';
import { applyPromotions } from './registry';
import { candidateScore } from './score';
import { paperCycle, initialPaperState } from './paper';
import { walkForwardPredictions } from './walk-forward-predictions';
import type { CandidateEvaluation, CycleInput, CycleOptions, CycleReport, GateConfig, GateDecision, PredictionPanel } from './types';

/** Gate + score for evaluated candidates, ranked by score desc (ties: grid order). */
export function decide(evals: readonly CandidateEvaluation[], gate: Partial<GateConfig> = {}): GateDecision[] {
  const out = evals.map((e, j) => {
    const g = promotionGate(e.metrics, gate);
    return { j, d: { strategy_id: e.candidate.strategy_id, passed: g.passed, reasons: g.reasons, score: candidateScore(e.metrics), metrics: e.metrics, params: e.candidate } };
  });
  out.sort((a, b) => b.d.score - a.d.score || a.j - b.j);
  return out.map((x) => x.d);
}

export async function runCycle(input: CycleInput, ctx: JobContext, opts: CycleOptions = {}): Promise<CycleReport> {
  const m = input.prices;
  const horizon = opts.horizon ?? 10;
  const clock = opts.clock;
  const timings: Record<string, number> = {};
  let t0 = clock ? clock() : 0;
  const lap = (name: string) => {
    if (!clock) return;
    const t = clock();
    timings[name] = t - t0;
    t0 = t;
  };
  const warnings: string[] = [];
  const sub = (from: number, to: number, label: string): JobContext => ({
    signal: ctx.signal,
    yield: () => ctx.yield(),
    progress: (f, s) => ctx.progress(from + (to - from) * f, `${label}: ${s}`),
  });

  const want = opts.predictor ?? 'auto';
  let predictions: PredictionPanel;
  let note: string;
  if (opts.predictions) {
    predictions = opts.predictions;
    if (predictions.predicted.length !== m.rows * m.cols) throw new Error(`precomputed predictions have ${predictions.predicted.length} cells, prices have ${m.rows * m.cols}`);
    note = `${predictions.predictor}: precomputed by the caller`;
  } else if (want === 'heuristic') {
    predictions = heuristicPredictions(m, horizon);
    note = 'heuristic predictor: requested';
  } else {
    try {
      predictions = await walkForwardPredictions(m, { horizon }, sub(0, 0.5, 'predictions'));
      note = 'ensemble: walk-forward out-of-sample predictions';
    } catch (e) {
      if (want === 'ensemble' || (e instanceof Error && e.name === 'CancelledError')) throw e;
      const why = e instanceof Error ? e.message : String(e);
      predictions = heuristicPredictions(m, horizon);
      note = `heuristic predictor: no model could be trained (${why})`;
      warnings.push(note);
    }
  }
  ctx.progress(0.5, `predictions: ${predictions.predictor}`);
  lap('predictions');
  await checkpoint(ctx);

  const keep = opts.topKQuantile ?? 0.7;
  const filtered = topKFilter({ ...predictions, csZscore: predictions.csZscore.length ? predictions.csZscore : crossSectionalZscore(predictions.predicted, m.rows, m.cols) }, m.cols, keep);
  const candidates = discoveryGrid(horizon, opts.base ?? {});
  const seedKey = `autopilot|${input.inputs.map((x) => `${x.ticker}:${x.checksum}`).join(',')}|h${horizon}|${predictions.predictor}`;
  const panel = { prices: m, predictions: filtered, nCandidates: candidates.length, seedKey };
  const evaluate = opts.evaluate ?? evaluateSequential;
  const evals = await evaluate(candidates, panel, sub(0.5, 0.95, 'candidates'));
  if (evals.length !== candidates.length) throw new Error(`evaluation returned ${evals.length} results for ${candidates.length} candidates`);
  lap('evaluation');
  const { evaluations, pbo } = withGlobalPbo(evals);
  const decisions = decide(evaluations, opts.gate ?? {});
  lap('gate');

  const dry = opts.dryRun ?? false;
  let registry = input.registry;
  let paperState = input.paper;
  let paper: CycleReport['paper'] = null;
  if (!dry) {
    registry = applyPromotions(input.registry, decisions, input.nowIso);
    const start = paperState ?? initialPaperState(opts.paper?.initial_capital);
    const r = paperCycle(start, { active: registry.active, latest: latestPredictions(m, predictions), prices: m, config: opts.paper });
    paperState = r.state;
    paper = r.result;
  }
  lap('registry_and_paper');
  ctx.progress(1, 'cycle done');
  const promotedBefore = new Set(input.registry.active.map((a) => a.strategy_id));
  let rows = 0;
  for (let k = 0; k < predictions.predicted.length; k++) if (Number.isFinite(predictions.predicted[k])) rows++;
  return {
    engine_version: ENGINE_VERSION,
    predictor: predictions.predictor,
    predictor_note: note,
    universe: [...m.tickers],
    first_date: isoFromDay(m.days[0]),
    last_date: isoFromDay(m.days[m.rows - 1]),
    horizon,
    dry_run: dry,
    signal_topk_quantile: keep,
    prediction_rows: rows,
    n_candidates: candidates.length,
    n_passed: decisions.filter((d) => d.passed).length,
    n_promoted: dry ? 0 : registry.active.filter((a) => !promotedBefore.has(a.strategy_id)).length,
    n_active: registry.active.length,
    decisions,
    pbo,
    registry,
    paper,
    paper_state: paperState,
    timings,
    manifest: {
      inputs: input.inputs,
      params: { horizon, predictor: want, base: opts.base ?? {}, gate: opts.gate ?? {}, top_k_quantile: keep, dry_run: dry, paper: opts.paper ?? {}, notes: predictions.notes },
      seed_key: seedKey,
    },
    warnings,
  };
}
