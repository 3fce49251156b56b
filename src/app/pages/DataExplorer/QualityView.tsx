import { createSignal, For, type JSX, Show } from 'solid-js';
import { QUALITY_CHECKS } from '../../../engine/data/quality';
import type { OffendingRows, QualityArtifact } from '../../../workers/api';
import { formatInt, formatNumber, formatPercent } from '../../lib/format';

type Json = QualityArtifact['report'][string];

export interface ShowRowsRequest {
  label: string;
  /** stored bar indices (ascending, unique) */
  bars: number[];
  /** offending input rows that are not stored (excluded from the clean frame) */
  notStored: number[];
}

function num(v: Json | undefined): number {
  return typeof v === 'number' ? v : Number.NaN;
}

/** Value of each A.4 check as the report holds it. */
export function checkValue(report: QualityArtifact['report'], check: string): number {
  const obj = (k: string) => (report[k] ?? {}) as { [k: string]: Json };
  const len = (k: string) => (Array.isArray(report[k]) ? (report[k] as Json[]).length : Number.NaN);
  switch (check) {
    case 'empty':
      return num(report.rows_clean);
    case 'missing_values':
      return Math.max(...Object.values(obj('missing_values')).map(num));
    case 'ohlc_violations':
      return num(obj('ohlc_violations').rows);
    case 'nonpositive_prices':
      return num(report.nonpositive_price_rows);
    case 'negative_volume':
      return num(report.negative_volume_rows);
    case 'zero_volume':
      return num(report.zero_volume_rows);
    case 'gap_runs':
    case 'suspected_splits':
    case 'stale_runs':
      return len(check);
    default:
      return num(report[check]);
  }
}

/** Offending rows of a check (missing values: all columns merged). */
export function rowsOf(q: QualityArtifact, check: string): OffendingRows | null {
  if (check === 'missing_values') {
    const parts = Object.entries(q.rows).filter(([k]) => k.startsWith('missing_values.'));
    if (parts.length === 0) return null;
    const pairs = new Map<number, number>();
    let truncated = 0;
    for (const [, r] of parts) {
      for (let i = 0; i < r.file.length; i++) pairs.set(r.file[i], r.bars[i]);
      truncated += r.truncated;
    }
    const file = [...pairs.keys()].sort((a, b) => a - b);
    return { file, bars: file.map((f) => pairs.get(f) ?? -1), truncated };
  }
  if (check === 'nonpositive_prices' || check === 'negative_volume' || check === 'zero_volume') return q.rows[check] ?? null;
  return q.rows[check] ?? null;
}

export function toShowRows(label: string, r: OffendingRows): ShowRowsRequest {
  const bars = [...new Set(r.bars.filter((b) => b >= 0))].sort((a, b) => a - b);
  const notStored = r.file.filter((_, i) => r.bars[i] < 0);
  return { label, bars, notStored };
}

/**
 * The contract report: status, every check with its level and value (and the rows behind it
 * one click away), gap runs, suspected splits and stale runs.
 */
export function QualityView(props: {
  q: QualityArtifact;
  /** null when rows cannot be shown (a derived series) */
  onShowRows: ((r: ShowRowsRequest) => void) | null;
  onShowDate?: (iso: string) => void;
}): JSX.Element {
  const [open, setOpen] = createSignal<string | null>(null);
  const report = () => props.q.report;
  const status = () => String(report().status ?? 'unknown');
  const issues = () => (Array.isArray(report().issues) ? (report().issues as { check: string; level: string; value: number }[]) : []);
  const checks = () => QUALITY_CHECKS.filter((c) => c !== 'outside_rth_bars' || props.q.kind === 'intraday');
  const levelOf = (c: string) => issues().find((i) => i.check === c)?.level ?? 'pass';
  const arr = (k: string) => (Array.isArray(report()[k]) ? (report()[k] as { [k: string]: Json }[]) : []);

  return (
    <div class="stack" data-testid="quality-report" data-status={status()}>
      <div class="field-row" style={{ gap: '10px', 'flex-wrap': 'wrap' }}>
        <span class={`status-badge st-${status()}`} data-testid="quality-status">
          {status().toUpperCase()}
        </span>
        <span class="hint">
          {String(report().ticker ?? '')} · {props.q.kind} · {formatInt(num(report().rows))} rows read, {formatInt(num(report().rows_clean))} clean ·{' '}
          {String(report().first ?? '—')} → {String(report().last ?? '—')} · from {props.q.input}
          {props.q.adjCloseUsed ? ' · prices adjusted by Adj Close' : ''}
        </span>
      </div>
      <div class="de-quality">
      <div class="table-wrap" style={{ 'max-height': 'none' }}>
        <table class="data" data-testid="quality-checks">
          <caption class="sr-only">Quality checks</caption>
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Level</th>
              <th scope="col" class="r">
                Value
              </th>
              <th scope="col">
                <span class="sr-only">Rows</span>
              </th>
            </tr>
          </thead>
          <tbody>
            <For each={checks()}>
              {(c) => {
                const rows = () => rowsOf(props.q, c);
                return (
                  <tr data-testid="quality-check" data-check={c} data-level={levelOf(c)}>
                    <td>{c}</td>
                    <td>
                      <span class={`status-badge st-${levelOf(c)}`}>{levelOf(c)}</span>
                    </td>
                    <td class="r">
                      {c === 'missing_weekdays' && report().missing_weekday_fraction !== null
                        ? `${formatInt(checkValue(report(), c))} (${formatPercent(num(report().missing_weekday_fraction))})`
                        : formatInt(checkValue(report(), c))}
                    </td>
                    <td>
                      <Show when={props.onShowRows && rows() && rows()!.file.length > 0}>
                        <button
                          type="button"
                          class="btn btn-sm"
                          data-testid="quality-show-rows"
                          onClick={() => props.onShowRows?.(toShowRows(c, rows()!))}
                        >
                          show rows
                        </button>
                      </Show>
                    </td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
      <div class="stack">
      <For
        each={[
          { key: 'gap_runs', title: 'Gap runs (≥ 3 missing weekdays)', cols: ['start', 'end', 'weekdays'] },
          { key: 'suspected_splits', title: 'Suspected splits (|return| > 40 %)', cols: ['ts', 'ret', 'ratio'] },
          { key: 'stale_runs', title: 'Stale runs (≥ 5 identical closes)', cols: ['start', 'end', 'bars'] },
        ]}
      >
        {(sec) => (
          <details open={open() === sec.key} onToggle={(e) => setOpen(e.currentTarget.open ? sec.key : null)} data-testid={`quality-${sec.key}`}>
            <summary>
              {sec.title}: {arr(sec.key).length}
            </summary>
            <Show when={arr(sec.key).length > 0} fallback={<p class="hint">None.</p>}>
              <div class="table-wrap" style={{ 'max-height': '200px' }}>
                <table class="data">
                  <thead>
                    <tr>
                      <For each={sec.cols}>{(c) => <th scope="col">{c}</th>}</For>
                      <th scope="col">
                        <span class="sr-only">Jump</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={arr(sec.key).slice(0, 500)}>
                      {(row) => (
                        <tr>
                          <For each={sec.cols}>
                            {(c) => <td>{typeof row[c] === 'number' && !Number.isInteger(row[c]) ? formatNumber(row[c] as number, 4) : String(row[c] ?? '')}</td>}
                          </For>
                          <td>
                            <Show when={props.onShowDate}>
                              <button type="button" class="btn btn-sm" onClick={() => props.onShowDate?.(String(row.ts ?? row.start))}>
                                show
                              </button>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </details>
        )}
      </For>
      </div>
      </div>
    </div>
  );
}
