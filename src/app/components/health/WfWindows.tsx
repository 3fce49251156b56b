import { For, type JSX, Show } from 'solid-js';
import type { WfWindow } from '../../../workers/health/view';

const W = 600;
const ROW = 18;
const LABEL = 90;

const t = (s: string | null) => (s === null ? Number.NaN : Date.parse(`${s}T00:00:00Z`));

/** Recorded walk-forward folds: a Gantt of train/test windows (when dated) and the fold table. */
export function WfWindows(props: { windows: WfWindow[] }): JSX.Element {
  const dated = () => props.windows.filter((w) => [w.train_start, w.train_end, w.test_start, w.test_end].every((x) => Number.isFinite(t(x))));
  const span = () => {
    const xs = dated().flatMap((w) => [t(w.train_start), t(w.test_end)]);
    return [Math.min(...xs), Math.max(...xs)] as const;
  };
  const x = (ms: number) => {
    const [a, b] = span();
    return LABEL + ((ms - a) / (b - a || 1)) * (W - LABEL - 10);
  };
  const fmt = (v: number | null) => (v === null ? '—' : v.toFixed(4));
  return (
    <div class="stack" data-testid="wf-windows">
      <Show when={dated().length > 0}>
        <svg viewBox={`0 0 ${W} ${dated().length * ROW + 8}`} width="100%" role="img" aria-label={`Walk-forward windows: ${dated().length} dated folds`}>
          <For each={dated()}>
            {(w, i) => (
              <g>
                <text x={0} y={i() * ROW + 13} font-size="10" fill="var(--text-muted)">
                  {`${w.source.split('/')[0]} f${w.fold}`}
                </text>
                <rect x={x(t(w.train_start))} y={i() * ROW + 4} width={Math.max(1, x(t(w.train_end)) - x(t(w.train_start)))} height={ROW - 6} fill="rgba(88,166,255,0.55)" />
                <rect x={x(t(w.test_start))} y={i() * ROW + 4} width={Math.max(1, x(t(w.test_end)) - x(t(w.test_start)))} height={ROW - 6} fill="rgba(63,185,80,0.8)" />
              </g>
            )}
          </For>
        </svg>
        <p class="hint" style={{ margin: 0 }}>
          Blue = training window, green = test window.
        </p>
      </Show>
      <div class="table-wrap">
        <table class="data">
          <thead>
            <tr>
              <th>Source</th>
              <th class="r">Fold</th>
              <th>Train</th>
              <th>Test</th>
              <th>Metric</th>
              <th class="r">IS</th>
              <th class="r">OOS</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.windows}>
              {(w) => (
                <tr>
                  <td class="mono">{w.source}</td>
                  <td class="r">{w.fold}</td>
                  <td class="mono">{w.train_start && w.train_end ? `${w.train_start} → ${w.train_end}` : 'sample positions'}</td>
                  <td class="mono">{w.test_start && w.test_end ? `${w.test_start} → ${w.test_end}` : 'sample positions'}</td>
                  <td>{w.metric}</td>
                  <td class="r mono">{fmt(w.is_metric)}</td>
                  <td class="r mono">{fmt(w.oos_metric)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
    </div>
  );
}
