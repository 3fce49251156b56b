/**
 * IV Surface job results: artifact keys, the stored shapes (JSON: NaN is written as null),
 * read-back validation and the envelopes the page renders. Shared by the compute-worker
 * handlers (which write) and the main-thread facade (which reads), so it imports only
 * contracts, storage types and the provenance helper — nothing that computes.
 *
 * Provenance decisions (ui-pages §7, §11):
 *  - parametric surfaces (Heston grid from chosen parameters) are model output: mode `live`
 *    (computed in this run from no data at all), source and a warning saying "not market data";
 *  - the arbitrage-aware tab fits simulated noisy quotes: mode `demo`;
 *  - results from an imported chain inherit the chain's origin (file → `live`).
 */
import { type DataMode, type Envelope, type Json, SchemaError } from '../../engine/contracts';
import type { OptionChainSummary, StoredOptionChain } from '../../storage/option-chains';
import { modeForOrigin } from '../../storage/provenance';

export const IV_ARTIFACT_PREFIX = {
  heston: 'iv_heston/',
  arbSvi: 'iv_arb_svi/',
  chainImport: 'iv_chain_import/',
  hestonCalibration: 'iv_heston_calibrate/',
} as const;

/** Heston calibrations are keyed by chain and chain checksum: a re-imported chain never reads an old fit. */
export function hestonCalibrationPrefix(chainId: string, checksum: string): string {
  return `${IV_ARTIFACT_PREFIX.hestonCalibration}${chainId}/${checksum}/`;
}

/** The manifest input naming a stored chain. */
export function chainInputKey(chainId: string): string {
  return `option-chain:${chainId}`;
}

/** A surface on a (expiry × moneyness) grid; vols in percent, null where there is no value. */
export interface IvSurfaceGrid {
  /** K/S */
  moneyness: number[];
  /** years */
  expiries: number[];
  /** [expiry][moneyness], percent */
  iv: (number | null)[][];
  /** label → iv over `moneyness` */
  smiles: Record<string, (number | null)[]>;
}

export interface HestonParamsJson {
  v0: number;
  kappa: number;
  theta: number;
  sigma: number;
  rho: number;
}

export interface FellerJson {
  lhs: number;
  rhs: number;
  satisfied: boolean;
}

interface ResultStamp {
  computedAt: string;
  manifestId: string;
  jobId: string;
  elapsedMs: number;
  engineVersion: string;
}

/** `iv_heston`: the Heston tab's surface. */
export interface HestonSurfaceResult extends ResultStamp {
  kind: 'heston_surface';
  params: HestonParamsJson;
  spot: number;
  rate: number;
  surface: IvSurfaceGrid;
  feller: FellerJson;
  /** grid points whose model price did not invert (filled from the nearest neighbour) */
  failed: number;
}

export interface ArbSviInputs {
  spot: number;
  rate: number;
  dividend: number;
  noise: number;
  maxIterations: number;
}

/** `iv_arb_svi`: ArbFreeSVIResult of ui-pages §7 with null for missing values. */
export interface ArbSviResult extends ResultStamp {
  kind: 'arb_svi';
  inputs: ArbSviInputs;
  moneyness: number[];
  expiries: number[];
  raw_iv: (number | null)[][];
  adj_iv: (number | null)[][];
  market_iv: (number | null)[][];
  objectives: (number | null)[];
  n_expiries: number;
  n_strikes: number;
  raw_calendar_violation: number;
  adj_calendar_violation: number;
}

/** `iv_chain_import`: what one import stored. */
export interface ChainImportResult extends ResultStamp {
  kind: 'chain_import';
  fileName: string;
  uploadId: string;
  rows: number;
  chains: { id: string; rows: number; ok: number; failed: number; fitted: boolean; replaced: boolean }[];
  warnings: string[];
}

/** `iv_heston_calibrate`: a Heston fit to a stored chain. */
export interface HestonCalibrationResult extends ResultStamp {
  kind: 'heston_calibration';
  chainId: string;
  chainChecksum: string;
  params: HestonParamsJson;
  /** RMSE of model vs market implied vol (decimal vol) over the quotes whose model IV inverted */
  ivRmse: number | null;
  residualRmse: number | null;
  used: number;
  quotes: number;
  feller: FellerJson;
  evaluations: number;
  deGenerations: number;
  lmIterations: number;
  /** model surface over the chain's moneyness range and expiries; smiles keyed by expiry date */
  surface: IvSurfaceGrid;
}

// ---- JSON helpers -------------------------------------------------------------------------------

/** number → itself, non-finite → null (JSON has no NaN). */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

