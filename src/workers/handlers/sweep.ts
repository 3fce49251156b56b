/**
 * `sweep` job: the vectorised dual-SMA parameter sweep over stored daily datasets, split into
 * combination ranges that run as shards across the worker pool (`sweep_chunk`), merged, and
 * judged for selection bias (deflated Sharpe of the winner, CSCV probability of overfitting).
 * Tickers are aligned on the dates where every one of them has a bar (the sweep kernel needs
 * dense prices). Stored under `sweep/<manifestId>`; identical inputs reuse the stored result.
 */
import { alignBars, type TickerSeries } from '../../engine/backtest/matrix';
import { chunkRanges, mergeSweepChunks, prepareSweep, type SweepChunk, smaGrid } from '../../engine/backtest/sweep';
import { sweepSelection } from '../../engine/backtest/sweep-selection';
import type { DatasetMeta, Json } from '../../engine/contracts';
import { checkpoint } from '../../engine/core/context';
import { DAY_MS } from '../../engine/core/time';
import { ENGINE_VERSION } from '../../engine/core/version';
import { getArtifact, putArtifact } from '../../storage/artifacts';
import { DatasetNotFoundError, getDatasetMeta } from '../../storage/catalog';
import { loadDataset } from '../../storage/datasets';
import type { SweepParams, SweepView } from '../api';
import { buildManifest } from '../manifest';
import { resultInput } from '../research-results';
import type { SweepShardInput } from '../shards/sweep-chunk';
import type { JobHandler } from './types';

export const MAX_SWEEP_COMBINATIONS = 50_000;
/** More shards than workers so a slow worker does not hold the whole job back. */
const SHARDS = 8;

export class SweepParamsError extends Error {
  constructor(field: string, message: string) {
    super(`sweep params.${field}: ${message}`);
    this.name = 'SweepParamsError';
  }
}

type Raw = { [k: string]: Json };

function int(v: Json | undefined, field: string, def: number, min: number, max: number): number {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new SweepParamsError(field, `must be an integer in [${min}, ${max}] (got ${JSON.stringify(v)})`);
  }
  return v;
}

function range(v: Json | undefined, field: string, def: { from: number; to: number; step: number }) {
  if (v === undefined || v === null) return def;
  if (typeof v !== 'object' || Array.isArray(v)) throw new SweepParamsError(field, 'must be {from, to, step}');
  const r = {
    from: int(v.from, `${field}.from`, def.from, 1, 1000),
    to: int(v.to, `${field}.to`, def.to, 1, 1000),
    step: int(v.step, `${field}.step`, def.step, 1, 500),
  };
  if (r.to < r.from) throw new SweepParamsError(field, `to (${r.to}) is below from (${r.from})`);
  return r;
}

export function normaliseSweepParams(p: Raw): SweepParams {
  const ids = p.datasetIds;
  if (!Array.isArray(ids) || ids.length === 0 || !ids.every((x) => typeof x === 'string')) {
    throw new SweepParamsError('datasetIds', 'must be a non-empty list of dataset ids');
  }
  const costBps = p.costBps ?? 10;
  if (typeof costBps !== 'number' || !(costBps >= 0) || costBps > 500) throw new SweepParamsError('costBps', `must be a number in [0, 500] (got ${JSON.stringify(costBps)})`);
  const out: SweepParams = {
    datasetIds: [...new Set(ids as string[])].sort(),
    fast: range(p.fast, 'fast', { from: 5, to: 50, step: 1 }),
    slow: range(p.slow, 'slow', { from: 20, to: 250, step: 5 }),
    costBps,
    lag: int(p.lag, 'lag', 1, 0, 5),
    pboBlocks: int(p.pboBlocks, 'pboBlocks', 16, 0, 32),
  };
  if (out.pboBlocks % 2 === 1) throw new SweepParamsError('pboBlocks', `must be even (CSCV splits blocks in halves; got ${out.pboBlocks})`);
  return out;
}

const finite = (x: ArrayLike<number>) => Array.from(x, (v) => (Number.isFinite(v) ? v : null));

