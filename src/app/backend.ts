/**
 * The single back-end instance of the app (storage, job runner, worker pool, logging).
 * Created lazily so a failure to construct it surfaces as a boot error panel, not a blank page.
 */
import type { Backend } from '../workers/api';
import { createBackend } from '../workers/backend';

let instance: Backend | null = null;

export function getBackend(): Backend {
  if (!instance) {
    const search = new URLSearchParams(globalThis.location?.search ?? '');
    // `npm run bench` may pin the pool size (`?qe-bench&qe-pool=1`: one compute worker, as a
    // target measured "in a Chromium worker" means); the app never sets it.
    const pool = search.has('qe-bench') ? Number(search.get('qe-pool')) : Number.NaN;
    instance = createBackend(Number.isInteger(pool) && pool >= 1 && pool <= 8 ? { poolSize: pool } : {});
    // `npm run bench` submits jobs through this very back end; only when the page asks for it.
    if (search.has('qe-bench')) (globalThis as { __qeBench?: Backend }).__qeBench = instance;
  }
  return instance;
}
