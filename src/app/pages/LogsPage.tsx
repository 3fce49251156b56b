import { useSearchParams } from '@solidjs/router';
import { createVirtualizer } from '@tanstack/solid-virtual';
import { createEffect, createMemo, createSignal, For, type JSX, on, onCleanup, Show } from 'solid-js';
import { type Envelope, LOG_LEVELS, LOG_RETENTION, type LogEntry, type LogLevel } from '../../engine/contracts';
import { LogDetail } from '../components/logs/LogDetail';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import { exportFileName } from '../lib/csv';
import { formatLocalTimeMs } from '../lib/format';
import { appendRing, filterLogs, isFilterActive, type LogFilter, levelCounts, logsToCsv, logsToJsonl, mergeLogs } from '../lib/logs';
import { errorMessage } from '../lib/trace';
import { pageById } from '../pages';
import { useApp } from '../state/app';

const ROW_HEIGHT = 24;

function download(text: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export default function LogsPage(): JSX.Element {
  const page = pageById('logs');
  const app = useApp();
  const [params, setParams] = useSearchParams<{ trace?: string; job?: string; logger?: string }>();
  const [entries, setEntries] = createSignal<LogEntry[]>(app.backend.recentLogs().slice(-LOG_RETENTION.liveRing));
  const [paused, setPaused] = createSignal(false);
  const [levels, setLevels] = createSignal<ReadonlySet<LogLevel>>(new Set());
  const [text, setText] = createSignal('');
  const [clearedAt, setClearedAt] = createSignal<number | null>(null);
  const [confirmClear, setConfirmClear] = createSignal(false);
  const [selected, setSelected] = createSignal<LogEntry | null>(null);
  // While paused, new records are buffered so resuming shows them without a gap.
  let buffered: LogEntry[] = [];

  const unsub = app.backend.onLog((e) => {
    if (paused()) {
      buffered = appendRing(buffered, e, LOG_RETENTION.liveRing);
      return;
    }
    setEntries((list) => appendRing(list, e, LOG_RETENTION.liveRing));
  });
  onCleanup(unsub);

  // A ?trace= / ?job= link may point at records older than the live ring (e.g. after a
  // reload): read them back from the persisted store and merge.
  const [historyError, setHistoryError] = createSignal<string | null>(null);
  createEffect(
    on(
      () => [params.trace, params.job] as const,
      ([traceId, jobId]) => {
        if (!traceId && !jobId) return;
        setHistoryError(null);
        app.backend.queryLogs({ traceId, jobId, limit: LOG_RETENTION.liveRing }).then(
          (rows) => setEntries((list) => mergeLogs(list, rows, LOG_RETENTION.liveRing + rows.length)),
          (e) => {
            const trace = app.reportError('ui.logs', e, { action: 'queryLogs' });
            setHistoryError(`Stored log records could not be read: ${errorMessage(e)} (trace ${trace})`);
          },
        );
      },
    ),
  );

  // After a reload the live ring is nearly empty: show the newest persisted records too.
  app.backend.queryLogs({ limit: LOG_RETENTION.liveRing }).then(
    (rows) => setEntries((list) => mergeLogs(list, rows, LOG_RETENTION.liveRing)),
    (e) => {
      const trace = app.reportError('ui.logs', e, { action: 'queryLogs' });
      setHistoryError(`Stored log records could not be read: ${errorMessage(e)} (trace ${trace})`);
    },
  );

  const resume = () => {
    const pending = buffered;
    buffered = [];
    setEntries((list) => [...list, ...pending].slice(-LOG_RETENTION.liveRing));
    setPaused(false);
  };

  const filter = createMemo<LogFilter>(() => ({
    levels: levels(),
    text: text(),
    traceId: params.trace ?? null,
    jobId: params.job ?? null,
  }));
  // Logger filter is a prefix on the dotted name ("worker" matches "worker.compute").
  const loggerPrefix = () => params.logger ?? '';
  const visible = createMemo(() => {
    const from = clearedAt();
    const base = from === null ? entries() : entries().filter((e) => e.ts > from);
    const prefix = loggerPrefix();
    const byLogger = prefix ? base.filter((e) => e.logger === prefix || e.logger.startsWith(`${prefix}.`)) : base;
    return filterLogs(byLogger, filter());
  });
  const loggers = createMemo(() => [...new Set(entries().map((e) => e.logger))].sort());
  const anyFilter = () => isFilterActive(filter()) || loggerPrefix() !== '';
  const counts = createMemo(() => levelCounts(entries()));

  const toggleLevel = (l: LogLevel) => {
    const next = new Set(levels());
    if (next.has(l)) next.delete(l);
    else next.add(l);
    setLevels(next);
  };
  const clearFilters = () => {
    setLevels(new Set<LogLevel>());
    setText('');
    setParams({ trace: undefined, job: undefined, logger: undefined });
  };

  const envelope = (): Envelope<LogEntry[]> => ({
    data: visible(),
    meta: {
      mode: 'live',
      generatedAt: new Date(app.now()).toISOString(),
      asOf: entries().length ? new Date(entries()[entries().length - 1].ts).toISOString() : null,
      source: `log bus of this session (ring of ${LOG_RETENTION.liveRing})`,
      staleness: null,
      warnings: paused() ? ['Stream paused — new records are buffered until you resume'] : [],
    },
  });

  const state = (): PanelState =>
    visible().length === 0
      ? {
          kind: 'empty',
          message: entries().length === 0 ? 'No log entries yet' : 'No log entries match the current filters',
          actions: anyFilter() ? [{ label: 'Clear filters', onClick: clearFilters }] : undefined,
        }
      : { kind: 'ready', envelope: envelope() };

  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Live engine and worker log records for troubleshooting" />
      <div class="log-toolbar" role="toolbar" aria-label="Log filters">
        <input
          class="input"
          type="search"
          placeholder="Search logs…"
          aria-label="Search logs (message and logger)"
          data-page-search
          data-testid="log-search"
          value={text()}
          onInput={(e) => setText(e.currentTarget.value)}
          style={{ width: '240px' }}
        />
        <For each={LOG_LEVELS}>
          {(l) => (
            <button type="button" class={`chip lv-${l}`} data-testid={`level-chip-${l}`} aria-pressed={levels().has(l)} onClick={() => toggleLevel(l)}>
              {l} <span class="hint">{counts()[l]}</span>
            </button>
          )}
        </For>
        <Show when={params.trace}>
          <button
            type="button"
            class="chip"
            data-testid="trace-filter"
            title="Remove the trace filter"
            onClick={() => setParams({ trace: undefined })}
          >
            trace {params.trace} ✕
          </button>
        </Show>
        <select
          class="select"
          aria-label="Logger"
          data-testid="logger-filter"
          style={{ width: '220px' }}
          value={loggerPrefix()}
          onChange={(e) => setParams({ logger: e.currentTarget.value || undefined })}
        >
          <option value="">All loggers</option>
          <Show when={loggerPrefix() && !loggers().includes(loggerPrefix())}>
            <option value={loggerPrefix()}>{loggerPrefix()}</option>
          </Show>
          <For each={loggers()}>{(name) => <option value={name}>{name}</option>}</For>
        </select>
        <Show when={params.job}>
          <button type="button" class="chip" data-testid="job-filter" title="Remove the job filter" onClick={() => setParams({ job: undefined })}>
            job {params.job} ✕
          </button>
        </Show>
        <Show when={anyFilter()}>
          <button type="button" class="btn btn-sm" data-testid="log-clear-filters" onClick={clearFilters}>
            Clear filters
          </button>
        </Show>
        <span style={{ 'margin-left': 'auto', display: 'flex', gap: '6px' }}>
          <button type="button" class="btn btn-sm" data-testid="log-pause" aria-pressed={paused()} onClick={() => (paused() ? resume() : setPaused(true))}>
            {paused() ? 'Resume' : 'Pause'}
          </button>
          <button
            type="button"
            class="btn btn-sm"
            data-testid="log-export-jsonl"
            onClick={() => download(logsToJsonl(visible()), exportFileName('logs', 'stream', new Date(app.now()), 'jsonl'), 'application/x-ndjson')}
          >
            Export JSONL
          </button>
          <button
            type="button"
            class="btn btn-sm"
            data-testid="log-export-csv"
            onClick={() => download(logsToCsv(visible()), exportFileName('logs', 'stream', new Date(app.now())), 'text/csv')}
          >
            Export CSV
          </button>
          <Show
            when={confirmClear()}
            fallback={
              <button type="button" class="btn btn-sm" onClick={() => setConfirmClear(true)}>
                Clear view
              </button>
            }
          >
            <button
              type="button"
              class="btn btn-sm btn-danger"
              onClick={() => {
                setClearedAt(Date.now());
                setConfirmClear(false);
              }}
            >
              Confirm clear (view only)
            </button>
            <button type="button" class="btn btn-sm" onClick={() => setConfirmClear(false)}>
              Keep
            </button>
          </Show>
        </span>
      </div>

      <Show when={historyError()}>
        <p class="error-text" role="alert">
          {historyError()}
        </p>
      </Show>
      <Panel<LogEntry[]> title="Log Stream" state={state()} tools={
          <span class="badge mono" data-testid="log-count" title={`${entries().length} records in the view buffer`}>
            {visible().length} entries
          </span>
        }>
        {(rows) => <LogList rows={rows} follow={() => !paused()} selected={selected()} onSelect={setSelected} />}
      </Panel>
      <Show when={selected()}>{(e) => <LogDetail entry={e()} onClose={() => setSelected(null)} />}</Show>
    </div>
  );
}

