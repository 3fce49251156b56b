import { For, type JSX } from 'solid-js';
import type { HealthReport } from '../../../workers/health/view';
import { KpiCard } from '../KpiCard';
import { formatScore, scoreColor } from './format';

/** The six score cards: overall plus one per domain (weights from the report itself). */
export function HealthScoreCards(props: { report: HealthReport }): JSX.Element {
  const available = () => props.report.domains.reduce((s, d) => s + d.available, 0);
  const total = () => props.report.domains.reduce((s, d) => s + d.total, 0);
  return (
    <div class="kpi-grid" data-testid="health-score-cards">
      <KpiCard
        testid="score-overall"
        label="Overall"
        value={formatScore(props.report.overall_score)}
        subtitle={`${props.report.overall_status} · ${props.report.domains.filter((d) => d.score !== null).length}/${props.report.domains.length} domains · ${available()}/${total()} checks`}
        accent={scoreColor(props.report.overall_score)}
      />
      <For each={props.report.domains}>
        {(d) => (
          <KpiCard
            testid={`score-${d.domain}`}
            label={`${d.label} (${Math.round(d.weight * 100)}%)`}
            value={formatScore(d.score)}
            subtitle={`${d.available}/${d.total} checks`}
            accent={scoreColor(d.score)}
          />
        )}
      </For>
    </div>
  );
}
