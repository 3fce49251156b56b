/**
 * Parameter sweep: every (fast, slow) SMA pair of a grid evaluated over the chosen tickers as
 * one `sweep` job split across the worker pool, then judged for selection bias — the best
 * pair's deflated Sharpe and the CSCV probability of backtest overfitting — next to a Sharpe
 * heatmap of the whole grid and the top pairs.
 */
import { createEffect, createMemo, createSignal, For, type JSX, on, Show } from 'solid-js';
import type { DatasetMeta, Json } from '../../../engine/contracts';
import type { SweepView } from '../../../workers/api';
import { formatNumber, formatPercent } from '../../lib/format';
import { DIVERGING_STOPS, divergingColor } from '../../lib/research-color';
import { errorMessage } from '../../lib/trace';
import { useApp } from '../../state/app';
import { createLoader } from '../../state/loader';
import { JobMonitor } from '../JobMonitor';
import { KpiCard } from '../KpiCard';
import { Panel, type PanelState } from '../Panel';
import { Heatmap } from '../research/Heatmap';

const TOP = 20;

interface Range {
  from: number;
  to: number;
  step: number;
}

function RangeField(props: { id: string; label: string; value: Range; onChange: (r: Range) => void }): JSX.Element {
  const set = (k: keyof Range, v: string) => {
    const n = Number(v);
    if (Number.isInteger(n) && n >= 1) props.onChange({ ...props.value, [k]: n });
  };
  return (
    <fieldset class="field bt-field" data-testid={props.id}>
      <legend>{props.label}</legend>
      <div class="field-row">
        <For each={['from', 'to', 'step'] as const}>
          {(k) => (
            <label>
              {k}{' '}
              <input type="number" min={1} max={1000} value={props.value[k]} style={{ width: '5rem' }} data-testid={`${props.id}-${k}`} onChange={(e) => set(k, e.currentTarget.value)} />
            </label>
          )}
        </For>
      </div>
    </fieldset>
  );
}

function combos(f: Range, s: Range): number {
  let n = 0;
  for (let a = f.from; a <= f.to; a += f.step) for (let b = s.from; b <= s.to; b += s.step) if (a < b) n++;
  return n;
}

export function SweepPanel(props: { datasets: DatasetMeta[] }): JSX.Element {
  const app = useApp();
  const daily = createMemo(() => props.datasets.filter((d) => d.timeframe === '1d'));
  const [selected, setSelected] = createSignal<string[]>([]);
  const [fast, setFast] = createSignal<Range>({ from: 5, to: 50, step: 5 });
  const [slow, setSlow] = createSignal<Range>({ from: 20, to: 200, step: 10 });
  const [cost, setCost] = createSignal(10);
  const [jobId, setJobId] = createSignal<string | null>(null);
  const [submitError, setSubmitError] = createSignal<string | null>(null);
  const sweepKey = createMemo(() =>
    app
      .jobs()
      .filter((j) => j.type === 'sweep')
      .map((j) => `${j.id}:${j.status}`)
      .join(','),
  );
  const [result, reload] = createLoader(() => ({ k: sweepKey() }), () => app.backend.getSweepResult('latest'), 'ui.backtest.sweep');
  createEffect(on(sweepKey, () => setSubmitError(null), { defer: true }));

  const n = () => combos(fast(), slow());
  const problem = () => {
    if (selected().length === 0) return 'Pick at least one ticker.';
    if (n() === 0) return 'The grid has no pair with fast < slow.';
    if (n() > 50_000) return `The grid has ${n()} pairs; the limit is 50,000 — widen the steps.`;
    return null;
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    if (problem()) return;
    const ids = selected();
    const params: { [k: string]: Json } = { datasetIds: ids, fast: { ...fast() }, slow: { ...slow() }, costBps: cost() };
    try {
      const rec = await app.submitJob({
        type: 'sweep',
        params,
        inputs: daily()
          .filter((m) => ids.includes(m.id))
          .map((m) => ({ key: m.id, checksum: m.checksum })),
      });
      setJobId(rec.id);
    } catch (err) {
      setSubmitError(`${errorMessage(err)} (trace ${app.reportError('ui.backtest.sweep.submit', err)})`);
    }
  };

  const state = (): PanelState => {
    const r = result();
    if (r.status === 'error') return { kind: 'error', message: r.message, traceId: r.traceId, retry: reload };
    if (r.status !== 'ready') return { kind: 'loading' };
    if (r.value === null) return { kind: 'empty', message: 'No parameter sweep yet', detail: 'Pick tickers and a grid above, then run the sweep.' };
    return { kind: 'ready', envelope: r.value };
  };

  return (
    <>
      <form class="bt-form" onSubmit={(e) => void submit(e)} data-testid="sweep-form">
        <fieldset class="field bt-field">
          <legend>Tickers</legend>
          <div class="bt-tickers">
            <For each={daily()}>
              {(d) => (
                <label class="bt-ticker">
                  <input
                    type="checkbox"
                    data-testid={`sweep-ticker-${d.ticker}`}
                    checked={selected().includes(d.id)}
                    onChange={(e) => {
                      const on = e.currentTarget.checked;
                      setSelected((s) => (on ? [...s, d.id] : s.filter((x) => x !== d.id)));
                    }}
                  />
                  {d.ticker}
                </label>
              )}
            </For>
          </div>
        </fieldset>
        <div class="grid-2">
          <RangeField id="sweep-fast" label="Fast SMA window" value={fast()} onChange={setFast} />
          <RangeField id="sweep-slow" label="Slow SMA window" value={slow()} onChange={setSlow} />
        </div>
        <label class="field bt-field">
          Cost per unit traded (bps){' '}
          <input type="number" min={0} max={500} step={0.5} value={cost()} style={{ width: '6rem' }} onChange={(e) => setCost(Math.max(0, Number(e.currentTarget.value) || 0))} />
        </label>
        <p class="hint">{`${n().toLocaleString()} pairs · positions traded at the close after the crossover · equal weight across tickers`}</p>
        <Show when={problem()}>{(p) => <p class="hint">{p()}</p>}</Show>
        <Show when={submitError()}>
          {(m) => (
            <p class="hint" role="alert">
              Could not submit: {m()}
            </p>
          )}
        </Show>
        <div class="state-actions">
          <button type="submit" class="btn btn-primary" data-testid="run-sweep" disabled={problem() !== null}>
            Run Sweep
          </button>
        </div>
      </form>
      <Show when={jobId()}>{(id) => <JobMonitor jobId={id()} />}</Show>
      <Panel<SweepView> title="Sweep Results" state={state()}>
        {(v) => <SweepResults view={v()} />}
      </Panel>
    </>
  );
}

