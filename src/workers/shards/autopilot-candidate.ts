/**
 * Shards of a cycle's candidate evaluation, pure functions of their structured-cloned inputs so
 * any pool worker can run them:
 * - `autopilot_validation`: the prediction-level validation (walk-forward, regimes, statistical
 *   tests, CPCV) that every candidate with the same horizon, entry and confidence shares —
 *   computed once per group instead of once per candidate;
 * - `autopilot_candidate`: one candidate's backtest and metrics, given its group's validation;
 *   the output carries the daily returns the cycle needs for the global PBO.
 */
import { evaluateCandidateSync, type PairValidation, pairValidation, pairValidationKey } from '../../engine/autopilot/evaluate';
import { checkpoint } from '../../engine/core/context';
import type { Candidate, CandidateEvaluation, EvaluationPanel } from '../../engine/autopilot/types';
import type { ShardFn } from './index';

export interface AutopilotCandidateInput {
  candidate: Candidate;
  panel: EvaluationPanel;
  /** the candidate's group validation from `autopilot_validation` (computed here when absent) */
  validation?: PairValidation;
}

export interface AutopilotValidationInput {
  /** any candidate of the group (the validation depends on horizon, entry and confidence only) */
  candidate: Candidate;
  panel: EvaluationPanel;
}

export class AutopilotShardInputError extends Error {
  constructor(field: string) {
    super(`autopilot_candidate shard input: ${field} is missing or malformed`);
    this.name = 'AutopilotShardInputError';
  }
}

function checkPanel(panel: EvaluationPanel | undefined): asserts panel is EvaluationPanel {
  if (!panel?.prices || !(panel.predictions?.predicted instanceof Float64Array)) throw new AutopilotShardInputError('panel');
}

export const autopilotCandidateShard: ShardFn = async (input, ctx): Promise<CandidateEvaluation> => {
  const i = input as Partial<AutopilotCandidateInput> | null;
  if (!i || typeof i !== 'object') throw new AutopilotShardInputError('input');
  if (!i.candidate || typeof i.candidate.strategy_id !== 'string') throw new AutopilotShardInputError('candidate');
  checkPanel(i.panel);
  await checkpoint(ctx);
  const memo = i.validation ? new Map([[pairValidationKey(i.candidate), i.validation]]) : undefined;
  return evaluateCandidateSync(i.candidate, i.panel, memo);
};

export const autopilotValidationShard: ShardFn = async (input, ctx): Promise<PairValidation> => {
  const i = input as Partial<AutopilotValidationInput> | null;
  if (!i?.candidate || typeof i.candidate.strategy_id !== 'string') throw new AutopilotShardInputError('candidate');
  checkPanel(i.panel);
  await checkpoint(ctx);
  // the same seed key evaluateCandidateSync uses, so results are bit-identical to a sequential run
  return pairValidation(i.candidate, i.panel, `${i.panel.seedKey}|${pairValidationKey(i.candidate)}`);
};
