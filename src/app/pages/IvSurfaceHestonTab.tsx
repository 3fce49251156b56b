/**
 * Heston tab: parameters and presets here, the surface from an `iv_heston` job (progress and
 * Cancel in its job card). The Feller banner follows the sliders live, before any compute.
 */
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { fellerReport, type HestonParams } from '../../engine/iv/heston';
import type { HestonSurfaceResult } from '../../workers/api';
import { Surface3d } from '../components/charts/Surface3d';
import { ErrorPanel } from '../components/ErrorPanel';
import { JobMonitor } from '../components/JobMonitor';
import { ParamSlider } from '../components/iv/ParamSlider';
import { HESTON_PARAMS, HESTON_PRESETS, presetName, SMILE_COLOURS } from '../components/iv/presets';
import { SmileChart } from '../components/iv/SmileChart';
import { useIvJob } from '../components/iv/useIvJob';
import { Panel } from '../components/Panel';
import { isActive } from '../lib/jobs';
import { useApp } from '../state/app';

const same = (a: HestonParams, b: HestonParams) => (Object.keys(a) as (keyof HestonParams)[]).every((k) => a[k] === b[k]);

export default function IvSurfaceHestonTab(): JSX.Element {
  const app = useApp();
  const [params, setParams] = createSignal<HestonParams>({ ...HESTON_PRESETS['Normal Market'] });
  const feller = createMemo(() => fellerReport(params()));
  const slot = useIvJob<HestonSurfaceResult>('iv_heston', (key) => app.backend.getIvHestonSurface(key), 'ui.ivSurface.heston');
  const running = () => {
    const j = slot.job();
    return j !== undefined && isActive(j);
  };
  const shown = () => {
    const r = slot.result();
    return r.status === 'ready' ? r.value.data : null;
  };
  const stale = () => {
    const s = shown();
    return s !== null && !same(s.params, params());
  };
  const compute = () => void slot.submit({ ...params() });
  const state = () =>
    slot.panelState('No Heston surface computed yet — set the parameters and press Compute Surface.', [
      { label: 'Compute Surface', onClick: compute, primary: true },
    ]);

  return (
    <div class="iv-layout">
      <section class="panel iv-controls" aria-labelledby="heston-controls-h" data-testid="heston-controls">
        <h2 id="heston-controls-h">Heston Parameters</h2>
        <label class="field">
          <span>Preset</span>
          <select
            class="select"
            data-testid="heston-preset"
            value={presetName(HESTON_PRESETS, params()) ?? ''}
            onChange={(e) => {
              const p = HESTON_PRESETS[e.currentTarget.value];
              if (p) setParams({ ...p });
            }}
          >
            <option value="" disabled>
              Custom
            </option>
            <For each={Object.keys(HESTON_PRESETS)}>{(name) => <option value={name}>{name}</option>}</For>
          </select>
        </label>
        <For each={HESTON_PARAMS}>
          {(def) => (
            <ParamSlider def={def} prefix="heston" value={params()[def.key]} onChange={(v) => setParams((p) => ({ ...p, [def.key]: v }))} />
          )}
        </For>
        <Show
          when={!feller().satisfied}
          fallback={
            <p class="hint" data-testid="feller-ok">
              Feller condition holds: 2κθ = {feller().lhs.toFixed(4)} &gt; σ² = {feller().rhs.toFixed(4)}.
            </p>
          }
        >
          <div class="iv-banner" role="status" data-testid="feller-banner">
            <strong>Feller condition violated:</strong> 2κθ = <span class="num">{feller().lhs.toFixed(4)}</span> ≤ σ² ={' '}
            <span class="num">{feller().rhs.toFixed(4)}</span>. The variance process can touch zero; prices stay valid (the
            characteristic function used does not need Feller), but simulations of this model need care.
          </div>
        </Show>
        <button type="button" class="btn btn-primary" data-testid="heston-compute" disabled={slot.submitting()} onClick={compute}>
          {slot.submitting() ? 'Submitting…' : running() ? 'Compute again' : 'Compute Surface'}
        </button>
        <Show when={slot.submitError()}>
          {(e) => <ErrorPanel title="Could not start the computation" message={e().message} traceId={e().traceId} />}
        </Show>
        <Show when={slot.job()}>{(j) => <JobMonitor jobId={j().id} />}</Show>
        <Show when={stale()}>
          <p class="hint" data-testid="heston-stale">
            The surface shown was computed with other parameters — press Compute Surface to update it.
          </p>
        </Show>
      </section>
      <div class="iv-content">
        <Panel<HestonSurfaceResult> title="Heston Implied Volatility Surface" state={state()}>
          {(r) => (
            <Surface3d
              title="Heston Implied Volatility Surface"
              x={r().surface.moneyness}
              y={r().surface.expiries}
              z={r().surface.iv}
              testid="heston-surface"
              csvName={['iv-surface', 'heston']}
            />
          )}
        </Panel>
        <Panel<HestonSurfaceResult> title="Heston Smile Curves by Expiry" state={state()}>
          {(r) => (
            <SmileChart
              title="Heston Smile Curves by Expiry"
              testid="heston-smiles"
              csvName={['iv-surface', 'heston-smiles']}
              series={Object.entries(r().surface.smiles).map(([label, y]) => ({
                label,
                x: r().surface.moneyness,
                y,
                color: SMILE_COLOURS[label] ?? '#8b949e',
                kind: 'line' as const,
              }))}
            />
          )}
        </Panel>
      </div>
    </div>
  );
}
