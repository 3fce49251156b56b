/**
 * View models of the IV Surface page (ui-pages §7): plain arrays, vols in percent,
 * [expiry][strike] rows, NaN where a point has no value. Builders only — the page decides
 * where they run (the Heston and arbitrage-aware builds belong in a worker job).
 */
import { type HestonParams, fellerReport } from './heston';
import { hestonIvSurface } from './heston-surface';
import { buildSviSurface, buildSviSurfaceJob, type SviSurface, type SviSurfaceOptions, surfaceIvGrid } from './svi-surface';
import { linspace, type SviParams, sviSurfaceGrid } from './svi';
import { type OptionChain, syntheticHestonChain } from './synthetic-chain';
import type { JobContext } from '../core/context';

export interface SurfaceView {
  moneyness: number[];
  expiries: number[];
  /** [expiry][strike], percent */
  iv: number[][];
  /** smile label (1M, 3M, …) → iv over `moneyness`, percent */
  smiles: Record<string, number[]>;
}

export interface HestonSurfaceView extends SurfaceView {
  feller: { lhs: number; rhs: number; satisfied: boolean };
  /** grid points whose model price did not invert (filled from the nearest neighbour) */
  failed: number;
}

export interface ArbFreeSVIResult {
  moneyness: number[];
  expiries: number[];
  raw_iv: number[][];
  adj_iv: number[][];
  market_iv: number[][];
  objectives: (number | null)[];
  n_expiries: number;
  n_strikes: number;
  raw_calendar_violation: number;
  adj_calendar_violation: number;
}

/** The page's fixed grid: spot 100, rate 5 %, 35 × 25 points, five smile expiries. */
export const IV_PAGE_GRID = {
  spot: 100,
  rate: 0.05,
  moneyness: linspace(0.65, 1.35, 35),
  expiries: linspace(0.08, 2.0, 25),
  smiles: { '1M': 1 / 12, '3M': 0.25, '6M': 0.5, '1Y': 1, '2Y': 2 } as Record<string, number>,
};

export interface PageGridOptions {
  spot?: number;
  rate?: number;
  dividend?: number;
  moneyness?: Float64Array;
  expiries?: Float64Array;
  smiles?: Record<string, number>;
}

function rows(values: Float64Array, nRows: number, nCols: number, scale: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < nRows; i++) {
    const row = new Array<number>(nCols);
    for (let j = 0; j < nCols; j++) row[j] = values[i * nCols + j] * scale;
    out.push(row);
  }
  return out;
}

/** SVI tab: one parameter set over the page grid (see SviSurfaceGridOptions.scaling). */
export function sviSurfaceView(
  p: SviParams,
  opts: PageGridOptions & { scaling?: 'total' | 'annualized' } = {},
): SurfaceView {
  const mny = opts.moneyness ?? IV_PAGE_GRID.moneyness;
  const exp = opts.expiries ?? IV_PAGE_GRID.expiries;
  const smiles = opts.smiles ?? IV_PAGE_GRID.smiles;
  const gridOpts = { rate: opts.rate ?? IV_PAGE_GRID.rate, dividend: opts.dividend ?? 0, scaling: opts.scaling };
  const grid = sviSurfaceGrid(p, mny, exp, gridOpts);
  const labels = Object.keys(smiles);
  const smileGrid = sviSurfaceGrid(p, mny, Float64Array.from(labels.map((l) => smiles[l])), gridOpts);
  const smileRows = rows(smileGrid, labels.length, mny.length, 100);
  return {
    moneyness: Array.from(mny),
    expiries: Array.from(exp),
    iv: rows(grid, exp.length, mny.length, 100),
    smiles: Object.fromEntries(labels.map((l, i) => [l, smileRows[i]])),
  };
}

