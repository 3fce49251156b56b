/**
 * One IV job slot of a tab: the job to show (the one this page submitted, else the newest of
 * its type), submit with a visible "Submitting…" state, and the job's stored result read back
 * as an envelope once it succeeded. `panelState` maps all of it onto a Panel: empty before any
 * run, loading while it runs, the job's own error when it failed, data when it succeeded.
 */
import { type Accessor, createSignal } from 'solid-js';
import type { Envelope, JobRecord, Json, ManifestInput } from '../../../engine/contracts';
import type { JobType } from '../../../workers/api';
import { errorMessage } from '../../lib/trace';
import { useApp } from '../../state/app';
import { createLoader, type LoadState } from '../../state/loader';
import type { StateAction } from '../EmptyState';
import type { PanelState } from '../Panel';

export interface IvJobSlot<T> {
  job: Accessor<JobRecord | undefined>;
  submitting: Accessor<boolean>;
  submitError: Accessor<{ message: string; traceId: string } | null>;
  result: Accessor<LoadState<Envelope<T>>>;
  submit(params: { [k: string]: Json }, inputs?: ManifestInput[]): Promise<JobRecord | null>;
  panelState(emptyMessage: string, actions?: StateAction[]): PanelState;
}

export function useIvJob<T>(
  type: JobType,
  fetch: (resultKey: string) => Promise<Envelope<T>>,
  logger: string,
  /** only jobs this predicate accepts are shown (e.g. the selected chain's) */
  accept: (j: JobRecord) => boolean = () => true,
): IvJobSlot<T> {
  const app = useApp();
  const [explicit, setExplicit] = createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<{ message: string; traceId: string } | null>(null);
  const job = (): JobRecord | undefined => {
    const id = explicit();
    const mine = id ? app.job(id) : undefined;
    if (mine && accept(mine)) return mine;
    // app.jobs() is newest first: the latest run of this type, e.g. after a page reload
    return app.jobs().find((j) => j.type === type && accept(j));
  };
  const [result] = createLoader(
    () => {
      const j = job();
      return j?.status === 'succeeded' && j.resultKey ? j.resultKey : null;
    },
    fetch,
    logger,
  );

  const submit = async (params: { [k: string]: Json }, inputs?: ManifestInput[]) => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const rec = await app.submitJob({ type, params, inputs });
      setExplicit(rec.id);
      return rec;
    } catch (e) {
      setSubmitError({ message: errorMessage(e), traceId: app.reportError(logger, e, { action: `submit ${type}` }) });
      return null;
    } finally {
      setSubmitting(false);
    }
  };

  const panelState = (emptyMessage: string, actions?: StateAction[]): PanelState => {
    const j = job();
    if (!j) return { kind: 'empty', message: emptyMessage, actions };
    switch (j.status) {
      case 'queued':
        return { kind: 'loading', label: 'Queued — waiting for a worker' };
      case 'running':
        return { kind: 'loading', label: `${Math.round(j.progress * 100)} % — ${j.stage || 'running'}` };
      case 'failed':
        return { kind: 'error', title: `The ${type} job failed`, message: j.error ?? 'failed without an error message', traceId: j.traceId };
      case 'cancelled':
        return { kind: 'empty', message: 'The last run was cancelled before it finished; nothing was stored.', actions };
      case 'succeeded': {
        const r = result();
        if (r.status === 'error') return { kind: 'error', title: 'Result unreadable', message: r.message, traceId: r.traceId };
        if (r.status === 'ready') return { kind: 'ready', envelope: r.value };
        return { kind: 'loading', label: 'Reading the result' };
      }
    }
  };

  return { job, submitting, submitError, result, submit, panelState };
}
