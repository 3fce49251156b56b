import { createMemo, createSignal, For, type JSX, onCleanup, onMount, Show } from 'solid-js';
import type { Histogram as Hist, Moments } from '../../lib/research-stats';
import './research.css';

const PAD = { l: 52, r: 14, t: 18, b: 30 };

/** "nice" tick step for a span and a target tick count. */
function niceStep(span: number, target: number): number {
  if (!(span > 0)) return 1;
  const raw = span / Math.max(1, target);
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m >= 5 ? 10 : m >= 2 ? 5 : m >= 1 ? 2 : 1) * p;
}

/**
 * A pre-binned histogram drawn as SVG bars at the container's pixel width, with the mean
 * marked, nice ticks on both axes and a "View data" bin table.
 */
export function HistogramChart(props: {
  title: string;
  hist: Hist;
  stats: Moments;
  color?: string;
  format: (v: number) => string;
  height?: number;
  testid?: string;
}): JSX.Element {
  const [width, setWidth] = createSignal(560);
  const [showData, setShowData] = createSignal(false);
  const height = () => props.height ?? 240;
  let box: HTMLDivElement | undefined;
  let observer: ResizeObserver | undefined;
  onMount(() => {
    if (!box) return;
    setWidth(Math.max(240, Math.floor(box.clientWidth)));
    observer = new ResizeObserver((e) => {
      const w = Math.floor(e[0]?.contentRect.width ?? 0);
      if (w >= 240 && w !== width()) setWidth(w);
    });
    observer.observe(box);
  });
  onCleanup(() => observer?.disconnect());

  const geom = createMemo(() => {
    const h = props.hist;
    const k = h.counts.length;
    const lo = h.edges[0];
    const hi = h.edges[k];
    let maxC = 0;
    for (const c of h.counts) if (c > maxC) maxC = c;
    const yMax = Math.max(1, maxC);
    const pw = width() - PAD.l - PAD.r;
    const ph = height() - PAD.t - PAD.b;
    const sx = (v: number) => PAD.l + ((v - lo) / (hi - lo || 1)) * pw;
    const sy = (c: number) => PAD.t + ph - (c / yMax) * ph;
    const bars = Array.from(h.counts, (c, i) => ({
      x: sx(h.edges[i]),
      w: Math.max(1, sx(h.edges[i + 1]) - sx(h.edges[i]) - 1),
      y: sy(c),
      h: PAD.t + ph - sy(c),
      c,
      from: h.edges[i],
      to: h.edges[i + 1],
    }));
    const xs = niceStep(hi - lo, Math.max(3, Math.floor(pw / 90)));
    const xTicks: number[] = [];
    // Ticks by index (not by accumulation), capped: a tiny step on a large offset cannot loop forever.
    const x0 = Math.ceil(lo / xs);
    for (let i = 0; i < 24 && (x0 + i) * xs <= hi + 1e-9 * Math.abs(hi); i++) xTicks.push((x0 + i) * xs);
    const ys = Math.max(1, niceStep(yMax, 4));
    const yTicks: number[] = [];
    for (let i = 0; i < 24 && i * ys <= yMax; i++) yTicks.push(i * ys);
    const mean = props.stats.mean;
    return { bars, xTicks, yTicks, sx, sy, pw, ph, meanX: Number.isFinite(mean) ? sx(mean) : null };
  });

  return (
    <figure class="chart" style={{ margin: 0 }} aria-label={props.title} data-testid={props.testid}>
      <div ref={box} class="chart-box" style={{ height: `${height()}px` }}>
        <svg width={width()} height={height()} role="img" aria-label={`${props.title}: ${props.hist.counts.length} bins over ${props.hist.n} values`}>
          <rect x={PAD.l} y={PAD.t} width={geom().pw} height={geom().ph} fill="#161b22" />
          <For each={geom().yTicks}>
            {(v) => (
              <g>
                <line x1={PAD.l} x2={PAD.l + geom().pw} y1={geom().sy(v)} y2={geom().sy(v)} stroke="#21262d" stroke-width={0.5} />
                <text class="rs-tick" x={PAD.l - 6} y={geom().sy(v)} text-anchor="end" dominant-baseline="central">
                  {v.toLocaleString('en-US')}
                </text>
              </g>
            )}
          </For>
          <For each={geom().bars}>
            {(b) => (
              <rect class="rs-bar" x={b.x} y={b.y} width={b.w} height={b.h} fill={props.color ?? '#58a6ff'} fill-opacity={0.85}>
                <title>
                  [{props.format(b.from)}, {props.format(b.to)}): {b.c}
                </title>
              </rect>
            )}
          </For>
          <Show when={geom().meanX !== null}>
            <line
              x1={geom().meanX ?? 0}
              x2={geom().meanX ?? 0}
              y1={PAD.t}
              y2={PAD.t + geom().ph}
              stroke="#d29922"
              stroke-width={1.5}
              stroke-dasharray="4 3"
            />
            <text class="rs-tick" x={geom().meanX ?? 0} y={PAD.t - 5} text-anchor="middle" style={{ fill: '#d29922' }}>
              mean {props.format(props.stats.mean)}
            </text>
          </Show>
          <line x1={PAD.l} x2={PAD.l + geom().pw} y1={PAD.t + geom().ph} y2={PAD.t + geom().ph} stroke="#30363d" />
          <For each={geom().xTicks}>
            {(v) => (
              <g>
                <line x1={geom().sx(v)} x2={geom().sx(v)} y1={PAD.t + geom().ph} y2={PAD.t + geom().ph + 4} stroke="#30363d" />
                <text class="rs-tick" x={geom().sx(v)} y={PAD.t + geom().ph + 16} text-anchor="middle">
                  {props.format(v)}
                </text>
              </g>
            )}
          </For>
          <text class="rs-tick" x={12} y={PAD.t + geom().ph / 2} text-anchor="middle" transform={`rotate(-90 12 ${PAD.t + geom().ph / 2})`}>
            count
          </text>
        </svg>
      </div>
      <figcaption class="chart-summary">
        <span>
          <span class="sr-only">{props.title}. </span>
          {props.hist.counts.length} bins · n {props.hist.n.toLocaleString('en-US')} · missing {props.hist.missing.toLocaleString('en-US')}
        </span>
        <button type="button" class="btn btn-sm" aria-expanded={showData()} onClick={() => setShowData((v) => !v)}>
          {showData() ? 'Hide data' : 'View data'}
        </button>
      </figcaption>
      <Show when={showData()}>
        <div class="table-wrap" style={{ 'max-height': '260px' }}>
          <table class="data">
            <caption class="sr-only">{props.title} — bins</caption>
            <thead>
              <tr>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col" class="r">
                  Count
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={geom().bars}>
                {(b) => (
                  <tr>
                    <td>{props.format(b.from)}</td>
                    <td>{props.format(b.to)}</td>
                    <td class="r">{b.c}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
    </figure>
  );
}
