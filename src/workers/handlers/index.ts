/** Job type → handler. Every JOB_TYPES entry must have one (checked by the type below). */
import type { JobType } from '../api';
import type { JobHandler } from './types';

export type { HandlerEnv, JobHandler } from './types';

/**
 * Job type → handler module, loaded on first use: the compute worker starts at boot, so its
 * entry chunk must not carry every engine (IV, backtest, regimes…) before any job asks for one.
 */
export const HANDLER_LOADERS: Record<JobType, () => Promise<JobHandler>> = {
  data_load: () => import('./data-load').then((m) => m.dataLoadHandler),
  selftest: () => import('./selftest').then((m) => m.selftestHandler),
  features: () => import('./features').then((m) => m.featuresHandler),
  regime_detect: () => import('./regime').then((m) => m.regimeHandler),
  import_files: () => import('./import').then((m) => m.importFilesHandler),
  fetch: () => import('./fetch').then((m) => m.fetchHandler),
  iv_heston: () => import('./iv').then((m) => m.ivHestonHandler),
  iv_arb_svi: () => import('./iv').then((m) => m.ivArbSviHandler),
  iv_chain_import: () => import('./iv').then((m) => m.ivChainImportHandler),
  iv_heston_calibrate: () => import('./iv').then((m) => m.ivHestonCalibrateHandler),
  backtest: () => import('./backtest').then((m) => m.backtestHandler),
  kalshi_import: () => import('./kalshi').then((m) => m.kalshiImportHandler),
  kalshi_fetch: () => import('./kalshi').then((m) => m.kalshiFetchHandler),
  sweep: () => import('./sweep').then((m) => m.sweepHandler),
  health_check: () => import('./health').then((m) => m.healthHandler),
  autopilot_cycle: () => import('./autopilot').then((m) => m.autopilotCycleHandler),
  paper_cycle: () => import('./autopilot').then((m) => m.paperCycleHandler),
  train: () => import('./train').then((m) => m.trainHandler),
  predict: () => import('./predict').then((m) => m.predictHandler),
};

export class UnknownJobTypeError extends Error {
  constructor(type: string) {
    super(`no handler for job type "${type}" (known: ${Object.keys(HANDLER_LOADERS).join(', ')})`);
    this.name = 'UnknownJobTypeError';
  }
}

export async function handlerFor(type: string): Promise<JobHandler> {
  const load = (HANDLER_LOADERS as Record<string, (() => Promise<JobHandler>) | undefined>)[type];
  if (!load) throw new UnknownJobTypeError(type);
  return load();
}
