import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { ChainFailure } from '../../../workers/api';
import { exportFileName, toCsv } from '../../lib/csv';

const PAGE = 25;

const n = (v: number | null) => (v === null ? '—' : String(v));

/**
 * Quote rows that gave no implied vol, with their code and reason (paginated, 25 per page;
 * Export CSV has every row).
 */
export function FailureTable(props: { failures: readonly ChainFailure[]; chainLabel: string }): JSX.Element {
  const [page, setPage] = createSignal(0);
  const pages = () => Math.max(1, Math.ceil(props.failures.length / PAGE));
  const rows = createMemo(() => props.failures.slice(page() * PAGE, page() * PAGE + PAGE));
  const download = () => {
    const csv = toCsv(
      ['line', 'code', 'detail', 'type', 'expiry', 'strike', 'bid', 'ask', 'last'],
      props.failures.map((f) => [f.line, f.code, f.detail, f.type, f.expiry, f.strike, f.bid, f.ask, f.last]),
    );
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = exportFileName('iv-surface', `${props.chainLabel}-failed-quotes`, new Date());
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  return (
    <div data-testid="iv-failures">
      <Show when={props.failures.length > 0} fallback={<p class="hint">Every quote gave an implied vol.</p>}>
        <div class="table-wrap">
          <table class="data">
            <caption class="sr-only">Quotes without an implied vol, with the result code and the reason</caption>
            <thead>
              <tr>
                <th scope="col" class="r">Line</th>
                <th scope="col">Code</th>
                <th scope="col">Reason</th>
                <th scope="col">Type</th>
                <th scope="col">Expiry</th>
                <th scope="col" class="r">Strike</th>
                <th scope="col" class="r">Bid</th>
                <th scope="col" class="r">Ask</th>
                <th scope="col" class="r">Last</th>
              </tr>
            </thead>
            <tbody>
              <For each={rows()}>
                {(f) => (
                  <tr data-testid="iv-failure-row" data-code={f.code} data-line={f.line}>
                    <td class="r num">{f.line}</td>
                    <td class="mono">{f.code}</td>
                    <td>{f.detail}</td>
                    <td>{f.type}</td>
                    <td class="num">{f.expiry || '—'}</td>
                    <td class="r num">{n(f.strike)}</td>
                    <td class="r num">{n(f.bid)}</td>
                    <td class="r num">{n(f.ask)}</td>
                    <td class="r num">{n(f.last)}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <div class="iv-pager">
        <Show when={pages() > 1}>
          <button type="button" class="btn btn-sm" disabled={page() === 0} onClick={() => setPage((p) => p - 1)}>
            Previous
          </button>
          <span>
            Page {page() + 1} of {pages()}
          </span>
          <button type="button" class="btn btn-sm" disabled={page() >= pages() - 1} onClick={() => setPage((p) => p + 1)}>
            Next
          </button>
        </Show>
        <span class="hint">{props.failures.length} failed rows</span>
        <button type="button" class="btn btn-sm" onClick={download} disabled={props.failures.length === 0}>
          Export CSV
        </button>
      </div>
    </div>
  );
}
