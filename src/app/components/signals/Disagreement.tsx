import { For, type JSX, Show } from 'solid-js';
import { formatPercent } from '../../lib/format';
import { KpiCard } from '../KpiCard';
import type { Disagreement } from './signal-model';

const pct = (v: number | null, d = 2) => (v === null ? '—' : formatPercent(v, d));

/** Spread of the global members' predictions: summary cards, member means, most disputed signals. */
export function DisagreementView(props: { d: Disagreement }): JSX.Element {
  const level = () => {
    const a = props.d.avg;
    return a === null ? undefined : a < 0.005 ? 'good' : a < 0.01 ? 'warn' : 'bad';
  };
  return (
    <div data-testid="signal-disagreement">
      <div class="kpi-grid">
        <KpiCard label="Avg Disagreement" value={pct(props.d.avg)} subtitle={`std of member predictions (${level() ?? 'n/a'})`} />
        <KpiCard label="Max Disagreement" value={pct(props.d.max)} subtitle={props.d.rows[0]?.ticker ?? '—'} />
        <KpiCard label="High Disagreement" value={`${props.d.high} / ${props.d.total}`} subtitle="> 1.5× average spread" />
      </div>
      <table class="data-table" style={{ 'margin-top': '8px' }}>
        <thead>
          <tr>
            <th>Member</th>
            <th>Mean prediction</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.d.memberMeans}>
            {(m) => (
              <tr>
                <td>{m.name}</td>
                <td class="num">{pct(m.mean)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <h3 style={{ 'font-size': '0.9rem', margin: '12px 0 4px' }}>Top Disagreed Signals</h3>
      <Show when={props.d.rows.length > 0} fallback={<p class="hint">No member spreads available.</p>}>
        <table class="data-table" data-testid="disagreement-table">
          <thead>
            <tr>
              <th>Ticker</th>
              <For each={props.d.rows[0]?.members ?? []}>{(m) => <th>{m.name}</th>}</For>
              <th>± std</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.d.rows.slice(0, 10)}>
              {(r) => (
                <tr>
                  <td>{r.ticker}</td>
                  <For each={r.members}>
                    {(m) => (
                      <td class="num" style={{ color: m.value === null ? undefined : m.value >= 0 ? '#3fb950' : '#f85149' }}>
                        {pct(m.value)}
                      </td>
                    )}
                  </For>
                  <td class="num">{pct(r.std)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </div>
  );
}
