import { createMemo, createSignal, For, type JSX, Show } from 'solid-js';
import type { BacktestView } from '../../workers/api';
import { num, pct, reportNum } from '../components/backtest/BacktestResults';
import { comparisonSeries } from '../components/backtest/comparison';
import { LineChart } from '../components/charts/LineChart';
import { KpiCard } from '../components/KpiCard';
import { PageHeader } from '../components/PageHeader';
import { Panel, type PanelState } from '../components/Panel';
import { formatNumber, formatPercent } from '../lib/format';
import { createReplay } from '../lib/replay';
import { pageById } from '../pages';
import { useApp } from '../state/app';
import { createLoader } from '../state/loader';
import { empty, GO_BACKTEST, GO_DATA } from './common';

const NO_RUN = 'No backtest run yet — run one on Backtest & Risk with a benchmark (e.g. SPY)';
const NO_BENCH = 'This run has no benchmark — re-run it with a benchmark selected';

export default function BenchmarkPage(): JSX.Element {
  const page = pageById('benchmark');
  const app = useApp();
  const [runId, setRunId] = createSignal('latest');
  const [win, setWin] = createSignal(60);
  const [runs] = createLoader(() => ({ v: app.datasetsVersion() }), () => app.backend.listBacktestRuns(), 'ui.benchmark.runs');
  const [result, reload] = createLoader(() => runId(), (id) => app.backend.getBacktestResult(id), 'ui.benchmark.result');

  const state = (): PanelState => {
    const r = result();
    if (r.status === 'error') return { kind: 'error', message: r.message, traceId: r.traceId, retry: reload };
    if (r.status !== 'ready') return { kind: 'loading' };
    if (r.value === null) return empty(NO_RUN, [GO_BACKTEST, GO_DATA]);
    if (!r.value.data.comparison) return empty(NO_BENCH, [GO_BACKTEST]);
    return { kind: 'ready', envelope: r.value };
  };
  const series = createMemo(() => {
    const r = result();
    if (r.status !== 'ready' || !r.value?.data.comparison) return null;
    return comparisonSeries(r.value.data.returns, r.value.data.comparison.benchmarkReturns, win());
  });
  const x = (v: BacktestView) => Float64Array.from(v.dates);
  const succeeded = () => {
    const r = runs();
    return r.status === 'ready' ? r.value.filter((x) => x.status === 'succeeded') : [];
  };
  const benchMaxDd = () => {
    const s = series();
    if (!s) return null;
    let m = 0;
    for (const d of s.benchmarkDrawdown) m = Math.min(m, d);
    return m;
  };
  const benchReturn = () => {
    const s = series();
    if (!s || s.relativeStrength.length === 0) return null;
    const r = result();
    if (r.status !== 'ready' || !r.value) return null;
    const eq = r.value.data.equity;
    const strat = eq[eq.length - 1] / r.value.data.params.initial_capital;
    return strat / s.relativeStrength[s.relativeStrength.length - 1] - 1;
  };
  const controls = (
    <div class="field-row">
      <label>
        Run{' '}
        <select data-testid="bm-run" value={runId()} onChange={(e) => setRunId(e.currentTarget.value)}>
          <option value="latest">Latest</option>
          <For each={succeeded()}>{(r) => <option value={r.jobId}>{`${new Date(r.createdAt).toLocaleString()} · ${r.jobId.slice(0, 8)}`}</option>}</For>
        </select>
      </label>
      <label>
        Window{' '}
        <input
          type="number"
          data-testid="bm-window"
          min={10}
          max={252}
          value={win()}
          style={{ width: '5rem' }}
          onChange={(e) => {
            const v = Number(e.currentTarget.value);
            if (Number.isInteger(v) && v >= 10 && v <= 252) setWin(v);
          }}
        />
      </label>
    </div>
  );
  const s = () => series();
  const points = () => {
    const r = result();
    return r.status === 'ready' && r.value ? r.value.data.dates.length : 0;
  };
  const replay = createReplay(points);
  const replayTools = (
    <div class="field-row">
      <Show when={replay.notice()}>
        <span class="hint" role="status">
          {replay.notice()}
        </span>
      </Show>
      <Show when={replay.playing()} fallback={
        <button type="button" class="btn btn-sm" data-testid="bm-replay" onClick={replay.start} disabled={points() < 3}>
          Replay
        </button>
      }>
        <span class="hint" aria-live="off" data-testid="bm-replay-progress">
          {`${replay.revealed() ?? 0} / ${points()}`}
        </span>
        <button type="button" class="btn btn-sm" data-testid="bm-replay-stop" onClick={replay.stop}>
          Stop
        </button>
      </Show>
    </div>
  );
  return (
    <div class="page">
      <PageHeader title={page.title} subtitle="Strategy vs benchmark performance analysis" />
      <Panel<BacktestView> title="Comparison Metrics" state={state()} tools={controls}>
        {(v) => (
          <div class="kpi-grid" data-testid="bm-kpis">
            <KpiCard label="Strategy Return" value={pct(reportNum(v(), 'performance', 'total_return'))} />
            <KpiCard label="Benchmark Return" value={pct(benchReturn())} subtitle={v().comparison?.benchmark} />
            <KpiCard label="Alpha (ann.)" value={pct(reportNum(v(), 'performance', 'alpha_ann'))} />
            <KpiCard label="Beta" value={num(reportNum(v(), 'performance', 'beta'))} />
            <KpiCard label="Correlation" value={num(reportNum(v(), 'performance', 'correlation'))} />
            <KpiCard label="Tracking Error" value={pct(reportNum(v(), 'performance', 'tracking_error_ann'))} />
            <KpiCard label="Information Ratio" value={num(reportNum(v(), 'performance', 'information_ratio'))} />
            <KpiCard label="Max DD (strategy / bench)" value={`${pct(reportNum(v(), 'performance', 'max_drawdown')) ?? '—'} / ${pct(benchMaxDd()) ?? '—'}`} />
          </div>
        )}
      </Panel>
      <Panel<BacktestView> title="Equity Comparison" state={state()} tools={replayTools}>
        {(v) => (
          <LineChart
            title="Strategy vs benchmark equity"
            reveal={replay.revealed()}
            x={x(v())}
            series={[
              { label: 'Strategy', y: Float64Array.from(v().equity), color: '#3b82f6' },
              { label: v().comparison?.benchmark ?? 'Benchmark', y: Float64Array.from(v().benchmarkEquity ?? []), color: '#9ca3af', dash: [4, 4] },
            ]}
            formatY={(y) => formatNumber(y, 0)}
            csvName="equity-comparison.csv"
          />
        )}
      </Panel>
      <div class="grid-2">
        <Panel<BacktestView> title={`Rolling ${win()}D Correlation`} slug="rolling-correlation" state={state()}>
          {(v) => <LineChart title="Rolling correlation" x={x(v())} series={[{ label: 'Correlation', y: s()?.rollingCorrelation ?? new Float64Array(0), color: '#06b6d4' }]} formatY={(y) => formatNumber(y, 2)} />}
        </Panel>
        <Panel<BacktestView> title={`Rolling ${win()}D Alpha & Beta`} slug="rolling-alpha-beta" state={state()}>
          {(v) => (
            <LineChart
              title="Rolling alpha (ann.) and beta"
              x={x(v())}
              series={[
                { label: 'Alpha (ann.)', y: s()?.rollingAlpha ?? new Float64Array(0), color: '#22c55e' },
                { label: 'Beta', y: s()?.rollingBeta ?? new Float64Array(0), color: '#f59e0b' },
              ]}
              formatY={(y) => formatNumber(y, 2)}
            />
          )}
        </Panel>
        <Panel<BacktestView> title="Relative Strength" state={state()}>
          {(v) => <LineChart title="Strategy / benchmark equity" x={x(v())} series={[{ label: 'Relative strength', y: s()?.relativeStrength ?? new Float64Array(0), color: '#8b5cf6' }]} formatY={(y) => formatNumber(y, 3)} />}
        </Panel>
        <Panel<BacktestView> title="Drawdown Comparison" state={state()}>
          {(v) => (
            <LineChart
              title="Drawdowns"
              x={x(v())}
              series={[
                { label: 'Strategy', y: s()?.strategyDrawdown ?? new Float64Array(0), color: '#ef4444' },
                { label: 'Benchmark', y: s()?.benchmarkDrawdown ?? new Float64Array(0), color: '#9ca3af', dash: [4, 4] },
              ]}
              formatY={(y) => formatPercent(y, 1)}
            />
          )}
        </Panel>
      </div>
      <Panel<BacktestView> title="Cumulative Excess Return" state={state()}>
        {(v) => <LineChart title="Strategy minus benchmark growth of 1" x={x(v())} series={[{ label: 'Excess', y: s()?.excessCumulative ?? new Float64Array(0), color: '#14b8a6' }]} formatY={(y) => formatPercent(y, 1)} />}
      </Panel>
    </div>
  );
}
