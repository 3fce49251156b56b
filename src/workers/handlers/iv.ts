/**
 * IV Surface jobs (ui-pages §7): the Heston tab's model surface, the arbitrage-aware SVI build
 * on simulated quotes, option-chain import (prices, implied vols with codes, SVI fit) and a
 * Heston calibration to a stored chain. Each reports progress, stops at checkpoints when
 * cancelled, and writes its result only at the end (a cancelled job leaves nothing behind).
 */
import { num, obj, optional, str } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { ENGINE_VERSION } from '../../engine/core/version';
import { calibrateHeston } from '../../engine/iv/heston-fit';
import { linspace } from '../../engine/iv/svi';
import { arbFreeSviDemoJob, hestonSurfaceView, IV_PAGE_GRID } from '../../engine/iv/views';
import { putArtifact } from '../../storage/artifacts';
import {
  getChainUpload,
  getOptionChain,
  putOptionChains,
  type StoredOptionChain,
} from '../../storage/option-chains';
import { parseOptionChainCsv } from '../../storage/sources/option-chain-csv';
import { looksLikeParquet, parquetTableToCsvText } from '../../storage/sources/parquet-table-text';
import { buildStoredChain } from '../iv/chain-build';
import {
  type ArbSviResult,
  type ChainImportResult,
  chainInputKey,
  type HestonCalibrationResult,
  type HestonSurfaceResult,
  hestonCalibrationPrefix,
  IV_ARTIFACT_PREFIX,
  type IvSurfaceGrid,
  rowsOrNull,
  toJson,
} from '../iv/results';
import type { JobHandler } from './types';

/** Parameter boxes: the page's slider ranges with headroom (anything outside is a request error). */
export const hestonParamsSchema = obj({
  v0: num({ min: 1e-4, max: 2 }),
  theta: num({ min: 1e-4, max: 2 }),
  kappa: num({ min: 0.01, max: 20 }),
  sigma: num({ min: 0.01, max: 3 }),
  rho: num({ min: -0.999, max: 0.999 }),
});

export const arbSviParamsSchema = obj({
  spot: num({ min: 1e-6, max: 1e9 }),
  rate: num({ min: -0.5, max: 1 }),
  dividend: num({ min: -0.5, max: 1 }),
  noise: num({ min: 0, max: 0.2 }),
  maxIterations: num({ min: 1, max: 2000, int: true }),
});

export const chainImportParamsSchema = obj({
  uploadId: str(),
  fileName: str(),
  quoteDate: optional(str()),
  underlying: optional(str()),
  spot: optional(num({ min: 0 })),
  rate: optional(num({ min: -1, max: 1 })),
  dividendYield: optional(num({ min: -1, max: 1 })),
});

export const hestonCalibrateParamsSchema = obj({ chainId: str() });

function surfaceJson(v: { moneyness: number[]; expiries: number[]; iv: number[][]; smiles: Record<string, number[]> }): IvSurfaceGrid {
  return {
    moneyness: v.moneyness,
    expiries: v.expiries,
    iv: rowsOrNull(v.iv),
    smiles: Object.fromEntries(Object.entries(v.smiles).map(([k, row]) => [k, rowsOrNull([row])[0]])),
  };
}

export const ivHestonHandler: JobHandler = async (params, ctx, env) => {
  const p = hestonParamsSchema(params, 'params');
  const t0 = env.monotonic();
  ctx.progress(0.05, 'Pricing the 35 × 25 grid');
  await checkpoint(ctx);
  const view = hestonSurfaceView(p);
  await checkpoint(ctx);
  ctx.progress(0.9, 'Storing');
  const result: HestonSurfaceResult = {
    kind: 'heston_surface',
    params: { v0: p.v0, kappa: p.kappa, theta: p.theta, sigma: p.sigma, rho: p.rho },
    spot: IV_PAGE_GRID.spot,
    rate: IV_PAGE_GRID.rate,
    surface: surfaceJson(view),
    feller: view.feller,
    failed: view.failed,
    computedAt: new Date(env.now()).toISOString(),
    manifestId: env.manifest.id,
    jobId: env.jobId,
    elapsedMs: env.monotonic() - t0,
    engineVersion: ENGINE_VERSION,
  };
  const key = `${IV_ARTIFACT_PREFIX.heston}${env.jobId}`;
  await putArtifact(await env.db(), key, toJson(result), result.computedAt, { jobId: env.jobId, manifestId: env.manifest.id });
  env.log.info(`Heston surface computed (${view.failed} grid points filled)`, { jobId: env.jobId, context: { failed: view.failed } });
  ctx.progress(1, view.feller.satisfied ? 'Surface ready' : 'Surface ready · Feller violated');
  return { resultKey: key };
};