/** Heston tab: model implied vols over the page grid (~25 characteristic-function passes). */
export function hestonSurfaceView(p: HestonParams, opts: PageGridOptions = {}): HestonSurfaceView {
  const spot = opts.spot ?? IV_PAGE_GRID.spot;
  const rate = opts.rate ?? IV_PAGE_GRID.rate;
  const q = opts.dividend ?? 0;
  const mny = opts.moneyness ?? IV_PAGE_GRID.moneyness;
  const exp = opts.expiries ?? IV_PAGE_GRID.expiries;
  const smiles = opts.smiles ?? IV_PAGE_GRID.smiles;
  const strikes = mny.map((m) => m * spot);
  const grid = hestonIvSurface(p, spot, rate, q, strikes, exp, { fillNearest: true });
  const labels = Object.keys(smiles);
  const sm = hestonIvSurface(p, spot, rate, q, strikes, Float64Array.from(labels.map((l) => smiles[l])), {
    fillNearest: true,
  });
  const smileRows = rows(sm.iv, labels.length, mny.length, 100);
  return {
    moneyness: Array.from(mny),
    expiries: Array.from(exp),
    iv: rows(grid.iv, exp.length, mny.length, 100),
    smiles: Object.fromEntries(labels.map((l, i) => [l, smileRows[i]])),
    feller: fellerReport(p),
    failed: grid.failed,
  };
}

/** Arb-aware tab from a chain and its built surface (strikes = the chain's distinct strikes). */
export function arbFreeSviView(chain: OptionChain, surf: SviSurface): ArbFreeSVIResult {
  const strikes = Float64Array.from([...new Set(Array.from(chain.K))].sort((a, b) => a - b));
  const nk = strikes.length;
  const nt = surf.expiries.length;
  const raw = surfaceIvGrid(surf, 'raw', chain.S, chain.r, chain.q, strikes, surf.expiries);
  const adj = surfaceIvGrid(surf, 'adjusted', chain.S, chain.r, chain.q, strikes, surf.expiries);
  const market = new Float64Array(nt * nk).fill(Number.NaN);
  const tIndex = new Map<number, number>(Array.from(surf.expiries, (t, i) => [t, i]));
  const kIndex = new Map<number, number>(Array.from(strikes, (k, j) => [k, j]));
  for (let i = 0; i < chain.T.length; i++) {
    const e = tIndex.get(chain.T[i]);
    const j = kIndex.get(chain.K[i]);
    if (e !== undefined && j !== undefined) market[e * nk + j] = chain.iv[i];
  }
  return {
    moneyness: Array.from(strikes, (k) => k / chain.S),
    expiries: Array.from(surf.expiries),
    raw_iv: rows(raw, nt, nk, 100),
    adj_iv: rows(adj, nt, nk, 100),
    market_iv: rows(market, nt, nk, 100),
    objectives: surf.slices.map((s) => (s.fit ? s.fit.objective : null)),
    n_expiries: nt,
    n_strikes: nk,
    raw_calendar_violation: surf.rawCalendarViolation,
    adj_calendar_violation: surf.adjCalendarViolation,
  };
}

export interface ArbFreeDemoInputs {
  spot: number;
  rate: number;
  dividend: number;
  /** IV noise standard deviation of the simulated quotes */
  noise: number;
  /** differential-evolution generations per slice */
  maxIterations: number;
}

/**
 * The arb-aware tab's "Build Surface" job: simulated noisy Heston quotes (demo data — say
 * so in the envelope), the arbitrage-aware SVI build, and its view.
 */
export async function arbFreeSviDemoJob(inputs: ArbFreeDemoInputs, ctx: JobContext): Promise<ArbFreeSVIResult> {
  const chain = syntheticHestonChain({
    S: inputs.spot,
    r: inputs.rate,
    q: inputs.dividend,
    noise: inputs.noise,
    strikes: linspace(0.8 * inputs.spot, 1.2 * inputs.spot, 25),
  });
  const opts: SviSurfaceOptions = { maxGenerations: Math.max(1, Math.round(inputs.maxIterations)) };
  const surf = await buildSviSurfaceJob(chain, opts, ctx);
  return arbFreeSviView(chain, surf);
}

/** Synchronous variant for the CLI and tests. */
export function arbFreeSviDemo(inputs: ArbFreeDemoInputs): ArbFreeSVIResult {
  const chain = syntheticHestonChain({
    S: inputs.spot,
    r: inputs.rate,
    q: inputs.dividend,
    noise: inputs.noise,
    strikes: linspace(0.8 * inputs.spot, 1.2 * inputs.spot, 25),
  });
  return arbFreeSviView(chain, buildSviSurface(chain, { maxGenerations: Math.max(1, Math.round(inputs.maxIterations)) }));
}
