/**
 * Champion/challenger governance (spec §4.4): a score per model version and the rule that
 * decides whether a challenger replaces the champion of its horizon.
 */

export const GOVERNANCE_WEIGHTS = { oosSpearman: 1.5, holdoutSpearman: 1.0, cvGapPenalty: -0.5 } as const;

export interface GovernanceMetrics {
  oosSpearman: number;
  holdoutSpearman: number;
  cvGap: number;
  /** optional validation results (backtest issue) */
  dsrSignificant?: boolean;
  pbo?: number;
  mcSignificant?: boolean;
  ece?: number;
}

const num = (v: number) => (Number.isFinite(v) ? v : 0);

/**
 * 1.5·oos + 1.0·holdout − 0.5·max(0, cv_gap) + validation bonus: DSR significant ±0.1,
 * PBO +0.05·(1 − clip(pbo, 0, 1)), Monte Carlo significant ±0.05, ECE +0.05·(1 − min(1, 10·ece)).
 * Missing (NaN) metrics count as 0.
 */
export function governanceScore(m: GovernanceMetrics): number {
  let s =
    GOVERNANCE_WEIGHTS.oosSpearman * num(m.oosSpearman) +
    GOVERNANCE_WEIGHTS.holdoutSpearman * num(m.holdoutSpearman) +
    GOVERNANCE_WEIGHTS.cvGapPenalty * Math.max(0, num(m.cvGap));
  if (m.dsrSignificant !== undefined) s += m.dsrSignificant ? 0.1 : -0.1;
  if (m.pbo !== undefined && Number.isFinite(m.pbo)) s += 0.05 * (1 - Math.min(1, Math.max(0, m.pbo)));
  if (m.mcSignificant !== undefined) s += m.mcSignificant ? 0.05 : -0.05;
  if (m.ece !== undefined && Number.isFinite(m.ece)) s += 0.05 * (1 - Math.min(1, 10 * m.ece));
  return s;
}

/**
 * Promote when there is no champion, or the challenger beats it by 2 %: score > 1.02·champion
 * for a non-negative champion score, score > champion + 0.02·|champion| for a negative one.
 */
export function shouldPromote(challengerScore: number, championScore: number | null): boolean {
  if (!Number.isFinite(challengerScore)) return false;
  if (championScore === null || !Number.isFinite(championScore)) return true;
  return championScore >= 0 ? challengerScore > championScore * 1.02 : challengerScore > championScore + 0.02 * Math.abs(championScore);
}