export function rowsOrNull(rows: readonly (readonly number[])[]): (number | null)[][] {
  return rows.map((r) => r.map(finiteOrNull));
}

export function toJson<T>(value: T): Json {
  return value as unknown as Json;
}

// ---- read-back validation -------------------------------------------------------------------------

function fail(path: string, expected: string, got: unknown): never {
  throw new SchemaError(path, expected, got);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numberField(o: Record<string, unknown>, k: string, path: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${path}.${k}`, 'finite number', v);
  return v;
}

function gridRows(v: unknown, rows: number, cols: number, path: string): void {
  if (!Array.isArray(v) || v.length !== rows) fail(path, `${rows} rows`, v);
  for (let i = 0; i < rows; i++) {
    const r = v[i];
    if (!Array.isArray(r) || r.length !== cols) fail(`${path}[${i}]`, `${cols} values`, r);
    for (const x of r) if (x !== null && typeof x !== 'number') fail(`${path}[${i}]`, 'numbers or null', x);
  }
}

function numberList(v: unknown, path: string): number[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) fail(path, 'finite numbers', v);
  return v as number[];
}

function checkGrid(v: unknown, path: string): IvSurfaceGrid {
  if (!isRecord(v)) fail(path, 'surface object', v);
  const m = numberList(v.moneyness, `${path}.moneyness`);
  const e = numberList(v.expiries, `${path}.expiries`);
  gridRows(v.iv, e.length, m.length, `${path}.iv`);
  if (!isRecord(v.smiles)) fail(`${path}.smiles`, 'object', v.smiles);
  for (const [k, row] of Object.entries(v.smiles)) gridRows([row], 1, m.length, `${path}.smiles.${k}`);
  return v as unknown as IvSurfaceGrid;
}

function checkStamp(v: Record<string, unknown>, kind: string, path: string): void {
  if (v.kind !== kind) fail(`${path}.kind`, `"${kind}"`, v.kind);
  for (const k of ['computedAt', 'manifestId', 'jobId', 'engineVersion']) if (typeof v[k] !== 'string') fail(`${path}.${k}`, 'string', v[k]);
  numberField(v, 'elapsedMs', path);
}

function checkParams(v: unknown, path: string): void {
  if (!isRecord(v)) fail(path, 'Heston parameters', v);
  for (const k of ['v0', 'kappa', 'theta', 'sigma', 'rho']) numberField(v, k, path);
}

export function parseHestonSurfaceResult(value: unknown, path = 'iv_heston result'): HestonSurfaceResult {
  if (!isRecord(value)) fail(path, 'object', value);
  checkStamp(value, 'heston_surface', path);
  checkParams(value.params, `${path}.params`);
  checkGrid(value.surface, `${path}.surface`);
  if (!isRecord(value.feller)) fail(`${path}.feller`, 'object', value.feller);
  return value as unknown as HestonSurfaceResult;
}

export function parseArbSviResult(value: unknown, path = 'iv_arb_svi result'): ArbSviResult {
  if (!isRecord(value)) fail(path, 'object', value);
  checkStamp(value, 'arb_svi', path);
  const m = numberList(value.moneyness, `${path}.moneyness`);
  const e = numberList(value.expiries, `${path}.expiries`);
  for (const k of ['raw_iv', 'adj_iv', 'market_iv']) gridRows(value[k], e.length, m.length, `${path}.${k}`);
  numberField(value, 'raw_calendar_violation', path);
  numberField(value, 'adj_calendar_violation', path);
  return value as unknown as ArbSviResult;
}

export function parseHestonCalibrationResult(value: unknown, path = 'iv_heston_calibrate result'): HestonCalibrationResult {
  if (!isRecord(value)) fail(path, 'object', value);
  checkStamp(value, 'heston_calibration', path);
  checkParams(value.params, `${path}.params`);
  checkGrid(value.surface, `${path}.surface`);
  if (typeof value.chainId !== 'string' || typeof value.chainChecksum !== 'string') fail(path, 'chain id and checksum', value.chainId);
  return value as unknown as HestonCalibrationResult;
}

export function parseChainImportResult(value: unknown, path = 'iv_chain_import result'): ChainImportResult {
  if (!isRecord(value)) fail(path, 'object', value);
  checkStamp(value, 'chain_import', path);
  if (!Array.isArray(value.chains)) fail(`${path}.chains`, 'array', value.chains);
  return value as unknown as ChainImportResult;
}

// ---- envelopes --------------------------------------------------------------------------------------

export const MODEL_SOURCE = 'model output (parametric surface), not market data';
export const MODEL_WARNING = 'Model output computed from the parameters set on this page — not market data.';
export const SIMULATED_SOURCE = 'simulated quotes (seeded) — model output, not market data';

function fellerWarning(f: FellerJson): string | null {
  return f.satisfied
    ? null
    : `Feller condition violated: 2κθ = ${f.lhs.toFixed(4)} ≤ σ² = ${f.rhs.toFixed(4)} — the variance process can reach zero.`;
}

function stampMeta(r: ResultStamp) {
  return {
    generatedAt: r.computedAt,
    manifestId: r.manifestId,
    jobId: r.jobId,
    elapsedMs: Math.max(0, r.elapsedMs),
  };
}

export function hestonSurfaceEnvelope(r: HestonSurfaceResult): Envelope<HestonSurfaceResult> {
  const warnings = [MODEL_WARNING];
  const f = fellerWarning(r.feller);
  if (f) warnings.push(f);
  if (r.failed > 0) warnings.push(`${r.failed} grid points did not invert to an implied vol; filled from the nearest point.`);
  return {
    data: r,
    meta: {
      mode: 'live',
      asOf: null,
      source: `Heston ${MODEL_SOURCE}; v0 ${r.params.v0}, θ ${r.params.theta}, κ ${r.params.kappa}, σ ${r.params.sigma}, ρ ${r.params.rho}`,
      staleness: null,
      warnings,
      ...stampMeta(r),
    },
  };
}

export function arbSviEnvelope(r: ArbSviResult): Envelope<ArbSviResult> {
  const i = r.inputs;
  return {
    data: r,
    meta: {
      mode: 'demo',
      asOf: null,
      source: `${SIMULATED_SOURCE}; spot ${i.spot}, rate ${i.rate}, dividend yield ${i.dividend}, noise ${i.noise}`,
      staleness: null,
      warnings: [
        'Market quotes on this tab are simulated: Heston model vols plus seeded Gaussian noise (the seed derives from the inputs). Nothing here is market data.',
      ],
      ...stampMeta(r),
    },
  };
}

function chainMode(c: OptionChainSummary): DataMode {
  return modeForOrigin(c.origin);
}

function quoteDateMs(c: OptionChainSummary): number {
  return Date.parse(`${c.quoteDate}T00:00:00.000Z`);
}

export function chainFailureWarning(c: OptionChainSummary): string | null {
  const failed = c.rows - c.ok;
  if (failed === 0) return null;
  const parts = Object.entries(c.failedByCode).map(([code, n]) => `${n} ${code}`);
  return `${failed} of ${c.rows} quotes gave no implied vol (${parts.join(', ')}); each is listed in Failed Quotes.`;
}

export function chainEnvelope(c: StoredOptionChain, now: number): Envelope<StoredOptionChain> {
  const warnings = [...c.warnings];
  const f = chainFailureWarning(c);
  if (f) warnings.push(f);
  if (c.origin === 'demo') warnings.push('Synthetic demo data — not market data.');
  const asOf = quoteDateMs(c);
  return {
    data: c,
    meta: {
      mode: chainMode(c),
      generatedAt: c.storedAt,
      asOf: Number.isFinite(asOf) ? new Date(asOf).toISOString() : null,
      source: `${c.source} — ${c.underlying} options quoted ${c.quoteDate} (imported ${c.storedAt.slice(0, 16).replace('T', ' ')} UTC)`,
      staleness: Number.isFinite(asOf) ? Math.max(0, Math.round((now - asOf) / 1000)) : null,
      warnings,
      manifestId: c.manifestId,
      jobId: c.jobId,
    },
  };
}

export function hestonCalibrationEnvelope(
  r: HestonCalibrationResult,
  chain: OptionChainSummary,
  now: number,
): Envelope<HestonCalibrationResult> {
  const warnings: string[] = [];
  const f = fellerWarning(r.feller);
  if (f) warnings.push(f);
  if (r.used < r.quotes) warnings.push(`${r.quotes - r.used} of ${r.quotes} quotes have no model implied vol at the optimum and are left out of the IV error.`);
  if (chain.origin === 'demo') warnings.push('Calibrated to synthetic demo data — not market data.');
  const asOf = quoteDateMs(chain);
  return {
    data: r,
    meta: {
      mode: chainMode(chain),
      asOf: Number.isFinite(asOf) ? new Date(asOf).toISOString() : null,
      source: `Heston model calibrated to ${chain.underlying} options quoted ${chain.quoteDate} (${chain.source})`,
      staleness: Number.isFinite(asOf) ? Math.max(0, Math.round((now - asOf) / 1000)) : null,
      warnings,
      ...stampMeta(r),
    },
  };
}
