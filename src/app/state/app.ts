/**
 * App-wide reactive state over the back end: settings, the job list (live), worker pool
 * status, storage estimate, proxy connection, UI toggles and the live-region announcer.
 * Created once after boot; pages reach it through `useApp()`.
 */
import { type Accessor, createContext, createSignal, onCleanup, useContext } from 'solid-js';
import type { JobEvent, JobRecord, Settings } from '../../engine/contracts';
import { type Backend, type BootInfo, JOB_TYPES, type JobRequest, type JobType, type StorageEstimate, type WorkerStatus } from '../../workers/api';
import { applyJobEvent, eventJobId, isActive, sortJobs } from '../lib/jobs';
import { errorMessage, newTraceId } from '../lib/trace';

export const JOB_LIST_LIMIT = 50;
const PROGRESS_FLUSH_MS = 250; // ≤ 4 Hz repaint of progress
const STORAGE_REFRESH_MS = 3 * 60_000;
const PROXY_REFRESH_MS = 5 * 60_000;
const SIDEBAR_KEY = 'qe.sidebarCollapsed';

export type ProxyState =
  | { kind: 'none' }
  | { kind: 'checking'; url: string }
  | { kind: 'connected'; url: string; version: string; at: number }
  | { kind: 'unreachable'; url: string; error: string; at: number };

export type StorageState =
  | { kind: 'loading' }
  | { kind: 'ready'; estimate: StorageEstimate; at: number }
  | { kind: 'error'; error: string };

export interface AppState {
  backend: Backend;
  boot: BootInfo;
  settings: Accessor<Settings>;
  saveSettings(patch: Partial<Settings>): Promise<Settings>;

  /** newest first, at most JOB_LIST_LIMIT */
  jobs: Accessor<JobRecord[]>;
  job(id: string): JobRecord | undefined;
  activeJobCount: Accessor<number>;
  submitJob(req: JobRequest): Promise<JobRecord>;
  cancelJob(id: string): Promise<void>;
  /** Deletes a finished job's record (the back end refuses active jobs). */
  deleteJob(id: string): Promise<void>;
  /** Submits a new job with the same type, params and inputs as `rec`. */
  rerunJob(rec: JobRecord): Promise<JobRecord>;
  /** bumps whenever stored datasets changed (the back end's onDatasetsChanged) */
  datasetsVersion: Accessor<number>;

  workers: Accessor<WorkerStatus>;
  storage: Accessor<StorageState>;
  refreshStorage(): void;

  proxy: Accessor<ProxyState>;
  connectProxy(url: string): Promise<ProxyState>;
  disconnectProxy(): Promise<void>;

  /** ticks every second; used for elapsed times and ages */
  now: Accessor<number>;

  ui: {
    sidebarCollapsed: Accessor<boolean>;
    toggleSidebar(): void;
    drawerOpen: Accessor<boolean>;
    setDrawerOpen(v: boolean): void;
    paletteOpen: Accessor<boolean>;
    setPaletteOpen(v: boolean): void;
    settingsOpen: Accessor<boolean>;
    setSettingsOpen(v: boolean): void;
    shortcutsOpen: Accessor<boolean>;
    setShortcutsOpen(v: boolean): void;
  };
  announcement: Accessor<string>;
  announce(message: string): void;

  /** Logs an error with a fresh trace id and returns the id for the error panel. */
  reportError(logger: string, error: unknown, context?: Record<string, string>): string;
  /** Turns demo mode on (explicit user action) and submits the demo data_load job. */
  loadDemo(): Promise<JobRecord>;
}

export const AppContext = createContext<AppState>();

export function useApp(): AppState {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() called outside <AppContext.Provider> (the shell provides it after boot)');
  return app;
}

