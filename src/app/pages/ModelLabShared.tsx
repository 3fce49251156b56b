/**
 * Pieces shared by the Model Lab research tabs (and the Dashboard regime tab): the dataset
 * catalog loader, a tracker for the job a tab submitted, the dataset picker, and the note that
 * says whether a finished job computed its result or reused a stored one.
 */
import { type Accessor, createEffect, createSignal, For, type JSX, on, Show, type Signal } from 'solid-js';
import type { DatasetMeta, Envelope, EnvelopeMeta, JobRecord } from '../../engine/contracts';
import type { JobRequest } from '../../workers/api';
import { formatDuration } from '../lib/format';
import { datasetLabel } from '../lib/research-datasets';
import { errorMessage } from '../lib/trace';
import { type AppState, useApp } from '../state/app';
import { createLoader, type LoadState } from '../state/loader';
import { GO_DATA } from './common';
import type { PanelState } from '../components/Panel';

/** "Load demo" from a tab's empty state; a failure stays on the tab with its log trace. */
export function createDemoLoader(app: AppState, logger: string): { load: () => Promise<void>; error: Accessor<string | null> } {
  const [error, setError] = createSignal<string | null>(null);
  const load = async () => {
    setError(null);
    try {
      await app.loadDemo();
    } catch (e) {
      const trace = app.reportError(logger, e, { action: 'loadDemo' });
      setError(`Loading the demo dataset failed: ${errorMessage(e)} (trace ${trace})`);
    }
  };
  return { load, error };
}

/** The dataset catalog, reloaded when stored datasets change. */
export function useCatalog(logger: string): { state: Accessor<LoadState<DatasetMeta[]>>; list: Accessor<DatasetMeta[]>; reload: () => void } {
  const app = useApp();
  const [state, reload] = createLoader(() => ({ v: app.datasetsVersion() }), () => app.backend.listDatasets(), logger);
  const list = () => {
    const s = state();
    return s.status === 'ready' ? s.value : [];
  };
  return { state, list, reload };
}

/** Panel state of the catalog itself, or null when it has datasets (then the caller decides). */
export function catalogState(s: LoadState<DatasetMeta[]>, retry: () => void, loadDemo: () => void): PanelState | null {
  if (s.status === 'error') return { kind: 'error', message: `Could not list datasets: ${s.message}`, traceId: s.traceId, retry };
  if (s.status !== 'ready') return { kind: 'loading' };
  if (s.value.length === 0) {
    return {
      kind: 'empty',
      message: 'No market data yet',
      detail: 'Import CSV/Parquet bars or load the synthetic demo dataset (labelled DEMO), then compute here.',
      actions: [
        { ...GO_DATA, label: 'Import files', href: '/data-explorer?focus=import', primary: true },
        { label: 'Load demo dataset', onClick: loadDemo },
      ],
    };
  }
  return null;
}

export interface JobTracker {
  job: Accessor<JobRecord | undefined>;
  submitting: Accessor<boolean>;
  submitError: Accessor<string | null>;
  /** bumps each time the tracked job succeeds (reload its result) */
  done: Accessor<number>;
  submit(req: JobRequest): Promise<void>;
}

/**
 * The job a tab submitted: submit with "Submitting…" state, the live record, success ticks.
 * `idSignal` may live outside the component so the job stays shown when the tab is reopened.
 */
export function createJobTracker(app: AppState, logger: string, idSignal?: Signal<string | null>): JobTracker {
  const [jobId, setJobId] = idSignal ?? createSignal<string | null>(null);
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<string | null>(null);
  const [done, setDone] = createSignal(0);
  const job = () => {
    const id = jobId();
    return id ? app.job(id) : undefined;
  };
  createEffect(
    on(
      () => job()?.status,
      (st, prev) => {
        if (st === 'succeeded' && prev !== 'succeeded') setDone((v) => v + 1);
      },
    ),
  );
  const submit = async (req: JobRequest) => {
    setSubmitting(true);
    setSubmitError(null);
    try {
      const rec = await app.submitJob(req);
      setJobId(rec.id);
    } catch (e) {
      const trace = app.reportError(logger, e, { action: `submit ${req.type}` });
      setSubmitError(`Could not submit the ${req.type} job: ${errorMessage(e)} (trace ${trace})`);
    } finally {
      setSubmitting(false);
    }
  };
  return { job, submitting, submitError, done, submit };
}

