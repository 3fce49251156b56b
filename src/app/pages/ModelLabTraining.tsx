/**
 * Model Lab — Training: choose tickers, benchmark, horizon, feature set and ensemble members,
 * run the real training pipeline as a `train` job (progress per CV fold, cancellable), then
 * inspect the stored run — fold metrics, feature importance, calibration, stability — and
 * manage the model registry (promote by the governance rule or an explicit override, delete
 * with confirmation, champion marked) with retrain-trigger warnings. A rejected model shows
 * its diagnostics and reasons; nothing here is synthetic.
 */
import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import { combineModes, type DatasetMeta } from '../../engine/contracts';
import type { ModelListView, ModelVersionSummary, PromotionDecision, RetrainWarningsView, TrainRunView } from '../../workers/models/views';
import { Dialog } from '../components/Dialog';
import { JobMonitor } from '../components/JobMonitor';
import { Panel, type PanelState } from '../components/Panel';
import { modeForOrigin } from '../lib/provenance';
import { errorMessage } from '../lib/trace';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty } from './common';
import { catalogState, useCatalog } from './ModelLabShared';

const LOGGER = 'ui.modelLab.training';
const HORIZONS = [5, 10, 20] as const;
const MEMBERS = [
  { id: 'gbdt', label: 'Gradient-boosted trees' },
  { id: 'ridge', label: 'Ridge regression' },
  { id: 'mlp', label: 'Neural net (MLP; slower)' },
] as const;
const FOLD_CHOICES = [null, 2, 3, 4, 5] as const;
/** preselected benchmark when stored: SPY, else the demo universe's benchmark */
const BENCHMARK_TICKERS = ['SPY', 'BENCH'] as const;

// ---- JSON shapes of the stored train report (engine report-json, NaN as null) ----------------
interface FoldRow {
  fold: number;
  train: [string | null, string | null];
  test: [string | null, string | null];
  n_train: number;
  n_test: number;
  ic: number | null;
  rank_ic: number | null;
  hit_rate: number | null;
  rmse: number | null;
  is_rank_ic: number | null;
}
interface SubReport {
  name: string;
  status: string;
  reasons: string[];
  warnings: string[];
  gate_failures: string[];
  selected_features: { method: string; stable: string[]; folds: string[][] } | null;
  cv: { oos_rank_ic: number | null; is_rank_ic: number | null; cv_gap: number | null; folds: FoldRow[]; skipped: { fold: number; reason: string }[] } | null;
  holdout: { n: number; ic: number | null; rank_ic: number | null; hit_rate: number | null; rmse: number | null; r2: number | null } | null;
  importance_stability: { mean: number | null; vs_previous: (number | null)[]; alert: boolean } | null;
}
interface CalibrationJson {
  method: string;
  rows: number;
  fit_rows: number;
  ece: number | null;
  warning: string | null;
  curve: { lo: number; hi: number; count: number; predicted: number | null; observed: number | null }[];
}
interface TrainReport {
  status: string;
  rows: number;
  first_date: string | null;
  last_date: string | null;
  holdout_start: string | null;
  features: string[];
  global: SubReport;
  regimes: SubReport[];
  calibration: CalibrationJson | null;
}

