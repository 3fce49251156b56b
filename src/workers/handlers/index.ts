/** Job type → handler. Every JOB_TYPES entry must have one (checked by the type below). */
import type { JobType } from '../api';
import { backtestHandler } from './backtest';
import { dataLoadHandler } from './data-load';
import { featuresHandler } from './features';
import { fetchHandler } from './fetch';
import { importFilesHandler } from './import';
import { ivArbSviHandler, ivChainImportHandler, ivHestonCalibrateHandler, ivHestonHandler } from './iv';
import { regimeHandler } from './regime';
import { selftestHandler } from './selftest';
import type { JobHandler } from './types';

export type { HandlerEnv, JobHandler } from './types';

export const HANDLERS: Record<JobType, JobHandler> = {
  data_load: dataLoadHandler,
  selftest: selftestHandler,
  features: featuresHandler,
  regime_detect: regimeHandler,
  import_files: importFilesHandler,
  fetch: fetchHandler,
  iv_heston: ivHestonHandler,
  iv_arb_svi: ivArbSviHandler,
  iv_chain_import: ivChainImportHandler,
  iv_heston_calibrate: ivHestonCalibrateHandler,
  backtest: backtestHandler,
};

export class UnknownJobTypeError extends Error {
  constructor(type: string) {
    super(`no handler for job type "${type}" (known: ${Object.keys(HANDLERS).join(', ')})`);
    this.name = 'UnknownJobTypeError';
  }
}

export function handlerFor(type: string): JobHandler {
  const h = (HANDLERS as Record<string, JobHandler | undefined>)[type];
  if (!h) throw new UnknownJobTypeError(type);
  return h;
}
