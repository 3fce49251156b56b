/**
 * SVI tab: one raw-SVI parameter set over the page grid (35 moneyness × 25 expiries). The grid
 * costs well under a millisecond, so it is recomputed synchronously on every slider input
 * (ui-pages §15 allows the main thread for this path); the 3-D redraw is coalesced to one per
 * animation frame by Surface3d.
 */
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { Envelope } from '../../engine/contracts';
import { linspace, type SviParams, type SviReason, sviButterflyCheck, sviMinTotalVariance, sviValidity } from '../../engine/iv/svi';
import { type SurfaceView, sviSurfaceView } from '../../engine/iv/views';
import { MODEL_SOURCE, MODEL_WARNING } from '../../workers/iv/results';
import { Surface3d } from '../components/charts/Surface3d';
import { ParamSlider } from '../components/iv/ParamSlider';
import { presetName, SMILE_COLOURS, SVI_PARAMS, SVI_PRESETS } from '../components/iv/presets';
import { SmileChart, type SmileSeries } from '../components/iv/SmileChart';
import { Panel } from '../components/Panel';

type Scaling = 'total' | 'annualized';

function reasonText(r: SviReason, p: SviParams): string {
  switch (r) {
    case 'b<0':
      return `b = ${p.b} < 0: the wings slope the wrong way`;
    case '|rho|>=1':
      return `|ρ| = ${Math.abs(p.rho)} ≥ 1`;
    case 'sigma<=0':
      return `σ = ${p.s} ≤ 0`;
    case 'min_total_variance<0':
      return `minimum total variance a + bσ√(1 − ρ²) = ${sviMinTotalVariance(p).toFixed(4)} < 0: implied vol is undefined where w(k) < 0`;
    case 'wing_slope>2':
      return `b(1 + |ρ|) = ${(p.b * (1 + Math.abs(p.rho))).toFixed(3)} > 2: Lee's wing bound is broken`;
  }
}

/** Log-moneyness grid of the page (k = ln K/S) for the butterfly check. */
const K_GRID = linspace(Math.log(0.65), Math.log(1.35), 141);
const ATM = 17; // K/S = 1.00 on the 35-point grid 0.65…1.35

