/**
 * Model Lab panels fed by stored model versions: global feature importance (top 20) and the
 * per-regime importance heatmap of the champion (else the newest version), and the Feature
 * Diff between two versions (new, dropped, changed importances). Importances come from the
 * model file's own training report (blend-weighted member importances; linear members excluded).
 */
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { Envelope } from '../../engine/contracts';
import type { ModelVersion } from '../../storage/model-registry';
import { Panel, type PanelState } from '../components/Panel';
import { Heatmap } from '../components/research/Heatmap';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty } from './common';
import { ImportanceBars } from './ModelLabTraining';

const LOGGER = 'ui.modelLab.importance';
const GO_TRAINING = { label: 'Open the Training tab', href: '/model-lab?tab=training' };
const REGIME_LABELS = ['Trending Bull', 'Trending Bear', 'Mean Reverting', 'High Volatility'];

interface ReportImportance {
  name: string;
  importance: number | null;
}
interface EngineSubReport {
  name: string;
  status: string;
  featureImportance: ReportImportance[];
}
interface EngineReport {
  global: EngineSubReport;
  regimes: EngineSubReport[];
}

function engineReport(v: ModelVersion): EngineReport | null {
  const r = v.model.report as EngineReport | null;
  return r && typeof r === 'object' && r.global && Array.isArray(r.regimes) ? r : null;
}

function importanceMap(s: EngineSubReport | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of s?.featureImportance ?? []) if (f.importance !== null && Number.isFinite(f.importance)) m.set(f.name, f.importance);
  return m;
}

/** Loads a version envelope by id (null id → null). */
function useVersion(id: () => string | null) {
  const app = useApp();
  return createLoader(
    () => {
      const v = id();
      return v ? { v } : null;
    },
    (s) => app.backend.getModel(s.v),
    LOGGER,
  );
}

function versionState(s: ReturnType<ReturnType<typeof useVersion>[0]>, retry: () => void, none: PanelState): PanelState {
  if (s.status === 'error') return { kind: 'error', message: `Could not read the model version: ${s.message}`, traceId: s.traceId, retry };
  if (s.status === 'idle') return none;
  if (s.status !== 'ready') return { kind: 'loading' };
  if (s.value === null) return none;
  return { kind: 'ready', envelope: s.value };
}

const NO_MODEL = empty('Feature importance needs a trained model — none yet', [GO_TRAINING], 'Train a model version in the Training tab; the champion (else the newest version) is shown here.');

/** Features tab: importance panels of the champion, else the newest version. */
export function ModelImportancePanels(): JSX.Element {
  const app = useApp();
  const [models, reloadModels] = createLoader(() => ({}), () => app.backend.listModels(), LOGGER);
  const target = createMemo(() => {
    const m = models();
    if (m.status !== 'ready') return null;
    return m.value.data.champion ?? m.value.data.versions[0]?.id ?? null;
  });
  const [version, reload] = useVersion(target);
  const state = (): PanelState => {
    const m = models();
    if (m.status === 'error') return { kind: 'error', message: `Could not read the model registry: ${m.message}`, traceId: m.traceId, retry: reloadModels };
    if (m.status !== 'ready') return { kind: 'loading' };
    return versionState(version(), reload, NO_MODEL);
  };
  const champion = () => {
    const m = models();
    return m.status === 'ready' ? m.value.data.champion : null;
  };
  const label = (v: ModelVersion) => `${v.id.slice(0, 12)}${v.id === champion() ? ' (champion)' : ' (newest; no champion yet)'}`;
  return (
    <div class="grid-2">
      <Panel<ModelVersion> title="Global Feature Importance (Top 20)" slug="global-feature-importance" state={state()}>
        {(v) => (
          <div class="stack">
            <p class="hint">Model {label(v())}, global sub-model.</p>
            <ImportanceBars items={(engineReport(v())?.global.featureImportance ?? []).slice(0, 20).map((f) => ({ name: f.name, importance: f.importance ?? 0 }))} />
          </div>
        )}
      </Panel>
      <Panel<ModelVersion> title="Regime Feature Heatmap" state={state()}>
        {(v) => <RegimeHeatmap version={v()} />}
      </Panel>
    </div>
  );
}

