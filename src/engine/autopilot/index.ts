/**
 * Autopilot engine (spec §5): predictions for discovery (walk-forward OOS ensemble or the
 * heuristic predictor), the 36-candidate grid, candidate evaluation through the backtester
 * with the validation the gate needs, the promotion gate and score, the registry step, the
 * paper trader, and one full cycle. Pure: the clock, storage and worker pool are injected.
 */
export * from './types';
export { DEFAULT_DISCOVERY_BASE, discoveryGrid, strategyId } from './discovery';
export { DEFAULT_GATE, promotionGate } from './gate';
export { candidateScore, foldConsistency } from './score';
export { applyPromotions, EMPTY_REGISTRY } from './registry';
export { crossSectionalZscore, heuristicPredictions, heuristicTicker, latestPredictions, scatterTicker, tickerBars, topKFilter } from './predictions';
export { subsetPanel, walkForwardPredictions } from './walk-forward-predictions';
export { candidateConfig, evaluateCandidate, evaluateCandidateSync, evaluateSequential, groupByValidation, pairValidation, pairValidationKey, withGlobalPbo } from './evaluate';
export { decide, runCycle } from './cycle';
export { DEFAULT_PAPER_CONFIG, healthSizeMultiplier, initialPaperState, paperCycle, paperEquityCurve } from './paper';
