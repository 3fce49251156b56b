import { useSearchParams } from '@solidjs/router';
import { createSignal, For, type JSX, onMount, Show } from 'solid-js';
import type { DatasetMeta } from '../../engine/contracts';
import { Dialog } from '../components/Dialog';
import { ErrorPanel } from '../components/ErrorPanel';
import { Icon } from '../components/Icon';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import { Section } from '../components/Section';
import { formatBytes, formatInt, isoDay } from '../lib/format';
import { catalogEnvelope, modeForOrigin } from '../lib/provenance';
import { errorMessage } from '../lib/trace';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty } from './common';

export default function DataExplorerPage(): JSX.Element {
  const page = pageById('dataExplorer');
  const app = useApp();
  const [params] = useSearchParams<{ focus?: string }>();
  const [importError, setImportError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [dragOver, setDragOver] = createSignal(false);
  const [confirmDelete, setConfirmDelete] = createSignal<DatasetMeta | null>(null);
  const [deleteError, setDeleteError] = createSignal<string | null>(null);
  const [deleting, setDeleting] = createSignal(false);
  let dropzone: HTMLButtonElement | undefined;
  let fileInput: HTMLInputElement | undefined;

  const [catalog, reload] = createLoader(() => ({ v: app.datasetsVersion() }), () => app.backend.listDatasets(), 'ui.dataExplorer');

  onMount(() => {
    if (params.focus === 'import') {
      dropzone?.scrollIntoView({ block: 'center' });
      dropzone?.focus();
    }
  });

  /**
   * TODO(data-layer import): hand the files to the back end's importer once it exists
   * (parse → quality report → store keyed by ticker+timeframe, never overwriting on failure).
   * Until then this is an honest error, logged with a trace id.
   */
  const onImportFiles = (files: FileList | File[]) => {
    const names = Array.from(files, (f) => f.name).join(', ');
    const err = new Error(`Import not implemented yet — cannot import ${names || 'the selected files'} in this build.`);
    setImportError({ message: err.message, traceId: app.reportError('ui.dataExplorer.import', err) });
  };

  const catalogState = (): PanelState => {
    const s = catalog();
    if (s.status === 'error') return { kind: 'error', message: `Could not read the dataset catalog: ${s.message}`, traceId: s.traceId, retry: reload };
    if (s.status !== 'ready') return { kind: 'loading' };
    if (s.value.length === 0) {
      return empty('No datasets stored yet', [
        { label: 'Import files', onClick: () => fileInput?.click(), primary: true },
        {
          label: 'Load demo dataset',
          onClick: () => void app.loadDemo().then(() => app.ui.setDrawerOpen(true), (e) => app.reportError('ui.dataExplorer', e)),
        },
      ]);
    }
    return { kind: 'ready', envelope: catalogEnvelope(s.value, Date.now()) };
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

  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Load, inspect and quality-check OHLCV series per ticker and timeframe" />

      <Section title="Import" id="import">
        <div class="stack">
          <button
            type="button"
            ref={dropzone}
            class="dropzone"
            classList={{ over: dragOver() }}
            aria-label="Import files: drop CSV or Parquet files here, or press Enter to choose files"
            data-testid="import-dropzone"
            onDragOver={(e) => {
              e.preventDefault();
              setDragOver(true);
            }}
            onDragLeave={() => setDragOver(false)}
            onDrop={(e) => {
              e.preventDefault();
              setDragOver(false);
              if (e.dataTransfer?.files.length) onImportFiles(e.dataTransfer.files);
            }}
            onClick={() => fileInput?.click()}
          >
            <Icon name="upload" size={22} />
            <span style={{ display: 'block', margin: '8px 0 0' }}>Drop CSV or Parquet files of OHLCV bars here, or choose files.</span>
            <span class="hint" style={{ display: 'block', margin: '4px 0 0' }}>
              One dataset per ticker and timeframe; a failed import never overwrites stored data.
            </span>
          </button>
          <input
            ref={fileInput}
            type="file"
            multiple
            accept=".csv,.parquet,text/csv"
            class="sr-only"
            tabindex="-1"
            aria-label="Choose files to import"
            data-testid="import-input"
            onChange={(e) => {
              const files = e.currentTarget.files;
              if (files && files.length > 0) onImportFiles(files);
              e.currentTarget.value = '';
            }}
          />
          <Show when={importError()}>
            {(err) => (
              <ErrorPanel
                title="Import not implemented yet"
                message={err().message}
                suggestion="Use the demo dataset or the proxy for now."
                traceId={err().traceId}
              />
            )}
          </Show>
        </div>
      </Section>

      <Panel<DatasetMeta[]> title="Datasets" state={catalogState()}>
        {(list) => (
          <div class="table-wrap">
            <table class="data">
              <caption class="sr-only">Stored datasets</caption>
              <thead>
                <tr>
                  <th scope="col">Ticker</th>
                  <th scope="col">Timeframe</th>
                  <th scope="col">Origin</th>
                  <th scope="col" class="r">
                    Rows
                  </th>
                  <th scope="col">Range</th>
                  <th scope="col">Quality</th>
                  <th scope="col">Stored</th>
                  <th scope="col" class="r">
                    Size
                  </th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(d) => (
                    <tr data-testid="dataset-row" data-dataset-id={d.id}>
                      <td>{d.ticker}</td>
                      <td>{d.timeframe}</td>
                      <td>
                        <span class="badge" data-mode={modeForOrigin(d.origin)} title={d.source}>
                          {modeForOrigin(d.origin).toUpperCase()}
                        </span>{' '}
                        <span class="hint">{d.origin}</span>
                      </td>
                      <td class="r">{formatInt(d.rows)}</td>
                      <td>
                        {isoDay(d.first)} → {isoDay(d.last)}
                      </td>
                      <td>
                        <span class={`status-badge st-${d.quality}`}>{d.quality}</span>
                      </td>
                      <td>{d.storedAt.replace('T', ' ').slice(0, 16)}</td>
                      <td class="r">{formatBytes(d.bytes)}</td>
                      <td>
                        <button type="button" class="btn btn-sm btn-danger" onClick={() => setConfirmDelete(d)}>
                          Delete
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Panel>

      <div class="grid-2">
        <Panel
          title="Candlestick"
          state={empty(
            'Candlestick and indicator charts are not built yet',
            [{ label: 'Close price on the Dashboard', href: '/dashboard' }],
            'The Dashboard Price panel draws the close of any stored dataset.',
          )}
        />
        <Panel
          title="Data Quality Report"
          state={empty('The per-ticker quality report (missing bars, zero volume, extreme moves) is not built yet', undefined, 'Each dataset’s stored quality status is listed in Datasets.')}
        />
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
