/**
 * The data import / live fetch part of the back-end facade: submits `import_files` jobs with
 * their files attached (kept here, keyed by an upload id that the JSON params carry, and handed
 * to the data worker when the job starts), submits `fetch` jobs with the configured proxy,
 * and serves resampled views, exports and the cached-after-failure envelope.
 */
import {
  type Bars,
  type DatasetMeta,
  type Envelope,
  type JobEvent,
  type JobRecord,
  type Json,
  TIMEFRAMES,
  type Timeframe,
} from '../engine/contracts';
import { getDatasetMeta } from '../storage/catalog';
import type { QeDb } from '../storage/db';
import { datasetEnvelope } from '../storage/provenance';
import { getSettings } from '../storage/settings';
import {
  type ExportedFile,
  type ExportFormat,
  type FetchJobParams,
  type ImportFileInput,
  type ImportFilesOptions,
  LIVE_PROVIDERS,
  LIVE_RANGES,
  LIVE_TIMEFRAMES,
  type LiveFetchRequest,
  MAX_IMPORT_FILE_BYTES,
} from './data-api';
import type { DataWorkerClient } from './data-client';
import type { ManifestRequest } from './manifest';
import type { ImportFilePayload, JobResult } from './protocol';

export class ImportRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRequestError';
  }
}

export class NoProxyError extends Error {
  constructor() {
    super('No proxy is configured: start it with `npm run proxy` and connect it in Settings (or on the first-run screen), then fetch again.');
    this.name = 'NoProxyError';
  }
}

export interface DataOpsDeps {
  ready(): Promise<QeDb>;
  /** the data worker client (exists after boot) */
  data(): DataWorkerClient | null;
  submit(req: ManifestRequest): Promise<JobRecord>;
  now(): number;
}

type BarsEnvelope = Envelope<{ meta: DatasetMeta; bars: Bars }>;

