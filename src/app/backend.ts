/**
 * The single back-end instance of the app (storage, job runner, worker pool, logging).
 * Created lazily so a failure to construct it surfaces as a boot error panel, not a blank page.
 */
import type { Backend } from '../workers/api';
import { createBackend } from '../workers/backend';

let instance: Backend | null = null;

export function getBackend(): Backend {
  if (!instance) {
    instance = createBackend();
    // `npm run bench` submits jobs through this very back end; only when the page asks for it.
    if (globalThis.location?.search.includes('qe-bench')) (globalThis as { __qeBench?: Backend }).__qeBench = instance;
  }
  return instance;
}
