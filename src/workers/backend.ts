/**
 * The main-thread facade the app talks to (implements `Backend`): storage, the job runner over
 * the compute worker pool, the data worker (DuckDB, dataset decoding), logging and settings.
 * No Arrow or DuckDB imports here — the main-thread bundle stays small. Every dependency with
 * a browser-only implementation is injectable, so the facade also runs under Node in tests.
 */
import type { JobEvent, LogEntry, Settings } from '../engine/contracts';
import { getArtifact, latestArtifact } from '../storage/artifacts';
import { DatasetNotFoundError, deleteDataset, getDatasetMeta, listDatasets } from '../storage/catalog';
import { openQeDb, type QeDb } from '../storage/db';
import { deleteJob, getJob, listJobs, markInterruptedJobs, saveJob } from '../storage/jobs';
import {
  clearLogs,
  configureLogging,
  dbLogSink,
  getLogger,
  logBus,
  queryLogs,
  startLogRetention,
} from '../storage/log';
import { datasetEnvelope } from '../storage/provenance';
import {
  getSettings,
  requestPersistence,
  type StorageManagerLike,
  storageEstimate,
  updateSettings,
} from '../storage/settings';
import {
  type Backend,
  type BootInfo,
  type FeatureResultQuery,
  JOB_TYPES,
  type JobRequest,
  type RegimeMethodName,
  type RegimeResultQuery,
  type WorkerStatus,
} from './api';
import { type DataConnection, DataWorkerClient } from './data-client';
import { createDataOps } from './data-ops';
import { MissingImportFilesError } from './data-api';
import { createIvOps } from './iv/backend-ops';
import { createBacktestOps } from './backtest/backend-ops';
import { createKalshiOps } from './kalshi/backend-ops';
import { createSignalOps } from './models/signal-ops';
import { createModelOps } from './models/backend-ops';
import { createHealthOps } from './health/backend-ops';
import { createAutopilotOps } from './autopilot/backend-ops';
import { createJobLocks, type LockManagerLike } from './job-locks';
import { type JobExecutor, JobRunner } from './job-runner';
import { type ComputeConnection, defaultJobConcurrency, defaultPoolSize, type WorkerLike, WorkerPool } from './pool';
import { pingProxy } from './proxy-ping';
import { readForwardedLog } from './protocol';
import {
  featureLatestKey,
  featureResultKey,
  featureResultManifest,
  normaliseRegimeParams,
  pointerSchema,
  readFeatureView,
  readRegimeView,
  regimeLatestKey,
  regimePooledLatestKey,
  regimeResultKey,
  regimeResultManifest,
  resultEnvelope,
} from './research-results';

export interface BackendOptions {
  /** IndexedDB factory (tests: fake-indexeddb) */
  idbFactory?: IDBFactory;
  now?: () => number;
  poolSize?: number;
  /** jobs running at once (default: poolSize when given, else from the core count) */
  jobConcurrency?: number;
  createComputeWorker?: () => WorkerLike;
  connectCompute?: (w: WorkerLike) => ComputeConnection;
  createDataWorker?: () => WorkerLike;
  connectData?: (w: WorkerLike) => DataConnection;
  fetch?: typeof fetch;
  storageManager?: StorageManagerLike;
  cancelGraceMs?: number;
  /** Web Locks (default `navigator.locks`): keeps a second tab from failing this tab's jobs */
  locks?: LockManagerLike | null;
}

export class UnknownJobTypeError extends Error {
  constructor(type: string) {
    super(`unknown job type "${type}" (known: ${JOB_TYPES.join(', ')})`);
    this.name = 'UnknownJobTypeError';
  }
}

export class DemoModeOffError extends Error {
  constructor() {
    super('Demo data is loaded only while Demo Mode is on: turn it on in Settings (or choose "Load demo dataset") first.');
    this.name = 'DemoModeOffError';
  }
}

const log = getLogger('backend');

