/**
 * Durable autopilot state: the strategy registry (`autopilot/strategies` = {active, history}),
 * the paper-trading state (`autopilot/paper`), cycle reports (artifacts
 * `autopilot/cycle/<jobId>`, with their manifest id) and a pointer to the latest report
 * (`autopilot/latest`). Registry and paper documents change only by read-modify-write inside
 * one IndexedDB transaction, so two writers (two workers, two tabs) never lose an update;
 * a cycle's report, registry and paper changes commit together or not at all.
 *
 * Storage knows the engine's types but none of its functions: callers pass the pure update
 * (e.g. the engine's applyPromotions) in.
 */
import type {
  CycleReport,
  PaperState,
  StrategyRegistry,
} from '../engine/autopilot/types';
import type { Json } from '../engine/contracts';
import type { ArtifactRecord, QeDb, RegistryDoc } from './db';
import { writeTransaction } from './errors';

export const STRATEGY_REGISTRY_KEY = 'autopilot/strategies';
export const PAPER_STATE_KEY = 'autopilot/paper';
export const LATEST_CYCLE_KEY = 'autopilot/latest';
/** pointer to the newest cycle that was not a dry run (the one the registry and paper state follow) */
export const LATEST_APPLIED_KEY = 'autopilot/latest-applied';
export const CYCLE_REPORT_PREFIX = 'autopilot/cycle/';
/** the paper account's display view (derived curve), written in the same transaction as the state */
export const PAPER_VIEW_KEY = 'autopilot/paper-view';
export const DEFAULT_INITIAL_CAPITAL = 1_000_000;

export function cycleReportKey(jobId: string): string {
  if (!jobId) throw new Error('cycle report key needs a job id');
  return `${CYCLE_REPORT_PREFIX}${jobId}`;
}

/** A stored autopilot document that does not have the expected shape (names key and field). */
export class AutopilotStoreError extends Error {
  constructor(
    readonly key: string,
    readonly field: string,
    message: string,
  ) {
    super(`stored ${key}: ${field} ${message}`);
    this.name = 'AutopilotStoreError';
  }
}

/** Raised by a guarded update when the document changed since the caller read it. */
export class AutopilotConflictError extends Error {
  constructor(key: string, detail: string) {
    super(`${key} changed while this job ran (${detail}); nothing was written — run it again.`);
    this.name = 'AutopilotConflictError';
  }
}

// ---- validation of stored documents ---------------------------------------------------------

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function need(cond: boolean, key: string, field: string, what: string): void {
  if (!cond) throw new AutopilotStoreError(key, field, what);
}

function checkEntry(v: unknown, key: string, field: string, kind: 'active' | 'history'): void {
  need(isObj(v), key, field, 'must be an object');
  const o = v as Record<string, unknown>;
  need(typeof o.strategy_id === 'string' && o.strategy_id !== '', key, `${field}.strategy_id`, 'must be a non-empty string');
  need(typeof o.score === 'number', key, `${field}.score`, 'must be a number');
  need(isObj(o.params), key, `${field}.params`, 'must be an object');
  need(isObj(o.metrics), key, `${field}.metrics`, 'must be an object');
  if (kind === 'active') {
    need(typeof o.promoted_at === 'string', key, `${field}.promoted_at`, 'must be an ISO time');
    need(o.status === 'active', key, `${field}.status`, 'must be "active"');
    need(Number.isInteger(o.consecutive_failures) && (o.consecutive_failures as number) >= 0, key, `${field}.consecutive_failures`, 'must be a non-negative integer');
  } else {
    need(typeof o.timestamp === 'string', key, `${field}.timestamp`, 'must be an ISO time');
    need(typeof o.passed === 'boolean', key, `${field}.passed`, 'must be true or false');
    need(Array.isArray(o.reasons) && o.reasons.every((r) => typeof r === 'string'), key, `${field}.reasons`, 'must be a list of strings');
  }
}

/** The registry layout of a stored value; a missing document is the empty registry. */
export function readStrategyRegistry(value: unknown, key = STRATEGY_REGISTRY_KEY): StrategyRegistry {
  if (value === undefined) return { active: [], history: [] };
  need(isObj(value), key, 'value', 'must be an object {active, history}');
  const v = value as Record<string, unknown>;
  need(Array.isArray(v.active), key, 'active', 'must be a list');
  need(Array.isArray(v.history), key, 'history', 'must be a list');
  (v.active as unknown[]).forEach((a, i) => {
    checkEntry(a, key, `active[${i}]`, 'active');
  });
  (v.history as unknown[]).forEach((h, i) => {
    checkEntry(h, key, `history[${i}]`, 'history');
  });
  return value as unknown as StrategyRegistry;
}

const finiteNum = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

