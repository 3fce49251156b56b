/**
 * Keys of the "latest result" pointers the research jobs write (workers/research-results):
 * `regime-latest/<datasetId>/<method>`. Dataset ids are `TICKER|timeframe` (no "/").
 */
import { REGIME_METHOD_NAMES, type RegimeMethodName } from '../../workers/api';

export const REGIME_POINTER_PREFIX = 'regime-latest/';

/** `regime-latest/<datasetId>/<method>` → its parts; throws on any other shape. */
export function parseRegimePointer(key: string): { datasetId: string; method: RegimeMethodName } {
  const rest = key.startsWith(REGIME_POINTER_PREFIX) ? key.slice(REGIME_POINTER_PREFIX.length) : '';
  const i = rest.lastIndexOf('/');
  const method = rest.slice(i + 1);
  if (i <= 0 || !(REGIME_METHOD_NAMES as readonly string[]).includes(method)) {
    throw new Error(`unexpected regime pointer key "${key}" (expected ${REGIME_POINTER_PREFIX}<datasetId>/<method>)`);
  }
  return { datasetId: rest.slice(0, i), method: method as RegimeMethodName };
}
