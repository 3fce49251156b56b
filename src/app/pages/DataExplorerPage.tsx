import { useSearchParams } from '@solidjs/router';
import { createEffect, createMemo, createSignal, For, type JSX, on, onMount, Show } from 'solid-js';
import { type Bars, type DatasetMeta, type Envelope, TIMEFRAME_MINUTES, type Timeframe } from '../../engine/contracts';
import {
  type FetchResultInfo,
  type ImportResultInfo,
  type LiveFetchRequest,
  type QualityArtifact,
  qualityArtifactKey,
} from '../../workers/api';
import { resampleTargets } from '../../workers/dataset-export';
import { CandleChart } from '../components/charts/CandleChart';
import { lowerBound } from '../components/charts/candle-buckets';
import { Dialog } from '../components/Dialog';
import { ErrorPanel } from '../components/ErrorPanel';
import { JobMonitor } from '../components/JobMonitor';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import type { VirtualTableHandle } from '../components/VirtualTable';
import { exportFileName } from '../lib/csv';
import { formatBytes, formatInt } from '../lib/format';
import { catalogEnvelope } from '../lib/provenance';
import { errorMessage } from '../lib/trace';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty } from './common';
import { BarsTable } from './DataExplorer/BarsTable';
import { DatasetsTable } from './DataExplorer/DatasetsTable';
import { downloadBytes } from './DataExplorer/download';
import { FetchSection } from './DataExplorer/FetchSection';
import { type ImportRequest, ImportSection } from './DataExplorer/ImportSection';
import { QualityView, type ShowRowsRequest } from './DataExplorer/QualityView';
import { StatCards } from './DataExplorer/StatCards';
import './DataExplorer/data-explorer.css';

type BarsEnvelope = Envelope<{ meta: DatasetMeta; bars: Bars }>;

const TF_BUTTONS: Timeframe[] = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'];

interface ViewSource {
  ticker: string;
  tf: Timeframe;
  /** stored dataset shown, or the stored one it is derived from */
  id: string;
  derived: boolean;
  /** live fetch failure to show with the stored copy */
  failure: string | null;
  v: number;
}

interface Problem {
  title: string;
  message: string;
  traceId?: string;
}