export function readPaperState(value: unknown, key = PAPER_STATE_KEY): PaperState {
  need(isObj(value), key, 'value', 'must be an object');
  const v = value as Record<string, unknown>;
  for (const f of ['initial_capital', 'cash', 'realized_pnl'] as const) need(finiteNum(v[f]), key, f, 'must be a finite number');
  need((v.initial_capital as number) > 0, key, 'initial_capital', 'must be positive');
  need(Array.isArray(v.positions), key, 'positions', 'must be a list');
  need(Array.isArray(v.trades), key, 'trades', 'must be a list');
  need(Array.isArray(v.cycle_dates), key, 'cycle_dates', 'must be a list');
  need(v.last_update === null || typeof v.last_update === 'string', key, 'last_update', 'must be an ISO date or null');
  (v.positions as unknown[]).forEach((p, i) => {
    need(isObj(p), key, `positions[${i}]`, 'must be an object');
    const o = p as Record<string, unknown>;
    need(typeof o.ticker === 'string', key, `positions[${i}].ticker`, 'must be a string');
    for (const f of ['shares', 'entry_price', 'last_price', 'entry_cash'] as const) {
      need(finiteNum(o[f]), key, `positions[${i}].${f}`, 'must be a finite number');
    }
  });
  (v.trades as unknown[]).forEach((t, i) => {
    need(isObj(t), key, `trades[${i}]`, 'must be an object');
    const o = t as Record<string, unknown>;
    need(typeof o.ticker === 'string' && typeof o.exit_date === 'string', key, `trades[${i}]`, 'needs ticker and exit_date');
    need(finiteNum(o.pnl), key, `trades[${i}].pnl`, 'must be a finite number');
  });
  return value as unknown as PaperState;
}

/** A fresh paper account (what Reset writes). */
export function freshPaperState(initialCapital: number = DEFAULT_INITIAL_CAPITAL): PaperState {
  if (!Number.isFinite(initialCapital) || initialCapital <= 0) {
    throw new RangeError(`initial capital must be a positive amount (got ${initialCapital})`);
  }
  return { initial_capital: initialCapital, cash: initialCapital, realized_pnl: 0, positions: [], trades: [], last_update: null, cycle_dates: [] };
}

/** Stored pointer to the latest cycle report. */
export interface LatestCyclePointer {
  key: string;
  jobId: string;
  createdAt: string;
  dryRun: boolean;
}

function readPointer(value: unknown, key: string): LatestCyclePointer {
  need(isObj(value), key, 'value', 'must be an object');
  const v = value as Record<string, unknown>;
  need(typeof v.key === 'string' && v.key.startsWith(CYCLE_REPORT_PREFIX), key, 'key', `must start with ${CYCLE_REPORT_PREFIX}`);
  need(typeof v.jobId === 'string', key, 'jobId', 'must be a string');
  need(typeof v.createdAt === 'string', key, 'createdAt', 'must be an ISO time');
  need(typeof v.dryRun === 'boolean', key, 'dryRun', 'must be true or false');
  return v as unknown as LatestCyclePointer;
}

export function readCycleReport(value: unknown, key: string): CycleReport {
  need(isObj(value), key, 'value', 'must be an object');
  const v = value as Record<string, unknown>;
  need(Array.isArray(v.decisions), key, 'decisions', 'must be a list');
  need(Array.isArray(v.universe), key, 'universe', 'must be a list');
  need(v.predictor === 'ensemble' || v.predictor === 'heuristic', key, 'predictor', 'must be "ensemble" or "heuristic"');
  for (const f of ['n_candidates', 'n_passed', 'n_promoted', 'n_active', 'horizon'] as const) need(finiteNum(v[f]), key, f, 'must be a number');
  need(isObj(v.registry), key, 'registry', 'must be an object');
  need(isObj(v.timings), key, 'timings', 'must be an object');
  (v.decisions as unknown[]).forEach((d, i) => {
    need(isObj(d), key, `decisions[${i}]`, 'must be an object');
    const o = d as Record<string, unknown>;
    need(typeof o.strategy_id === 'string' && typeof o.passed === 'boolean' && Array.isArray(o.reasons), key, `decisions[${i}]`, 'needs strategy_id, passed, reasons');
  });
  return value as unknown as CycleReport;
}

// ---- reads ----------------------------------------------------------------------------------

export async function getStrategyRegistry(db: QeDb): Promise<{ registry: StrategyRegistry; updatedAt: string | null }> {
  const doc = await db.get('registry', STRATEGY_REGISTRY_KEY);
  return { registry: readStrategyRegistry(doc?.value), updatedAt: doc?.updatedAt ?? null };
}

