import { For, type JSX } from 'solid-js';
import type { RegimeStateStats } from '../../../workers/api';
import { formatNumber, formatPercent } from '../../lib/format';
import './research.css';

const signedPct = (v: number, d = 3) => (Number.isFinite(v) ? `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(d)}%` : '—');
const dur = (v: number) => (v === Number.POSITIVE_INFINITY ? '∞ (absorbing)' : formatNumber(v, 1));

/** Per-state statistics over the causal path: share, returns, vol, observed and expected durations. */
export function StateStatsTable(props: { stats: readonly RegimeStateStats[]; colors: readonly string[]; unit: string; testid?: string }): JSX.Element {
  return (
    <div class="table-wrap">
      <table class="data" data-testid={props.testid}>
        <caption class="sr-only">Per-state statistics</caption>
        <thead>
          <tr>
            <th scope="col">State</th>
            <th scope="col" class="r">
              Share of time
            </th>
            <th scope="col" class="r">
              {props.unit === 'days' ? 'Mean daily return' : 'Mean return / bar'}
            </th>
            <th scope="col" class="r">
              Vol (ann.)
            </th>
            <th scope="col" class="r">
              Mean duration ({props.unit})
            </th>
            <th scope="col" class="r">
              Expected duration 1/(1−Aᵢᵢ)
            </th>
            <th scope="col" class="r">
              Episodes
            </th>
            <th scope="col" class="r">
              Bars
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.stats}>
            {(s, i) => (
              <tr data-state={s.state}>
                <td>
                  <span class="rs-swatch" style={{ background: props.colors[i()] }} aria-hidden="true" />
                  {s.label}
                </td>
                <td class="r">{formatPercent(s.share, 1)}</td>
                <td class="r" style={{ color: s.meanReturn >= 0 ? 'var(--accent-green)' : 'var(--accent-red)' }}>
                  {signedPct(s.meanReturn)}
                </td>
                <td class="r">{formatPercent(s.vol, 1)}</td>
                <td class="r">{formatNumber(s.meanDuration, 1)}</td>
                <td class="r">{dur(s.expectedDuration)}</td>
                <td class="r">{Number.isFinite(s.runs) ? s.runs : '—'}</td>
                <td class="r">{Number.isFinite(s.count) ? s.count.toLocaleString('en-US') : '—'}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