let uploadCounter = 0;
function newUploadId(now: number): string {
  uploadCounter += 1;
  return `up-${now.toString(36)}-${uploadCounter.toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

function uploadIdOf(record: JobRecord): string | null {
  const v = record.manifest.params.uploadId;
  return typeof v === 'string' ? v : null;
}

export function createDataOps(deps: DataOpsDeps) {
  /** upload id → files, until the job that carries the id ends */
  const attachments = new Map<string, ImportFilePayload[]>();
  const jobUploads = new Map<string, string>();
  const runningHere = new Set<string>();

  const dataClient = (): DataWorkerClient => {
    const c = deps.data();
    if (!c) throw new Error('the data worker is not started: call boot() first');
    return c;
  };

  return {
    /** True for job types the data worker runs (instead of the compute pool). */
    runsInDataWorker(type: string): boolean {
      return type === 'import_files';
    },

    isRunningHere(jobId: string): boolean {
      return runningHere.has(jobId);
    },

    /** Executor.run for data-worker jobs: hands over the attached files. */
    async run(record: JobRecord, onProgress: (fraction: number, stage: string) => void): Promise<JobResult> {
      const upload = uploadIdOf(record);
      const files = upload ? attachments.get(upload) : undefined;
      // Without files the handler fails with its own explanation (e.g. a job re-run from params).
      runningHere.add(record.id);
      try {
        return await dataClient().runJob(record, files ?? [], onProgress);
      } finally {
        runningHere.delete(record.id);
        if (upload) attachments.delete(upload);
      }
    },

    cancel(jobId: string): Promise<void> {
      return dataClient().cancelJob(jobId);
    },

    terminate(jobId: string): void {
      deps.data()?.restart(`job ${jobId} did not stop after cancel`);
    },

    /** Drops attachments of jobs that ended without running (cancelled while queued). */
    onJobEvent(e: JobEvent): void {
      if (e.event === 'status') {
        const upload = uploadIdOf(e.record);
        if (upload) jobUploads.set(e.record.id, upload);
      } else if (e.event === 'done') {
        const upload = jobUploads.get(e.jobId);
        if (upload) attachments.delete(upload);
        jobUploads.delete(e.jobId);
      }
    },

    methods: {
      async importFiles(files: ImportFileInput[], opts: ImportFilesOptions = {}): Promise<JobRecord> {
        await deps.ready();
        if (files.length === 0) throw new ImportRequestError('no files were chosen');
        if (opts.timeframe !== undefined && !(TIMEFRAMES as readonly string[]).includes(opts.timeframe)) {
          throw new ImportRequestError(`unknown timeframe "${opts.timeframe}" (use one of ${TIMEFRAMES.join(', ')})`);
        }
        const payloads: ImportFilePayload[] = files.map((f) => {
          if (f.blob.size > MAX_IMPORT_FILE_BYTES) {
            throw new ImportRequestError(
              `${f.name}: ${(f.blob.size / 1024 ** 3).toFixed(1)} GB is larger than the ${MAX_IMPORT_FILE_BYTES / 1024 ** 3} GB a browser import accepts; split the file, or normalise it with \`npx qe import\``,
            );
          }
          return {
            name: f.name,
            path: f.path || f.name,
            size: f.blob.size,
            lastModified: Math.max(0, f.lastModified ?? 0),
            blob: f.blob,
          };
        });
        const uploadId = newUploadId(deps.now());
        const params: { [k: string]: Json } = {
          uploadId,
          mode: opts.mode ?? 'files',
          files: payloads.map((p) => ({ name: p.name, path: p.path, size: p.size, lastModified: p.lastModified })),
        };
        if (opts.timeframe) params.timeframe = opts.timeframe;
        attachments.set(uploadId, payloads);
        try {
          return await deps.submit({ type: 'import_files', params });
        } catch (e) {
          attachments.delete(uploadId);
          throw e;
        }
      },

      async fetchLive(req: LiveFetchRequest): Promise<JobRecord> {
        const db = await deps.ready();
        const settings = await getSettings(db);
        if (!settings.proxyUrl) throw new NoProxyError();
        if (!(LIVE_PROVIDERS as readonly string[]).includes(req.provider)) {
          throw new ImportRequestError(`unknown provider "${req.provider}" (use ${LIVE_PROVIDERS.join(' or ')})`);
        }
        if (!LIVE_TIMEFRAMES[req.provider].includes(req.timeframe)) {
          throw new ImportRequestError(`${req.provider} does not serve ${req.timeframe} bars (available: ${LIVE_TIMEFRAMES[req.provider].join(', ')})`);
        }
        const ticker = req.ticker.trim().toUpperCase();
        if (!/^[A-Z0-9.^=_-]{1,20}$/.test(ticker)) {
          throw new ImportRequestError(`"${req.ticker}" is not a ticker (1–20 characters: letters, digits and . ^ = _ -)`);
        }
        const params: FetchJobParams = { provider: req.provider, ticker, timeframe: req.timeframe, proxyUrl: settings.proxyUrl };
        if (req.range && req.provider === 'yahoo') {
          if (!(LIVE_RANGES as readonly string[]).includes(req.range)) throw new ImportRequestError(`unknown range "${req.range}"`);
          params.range = req.range;
        }
        return deps.submit({ type: 'fetch', params: params as unknown as { [k: string]: Json } });
      },

      async loadCachedAfterFailure(id: string, failure: string): Promise<BarsEnvelope | null> {
        const db = await deps.ready();
        const meta = await getDatasetMeta(db, id);
        if (!meta || meta.origin === 'demo') return null;
        const t0 = deps.now();
        const { bars } = await dataClient().loadDataset(id);
        const now = deps.now();
        const env = datasetEnvelope(meta, bars, now, now - t0);
        const stored = Date.parse(meta.storedAt);
        const how = meta.origin === 'proxy' ? `fetched ${meta.storedAt}` : `imported from ${meta.source} on ${meta.storedAt}`;
        return {
          data: env.data,
          meta: {
            ...env.meta,
            mode: 'cached',
            staleness: Number.isFinite(stored) ? Math.max(0, Math.round((now - stored) / 1000)) : null,
            warnings: [`Live fetch failed — ${failure}. Showing the stored copy (${how}).`, ...env.meta.warnings],
          },
        };
      },

      async resampleBars(id: string, to: Timeframe): Promise<BarsEnvelope> {
        await deps.ready();
        const t0 = deps.now();
        const { meta, bars } = await dataClient().resampleDataset(id, to);
        const now = deps.now();
        const env = datasetEnvelope(meta, bars, now, now - t0);
        return {
          data: env.data,
          meta: { ...env.meta, warnings: [...env.meta.warnings, `${meta.ticker} ${to} is derived on demand from the stored ${id} bars (not stored).`] },
        };
      },

      async exportDataset(id: string, format: ExportFormat, opts: { resampleTo?: Timeframe } = {}): Promise<ExportedFile> {
        await deps.ready();
        return dataClient().exportDataset(id, format, opts.resampleTo);
      },
    },
  };
}
