import { For, type JSX, Show } from 'solid-js';
import type { DomainScore } from '../../../workers/health/view';

const SIZE = 280;
const C = SIZE / 2;
const R = 100;

function point(i: number, n: number, r: number): [number, number] {
  const a = -Math.PI / 2 + (2 * Math.PI * i) / n;
  return [C + r * Math.cos(a), C + r * Math.sin(a)];
}

/**
 * Five-axis radar of the domain scores (0–100). A domain without a score is drawn at the
 * centre with "N/A" on its label — never as a guessed value.
 */
export function HealthRadar(props: { domains: DomainScore[] }): JSX.Element {
  const n = () => props.domains.length;
  const poly = () =>
    props.domains
      .map((d, i) => point(i, n(), ((d.score ?? 0) / 100) * R))
      .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
      .join(' ');
  const ring = (f: number) =>
    props.domains
      .map((_, i) => point(i, n(), f * R))
      .map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`)
      .join(' ');
  const summary = () => props.domains.map((d) => `${d.label} ${d.score === null ? 'N/A' : Math.round(d.score)}`).join(', ');
  return (
    <figure style={{ margin: 0 }}>
      <svg viewBox={`-80 -6 ${SIZE + 160} ${SIZE + 12}`} width="100%" style={{ 'max-width': '460px', display: 'block', margin: '0 auto' }} role="img" aria-label={`Health radar: ${summary()}`} data-testid="health-radar">
        <For each={[0.25, 0.5, 0.75, 1]}>{(f) => <polygon points={ring(f)} fill="none" stroke="var(--border)" stroke-width="1" />}</For>
        <For each={props.domains}>
          {(_, i) => {
            const [x, y] = point(i(), n(), R);
            return <line x1={C} y1={C} x2={x} y2={y} stroke="var(--border)" stroke-width="1" />;
          }}
        </For>
        <Show when={props.domains.some((d) => d.score !== null)}>
          <polygon points={poly()} fill="rgba(88,166,255,0.25)" stroke="var(--accent-blue)" stroke-width="2" />
        </Show>
        <For each={props.domains}>
          {(d, i) => {
            const [x, y] = point(i(), n(), R + 22);
            return (
              <text x={x} y={y} text-anchor="middle" dominant-baseline="middle" font-size="10" fill="var(--text-secondary, #8b949e)">
                {`${d.label} ${d.score === null ? 'N/A' : Math.round(d.score)}`}
              </text>
            );
          }}
        </For>
      </svg>
      <figcaption class="sr-only">{summary()}</figcaption>
    </figure>
  );
}