function RegimeHeatmap(props: { version: ModelVersion }): JSX.Element {
  const data = createMemo(() => {
    const r = engineReport(props.version);
    if (!r) return null;
    const accepted = r.regimes.map((s, k) => ({ s, k })).filter((x) => x.s.status === 'accepted');
    if (accepted.length === 0) return { accepted, rows: [] as string[], values: new Float64Array(0) };
    const maps = accepted.map((x) => importanceMap(x.s));
    const global = importanceMap(r.global);
    const rows = [...new Set(maps.flatMap((m) => [...m.entries()].filter(([, v]) => v > 0).map(([n]) => n)))]
      .sort((a, b) => (global.get(b) ?? 0) - (global.get(a) ?? 0) || (a < b ? -1 : 1))
      .slice(0, 15);
    const values = new Float64Array(rows.length * accepted.length);
    rows.forEach((n, i) => {
      maps.forEach((m, j) => {
        values[i * accepted.length + j] = m.get(n) ?? 0;
      });
    });
    return { accepted, rows, values };
  });
  return (
    <Show when={data()} fallback={<p class="hint">This model file carries no per-regime report.</p>}>
      {(d) => (
        <Show
          when={d().rows.length > 0}
          fallback={<p class="hint">No regime sub-model was accepted for this version (trained without regime models, or too few rows per regime).</p>}
        >
          <Heatmap
            title="Feature importance by regime"
            rowLabels={d().rows}
            colLabels={d().accepted.map((x) => REGIME_LABELS[x.k] ?? x.s.name)}
            values={d().values}
            color={(v) => `rgba(88, 166, 255, ${Math.min(1, Math.max(0.05, v * 4))})`}
            format={(v, compact) => (compact ? (v * 100).toFixed(0) : `${(v * 100).toFixed(1)}%`)}
            legend={{ stops: ['rgba(88,166,255,0.05)', 'rgba(88,166,255,1)'], labels: ['0', '≥ 25%'] }}
            rowAxis="Feature"
            colAxis="Regime"
            testid="regime-importance-heatmap"
          />
        </Show>
      )}
    </Show>
  );
}

/** Feature Diff tab: importances of two versions (default: newest vs the one before). */
export function FeatureDiffTab(): JSX.Element {
  const app = useApp();
  const [models, reloadModels] = createLoader(() => ({}), () => app.backend.listModels(), LOGGER);
  const versions = () => {
    const m = models();
    return m.status === 'ready' ? m.value.data.versions : [];
  };
  const [curSel, setCurSel] = createSignal<string | null>(null);
  const [prevSel, setPrevSel] = createSignal<string | null>(null);
  const cur = () => curSel() ?? versions()[0]?.id ?? null;
  const prev = () => prevSel() ?? versions().find((v) => v.id !== cur())?.id ?? null;
  const [a, reloadA] = useVersion(prev);
  const [b, reloadB] = useVersion(cur);
  const none = empty('No previous model version to compare', [GO_TRAINING], 'The diff compares feature importances of two trained model versions.');
  const state = (): PanelState => {
    const m = models();
    if (m.status === 'error') return { kind: 'error', message: `Could not read the model registry: ${m.message}`, traceId: m.traceId, retry: reloadModels };
    if (m.status !== 'ready') return { kind: 'loading' };
    if (versions().length < 2) return none;
    const sa = versionState(a(), reloadA, none);
    const sb = versionState(b(), reloadB, none);
    if (sa.kind !== 'ready') return sa;
    if (sb.kind !== 'ready') return sb;
    const ea = sa.envelope as Envelope<ModelVersion>;
    const eb = sb.envelope as Envelope<ModelVersion>;
    const demo = ea.meta.mode === 'demo' || eb.meta.mode === 'demo';
    return {
      kind: 'ready',
      envelope: { data: { prev: ea.data, cur: eb.data }, meta: { ...eb.meta, mode: demo ? 'demo' : eb.meta.mode, source: `${ea.data.id.slice(0, 12)} → ${eb.data.id.slice(0, 12)}` } },
    };
  };
  const picker = (label: string, value: string | null, set: (id: string) => void, testid: string) => (
    <label class="field">
      <span>{label}</span>
      <select class="select" data-testid={testid} onChange={(e) => set(e.currentTarget.value)}>
        <For each={versions()}>
          {(v) => (
            <option value={v.id} selected={v.id === value}>
              {v.id.slice(0, 12)} · {v.createdAt.slice(0, 16).replace('T', ' ')} · h={v.horizon}
            </option>
          )}
        </For>
      </select>
    </label>
  );
  return (
    <Panel<{ prev: ModelVersion; cur: ModelVersion }>
      title="Feature Diff"
      state={state()}
      tools={
        <Show when={versions().length >= 2}>
          {picker('Previous', prev(), setPrevSel, 'diff-prev')}
          {picker('Current', cur(), setCurSel, 'diff-cur')}
        </Show>
      }
    >
      {(d) => <DiffView prev={d().prev} cur={d().cur} />}
    </Panel>
  );
}

