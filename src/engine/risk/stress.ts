/**
 * Stress tests (spec §4.8) on portfolio weights and a history of asset returns.
 * `returns` is a rows × assets matrix (row-major) of simple returns; rows with any missing
 * value are ignored. Weights are normalised to Σ|w| = 1 first (a short counts by its size).
 * Covariances and betas use ddof 1.
 */
import { drawdownEpisodes, drawdownSeries } from './drawdowns';

export interface MarketScenario {
  name: string;
  marketReturn: number;
  volatilityMultiplier: number;
}

export const DEFAULT_SCENARIOS: readonly MarketScenario[] = [
  { name: '2008_crisis', marketReturn: -0.38, volatilityMultiplier: 2.5 },
  { name: '2020_covid', marketReturn: -0.34, volatilityMultiplier: 3.0 },
  { name: '2022_rates', marketReturn: -0.19, volatilityMultiplier: 1.5 },
  { name: 'flash_crash', marketReturn: -0.07, volatilityMultiplier: 4.0 },
  { name: 'stagflation', marketReturn: -0.15, volatilityMultiplier: 1.8 },
];

export const CRISIS_SCENARIOS: Record<string, Record<string, number>> = {
  equity_crash_2008: { market: -0.4, size: -0.2, value: -0.3, momentum: -0.5 },
  covid_march_2020: { market: -0.35, volatility: 0.6, momentum: -0.4 },
  rate_shock: { market: -0.15, duration: -0.2, growth: -0.1 },
  liquidity_crisis: { market: -0.2, size: -0.3, illiquidity: -0.4 },
};

export interface ReturnMatrix {
  rows: number;
  assets: number;
  /** rows × assets, row-major */
  values: Float64Array;
}

/** Weights scaled to Σ|w| = 1 (all zero → all zero). */
export function normaliseGross(w: Float64Array): Float64Array {
  let g = 0;
  for (let i = 0; i < w.length; i++) g += Math.abs(w[i]);
  const out = new Float64Array(w.length);
  if (g > 0) for (let i = 0; i < w.length; i++) out[i] = w[i] / g;
  return out;
}

/** Rows with every asset present. */
function completeRows(r: ReturnMatrix): Int32Array {
  const keep: number[] = [];
  for (let t = 0; t < r.rows; t++) {
    let ok = true;
    for (let i = 0; i < r.assets; i++) if (!Number.isFinite(r.values[t * r.assets + i])) ok = false;
    if (ok) keep.push(t);
  }
  return Int32Array.from(keep);
}

/** Sample covariance matrix (ddof 1) over the given rows. */
export function covarianceMatrix(r: ReturnMatrix, rows: Int32Array): Float64Array {
  const N = r.assets;
  const n = rows.length;
  const mean = new Float64Array(N);
  for (const t of rows) for (let i = 0; i < N; i++) mean[i] += r.values[t * N + i];
  for (let i = 0; i < N; i++) mean[i] /= n;
  const cov = new Float64Array(N * N);
  for (const t of rows) {
    for (let i = 0; i < N; i++) {
      const di = r.values[t * N + i] - mean[i];
      for (let j = i; j < N; j++) cov[i * N + j] += di * (r.values[t * N + j] - mean[j]);
    }
  }
  for (let i = 0; i < N; i++) {
    for (let j = i; j < N; j++) {
      cov[i * N + j] /= n - 1;
      cov[j * N + i] = cov[i * N + j];
    }
  }
  return cov;
}

function quadForm(w: Float64Array, cov: Float64Array): number {
  const N = w.length;
  let s = 0;
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) s += w[i] * cov[i * N + j] * w[j];
  return Math.max(0, s);
}

export interface ScenarioResult {
  scenario: string;
  marketShock: number;
  estimatedPortfolioLoss: number;
  portfolioBeta: number;
  portfolioVolAnnual: number;
  volAdjustedLoss: number;
  var95Stressed: number;
}

/**
 * Spec `run_stress_scenarios`: β_i of each asset against the equal-weight cross-sectional
 * mean return (needs ≥ 60 complete rows, else every β_i = 1), portfolio β = Σ w_i β_i;
 * σ_p = √(wᵀΣw·252) (0.20 with < 10 rows); loss = β·market, vol-adjusted loss =
 * loss·√max(vm, 1), stressed VaR95 = −(σ_p·vm/√252)·1.645.
 */
export function runStressScenarios(
  weights: Float64Array,
  history: ReturnMatrix,
  scenarios: readonly MarketScenario[] = DEFAULT_SCENARIOS,
): ScenarioResult[] {
  if (weights.length !== history.assets) throw new RangeError(`${weights.length} weights for ${history.assets} assets`);
  const w = normaliseGross(weights);
  const N = history.assets;
  const rows = completeRows(history);
  let beta = 0;
  if (rows.length >= 60) {
    const market = new Float64Array(rows.length);
    rows.forEach((t, k) => {
      let s = 0;
      for (let i = 0; i < N; i++) s += history.values[t * N + i];
      market[k] = s / N;
    });
    let mm = 0;
    for (const v of market) mm += v;
    mm /= market.length;
    let vm = 0;
    for (const v of market) vm += (v - mm) ** 2;
    for (let i = 0; i < N; i++) {
      let mi = 0;
      rows.forEach((t) => {
        mi += history.values[t * N + i];
      });
      mi /= rows.length;
      let c = 0;
      rows.forEach((t, k) => {
        c += (history.values[t * N + i] - mi) * (market[k] - mm);
      });
      beta += w[i] * (vm > 0 ? c / vm : 1);
    }
  } else {
    for (let i = 0; i < N; i++) beta += w[i];
  }
  const sigma = rows.length >= 10 ? Math.sqrt(quadForm(w, covarianceMatrix(history, rows)) * 252) : 0.2;
  return scenarios.map((s) => {
    const loss = beta * s.marketReturn;
    return {
      scenario: s.name,
      marketShock: s.marketReturn,
      estimatedPortfolioLoss: loss,
      portfolioBeta: beta,
      portfolioVolAnnual: sigma,
      volAdjustedLoss: loss * Math.sqrt(Math.max(s.volatilityMultiplier, 1)),
      var95Stressed: -((sigma * s.volatilityMultiplier) / Math.sqrt(252)) * 1.645,
    };
  });
}

