/**
 * Ensemble ("consensus") of the regime methods and regime confidence (engine-research §3.6,
 * §3.1, §3.7), over canonical regimes.
 *
 * Per row, with the components present at that row (weights renormalised over them; default
 * hmm 0.5, rules 0.3, jump 0.2):
 *   score[r] = Σ_c w_c·conf_c·1[regime_c = r];  best = argmax score (ties → lowest regime);
 *   fraction = score[best] / Σ_r score[r];
 *   regime = best if fraction ≥ 0.40, else 3 (High Volatility, the "uncertain" fallback);
 *   confidence = fraction; Σ score = 0 → the HMM's regime (else the first present
 *   component's) with confidence 1/n.
 *   probabilities = Σ_c w_c·p_c, renormalised;
 *   uncertainty = −Σ p ln p / ln 4 of those probabilities (p clipped at 1e-10);
 *   agreement = total weight of the components whose regime equals the consensus regime.
 * Component confidence: HMM and jump = max canonical probability (§3.3); rules = the rule
 * confidence.
 *
 * Not ported: the original halves the whole confidence series whenever its maximum is below
 * REGIME_ENSEMBLE_CONSENSUS_THRESHOLD — an integer vote count (2) compared with a fraction, so
 * always (§7, OPEN bug). The confidence here is the vote fraction itself.
 *
 * Everything is row-wise, so the consensus is causal whenever its inputs are.
 */
import { HIGH_VOLATILITY, R } from './labels';

export const CONSENSUS_COMPONENTS = ['hmm', 'rules', 'jump'] as const;
export type ConsensusComponentName = (typeof CONSENSUS_COMPONENTS)[number];

export const DEFAULT_CONSENSUS_WEIGHTS: Readonly<Record<ConsensusComponentName, number>> = {
  hmm: 0.5,
  rules: 0.3,
  jump: 0.2,
};
/** minimum winning vote share (REGIME_ENSEMBLE disagreement threshold) */
export const CONSENSUS_MIN_FRACTION = 0.4;
const P_FLOOR = 1e-10;
const LN_R = Math.log(R);

export interface ConsensusComponent {
  name: ConsensusComponentName;
  /** canonical probabilities T×4; a row with a NaN means the component is absent there */
  probs: Float64Array;
  /** canonical regime per row (−1 = absent) */
  regime: Int32Array;
  /** confidence per row in [0, 1] */
  confidence: Float64Array;
}

export interface ConsensusResult {
  regime: Int32Array;
  confidence: Float64Array;
  /** T×4 */
  probs: Float64Array;
  uncertainty: Float64Array;
  agreement: Float64Array;
  /** 1 where the winning share was below CONSENSUS_MIN_FRACTION and regime 3 was used */
  fallback: Uint8Array;
  /** number of components present per row */
  present: Int32Array;
  weights: Record<ConsensusComponentName, number>;
}

/** Normalised entropy −Σ p ln p / ln 4 with p clipped at 1e-10 (§3.1). */
export function normalisedEntropy(p: ArrayLike<number>, offset = 0): number {
  let h = 0;
  for (let r = 0; r < R; r++) {
    const v = Math.max(p[offset + r], P_FLOOR);
    h -= v * Math.log(v);
  }
  return h / LN_R;
}

/**
 * Uncertainty gate (§3.7): a position-size multiplier from the uncertainty u —
 * linear through (0, 1.0), (0.5, 0.95), (1, 0.85), clipped to [0.80, 1].
 */
export function uncertaintyMultiplier(u: number): number {
  if (Number.isNaN(u)) return Number.NaN;
  const x = Math.min(1, Math.max(0, u));
  const m = x <= 0.5 ? 1 - 0.1 * x : 0.95 - 0.2 * (x - 0.5);
  return Math.min(1, Math.max(0.8, m));
}

/** Argmax of a canonical row and its value (ties → lowest regime; a NaN row → −1). */
export function canonicalArgmax(P: Float64Array, T: number): { regime: Int32Array; confidence: Float64Array } {
  const regime = new Int32Array(T).fill(-1);
  const confidence = new Float64Array(T).fill(Number.NaN);
  for (let t = 0; t < T; t++) {
    let arg = 0;
    let bad = false;
    for (let r = 0; r < R; r++) {
      const v = P[t * R + r];
      if (Number.isNaN(v)) bad = true;
      else if (v > P[t * R + arg]) arg = r;
    }
    if (bad) continue;
    regime[t] = arg;
    confidence[t] = P[t * R + arg];
  }
  return { regime, confidence };
}