export default function IvSurfaceSviTab(): JSX.Element {
  const [params, setParams] = createSignal<SviParams>({ ...SVI_PRESETS['Equity Normal'] });
  const [scaling, setScaling] = createSignal<Scaling>('total');
  const [computeMs, setComputeMs] = createSignal(0);

  const view = createMemo<SurfaceView>(() => {
    const t0 = performance.now();
    const v = sviSurfaceView(params(), { scaling: scaling() });
    setComputeMs(performance.now() - t0);
    return v;
  });
  const reasons = createMemo(() => sviValidity(params()));
  const butterfly = createMemo(() => sviButterflyCheck(params(), K_GRID));
  const range = createMemo(() => {
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let missing = 0;
    for (const row of view().iv) {
      for (const v of row) {
        if (!Number.isFinite(v)) missing++;
        else {
          if (v < min) min = v;
          if (v > max) max = v;
        }
      }
    }
    return { min, max, missing };
  });
  const atm1y = () => view().smiles['1Y']?.[ATM] ?? Number.NaN;
  const z = createMemo(() => view().iv.map((row) => row.map((v) => (Number.isFinite(v) ? v : null))));
  const smiles = createMemo<SmileSeries[]>(() =>
    Object.entries(view().smiles).map(([label, y]) => ({
      label,
      x: view().moneyness,
      y: y.map((v) => (Number.isFinite(v) ? v : null)),
      color: SMILE_COLOURS[label] ?? '#8b949e',
      kind: 'line' as const,
    })),
  );

  const envelope = createMemo((): Envelope<SurfaceView> => {
    const warnings = [MODEL_WARNING];
    if (reasons().length > 0) warnings.push(`Invalid SVI parameters: ${reasons().join(', ')}.`);
    if (!butterfly().ok) warnings.push(`Butterfly arbitrage: g(k) < 0 at ${butterfly().violations} of ${K_GRID.length} grid points.`);
    if (range().missing > 0) warnings.push(`${range().missing} grid points have negative total variance and no implied vol.`);
    const p = params();
    return {
      data: view(),
      meta: {
        mode: 'live',
        generatedAt: new Date().toISOString(),
        asOf: null,
        source: `SVI ${MODEL_SOURCE}; a ${p.a}, b ${p.b}, ρ ${p.rho}, m ${p.m}, σ ${p.s}; ${scaling() === 'total' ? 'total-variance' : 'annualised'} scaling`,
        staleness: null,
        warnings,
        elapsedMs: computeMs(),
      },
    };
  });

  const preset = () => presetName(SVI_PRESETS, params()) ?? '';
  const fmtPct = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)} %` : '—');

  return (
    <div class="iv-layout">
      <section class="panel iv-controls" aria-labelledby="svi-controls-h" data-testid="svi-controls">
        <h2 id="svi-controls-h">SVI Parameters</h2>
        <label class="field">
          <span>Preset</span>
          <select
            class="select"
            data-testid="svi-preset"
            value={preset()}
            onChange={(e) => {
              const p = SVI_PRESETS[e.currentTarget.value];
              if (p) setParams({ ...p });
            }}
          >
            <option value="" disabled>
              Custom
            </option>
            <For each={Object.keys(SVI_PRESETS)}>{(name) => <option value={name}>{name}</option>}</For>
          </select>
        </label>
        <label class="field">
          <span>Across expiries</span>
          <select class="select" data-testid="svi-scaling" value={scaling()} onChange={(e) => setScaling(e.currentTarget.value as Scaling)}>
            <option value="total">Total variance w(k); σ = √(w/T)</option>
            <option value="annualized">Annual variance; σ = √w</option>
          </select>
        </label>
        <For each={SVI_PARAMS}>
          {(def) => (
            <ParamSlider def={def} prefix="svi" value={params()[def.key]} onChange={(v) => setParams((p) => ({ ...p, [def.key]: v }))} />
          )}
        </For>
        <Show
          when={reasons().length === 0}
          fallback={
            <div class="iv-validity bad" role="status" data-testid="svi-validity">
              Invalid parameters:
              <ul>
                <For each={reasons()}>{(r) => <li>{reasonText(r, params())}</li>}</For>
              </ul>
            </div>
          }
        >
          <p class="iv-validity ok" role="status" data-testid="svi-validity">
            Valid: b ≥ 0, |ρ| &lt; 1, σ &gt; 0, minimum total variance {sviMinTotalVariance(params()).toFixed(4)} ≥ 0, b(1 + |ρ|) ={' '}
            {(params().b * (1 + Math.abs(params().rho))).toFixed(3)} ≤ 2.
          </p>
        </Show>
        <Show when={!butterfly().ok}>
          <p class="iv-validity bad" role="status" data-testid="svi-butterfly">
            Butterfly arbitrage: the density g(k) is negative at {butterfly().violations} of {K_GRID.length} points (minimum{' '}
            {Number.isFinite(butterfly().minG) ? butterfly().minG.toFixed(4) : '−∞'} at K/S {Math.exp(butterfly().argMin).toFixed(3)}).
          </p>
        </Show>
        <dl class="iv-readouts" data-testid="svi-summary">
          <dt>ATM 1Y IV</dt>
          <dd data-testid="svi-atm-1y">{fmtPct(atm1y())}</dd>
          <dt>IV range</dt>
          <dd>
            {fmtPct(range().min)} – {fmtPct(range().max)}
          </dd>
          <dt>Grid</dt>
          <dd>
            {view().moneyness.length} × {view().expiries.length}
          </dd>
          <dt>Recomputed in</dt>
          <dd data-testid="svi-compute-ms">{computeMs().toFixed(2)} ms</dd>
        </dl>
      </section>
      <div class="iv-content">
        <Panel<SurfaceView> title="SVI Implied Volatility Surface" state={{ kind: 'ready', envelope: envelope() }}>
          {(v) => <Surface3d title="SVI Implied Volatility Surface" x={v().moneyness} y={v().expiries} z={z()} testid="svi-surface" csvName={['iv-surface', 'svi']} />}
        </Panel>
        <Panel<SurfaceView> title="SVI Smile Curves by Expiry" state={{ kind: 'ready', envelope: envelope() }}>
          {() => <SmileChart title="SVI Smile Curves by Expiry" series={smiles()} testid="svi-smiles" csvName={['iv-surface', 'svi-smiles']} />}
        </Panel>
      </div>
    </div>
  );
}