export const sweepHandler: JobHandler = async (params, ctx, env) => {
  const p = normaliseSweepParams(params);
  const grid = smaGrid(p.fast, p.slow);
  const combos = grid.fast.length;
  if (combos > MAX_SWEEP_COMBINATIONS) {
    throw new SweepParamsError('grid', `has ${combos} combinations; the limit is ${MAX_SWEEP_COMBINATIONS} (widen the steps)`);
  }
  const db = await env.db();
  const metas: DatasetMeta[] = [];
  for (const id of p.datasetIds) {
    const m = await getDatasetMeta(db, id);
    if (!m) throw new DatasetNotFoundError(id);
    if (m.timeframe !== '1d') throw new SweepParamsError('datasetIds', `${id} is ${m.timeframe}; the sweep runs on daily bars`);
    metas.push(m);
  }
  const manifest = buildManifest({ type: 'sweep', params: p as unknown as Raw, inputs: metas.map((m) => ({ key: m.id, checksum: m.checksum })) });
  const key = `sweep/${manifest.id}`;
  if (await getArtifact(db, key)) {
    ctx.progress(1, 'Reused the stored result of identical inputs');
    return { resultKey: key };
  }
  const series: TickerSeries[] = [];
  for (let i = 0; i < metas.length; i++) {
    ctx.progress((0.1 * i) / metas.length, `Loading ${metas[i].ticker}`);
    const d = await loadDataset(db, metas[i].id);
    if (d.meta.checksum !== metas[i].checksum) throw new Error(`dataset ${metas[i].id} changed while the sweep was loading it; run it again`);
    series.push({ ticker: d.meta.ticker, bars: d.bars });
    await checkpoint(ctx);
  }
  // Dense closes on the dates every ticker trades.
  const m = alignBars(series);
  const keep: number[] = [];
  for (let t = 0; t < m.rows; t++) {
    let all = true;
    for (let i = 0; i < m.cols && all; i++) all = Number.isFinite(m.close[t * m.cols + i]);
    if (all) keep.push(t);
  }
  let maxSlow = 0;
  for (const w of grid.slow) maxSlow = Math.max(maxSlow, w);
  if (keep.length < maxSlow + 2) {
    throw new SweepParamsError('datasetIds', `the tickers share ${keep.length} dates; the slowest SMA (${maxSlow}) needs more than ${maxSlow + 1}`);
  }
  const closes = Array.from({ length: m.cols }, (_, i) => Float64Array.from(keep, (t) => m.close[t * m.cols + i]));
  const ranges = chunkRanges(combos, SHARDS);
  const shards: SweepShardInput[] = ranges.map(([from, to]) => ({ closes, fast: grid.fast, slow: grid.slow, from, to, lag: p.lag, costBps: p.costBps, pboBlocks: p.pboBlocks }));
  ctx.progress(0.1, `Evaluating ${combos} combinations in ${ranges.length} shards`);
  const t0 = env.monotonic();
  const chunks = await env.parallelMap<SweepShardInput, SweepChunk>('sweep_chunk', shards, {
    onShardDone: (done, total) => ctx.progress(0.1 + (0.8 * done) / total, `${done}/${total} shards done`),
  });
  const elapsed = env.monotonic() - t0;
  await checkpoint(ctx);
  const res = mergeSweepChunks(grid, chunks);
  const sel = sweepSelection(prepareSweep(closes, grid), grid, res, { lag: p.lag, costBps: p.costBps });
  const rows = keep.length;
  const iso = (t: number) => new Date(m.days[t] * DAY_MS).toISOString().slice(0, 10);
  const computedAt = new Date(env.now()).toISOString();
  const warnings: string[] = [];
  const dropped = m.rows - rows;
  if (dropped > 0) warnings.push(`${dropped} of ${m.rows} dates were left out because not every ticker has a bar on them.`);
  if (sel.pbo && !sel.pbo.valid) warnings.push('Too few rows per block for a meaningful probability of backtest overfitting.');
  const view: SweepView = {
    params: p,
    tickers: [...m.tickers],
    firstDate: iso(keep[0]),
    lastDate: iso(keep[rows - 1]),
    rows,
    fast: Array.from(grid.fast),
    slow: Array.from(grid.slow),
    sharpe: finite(res.sharpe),
    totalReturn: finite(res.totalReturn),
    maxDrawdown: finite(res.maxDrawdown),
    trades: Array.from(res.trades),
    best: {
      index: sel.best,
      fast: sel.fast,
      slow: sel.slow,
      sharpe: sel.sharpe,
      trials: sel.trials,
      dsr: Number.isFinite(sel.deflated.dsr) ? sel.deflated.dsr : null,
      dsrPValue: Number.isFinite(sel.deflated.dsr) ? 1 - sel.deflated.dsr : null,
      pbo: sel.pbo?.valid ? sel.pbo.pbo : null,
    },
    shards: ranges.length,
    barStepsPerSecond: elapsed > 0 ? (combos * (rows - 1) * m.cols) / (elapsed / 1000) : 0,
    elapsedMs: elapsed,
    inputs: metas.map((d) => resultInput(d, 'dataset')),
    warnings,
    engineVersion: ENGINE_VERSION,
    manifestId: manifest.id,
    computedAt,
  };
  ctx.progress(0.95, 'Storing result');
  await putArtifact(db, key, view as unknown as Json, computedAt, { jobId: env.jobId, manifestId: manifest.id });
  env.log.info(`sweep of ${combos} SMA pairs over ${p.datasetIds.join(', ')}: best ${sel.fast}/${sel.slow}, ${elapsed.toFixed(0)} ms`, { jobId: env.jobId });
  ctx.progress(1, `Best ${sel.fast}/${sel.slow} · Sharpe ${sel.sharpe.toFixed(2)}`);
  return { resultKey: key };
};
