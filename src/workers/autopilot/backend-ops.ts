/**
 * The autopilot part of the main-thread facade: stored cycles, the strategy registry, the
 * paper account (as envelopes) and the paper reset. Reads plus the reset only — cycles and
 * paper steps are jobs. No engine code here (the main bundle stays small).
 */
import type { DatasetMeta, Envelope, JobRecord } from '../../engine/contracts';
import {
  AutopilotStoreError,
  cycleReportKey,
  getCycleReport,
  getLatestCycleReport,
  getPaperState,
  getPaperViewRecord,
  getStrategyRegistry,
  PAPER_VIEW_KEY,
  readPaperState,
  resetPaperState,
  type StoredCycleReport,
} from '../../storage/autopilot';
import { getDatasetMeta } from '../../storage/catalog';
import type { QeDb } from '../../storage/db';
import type { ResultInput } from '../api';
import { resultEnvelope } from '../research-results';
import type {
  AutopilotCycleView,
  AutopilotRunSummary,
  PaperAccountView,
  StrategyRegistryView,
} from './views';

const RUN_HISTORY = 20;
const AUTOPILOT_JOBS = new Set(['autopilot_cycle', 'paper_cycle']);

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural check of a stored cycle record (the report itself is checked by storage). */
export function readCycleView(s: StoredCycleReport): AutopilotCycleView {
  const v = s.record;
  const need = (ok: boolean, field: string, what: string) => {
    if (!ok) throw new AutopilotStoreError(s.key, field, what);
  };
  need(isObj(v.params) && Array.isArray((v.params as { datasetIds?: unknown }).datasetIds), 'params', 'must hold datasetIds');
  need(isObj(v.predictor) && typeof (v.predictor as { type?: unknown }).type === 'string', 'predictor', 'must name the predictor type');
  need(Array.isArray(v.inputs), 'inputs', 'must be a list');
  need(Array.isArray(v.warnings), 'warnings', 'must be a list');
  need(typeof v.manifestId === 'string' && typeof v.computedAt === 'string', 'manifestId', 'and computedAt must be strings');
  return v as unknown as AutopilotCycleView;
}

export function readPaperView(value: unknown): PaperAccountView {
  const need = (ok: boolean, field: string, what: string) => {
    if (!ok) throw new AutopilotStoreError(PAPER_VIEW_KEY, field, what);
  };
  need(isObj(value), 'value', 'must be an object');
  const v = value as Record<string, unknown>;
  readPaperState(v.state, `${PAPER_VIEW_KEY}.state`);
  need(isObj(v.curve), 'curve', 'must be an object');
  const c = v.curve as Record<string, unknown>;
  need(Array.isArray(c.dates), 'curve.dates', 'must be a list');
  const n = (c.dates as unknown[]).length;
  for (const f of ['equity', 'cash', 'positionsValue', 'nPositions']) need(Array.isArray(c[f]) && (c[f] as unknown[]).length === n, `curve.${f}`, `must have ${n} values`);
  need(Array.isArray(v.positions) && isObj(v.totals) && Array.isArray(v.inputs) && Array.isArray(v.warnings), 'value', 'needs positions, totals, inputs, warnings');
  return v as unknown as PaperAccountView;
}

/** Heuristic predictions on real data are a substitution: shown as FALLBACK (demo stays DEMO). */
function withPredictorMode<T>(env: Envelope<T>, heuristic: boolean): Envelope<T> {
  if (!heuristic || env.meta.mode === 'demo' || env.meta.mode === 'fallback') return env;
  return { ...env, meta: { ...env.meta, mode: 'fallback' } };
}

