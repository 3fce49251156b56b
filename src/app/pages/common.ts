import { JOB_TYPES } from '../../workers/api';
import type { StateAction } from '../components/EmptyState';
import type { PanelState } from '../components/Panel';
import type { LoadState } from '../state/loader';

export function empty(message: string, actions?: StateAction[], detail?: string): PanelState {
  return { kind: 'empty', message, actions, detail };
}

/** Maps a loader state to a panel state; `ready` gets its envelope from `toEnvelope`. */
export function fromLoad<T>(s: LoadState<T>, toEnvelope: (v: T) => unknown, retry: () => void): PanelState {
  switch (s.status) {
    case 'idle':
    case 'loading':
      return { kind: 'loading' };
    case 'error':
      return { kind: 'error', message: s.message, traceId: s.traceId, retry };
    case 'ready':
      return { kind: 'ready', envelope: toEnvelope(s.value) };
  }
}

export const GO_DATA: StateAction = { label: 'Open Data Explorer', href: '/data-explorer' };
export const GO_BACKTEST: StateAction = { label: 'Go to Backtest & Risk', href: '/backtests' };
export const GO_MODEL_LAB: StateAction = { label: 'Go to Model Lab', href: '/model-lab' };

export const NO_BACKTEST = 'No backtest results yet — run a backtest';

/** Whether the job runner of this build knows a job type (controls that cannot run are not shown). */
export function jobAvailable(type: string): boolean {
  return (JOB_TYPES as readonly string[]).includes(type);
}

/** Honest text for a computation the runner does not offer yet. */
export function notInBuild(what: string, jobType: string): string {
  return `${what} needs the "${jobType}" job, which this build's job runner does not provide yet (available: ${JOB_TYPES.join(', ')}).`;
}
