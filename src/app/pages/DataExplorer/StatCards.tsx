import { type JSX, Show } from 'solid-js';
import type { Bars, DatasetMeta } from '../../../engine/contracts';
import { KpiCard } from '../../components/KpiCard';
import { formatInt, formatNumber, formatPercent, isoDay } from '../../lib/format';
import { compactVolume, qualityWord, seriesStatsView } from './stats';

/** Last Price, Day Change, 52W High/Low, Avg Volume (20D), Data Quality; then the range line. */
export function StatCards(props: { meta: DatasetMeta; bars: Bars }): JSX.Element {
  const s = () => seriesStatsView(props.bars, props.meta.timeframe);
  const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : formatNumber(v));
  const change = () => {
    const st = s();
    if (!st || !Number.isFinite(st.change)) return null;
    return `${st.change >= 0 ? '+' : '−'}${formatNumber(Math.abs(st.change))} (${st.changePct >= 0 ? '+' : '−'}${formatPercent(Math.abs(st.changePct), 2)})`;
  };
  const qColor = () => (props.meta.quality === 'pass' ? 'var(--status-pass)' : props.meta.quality === 'fail' ? 'var(--status-fail)' : 'var(--status-warn)');
  return (
    <div class="stack" data-testid="stat-cards">
      <div class="kpi-grid de-kpis">
        <KpiCard label="Last Price" value={num(s()?.last)} subtitle={s() ? isoDay(new Date(s()!.lastTs).toISOString()) : undefined} testid="stat-last" />
        <KpiCard
          label="Day Change"
          value={change()}
          accent={s() && s()!.change < 0 ? 'var(--accent-red)' : 'var(--accent-green)'}
          subtitle="vs previous session close"
          testid="stat-change"
        />
        <KpiCard label="52W High" value={num(s()?.high52)} subtitle={s() && Number.isFinite(s()!.low52) ? `Low ${formatNumber(s()!.low52)}` : undefined} testid="stat-52w" />
        <KpiCard
          label="Avg Volume (20D)"
          value={s() && Number.isFinite(s()!.avgVolume20) ? compactVolume(s()!.avgVolume20) : null}
          subtitle={s() && s()!.sessions < 20 ? `needs 20 sessions (${s()!.sessions})` : undefined}
          testid="stat-volume"
        />
        <KpiCard label="Data Quality" value={qualityWord(props.meta.quality)} accent={qColor()} subtitle={`${formatInt(props.meta.rows)} bars`} testid="stat-quality" />
      </div>
      <Show when={props.bars.ts.length > 0}>
        <p class="hint" style={{ margin: 0 }}>
          Range: {isoDay(props.meta.first)} → {isoDay(props.meta.last)} | Total Bars {formatInt(props.meta.rows)}
        </p>
      </Show>
    </div>
  );
}
