import { createMemo, createSignal, For, type JSX } from 'solid-js';
import type { DatasetMeta, Json, ManifestInput } from '../../../engine/contracts';

export interface CycleSubmission {
  params: { [k: string]: Json };
  inputs: ManifestInput[];
}

/** Run Cycle form: universe (daily datasets), horizon, predictor, dry run, candidate cap. */
/** A trained model version the predictor select offers (its walk-forward settings label the cycle). */
export interface ModelChoice {
  id: string;
  label: string;
}

export function RunCycleForm(props: {
  datasets: DatasetMeta[];
  models: ModelChoice[];
  submitting: boolean;
  onRun: (s: CycleSubmission) => void;
}): JSX.Element {
  const daily = createMemo(() => props.datasets.filter((d) => d.timeframe === '1d'));
  // Default universe: every daily dataset (the user can narrow it).
  const [excluded, setExcluded] = createSignal<string[]>([]);
  const [horizon, setHorizon] = createSignal(10);
  const [predictor, setPredictor] = createSignal<string>('auto');
  const [dryRun, setDryRun] = createSignal(false);
  const [maxCandidates, setMaxCandidates] = createSignal<number | null>(null);
  const selected = createMemo(() => daily().filter((d) => !excluded().includes(d.id)));
  const problem = () => (selected().length === 0 ? 'Pick at least one ticker.' : null);

  const submit = (e: Event) => {
    e.preventDefault();
    if (problem() || props.submitting) return;
    const ids = selected().map((d) => d.id);
    props.onRun({
      params: { datasetIds: ids, horizon: horizon(), predictor: predictor(), dry_run: dryRun(), max_candidates: maxCandidates() },
      inputs: selected().map((d) => ({ key: d.id, checksum: d.checksum })),
    });
  };

  return (
    <form class="ap-form" onSubmit={submit} data-testid="ap-cycle-form">
      <fieldset class="field" style={{ 'flex-basis': '100%' }}>
        <legend>Universe ({selected().length} of {daily().length} daily datasets)</legend>
        <div class="ap-tickers">
          <For each={daily()}>
            {(d) => (
              <label>
                <input
                  type="checkbox"
                  data-testid={`ap-ticker-${d.ticker}`}
                  checked={!excluded().includes(d.id)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    setExcluded((x) => (on ? x.filter((id) => id !== d.id) : [...x, d.id]));
                  }}
                />{' '}
                {d.ticker}
              </label>
            )}
          </For>
        </div>
      </fieldset>
      <label class="field">
        <span>Horizon (days)</span>
        <input
          type="number"
          data-testid="ap-horizon"
          min={1}
          max={60}
          step={1}
          value={horizon()}
          style={{ width: '6rem' }}
          onChange={(e) => {
            const v = Math.round(Number(e.currentTarget.value));
            if (Number.isFinite(v)) setHorizon(Math.min(60, Math.max(1, v)));
          }}
        />
      </label>
      <label class="field">
        <span>Predictor</span>
        <select data-testid="ap-predictor" value={predictor()} onChange={(e) => setPredictor(e.currentTarget.value)}>
          <option value="auto">Auto (champion model, else heuristic)</option>
          <option value="heuristic">Heuristic</option>
          <For each={props.models}>{(m) => <option value={m.id}>{m.label}</option>}</For>
        </select>
      </label>
      <label class="field">
        <span>Max candidates</span>
        <input
          type="number"
          data-testid="ap-max-candidates"
          min={1}
          max={36}
          step={1}
          placeholder="all 36"
          value={maxCandidates() ?? ''}
          style={{ width: '6rem' }}
          onChange={(e) => {
            const raw = e.currentTarget.value.trim();
            const v = Math.round(Number(raw));
            setMaxCandidates(raw === '' || !Number.isFinite(v) || v >= 36 ? null : Math.max(1, v));
          }}
        />
      </label>
      <label class="field" title="Evaluate and report, but leave the registry and paper account unchanged">
        <span>Dry run</span>
        <input type="checkbox" data-testid="ap-dry-run" checked={dryRun()} onChange={(e) => setDryRun(e.currentTarget.checked)} />
      </label>
      <button type="submit" class="btn btn-primary" data-testid="ap-run-cycle" disabled={props.submitting || problem() !== null} title={problem() ?? undefined}>
        {props.submitting ? 'Submitting…' : 'Run Cycle'}
      </button>
    </form>
  );
}
