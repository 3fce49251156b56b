import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { PredictionsView } from '../../../workers/models/signal-views';
import { exportFileName } from '../../lib/csv';
import { formatPercent } from '../../lib/format';
import { REGIME_COLORS, REGIME_LABELS } from '../../lib/research-color';
import { downloadText } from '../../lib/research-table';
import './signals.css';
import { action, type Direction, filterSignals, type SortKey, signalsCsv, sortSignals } from './signal-model';

const pct = (v: number | null, d = 2) => (v === null ? '—' : formatPercent(v, d));
const COLUMNS: { key: SortKey; label: string }[] = [
  { key: 'rank', label: '#' },
  { key: 'ticker', label: 'Ticker' },
  { key: 'predictedReturn', label: 'Predicted Return' },
  { key: 'confidence', label: 'Confidence' },
  { key: 'score', label: 'Score (ret × conf)' },
  { key: 'regime', label: 'Regime' },
  { key: 'ensembleStd', label: 'Member Std' },
];

/** Ranked signals (predicted return × confidence) with regime / confidence / direction filters, sorting and CSV export. */
export function SignalRankings(props: { view: PredictionsView; topN: number; now: number }): JSX.Element {
  const [regime, setRegime] = createSignal<number | 'all'>('all');
  const [minConf, setMinConf] = createSignal(0);
  const [direction, setDirection] = createSignal<Direction>('all');
  const [sort, setSort] = createSignal<{ key: SortKey; desc: boolean }>({ key: 'rank', desc: true });
  const [showAll, setShowAll] = createSignal(false);
  const ranked = createMemo(() => sortSignals(props.view.signals, 'rank', true));
  const rankOf = createMemo(() => new Map(ranked().map((s, i) => [s.ticker, i + 1])));
  const filtered = createMemo(() => filterSignals(ranked(), { regime: regime(), minConfidence: minConf(), direction: direction() }));
  const rows = createMemo(() => {
    const s = sort();
    const sorted = sortSignals(filtered(), s.key, s.desc);
    return showAll() ? sorted : sorted.slice(0, props.topN);
  });
  const counts = createMemo(() => {
    const c = { LONG: 0, SHORT: 0, PASS: 0 };
    for (const s of props.view.signals) c[action(s)]++;
    return c;
  });
  const exportCsv = () => {
    const s = sort();
    const text = signalsCsv(sortSignals(filtered(), s.key, s.desc), props.view.memberNames, props.view.horizon);
    downloadText(text, exportFileName('signal-desk', `h${props.view.horizon}`, new Date(props.now)));
  };
  const header = (c: { key: SortKey; label: string }) => {
    const s = sort();
    const active = s.key === c.key;
    return (
      <th aria-sort={active ? (s.desc ? 'descending' : 'ascending') : 'none'}>
        <button type="button" class="signal-sort" onClick={() => setSort({ key: c.key, desc: active ? !s.desc : c.key !== 'ticker' })}>
          {c.label}
          {active ? (s.desc ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    );
  };
  return (
    <div>
      <p class="hint" data-testid="signal-status" style={{ margin: '0 0 8px' }}>
        {`${props.view.horizon}d horizon | ${props.view.signals.length} signals: ${counts().LONG} LONG, ${counts().SHORT} SHORT, ${counts().PASS} PASS | model ${props.view.modelId.slice(0, 12)}`}
      </p>
      <div class="field-row" style={{ 'margin-bottom': '8px' }}>
        <label>
          Regime{' '}
          <select data-testid="signal-filter-regime" onChange={(e) => setRegime(e.currentTarget.value === 'all' ? 'all' : Number(e.currentTarget.value))}>
            <option value="all">All</option>
            <For each={REGIME_LABELS}>{(l, i) => <option value={String(i())}>{l}</option>}</For>
          </select>
        </label>
        <label>
          Min confidence{' '}
          <input
            type="number"
            data-testid="signal-filter-confidence"
            min={0}
            max={1}
            step={0.05}
            value={minConf()}
            style={{ width: '5rem' }}
            onChange={(e) => {
              const v = Number(e.currentTarget.value);
              if (Number.isFinite(v) && v >= 0 && v <= 1) setMinConf(v);
            }}
          />
        </label>
        <label>
          Direction{' '}
          <select data-testid="signal-filter-direction" onChange={(e) => setDirection(e.currentTarget.value as Direction)}>
            <option value="all">All</option>
            <option value="long">Long</option>
            <option value="short">Short</option>
          </select>
        </label>
        <label>
          <input type="checkbox" checked={showAll()} onChange={(e) => setShowAll(e.currentTarget.checked)} /> Show all
        </label>
        <button type="button" class="btn btn-sm" data-testid="signal-csv" onClick={exportCsv} disabled={filtered().length === 0}>
          Export CSV
        </button>
      </div>
      <Show when={rows().length > 0} fallback={<p class="hint" data-testid="signal-filter-empty">No signals match the filters.</p>}>
        <table class="data-table" data-testid="signal-table">
          <thead>
            <tr>
              <For each={COLUMNS}>{(c) => header(c)}</For>
              <th>Action</th>
              <th>As of</th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(s) => (
                <tr data-testid="signal-row" data-ticker={s.ticker}>
                  <td class="num">{rankOf().get(s.ticker)}</td>
                  <td>{s.ticker}</td>
                  <td class="num" style={{ color: (s.predictedReturn ?? 0) >= 0 ? '#3fb950' : '#f85149' }}>
                    {pct(s.predictedReturn)}
                  </td>
                  <td class="num">{s.confidence === null ? '—' : s.confidence.toFixed(3)}</td>
                  <td class="num">{s.score === null ? '—' : (s.score * 100).toFixed(3)}</td>
                  <td>
                    <Show when={s.regime >= 0} fallback="—">
                      <span style={{ color: REGIME_COLORS[s.regime] }}>{`● ${s.regimeName}`}</span>
                      <span class="hint">{s.regimeConfidence === null ? '' : ` ${(s.regimeConfidence * 100).toFixed(0)}%`}</span>
                    </Show>
                  </td>
                  <td class="num">{pct(s.ensembleStd)}</td>
                  <td>{action(s)}</td>
                  <td>
                    {s.date}
                    {s.inSample ? ' (in-sample)' : ''}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={!showAll() && filtered().length > props.topN}>
          <p class="hint">{`Top ${props.topN} of ${filtered().length} shown.`}</p>
        </Show>
      </Show>
    </div>
  );
}