function DiffView(props: { prev: ModelVersion; cur: ModelVersion }): JSX.Element {
  const diff = createMemo(() => {
    const pa = importanceMap(engineReport(props.prev)?.global);
    const pb = importanceMap(engineReport(props.cur)?.global);
    const used = (m: Map<string, number>) => new Set([...m.entries()].filter(([, v]) => v > 0).map(([n]) => n));
    const ua = used(pa);
    const ub = used(pb);
    const added = [...ub].filter((n) => !ua.has(n)).map((n) => ({ name: n, value: pb.get(n) ?? 0 }));
    const dropped = [...ua].filter((n) => !ub.has(n)).map((n) => ({ name: n, value: pa.get(n) ?? 0 }));
    const changed = [...ua]
      .filter((n) => ub.has(n))
      .map((n) => ({ name: n, prev: pa.get(n) ?? 0, cur: pb.get(n) ?? 0, delta: (pb.get(n) ?? 0) - (pa.get(n) ?? 0) }))
      .sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta))
      .slice(0, 20);
    const maxAbs = Math.max(1e-12, ...changed.map((c) => Math.abs(c.delta)));
    return { added, dropped, changed, maxAbs };
  });
  const p = (v: number) => `${(v * 100).toFixed(1)}%`;
  return (
    <div class="stack" data-testid="feature-diff">
      <p class="hint" style={{ color: '#3fb950' }}>
        New ({diff().added.length}): {diff().added.map((x) => `${x.name} ${p(x.value)}`).join(', ') || '—'}
      </p>
      <p class="hint" style={{ color: '#f85149' }}>
        Dropped ({diff().dropped.length}): {diff().dropped.map((x) => `${x.name} ${p(x.value)}`).join(', ') || '—'}
      </p>
      <div class="table-wrap">
        <table class="data-table">
          <thead>
            <tr>
              <th>Feature</th>
              <th>Previous</th>
              <th>Current</th>
              <th>Δ</th>
              <th>Signed Δ</th>
            </tr>
          </thead>
          <tbody>
            <For each={diff().changed}>
              {(c) => (
                <tr>
                  <td>{c.name}</td>
                  <td>{p(c.prev)}</td>
                  <td>{p(c.cur)}</td>
                  <td style={{ width: '10rem' }}>
                    <span style={{ display: 'flex', height: '0.7rem' }}>
                      <span style={{ flex: 1, display: 'flex', 'justify-content': 'flex-end' }}>
                        <Show when={c.delta < 0}>
                          <span style={{ display: 'block', height: '100%', width: `${(100 * -c.delta) / diff().maxAbs}%`, background: '#f85149' }} />
                        </Show>
                      </span>
                      <span style={{ flex: 1 }}>
                        <Show when={c.delta > 0}>
                          <span style={{ display: 'block', height: '100%', width: `${(100 * c.delta) / diff().maxAbs}%`, background: '#3fb950' }} />
                        </Show>
                      </span>
                    </span>
                  </td>
                  <td>{`${c.delta >= 0 ? '+' : '−'}${p(Math.abs(c.delta))}`}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </div>
  );
}
