/**
 * The health part of the main-thread facade: stored snapshots as envelopes and the trend.
 * Reads only (the `health_check` job writes); no engine imports so the main bundle stays small.
 */
import type { DatasetMeta, Envelope, Json } from '../../engine/contracts';
import { getArtifact, latestArtifact } from '../../storage/artifacts';
import { getDatasetMeta } from '../../storage/catalog';
import type { QeDb } from '../../storage/db';
import { qualityWarning } from '../../storage/provenance';
import { getRegistryDoc } from '../../storage/registry';
import { resultEnvelope } from '../research-results';
import { HEALTH_HISTORY_DOC, HEALTH_SNAPSHOT_PREFIX, type HealthHistoryPoint, type HealthSnapshot } from './view';

export class HealthSnapshotError extends Error {
  constructor(key: string, message: string) {
    super(`stored health snapshot ${key}: ${message}`);
    this.name = 'HealthSnapshotError';
  }
}

/** The trend document's points (oldest first); none when the document does not exist yet. */
export function readHealthHistory(value: Json | undefined): HealthHistoryPoint[] {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Array.isArray(value.points)) {
    throw new HealthSnapshotError(HEALTH_HISTORY_DOC, 'must be {points: [...]}');
  }
  return value.points as unknown as HealthHistoryPoint[];
}

/** Structural check of a stored snapshot (the parts the page relies on). */
export function readHealthSnapshot(value: Json, key: string): HealthSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HealthSnapshotError(key, 'is not an object');
  const v = value as unknown as Partial<HealthSnapshot>;
  const r = v.report;
  if (!r || !Array.isArray(r.checks) || !Array.isArray(r.domains) || !Array.isArray(r.cache_age) || !Array.isArray(r.wf_windows)) {
    throw new HealthSnapshotError(key, 'report is missing checks, domains, cache_age or wf_windows');
  }
  if (!Array.isArray(v.history) || !Array.isArray(v.inputs) || !Array.isArray(v.warnings) || typeof v.manifestId !== 'string' || typeof v.computedAt !== 'string') {
    throw new HealthSnapshotError(key, 'history, inputs, warnings, manifestId or computedAt missing');
  }
  return v as HealthSnapshot;
}

export function createHealthOps(deps: { ready: () => Promise<QeDb>; now: () => number }) {
  return {
    /** A stored snapshot by job id, key `health/<jobId>` or 'latest'; null when none. */
    async getHealthSnapshot(ref = 'latest'): Promise<Envelope<HealthSnapshot> | null> {
      const db = await deps.ready();
      const rec =
        ref === 'latest'
          ? await latestArtifact(db, HEALTH_SNAPSHOT_PREFIX)
          : await getArtifact(db, ref.startsWith(HEALTH_SNAPSHOT_PREFIX) ? ref : `${HEALTH_SNAPSHOT_PREFIX}${ref}`);
      if (!rec) return null;
      const snap = readHealthSnapshot(rec.value, rec.key);
      const current = new Map<string, DatasetMeta | undefined>(
        await Promise.all(snap.inputs.map(async (i) => [i.datasetId, await getDatasetMeta(db, i.datasetId)] as const)),
      );
      const env = resultEnvelope(snap, {
        current,
        now: deps.now(),
        asOf: snap.computedAt,
        source: `health check over ${snap.sources.datasets} datasets, ${snap.sources.backtests} backtests, ${snap.sources.models} models${snap.sources.registry ? ', strategy registry' : ''}`,
        ...(rec.jobId ? { jobId: rec.jobId } : {}),
      });
      // The health checks already judge every dataset's quality: one summary line instead of a
      // per-dataset quality warning (22 demo datasets would otherwise bury the other warnings).
      const perInput = new Set(snap.inputs.map((i) => qualityWarning({ id: i.datasetId, quality: i.quality } as DatasetMeta)).filter((w): w is string => w !== null));
      const removed = env.meta.warnings.filter((w) => perInput.has(w)).length;
      if (removed > 0) {
        const counts = { warn: 0, fail: 0, unchecked: 0 };
        for (const i of snap.inputs) if (i.quality !== 'pass') counts[i.quality]++;
        const parts = [counts.fail && `${counts.fail} failed`, counts.warn && `${counts.warn} with warnings`, counts.unchecked && `${counts.unchecked} unchecked`].filter(Boolean);
        env.meta.warnings = [
          `Input datasets' quality: ${parts.join(', ')} — see the Data Integrity checks.`,
          ...env.meta.warnings.filter((w) => !perInput.has(w)),
        ];
      }
      return env;
    },

    /** Trend points, oldest first (≤ 90). */
    async getHealthHistory(): Promise<HealthHistoryPoint[]> {
      return readHealthHistory((await getRegistryDoc(await deps.ready(), HEALTH_HISTORY_DOC))?.value);
    },
  };
}