export function combineConsensus(
  components: readonly ConsensusComponent[],
  T: number,
  weights: Partial<Record<ConsensusComponentName, number>> = {},
): ConsensusResult {
  if (components.length === 0) throw new Error('consensus: need at least one component');
  const w = { ...DEFAULT_CONSENSUS_WEIGHTS, ...weights };
  const seen = new Set<string>();
  for (const c of components) {
    if (seen.has(c.name)) throw new Error(`consensus: component "${c.name}" given twice`);
    seen.add(c.name);
    if (c.probs.length !== T * R || c.regime.length !== T || c.confidence.length !== T) {
      throw new Error(`consensus: component "${c.name}" does not have ${T} rows`);
    }
    if (!(w[c.name] >= 0 && Number.isFinite(w[c.name]))) throw new Error(`consensus: weight of "${c.name}" must be ≥ 0`);
  }
  const regime = new Int32Array(T).fill(-1);
  const confidence = new Float64Array(T).fill(Number.NaN);
  const probs = new Float64Array(T * R).fill(Number.NaN);
  const uncertainty = new Float64Array(T).fill(Number.NaN);
  const agreement = new Float64Array(T).fill(Number.NaN);
  const fallback = new Uint8Array(T);
  const present = new Int32Array(T);
  const score = new Float64Array(R);
  const mix = new Float64Array(R);
  const hmmIndex = components.findIndex((c) => c.name === 'hmm');
  for (let t = 0; t < T; t++) {
    let wsum = 0;
    let n = 0;
    for (const c of components) {
      if (isPresent(c, t)) {
        wsum += w[c.name];
        n++;
      }
    }
    present[t] = n;
    if (n === 0 || !(wsum > 0)) continue;
    score.fill(0);
    mix.fill(0);
    for (const c of components) {
      if (!isPresent(c, t)) continue;
      const wc = w[c.name] / wsum;
      score[c.regime[t]] += wc * c.confidence[t];
      for (let r = 0; r < R; r++) mix[r] += wc * c.probs[t * R + r];
    }
    let total = 0;
    let best = 0;
    for (let r = 0; r < R; r++) {
      total += score[r];
      if (score[r] > score[best]) best = r;
    }
    let reg: number;
    if (total > 0) {
      const fraction = score[best] / total;
      reg = fraction >= CONSENSUS_MIN_FRACTION ? best : HIGH_VOLATILITY;
      fallback[t] = fraction >= CONSENSUS_MIN_FRACTION ? 0 : 1;
      confidence[t] = fraction;
    } else {
      const lead = hmmIndex >= 0 && isPresent(components[hmmIndex], t) ? components[hmmIndex] : components.find((c) => isPresent(c, t))!;
      reg = lead.regime[t];
      confidence[t] = 1 / n;
    }
    regime[t] = reg;
    let ms = 0;
    for (let r = 0; r < R; r++) ms += mix[r];
    for (let r = 0; r < R; r++) probs[t * R + r] = ms > 0 ? mix[r] / ms : 1 / R;
    uncertainty[t] = normalisedEntropy(probs, t * R);
    let agree = 0;
    for (const c of components) if (isPresent(c, t) && c.regime[t] === reg) agree += w[c.name] / wsum;
    agreement[t] = agree;
  }
  const usedWeights = {} as Record<ConsensusComponentName, number>;
  for (const c of components) usedWeights[c.name] = w[c.name];
  return { regime, confidence, probs, uncertainty, agreement, fallback, present, weights: usedWeights };
}

function isPresent(c: ConsensusComponent, t: number): boolean {
  if (c.regime[t] < 0) return false;
  const conf = c.confidence[t];
  if (conf - conf !== 0) return false;
  for (let r = 0; r < R; r++) {
    const v = c.probs[t * R + r];
    if (v - v !== 0) return false;
  }
  return true;
}
