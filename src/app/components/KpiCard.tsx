import type { JSX } from 'solid-js';

/** A metric card. `value` null renders "N/A" — a missing number is never replaced by a guess. */
export function KpiCard(props: { label: string; value: string | null; subtitle?: string; accent?: string; testid?: string }): JSX.Element {
  return (
    <div class="kpi-card" style={{ '--kpi-accent': props.accent ?? 'var(--border)' }} data-testid={props.testid}>
      <div class="kpi-label">{props.label}</div>
      <div class="kpi-value" classList={{ 'kpi-na': props.value === null }}>
        {props.value ?? 'N/A'}
      </div>
      <div class="kpi-sub">{props.subtitle ?? '\u00a0'}</div>
    </div>
  );
}