export const ivArbSviHandler: JobHandler = async (params, ctx, env) => {
  const inputs = arbSviParamsSchema(params, 'params');
  const t0 = env.monotonic();
  ctx.progress(0, 'Simulating quotes');
  await checkpoint(ctx);
  const view = await arbFreeSviDemoJob(inputs, ctx);
  const result: ArbSviResult = {
    kind: 'arb_svi',
    inputs: { ...inputs },
    moneyness: view.moneyness,
    expiries: view.expiries,
    raw_iv: rowsOrNull(view.raw_iv),
    adj_iv: rowsOrNull(view.adj_iv),
    market_iv: rowsOrNull(view.market_iv),
    objectives: view.objectives,
    n_expiries: view.n_expiries,
    n_strikes: view.n_strikes,
    raw_calendar_violation: view.raw_calendar_violation,
    adj_calendar_violation: view.adj_calendar_violation,
    computedAt: new Date(env.now()).toISOString(),
    manifestId: env.manifest.id,
    jobId: env.jobId,
    elapsedMs: env.monotonic() - t0,
    engineVersion: ENGINE_VERSION,
  };
  const key = `${IV_ARTIFACT_PREFIX.arbSvi}${env.jobId}`;
  await putArtifact(await env.db(), key, toJson(result), result.computedAt, { jobId: env.jobId, manifestId: env.manifest.id });
  env.log.info(
    `arbitrage-aware SVI built: calendar violation raw ${view.raw_calendar_violation.toExponential(2)}, adjusted ${view.adj_calendar_violation.toExponential(2)}`,
    { jobId: env.jobId },
  );
  ctx.progress(1, `${view.n_expiries} slices fitted`);
  return { resultKey: key };
};

export const ivChainImportHandler: JobHandler = async (params, ctx, env) => {
  const p = chainImportParamsSchema(params, 'params');
  const t0 = env.monotonic();
  const db = await env.db();
  ctx.progress(0, `Reading ${p.fileName}`);
  const upload = await getChainUpload(db, p.uploadId);
  const bytes = new Uint8Array(upload.bytes);
  // Parquet chains are read column-wise and handed to the same CSV parser, so both formats
  // share every header variant, check and error message.
  const text = looksLikeParquet(bytes)
    ? await parquetTableToCsvText(bytes, p.fileName)
    : new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  await checkpoint(ctx);
  ctx.progress(0.05, 'Parsing quotes');
  const parsed = parseOptionChainCsv(text, {
    fileName: p.fileName,
    quoteDate: p.quoteDate,
    underlying: p.underlying,
    spot: p.spot,
    rate: p.rate,
    dividendYield: p.dividendYield,
  });
  await checkpoint(ctx);
  const storedAt = new Date(env.now()).toISOString();
  const chains: StoredOptionChain[] = [];
  const nGroups = parsed.groups.length;
  for (let gi = 0; gi < nGroups; gi++) {
    const g = parsed.groups[gi];
    const base = 0.1 + (0.8 * gi) / nGroups;
    const span = 0.8 / nGroups;
    ctx.progress(base, `${g.underlying} ${g.quoteDate}: implied vols of ${g.line.length} quotes`);
    const chain = await buildStoredChain(
      g,
      {
        source: p.fileName,
        uploadId: p.uploadId,
        storedAt,
        manifestId: env.manifest.id,
        jobId: env.jobId,
        engineVersion: ENGINE_VERSION,
        warnings: parsed.warnings,
      },
      ctx,
      (f, stage) => ctx.progress(base + span * f, `${g.underlying} ${g.quoteDate}: SVI ${stage.toLowerCase()}`),
    );
    chains.push(chain);
    await checkpoint(ctx);
  }
  ctx.progress(0.92, 'Storing');
  const existing = new Set<string>();
  for (const c of chains) if ((await db.getKey('optionChains', c.id)) !== undefined) existing.add(c.id);
  // Last check before the write: a cancel that arrived during the fit stores nothing.
  await checkpoint(ctx);
  await putOptionChains(db, chains);
  const result: ChainImportResult = {
    kind: 'chain_import',
    fileName: p.fileName,
    uploadId: p.uploadId,
    rows: parsed.rows,
    chains: chains.map((c) => ({ id: c.id, rows: c.rows, ok: c.ok, failed: c.rows - c.ok, fitted: c.fitted, replaced: existing.has(c.id) })),
    warnings: parsed.warnings,
    computedAt: storedAt,
    manifestId: env.manifest.id,
    jobId: env.jobId,
    elapsedMs: env.monotonic() - t0,
    engineVersion: ENGINE_VERSION,
  };
  const key = `${IV_ARTIFACT_PREFIX.chainImport}${env.jobId}`;
  await putArtifact(db, key, toJson(result), storedAt, { jobId: env.jobId, manifestId: env.manifest.id });
  const failed = chains.reduce((s, c) => s + c.rows - c.ok, 0);
  env.log.info(`imported ${chains.length} option chain(s) from ${p.fileName}: ${parsed.rows} rows, ${failed} without an implied vol`, {
    jobId: env.jobId,
    context: { chains: chains.map((c) => c.id), rows: parsed.rows, failed },
  });
  ctx.progress(1, `${chains.length} chain${chains.length === 1 ? '' : 's'} · ${failed} failed rows`);
  return { resultKey: key };
};