/** The paper state, or null when paper trading has never been set up or reset. */
export async function getPaperState(db: QeDb): Promise<{ state: PaperState; updatedAt: string } | null> {
  const doc = await db.get('registry', PAPER_STATE_KEY);
  return doc ? { state: readPaperState(doc.value), updatedAt: doc.updatedAt } : null;
}

/** Pointer to the newest cycle (`applied`: the newest that was not a dry run). */
export async function getLatestCyclePointer(db: QeDb, which: 'any' | 'applied' = 'any'): Promise<LatestCyclePointer | null> {
  const key = which === 'applied' ? LATEST_APPLIED_KEY : LATEST_CYCLE_KEY;
  const doc = await db.get('registry', key);
  return doc ? readPointer(doc.value, key) : null;
}

/** A stored cycle: the record's `report` is validated here; the rest belongs to the caller. */
export interface StoredCycleReport {
  key: string;
  jobId: string;
  manifestId?: string;
  createdAt: string;
  report: CycleReport;
  /** the whole stored record ({report, …}) */
  record: Record<string, unknown>;
}

export async function getCycleReport(db: QeDb, key: string): Promise<StoredCycleReport | null> {
  const rec = await db.get('artifacts', key);
  return rec ? storedReport(rec) : null;
}

function recordOf(value: unknown, key: string): Record<string, unknown> {
  need(isObj(value), key, 'value', 'must be an object {report, …}');
  return value as Record<string, unknown>;
}

function storedReport(rec: ArtifactRecord): StoredCycleReport {
  return {
    key: rec.key,
    jobId: rec.jobId ?? rec.key.slice(CYCLE_REPORT_PREFIX.length),
    ...(rec.manifestId ? { manifestId: rec.manifestId } : {}),
    createdAt: rec.createdAt,
    report: readCycleReport(recordOf(rec.value, rec.key).report, `${rec.key}.report`),
    record: recordOf(rec.value, rec.key),
  };
}

export async function getLatestCycleReport(db: QeDb, which: 'any' | 'applied' = 'any'): Promise<StoredCycleReport | null> {
  const p = await getLatestCyclePointer(db, which);
  if (!p) return null;
  const r = await getCycleReport(db, p.key);
  if (!r) throw new AutopilotStoreError(which === 'applied' ? LATEST_APPLIED_KEY : LATEST_CYCLE_KEY, 'key', `points to ${p.key}, which is not stored`);
  return r;
}

/** Cycle reports, newest first (key scan of the prefix; reports are small). */
export async function listCycleReports(db: QeDb, limit = 50): Promise<StoredCycleReport[]> {
  const recs = await db.getAll('artifacts', IDBKeyRange.bound(CYCLE_REPORT_PREFIX, `${CYCLE_REPORT_PREFIX}\uffff`));
  recs.sort((a, b) => (a.createdAt === b.createdAt ? b.key.localeCompare(a.key) : b.createdAt.localeCompare(a.createdAt)));
  return recs.slice(0, limit).map(storedReport);
}

// ---- atomic writes --------------------------------------------------------------------------

/** Read-modify-write of the registry in one transaction (concurrent writers cannot lose updates). */
export async function updateStrategyRegistry(
  db: QeDb,
  update: (current: StrategyRegistry) => StrategyRegistry,
  updatedAt: string,
): Promise<StrategyRegistry> {
  return writeTransaction(db, ['registry'], `strategy registry ${STRATEGY_REGISTRY_KEY}`, async (tx) => {
    const store = tx.objectStore('registry');
    const next = update(readStrategyRegistry((await store.get(STRATEGY_REGISTRY_KEY))?.value));
    await store.put({ key: STRATEGY_REGISTRY_KEY, updatedAt, value: next as unknown as Json });
    return next;
  });
}

/**
 * Read-modify-write of the paper state in one transaction. `update` receives the stored state
 * (a fresh default account when none is stored) and returns the next one; it may throw
 * (e.g. AutopilotConflictError), which aborts the write.
 */
export async function updatePaperState(db: QeDb, update: (current: PaperState) => PaperState, updatedAt: string): Promise<PaperState> {
  return writeTransaction(db, ['registry'], `paper state ${PAPER_STATE_KEY}`, async (tx) => {
    const store = tx.objectStore('registry');
    const doc = await store.get(PAPER_STATE_KEY);
    const next = update(doc ? readPaperState(doc.value) : freshPaperState());
    readPaperState(next);
    await store.put({ key: PAPER_STATE_KEY, updatedAt, value: next as unknown as Json });
    return next;
  });
}

/**
 * Replaces the paper account with a fresh one (all positions and trades are discarded) and
 * drops its display view, in one transaction.
 */
