/**
 * Arb-Aware SVI tab: simulated noisy quotes (Heston vols plus seeded noise — demo data, badged
 * DEMO) fitted slice by slice by the arbitrage-aware builder in an `iv_arb_svi` job; raw and
 * calendar-repaired surfaces side by side and the smile comparison at the middle expiry.
 */
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { ArbSviResult } from '../../workers/api';
import { Surface3d } from '../components/charts/Surface3d';
import { ErrorPanel } from '../components/ErrorPanel';
import { JobMonitor } from '../components/JobMonitor';
import { KpiCard } from '../components/KpiCard';
import { ARB_DEFAULTS, COLOURS } from '../components/iv/presets';
import { SmileChart } from '../components/iv/SmileChart';
import { useIvJob } from '../components/iv/useIvJob';
import { Panel } from '../components/Panel';
import { useApp } from '../state/app';

type Inputs = typeof ARB_DEFAULTS;

const FIELDS: { key: keyof Inputs; label: string; min: number; max: number; step: number; hint: string }[] = [
  { key: 'spot', label: 'Spot Price', min: 0.01, max: 1e6, step: 1, hint: 'underlying price' },
  { key: 'rate', label: 'Risk-Free Rate', min: -0.5, max: 1, step: 0.005, hint: 'decimal, 0.05 = 5 %' },
  { key: 'dividend', label: 'Dividend Yield', min: -0.5, max: 1, step: 0.005, hint: 'decimal' },
  { key: 'noise', label: 'Noise Level', min: 0, max: 0.2, step: 0.001, hint: 'IV noise σ, 0.003 = 0.3 vol pts' },
  { key: 'maxIterations', label: 'Max Iterations', min: 1, max: 2000, step: 10, hint: 'DE generations per slice' },
];

/** Calendar violations above this are shown red (ui-pages §7). */
const CAL_LIMIT = 1e-4;