export interface CorrelationStress {
  normalVolAnnual: number;
  stressVolAnnual: number;
  volIncreasePct: number;
  stressVar99Daily: number;
  maxLoss3Sigma: number;
  maxLossExtreme: number;
  diversificationBenefit: number;
  stressDiversificationBenefit: number;
  benefitLost: number;
}

/**
 * Spec `correlation_stress_test`: Σ_stress = D·R·D with every off-diagonal correlation set to
 * ρ (D = the assets' standard deviations); weights normalised to Σ|w| = 1. Daily figures:
 * VaR99 = 2.326·σ_stress, 3σ loss, extreme = 3·VaR99; diversification benefit =
 * 1 − σ_p/Σ|w_i|σ_i in the normal and stressed matrices.
 */
export function correlationStressTest(weights: Float64Array, cov: Float64Array, rho = 0.9): CorrelationStress {
  const N = weights.length;
  if (cov.length !== N * N) throw new RangeError(`covariance has ${cov.length} cells for ${N} weights`);
  const w = normaliseGross(weights);
  const sd = new Float64Array(N);
  for (let i = 0; i < N; i++) sd[i] = Math.sqrt(Math.max(0, cov[i * N + i]));
  const stress = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) stress[i * N + j] = (i === j ? 1 : rho) * sd[i] * sd[j];
  const dNormal = Math.sqrt(quadForm(w, cov));
  const dStress = Math.sqrt(quadForm(w, stress));
  let undiversified = 0;
  for (let i = 0; i < N; i++) undiversified += Math.abs(w[i]) * sd[i];
  const benefit = undiversified > 0 ? 1 - dNormal / undiversified : 0;
  const stressBenefit = undiversified > 0 ? 1 - dStress / undiversified : 0;
  const var99 = 2.326 * dStress;
  return {
    normalVolAnnual: dNormal * Math.sqrt(252),
    stressVolAnnual: dStress * Math.sqrt(252),
    volIncreasePct: dNormal > 0 ? (dStress / dNormal - 1) * 100 : 0,
    stressVar99Daily: var99,
    maxLoss3Sigma: 3 * dStress,
    maxLossExtreme: 3 * var99,
    diversificationBenefit: benefit,
    stressDiversificationBenefit: stressBenefit,
    benefitLost: benefit - stressBenefit,
  };
}

/** Spec `factor_stress_test`: Σ exposure_f × shock_f per scenario (missing exposures count 0). */
export function factorStressTest(
  exposures: Record<string, number>,
  scenarios: Record<string, Record<string, number>> = CRISIS_SCENARIOS,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, shocks] of Object.entries(scenarios)) {
    let r = 0;
    for (const [f, s] of Object.entries(shocks)) r += (exposures[f] ?? 0) * s;
    out[name] = r;
  }
  return out;
}

export interface HistoricalEpisode {
  peakIndex: number;
  troughIndex: number;
  /** recovery row, or the last row when the market had not recovered */
  endIndex: number;
  recovered: boolean;
  duration: number;
  marketDrawdown: number;
  /** portfolio compounded return from after the peak through the trough */
  portfolioReturn: number;
  /** portfolio max drawdown over the same rows */
  portfolioMaxDrawdown: number;
}

/**
 * Spec `run_historical_drawdown_test`: the `nWorst` deepest drawdown episodes (≤ minDrawdown)
 * of the market return series (e.g. the equal-weight index) and how the portfolio fared over
 * each (rows peak+1 … trough). Both series are aligned row by row.
 */
export function historicalDrawdownTest(
  portfolio: Float64Array,
  market: Float64Array,
  nWorst = 5,
  minDrawdown = -0.05,
): HistoricalEpisode[] {
  if (portfolio.length !== market.length) throw new RangeError('portfolio and market returns differ in length');
  const eps = drawdownEpisodes(drawdownSeries(market))
    .filter((e) => e.depth <= minDrawdown)
    .sort((a, b) => a.depth - b.depth || a.peakIndex - b.peakIndex)
    .slice(0, nWorst);
  return eps.map((e) => {
    let eq = 1;
    let peak = 1;
    let mdd = 0;
    for (let t = e.peakIndex + 1; t <= e.troughIndex; t++) {
      eq *= 1 + portfolio[t];
      if (eq > peak) peak = eq;
      mdd = Math.min(mdd, eq / peak - 1);
    }
    const end = e.recovered ? e.recoveryIndex : market.length - 1;
    return {
      peakIndex: e.peakIndex,
      troughIndex: e.troughIndex,
      endIndex: end,
      recovered: e.recovered,
      duration: end - e.peakIndex,
      marketDrawdown: e.depth,
      portfolioReturn: eq - 1,
      portfolioMaxDrawdown: mdd,
    };
  });
}
