import { For, type JSX } from 'solid-js';
import type { DatasetMeta } from '../../../engine/contracts';
import { formatBytes, formatInt, isoDay } from '../../lib/format';
import { modeForOrigin } from '../../lib/provenance';

/** The catalog: one row per stored (ticker, timeframe), with view / export / delete. */
export function DatasetsTable(props: {
  list: DatasetMeta[];
  selected: string | null;
  onView: (d: DatasetMeta) => void;
  onExport: (d: DatasetMeta, format: 'csv' | 'parquet') => void;
  onDelete: (d: DatasetMeta) => void;
}): JSX.Element {
  return (
    <div class="table-wrap" style={{ 'max-height': '320px' }}>
      <table class="data" data-testid="datasets-table">
        <caption class="sr-only">Stored datasets</caption>
        <thead>
          <tr>
            <th scope="col">Ticker</th>
            <th scope="col">Timeframe</th>
            <th scope="col">Mode</th>
            <th scope="col" class="r">
              Rows
            </th>
            <th scope="col">Range</th>
            <th scope="col">Quality</th>
            <th scope="col">Source</th>
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
          <For each={props.list}>
            {(d) => {
              const mode = modeForOrigin(d.origin);
              return (
                <tr data-testid="dataset-row" data-dataset-id={d.id} classList={{ 'row-selected': props.selected === d.id }} aria-selected={props.selected === d.id}>
                  <td>
                    <button type="button" class="linkish" data-testid="dataset-view" onClick={() => props.onView(d)} title={`Show ${d.id}`}>
                      {d.ticker}
                    </button>
                  </td>
                  <td>{d.timeframe}</td>
                  <td>
                    <span class="badge" data-mode={mode} data-testid="dataset-mode">
                      {mode.toUpperCase()}
                    </span>
                  </td>
                  <td class="r">{formatInt(d.rows)}</td>
                  <td>
                    {isoDay(d.first)} → {isoDay(d.last)}
                  </td>
                  <td>
                    <span class={`status-badge st-${d.quality}`} data-testid="dataset-quality">
                      {d.quality}
                    </span>
                  </td>
                  <td class="de-source" title={d.source}>
                    {d.source}
                  </td>
                  <td>{d.storedAt.replace('T', ' ').slice(0, 16)}</td>
                  <td class="r">{formatBytes(d.bytes)}</td>
                  <td class="de-actions">
                    <button type="button" class="btn btn-sm" onClick={() => props.onExport(d, 'csv')} data-testid="dataset-export-csv">
                      CSV
                    </button>
                    <button type="button" class="btn btn-sm" onClick={() => props.onExport(d, 'parquet')} data-testid="dataset-export-parquet">
                      Parquet
                    </button>
                    <button type="button" class="btn btn-sm btn-danger" onClick={() => props.onDelete(d)} data-testid="dataset-delete">
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
  );
}