/** A labelled dataset <select> over the catalog (optionally with a "None" entry). */
export function DatasetSelect(props: {
  label: string;
  list: readonly DatasetMeta[];
  value: string | null;
  onChange: (id: string) => void;
  noneLabel?: string;
  testid?: string;
}): JSX.Element {
  return (
    <label class="field">
      <span>{props.label}</span>
      <select class="select" data-testid={props.testid} value={props.value ?? ''} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <Show when={props.noneLabel}>
          <option value="" selected={!props.value}>
            {props.noneLabel}
          </option>
        </Show>
        <For each={props.list}>
          {(d) => (
            // `selected` per option: the select's value alone is lost when options arrive after it.
            <option value={d.id} selected={d.id === props.value}>
              {datasetLabel(d)}
            </option>
          )}
        </For>
      </select>
    </label>
  );
}

/**
 * Whether the shown result came from the tracked job or was reused: a result stored by another
 * (earlier) job means the inputs were unchanged and the job skipped the computation.
 */
export function ReuseNote(props: { job: JobRecord | undefined; meta: EnvelopeMeta | null; computedAt?: string }): JSX.Element {
  const status = () => {
    const j = props.job;
    const m = props.meta;
    if (j?.status !== 'succeeded' || !m) return null;
    return m.jobId === j.id ? 'computed' : 'reused';
  };
  return (
    <Show when={status()}>
      {(s) => (
        <span class={`rs-reuse${s() === 'computed' ? ' computed' : ''}`} data-testid="result-reuse" data-reuse={s()}>
          {s() === 'computed'
            ? `computed by this run${props.job?.startedAt && props.job.completedAt ? ` in ${formatDuration(Date.parse(props.job.completedAt) - Date.parse(props.job.startedAt))}` : ''}`
            : `reused — inputs unchanged since ${props.computedAt?.replace('T', ' ').slice(0, 16) ?? 'the stored run'}`}
        </span>
      )}
    </Show>
  );
}

/** What a tab computes as a job, for the texts of its result panel. */
export interface StoredResultTexts {
  /** "features", "regimes" — in "Could not read the stored …" */
  noun: string;
  /** "Computing features", "Detecting regimes" — while the job is queued or running */
  busy: string;
  /** "features", "detection" — in "The last … job failed" */
  jobNoun: string;
  /** the empty state's message (what is missing, for which selection) */
  missing: string;
  /** the empty state's explanation when no job failed */
  hint: string;
  /** the action button that submits the job */
  action: string;
}

/**
 * The result panel of a stored job result: the stored envelope when there is one, else
 * loading while its job runs, else an empty state (with the last failure, if any) whose
 * action submits the job.
 */
export function storedResultState<T>(
  r: LoadState<Envelope<T> | null>,
  retry: () => void,
  job: JobRecord | undefined,
  texts: StoredResultTexts,
  run: () => void,
  submitting: boolean,
): PanelState {
  if (r.status === 'error') return { kind: 'error', message: `Could not read the stored ${texts.noun}: ${r.message}`, traceId: r.traceId, retry };
  if (r.status !== 'ready') return { kind: 'loading' };
  if (r.value !== null) return { kind: 'ready', envelope: r.value };
  if (job && (job.status === 'queued' || job.status === 'running')) return { kind: 'loading', label: `${texts.busy} (job ${job.status})…` };
  return {
    kind: 'empty',
    message: texts.missing,
    detail: job?.status === 'failed' ? `The last ${texts.jobNoun} job failed: ${job.error ?? 'no error message'}` : texts.hint,
    actions: [{ label: texts.action, onClick: run, primary: true, disabled: submitting }],
  };
}

/** The data and meta of a loaded envelope (null while loading, on error or when none is stored). */
export function loadedData<T>(r: LoadState<Envelope<T> | null>): T | null {
  return r.status === 'ready' && r.value ? r.value.data : null;
}

export function loadedMeta<T>(r: LoadState<Envelope<T> | null>): EnvelopeMeta | null {
  return r.status === 'ready' && r.value ? r.value.meta : null;
}
