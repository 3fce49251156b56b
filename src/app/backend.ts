/**
 * The single back-end instance of the app (storage, job runner, worker pool, logging).
 * Created lazily so a failure to construct it surfaces as a boot error panel, not a blank page.
 */
import type { Backend } from '../workers/api';
import { createBackend } from '../workers/backend';

let instance: Backend | null = null;

export function getBackend(): Backend {
  if (!instance) instance = createBackend();
  return instance;
}
