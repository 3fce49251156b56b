import { createMemo, For, type JSX, Show } from 'solid-js';
import { formatPercent } from '../../lib/format';
import type { ScatterPoint } from './signal-model';

const W = 640;
const H = 280;
const PAD = { l: 56, r: 14, t: 12, b: 36 };
/** Points drawn at most (the rest are summarised in the caption, never silently dropped). */
const MAX_POINTS = 4000;

/**
 * Calibrated confidence (x, 0–1) against the realised forward return (y) as an SVG scatter;
 * a point is green when the predicted sign was right, red when wrong, hollow when in-sample.
 */
export function ConfidenceScatter(props: { points: readonly ScatterPoint[] }): JSX.Element {
  const geom = createMemo(() => {
    const pts = props.points;
    let lo = 0;
    let hi = 0;
    for (const p of pts) {
      if (p.realised < lo) lo = p.realised;
      if (p.realised > hi) hi = p.realised;
    }
    if (hi === lo) hi = lo + 0.01;
    const pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
    const sx = (c: number) => PAD.l + c * (W - PAD.l - PAD.r);
    const sy = (r: number) => PAD.t + ((hi - r) / (hi - lo)) * (H - PAD.t - PAD.b);
    const step = Math.max(1, Math.ceil(pts.length / MAX_POINTS));
    const shown = pts.filter((_, i) => i % step === 0);
    const ticks = [0, 0.25, 0.5, 0.75, 1];
    const yTicks = [lo + (hi - lo) * 0.1, (lo + hi) / 2, hi - (hi - lo) * 0.1];
    return { shown, step, sx, sy, ticks, yTicks };
  });
  return (
    <figure class="signal-scatter" data-testid="signal-scatter" style={{ margin: 0 }}>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={`Confidence versus realised return, ${props.points.length} points`}>
        <line x1={PAD.l} x2={W - PAD.r} y1={geom().sy(0)} y2={geom().sy(0)} stroke="#8b949e" stroke-dasharray="4 3" />
        <For each={geom().ticks}>
          {(t) => (
            <g>
              <line x1={geom().sx(t)} x2={geom().sx(t)} y1={H - PAD.b} y2={H - PAD.b + 4} stroke="#8b949e" />
              <text x={geom().sx(t)} y={H - PAD.b + 16} fill="#8b949e" font-size="11" text-anchor="middle">
                {t.toFixed(2)}
              </text>
            </g>
          )}
        </For>
        <For each={geom().yTicks}>
          {(t) => (
            <text x={PAD.l - 6} y={geom().sy(t) + 4} fill="#8b949e" font-size="11" text-anchor="end">
              {formatPercent(t, 1)}
            </text>
          )}
        </For>
        <text x={(PAD.l + W - PAD.r) / 2} y={H - 4} fill="#8b949e" font-size="11" text-anchor="middle">
          Confidence
        </text>
        <For each={geom().shown}>
          {(p) => {
            const hit = Math.sign(p.predicted) === Math.sign(p.realised);
            const c = hit ? '#3fb950' : '#f85149';
            return (
              <circle cx={geom().sx(p.confidence)} cy={geom().sy(p.realised)} r={2.5} fill={p.inSample ? 'none' : c} stroke={c} opacity={0.75}>
                <title>{`${p.ticker} ${p.date}: confidence ${p.confidence.toFixed(3)}, predicted ${formatPercent(p.predicted, 2)}, realised ${formatPercent(p.realised, 2)}`}</title>
              </circle>
            );
          }}
        </For>
      </svg>
      <Show when={geom().step > 1}>
        <figcaption class="hint">{`Every ${geom().step}th of ${props.points.length} points drawn.`}</figcaption>
      </Show>
    </figure>
  );
}
