import { createMemo, createSignal, type JSX, Show } from 'solid-js';
import type { Bars, Timeframe } from '../../../engine/contracts';
import { VirtualTable, type VirtualColumn, type VirtualTableHandle } from '../../components/VirtualTable';
import type { ShowRowsRequest } from './QualityView';

const num = (v: number) => (Number.isFinite(v) ? String(v) : '');

/**
 * Every bar in a virtualised, keyboard-navigable grid (raw numbers, ISO times). Rows named by
 * a quality check are flagged; Prev/Next step through them.
 */
export function BarsTable(props: {
  bars: Bars;
  timeframe: Timeframe;
  flagged: ShowRowsRequest | null;
  onClearFlags: () => void;
  ref?: (h: VirtualTableHandle) => void;
  onActive?: (i: number) => void;
}): JSX.Element {
  let table: VirtualTableHandle | undefined;
  const [cursor, setCursor] = createSignal(0);
  const daily = () => props.timeframe === '1d';
  const time = (i: number) => {
    const t = props.bars.ts[i];
    return daily() ? new Date(t).toISOString().slice(0, 10) : new Date(t).toISOString().slice(0, 16).replace('T', ' ');
  };
  const columns = (): VirtualColumn[] => [
    { key: 'i', label: '#', numeric: true, width: '70px', cell: (i) => String(i + 1) },
    { key: 't', label: daily() ? 'Date' : 'Time (UTC)', width: 'minmax(130px, 1.5fr)', cell: time },
    { key: 'o', label: 'Open', numeric: true, cell: (i) => num(props.bars.open[i]) },
    { key: 'h', label: 'High', numeric: true, cell: (i) => num(props.bars.high[i]) },
    { key: 'l', label: 'Low', numeric: true, cell: (i) => num(props.bars.low[i]) },
    { key: 'c', label: 'Close', numeric: true, cell: (i) => num(props.bars.close[i]) },
    { key: 'v', label: 'Volume', numeric: true, cell: (i) => num(props.bars.volume[i]) },
    {
      key: 'r',
      label: 'Chg %',
      numeric: true,
      width: '80px',
      cell: (i) => {
        if (i === 0) return '';
        const r = props.bars.close[i] / props.bars.close[i - 1] - 1;
        return Number.isFinite(r) ? `${(r * 100).toFixed(2)}` : '';
      },
    },
  ];
  const flaggedSet = createMemo(() => new Set(props.flagged?.bars ?? []));
  const step = (d: number) => {
    const f = props.flagged;
    if (!f || f.bars.length === 0) return;
    const k = (cursor() + d + f.bars.length) % f.bars.length;
    setCursor(k);
    table?.focusRow(f.bars[k]);
  };

  return (
    <div class="stack">
      <Show when={props.flagged}>
        {(f) => (
          <div class="field-row de-flags" data-testid="flagged-rows" style={{ gap: '8px', 'flex-wrap': 'wrap' }}>
            <span>
              <strong>{f().label}</strong>: {f().bars.length} stored row{f().bars.length === 1 ? '' : 's'} flagged
              {f().notStored.length > 0 ? `; ${f().notStored.length} input row(s) not stored (excluded from the clean data): ${f().notStored.slice(0, 8).map((r) => r + 1).join(', ')}${f().notStored.length > 8 ? ', …' : ''}` : ''}
            </span>
            <Show when={f().bars.length > 0}>
              <button type="button" class="btn btn-sm" onClick={() => step(-1)}>
                ← Prev
              </button>
              <button type="button" class="btn btn-sm" onClick={() => step(1)}>
                Next →
              </button>
            </Show>
            <button type="button" class="btn btn-sm" onClick={() => props.onClearFlags()}>
              Clear
            </button>
          </div>
        )}
      </Show>
      <VirtualTable
        caption="Bars"
        testid="bars-table"
        rowCount={props.bars.ts.length}
        columns={columns()}
        highlighted={flaggedSet()}
        height={420}
        ref={(h) => {
          table = h;
          props.ref?.(h);
        }}
        onActive={props.onActive}
      />
    </div>
  );
}