/** Must run inside a reactive root (the shell); subscriptions end with that root. */
export function createAppState(backend: Backend, boot: BootInfo): AppState {
  const [settings, setSettings] = createSignal<Settings>(boot.settings);
  const [jobs, setJobs] = createSignal<JobRecord[]>([]);
  const [datasetsVersion, setDatasetsVersion] = createSignal(0);
  const [workers, setWorkers] = createSignal<WorkerStatus>(backend.workerStatus());
  const [storage, setStorage] = createSignal<StorageState>({ kind: 'loading' });
  const [proxy, setProxy] = createSignal<ProxyState>({ kind: 'none' });
  const [now, setNow] = createSignal(Date.now());
  const [sidebarCollapsed, setSidebarCollapsed] = createSignal(readSidebarPref());
  const [drawerOpen, setDrawerOpen] = createSignal(false);
  const [paletteOpen, setPaletteOpen] = createSignal(false);
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const [shortcutsOpen, setShortcutsOpen] = createSignal(false);
  const [announcement, setAnnouncement] = createSignal('');

  const announce = (message: string) => {
    // Clearing first makes screen readers repeat an identical message.
    setAnnouncement('');
    queueMicrotask(() => setAnnouncement(message));
  };

  const reportError = (logger: string, error: unknown, context?: Record<string, string>): string => {
    const traceId = newTraceId();
    const ctx: Record<string, string> = { ...context };
    if (error instanceof Error && error.stack) ctx.stack = error.stack.slice(0, 2000);
    backend.log({ level: 'ERROR', logger, message: errorMessage(error), traceId, context: ctx });
    return traceId;
  };

  // ---- jobs ------------------------------------------------------------------------------
  const byId = new Map<string, JobRecord>();
  const publish = () => setJobs(sortJobs([...byId.values()], JOB_LIST_LIMIT));
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const refreshJobs = (delay = 0) => {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      backend.listJobs(JOB_LIST_LIMIT).then(
        (list) => {
          for (const rec of list) {
            const known = byId.get(rec.id);
            // A record fresher than our event-derived copy wins; never move a terminal job back.
            if (!known || !isTerminalStatus(known.status) || isTerminalStatus(rec.status)) byId.set(rec.id, rec);
          }
          trimJobs();
          publish();
        },
        (e) => reportError('ui.jobs', e, { action: 'listJobs' }),
      );
    }, delay);
  };
  const trimJobs = () => {
    if (byId.size <= JOB_LIST_LIMIT * 2) return;
    for (const rec of sortJobs([...byId.values()], byId.size).slice(JOB_LIST_LIMIT)) {
      if (!isActive(rec)) byId.delete(rec.id);
    }
  };

  let pending: JobEvent[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    flushTimer = undefined;
    const events = pending;
    pending = [];
    const nowIso = new Date().toISOString();
    let unknown = false;
    for (const e of events) {
      const id = eventJobId(e);
      const rec = e.event === 'status' ? e.record : byId.get(id);
      if (!rec) {
        unknown = true;
        continue;
      }
      const before = rec.status;
      const next = applyJobEvent(rec, e, nowIso);
      byId.set(id, next);
      if (!isTerminalStatus(before) && isTerminalStatus(next.status)) onJobFinished(next);
    }
    publish();
    if (unknown) refreshJobs(100);
  };
  const onJobFinished = (rec: JobRecord) => {
    if (rec.status === 'succeeded') announce(`Job ${rec.type} completed successfully`);
    else if (rec.status === 'failed') announce(`Job ${rec.type} failed: ${rec.error ?? 'no error message'}`);
    else announce(`Job ${rec.type} cancelled`);
    refreshStorage();
    // The browser's estimate lags behind IndexedDB writes; look again shortly after.
    setTimeout(refreshStorage, 2500);
    // Pick up authoritative timestamps, error text and result key.
    refreshJobs(300);
  };
  const unsubJobs = backend.onJobEvent((e) => {
    pending.push(e);
    const urgent = e.event !== 'progress';
    if (urgent) {
      clearTimeout(flushTimer);
      flush();
    } else if (flushTimer === undefined) {
      flushTimer = setTimeout(flush, PROGRESS_FLUSH_MS);
    }
  });
  refreshJobs();

  const submitJob = async (req: JobRequest): Promise<JobRecord> => {
    const rec = await backend.submitJob(req);
    if (!byId.has(rec.id) || !isTerminalStatus(byId.get(rec.id)!.status)) byId.set(rec.id, rec);
    publish();
    backend.log({ level: 'INFO', logger: 'ui.jobs', message: `submitted ${rec.type} job ${rec.id}`, jobId: rec.id });
    return rec;
  };

  // ---- datasets, workers, storage, clock -------------------------------------------------------
  // The back end reports catalog changes (a data_load finished, a dataset was deleted).
  const unsubDatasets = backend.onDatasetsChanged(() => {
    setDatasetsVersion((v) => v + 1);
    refreshStorage();
  });
  const unsubWorkers = backend.onWorkerStatus(setWorkers);

  let storageInFlight = false;
  const refreshStorage = () => {
    if (storageInFlight) return;
    storageInFlight = true;
    backend.storageEstimate().then(
      (estimate) => {
        storageInFlight = false;
        setStorage({ kind: 'ready', estimate, at: Date.now() });
      },
      (e) => {
        storageInFlight = false;
        setStorage({ kind: 'error', error: errorMessage(e) });
      },
    );
  };
  refreshStorage();
  const storageTimer = setInterval(refreshStorage, STORAGE_REFRESH_MS);
  const clock = setInterval(() => setNow(Date.now()), 1000);

  // ---- proxy --------------------------------------------------------------------------------
  // `proxy` is the state of the *configured* proxy; trying another URL does not change it
  // unless that attempt succeeds (and becomes the configured one).
  const ping = async (url: string): Promise<ProxyState> => {
    try {
      const r = await backend.pingProxy(url);
      return { kind: 'connected', url, version: r.version, at: Date.now() };
    } catch (e) {
      const st: ProxyState = { kind: 'unreachable', url, error: errorMessage(e), at: Date.now() };
      backend.log({ level: 'WARNING', logger: 'ui.proxy', message: `proxy ${url} unreachable: ${st.error}` });
      return st;
    }
  };
  const checkConfigured = async () => {
    const url = settings().proxyUrl;
    if (!url) return;
    if (proxy().kind === 'none') setProxy({ kind: 'checking', url });
    const st = await ping(url);
    if (settings().proxyUrl === url) setProxy(st);
  };
  void checkConfigured();
  const proxyTimer = setInterval(() => void checkConfigured(), PROXY_REFRESH_MS);

  const saveSettings = async (patch: Partial<Settings>): Promise<Settings> => {
    const next = await backend.updateSettings(patch);
    setSettings(next);
    return next;
  };

  const connectProxy = async (url: string): Promise<ProxyState> => {
    const configured = settings().proxyUrl === url;
    if (configured) setProxy({ kind: 'checking', url });
    const st = await ping(url);
    if (st.kind === 'connected') {
      await saveSettings({ proxyUrl: url });
      setProxy(st);
    } else if (configured) setProxy(st);
    return st;
  };
  const disconnectProxy = async () => {
    await saveSettings({ proxyUrl: null });
    setProxy({ kind: 'none' });
  };

  onCleanup(() => {
    unsubJobs();
    unsubDatasets();
    unsubWorkers();
    clearTimeout(refreshTimer);
    clearTimeout(flushTimer);
    clearInterval(storageTimer);
    clearInterval(clock);
    clearInterval(proxyTimer);
  });

  const toggleSidebar = () => {
    const v = !sidebarCollapsed();
    setSidebarCollapsed(v);
    writeSidebarPref(v);
  };

  return {
    backend,
    boot,
    settings,
    saveSettings,
    jobs,
    job: (id) => byIdLookup(jobs(), byId, id),
    activeJobCount: () => jobs().filter(isActive).length,
    submitJob,
    cancelJob: (id) => backend.cancelJob(id),
    deleteJob: async (id) => {
      await backend.deleteJob(id);
      byId.delete(id);
      publish();
    },
    rerunJob: (rec) => {
      if (!(JOB_TYPES as readonly string[]).includes(rec.type)) {
        return Promise.reject(new Error(`cannot re-run "${rec.type}": this build's job runner knows ${JOB_TYPES.join(', ')}`));
      }
      return submitJob({ type: rec.type as JobType, params: rec.manifest.params, inputs: rec.manifest.inputs });
    },
    datasetsVersion,
    workers,
    storage,
    refreshStorage,
    proxy,
    connectProxy,
    disconnectProxy,
    now,
    ui: {
      sidebarCollapsed,
      toggleSidebar,
      drawerOpen,
      setDrawerOpen,
      paletteOpen,
      setPaletteOpen,
      settingsOpen,
      setSettingsOpen,
      shortcutsOpen,
      setShortcutsOpen,
    },
    announcement,
    announce,
    reportError,
    loadDemo: async () => {
      if (!settings().demoMode) await saveSettings({ demoMode: true });
      return submitJob({ type: 'data_load', params: { source: 'demo' } });
    },
  };
}

function isTerminalStatus(s: JobRecord['status']): boolean {
  return s === 'succeeded' || s === 'failed' || s === 'cancelled';
}

/** Reads through the `jobs` signal so callers track changes, then the full map for older ids. */
function byIdLookup(list: JobRecord[], all: Map<string, JobRecord>, id: string): JobRecord | undefined {
  return list.find((j) => j.id === id) ?? all.get(id);
}

function readSidebarPref(): boolean {
  try {
    return globalThis.localStorage?.getItem(SIDEBAR_KEY) === '1';
  } catch (e) {
    // Storage can be blocked (privacy mode); the preference is cosmetic, so default open.
    console.warn('sidebar preference unavailable:', e);
    return false;
  }
}

function writeSidebarPref(v: boolean): void {
  try {
    globalThis.localStorage?.setItem(SIDEBAR_KEY, v ? '1' : '0');
  } catch (e) {
    console.warn('sidebar preference not saved:', e);
  }
}