function SweepResults(props: { view: SweepView }): JSX.Element {
  const v = () => props.view;
  const fastWindows = createMemo(() => [...new Set(v().fast)].sort((a, b) => a - b));
  const slowWindows = createMemo(() => [...new Set(v().slow)].sort((a, b) => a - b));
  const grid = createMemo(() => {
    const fw = fastWindows();
    const sw = slowWindows();
    const fi = new Map(fw.map((w, i) => [w, i]));
    const si = new Map(sw.map((w, i) => [w, i]));
    const out = new Float64Array(fw.length * sw.length).fill(Number.NaN);
    v().fast.forEach((f, k) => {
      const s = v().sharpe[k];
      out[(fi.get(f) ?? 0) * sw.length + (si.get(v().slow[k]) ?? 0)] = s ?? Number.NaN;
    });
    return out;
  });
  const limit = createMemo(() => {
    let m = 0;
    for (const x of grid()) if (Number.isFinite(x)) m = Math.max(m, Math.abs(x));
    return m || 1;
  });
  const top = createMemo(() =>
    v()
      .sharpe.map((s, k) => ({ k, s }))
      .filter((x): x is { k: number; s: number } => x.s !== null)
      .sort((a, b) => b.s - a.s)
      .slice(0, TOP),
  );
  const b = () => v().best;
  return (
    <div>
      <div class="kpi-grid" data-testid="sweep-kpis">
        <KpiCard label="Best pair" value={`${b().fast} / ${b().slow}`} subtitle={`of ${b().trials} with a Sharpe`} />
        <KpiCard label="Best Sharpe (ann.)" value={formatNumber(b().sharpe, 2)} />
        <KpiCard label="Deflated Sharpe" value={b().dsr === null ? '—' : formatNumber(b().dsr ?? 0, 3)} subtitle={b().dsrPValue === null ? undefined : `p = ${formatNumber(b().dsrPValue ?? 0, 3)}`} />
        <KpiCard label="PBO (CSCV)" value={b().pbo === null ? '—' : formatPercent(b().pbo ?? 0, 1)} subtitle={`${v().params.pboBlocks} blocks`} />
        <KpiCard label="Dates" value={String(v().rows)} subtitle={`${v().firstDate} → ${v().lastDate}`} />
        <KpiCard label="Throughput" value={`${formatNumber(v().barStepsPerSecond / 1e6, 0)} M bar-steps/s`} subtitle={`${v().shards} shards · ${formatNumber(v().elapsedMs, 0)} ms`} />
      </div>
      <Heatmap
        title="Annualised Sharpe by fast (rows) and slow (columns) window"
        testid="sweep-heatmap"
        rowLabels={fastWindows().map(String)}
        colLabels={slowWindows().map(String)}
        rowAxis="Fast"
        colAxis="Slow"
        values={grid()}
        color={(x) => divergingColor(x, limit())}
        format={(x, compact) => formatNumber(x, compact ? 1 : 2)}
        legend={{ stops: DIVERGING_STOPS, labels: [formatNumber(-limit(), 2), '0', formatNumber(limit(), 2)] }}
        maxCell={28}
      />
      <table class="data-table" data-testid="sweep-top">
        <caption>{`Top ${TOP} pairs by Sharpe`}</caption>
        <thead>
          <tr>
            <th>Fast</th>
            <th>Slow</th>
            <th>Sharpe</th>
            <th>Total return</th>
            <th>Max drawdown</th>
            <th>Entries</th>
          </tr>
        </thead>
        <tbody>
          <For each={top()}>
            {(r) => (
              <tr>
                <td>{v().fast[r.k]}</td>
                <td>{v().slow[r.k]}</td>
                <td>{formatNumber(r.s, 2)}</td>
                <td>{formatPercent(v().totalReturn[r.k] ?? Number.NaN, 1)}</td>
                <td>{formatPercent(v().maxDrawdown[r.k] ?? Number.NaN, 1)}</td>
                <td>{v().trades[r.k]}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

