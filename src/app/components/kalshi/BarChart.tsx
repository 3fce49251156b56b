import { For, type JSX } from 'solid-js';

const W = 640;
const H = 200;
const PAD = { l: 44, r: 8, t: 10, b: 36 };

export interface Bar {
  label: string;
  value: number | null;
  title?: string;
}

/**
 * Signed bars around a zero line (surprises, fold accuracy). Missing values leave an empty
 * slot, never a zero bar. `domain` fixes the axis (e.g. [0, 1] for accuracy).
 */
export function BarChart(props: { bars: Bar[]; format: (v: number) => string; domain?: [number, number]; testid?: string; label: string }): JSX.Element {
  const vals = () => props.bars.map((b) => b.value).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = () => props.domain?.[0] ?? Math.min(0, ...vals());
  const hi = () => props.domain?.[1] ?? Math.max(0, ...vals(), 1e-12);
  const y = (v: number) => PAD.t + ((H - PAD.t - PAD.b) * (hi() - v)) / (hi() - lo() || 1);
  const bw = () => (W - PAD.l - PAD.r) / Math.max(1, props.bars.length);
  const every = () => Math.max(1, Math.ceil(props.bars.length / 12));
  return (
    <svg class="kx-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.label} data-testid={props.testid}>
      <line class="kx-axis" x1={PAD.l} x2={W - PAD.r} y1={y(0)} y2={y(0)} />
      <text x={2} y={PAD.t + 8}>
        {props.format(hi())}
      </text>
      <text x={2} y={H - PAD.b}>
        {props.format(lo())}
      </text>
      <For each={props.bars}>
        {(b, i) => {
          const v = b.value;
          const ok = v !== null && Number.isFinite(v);
          return (
            <g>
              {ok ? (
                <rect
                  data-testid="bar"
                  x={PAD.l + bw() * i() + bw() * 0.1}
                  width={Math.max(1, bw() * 0.8)}
                  y={Math.min(y(v as number), y(0))}
                  height={Math.abs(y(v as number) - y(0))}
                  fill={(v as number) >= 0 ? '#3fb950' : '#f85149'}
                >
                  <title>{b.title ?? `${b.label}: ${props.format(v as number)}`}</title>
                </rect>
              ) : null}
              {i() % every() === 0 ? (
                <text x={PAD.l + bw() * (i() + 0.5)} y={H - PAD.b + 14} text-anchor="middle">
                  {b.label}
                </text>
              ) : null}
            </g>
          );
        }}
      </For>
    </svg>
  );
}
