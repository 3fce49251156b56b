/**
 * Model Lab — Features: pick a dataset, a benchmark and a feature set, compute them as a
 * `features` job (reused when the inputs are unchanged), then inspect the stored result:
 * the feature table, correlations, one feature's distribution and the warm-up profile.
 */
import { createMemo, createSignal, For, type JSX, Match, onCleanup, Show, Switch } from 'solid-js';
import type { FeatureSetName, FeatureView } from '../../workers/api';
import { ErrorPanel } from '../components/ErrorPanel';
import { LoadingState } from '../components/LoadingState';
import { Panel, type PanelState } from '../components/Panel';
import { Section } from '../components/Section';
import { JobMonitor } from '../components/JobMonitor';
import { createCorrelationClient } from '../components/research/correlationClient';
import { FeatureTable } from '../components/research/FeatureTable';
import { Heatmap } from '../components/research/Heatmap';
import { HistogramChart } from '../components/research/Histogram';
import { Segmented } from '../components/research/Segmented';
import { WarmupList } from '../components/research/WarmupList';
import { exportFileName } from '../lib/csv';
import { formatNumber } from '../lib/format';
import { DIVERGING_STOPS, divergingColor } from '../lib/research-color';
import { defaultBenchmark, defaultSubject, keepOrDefault } from '../lib/research-datasets';
import { histogram, moments } from '../lib/research-stats';
import { barTimeFormatter, downloadText, featureTableCsv, formatFeatureValue, timeframeOf } from '../lib/research-table';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { catalogState, createDemoLoader, createJobTracker, DatasetSelect, loadedData, loadedMeta, ReuseNote, storedResultState, useCatalog } from './ModelLabShared';

const LOGGER = 'ui.modelLab.features';
const TOP_K = 15;
/** the contract's core set, which leads every feature set */
const CORE_COUNT = 24;

type CorrSelection = 'top' | 'core';

const SETS: readonly { id: FeatureSetName; label: string; title: string }[] = [
  { id: 'core', label: 'Core (24)', title: 'The 24 contract features' },
  { id: 'full', label: 'Full', title: 'Every registered feature family' },
];

// The tab's choices (ids and flags only) outlive the tab, so switching tabs keeps them.
const [dsSel, setDsSel] = createSignal<string | null>(null);
/** undefined = default benchmark, '' = none */
const [benchSel, setBenchSel] = createSignal<string | undefined>(undefined);
const [set, setSet] = createSignal<FeatureSetName>('core');
const [newestFirst, setNewestFirst] = createSignal(true);
const [corrSel, setCorrSel] = createSignal<CorrSelection>('top');
const [distSel, setDistSel] = createSignal<string | null>(null);
/** compute every daily dataset in one job (the table still shows the chosen one) */
const [allDaily, setAllDaily] = createSignal(false);
const jobIdSignal = createSignal<string | null>(null);