export async function resetPaperState(db: QeDb, initialCapital: number, updatedAt: string): Promise<PaperState> {
  const fresh = freshPaperState(initialCapital);
  return writeTransaction(db, ['registry', 'artifacts'], `paper state reset ${PAPER_STATE_KEY}`, async (tx) => {
    await tx.objectStore('registry').put({ key: PAPER_STATE_KEY, updatedAt, value: fresh as unknown as Json });
    await tx.objectStore('artifacts').delete(PAPER_VIEW_KEY);
    return fresh;
  });
}

/**
 * One paper cycle's write: `step` gets the stored state (fresh default account when none) and
 * returns the next state and its display view; both are written in one transaction, so the
 * step runs on exactly the state it replaces (no lost update between two writers).
 */
export async function commitPaper(
  db: QeDb,
  step: (current: PaperState) => { state: PaperState; view: Json },
  meta: { createdAt: string; jobId: string; manifestId: string },
): Promise<PaperState> {
  return writeTransaction(db, ['registry', 'artifacts'], `paper state ${PAPER_STATE_KEY}`, async (tx) => {
    const reg = tx.objectStore('registry');
    const doc = await reg.get(PAPER_STATE_KEY);
    const out = step(doc ? readPaperState(doc.value) : freshPaperState());
    readPaperState(out.state);
    await reg.put({ key: PAPER_STATE_KEY, updatedAt: meta.createdAt, value: out.state as unknown as Json });
    await tx.objectStore('artifacts').put({ key: PAPER_VIEW_KEY, createdAt: meta.createdAt, value: out.view, jobId: meta.jobId, manifestId: meta.manifestId });
    return out.state;
  });
}

/** The stored paper view value (validated by its reader), or undefined. */
export async function getPaperViewRecord(db: QeDb): Promise<ArtifactRecord | undefined> {
  return db.get('artifacts', PAPER_VIEW_KEY);
}

export interface CommitCycleArgs {
  jobId: string;
  manifestId: string;
  createdAt: string;
  /**
   * Builds the report to store from the current registry and paper state read inside the
   * transaction; returns the registry/paper to write (undefined = leave unchanged, e.g. dry run).
   */
  build: (current: { registry: StrategyRegistry; paper: PaperState | null }) => {
    /** stored as the artifact value; must hold the report under `report` */
    record: { report: CycleReport } & Record<string, unknown>;
    registry?: StrategyRegistry;
    paper?: PaperState;
    /** display view of `paper` (stored under PAPER_VIEW_KEY with it) */
    paperView?: Json;
  };
}

/**
 * Stores a cycle: its report artifact, the latest pointer and (unless the build leaves them
 * out) the new registry and paper state — one transaction, so a failure or abort leaves the
 * previous cycle current and nothing half-written.
 */
export async function commitCycle(db: QeDb, args: CommitCycleArgs): Promise<{ key: string; report: CycleReport }> {
  const key = cycleReportKey(args.jobId);
  return writeTransaction(db, ['registry', 'artifacts'], `autopilot cycle report ${key}`, async (tx) => {
    const reg = tx.objectStore('registry');
    const registry = readStrategyRegistry((await reg.get(STRATEGY_REGISTRY_KEY))?.value);
    const paperDoc = await reg.get(PAPER_STATE_KEY);
    const paper = paperDoc ? readPaperState(paperDoc.value) : null;
    const out = args.build({ registry, paper });
    const report = readCycleReport(out.record.report, `${key}.report`);
    const docs: RegistryDoc[] = [];
    if (out.registry) docs.push({ key: STRATEGY_REGISTRY_KEY, updatedAt: args.createdAt, value: out.registry as unknown as Json });
    if (out.paper) docs.push({ key: PAPER_STATE_KEY, updatedAt: args.createdAt, value: readPaperState(out.paper) as unknown as Json });
    const pointer: LatestCyclePointer = { key, jobId: args.jobId, createdAt: args.createdAt, dryRun: report.dry_run };
    docs.push({ key: LATEST_CYCLE_KEY, updatedAt: args.createdAt, value: pointer as unknown as Json });
    if (!report.dry_run) docs.push({ key: LATEST_APPLIED_KEY, updatedAt: args.createdAt, value: pointer as unknown as Json });
    for (const d of docs) await reg.put(d);
    const artifacts = tx.objectStore('artifacts');
    await artifacts.put({ key, createdAt: args.createdAt, value: out.record as unknown as Json, jobId: args.jobId, manifestId: args.manifestId });
    if (out.paper && out.paperView !== undefined) {
      await artifacts.put({ key: PAPER_VIEW_KEY, createdAt: args.createdAt, value: out.paperView, jobId: args.jobId, manifestId: args.manifestId });
    } else if (out.paper) await artifacts.delete(PAPER_VIEW_KEY);
    return { key, report };
  });
}