/** Job types that write datasets: listeners refresh when one ends. */
const DATASET_WRITERS = new Set(['data_load', 'import_files', 'fetch']);

/** Lazily imported so Node tests (which inject fakes) never evaluate `new Worker(new URL(…))`. */
async function browserWorkers() {
  return import('./browser-workers');
}

export function createBackend(options: BackendOptions = {}): Backend {
  const now = options.now ?? Date.now;
  let booting: Promise<BootInfo> | null = null;
  let db: QeDb | null = null;
  let pool: WorkerPool | null = null;
  let dataClient: DataWorkerClient | null = null;
  const statusListeners = new Set<(s: WorkerStatus) => void>();
  const datasetListeners = new Set<() => void>();

  const ingestWorkerLog = (data: unknown) => {
    try {
      const entry = readForwardedLog(data);
      if (entry) logBus.ingest(entry);
    } catch (e) {
      log.warning('a worker sent a malformed log record', { error: e });
    }
  };

  const status = (): WorkerStatus => {
    const p = pool?.status() ?? { size: 0, busy: 0, restarts: 0 };
    const d = dataClient?.state() ?? { state: 'idle' as const };
    const s: WorkerStatus = { poolSize: p.size, busy: p.busy, restarts: p.restarts, dataWorker: d.state };
    if (d.error) s.dataWorkerError = d.error;
    return s;
  };
  const notifyStatus = () => {
    const s = status();
    for (const cb of statusListeners) cb(s);
  };
  const notifyDatasets = () => {
    for (const cb of datasetListeners) {
      try {
        cb();
      } catch (e) {
        log.error('dataset-change subscriber failed', { error: e });
      }
    }
  };

  const requireDb = (): QeDb => {
    if (!db) throw new Error('the back end is not started: call boot() first');
    return db;
  };

  // The executor exists before boot (the runner is created eagerly so subscriptions work at
  // once); it delegates to the pool, which boot creates.
  const executor: JobExecutor = {
    run: (record, onProgress) => {
      // Imports run in the data worker (attached files; Parquet read with hyparquet).
      if (dataOps.runsInDataWorker(record.type)) return dataOps.run(record, onProgress);
      if (!pool) return Promise.reject(new Error('worker pool not started: call boot() first'));
      return pool.run(record, onProgress);
    },
    cancel: (id) => (dataOps.isRunningHere(id) ? dataOps.cancel(id) : pool?.cancel(id)),
    terminate: (id) => (dataOps.isRunningHere(id) ? dataOps.terminate(id) : pool?.terminate(id)),
  };
  const dataOps = createDataOps({
    ready: () => ready(),
    data: () => dataClient,
    submit: (req) => runner.submit(req),
    now,
  });
  const runner = new JobRunner({
    executor,
    store: {
      save: (r) => saveJob(requireDb(), r),
      get: (id) => getJob(requireDb(), id),
    },
    now,
    concurrency: 1,
    cancelGraceMs: options.cancelGraceMs,
    logger: getLogger('jobs'),
  });
  const jobLocks = createJobLocks(
    options.locks === undefined ? (globalThis.navigator?.locks as LockManagerLike | undefined) : (options.locks ?? undefined),
    (e) => log.warning('could not hold a job lock (another tab may mark the job interrupted)', { error: e }),
  );
  // Dataset writers are data_load jobs: refresh listeners when one ends (even failed/cancelled
  // ones, so a view never keeps showing a list that might have changed).
  const jobTypes = new Map<string, string>();
  runner.subscribe((e) => dataOps.onJobEvent(e));
  runner.subscribe((e) => {
    if (e.event === 'status' && !jobTypes.has(e.record.id)) {
      jobTypes.set(e.record.id, e.record.type);
      jobLocks.hold(e.record.id);
    }
    if (e.event === 'done') {
      jobLocks.release(e.jobId);
      if (DATASET_WRITERS.has(jobTypes.get(e.jobId) ?? '')) notifyDatasets();
      jobTypes.delete(e.jobId);
    }
  });

  async function startWorkers(): Promise<void> {
    const cores = globalThis.navigator?.hardwareConcurrency;
    const size = options.poolSize ?? defaultPoolSize(cores);
    const needsBrowser =
      !options.createComputeWorker || !options.connectCompute || !options.createDataWorker || !options.connectData;
    const bw = needsBrowser ? await browserWorkers() : null;
    pool = new WorkerPool({
      size,
      createWorker: options.createComputeWorker ?? (() => bw!.createComputeWorker()),
      connect: options.connectCompute ?? ((w) => bw!.connectCompute(w)),
      onWorkerLog: ingestWorkerLog,
      logger: getLogger('workers.pool'),
      now,
    });
    pool.subscribe(notifyStatus);
    // An explicit pool size (tests, the CLI) also sets how many jobs run at once.
    runner.setConcurrency(Math.min(pool.status().size, options.jobConcurrency ?? (options.poolSize ?? defaultJobConcurrency(cores))));
    dataClient = new DataWorkerClient({
      createWorker: options.createDataWorker ?? (() => bw!.createDataWorker()),
      connect: options.connectData ?? ((w) => bw!.connectData(w)),
      onWorkerLog: ingestWorkerLog,
      logger: getLogger('workers.data'),
    });
    dataClient.subscribe(notifyStatus);
    notifyStatus();
  }

  async function doBoot(): Promise<BootInfo> {
    const opened = await openQeDb({
      factory: options.idbFactory,
      onVersionChange: () =>
        log.critical('another tab upgraded the local database; reload this tab to keep working'),
    });
    db = opened;
    const alive = await jobLocks.heldJobIds().catch((e: unknown) => {
      log.warning('could not query job locks; treating every unfinished job as interrupted', { error: e });
      return new Set<string>();
    });
    const interruptedJobs = await markInterruptedJobs(opened, now(), (id) => alive.has(id));
    const settings = await getSettings(opened);
    configureLogging({ level: settings.logLevel, persist: dbLogSink(opened) });
    // Records wait up to a second to be written in a batch; write them when the page is hidden
    // or closed, so the last errors before a close are not lost.
    if (typeof addEventListener === 'function' && typeof document !== 'undefined') {
      const flushNow = () => {
        logBus.flush().catch((e: unknown) => console.error('could not write pending log records', e));
      };
      addEventListener('pagehide', flushNow);
      document.addEventListener('visibilitychange', () => {
        if (document.visibilityState === 'hidden') flushNow();
      });
    }
    const pruned = await startLogRetention(opened, { now });
    if (!pool) await startWorkers();
    log.info(
      `started: ${status().poolSize} compute workers, ${interruptedJobs} interrupted jobs marked failed, ${pruned} old log records pruned`,
      { context: { interruptedJobs, pruned, poolSize: status().poolSize } },
    );
    return { interruptedJobs, settings };
  }

  const boot = (): Promise<BootInfo> => {
    if (!booting) {
      booting = doBoot().catch((e: unknown) => {
        booting = null; // allow a retry from the boot error screen
        db?.close();
        db = null;
        log.critical(`start-up failed: ${e instanceof Error ? e.message : String(e)}`, { error: e });
        throw e;
      });
    }
    return booting;
  };

  /** Waits for boot and returns the database. */
  const ready = async (): Promise<QeDb> => {
    await boot();
    return requireDb();
  };

  const requireMeta = async (database: QeDb, id: string) => {
    const m = await getDatasetMeta(database, id);
    if (!m) throw new DatasetNotFoundError(id);
    return m;
  };

  /** The artifact key a query names: exact (from current checksums) or the latest pointer. */
  const resolveKey = async (database: QeDb, exact: (() => Promise<string>) | null, pointer: string) => {
    if (exact) return exact();
    const ptr = await getArtifact(database, pointer);
    return ptr ? pointerSchema(ptr.value, pointer).key : null;
  };

  /** Current catalog entries of a result's inputs (undefined = deleted). */
  const currentInputs = async (database: QeDb, ids: readonly string[]) =>
    new Map(await Promise.all(ids.map(async (id) => [id, await getDatasetMeta(database, id)] as const)));

  const lastIso = (dates: Float64Array) => (dates.length > 0 ? new Date(dates[dates.length - 1]).toISOString() : null);

  const ivOps = createIvOps({ ready, now });
  const listJobsLive = async (limit?: number) => {
    const database = await ready();
    await runner.settled();
    const live = new Map(runner.activeJobs().map((j) => [j.id, j]));
    return (await listJobs(database, limit)).map((j) => live.get(j.id) ?? j);
  };
  const backtestOps = createBacktestOps({ ready, now, listJobs: listJobsLive });
  const autopilotOps = createAutopilotOps({ ready, now, listJobs: listJobsLive });

  const backend: Backend = {
    boot,
    ...dataOps.methods,
    ...ivOps,
    ...backtestOps,
    ...createSignalOps({ ready, now, listJobs: listJobsLive }),
    ...createModelOps({ ready, now }),
    ...createHealthOps({ ready, now }),
    ...autopilotOps,
    ...createKalshiOps({ ready, now }),

    async getSettings() {
      return getSettings(await ready());
    },

    async updateSettings(patch: Partial<Settings>) {
      const next = await updateSettings(await ready(), patch);
      if (patch.logLevel) configureLogging({ level: next.logLevel });
      return next;
    },

    async listDatasets() {
      return listDatasets(await ready());
    },

    async loadBars(id: string) {
      await ready();
      const t0 = now();
      const { meta, bars } = await dataClient!.loadDataset(id);
      const t1 = now();
      return datasetEnvelope(meta, bars, t1, t1 - t0);
    },

    async deleteDataset(id: string) {
      await deleteDataset(await ready(), id);
      log.info(`deleted dataset ${id}`);
      notifyDatasets();
    },

    async submitJob(req: JobRequest) {
      const database = await ready();
      if (!(JOB_TYPES as readonly string[]).includes(req.type)) throw new UnknownJobTypeError(req.type);
      if (req.type === 'import_files') throw new MissingImportFilesError('submitted without files (use importFiles)');
      if (req.type === 'data_load' && req.params.source === 'demo') {
        if (!(await getSettings(database)).demoMode) throw new DemoModeOffError();
      }
      return runner.submit({ type: req.type, params: req.params, inputs: req.inputs });
    },

    async cancelJob(id: string) {
      await ready();
      await runner.cancel(id);
    },

    async listJobs(limit?: number) {
      const database = await ready();
      await runner.settled(); // so a just-finished job reads back in its final state
      const stored = await listJobs(database, limit);
      // In-memory state of unfinished jobs is fresher than their last throttled write.
      const live = new Map(runner.activeJobs().map((j) => [j.id, j]));
      return stored.map((j) => live.get(j.id) ?? j);
    },

    onJobEvent(cb: (e: JobEvent) => void) {
      return runner.subscribe(cb);
    },

    async getJob(id: string) {
      const database = await ready();
      const live = runner.activeJobs().find((j) => j.id === id);
      if (live) return live;
      await runner.settled();
      return getJob(database, id);
    },

    async deleteJob(id: string) {
      const database = await ready();
      if (runner.activeJobs().some((j) => j.id === id)) {
        throw new Error(`job ${id} is still queued or running; cancel it before deleting it`);
      }
      // Let the job's last state write land first, or it would re-create the record.
      await runner.settled();
      await deleteJob(database, id);
    },

    async getArtifact(key: string) {
      return getArtifact(await ready(), key);
    },

    async latestArtifact(prefix: string) {
      return latestArtifact(await ready(), prefix);
    },

    onDatasetsChanged(cb: () => void) {
      datasetListeners.add(cb);
      return () => {
        datasetListeners.delete(cb);
      };
    },

    storageEstimate() {
      return storageEstimate(options.storageManager);
    },

    requestPersistence() {
      return requestPersistence(options.storageManager);
    },

    workerStatus: status,

    onWorkerStatus(cb: (s: WorkerStatus) => void) {
      statusListeners.add(cb);
      return () => {
        statusListeners.delete(cb);
      };
    },

    recentLogs() {
      return logBus.recent();
    },

    onLog(cb: (e: LogEntry) => void) {
      return logBus.subscribe(cb);
    },

    log(entry: Omit<LogEntry, 'ts'>) {
      logBus.emit(entry.level, entry.logger, entry.message, {
        jobId: entry.jobId,
        traceId: entry.traceId,
        context: entry.context,
      });
    },

    async queryLogs(q = {}) {
      const database = await ready();
      await logBus.flush();
      return queryLogs(database, q);
    },

    async clearLogs(opts = {}) {
      logBus.clearRecent();
      if (opts.persisted) {
        const database = await ready();
        await logBus.flush();
        await clearLogs(database);
      }
    },

    async sql(query: string) {
      await ready();
      return dataClient!.sql(query);
    },

    pingProxy(url: string) {
      return pingProxy(url, { fetch: options.fetch });
    },

    async getFeatureResult(datasetId: string, q?: FeatureResultQuery) {
      const database = await ready();
      const set = q?.set ?? 'core';
      const exact = q
        ? async () => {
            const meta = await requireMeta(database, datasetId);
            const bench = q.benchmarkId ? await requireMeta(database, q.benchmarkId) : null;
            return featureResultKey(featureResultManifest(datasetId, set, meta, bench).id, datasetId);
          }
        : null;
      const key = await resolveKey(database, exact, featureLatestKey(datasetId, set));
      if (!key) return null;
      const rec = await getArtifact(database, key);
      if (!rec) return null;
      const view = readFeatureView(rec.value, key);
      const current = await currentInputs(database, view.inputs.map((i) => i.datasetId));
      return resultEnvelope(view, {
        now: now(),
        current,
        source: `${view.set} features of ${view.ticker} (${view.inputs.map((i) => i.source).join(', ')})`,
        asOf: lastIso(view.dates),
        jobId: rec.jobId,
      });
    },

    async getRegimeResult(datasetId: string, method: RegimeMethodName, q?: RegimeResultQuery) {
      const database = await ready();
      const exact = q
        ? async () => {
            const p = normaliseRegimeParams({
              datasetId,
              method,
              ...(q.states === undefined ? {} : { states: q.states }),
              ...(q.features === undefined ? {} : { features: q.features }),
              ...(q.penalty === undefined ? {} : { penalty: q.penalty }),
              ...(q.benchmarkId === undefined ? {} : { benchmarkId: q.benchmarkId }),
            });
            const meta = await requireMeta(database, datasetId);
            const bench = p.benchmarkId ? await requireMeta(database, p.benchmarkId) : null;
            return regimeResultKey(regimeResultManifest(p, meta, bench).id);
          }
        : null;
      const key = q?.pooled
        ? await resolveKey(database, null, regimePooledLatestKey(datasetId))
        : await resolveKey(database, exact, regimeLatestKey(datasetId, method));
      if (!key) return null;
      const rec = await getArtifact(database, key);
      if (!rec) return null;
      const view = readRegimeView(rec.value, key);
      const current = await currentInputs(database, view.inputs.map((i) => i.datasetId));
      return resultEnvelope(view, {
        now: now(),
        current,
        source: `${view.method} regimes of ${view.ticker} (${view.inputs.map((i) => i.source).join(', ')})`,
        asOf: lastIso(view.dates),
        jobId: rec.jobId,
      });
    },
  };
  return backend;
}