export function FeaturesTab(): JSX.Element {
  const app = useApp();
  const catalog = useCatalog(LOGGER);
  const demo = createDemoLoader(app, LOGGER);
  const tracker = createJobTracker(app, LOGGER, jobIdSignal);

  const datasetId = createMemo(() => keepOrDefault(catalog.list(), dsSel(), defaultSubject));
  const benchmarkId = createMemo(() => {
    const b = benchSel();
    if (b === '') return null;
    return keepOrDefault(catalog.list(), b ?? null, defaultBenchmark);
  });
  const meta = (id: string | null) => catalog.list().find((d) => d.id === id);

  const [result, reloadResult] = createLoader(
    () => {
      const id = datasetId();
      return id ? { id, set: set(), bench: benchmarkId(), done: tracker.done(), v: app.datasetsVersion() } : null;
    },
    (s) => app.backend.getFeatureResult(s.id, { set: s.set, ...(s.bench ? { benchmarkId: s.bench } : {}) }),
    LOGGER,
  );

  /** the chosen dataset first, then (optionally) every other daily one */
  const jobDatasets = () => {
    const id = datasetId();
    if (!id) return [];
    const others = allDaily() ? catalog.list().filter((d) => d.timeframe === '1d' && d.id !== id).map((d) => d.id) : [];
    return [id, ...others];
  };

  const compute = () => {
    const ids = jobDatasets();
    if (ids.length === 0) return;
    const bench = benchmarkId();
    const inputs = [...ids, ...(bench && !ids.includes(bench) ? [bench] : [])]
      .map((i) => meta(i))
      .filter((m) => m !== undefined)
      .map((m) => ({ key: m.id, checksum: m.checksum }));
    void tracker.submit({
      type: 'features',
      params: { datasetIds: ids, set: set(), ...(bench ? { benchmarkId: bench } : {}) },
      inputs,
    });
  };

  /** The tracked job, when it is about the current selection. */
  const jobForSelection = () => {
    const j = tracker.job();
    if (!j) return undefined;
    const p = j.manifest.params as { datasetIds?: string[]; set?: string; benchmarkId?: string };
    const same = (p.datasetIds ?? []).includes(datasetId() ?? '') && p.set === set() && (p.benchmarkId ?? null) === benchmarkId();
    return same ? j : undefined;
  };

  const state = (): PanelState => {
    const c = catalogState(catalog.state(), catalog.reload, () => void demo.load());
    if (c) return c;
    const ticker = meta(datasetId())?.ticker ?? datasetId();
    return storedResultState(
      result(),
      reloadResult,
      jobForSelection(),
      {
        noun: 'features',
        busy: 'Computing features',
        jobNoun: 'features',
        missing: `No ${set()} features for ${ticker}${benchmarkId() ? ` with benchmark ${meta(benchmarkId())?.ticker ?? benchmarkId()}` : ' without a benchmark'} yet`,
        hint: 'Compute them as a job; the result is stored and reused while the inputs stay unchanged.',
        action: 'Compute features',
      },
      compute,
      tracker.submitting(),
    );
  };

  const view = (): FeatureView | null => loadedData(result());
  const envMeta = () => loadedMeta(result());
  const fmtDate = () => barTimeFormatter(timeframeOf(view()?.datasetId ?? datasetId() ?? ''));

  const exportCsv = () => {
    const v = view();
    if (!v) return;
    try {
      downloadText(featureTableCsv(v.names, v.dates, v.columns, fmtDate()), exportFileName('model-lab-features', `${v.datasetId}-${v.set}`, new Date()));
    } catch (e) {
      app.reportError(LOGGER, e, { action: 'exportCsv' });
    }
  };

  const distName = () => {
    const v = view();
    if (!v) return null;
    const s = distSel();
    return s && v.names.includes(s) ? s : v.names[0];
  };

  return (
    <div class="stack">
      <Section title="Feature Computation">
        <div class="stack">
          <div class="rs-controls">
            <DatasetSelect label="Dataset" list={catalog.list()} value={datasetId()} onChange={setDsSel} testid="features-dataset" />
            <DatasetSelect
              label="Benchmark (beta)"
              list={catalog.list()}
              value={benchmarkId() ?? ''}
              onChange={(id) => setBenchSel(id)}
              noneLabel="None"
              testid="features-benchmark"
            />
            <div class="field">
              <span>Feature set</span>
              <Segmented label="Feature set" options={SETS} value={set()} onChange={setSet} testid="features-set" />
            </div>
            <label class="field-row" title="One job over every daily dataset, ticker by ticker; stored results of unchanged inputs are reused">
              <input type="checkbox" checked={allDaily()} onChange={(e) => setAllDaily(e.currentTarget.checked)} data-testid="features-all" />
              <span>All daily datasets ({catalog.list().filter((d) => d.timeframe === '1d').length})</span>
            </label>
            <button
              type="button"
              class="btn btn-primary"
              data-testid="features-compute"
              disabled={!datasetId() || tracker.submitting()}
              onClick={compute}
            >
              {tracker.submitting() ? 'Submitting…' : 'Compute features'}
            </button>
            <ReuseNote job={jobForSelection()} meta={envMeta()} computedAt={view()?.computedAt} />
          </div>
          <Show when={tracker.submitError() ?? demo.error()}>
            {(m) => (
              <p class="error-text" role="alert">
                {m()}
              </p>
            )}
          </Show>
          <Show when={tracker.job()}>{(j) => <JobMonitor jobId={j().id} />}</Show>
        </div>
      </Section>

      <Panel<FeatureView>
        title="Features Table"
        state={state()}
        tools={
          <Show when={view()}>
            <button type="button" class="btn btn-sm" onClick={() => setNewestFirst((v) => !v)} aria-pressed={newestFirst()}>
              {newestFirst() ? 'Newest first' : 'Oldest first'}
            </button>
            <button type="button" class="btn btn-sm" onClick={exportCsv} data-testid="features-export">
              Export CSV
            </button>
          </Show>
        }
      >
        {(v) => (
          <div class="stack">
            <p class="rs-note">
              <strong>{v().ticker}</strong> · {v().set} set · {v().names.length} features × {v().dates.length.toLocaleString('en-US')} bars
              {v().benchmarkId ? ` · benchmark ${v().benchmarkId}` : ' · no benchmark'} · empty cells are missing values (warm-up or gaps).
            </p>
            <FeatureTable
              caption={`Features of ${v().ticker}`}
              names={v().names}
              headerTitles={v().names.map((n, j) => `${n} — ${v().families[j]}`)}
              dates={v().dates}
              columns={v().columns}
              formatDate={fmtDate()}
              newestFirst={newestFirst()}
              testid="features-table"
            />
          </div>
        )}
      </Panel>

      <Panel<FeatureView>
        title="Feature Correlation"
        state={state()}
        tools={
          <Show when={view()}>
            <Segmented
              label="Features in the heatmap"
              options={[
                { id: 'top', label: `Top ${TOP_K} by variance` },
                { id: 'core', label: (view()?.names.length ?? 0) > CORE_COUNT ? `Core ${CORE_COUNT}` : 'All' },
              ]}
              value={corrSel()}
              onChange={setCorrSel}
            />
          </Show>
        }
      >
        {(v) => {
          const client = createCorrelationClient();
          onCleanup(() => client.dispose());
          const [corr, retryCorr] = createLoader(
            () => ({ view: v(), sel: corrSel() }),
            async (s) => {
              const k = s.sel === 'top' ? TOP_K : CORE_COUNT;
              const r = await client.compute(s.view.columns, s.sel === 'top' ? 'top' : 'first', k);
              return { names: r.idx.map((i) => s.view.names[i]), values: r.values, ms: r.ms };
            },
            LOGGER,
          );
          return (
            <Switch>
              <Match when={corr().status === 'error'}>
                <ErrorPanel
                  title="Correlation failed"
                  message={(() => {
                    const c = corr();
                    return c.status === 'error' ? c.message : '';
                  })()}
                  traceId={(() => {
                    const c = corr();
                    return c.status === 'error' ? c.traceId : undefined;
                  })()}
                  retry={retryCorr}
                />
              </Match>
              <Match when={(() => {
                const c = corr();
                return c.status === 'ready' ? c.value : null;
              })()}>
                {(c) => (
                  <div class="stack">
                    <Heatmap
                      title={`Feature correlation — ${v().ticker}`}
                      rowLabels={c().names}
                      colLabels={c().names}
                      values={c().values}
                      color={(x) => divergingColor(x)}
                      format={(x, compact) =>
                        Number.isFinite(x) ? (compact ? x.toFixed(2).replace(/^(-?)0\./, '$1.').replace('-', '−') : formatNumber(x, 2)) : ''
                      }
                      legend={{ stops: DIVERGING_STOPS, labels: ['−1', '0', '+1'] }}
                      testid="correlation-heatmap"
                      maxCell={46}
                    />
                    <p class="rs-note" data-ms={c().ms.toFixed(2)}>
                      Pearson correlation over the bars where both features have values.{' '}
                      {corrSel() === 'top' ? `The ${c().names.length} features with the largest variance.` : ''} Computed off the main
                      thread in {c().ms.toFixed(1)} ms.
                    </p>
                  </div>
                )}
              </Match>
              <Match when={true}>
                <LoadingState label="Computing correlations" />
              </Match>
            </Switch>
          );
        }}
      </Panel>

      <div class="grid-2">
        <Panel<FeatureView>
          title="Feature Distribution"
          state={state()}
          tools={
            <Show when={view()}>
              <label class="field-row">
                <span class="sr-only">Feature</span>
                <select class="select" data-testid="distribution-feature" value={distName() ?? ''} onChange={(e) => setDistSel(e.currentTarget.value)}>
                  <For each={view()?.names ?? []}>
                    {(n) => (
                      <option value={n} selected={n === distName()}>
                        {n}
                      </option>
                    )}
                  </For>
                </select>
              </label>
            </Show>
          }
        >
          {(v) => {
            const col = () => {
              const n = distName();
              const j = n ? v().names.indexOf(n) : -1;
              return j >= 0 ? v().columns[j] : new Float64Array(0);
            };
            const hist = createMemo(() => histogram(col()));
            const stats = createMemo(() => moments(col()));
            return (
              <div class="stack">
                <HistogramChart title={`Distribution of ${distName() ?? ''}`} hist={hist()} stats={stats()} format={formatFeatureValue} testid="distribution-histogram" />
                <dl class="kv" data-testid="distribution-stats">
                  <dt>Mean</dt>
                  <dd>{formatFeatureValue(stats().mean) || '—'}</dd>
                  <dt>Std</dt>
                  <dd>{formatFeatureValue(stats().std) || '—'}</dd>
                  <dt>Skew</dt>
                  <dd>{formatNumber(stats().skew, 3)}</dd>
                  <dt>Values</dt>
                  <dd>
                    {stats().n.toLocaleString('en-US')} ({hist().missing.toLocaleString('en-US')} missing)
                  </dd>
                </dl>
              </div>
            );
          }}
        </Panel>

        <Panel<FeatureView> title="Warm-up & Missing" slug="warm-up-missing" state={state()}>
          {(v) => (
            <div class="stack">
              <p class="rs-note">
                <span class="rs-swatch" style={{ background: 'var(--accent-amber)' }} aria-hidden="true" />
                rows before the first value (warm-up as observed){' '}
                <span class="rs-swatch" style={{ background: 'var(--accent-red)', 'margin-left': '12px' }} aria-hidden="true" />
                other missing rows · bar = share of all {v().dates.length.toLocaleString('en-US')} rows
                <Show when={v().missingBenchmark.length > 0}>
                  {' '}
                  · {v().missingBenchmark.join(', ')} need a benchmark (none chosen), so they are empty.
                </Show>
              </p>
              <WarmupList
                rows={v().names.map((name, j) => ({
                  name,
                  family: v().families[j],
                  warmup: v().warmup[j],
                  firstValid: v().firstValid[j],
                  missing: v().missing[j],
                }))}
                total={v().dates.length}
                firstDate={(row) => fmtDate()(v().dates[row])}
                testid="warmup-list"
              />
            </div>
          )}
        </Panel>
      </div>
    </div>
  );
}