const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(d));
const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(1)}%`);

// Choices outlive the tab (switching tabs keeps them).
const [tickerSel, setTickerSel] = createSignal<string[] | null>(null);
const [benchSel, setBenchSel] = createSignal<string | null | undefined>(undefined);
// spec: horizons multi-select, default all three; one `train` job per horizon (they run side by side in the pool)
const [horizons, setHorizons] = createSignal<number[]>([...HORIZONS]);
const [featureSet, setFeatureSet] = createSignal<'core' | 'full'>('core');
const [members, setMembers] = createSignal<string[]>(['gbdt', 'ridge']);
const [folds, setFolds] = createSignal<number | null>(null);
const [regimeModels, setRegimeModels] = createSignal(true);
const [keepFailed, setKeepFailed] = createSignal(false);
const [submitted, setSubmitted] = createSignal<string[]>([]);
/** the run shown in the result panels: a train job id, or 'latest' */
const [runSel, setRunSel] = createSignal<string>('latest');

export function TrainingTab(): JSX.Element {
  const app = useApp();
  const catalog = useCatalog(LOGGER);
  const [submitting, setSubmitting] = createSignal(false);
  const [submitError, setSubmitError] = createSignal<string | null>(null);
  const daily = createMemo(() => catalog.list().filter((d) => d.timeframe === '1d'));
  const benchDefault = () => BENCHMARK_TICKERS.map((t) => daily().find((d) => d.ticker === t)?.id).find((id) => id !== undefined) ?? null;
  const benchmark = () => {
    const b = benchSel();
    if (b === undefined) return benchDefault();
    return b && daily().some((d) => d.id === b) ? b : null;
  };
  const tickers = createMemo(() => {
    const all = daily().map((d) => d.id);
    const s = tickerSel();
    const picked = s === null ? all.filter((id) => id !== benchmark()) : s.filter((id) => all.includes(id));
    return picked;
  });
  const toggle = (list: string[], id: string, on: boolean) => (on ? [...new Set([...list, id])] : list.filter((x) => x !== id));

  // Reload results and the registry whenever a train job changes status.
  const trainKey = createMemo(() =>
    app
      .jobs()
      .filter((j) => j.type === 'train')
      .map((j) => `${j.id}:${j.status}`)
      .join(','),
  );
  const [registryVersion, setRegistryVersion] = createSignal(0);
  const [run, reloadRun] = createLoader(() => ({ k: trainKey(), id: runSel() }), (q) => app.backend.getTrainRun(q.id), LOGGER);
  /** finished train jobs, newest first, for the run picker */
  const finishedRuns = createMemo(() =>
    app
      .jobs()
      .filter((j) => j.type === 'train' && j.status === 'succeeded')
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)),
  );
  const [models, reloadModels] = createLoader(() => ({ k: trainKey(), r: registryVersion() }), () => app.backend.listModels(), LOGGER);
  const championId = () => {
    const m = models();
    return m.status === 'ready' ? m.value.data.champion : null;
  };
  const [warnFor, setWarnFor] = createSignal<string | null>(null);
  const warnTarget = () => warnFor() ?? championId();
  const [warnings, reloadWarnings] = createLoader(
    () => {
      const id = warnTarget();
      return id ? { id, r: registryVersion() } : null;
    },
    (s) => app.backend.getRetrainWarnings(s.id),
    LOGGER,
  );

  const submit = async () => {
    const ids = tickers();
    const metas = daily().filter((d) => ids.includes(d.id) || d.id === benchmark());
    setSubmitting(true);
    setSubmitError(null);
    const jobIds: string[] = [];
    try {
      for (const h of [...horizons()].sort((a, b) => a - b)) {
        const rec = await app.submitJob({
          type: 'train',
          params: {
            datasetIds: ids,
            benchmarkId: benchmark(),
            horizon: h,
            featureSet: featureSet(),
            members: members(),
            folds: folds(),
            regimeModels: regimeModels(),
            enforceGates: !keepFailed(),
            seed: 42,
          },
          inputs: metas.map((m) => ({ key: m.id, checksum: m.checksum })),
        });
        jobIds.push(rec.id);
      }
    } catch (e) {
      const trace = app.reportError(LOGGER, e, { action: 'submit train' });
      setSubmitError(`Could not submit the train job: ${errorMessage(e)} (trace ${trace})`);
    } finally {
      setSubmitted(jobIds);
      setRunSel('latest');
      setSubmitting(false);
    }
  };

  const configState = (): PanelState => {
    const c = catalogState(catalog.state(), catalog.reload, () => void app.loadDemo());
    if (c) return c;
    if (daily().length === 0) return empty('No daily datasets stored — training needs daily bars');
    const meta = {
      mode: combineModes(daily().map((m) => modeForOrigin(m.origin))),
      generatedAt: new Date(app.now()).toISOString(),
      asOf: null,
      source: 'local dataset catalog',
      staleness: null,
      warnings: [],
    };
    return { kind: 'ready', envelope: { data: daily(), meta } };
  };

  const runState = (): PanelState => {
    const r = run();
    if (r.status === 'error') return { kind: 'error', message: `Could not read the training run: ${r.message}`, traceId: r.traceId, retry: reloadRun };
    if (r.status !== 'ready') return { kind: 'loading' };
    const mine = submitted()
      .map((id) => app.job(id))
      .filter((j) => j !== undefined);
    const failed = mine.find((j) => j.status === 'failed');
    if (failed && runSel() === 'latest' && (r.value === null || r.value.data.computedAt < failed.createdAt)) {
      return { kind: 'error', title: 'Training failed', message: failed.error ?? 'no error message', traceId: failed.traceId };
    }
    if (r.value === null) {
      const active = mine.find((j) => j.status === 'queued' || j.status === 'running');
      if (active) return { kind: 'loading', label: `Training (job ${active.status})…` };
      return empty('No training runs yet', [], 'Choose tickers and settings above and press Train Model; fold metrics appear here.');
    }
    return { kind: 'ready', envelope: r.value };
  };

  const registryState = (): PanelState => {
    const m = models();
    if (m.status === 'error') return { kind: 'error', message: `Could not read the model registry: ${m.message}`, traceId: m.traceId, retry: reloadModels };
    if (m.status !== 'ready') return { kind: 'loading' };
    if (m.value.data.versions.length === 0) return empty('No model versions yet', [], 'An accepted training run stores a version here.');
    return { kind: 'ready', envelope: m.value };
  };

  const warningsState = (): PanelState => {
    if (!warnTarget()) return empty('No champion model', [], 'Promote a version (or pick one in the registry) to check its retrain triggers.');
    const w = warnings();
    if (w.status === 'error') return { kind: 'error', message: `Could not check retrain triggers: ${w.message}`, traceId: w.traceId, retry: reloadWarnings };
    if (w.status !== 'ready' || w.value === null) return { kind: 'loading' };
    return { kind: 'ready', envelope: w.value };
  };

  const report = (v: TrainRunView) => v.report as unknown as TrainReport;
  const canTrain = () => tickers().length > 0 && members().length > 0 && horizons().length > 0 && !submitting();

  return (
    <div class="stack">
      <Panel<DatasetMeta[]> title="Training Configuration" state={configState()}>
        {() => (
          <div class="stack">
            <fieldset class="field" data-testid="train-tickers">
              <legend class="field-label">Tickers ({tickers().length} selected)</legend>
              <div class="field-row" style={{ 'flex-wrap': 'wrap' }}>
                <For each={daily()}>
                  {(d) => (
                    <label class="checkbox">
                      <input
                        type="checkbox"
                        data-testid="train-ticker"
                        value={d.id}
                        checked={tickers().includes(d.id)}
                        disabled={d.id === benchmark()}
                        onChange={(e) => setTickerSel(toggle(tickers(), d.id, e.currentTarget.checked))}
                      />{' '}
                      {d.ticker}
                    </label>
                  )}
                </For>
              </div>
            </fieldset>
            <div class="field-row" style={{ 'flex-wrap': 'wrap', gap: '1rem' }}>
              <label class="field">
                <span>Benchmark (excess-return target)</span>
                <select class="select" data-testid="train-benchmark" onChange={(e) => setBenchSel(e.currentTarget.value || null)}>
                  <option value="" selected={benchmark() === null}>
                    None (raw returns)
                  </option>
                  <For each={daily()}>
                    {(d) => (
                      <option value={d.id} selected={d.id === benchmark()}>
                        {d.ticker}
                      </option>
                    )}
                  </For>
                </select>
              </label>
              <fieldset class="field">
                <legend class="field-label">Horizons (bars; one model each)</legend>
                <div class="field-row">
                  <For each={HORIZONS}>
                    {(h) => (
                      <label class="checkbox">
                        <input
                          type="checkbox"
                          data-testid={`train-horizon-${h}`}
                          checked={horizons().includes(h)}
                          onChange={(e) => setHorizons((l) => (e.currentTarget.checked ? [...new Set([...l, h])] : l.filter((x) => x !== h)))}
                        />{' '}
                        {h}
                      </label>
                    )}
                  </For>
                </div>
              </fieldset>
              <label class="field">
                <span>Feature set</span>
                <select class="select" data-testid="train-feature-set" onChange={(e) => setFeatureSet(e.currentTarget.value === 'full' ? 'full' : 'core')}>
                  <option value="core" selected={featureSet() === 'core'}>
                    Core (reduced)
                  </option>
                  <option value="full" selected={featureSet() === 'full'}>
                    Full (all features)
                  </option>
                </select>
              </label>
              <label class="field">
                <span>CV folds</span>
                <select class="select" data-testid="train-folds" onChange={(e) => setFolds(e.currentTarget.value ? Number(e.currentTarget.value) : null)}>
                  <For each={FOLD_CHOICES}>
                    {(k) => (
                      <option value={k === null ? '' : String(k)} selected={k === folds()}>
                        {k === null ? 'Auto (spec)' : k}
                      </option>
                    )}
                  </For>
                </select>
              </label>
            </div>
            <div class="field-row" style={{ 'flex-wrap': 'wrap', gap: '1rem' }}>
              <For each={MEMBERS}>
                {(m) => (
                  <label class="checkbox">
                    <input
                      type="checkbox"
                      data-testid={`train-member-${m.id}`}
                      checked={members().includes(m.id)}
                      onChange={(e) => setMembers(toggle(members(), m.id, e.currentTarget.checked))}
                    />{' '}
                    {m.label}
                  </label>
                )}
              </For>
              <label class="checkbox" title="Global plus per-regime models blended by the filtered regime probabilities">
                <input type="checkbox" data-testid="train-regime-models" checked={regimeModels()} onChange={(e) => setRegimeModels(e.currentTarget.checked)} /> Regime-aware
                models
              </label>
              <label class="checkbox" title="Research use: keep a model that fails cv_gap / holdout R² gates; its manifest records the failures">
                <input type="checkbox" data-testid="train-keep-failed" checked={keepFailed()} onChange={(e) => setKeepFailed(e.currentTarget.checked)} /> Keep models
                failing the quality gates
              </label>
            </div>
            <div class="field-row">
              <button type="button" class="btn btn-primary" data-testid="train-submit" disabled={!canTrain()} onClick={() => void submit()}>
                {submitting() ? 'Submitting…' : horizons().length > 1 ? `Train ${horizons().length} Models` : 'Train Model'}
              </button>
              <span class="hint">
                Purged walk-forward CV with embargo; features and causal HMM regimes per ticker run in parallel on the worker pool.
              </span>
            </div>
            <Show when={submitError()}>
              {(m) => (
                <p class="error-text" role="alert">
                  {m()}
                </p>
              )}
            </Show>
            <For each={submitted()}>{(id) => <JobMonitor jobId={id} />}</For>
          </div>
        )}
      </Panel>

      <Panel<TrainRunView>
        title="Cross-Validation Folds"
        slug="cv-folds"
        state={runState()}
        tools={
          <Show when={finishedRuns().length > 1}>
            <select class="select" data-testid="train-run" aria-label="Training run shown" onChange={(e) => setRunSel(e.currentTarget.value)}>
              <option value="latest" selected={runSel() === 'latest'}>
                Latest run
              </option>
              <For each={finishedRuns()}>
                {(j) => (
                  <option value={j.id} selected={runSel() === j.id}>
                    {j.createdAt.slice(0, 16).replace('T', ' ')} · h={String(j.manifest.params.horizon ?? '?')} · {j.id.slice(0, 8)}
                  </option>
                )}
              </For>
            </select>
          </Show>
        }
      >
        {(v) => <FoldsView run={v()} report={report(v())} />}
      </Panel>

      <div class="grid-2">
        <Panel<TrainRunView> title="Feature Importance" state={runState()}>
          {(v) => <ImportanceBars items={v().importance.slice(0, 20)} />}
        </Panel>
        <Panel<TrainRunView> title="Calibration" state={runState()}>
          {(v) => <CalibrationPlot cal={report(v()).calibration} />}
        </Panel>
      </div>

      <Panel<TrainRunView> title="Stability" state={runState()}>
        {(v) => <StabilityView report={report(v())} />}
      </Panel>

      <Panel<ModelListView> title="Model Registry" state={registryState()}>
        {(m) => (
          <RegistryTable
            view={m()}
            onChanged={() => setRegistryVersion((x) => x + 1)}
            onCheck={(id) => setWarnFor(id)}
            checking={warnTarget()}
          />
        )}
      </Panel>

      <Panel<RetrainWarningsView> title="Retrain Warnings" state={warningsState()}>
        {(w) => <WarningsView view={w()} />}
      </Panel>
    </div>
  );
}

function FoldsView(props: { run: TrainRunView; report: TrainReport }): JSX.Element {
  const g = () => props.report.global;
  return (
    <div class="stack">
      <p class="hint" data-testid="train-status" data-status={props.run.status}>
        {props.run.status === 'accepted' ? (
          <>
            Accepted · version <code>{props.run.versionId?.slice(0, 12)}</code>
          </>
        ) : (
          <>Rejected by the quality gates: {props.run.reasons.join('; ')}</>
        )}{' '}
        · h={props.run.params.horizon} · {props.report.rows.toLocaleString('en-US')} rows {props.report.first_date} → {props.report.last_date} · holdout from {props.report.holdout_start} · OOS rank IC{' '}
        {f(g().cv?.oos_rank_ic ?? null)} · CV gap {f(g().cv?.cv_gap ?? null)} · holdout R² {f(g().holdout?.r2 ?? null, 4)} · holdout rank IC {f(g().holdout?.rank_ic ?? null)}
      </p>
      <Show when={(g().cv?.folds.length ?? 0) > 0} fallback={<p class="hint">No CV folds ran: {g().reasons.join('; ')}</p>}>
        <div class="table-wrap">
          <table class="data-table" data-testid="fold-table">
            <thead>
              <tr>
                <th>Fold</th>
                <th>Train</th>
                <th>Test</th>
                <th>n test</th>
                <th>IC</th>
                <th>Rank IC</th>
                <th>Hit rate</th>
                <th>RMSE</th>
                <th>IS rank IC</th>
              </tr>
            </thead>
            <tbody>
              <For each={g().cv?.folds ?? []}>
                {(r) => (
                  <tr data-testid="fold-row">
                    <td>{r.fold + 1}</td>
                    <td>
                      {r.train[0]} → {r.train[1]}
                    </td>
                    <td>
                      {r.test[0]} → {r.test[1]}
                    </td>
                    <td>{r.n_test.toLocaleString('en-US')}</td>
                    <td>{f(r.ic)}</td>
                    <td>{f(r.rank_ic)}</td>
                    <td>{pct(r.hit_rate)}</td>
                    <td>{f(r.rmse, 4)}</td>
                    <td>{f(r.is_rank_ic)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <Show when={(g().cv?.skipped.length ?? 0) > 0}>
        <p class="hint">Skipped folds: {g().cv?.skipped.map((s) => `${s.fold + 1} (${s.reason})`).join('; ')}</p>
      </Show>
      <Show when={props.report.regimes.length > 0}>
        <p class="hint">
          Regime models:{' '}
          {props.report.regimes.map((r) => `${r.name} ${r.status}${r.reasons.length ? ` (${r.reasons.join('; ')})` : ''}`).join(' · ')}
        </p>
      </Show>
    </div>
  );
}

export function ImportanceBars(props: { items: { name: string; importance: number }[] }): JSX.Element {
  const max = () => Math.max(1e-12, ...props.items.map((i) => i.importance));
  return (
    <Show when={props.items.some((i) => i.importance > 0)} fallback={<p class="hint">The accepted members report no importance (linear members are excluded, as in the spec).</p>}>
      <div class="stack" data-testid="importance-chart" role="list" aria-label="Feature importance, global model">
        <For each={props.items.filter((i) => i.importance > 0)}>
          {(i) => (
            <div role="listitem" style={{ display: 'grid', 'grid-template-columns': '9rem 1fr 4rem', gap: '0.5rem', 'align-items': 'center', 'font-size': '0.85rem' }}>
              <span title={i.name} style={{ overflow: 'hidden', 'text-overflow': 'ellipsis', 'white-space': 'nowrap' }}>
                {i.name}
              </span>
              <span style={{ background: 'var(--border, #30363d)', height: '0.7rem', 'border-radius': '2px' }}>
                <span style={{ display: 'block', height: '100%', width: `${(100 * i.importance) / max()}%`, background: '#58a6ff', 'border-radius': '2px' }} />
              </span>
              <span style={{ 'text-align': 'right' }}>{pct(i.importance)}</span>
            </div>
          )}
        </For>
      </div>
    </Show>
  );
}

function CalibrationPlot(props: { cal: CalibrationJson | null }): JSX.Element {
  const W = 320;
  const H = 240;
  const P = 32;
  const x = (v: number) => P + v * (W - 2 * P);
  const y = (v: number) => H - P - v * (H - 2 * P);
  const pts = () => (props.cal?.curve ?? []).filter((b) => b.count > 0 && b.predicted !== null && b.observed !== null);
  return (
    <Show when={props.cal} fallback={<p class="hint">No calibration: the model was rejected before calibration.</p>}>
      {(c) => (
        <div class="stack">
          <p class="hint">
            {c().method} on {c().fit_rows} holdout rows; ECE {f(c().ece)} on the other {c().rows - c().fit_rows}. Predicted confidence vs realised hit rate by bucket.
          </p>
          <Show when={c().warning}>
            <p class="hint">{c().warning}</p>
          </Show>
          <Show when={pts().length > 0} fallback={<p class="hint">Too few holdout rows for a reliability curve.</p>}>
            <svg viewBox={`0 0 ${W} ${H}`} width="100%" style={{ 'max-width': `${W * 1.5}px` }} data-testid="calibration-plot" role="img" aria-label="Calibration: predicted vs realised">
              <rect x={P} y={P} width={W - 2 * P} height={H - 2 * P} fill="none" stroke="#30363d" />
              <line x1={x(0)} y1={y(0)} x2={x(1)} y2={y(1)} stroke="#8b949e" stroke-dasharray="4 3" />
              <polyline points={pts().map((b) => `${x(b.predicted ?? 0)},${y(b.observed ?? 0)}`).join(' ')} fill="none" stroke="#58a6ff" stroke-width="1.5" />
              <For each={pts()}>
                {(b) => (
                  <circle cx={x(b.predicted ?? 0)} cy={y(b.observed ?? 0)} r={Math.min(7, 2 + Math.sqrt(b.count) / 4)} fill="#58a6ff">
                    <title>{`predicted ${f(b.predicted)} · realised ${f(b.observed)} · ${b.count} rows`}</title>
                  </circle>
                )}
              </For>
              <text x={W / 2} y={H - 6} fill="#8b949e" font-size="10" text-anchor="middle">
                predicted confidence
              </text>
              <text x={10} y={H / 2} fill="#8b949e" font-size="10" text-anchor="middle" transform={`rotate(-90 10 ${H / 2})`}>
                realised hit rate
              </text>
              <text x={P} y={H - P + 12} fill="#8b949e" font-size="9" text-anchor="middle">
                0
              </text>
              <text x={W - P} y={H - P + 12} fill="#8b949e" font-size="9" text-anchor="middle">
                1
              </text>
            </svg>
          </Show>
        </div>
      )}
    </Show>
  );
}

function StabilityView(props: { report: TrainReport }): JSX.Element {
  const g = () => props.report.global;
  const st = () => g().importance_stability;
  return (
    <div class="stack" data-testid="stability">
      <Show when={st()} fallback={<p class="hint">No importance stability: fewer than two folds with importances.</p>}>
        {(s) => (
          <p class="hint">
            Importance rank stability across folds (Spearman of top-30 ranks): mean {f(s().mean)}
            {s().alert ? ' — below 0.5: importances are unstable' : ''}; fold to fold {s().vs_previous.map((v) => f(v, 2)).join(', ') || '—'}.
          </p>
        )}
      </Show>
      <Show when={g().selected_features}>
        {(sel) => (
          <p class="hint">
            Selection ({sel().method}): {sel().stable.length} stable features used by the final model — {sel().stable.join(', ')}. Per fold:{' '}
            {sel()
              .folds.map((x) => x.length)
              .join(', ')}{' '}
            selected.
          </p>
        )}
      </Show>
      <Show when={g().warnings.length + g().gate_failures.length > 0}>
        <ul class="hint">
          <For each={[...g().warnings, ...g().gate_failures.map((x) => `gate failed (kept): ${x}`)]}>{(w) => <li>{w}</li>}</For>
        </ul>
      </Show>
    </div>
  );
}

// Outcome of the last registry action: kept outside the table, which remounts when the registry reloads.
const [decision, setDecision] = createSignal<PromotionDecision | null>(null);
const [actionError, setError] = createSignal<string | null>(null);

function RegistryTable(props: { view: ModelListView; onChanged: () => void; onCheck: (id: string) => void; checking: string | null }): JSX.Element {
  const app = useApp();
  const [confirmDelete, setConfirmDelete] = createSignal<ModelVersionSummary | null>(null);
  const [override, setOverride] = createSignal<ModelVersionSummary | null>(null);
  const [reason, setReason] = createSignal('');
  const act = async (what: string, fn: () => Promise<void>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      const trace = app.reportError(LOGGER, e, { action: what });
      setError(`${what} failed: ${errorMessage(e)} (trace ${trace})`);
    } finally {
      props.onChanged();
    }
  };
  const promote = (v: ModelVersionSummary, overrideReason?: string) =>
    act('Promotion', async () => {
      setDecision(await app.backend.promoteModel(v.id, overrideReason ? { override: { reason: overrideReason } } : undefined));
    });
  return (
    <div class="stack">
      <Show when={decision()}>
        {(d) => (
          <p class="hint" data-testid="promotion-result" data-promoted={d().promoted ? '1' : '0'} role="status">
            {d().promoted ? 'Promoted' : 'Not promoted'} {d().versionId.slice(0, 12)}: {d().reason}
          </p>
        )}
      </Show>
      <Show when={actionError()}>
        {(m) => (
          <p class="error-text" role="alert">
            {m()}
          </p>
        )}
      </Show>
      <div class="table-wrap">
        <table class="data-table" data-testid="model-registry">
          <thead>
            <tr>
              <th>Version</th>
              <th>Trained</th>
              <th>h</th>
              <th>Tickers</th>
              <th>Members</th>
              <th>Features</th>
              <th>Samples</th>
              <th>OOS ρ</th>
              <th>Holdout ρ</th>
              <th>CV gap</th>
              <th>R²</th>
              <th>Score</th>
              <th>Data</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.view.versions}>
              {(v) => {
                const champ = () => v.id === props.view.champion;
                return (
                  <tr data-testid="model-row" data-version-id={v.id} data-champion={champ() ? '1' : '0'}>
                    <td>
                      <code title={v.id}>{v.id.slice(0, 12)}</code>
                      <Show when={champ()}>
                        {' '}
                        <span class="badge" data-testid="champion-badge">
                          ★ Champion
                        </span>
                      </Show>
                      <Show when={v.gateFailures.length > 0}>
                        {' '}
                        <span class="badge badge-warn" title={v.gateFailures.join('\n')}>
                          gates failed
                        </span>
                      </Show>
                    </td>
                    <td>{v.createdAt.replace('T', ' ').slice(0, 16)}</td>
                    <td>{v.horizon}</td>
                    <td title={v.tickers.join(', ')}>{v.tickers.length <= 3 ? v.tickers.join(', ') : `${v.tickers.slice(0, 3).join(', ')} +${v.tickers.length - 3}`}</td>
                    <td>{v.members.join('+')}</td>
                    <td>{v.nFeatures}</td>
                    <td>{v.metrics.samples.toLocaleString('en-US')}</td>
                    <td>{f(v.metrics.oosSpearman)}</td>
                    <td>{f(v.metrics.holdoutSpearman)}</td>
                    <td>{f(v.metrics.cvGap)}</td>
                    <td>{f(v.metrics.holdoutR2, 4)}</td>
                    <td>{f(v.score)}</td>
                    <td>{v.mode === 'demo' ? 'DEMO' : 'real'}</td>
                    <td style={{ 'white-space': 'nowrap' }}>
                      <button type="button" class="btn btn-sm btn-primary" data-testid="model-promote" disabled={champ()} onClick={() => void promote(v)}>
                        Promote
                      </button>{' '}
                      <button type="button" class="btn btn-sm" data-testid="model-override" disabled={champ()} onClick={() => setOverride(v)} title="Promote against the governance rule (recorded with your reason)">
                        Override…
                      </button>{' '}
                      <button type="button" class="btn btn-sm" data-testid="model-check" aria-pressed={props.checking === v.id} onClick={() => props.onCheck(v.id)}>
                        Triggers
                      </button>{' '}
                      <button
                        type="button"
                        class="btn btn-sm btn-danger"
                        data-testid="model-delete"
                        disabled={champ()}
                        title={champ() ? 'The champion cannot be deleted: promote another version first' : 'Delete this version'}
                        onClick={() => setConfirmDelete(v)}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
      <p class="hint">
        Promotion rule: score = 1.5·OOS ρ + 1.0·holdout ρ − 0.5·max(0, CV gap) (+ ECE bonus); a challenger replaces the champion only when it beats it by 2 %.
      </p>
      <Show when={confirmDelete()}>
        {(v) => (
          <Dialog
            label="Delete model version"
            title="Delete model version?"
            testid="confirm-delete"
            onClose={() => setConfirmDelete(null)}
            footer={
              <>
                <button type="button" class="btn" onClick={() => setConfirmDelete(null)}>
                  Cancel
                </button>
                <button
                  type="button"
                  class="btn btn-danger"
                  data-testid="confirm-delete-yes"
                  onClick={() => {
                    const id = v().id;
                    setConfirmDelete(null);
                    void act('Deletion', () => app.backend.deleteModel(id));
                  }}
                >
                  Delete
                </button>
              </>
            }
          >
            <p>
              Version <code>{v().id.slice(0, 12)}</code> (h={v().horizon}, {v().tickers.length} tickers, trained {v().createdAt.slice(0, 10)}) and its stored model will be
              removed. This cannot be undone.
            </p>
          </Dialog>
        )}
      </Show>
      <Show when={override()}>
        {(v) => (
          <Dialog
            label="Manual promotion override"
            title="Promote by manual override"
            testid="override-dialog"
            onClose={() => setOverride(null)}
            footer={
              <>
                <button type="button" class="btn" onClick={() => setOverride(null)}>
                  Cancel
                </button>
                <button
                  type="button"
                  class="btn btn-primary"
                  data-testid="override-confirm"
                  disabled={reason().trim() === ''}
                  onClick={() => {
                    const target = v();
                    const why = reason().trim();
                    setOverride(null);
                    setReason('');
                    void promote(target, why);
                  }}
                >
                  Promote anyway
                </button>
              </>
            }
          >
            <label class="field">
              <span>Reason (recorded in the governance history)</span>
              <input class="input" data-testid="override-reason" value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />
            </label>
          </Dialog>
        )}
      </Show>
    </div>
  );
}

function WarningsView(props: { view: RetrainWarningsView }): JSX.Element {
  return (
    <div class="stack" data-testid="retrain-warnings">
      <p class="hint">
        Version <code>{props.view.versionId.slice(0, 12)}</code>: {props.view.retrain ? 'retraining recommended' : 'no retrain trigger fired'}
        {props.view.meanPsi !== null ? ` · mean feature PSI ${f(props.view.meanPsi)}` : ''}
      </p>
      <Show when={props.view.reasons.length > 0}>
        <ul>
          <For each={props.view.reasons}>
            {(r) => (
              <li class="badge-warn" data-testid="retrain-reason">
                ⚠ {r}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.view.drift.length > 0}>
        <p class="hint">
          Most shifted features (PSI, last 63 bars vs earlier): {props.view.drift.slice(0, 5).map((d) => `${d.name} ${f(d.psi)}`).join(' · ')}
        </p>
      </Show>
    </div>
  );
}
