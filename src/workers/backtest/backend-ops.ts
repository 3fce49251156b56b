/**
 * The backtest part of the main-thread facade: run history and stored results as envelopes.
 * Reads only (the `backtest` job writes); kept apart from backend.ts so that file only
 * spreads these methods in, and free of engine imports so the main bundle stays small.
 */
import type { DatasetMeta, Envelope, JobRecord } from '../../engine/contracts';
import { getArtifact } from '../../storage/artifacts';
import { getDatasetMeta } from '../../storage/catalog';
import type { QeDb } from '../../storage/db';
import type { BacktestRunSummary, BacktestView, SweepView } from '../api';
import { resultEnvelope } from '../research-results';

export class BacktestResultError extends Error {
  constructor(key: string, message: string) {
    super(`stored backtest ${key}: ${message}`);
    this.name = 'BacktestResultError';
  }
}

/** Structural check of a stored view (arrays aligned on dates). */
export function readBacktestView(value: unknown, key: string): BacktestView {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BacktestResultError(key, 'is not an object');
  const v = value as Partial<BacktestView>;
  if (!Array.isArray(v.dates)) throw new BacktestResultError(key, 'has no dates');
  const T = v.dates.length;
  for (const f of ['equity', 'returns', 'drawdown', 'rollingVol', 'rollingSharpe'] as const) {
    const col = v[f];
    if (!Array.isArray(col) || col.length !== T) throw new BacktestResultError(key, `${f} must have ${T} rows`);
  }
  if (v.benchmarkEquity !== null && (!Array.isArray(v.benchmarkEquity) || v.benchmarkEquity.length !== T)) {
    throw new BacktestResultError(key, `benchmarkEquity must be null or have ${T} rows`);
  }
  if (!v.trades || typeof v.trades.n !== 'number' || !Array.isArray(v.trades.ticker) || v.trades.ticker.length !== v.trades.n) {
    throw new BacktestResultError(key, 'trades are malformed');
  }
  if (!Array.isArray(v.inputs) || typeof v.manifestId !== 'string' || typeof v.report !== 'object' || v.report === null) {
    throw new BacktestResultError(key, 'inputs, manifestId or report missing');
  }
  return v as BacktestView;
}

const HISTORY = 20;

export function createBacktestOps(deps: { ready: () => Promise<QeDb>; now: () => number; listJobs: (limit?: number) => Promise<JobRecord[]> }) {
  const summary = (j: JobRecord): BacktestRunSummary => ({
    jobId: j.id,
    status: j.status,
    createdAt: j.createdAt,
    ...(j.startedAt ? { startedAt: j.startedAt } : {}),
    ...(j.completedAt ? { completedAt: j.completedAt } : {}),
    params: j.manifest.params,
    manifestId: j.manifest.id,
    ...(j.resultKey ? { resultKey: j.resultKey } : {}),
    ...(j.error ? { error: j.error } : {}),
  });
  const runs = async (): Promise<BacktestRunSummary[]> => (await deps.listJobs(500)).filter((j) => j.type === 'backtest').map(summary);

  return {
    async listBacktestRuns(): Promise<BacktestRunSummary[]> {
      return (await runs()).slice(0, HISTORY);
    },

    async getBacktestResult(runId: string): Promise<Envelope<BacktestView> | null> {
      const database = await deps.ready();
      let key: string | undefined;
      let jobId: string | undefined;
      if (runId.startsWith('backtest/')) key = runId;
      else {
        const all = await runs();
        const run = runId === 'latest' ? all.find((r) => r.status === 'succeeded' && r.resultKey) : all.find((r) => r.jobId === runId);
        key = run?.resultKey;
        jobId = run?.jobId;
      }
      if (!key) return null;
      const rec = await getArtifact(database, key);
      if (!rec) return null;
      const view = readBacktestView(rec.value, key);
      const current = new Map<string, DatasetMeta | undefined>(
        await Promise.all(view.inputs.map(async (i) => [i.datasetId, await getDatasetMeta(database, i.datasetId)] as const)),
      );
      const last = view.dates.length > 0 ? new Date(view.dates[view.dates.length - 1]).toISOString() : null;
      const jid = jobId ?? rec.jobId;
      return resultEnvelope(view, {
        now: deps.now(),
        current,
        source: `${view.params.predictions_run ? `predictions ${view.params.predictions_run.slice(0, 8)}` : `SMA ${view.params.rule.fast}/${view.params.rule.slow}`} backtest of ${view.tickers.join(', ')} (${view.inputs.map((i) => i.source).join(', ')})`,
        asOf: last,
        ...(jid ? { jobId: jid } : {}),
      });
    },

    async getSweepResult(runId: string): Promise<Envelope<SweepView> | null> {
      const database = await deps.ready();
      const jobs = (await deps.listJobs(500)).filter((j) => j.type === 'sweep');
      const job = runId === 'latest' ? jobs.find((j) => j.status === 'succeeded' && j.resultKey) : jobs.find((j) => j.id === runId);
      if (!job?.resultKey) return null;
      const rec = await getArtifact(database, job.resultKey);
      if (!rec) return null;
      const view = readSweepView(rec.value, job.resultKey);
      const current = new Map<string, DatasetMeta | undefined>(
        await Promise.all(view.inputs.map(async (i) => [i.datasetId, await getDatasetMeta(database, i.datasetId)] as const)),
      );
      return resultEnvelope(view, {
        now: deps.now(),
        current,
        source: `dual-SMA sweep of ${view.tickers.join(', ')} (${view.fast.length} combinations)`,
        asOf: `${view.lastDate}T00:00:00.000Z`,
        jobId: job.id,
      });
    },
  };
}

/** Structural check of a stored sweep (per-combination columns of equal length). */
export function readSweepView(value: unknown, key: string): SweepView {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BacktestResultError(key, 'is not an object');
  const v = value as Partial<SweepView>;
  if (!Array.isArray(v.fast) || !Array.isArray(v.slow)) throw new BacktestResultError(key, 'has no grid');
  const n = v.fast.length;
  for (const f of ['slow', 'sharpe', 'totalReturn', 'maxDrawdown', 'trades'] as const) {
    const col = v[f];
    if (!Array.isArray(col) || col.length !== n) throw new BacktestResultError(key, `${f} must have ${n} entries`);
  }
  if (!v.best || !Array.isArray(v.inputs) || typeof v.manifestId !== 'string') throw new BacktestResultError(key, 'best, inputs or manifestId missing');
  return v as SweepView;
}
