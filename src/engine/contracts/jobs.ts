import { arr, isoDate, json, type Json, literal, num, obj, optional, type Schema, str } from './schema';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const TERMINAL_STATUSES: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Allowed forward transitions; terminal states are final. */
export const JOB_TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_TRANSITIONS[from].includes(to);
}

export interface ManifestInput {
  /** Dataset or artifact key, e.g. "AAPL|1d". */
  key: string;
  checksum: string;
}

/** Everything that determines a job's result: same manifest → same numbers. */
export interface JobManifest {
  /** Stable hash of the other fields. */
  id: string;
  jobType: string;
  inputs: ManifestInput[];
  params: { [k: string]: Json };
  engineVersion: string;
  seed: number;
}

export interface JobRecord {
  id: string;
  type: string;
  status: JobStatus;
  createdAt: string;
  startedAt?: string;
  completedAt?: string;
  /** 0..1 */
  progress: number;
  stage: string;
  manifest: JobManifest;
  error?: string;
  /** Key of the artifact the job wrote, if any. */
  resultKey?: string;
  traceId?: string;
}

export const manifestSchema: Schema<JobManifest> = obj({
  id: str(),
  jobType: str(),
  inputs: arr(obj({ key: str(), checksum: str() })),
  params: json() as Schema<{ [k: string]: Json }>,
  engineVersion: str(),
  seed: num({ int: true, min: 0 }),
});

export const jobRecordSchema: Schema<JobRecord> = obj({
  id: str(),
  type: str(),
  status: literal(...JOB_STATUSES),
  createdAt: isoDate(),
  startedAt: optional(isoDate()),
  completedAt: optional(isoDate()),
  progress: num({ min: 0, max: 1 }),
  stage: str(),
  manifest: manifestSchema,
  error: optional(str()),
  resultKey: optional(str()),
  traceId: optional(str()),
});

/** Events a job emits, in order: status snapshot, started, progress*, one of completed/failed/cancelled, done. */
export type JobEvent =
  | { event: 'status'; record: JobRecord }
  | { event: 'started'; jobId: string }
  | { event: 'progress'; jobId: string; progress: number; stage: string }
  | { event: 'completed'; jobId: string; resultKey?: string }
  | { event: 'failed'; jobId: string; error: string }
  | { event: 'cancelled'; jobId: string }
  | { event: 'done'; jobId: string };

export const INTERRUPTED_ERROR = 'interrupted (page closed)';
