/**
 * Shard `autopilot_candidate`: one discovery candidate evaluated on the cycle's shared panel
 * (backtest + validation). Pure function of its structured-cloned input, so any pool worker
 * can run it; the output carries the daily returns the cycle needs for the global PBO.
 */
import { evaluateCandidate } from '../../engine/autopilot/evaluate';
import type { Candidate, CandidateEvaluation, EvaluationPanel } from '../../engine/autopilot/types';
import type { ShardFn } from './index';

export interface AutopilotCandidateInput {
  candidate: Candidate;
  panel: EvaluationPanel;
}

export class AutopilotShardInputError extends Error {
  constructor(field: string) {
    super(`autopilot_candidate shard input: ${field} is missing or malformed`);
    this.name = 'AutopilotShardInputError';
  }
}

export const autopilotCandidateShard: ShardFn = async (input, ctx): Promise<CandidateEvaluation> => {
  const i = input as Partial<AutopilotCandidateInput> | null;
  if (!i || typeof i !== 'object') throw new AutopilotShardInputError('input');
  if (!i.candidate || typeof i.candidate.strategy_id !== 'string') throw new AutopilotShardInputError('candidate');
  if (!i.panel?.prices || !(i.panel.predictions?.predicted instanceof Float64Array)) throw new AutopilotShardInputError('panel');
  return evaluateCandidate(i.candidate, i.panel, ctx);
};