export default function IvSurfaceArbTab(): JSX.Element {
  const app = useApp();
  const [inputs, setInputs] = createSignal<Inputs>({ ...ARB_DEFAULTS });
  const [errors, setErrors] = createSignal<Partial<Record<keyof Inputs, string>>>({});
  const slot = useIvJob<ArbSviResult>('iv_arb_svi', (key) => app.backend.getIvArbSvi(key), 'ui.ivSurface.arb');
  const result = () => {
    const r = slot.result();
    return r.status === 'ready' && slot.job()?.status === 'succeeded' ? r.value.data : null;
  };
  const valid = () => Object.keys(errors()).length === 0;
  const build = () => {
    if (valid()) void slot.submit({ ...inputs() });
  };
  const state = () =>
    slot.panelState('No surface built yet — press Build Surface to simulate quotes and fit them.', [
      { label: 'Build Surface', onClick: build, primary: true },
    ]);
  const zRange = createMemo((): [number, number] | undefined => {
    const r = result();
    if (!r) return undefined;
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const g of [r.raw_iv, r.adj_iv]) {
      for (const row of g) {
        for (const v of row) {
          if (v === null) continue;
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    return Number.isFinite(lo) ? [Math.floor(lo), Math.ceil(hi)] : undefined;
  });
  const mid = (r: ArbSviResult) => Math.floor(r.expiries.length / 2);
  const calText = (v: number) => (v === 0 ? '0' : v.toExponential(2));

  return (
    <div class="iv-layout">
      <section class="panel iv-controls" aria-labelledby="arb-controls-h" data-testid="arb-controls">
        <h2 id="arb-controls-h">Simulated Market</h2>
        <p class="hint" style={{ margin: 0 }}>
          Quotes are simulated: Heston model vols (v0 0.04, θ 0.06, κ 2, σ 0.4, ρ −0.7) on 25 strikes × 8 expiries plus Gaussian
          noise seeded from these inputs. The results are labelled DEMO.
        </p>
        <For each={FIELDS}>
          {(f) => (
            <label class="field">
              <span>{f.label}</span>
              <input
                type="number"
                class="input num"
                min={f.min}
                max={f.max}
                step={f.step}
                value={inputs()[f.key]}
                data-testid={`arb-${f.key}`}
                aria-invalid={errors()[f.key] !== undefined}
                onInput={(e) => {
                  const raw = e.currentTarget.value;
                  const v = Number(raw);
                  const bad =
                    raw.trim() === '' || !Number.isFinite(v) || v < f.min || v > f.max || (f.key === 'maxIterations' && !Number.isInteger(v));
                  setErrors((m) => {
                    const next = { ...m };
                    if (bad) next[f.key] = `${f.label} must be ${f.key === 'maxIterations' ? 'a whole number' : 'a number'} between ${f.min} and ${f.max}`;
                    else delete next[f.key];
                    return next;
                  });
                  if (!bad) setInputs((p) => ({ ...p, [f.key]: v }));
                }}
              />
              <span class="hint">{errors()[f.key] ?? f.hint}</span>
            </label>
          )}
        </For>
        <button type="button" class="btn btn-primary" data-testid="arb-build" disabled={slot.submitting() || !valid()} onClick={build}>
          {slot.submitting() ? 'Submitting…' : 'Build Surface'}
        </button>
        <Show when={slot.submitError()}>
          {(e) => <ErrorPanel title="Could not start the build" message={e().message} traceId={e().traceId} />}
        </Show>
        <Show when={slot.job()}>{(j) => <JobMonitor jobId={j().id} />}</Show>
      </section>
      <div class="iv-content">
        <Panel<ArbSviResult> title="Calendar Arbitrage" state={state()}>
          {(r) => (
            <div class="iv-kpis" data-testid="arb-kpis">
              <KpiCard
                label="Raw Calendar Violation"
                testid="arb-raw-calendar"
                value={calText(r().raw_calendar_violation)}
                subtitle="max w(T₋) − w(T) > 0 of the raw fits"
                accent={r().raw_calendar_violation > CAL_LIMIT ? 'var(--accent-red)' : 'var(--accent-green)'}
              />
              <KpiCard
                label="Adjusted Calendar Violation"
                testid="arb-adj-calendar"
                value={calText(r().adj_calendar_violation)}
                subtitle="after the calendar repair"
                accent={r().adj_calendar_violation > CAL_LIMIT ? 'var(--accent-red)' : 'var(--accent-green)'}
              />
              <KpiCard label="Expiries" testid="arb-expiries" value={String(r().n_expiries)} accent="var(--accent-blue)" />
              <KpiCard label="Strikes" testid="arb-strikes" value={String(r().n_strikes)} accent="var(--accent-blue)" />
            </div>
          )}
        </Panel>
        <div class="grid-2">
          <Panel<ArbSviResult> title="Raw SVI Surface" state={state()}>
            {(r) => (
              <Surface3d
                title="Raw SVI Surface"
                x={r().moneyness}
                y={r().expiries}
                z={r().raw_iv}
                zRange={zRange()}
                height={340}
                testid="arb-raw-surface"
                csvName={['iv-surface', 'raw-svi']}
              />
            )}
          </Panel>
          <Panel<ArbSviResult> title="Arb-Free SVI Surface" state={state()}>
            {(r) => (
              <Surface3d
                title="Arb-Free SVI Surface"
                x={r().moneyness}
                y={r().expiries}
                z={r().adj_iv}
                zRange={zRange()}
                height={340}
                testid="arb-free-surface"
                csvName={['iv-surface', 'arb-free-svi']}
              />
            )}
          </Panel>
        </div>
        <Panel<ArbSviResult> title="Smile Comparison" state={state()}>
          {(r) => (
            <>
              <p class="hint" style={{ margin: '0 0 6px' }}>
                Middle expiry T = {r().expiries[mid(r())].toFixed(3)} y
              </p>
              <SmileChart
                title={`Smile comparison at T = ${r().expiries[mid(r())].toFixed(3)} y`}
                testid="arb-smile"
                csvName={['iv-surface', 'arb-smile']}
                series={[
                  { label: 'Market IV', x: r().moneyness, y: r().market_iv[mid(r())], color: COLOURS.market, kind: 'points' },
                  { label: 'Raw SVI', x: r().moneyness, y: r().raw_iv[mid(r())], color: COLOURS.raw, kind: 'line' },
                  { label: 'Arb-Free SVI', x: r().moneyness, y: r().adj_iv[mid(r())], color: COLOURS.arbFree, kind: 'line' },
                ]}
              />
            </>
          )}
        </Panel>
      </div>
    </div>
  );
}