export default function DataExplorerPage(): JSX.Element {
  const page = pageById('dataExplorer');
  const app = useApp();
  const [params] = useSearchParams<{ focus?: string; dataset?: string }>();
  const [selTicker, setSelTicker] = createSignal<string | null>(null);
  const [selTf, setSelTf] = createSignal<Timeframe | null>(null);
  const [importJob, setImportJob] = createSignal<string | null>(null);
  const [importProblem, setImportProblem] = createSignal<Problem | null>(null);
  const [importResult, setImportResult] = createSignal<ImportResultInfo | null>(null);
  const [fetchJob, setFetchJob] = createSignal<{ id: string; req: LiveFetchRequest } | null>(null);
  const [fetchProblem, setFetchProblem] = createSignal<Problem | null>(null);
  const [fresh, setFresh] = createSignal<{ info: FetchResultInfo; jobId: string } | null>(null);
  const [fallback, setFallback] = createSignal<{ id: string; failure: string } | null>(null);
  const [flagged, setFlagged] = createSignal<ShowRowsRequest | null>(null);
  const [exportProblem, setExportProblem] = createSignal<Problem | null>(null);
  const [confirmDelete, setConfirmDelete] = createSignal<DatasetMeta | null>(null);
  const [deleteError, setDeleteError] = createSignal<string | null>(null);
  const [deleting, setDeleting] = createSignal(false);
  let importApi: { focus(): void; pick(): void } | undefined;
  let table: VirtualTableHandle | undefined;
  let chart: { showRange(from: number, to: number): void } | null = null;

  const [catalog, reloadCatalog] = createLoader(() => ({ v: app.datasetsVersion() }), () => app.backend.listDatasets(), 'ui.dataExplorer');
  const list = () => {
    const s = catalog();
    return s.status === 'ready' ? s.value : [];
  };

  onMount(() => {
    if (params.focus === 'import') importApi?.focus();
    if (params.dataset) {
      const [t, tf] = params.dataset.split('|');
      setSelTicker(t);
      setSelTf(tf as Timeframe);
    }
  });

  // ---- selection ------------------------------------------------------------------------
  const tickers = createMemo(() => [...new Set(list().map((d) => d.ticker))].sort());
  const ticker = createMemo(() => {
    const t = selTicker();
    if (t && tickers().includes(t)) return t;
    return tickers()[0] ?? null;
  });
  const stored = createMemo(() => new Map(list().filter((d) => d.ticker === ticker()).map((d) => [d.timeframe, d])));
  /** derivable timeframe → the stored timeframe it comes from (the coarsest that divides it) */
  const derivable = createMemo(() => {
    const out = new Map<Timeframe, Timeframe>();
    const srcs = [...stored().keys()].filter((tf) => tf !== '1d').sort((a, b) => TIMEFRAME_MINUTES[b] - TIMEFRAME_MINUTES[a]);
    for (const src of srcs) for (const to of resampleTargets(src)) if (!stored().has(to) && !out.has(to)) out.set(to, src);
    return out;
  });
  const tf = createMemo<Timeframe | null>(() => {
    const want = selTf();
    if (want && (stored().has(want) || derivable().has(want))) return want;
    if (stored().has('1d')) return '1d';
    return [...stored().keys()][0] ?? null;
  });
  const source = createMemo<ViewSource | null>(() => {
    const t = ticker();
    const f = tf();
    if (!t || !f) return null;
    const direct = stored().get(f);
    const fb = fallback();
    if (direct) {
      return { ticker: t, tf: f, id: direct.id, derived: false, failure: fb && fb.id === direct.id ? fb.failure : null, v: app.datasetsVersion() };
    }
    const from = derivable().get(f);
    if (!from) return null;
    return { ticker: t, tf: f, id: `${t}|${from}`, derived: true, failure: null, v: app.datasetsVersion() };
  });
  const select = (t: string, f: Timeframe) => {
    setSelTicker(t);
    setSelTf(f);
    setFlagged(null);
  };
  createEffect(
    on(
      () => source()?.id,
      (id, prev) => {
        if (prev !== undefined && id !== prev) {
          setFlagged(null);
          const fr = fresh();
          if (fr && fr.info.datasetId !== id) setFresh(null);
        }
      },
    ),
  );

  const [barsState, reloadBars] = createLoader(
    () => source(),
    async (s): Promise<BarsEnvelope> => {
      if (s.derived) return app.backend.resampleBars(s.id, s.tf);
      if (s.failure) {
        const env = await app.backend.loadCachedAfterFailure(s.id, s.failure);
        if (env) return env;
      }
      return app.backend.loadBars(s.id);
    },
    'ui.dataExplorer.bars',
  );

  /** Right after a successful fetch in this view the data is LIVE (or CACHED if the proxy served a stale copy). */
  const barsEnvelope = createMemo<BarsEnvelope | null>(() => {
    const s = barsState();
    if (s.status !== 'ready') return null;
    const env = s.value;
    const fr = fresh();
    const src = source();
    if (!fr || !src || src.derived || fr.info.datasetId !== env.data.meta.id || fr.info.checksum !== env.data.meta.checksum) return env;
    const lastTs = env.data.bars.ts.length > 0 ? env.data.bars.ts[env.data.bars.ts.length - 1] : null;
    const stale = fr.info.cache === 'stale';
    return {
      data: env.data,
      meta: {
        ...env.meta,
        mode: stale ? 'cached' : 'live',
        staleness: stale ? env.meta.staleness : lastTs === null ? null : Math.max(0, Math.round((Date.now() - lastTs) / 1000)),
        warnings: [...fr.info.warnings, ...env.meta.warnings.filter((w) => !w.startsWith('Cached copy of'))],
        jobId: fr.jobId,
      },
    };
  });

  const [quality] = createLoader(
    () => {
      const s = source();
      const env = barsEnvelope();
      if (!s || !env) return null;
      const meta = s.derived ? list().find((d) => d.id === s.id) : env.data.meta;
      return meta ? { id: meta.id, checksum: meta.checksum, derived: s.derived } : null;
    },
    async (k) => {
      const rec = await app.backend.getArtifact(qualityArtifactKey(k.id, k.checksum));
      return rec ? (rec.value as unknown as QualityArtifact) : null;
    },
    'ui.dataExplorer.quality',
  );

  // ---- import ------------------------------------------------------------------------------
  const startImport = async (req: ImportRequest) => {
    setImportProblem(null);
    setImportResult(null);
    try {
      const rec = await app.backend.importFiles(req.files, { mode: req.mode, timeframe: req.timeframe });
      setImportJob(rec.id);
      app.announce(`Importing ${req.files.length} file${req.files.length === 1 ? '' : 's'}`);
    } catch (e) {
      setImportProblem({ title: 'Import refused', message: errorMessage(e), traceId: app.reportError('ui.dataExplorer.import', e) });
    }
  };
  const handled = new Set<string>();
  createEffect(
    on(
      () => {
        const id = importJob();
        return id ? { id, status: app.job(id)?.status } : null;
      },
      (j) => {
        if (!j || handled.has(j.id)) return;
        const rec = app.job(j.id);
        if (j.status === 'failed') {
          handled.add(j.id);
          setImportProblem({ title: 'Import failed — nothing was stored', message: rec?.error ?? 'the import job failed without a message', traceId: rec?.traceId });
        } else if (j.status === 'cancelled') {
          handled.add(j.id);
          setImportProblem({ title: 'Import cancelled — nothing was stored', message: 'The import was cancelled before its data was written.' });
        } else if (j.status === 'succeeded') {
          handled.add(j.id);
          app.backend.getArtifact(`import/${j.id}`).then(
            (art) => {
              const info = art?.value as unknown as ImportResultInfo | undefined;
              if (!info) return;
              setImportResult(info);
              const first = info.datasets[0];
              if (first) {
                const [t, f] = first.id.split('|');
                select(t, f as Timeframe);
              }
            },
            (e) => setImportProblem({ title: 'Import finished, but its summary could not be read', message: errorMessage(e), traceId: app.reportError('ui.dataExplorer.import', e) }),
          );
        }
      },
    ),
  );

  // ---- live fetch --------------------------------------------------------------------------
  const startFetch = async (req: LiveFetchRequest) => {
    setFetchProblem(null);
    try {
      const rec = await app.backend.fetchLive(req);
      setFetchJob({ id: rec.id, req });
    } catch (e) {
      setFetchProblem({ title: 'Fetch refused', message: errorMessage(e), traceId: app.reportError('ui.dataExplorer.fetch', e) });
    }
  };
  createEffect(
    on(
      () => {
        const j = fetchJob();
        return j ? { ...j, status: app.job(j.id)?.status } : null;
      },
      (j) => {
        if (!j || handled.has(j.id)) return;
        const rec = app.job(j.id);
        const id = `${j.req.ticker.trim().toUpperCase()}|${j.req.timeframe}`;
        if (j.status === 'failed' || j.status === 'cancelled') {
          handled.add(j.id);
          const failure = j.status === 'failed' ? (rec?.error ?? 'the fetch job failed without a message') : 'the fetch was cancelled';
          setFetchProblem({ title: `Live fetch of ${id} failed`, message: failure, traceId: rec?.traceId });
          const copy = list().find((d) => d.id === id && d.origin !== 'demo');
          if (copy) {
            setFallback({ id, failure });
            select(copy.ticker, copy.timeframe);
          }
        } else if (j.status === 'succeeded') {
          handled.add(j.id);
          app.backend.getArtifact(`fetch/${j.id}`).then(
            (art) => {
              const info = art?.value as unknown as FetchResultInfo | undefined;
              if (!info) return;
              setFallback(null);
              setFresh({ info, jobId: j.id });
              select(info.ticker, info.timeframe);
            },
            (e) => setFetchProblem({ title: 'Fetch finished, but its result could not be read', message: errorMessage(e), traceId: app.reportError('ui.dataExplorer.fetch', e) }),
          );
        }
      },
    ),
  );

  // ---- actions -----------------------------------------------------------------------------
  const doExport = async (id: string, ticker: string, timeframe: Timeframe, format: 'csv' | 'parquet', resampleTo?: Timeframe) => {
    setExportProblem(null);
    try {
      const f = await app.backend.exportDataset(id, format, { resampleTo });
      downloadBytes(f.bytes, exportFileName('data-explorer', `${ticker}-${timeframe}`, new Date(), format), f.mime);
      app.announce(`Exported ${formatInt(f.rows)} bars of ${ticker} ${timeframe} as ${format.toUpperCase()}`);
    } catch (e) {
      setExportProblem({ title: `Export of ${ticker} ${timeframe} as ${format.toUpperCase()} failed`, message: errorMessage(e), traceId: app.reportError('ui.dataExplorer.export', e) });
    }
  };

  const doDelete = async (d: DatasetMeta) => {
    setDeleting(true);
    setDeleteError(null);
    try {
      await app.backend.deleteDataset(d.id);
      setConfirmDelete(null);
      app.refreshStorage();
    } catch (e) {
      const trace = app.reportError('ui.dataExplorer', e, { action: 'delete', dataset: d.id });
      setDeleteError(`${errorMessage(e)} (trace ${trace})`);
    } finally {
      setDeleting(false);
    }
  };

  const showRows = (r: ShowRowsRequest) => {
    setFlagged(r);
    const first = r.bars[0];
    if (first !== undefined) {
      table?.focusRow(first);
      chart?.showRange(Math.max(0, first - 60), first + 60);
    }
  };
  const showDate = (iso: string) => {
    const env = barsEnvelope();
    if (!env) return;
    const t = Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
    const i = Math.min(env.data.bars.ts.length - 1, lowerBound(env.data.bars.ts, t));
    if (i < 0) return;
    table?.focusRow(i);
    chart?.showRange(Math.max(0, i - 60), i + 60);
  };

  // ---- panel states ---------------------------------------------------------------------
  const catalogState = (): PanelState => {
    const s = catalog();
    if (s.status === 'error') return { kind: 'error', message: `Could not read the dataset catalog: ${s.message}`, traceId: s.traceId, retry: reloadCatalog };
    if (s.status !== 'ready') return { kind: 'loading' };
    if (s.value.length === 0) {
      return empty('No datasets stored yet', [
        { label: 'Import files', onClick: () => importApi?.pick(), primary: true },
        {
          label: 'Load demo dataset',
          onClick: () => void app.loadDemo().then(() => app.ui.setDrawerOpen(true), (e) => app.reportError('ui.dataExplorer', e)),
        },
      ]);
    }
    return { kind: 'ready', envelope: catalogEnvelope(s.value, Date.now()) };
  };

  const barsPanelState = (what: string): PanelState => {
    if (catalog().status === 'ready' && list().length === 0) return empty('Import a file or fetch a ticker to see its bars here');
    const src = source();
    if (!src) return catalog().status === 'ready' ? empty('Select a ticker from the datasets') : { kind: 'loading' };
    const s = barsState();
    if (s.status === 'error') return { kind: 'error', message: `Could not load ${src.ticker} ${src.tf} (${what}): ${s.message}`, traceId: s.traceId, retry: reloadBars };
    const env = barsEnvelope();
    if (!env) return { kind: 'loading' };
    if (env.data.bars.ts.length === 0) return empty(`No ${src.tf} data available for ${src.ticker}`);
    return { kind: 'ready', envelope: env };
  };

  const qualityState = (): PanelState => {
    const base = barsPanelState('quality');
    if (base.kind !== 'ready') return base;
    const q = quality();
    if (q.status === 'error') return { kind: 'error', message: `Could not read the quality report: ${q.message}`, traceId: q.traceId };
    if (q.status !== 'ready') return { kind: 'loading' };
    if (!q.value) {
      const meta = barsEnvelope()?.data.meta;
      return empty(
        `No quality report is stored for ${source()?.id}`,
        undefined,
        meta?.origin === 'demo' ? 'Demo data is generated, not imported, so it has no import report.' : 'Import the file again to compute its report.',
      );
    }
    const env = barsEnvelope()!;
    return { kind: 'ready', envelope: { data: q.value, meta: env.meta } };
  };

  const title = () => {
    const s = source();
    return s ? `${s.ticker} — ${s.tf.toUpperCase()}${s.derived ? ' (derived)' : ''}` : 'No dataset selected';
  };

  const outcome = (p: Problem | null) =>
    p ? <ErrorPanel title={p.title} message={p.message} traceId={p.traceId} /> : null;

  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Load, inspect and quality-check OHLCV series per ticker and timeframe" />

      <div class="grid-2">
        <ImportSection onImport={(r) => void startImport(r)} onError={(e) => setImportProblem({ title: 'Could not read the dropped items', message: errorMessage(e), traceId: app.reportError('ui.dataExplorer.import', e) })} busy={false} ref={(a) => (importApi = a)}>
          <Show when={importJob()}>{(id) => <JobMonitor jobId={id()} />}</Show>
          <div data-testid="import-outcome">{outcome(importProblem())}</div>
          <Show when={importResult()}>
            {(r) => (
              <div class="de-result" data-testid="import-result" role="status">
                <p style={{ margin: 0 }}>
                  Stored {r().datasets.length} dataset{r().datasets.length === 1 ? '' : 's'}:{' '}
                  <For each={r().datasets}>
                    {(d, i) => (
                      <>
                        {i() > 0 ? ', ' : ''}
                        <button type="button" class="linkish" onClick={() => select(d.id.split('|')[0], d.id.split('|')[1] as Timeframe)}>
                          {d.id}
                        </button>{' '}
                        ({formatInt(d.rows)} bars, {d.quality}
                        {d.replaced ? ', replaced the stored copy' : ''})
                      </>
                    )}
                  </For>
                </p>
                <Show when={r().skipped.length > 0}>
                  <details>
                    <summary>{r().skipped.length} file(s) skipped</summary>
                    <ul>
                      <For each={r().skipped}>{(s) => <li>{s.path}: {s.reason}</li>}</For>
                    </ul>
                  </details>
                </Show>
                <Show when={r().warnings.length > 0}>
                  <ul class="de-warn">
                    <For each={r().warnings}>{(w) => <li>⚠ {w}</li>}</For>
                  </ul>
                </Show>
              </div>
            )}
          </Show>
        </ImportSection>
        <FetchSection onFetch={(r) => void startFetch(r)} busy={false}>
          <Show when={fetchJob()}>{(j) => <JobMonitor jobId={j().id} />}</Show>
          <div data-testid="fetch-outcome">{outcome(fetchProblem())}</div>
          <Show when={fetchProblem() && fallback()}>
            <p class="hint" data-testid="fetch-fallback">
              Showing the stored copy of {fallback()?.id} below, labelled CACHED, with this failure as a warning.
            </p>
          </Show>
        </FetchSection>
      </div>

      <Panel<DatasetMeta[]> title="Datasets" state={catalogState()}>
        {(l) => (
          <div class="stack">
            <DatasetsTable
              list={l()}
              selected={source()?.derived ? null : (source()?.id ?? null)}
              onView={(d) => select(d.ticker, d.timeframe)}
              onExport={(d, f) => void doExport(d.id, d.ticker, d.timeframe, f)}
              onDelete={(d) => {
                setDeleteError(null);
                setConfirmDelete(d);
              }}
            />
            {outcome(exportProblem())}
          </div>
        )}
      </Panel>

      <div class="de-toolbar" role="toolbar" aria-label="Ticker and timeframe">
        <label class="field-row">
          <span class="hint">Ticker</span>
          <select
            class="select"
            data-testid="ticker-select"
            value={ticker() ?? ''}
            disabled={tickers().length === 0}
            onChange={(e) => select(e.currentTarget.value, tf() ?? '1d')}
          >
            <For each={tickers()}>{(t) => <option value={t}>{t}</option>}</For>
          </select>
        </label>
        <div class="de-tfs" role="group" aria-label="Timeframe" data-testid="timeframe-buttons">
          <For each={TF_BUTTONS}>
            {(t) => {
              const has = () => stored().has(t);
              const from = () => derivable().get(t);
              return (
                <button
                  type="button"
                  class="btn btn-sm"
                  classList={{ 'btn-primary': tf() === t }}
                  data-tf={t}
                  data-derived={!has() && from() ? '1' : undefined}
                  aria-pressed={tf() === t}
                  disabled={!has() && !from()}
                  title={has() ? `${t} data cached` : from() ? `Derived on demand from the stored ${from()} bars` : `No ${t} data cached`}
                  onClick={() => ticker() && select(ticker()!, t)}
                >
                  {t.toUpperCase()}
                  {!has() && from() ? '*' : ''}
                </button>
              );
            }}
          </For>
        </div>
        <span class="de-title" data-testid="view-title">
          {title()}
        </span>
        <span class="hint">* resampled from a finer stored timeframe</span>
      </div>

      <Panel<{ meta: DatasetMeta; bars: Bars }> title="Summary" state={barsPanelState('summary')}>
        {(d) => <StatCards meta={d().meta} bars={d().bars} />}
      </Panel>

      <Panel<{ meta: DatasetMeta; bars: Bars }> title="Candlestick" state={barsPanelState('chart')}>
        {(d, meta) => (
          <Show when={d()} keyed>
            {(data) => (
              <div class="stack">
                <CandleChart title={`${data.meta.ticker} — ${data.meta.timeframe.toUpperCase()}`} bars={data.bars} daily={data.meta.timeframe === '1d'} ref={(h) => (chart = h)} />
                <p class="hint" style={{ margin: 0 }}>
                  {formatInt(data.bars.ts.length)} bars loaded | Cached timeframes: {[...stored().keys()].join(', ') || '—'} | Source: {meta().source}
                </p>
              </div>
            )}
          </Show>
        )}
      </Panel>

      <div class="stack">
        <Panel<QualityArtifact> title="Data Quality Report" state={qualityState()}>
          {(q) => <QualityView q={q()} onShowRows={source()?.derived ? null : showRows} onShowDate={showDate} />}
        </Panel>
        <Panel<{ meta: DatasetMeta; bars: Bars }>
          title="Bars"
          state={barsPanelState('table')}
          tools={
            <Show when={source()}>
              {(s) => (
                <button
                  type="button"
                  class="btn btn-sm"
                  data-testid="bars-export-csv"
                  onClick={() => void doExport(s().id, s().ticker, s().tf, 'csv', s().derived ? s().tf : undefined)}
                >
                  Export CSV
                </button>
              )}
            </Show>
          }
        >
          {(d) => (
            <Show when={d()} keyed>
              {(data) => (
                <BarsTable
                  bars={data.bars}
                  timeframe={data.meta.timeframe}
                  flagged={flagged()}
                  onClearFlags={() => setFlagged(null)}
                  ref={(h) => (table = h)}
                />
              )}
            </Show>
          )}
        </Panel>
      </div>

      <Show when={confirmDelete()}>
        {(d) => (
          <Dialog
            label={`Delete ${d().id}`}
            title={`Delete ${d().ticker} · ${d().timeframe}?`}
            onClose={() => setConfirmDelete(null)}
            initialFocus="[data-cancel]"
            footer={
              <>
                <button type="button" class="btn" data-cancel onClick={() => setConfirmDelete(null)}>
                  Keep it
                </button>
                <button type="button" class="btn btn-danger" data-testid="confirm-delete" disabled={deleting()} onClick={() => void doDelete(d())}>
                  {deleting() ? 'Deleting…' : 'Delete dataset'}
                </button>
              </>
            }
          >
            <div class="dialog-body">
              <p style={{ margin: 0 }}>
                This removes {formatInt(d().rows)} bars ({formatBytes(d().bytes)}) from this browser. Results computed from it stay
                in their job history.
              </p>
              <Show when={deleteError()}>
                <p class="error-text" role="alert">
                  Delete failed: {deleteError()}
                </p>
              </Show>
            </div>
          </Dialog>
        )}
      </Show>
    </div>
  );
}
