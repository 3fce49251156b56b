import { type Json, type JobEvent, type JobRecord, TERMINAL_STATUSES } from '../../engine/contracts';

export function isActive(j: Pick<JobRecord, 'status'>): boolean {
  return j.status === 'queued' || j.status === 'running';
}

export function isTerminal(j: Pick<JobRecord, 'status'>): boolean {
  return TERMINAL_STATUSES.includes(j.status);
}

/** One-line params summary: `{source:"demo", seconds:20}` → "source=demo, seconds=20". */
export function paramsSummary(params: { [k: string]: Json }, max = 80): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const s = parts.join(', ') || '(no params)';
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Elapsed ms of a job: running → now − start; terminal → completed − start; queued → null. */
export function jobElapsedMs(j: JobRecord, nowMs: number): number | null {
  if (!j.startedAt) return null;
  const start = Date.parse(j.startedAt);
  const end = j.completedAt ? Date.parse(j.completedAt) : isActive(j) ? nowMs : Number.NaN;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, end - start);
}

/**
 * Applies one job event to a known record, keeping transitions forward only (a late
 * progress tick after completion is ignored). Returns the same object when nothing changes.
 * `nowIso` stamps start/completion when the event carries no time of its own.
 */
export function applyJobEvent(rec: JobRecord, e: JobEvent, nowIso: string): JobRecord {
  if (e.event === 'status') return e.record;
  if (isTerminal(rec)) return rec;
  switch (e.event) {
    case 'started':
      return { ...rec, status: 'running', startedAt: rec.startedAt ?? nowIso };
    case 'progress':
      return { ...rec, status: 'running', progress: clamp01(e.progress), stage: e.stage, startedAt: rec.startedAt ?? nowIso };
    case 'completed':
      return { ...rec, status: 'succeeded', progress: 1, completedAt: rec.completedAt ?? nowIso, resultKey: e.resultKey ?? rec.resultKey };
    case 'failed':
      return { ...rec, status: 'failed', error: e.error, completedAt: rec.completedAt ?? nowIso };
    case 'cancelled':
      return { ...rec, status: 'cancelled', completedAt: rec.completedAt ?? nowIso };
    case 'done':
      return rec;
  }
}

function clamp01(v: number): number {
  if (!Number.isFinite(v)) return 0;
  return Math.min(1, Math.max(0, v));
}

export function eventJobId(e: JobEvent): string {
  return e.event === 'status' ? e.record.id : e.jobId;
}

/** Newest first by createdAt, capped. */
export function sortJobs(list: readonly JobRecord[], cap: number): JobRecord[] {
  return [...list].sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)).slice(0, cap);
}