/** The used (out-of-the-money, solved) quotes of a chain, for calibration. */
export function usedQuotes(c: StoredOptionChain): { T: Float64Array; K: Float64Array; iv: Float64Array } {
  const idx: number[] = [];
  for (let i = 0; i < c.rows; i++) if (c.quotes.used[i] === 1) idx.push(i);
  return {
    T: Float64Array.from(idx, (i) => c.quotes.T[i]),
    K: Float64Array.from(idx, (i) => c.quotes.strike[i]),
    iv: Float64Array.from(idx, (i) => c.quotes.iv[i]),
  };
}

export const ivHestonCalibrateHandler: JobHandler = async (params, ctx, env) => {
  const { chainId } = hestonCalibrateParamsSchema(params, 'params');
  const t0 = env.monotonic();
  const db = await env.db();
  ctx.progress(0, `Reading chain ${chainId}`);
  const chain = await getOptionChain(db, chainId);
  const declared = env.manifest.inputs.find((i) => i.key === chainInputKey(chainId));
  if (declared && declared.checksum !== chain.checksum) {
    throw new Error(`option chain ${chainId} changed after this job was submitted (it was re-imported); calibrate again`);
  }
  const quotes = usedQuotes(chain);
  if (quotes.T.length < 5) {
    throw new Error(`option chain ${chainId} has ${quotes.T.length} usable quotes; a Heston calibration needs at least 5`);
  }
  await checkpoint(ctx);
  ctx.progress(0.05, `Calibrating to ${quotes.T.length} quotes (differential evolution + Levenberg–Marquardt)`);
  const fit = calibrateHeston({ S: chain.spot, r: chain.rate, q: chain.dividendYield, ...quotes });
  await checkpoint(ctx);
  ctx.progress(0.85, 'Model surface');
  const expiries = chain.fit ? Float64Array.from(chain.fit.expiries) : Float64Array.from([...new Set(quotes.T)].sort((a, b) => a - b));
  const moneyness = chain.fit
    ? Float64Array.from(chain.fit.moneyness)
    : linspace(Math.min(...quotes.K) / chain.spot, Math.max(...quotes.K) / chain.spot, 41);
  const labels = chain.fit ? chain.fit.slices.map((s) => s.expiry) : Array.from(expiries, (t) => `T=${t.toFixed(4)}`);
  const view = hestonSurfaceView(fit.params, {
    spot: chain.spot,
    rate: chain.rate,
    dividend: chain.dividendYield,
    moneyness,
    expiries,
    smiles: Object.fromEntries(labels.map((l, i) => [l, expiries[i]])),
  });
  await checkpoint(ctx);
  const result: HestonCalibrationResult = {
    kind: 'heston_calibration',
    chainId,
    chainChecksum: chain.checksum,
    params: { ...fit.params },
    ivRmse: Number.isFinite(fit.ivRmse) ? fit.ivRmse : null,
    residualRmse: Number.isFinite(fit.residualRmse) ? fit.residualRmse : null,
    used: fit.used,
    quotes: quotes.T.length,
    feller: fit.feller,
    evaluations: fit.evaluations,
    deGenerations: fit.deGenerations,
    lmIterations: fit.lmIterations,
    surface: surfaceJson(view),
    computedAt: new Date(env.now()).toISOString(),
    manifestId: env.manifest.id,
    jobId: env.jobId,
    elapsedMs: env.monotonic() - t0,
    engineVersion: ENGINE_VERSION,
  };
  const key = `${hestonCalibrationPrefix(chainId, chain.checksum)}${env.jobId}`;
  await putArtifact(db, key, toJson(result), result.computedAt, { jobId: env.jobId, manifestId: env.manifest.id });
  env.log.info(
    `Heston calibrated to ${chainId}: IV RMSE ${fit.ivRmse.toFixed(5)}, Feller ${fit.feller.satisfied ? 'satisfied' : 'violated'}`,
    { jobId: env.jobId, context: { ...fit.params, ivRmse: fit.ivRmse } },
  );
  ctx.progress(1, `IV RMSE ${(fit.ivRmse * 100).toFixed(2)} vol pts`);
  return { resultKey: key };
};