/** Virtualised rows (fixed 24 px), newest at the bottom; follows the newest row while `follow()`. */
function LogList(props: { rows: () => LogEntry[]; follow: () => boolean; selected: LogEntry | null; onSelect: (e: LogEntry) => void }): JSX.Element {
  let scroller: HTMLDivElement | undefined;
  const virtualizer = createVirtualizer({
    get count() {
      return props.rows().length;
    },
    getScrollElement: () => scroller ?? null,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });
  createEffect(
    on(
      () => props.rows().length,
      (n) => {
        if (props.follow() && n > 0) queueMicrotask(() => virtualizer.scrollToIndex(n - 1, { align: 'end' }));
      },
    ),
  );
  return (
    <div class="log-scroll" ref={scroller} role="log" aria-label="Log records" tabindex="0">
      <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
        <For each={virtualizer.getVirtualItems()}>
          {(item) => (
            <Show when={props.rows()[item.index]}>
              {(entry) => (
                <div
                  class="log-row"
                  data-testid="log-row"
                  role="button"
                  tabIndex={0}
                  aria-pressed={props.selected === entry()}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    transform: `translateY(${item.start}px)`,
                    cursor: 'pointer',
                    ...(props.selected === entry() ? { background: 'rgba(88,166,255,0.12)' } : {}),
                  }}
                  title={`${entry().message} — click for the full record`}
                  onClick={() => props.onSelect(entry())}
                  onKeyDown={(ev) => {
                    if (ev.key === 'Enter' || ev.key === ' ') {
                      ev.preventDefault();
                      props.onSelect(entry());
                    }
                  }}
                >
                  <span>{formatLocalTimeMs(entry().ts)}</span>
                  <span class={`lv-${entry().level}`}>{entry().level}</span>
                  <span>{entry().logger}</span>
                  <span>
                    {entry().message}
                    <Show when={entry().traceId}>
                      <span class="hint"> · trace {entry().traceId}</span>
                    </Show>
                    <Show when={entry().jobId}>
                      <span class="hint"> · job {entry().jobId}</span>
                    </Show>
                  </span>
                </div>
              )}
            </Show>
          )}
        </For>
      </div>
    </div>
  );
}
