/**
 * Option-chain import and selection: the file is staged in the local store and imported by an
 * `iv_chain_import` job (implied vols, codes, SVI fit in a worker); the form's fields are used
 * only where the file lacks the column, and the job names each such substitution.
 */
import { createEffect, createSignal, For, type JSX, on, onCleanup, Show } from 'solid-js';
import type { Json } from '../../../engine/contracts';
import type { ChainImportResult, OptionChainSummary } from '../../../workers/api';
import { errorMessage } from '../../lib/trace';
import { useApp } from '../../state/app';
import { ErrorPanel } from '../ErrorPanel';
import { JobMonitor } from '../JobMonitor';

export interface ChainImportProps {
  chains: readonly OptionChainSummary[];
  selected: string | null;
  onSelect(id: string): void;
  /** after a successful import, with the ids of the stored chains */
  onImported(ids: string[]): void;
  onDeleted(id: string): void;
}

function optionalNumber(raw: string, label: string): number | undefined {
  if (raw.trim() === '') return undefined;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new Error(`${label} "${raw}" is not a number`);
  return v;
}

export function ChainImport(props: ChainImportProps): JSX.Element {
  const app = useApp();
  let fileInput: HTMLInputElement | undefined;
  const [fileName, setFileName] = createSignal('');
  const [quoteDate, setQuoteDate] = createSignal('');
  const [symbol, setSymbol] = createSignal('');
  const [spot, setSpot] = createSignal('');
  const [rate, setRate] = createSignal('');
  const [dividend, setDividend] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; traceId: string } | null>(null);
  const [jobId, setJobId] = createSignal<string | null>(null);
  const [confirmDelete, setConfirmDelete] = createSignal(false);
  let confirmTimer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(confirmTimer));

  const job = () => {
    const id = jobId();
    return id ? app.job(id) : undefined;
  };

  // When this page's import finishes, hand its chain ids to the page (once per job).
  createEffect(
    on(
      () => job()?.status,
      (status) => {
        const j = job();
        if (status !== 'succeeded' || !j?.resultKey) return;
        const key = j.resultKey;
        app.backend.getArtifact(key).then(
          (art) => {
            const value = art?.value as unknown as ChainImportResult | undefined;
            if (!value || !Array.isArray(value.chains)) throw new Error(`import result ${key} is missing or unreadable`);
            props.onImported(value.chains.map((c) => c.id));
          },
          (e) => setError({ message: errorMessage(e), traceId: app.reportError('ui.ivSurface.import', e) }),
        );
      },
    ),
  );

  const start = async () => {
    setError(null);
    const file = fileInput?.files?.[0];
    try {
      if (!file) throw new Error('Choose a chain file (CSV) first.');
      setBusy(true);
      const params: { [k: string]: Json } = { fileName: file.name };
      const s = optionalNumber(spot(), 'Spot');
      const r = optionalNumber(rate(), 'Rate');
      const q = optionalNumber(dividend(), 'Dividend yield');
      if (quoteDate()) params.quoteDate = quoteDate();
      if (symbol().trim()) params.underlying = symbol().trim();
      if (s !== undefined) params.spot = s;
      if (r !== undefined) params.rate = r;
      if (q !== undefined) params.dividendYield = q;
      const staged = await app.backend.stageOptionChainFile({ name: file.name, bytes: await file.arrayBuffer() });
      params.uploadId = staged.id;
      const rec = await app.submitJob({
        type: 'iv_chain_import',
        params,
        inputs: [{ key: `upload:${staged.id}`, checksum: staged.checksum }],
      });
      setJobId(rec.id);
    } catch (e) {
      setError({ message: errorMessage(e), traceId: app.reportError('ui.ivSurface.import', e) });
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    const id = props.selected;
    if (!id) return;
    if (!confirmDelete()) {
      setConfirmDelete(true);
      clearTimeout(confirmTimer);
      confirmTimer = setTimeout(() => setConfirmDelete(false), 5000);
      return;
    }
    setConfirmDelete(false);
    try {
      await app.backend.deleteOptionChain(id);
      props.onDeleted(id);
    } catch (e) {
      setError({ message: errorMessage(e), traceId: app.reportError('ui.ivSurface.delete', e, { chain: id }) });
    }
  };

  return (
    <section class="panel iv-controls" aria-labelledby="iv-chains-h" data-testid="iv-chains">
      <div class="iv-chains-head">
        <h2 id="iv-chains-h">Option Chains</h2>
        <Show
          when={props.chains.length > 0}
          fallback={<span class="hint">No option chain stored — import one to get the Market tab.</span>}
        >
          <label class="iv-inline">
            <span class="field-label">Stored chain</span>
            <select
              class="select"
              data-testid="iv-chain-select"
              value={props.selected ?? ''}
              onChange={(e) => props.onSelect(e.currentTarget.value)}
            >
              <For each={props.chains}>
                {(c) => (
                  <option value={c.id}>
                    {c.underlying} · {c.quoteDate} · {c.ok}/{c.rows} quotes ({c.source})
                  </option>
                )}
              </For>
            </select>
          </label>
          <button type="button" class="btn btn-sm btn-danger" data-testid="iv-chain-delete" onClick={() => void remove()} disabled={!props.selected}>
            {confirmDelete() ? 'Confirm delete' : 'Delete chain'}
          </button>
        </Show>
      </div>
      <div class="iv-import">
        <label class="field">
          <span>Chain file (CSV or Parquet)</span>
          <input
            ref={fileInput}
            type="file"
            accept=".csv,text/csv,.parquet,.pq"
            data-testid="iv-chain-file"
            onChange={(e) => setFileName(e.currentTarget.files?.[0]?.name ?? '')}
          />
        </label>
        <label class="field">
          <span>Quote date</span>
          <input type="date" class="input" data-testid="iv-chain-date" value={quoteDate()} onInput={(e) => setQuoteDate(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Symbol</span>
          <input class="input" data-testid="iv-chain-symbol" size="8" value={symbol()} onInput={(e) => setSymbol(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Spot</span>
          <input class="input num" inputmode="decimal" size="8" data-testid="iv-chain-spot" value={spot()} onInput={(e) => setSpot(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Rate</span>
          <input class="input num" inputmode="decimal" size="6" placeholder="0.05" data-testid="iv-chain-rate" value={rate()} onInput={(e) => setRate(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>Dividend yield</span>
          <input class="input num" inputmode="decimal" size="6" placeholder="0.01" data-testid="iv-chain-dividend" value={dividend()} onInput={(e) => setDividend(e.currentTarget.value)} />
        </label>
        <button type="button" class="btn btn-primary" data-testid="iv-chain-import" disabled={busy() || !fileName()} onClick={() => void start()}>
          {busy() ? 'Submitting…' : 'Import chain'}
        </button>
      </div>
      <details class="hint">
        <summary>File format</summary>
        Columns: expiry (or days), strike, type (call/put), bid, ask, optional last, underlying price, optional symbol, rate,
        dividend yield and quote date (usual header variants accepted). The fields above fill in only what the file lacks
        (rates as decimals, 0.05 = 5 %); each substitution is named in the chain's warnings. Rows that give no implied vol are
        listed with their code, never dropped.
      </details>
      <Show when={error()}>{(e) => <ErrorPanel title="Import could not start" message={e().message} traceId={e().traceId} />}</Show>
      <Show when={jobId()}>{(id) => <JobMonitor jobId={id()} />}</Show>
    </section>
  );
}
