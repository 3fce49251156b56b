/** JSON forms of snapshots (NaN → null, times ISO) for the CLI, artifacts and the UI. */
import type { DistributionSnapshot } from './snapshot';

export type JsonNum = number | null;
export const jnum = (x: number): JsonNum => (Number.isFinite(x) ? x : null);
export const jiso = (ms: number): string | null => (Number.isFinite(ms) ? new Date(ms).toISOString() : null);

export type SnapshotJson = { [k: string]: string | number | null | string[] | number[] };

export function snapshotJson(s: DistributionSnapshot): SnapshotJson {
  const out: SnapshotJson = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'support' || k === 'mass') continue;
    if (k === 'ts') out.ts = jiso(v as number);
    else if (typeof v === 'number') out[k] = jnum(v);
    else if (Array.isArray(v)) out[k] = v as string[];
    else out[k] = v as string | null;
  }
  out.support = Array.from(s.support);
  out.mass = Array.from(s.mass);
  return out;
}
