/**
 * Execution costs of one fill (spec §2.1, the parts that depend on data a backtest has):
 *   participation = notional / ADV$   (ADV$ = mean close × volume over the ticker's last
 *                                      `advWindow` bars before the fill bar)
 *   stress = 1 + max(0, (σ − volRef)/volRef)      (dynamic only; σ = 20-bar realised vol)
 *   liq    = clip(√(dollarVolumeRef / ADV$), 0.70, 3.00)   (dynamic only)
 *   spread_bps = spreadBps · stress · liq;  impact_bps = impactCoeffBps · stress · liq · √participation
 *   one side costs spread/2 + impact (bps of the reference price): buy fill = ref·(1 + c/1e4),
 *   sell fill = ref·(1 − c/1e4); commission = commissionBps/1e4 · fill notional, paid in cash.
 * Entries are capped at maxParticipation · ADV$ and rejected below minFillRatio of the wanted
 * notional; exits always fill in full (spec `force_full`). With no volume history (ADV$ = 0 or
 * unknown) participation is unknown: no cap, no impact, no liquidity scalar — the simulator
 * counts such fills so the report can say so.
 */

export interface CostModel {
  /** broker commission per side, bps of traded notional, paid in cash */
  commissionBps: number;
  /** full quoted spread in bps; half is paid per side */
  spreadBps: number;
  /** impact coefficient: impact_bps = coeff · √participation */
  impactCoeffBps: number;
  /** entries capped at this share of ADV$ (0 = no cap) */
  maxParticipation: number;
  /** entries filling less than this share of the wanted notional are rejected */
  minFillRatio: number;
  /** spec §2.1 dynamic costs: volatility stress and liquidity scalars */
  dynamic: boolean;
  volRef: number;
  dollarVolumeRef: number;
  /** bars in the ADV$ and realised-vol windows */
  advWindow: number;
}

/** Spec defaults (spread 3 bps, impact 25 bps, participation 2 %, min fill 20 %, dynamic on), no commission. */
export const DEFAULT_COSTS: CostModel = {
  commissionBps: 0,
  spreadBps: 3,
  impactCoeffBps: 25,
  maxParticipation: 0.02,
  minFillRatio: 0.2,
  dynamic: true,
  volRef: 0.2,
  dollarVolumeRef: 25e6,
  advWindow: 20,
};

/** A cost model that charges nothing (for frictionless reference runs). */
export const ZERO_COSTS: CostModel = {
  commissionBps: 0,
  spreadBps: 0,
  impactCoeffBps: 0,
  maxParticipation: 0,
  minFillRatio: 0,
  dynamic: false,
  volRef: 0.2,
  dollarVolumeRef: 25e6,
  advWindow: 20,
};

/** Mutable result slot, reused across fills so the simulator's loop allocates nothing. */
export interface FillQuote {
  /** fill price (reference ± one-side cost) */
  price: number;
  /** traded notional at the fill price */
  notional: number;
  /** cash commission */
  commission: number;
  spreadBps: number;
  impactBps: number;
  participation: number;
  /** filled share of the wanted notional (entries), 1 for exits */
  fillRatio: number;
  /** false when the entry was rejected (fill ratio below the minimum, nothing to buy) */
  filled: boolean;
  /** true when no volume history was available (no cap, no impact) */
  volumeUnknown: boolean;
}

export function newFillQuote(): FillQuote {
  return {
    price: 0,
    notional: 0,
    commission: 0,
    spreadBps: 0,
    impactBps: 0,
    participation: 0,
    fillRatio: 0,
    filled: false,
    volumeUnknown: false,
  };
}

/** One-side cost in bps for a notional; writes spread/impact/participation into `q`. */
export function sideCostBps(model: CostModel, notional: number, advDollar: number, sigmaAnn: number, q: FillQuote): number {
  const known = advDollar > 0 && Number.isFinite(advDollar);
  const stress =
    model.dynamic && sigmaAnn > 0 && Number.isFinite(sigmaAnn)
      ? 1 + Math.max(0, (sigmaAnn - model.volRef) / model.volRef)
      : 1;
  let liq = 1;
  if (model.dynamic && known) liq = Math.min(3, Math.max(0.7, Math.sqrt(model.dollarVolumeRef / advDollar)));
  const participation = known ? notional / advDollar : 0;
  q.participation = participation;
  q.volumeUnknown = !known;
  q.spreadBps = model.spreadBps * stress * liq;
  q.impactBps = model.impactCoeffBps * stress * liq * Math.sqrt(participation);
  return 0.5 * q.spreadBps + q.impactBps;
}

/**
 * A buy of up to `wanted` notional at `ref`, limited by participation and by `cash` (the
 * fill notional plus its commission must fit in cash). Writes the fill into `q`.
 */
export function quoteEntry(
  model: CostModel,
  ref: number,
  wanted: number,
  cash: number,
  advDollar: number,
  sigmaAnn: number,
  q: FillQuote,
): FillQuote {
  q.filled = false;
  q.notional = 0;
  q.commission = 0;
  q.fillRatio = 0;
  q.price = ref;
  if (!(wanted > 0) || !(ref > 0)) return q;
  let notional = wanted;
  if (model.maxParticipation > 0 && advDollar > 0 && Number.isFinite(advDollar)) {
    notional = Math.min(notional, model.maxParticipation * advDollar);
  }
  const commRate = model.commissionBps / 1e4;
  const affordable = Math.max(0, cash) / (1 + commRate);
  if (notional > affordable) notional = affordable;
  const ratio = notional / wanted;
  q.fillRatio = ratio;
  if (!(notional > 0) || ratio < model.minFillRatio) return q;
  const c = sideCostBps(model, notional, advDollar, sigmaAnn, q);
  q.price = ref * (1 + c / 1e4);
  q.notional = notional;
  q.commission = notional * commRate;
  q.filled = true;
  return q;
}

/** A forced full sell of `shares` at `ref`. Writes the fill into `q`. */
export function quoteExit(
  model: CostModel,
  ref: number,
  shares: number,
  advDollar: number,
  sigmaAnn: number,
  q: FillQuote,
): FillQuote {
  const c = sideCostBps(model, shares * ref, advDollar, sigmaAnn, q);
  q.price = ref * (1 - c / 1e4);
  q.notional = shares * q.price;
  q.commission = (q.notional * model.commissionBps) / 1e4;
  q.fillRatio = 1;
  q.filled = true;
  return q;
}

/**
 * Spec `estimate_cost`: expected round-trip cost in bps, 2·(spread/2 + impact), for a
 * notional; 0 when the notional or volume is not positive.
 */
export function estimateRoundTripBps(model: CostModel, notional: number, advDollar: number, sigmaAnn: number): number {
  if (!(notional > 0) || !(advDollar > 0)) return 0;
  return 2 * sideCostBps(model, notional, advDollar, sigmaAnn, newFillQuote());
}
