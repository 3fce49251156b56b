import { For, type JSX, Show } from 'solid-js';
import type { DistributionBucket } from '../../../engine/kalshi/analysis';

const W = 640;
const H = 240;
const PAD = { l: 40, r: 12, t: 12, b: 48 };

/**
 * The current distribution: one bar per outcome bucket (probability, %) with the CDF as a
 * line on the same 0–100 % axis. Plain SVG: a handful of buckets needs no chart library.
 */
export function PmfChart(props: { buckets: DistributionBucket[] }): JSX.Element {
  const n = () => props.buckets.length;
  const maxP = () => Math.max(0.05, ...props.buckets.map((b) => b.probability));
  const bw = () => (W - PAD.l - PAD.r) / Math.max(1, n());
  const yBar = (p: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - p / maxP());
  const yCdf = (c: number) => PAD.t + (H - PAD.t - PAD.b) * (1 - c);
  const cdfPoints = () => props.buckets.map((b, i) => `${PAD.l + bw() * (i + 0.5)},${yCdf(b.cdf)}`).join(' ');
  return (
    <svg class="kx-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label="Probability by outcome bucket with the cumulative distribution" data-testid="kalshi-pmf">
      <line class="kx-axis" x1={PAD.l} x2={W - PAD.r} y1={H - PAD.b} y2={H - PAD.b} />
      <text x={4} y={PAD.t + 8}>
        {`${(maxP() * 100).toFixed(0)}%`}
      </text>
      <For each={props.buckets}>
        {(b, i) => (
          <g>
            <rect
              data-testid="pmf-bar"
              data-probability={b.probability}
              x={PAD.l + bw() * i() + bw() * 0.12}
              width={bw() * 0.76}
              y={yBar(b.probability)}
              height={H - PAD.b - yBar(b.probability)}
              fill="#58a6ff"
            >
              <title>{`${b.bucket}: ${(b.probability * 100).toFixed(1)}% (CDF ${(b.cdf * 100).toFixed(1)}%)`}</title>
            </rect>
            <text x={PAD.l + bw() * (i() + 0.5)} y={yBar(b.probability) - 3} text-anchor="middle">
              {`${(b.probability * 100).toFixed(1)}%`}
            </text>
            <text x={PAD.l + bw() * (i() + 0.5)} y={H - PAD.b + 14} text-anchor="middle">
              {b.bucket}
            </text>
          </g>
        )}
      </For>
      <Show when={n() > 1}>
        <polyline points={cdfPoints()} fill="none" stroke="#d29922" stroke-width="2" data-testid="kalshi-cdf" />
      </Show>
      <text x={W - PAD.r} y={H - 8} text-anchor="end">
        bars: probability (left scale) · line: CDF (0–100%)
      </text>
    </svg>
  );
}