export function createAutopilotOps(deps: { ready: () => Promise<QeDb>; now: () => number; listJobs: (limit?: number) => Promise<JobRecord[]> }) {
  const current = async (database: QeDb, inputs: readonly ResultInput[]) =>
    new Map<string, DatasetMeta | undefined>(await Promise.all(inputs.map(async (i) => [i.datasetId, await getDatasetMeta(database, i.datasetId)] as const)));

  const cycleEnvelope = async (database: QeDb, s: StoredCycleReport): Promise<Envelope<AutopilotCycleView>> => {
    const view = readCycleView(s);
    const env = resultEnvelope(view, {
      now: deps.now(),
      current: await current(database, view.inputs),
      source: `autopilot cycle ${s.jobId} (${view.predictor.type} predictor, ${view.report.universe.length} tickers: ${view.inputs.map((i) => i.source).join(', ')})`,
      asOf: view.report.last_date ? `${view.report.last_date.slice(0, 10)}T00:00:00.000Z` : null,
      jobId: s.jobId,
    });
    return withPredictorMode(env, view.predictor.type === 'heuristic');
  };

  return {
    /** A stored cycle by job id or 'latest' (newest cycle, dry runs included); null when none. */
    async getAutopilotCycle(runId: string): Promise<Envelope<AutopilotCycleView> | null> {
      const database = await deps.ready();
      const s = runId === 'latest' ? await getLatestCycleReport(database) : await getCycleReport(database, cycleReportKey(runId));
      return s ? cycleEnvelope(database, s) : null;
    },

    /** The last 20 autopilot / paper jobs, newest first. */
    async listAutopilotRuns(): Promise<AutopilotRunSummary[]> {
      return (await deps.listJobs(500))
        .filter((j) => AUTOPILOT_JOBS.has(j.type))
        .slice(0, RUN_HISTORY)
        .map((j) => ({
          jobId: j.id,
          type: j.type as AutopilotRunSummary['type'],
          status: j.status,
          createdAt: j.createdAt,
          ...(j.startedAt ? { startedAt: j.startedAt } : {}),
          ...(j.completedAt ? { completedAt: j.completedAt } : {}),
          params: j.manifest.params,
          ...(j.resultKey ? { resultKey: j.resultKey } : {}),
          ...(j.error ? { error: j.error } : {}),
        }));
    },

    /**
     * The strategy registry. Provenance follows the newest applied cycle's inputs (the registry
     * is made of their evaluations); an untouched registry is empty and says so.
     */
    async getStrategyRegistry(): Promise<Envelope<StrategyRegistryView>> {
      const database = await deps.ready();
      const { registry, updatedAt } = await getStrategyRegistry(database);
      const applied = await getLatestCycleReport(database, 'applied');
      const view = applied ? readCycleView(applied) : null;
      const data = { registry, updatedAt, inputs: view?.inputs ?? [], warnings: [], manifestId: view?.manifestId ?? 'none', computedAt: updatedAt ?? new Date(deps.now()).toISOString() };
      const env = resultEnvelope(data, {
        now: deps.now(),
        current: await current(database, data.inputs),
        source: view ? `strategy registry (last changed by cycle ${applied?.jobId})` : 'strategy registry (no cycle applied yet)',
        asOf: updatedAt,
        ...(applied ? { jobId: applied.jobId } : {}),
      });
      return withPredictorMode({ data: { registry, updatedAt }, meta: env.meta }, view?.predictor.type === 'heuristic');
    },

    /** The paper account (null when never set up); its curve is derived from trades and marks. */
    async getPaperAccount(): Promise<Envelope<PaperAccountView> | null> {
      const database = await deps.ready();
      const stored = await getPaperState(database);
      if (!stored) return null;
      const rec = await getPaperViewRecord(database);
      let view: PaperAccountView;
      if (rec) view = readPaperView(rec.value);
      else {
        // Fresh (reset) account: nothing traded yet, so no curve and no inputs.
        const s = stored.state;
        view = {
          state: s,
          curve: { dates: [], equity: [], cash: [], positionsValue: [], nPositions: [] },
          positions: [],
          totals: { equity: s.cash, cash: s.cash, realized: s.realized_pnl, unrealized: 0, totalReturn: s.cash / s.initial_capital - 1, initialCapital: s.initial_capital },
          lastResult: null,
          jobId: null,
          inputs: [],
          warnings: [],
          manifestId: 'reset',
          computedAt: stored.updatedAt,
        };
      }
      const dates = view.curve.dates;
      const env = resultEnvelope(view, {
        now: deps.now(),
        current: await current(database, view.inputs),
        source: view.jobId ? `paper account (last changed by job ${view.jobId})` : `paper account (reset ${stored.updatedAt}, no cycle since)`,
        asOf: dates.length > 0 ? new Date(dates[dates.length - 1]).toISOString() : null,
        ...(view.jobId ? { jobId: view.jobId } : {}),
      });
      const applied = await getLatestCycleReport(database, 'applied');
      return withPredictorMode(env, view.inputs.length > 0 && applied !== null && readCycleView(applied).predictor.type === 'heuristic');
    },

    /** Discards every paper position and trade and starts again with `initialCapital`. */
    async resetPaperAccount(initialCapital: number): Promise<void> {
      const database = await deps.ready();
      await resetPaperState(database, initialCapital, new Date(deps.now()).toISOString());
    },
  };
}
